// How Mshahara writes counts, money and Nairobi time for people, whatever zone the machine is in.
import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatDay,
  formatDayShort,
  formatMoney,
  formatMonth,
  formatNumber,
  dayInputText,
  parseDayInput,
} from '../../src/shared/format';
import {
  formatNairobiSortable,
  nairobiDay,
  nairobiDayStart,
  nairobiMonth,
  nairobiWallClock,
} from '../../src/shared/time';

describe('counts', () => {
  it('put the noun in the right number', () => {
    expect(formatCount(1, 'worker')).toBe('1 worker');
    expect(formatCount(2, 'worker')).toBe('2 workers');
    expect(formatCount(0, 'worker')).toBe('0 workers');
    expect(formatCount(1, 'entry', 'entries')).toBe('1 entry');
    expect(formatCount(3, 'entry', 'entries')).toBe('3 entries');
  });

  it('separate thousands', () => {
    expect(formatNumber(1000)).toBe('1,000');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatCount(1000, 'payment')).toBe('1,000 payments');
  });
});

describe('money', () => {
  it('shows cents as KES with separators and two decimals', () => {
    expect(formatMoney(123450000)).toBe('KES 1,234,500.00');
    expect(formatMoney(5)).toBe('KES 0.05');
    expect(formatMoney(-125050)).toBe('KES -1,250.50');
  });
});

describe('Nairobi time', () => {
  // 2026-11-03 21:30 UTC is already 4 November, 00:30 in Nairobi.
  const lateEvening = '2026-11-03T21:30:00.000Z';

  it('shows an instant as Nairobi wall-clock time, day first', () => {
    expect(formatDateTime(lateEvening)).toBe('4 Nov 2026, 00:30');
    expect(formatDateTime(new Date('2026-11-03T11:02:00Z'))).toBe('3 Nov 2026, 14:02');
    expect(formatDate(lateEvening)).toBe('4 Nov 2026');
    expect(nairobiDay(lateEvening)).toBe('2026-11-04');
    expect(nairobiMonth('2026-11-30T21:00:00Z')).toBe('2026-12');
  });

  it('shows contract days and periods without moving them a day', () => {
    expect(formatDay('2026-11-03')).toBe('3 Nov 2026');
    expect(formatDay('2026-01-31')).toBe('31 Jan 2026');
    expect(formatDayShort('2026-11-03')).toBe('3 Nov');
    expect(formatMonth('2026-11')).toBe('November 2026');
    expect(formatMonth('not a month')).toBe('not a month');
  });

  it('starts a Nairobi day at 21:00 UTC the day before', () => {
    expect(nairobiDayStart('2026-11-03')).toBe('2026-11-02T21:00:00.000Z');
    expect(nairobiDayStart('2027-01-01')).toBe('2026-12-31T21:00:00.000Z');
  });

  it('writes spreadsheet times and cells as Nairobi wall-clock time', () => {
    expect(formatNairobiSortable(lateEvening)).toBe('2026-11-04 00:30:00');
    expect(nairobiWallClock(lateEvening).toISOString()).toBe('2026-11-04T00:30:00.000Z');
  });
});

describe('days a person types', () => {
  it('read day first, as Kenyans write them', () => {
    expect(parseDayInput('3/11/2026')).toEqual({ ok: true, day: '2026-11-03' });
    expect(parseDayInput('03-11-2026')).toEqual({ ok: true, day: '2026-11-03' });
    expect(parseDayInput(' 31.12.2026 ')).toEqual({ ok: true, day: '2026-12-31' });
    expect(parseDayInput(dayInputText('2026-02-28'))).toEqual({ ok: true, day: '2026-02-28' });
  });

  it('refuse what is not a day, saying why', () => {
    expect(parseDayInput('31/02/2026')).toEqual({ ok: false, reason: 'There is no day 31/02/2026' });
    expect(parseDayInput('2026-11-03')).toEqual({ ok: false, reason: expect.stringMatching(/dd\/mm\/yyyy/) });
    expect(parseDayInput('yesterday')).toEqual({ ok: false, reason: expect.stringMatching(/dd\/mm\/yyyy/) });
  });
});
