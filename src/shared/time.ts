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

/** "21 Nov 2026, 14:05" in Nairobi time, for people. */
export function formatNairobi(instant: Date | number | string): string {
  return format(new TZDate(new Date(instant).getTime(), NAIROBI), 'd MMM yyyy, HH:mm');
}
