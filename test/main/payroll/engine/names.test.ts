// The registered-name check: one shared name (two letters or more, any case, order or accent) is a match.
import { describe, expect, it } from 'vitest';
import { checkRegisteredName } from '../../../../src/main/payroll/engine';

describe('checkRegisteredName', () => {
  it('matches when the worker and the M-Pesa registration share a name', () => {
    expect(checkRegisteredName('Grace Wanjiku Kamau', 'GRACE KAMAU')).toBe('match');
    expect(checkRegisteredName('kamau,  grace', 'GRACE KAMAU')).toBe('match');
    expect(checkRegisteredName('José Otieno', 'JOSE ACHIENG')).toBe('match');
  });

  it('flags a registration that shares no name with the worker', () => {
    expect(checkRegisteredName('Grace Wanjiku', 'PETER OTIENO')).toBe('mismatch');
    // Initials alone are not a shared name.
    expect(checkRegisteredName('G. W. Kamau', 'G W OTIENO')).toBe('mismatch');
  });

  it('has nothing to compare when M-Pesa gave no name', () => {
    expect(checkRegisteredName('Grace Wanjiku', null)).toBeNull();
    expect(checkRegisteredName('Grace Wanjiku', '  ')).toBeNull();
  });
});
