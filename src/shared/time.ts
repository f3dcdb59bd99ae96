// Daraja writes times as Nairobi wall-clock strings (EAT, UTC+3, no daylight saving). These helpers
// turn them into instants and back; all parsing goes through date-fns with the Nairobi zone.
import { TZDate } from '@date-fns/tz';
import { format, isValid, parse } from 'date-fns';

export const NAIROBI = 'Africa/Nairobi';

export type DarajaTimeFormat = 'compact' | 'dotted';

const layouts: Record<DarajaTimeFormat, string> = {
  compact: 'yyyyMMddHHmmss', // BOCompletedTime, TransTime, TransactionDate, STK Timestamp
  dotted: 'dd.MM.yyyy HH:mm:ss', // TransactionCompletedDateTime
};

/** Parses a Daraja timestamp ("20200109125710", 20200109125710 or "06.07.2024 22:48:52") as Nairobi time. */
export function parseDarajaTime(value: string | number): Date | null {
  const text = String(value).trim();
  const layout = /^\d{14}$/.test(text)
    ? layouts.compact
    : /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/.test(text)
      ? layouts.dotted
      : null;
  if (!layout) return null;
  const parsed = parse(text, layout, new TZDate(0, NAIROBI));
  if (!isValid(parsed)) return null;
  const instant = new Date(parsed.getTime());
  // date-fns accepts 31.02 by rolling over; refuse dates that do not round-trip.
  return formatDarajaTime(instant, layout === layouts.compact ? 'compact' : 'dotted') === text ? instant : null;
}

/** Formats an instant as Nairobi wall-clock time in a Daraja layout. */
export function formatDarajaTime(instant: Date, kind: DarajaTimeFormat = 'compact'): string {
  return format(new TZDate(instant.getTime(), NAIROBI), layouts[kind]);
}

// Kenya has kept UTC+3 without daylight saving since 1960: the fast paths below add the offset
// directly (a zone lookup per row made a million-row export several times slower); older instants
// take the zone path.
const nairobiOffsetMs = 3 * 60 * 60 * 1000;
const fixedOffsetSince = Date.parse('1960-01-01T00:00:00Z');

/** "2026-11-22 01:14:01": an instant (ISO) as Nairobi wall-clock time, a form every spreadsheet reads and sorts. */
export function formatNairobiSortable(iso: string): string {
  const ms = Date.parse(iso);
  if (ms < fixedOffsetSince) return format(new TZDate(ms, NAIROBI), 'yyyy-MM-dd HH:mm:ss');
  const shifted = new Date(ms + nairobiOffsetMs).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

/** A Date whose UTC fields read as Nairobi wall-clock time (for a spreadsheet cell, which has no zone). */
export function nairobiWallClock(iso: string): Date {
  const ms = Date.parse(iso);
  if (ms >= fixedOffsetSince) return new Date(ms + nairobiOffsetMs);
  const local = new TZDate(ms, NAIROBI);
  return new Date(ms + -local.getTimezoneOffset() * 60_000);
}

/** The instant (ISO, UTC) a Nairobi calendar day ("2026-11-03") starts: 21:00 UTC the day before. */
export function nairobiDayStart(day: string): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return new Date(new TZDate(year, month - 1, date, NAIROBI).getTime()).toISOString();
}

/** The Nairobi calendar day of an instant, as "2026-11-03". */
export function nairobiDay(instant: Date | number | string = new Date()): string {
  return format(new TZDate(new Date(instant).getTime(), NAIROBI), 'yyyy-MM-dd');
}

/** The Nairobi month of an instant, as a period ("2026-11"). */
export function nairobiMonth(instant: Date | number | string = new Date()): string {
  return nairobiDay(instant).slice(0, 7);
}
