// Date ranges people ask for by name ("last month", "this week"), as Nairobi calendar days the
// contract takes ("2026-11-01"). Pure: "now" is an argument, so the same instant gives the same
// days whatever zone the computer is set to. Weeks start on Monday, as in Kenya.
import { nairobiDay } from '../../shared/time';

export const datePresets = [
  'today',
  'yesterday',
  'thisWeek',
  'lastWeek',
  'thisMonth',
  'lastMonth',
  'last30Days',
  'thisYear',
  'lastYear',
] as const;
export type DatePreset = (typeof datePresets)[number];

export const presetLabels: Record<DatePreset, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  thisWeek: 'This week',
  lastWeek: 'Last week',
  thisMonth: 'This month',
  lastMonth: 'Last month',
  last30Days: 'Last 30 days',
  thisYear: 'This year',
  lastYear: 'Last year',
};

/** A range of Nairobi calendar days, both inclusive; a missing end is open. */
export interface DayRange {
  from?: string | undefined;
  to?: string | undefined;
}

// Calendar arithmetic on plain dates: a day is held as midnight UTC, so no zone moves it.
function toDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

function toDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function plusDays(day: string, days: number): string {
  const date = toDate(day);
  date.setUTCDate(date.getUTCDate() + days);
  return toDay(date);
}

function monthStart(day: string, monthsLater = 0): string {
  const date = toDate(day);
  return toDay(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthsLater, 1)));
}

function monthRange(day: string): { from: string; to: string } {
  return { from: monthStart(day), to: plusDays(monthStart(day, 1), -1) };
}

function weekRange(day: string): { from: string; to: string } {
  // getUTCDay: 0 is Sunday; Monday starts the week.
  const fromMonday = (toDate(day).getUTCDay() + 6) % 7;
  const monday = plusDays(day, -fromMonday);
  return { from: monday, to: plusDays(monday, 6) };
}

function yearRange(year: number): { from: string; to: string } {
  return { from: `${String(year).padStart(4, '0')}-01-01`, to: `${String(year).padStart(4, '0')}-12-31` };
}

/** The Nairobi days a preset covers at `now`. Weeks, months and years are whole, their later days included. */
export function presetRange(preset: DatePreset, now: Date | number): { from: string; to: string } {
  const today = nairobiDay(now);
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday': {
      const yesterday = plusDays(today, -1);
      return { from: yesterday, to: yesterday };
    }
    case 'thisWeek':
      return weekRange(today);
    case 'lastWeek':
      return weekRange(plusDays(today, -7));
    case 'thisMonth':
      return monthRange(today);
    case 'lastMonth':
      return monthRange(monthStart(today, -1));
    case 'last30Days':
      return { from: plusDays(today, -29), to: today };
    case 'thisYear':
      return yearRange(toDate(today).getUTCFullYear());
    case 'lastYear':
      return yearRange(toDate(today).getUTCFullYear() - 1);
    default: {
      const unknown: never = preset;
      throw new Error(`Unknown date preset ${String(unknown)}`);
    }
  }
}

/** The preset that covers exactly `range` at `now`, if one does (the first, when two agree). */
export function presetOf(range: DayRange, now: Date | number): DatePreset | undefined {
  if (range.from === undefined || range.to === undefined) return undefined;
  return datePresets.find((preset) => {
    const days = presetRange(preset, now);
    return days.from === range.from && days.to === range.to;
  });
}
