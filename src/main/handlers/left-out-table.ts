// The left-out rows of an import as a table: the file's own columns as the file had them, then the
// row number it had and the reason it was left out. Read back, the added columns are ignored.
import { writeCsv, writeXlsx, type ExportTable } from '../ledger/export';
import { leftOutTitles } from '../payroll/import/columns';

export function leftOutTable(
  titles: readonly string[],
  rows: readonly { row: number; reason: string; raw: readonly string[] }[],
): ExportTable {
  const width = Math.max(titles.length, ...rows.map((r) => r.raw.length));
  const pad = (cells: readonly string[]): string[] => Array.from({ length: width }, (_, i) => cells[i] ?? '');
  return {
    header: [...pad(titles), leftOutTitles.row, leftOutTitles.reason],
    amountColumns: new Set(),
    rows: rows.map((r) => [...pad(r.raw), r.row, r.reason]),
  };
}

export async function writeLeftOutFile(
  titles: readonly string[],
  rows: readonly { row: number; reason: string; raw: readonly string[] }[],
  path: string,
  format: 'csv' | 'xlsx',
): Promise<void> {
  const table = leftOutTable(titles, rows);
  if (format === 'csv') await writeCsv(table, path);
  else await writeXlsx(table, path, 'Left out');
}
