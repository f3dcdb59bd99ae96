// How Mshahara writes numbers, money and times for people, on every screen and in the CLI: counts
// with their noun in the right number and thousands separators ("1 worker", "1,000 paid"), amounts
// as "KES 1,234.50" from integer cents, and Nairobi time in en-KE ("3 Nov 2026, 14:02" for an
// instant, "3 Nov 2026" for a day, "November 2026" for a month), whatever zone the machine is set to.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { formatKesWithCurrency, type Cents } from './money';
import { NAIROBI } from './time';

const thousands = new Intl.NumberFormat('en-KE', { maximumFractionDigits: 0, useGrouping: true });

/** "1,000": a whole number with thousands separators. */
export function formatNumber(value: number): string {
  return thousands.format(value);
}

/**
 * "1 worker", "2 workers", "1,000 payments": the count with its noun in the right number. Nouns
 * whose plural is not noun + "s" name it: count(3, 'entry', 'entries').
 */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`;
}

/** "KES 1,234.50" from integer cents. */
export function formatMoney(cents: Cents): string {
  return formatKesWithCurrency(cents);
}

const layouts = {
  dateTime: 'd MMM yyyy, HH:mm',
  date: 'd MMM yyyy',
  dayOfYear: 'd MMM',
  month: 'MMMM yyyy',
} as const;

function nairobi(instant: Date | number | string): TZDate {
  return new TZDate(new Date(instant).getTime(), NAIROBI);
}

/** "3 Nov 2026, 14:02": an instant in Nairobi time. */
export function formatDateTime(instant: Date | number | string): string {
  return format(nairobi(instant), layouts.dateTime);
}

/** "3 Nov 2026": the Nairobi day of an instant. */
export function formatDate(instant: Date | number | string): string {
  return format(nairobi(instant), layouts.date);
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const monthPattern = /^(\d{4})-(\d{2})$/;

/** "2026-11-03" (a Nairobi calendar day, as the contract writes it) → "3 Nov 2026"; anything else as it came. */
export function formatDay(day: string): string {
  const match = dayPattern.exec(day);
  if (!match) return day;
  return format(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])), layouts.date);
}

/** "2026-11-03" → "3 Nov": a day within a chart or list whose year is plain from its context. */
export function formatDayShort(day: string): string {
  const match = dayPattern.exec(day);
  if (!match) return day;
  return format(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])), layouts.dayOfYear);
}

/** "2026-11" (a period) → "November 2026"; anything else as it came. */
export function formatMonth(period: string): string {
  const match = monthPattern.exec(period);
  if (!match) return period;
  return format(new Date(Number(match[1]), Number(match[2]) - 1, 1), layouts.month);
}

/** A calendar day a person typed: as the contract writes it ("2026-11-03"), or in plain words why it is not one. */
export type DayInput = { ok: true; day: string } | { ok: false; reason: string };

/** Reads a day typed day first, as Kenyans write it ("3/11/2026", "03-11-2026", "3.11.2026"). */
export function parseDayInput(typed: string): DayInput {
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(typed.trim());
  if (!match) return { ok: false, reason: 'Write the day as dd/mm/yyyy, such as 03/11/2026' };
  const [date, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, date));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== date)
    return { ok: false, reason: `There is no day ${typed.trim()}` };
  return { ok: true, day: probe.toISOString().slice(0, 10) };
}

/** "2026-11-03" → "03/11/2026": a contract day as a person types it back into a day field. */
export function dayInputText(day: string | undefined): string {
  const match = day === undefined ? null : dayPattern.exec(day);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : '';
}
