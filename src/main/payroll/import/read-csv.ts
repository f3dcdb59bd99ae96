// Reads a CSV file as people export it from Excel, LibreOffice or Google Sheets into numbered rows:
// UTF-8 with or without BOM (or Excel's UTF-16 and Windows-1252), comma, semicolon or tab separated.
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../../../shared/errors';
import type { Sheet, SheetRow } from './types';

const candidateDelimiters = [',', ';', '\t'] as const;

/** Text of the file. Excel on Windows saves "CSV" as Windows-1252 and "Unicode text" as UTF-16, so both are accepted. */
export function decodeCsv(content: string | Uint8Array): string {
  if (typeof content === 'string') return content;
  if (content[0] === 0xff && content[1] === 0xfe) return new TextDecoder('utf-16le').decode(content);
  if (content[0] === 0xfe && content[1] === 0xff) return new TextDecoder('utf-16be').decode(content);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return new TextDecoder('windows-1252').decode(content);
  }
}

/**
 * The separator used in the header line, counted outside quotes. Detected from the header alone
 * because data rows can hold "1,000" in a semicolon file; the header titles never hold a separator.
 */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(candidateDelimiters.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text.replace(/^\uFEFF/, '')) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) {
      if ([...counts.values()].some((n) => n > 0)) break;
    } else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: string = ',';
  for (const [delimiter, count] of counts) if (count > (counts.get(best) ?? 0)) best = delimiter;
  return best;
}

function isBlank(row: SheetRow): boolean {
  return row.cells.every((cell) => cell.text.trim() === '');
}

/**
 * Rows keep the number a spreadsheet shows: a quoted multi-line cell is still one row, and blank
 * lines are counted (then dropped) so "row 7" here is row 7 on the officer's screen.
 */
export function readCsv(content: string | Uint8Array): Sheet {
  const text = decodeCsv(content);
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: false,
    });
  } catch (error) {
    throw new ValidationError(`The CSV file cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const rows: SheetRow[] = records.map((record, index) => ({ row: index + 1, cells: record.map((text) => ({ text })) }));
  const nonBlank = rows.filter((row) => !isBlank(row));
  const [header, ...data] = nonBlank;
  if (header === undefined) throw new ValidationError('The file is empty: row 1 must hold the titles name, phone, amount, reference');
  return { header, rows: data };
}
