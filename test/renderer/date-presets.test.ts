// Date presets are Nairobi calendar days: the instant "now" is read in Nairobi (UTC+3), weeks start
// on Monday, and months and years roll over at their edges.
import { describe, expect, it } from 'vitest';
import { presetOf, presetRange, type DatePreset } from '../../src/renderer/lib/date-presets';

const at = (iso: string) => new Date(iso);
const range = (preset: DatePreset, now: string) => presetRange(preset, at(now));

describe('date presets', () => {
  // Thursday 3 December 2026, 10:00 in Nairobi.
  const thursday = '2026-12-03T07:00:00Z';

  it('names today and yesterday', () => {
    expect(range('today', thursday)).toEqual({ from: '2026-12-03', to: '2026-12-03' });
    expect(range('yesterday', thursday)).toEqual({ from: '2026-12-02', to: '2026-12-02' });
  });

  it('starts weeks on Monday, a Sunday belonging to the week before it', () => {
    expect(range('thisWeek', thursday)).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(range('lastWeek', thursday)).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    // Sunday 6 December, 23:00 in Nairobi.
    expect(range('thisWeek', '2026-12-06T20:00:00Z')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    // Monday 7 December, 00:30 in Nairobi, still Sunday in UTC.
    expect(range('thisWeek', '2026-12-06T21:30:00Z')).toEqual({ from: '2026-12-07', to: '2026-12-13' });
  });

  it('takes whole months, across a year end and in February', () => {
    expect(range('thisMonth', thursday)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(range('lastMonth', thursday)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(range('lastMonth', '2027-01-15T09:00:00Z')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(range('thisMonth', '2028-02-10T09:00:00Z')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(range('lastMonth', '2027-03-31T09:00:00Z')).toEqual({ from: '2027-02-01', to: '2027-02-28' });
  });

  it('counts the last 30 days with today, and whole years', () => {
    expect(range('last30Days', thursday)).toEqual({ from: '2026-11-04', to: '2026-12-03' });
    expect(range('thisYear', thursday)).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(range('lastYear', thursday)).toEqual({ from: '2025-01-01', to: '2025-12-31' });
  });

  it('reads "now" in Nairobi: 23:30 UTC on 31 December is already 1 January', () => {
    const newYear = '2026-12-31T23:30:00Z';
    expect(range('today', newYear)).toEqual({ from: '2027-01-01', to: '2027-01-01' });
    expect(range('yesterday', newYear)).toEqual({ from: '2026-12-31', to: '2026-12-31' });
    expect(range('thisMonth', newYear)).toEqual({ from: '2027-01-01', to: '2027-01-31' });
    expect(range('lastMonth', newYear)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(range('thisYear', newYear)).toEqual({ from: '2027-01-01', to: '2027-12-31' });
    expect(range('lastYear', newYear)).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    // 20:59 UTC is still 31 December in Nairobi.
    expect(range('today', '2026-12-31T20:59:00Z')).toEqual({ from: '2026-12-31', to: '2026-12-31' });
  });

  it('recognises the preset a range is, and none for a range of its own', () => {
    expect(presetOf({ from: '2026-11-01', to: '2026-11-30' }, at(thursday))).toBe('lastMonth');
    expect(presetOf({ from: '2026-12-03', to: '2026-12-03' }, at(thursday))).toBe('today');
    expect(presetOf({ from: '2026-11-02', to: '2026-11-30' }, at(thursday))).toBeUndefined();
    expect(presetOf({ from: '2026-11-01' }, at(thursday))).toBeUndefined();
  });
});
