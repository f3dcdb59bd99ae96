// Reads the payroll fixture and exported CSV files the way a spreadsheet would.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** Rows as objects keyed by the header, with the file line number of each (header is line 1). */
export function readCsv(path: string): { line: number; cells: Record<string, string> }[] {
  const records = parse(readFileSync(path, 'utf8'), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    info: true,
  }) as { record: Record<string, string>; info: { lines: number } }[];
  return records.map(({ record, info }) => ({ line: info.lines, cells: record }));
}

/** "12,000" or "12000.50" → cents. */
export function shillingsToCents(text: string): number {
  return Math.round(Number(text.replace(/,/g, '')) * 100);
}
