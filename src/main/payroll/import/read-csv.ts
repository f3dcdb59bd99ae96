// Reads a CSV file as people export it from Excel, LibreOffice or Google Sheets into numbered rows:
// UTF-8 with or without BOM (or Excel's UTF-16), comma, semicolon or tab separated. Text that is not
// valid UTF-8 is refused with where it goes wrong: guessing another encoding changes names silently.
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../../../shared/errors';
import { importLimits } from './limits';
import type { Sheet, SheetRow } from './types';

const candidateDelimiters = [',', ';', '\t'] as const;

/** Where the first byte that is not UTF-8 sits, or -1 when all of `bytes` is valid UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k += 1) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Text of the file: UTF-16 when it says so with a BOM (Excel's "Unicode text"), otherwise UTF-8 or nothing. */
export function decodeCsv(content: string | Uint8Array): string {
  if (typeof content === 'string') return content;
  if (content[0] === 0xff && content[1] === 0xfe) return new TextDecoder('utf-16le').decode(content);
  if (content[0] === 0xfe && content[1] === 0xff) return new TextDecoder('utf-16be').decode(content);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch (error) {
    const at = Math.max(0, firstInvalidUtf8(content));
    let line = 1;
    for (let i = 0; i < at; i += 1) if (content[i] === 0x0a) line += 1;
    const byte = (content[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    throw new ValidationError(
      `The file is not UTF-8 text: line ${line} has the byte 0x${byte}, which UTF-8 does not allow. In Excel choose Save As → "CSV UTF-8 (Comma delimited)", or save it as .xlsx, and import that`,
      { cause: error },
    );
  }
}

/**
 * The separator used in the header line, counted outside quotes. Detected from the first line that
 * has one, because data rows can hold "1,000" in a semicolon file; titles never hold a separator.
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

/**
 * Walks the text once, as the parser will, and refuses a file past the limits before any row is
 * built: a 30 MB line of commas would otherwise become thirty million cells.
 */
export function checkCsvShape(text: string, delimiter: string): void {
  const separator = delimiter.charCodeAt(0);
  let quoted = false;
  let record = 1;
  let fields = 1;
  let fieldChars = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      quoted = !quoted;
      continue;
    }
    if (!quoted && (c === 0x0a || c === 0x0d)) {
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i += 1;
      record += 1;
      fields = 1;
      fieldChars = 0;
      if (record > importLimits.rows + importLimits.headerSearchRows) {
        throw new ValidationError(
          `The file has more than ${importLimits.rows.toLocaleString('en-KE')} rows; split it into smaller files`,
        );
      }
    } else if (!quoted && c === separator) {
      fields += 1;
      fieldChars = 0;
      if (fields > importLimits.columns)
        throw new ValidationError(
          `Row ${record} has more than ${importLimits.columns} columns; a payroll file has a handful`,
        );
    } else {
      fieldChars += 1;
      if (fieldChars > importLimits.cellChars) {
        throw new ValidationError(
          `Row ${record}, column ${fields} holds more than ${importLimits.cellChars.toLocaleString('en-KE')} characters; no name, phone, amount or reference is that long`,
        );
      }
    }
  }
}

function isBlank(row: SheetRow): boolean {
  return row.cells.every((cell) => cell.text.trim() === '');
}

/**
 * Rows keep the number a spreadsheet shows: a quoted multi-line cell is still one row, and blank
 * lines are counted (then dropped) so "row 7" here is row 7 on the officer's screen.
 */
export function readCsv(content: string | Uint8Array): Sheet {
  if (content.length > importLimits.fileBytes)
    throw new ValidationError(
      `The file is larger than ${importLimits.fileBytes / 1024 / 1024} MB; no payroll file is that large`,
    );
  const text = decodeCsv(content);
  const delimiter = detectDelimiter(text);
  checkCsvShape(text, delimiter);
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: false,
    });
  } catch (error) {
    throw new ValidationError(
      `The CSV file cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const rows: SheetRow[] = records.map((record, index) => ({
    row: index + 1,
    cells: record.map((text) => ({ text })),
  }));
  return { rows: rows.filter((row) => !isBlank(row)), notes: [] };
}
