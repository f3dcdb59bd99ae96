// Search compares text without case or accents, in any script.
import { describe, expect, it } from 'vitest';
import { foldForSearch, matchesSearch } from '../../src/shared/search-fold';

describe('foldForSearch', () => {
  it('drops case and accents so the forms people type meet the forms M-Pesa prints', () => {
    expect(foldForSearch('WAMBŨI')).toBe(foldForSearch('Wambũi'));
    expect(foldForSearch('Wambũi')).toBe('wambui');
    expect(foldForSearch('  Njéri   Kamau ')).toBe('njeri kamau');
    expect(foldForSearch('Ørsted Straße')).toBe('orsted strasse');
    expect(foldForSearch('ΟΔΟΣ')).toBe(foldForSearch('οδοσ'));
    expect(foldForSearch('Αθήνα')).toBe(foldForSearch('ΑΘΗΝΑ'));
    expect(foldForSearch('Ｗａｍｂｕｉ')).toBe('wambui');
  });

  it('leaves scripts without case as they are, and an empty search matches everything', () => {
    expect(foldForSearch('محمد')).toBe('محمد');
    expect(matchesSearch('Grace WANJIKŨ', 'wanjiku')).toBe(true);
    expect(matchesSearch('Grace Wanjiku', 'otieno')).toBe(false);
    expect(matchesSearch(null, '')).toBe(true);
    expect(matchesSearch(null, 'a')).toBe(false);
  });
});
