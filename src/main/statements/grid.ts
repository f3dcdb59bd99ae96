// A statement file (CSV or XLSX) as numbered lines of cells, before anything is interpreted:
// text stays text, and an XLSX keeps its number and date cells as numbers and dates.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../../shared/errors';
import { decodeCsv, detectDelimiter } from '../payroll/import/read-csv';
import { StatementReader, type ParsedStatement } from './parse';

export type GridCell = string | number | Date | boolean | null;

export interface GridLine {
  /** The line (CSV) or row (XLSX) a person finds it on. */
  line: number;
  cells: GridCell[];
}

export type StatementFormat = 'csv' | 'xlsx';

/** XLSX is a zip (PK\x03\x04); anything else is read as CSV text. */
export function formatOf(bytes: Uint8Array): StatementFormat {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04 ? 'xlsx' : 'csv';
}

/** Reads and interprets a statement in one pass: CSV lines go to the reader as they are parsed. */
export async function readStatement(bytes: Uint8Array): Promise<ParsedStatement> {
  const reader = new StatementReader();
  if (formatOf(bytes) === 'xlsx') for (const line of await readXlsxGrid(bytes)) reader.push(line);
  else eachCsvLine(bytes, (line) => reader.push(line));
  return reader.finish();
}

function csvOptions(text: string) {
  // The preamble lines hold one or two cells; the separator is read from the widest early line.
  const probe =
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/, 40)
      .sort((a, b) => b.length - a.length)[0] ?? '';
  return {
    bom: true,
    delimiter: detectDelimiter(probe),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    trim: false,
  };
}

/** Hands each CSV record to `visit` with its line, keeping none of them (a large statement is read once). */
export function eachCsvLine(content: Uint8Array | string, visit: (line: GridLine) => void): void {
  const text = decodeCsv(content);
  const options = csvOptions(text);
  // The preamble's short lines and the transactions are parsed apart: csv-parse builds (and then
  // ignores) an error for every record whose width differs from the first one, which on a large
  // statement costs more than the parsing itself.
  const split = transactionsStart(text);
  const parts = split > 0 ? [text.slice(0, split), text.slice(split)] : [text];
  let linesBefore = 0;
  for (const part of parts) {
    const offset = linesBefore;
    try {
      parse(part, {
        ...options,
        on_record: (record: string[], context: { lines: number }) => {
          visit({ line: context.lines + offset, cells: record });
          return null;
        },
      });
    } catch (error) {
      throw new ValidationError(
        `The statement cannot be read as CSV: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    linesBefore += countLines(part);
  }
}

/** Where the line holding the column headers begins (0 when it is the first line or not found). */
function transactionsStart(text: string): number {
  const found = /^[^\S\n]*"?receipt no\.?"?\s*[,;\t|]/im.exec(text);
  return found ? found.index : 0;
}

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines += 1;
  return lines;
}

/** Every CSV line of a statement with its line number (for tests and small files). */
export function readCsvGrid(content: Uint8Array | string): GridLine[] {
  const lines: GridLine[] = [];
  eachCsvLine(content, (line) => lines.push(line));
  return lines;
}

export async function readXlsxGrid(bytes: Uint8Array): Promise<GridLine[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as Parameters<
        typeof workbook.xlsx.load
      >[0],
    );
  } catch (error) {
    throw new ValidationError('The statement is not a readable XLSX workbook; export it again from the M-Pesa portal', {
      cause: error,
    });
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw new ValidationError('The statement workbook has no worksheet');
  const lines: GridLine[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: GridCell[] = [];
    for (let column = 1; column <= row.cellCount; column += 1) cells.push(cellValue(row.getCell(column)));
    lines.push({ line: rowNumber, cells });
  });
  return lines;
}

function cellValue(cell: ExcelJS.Cell): GridCell {
  const value = cell.value;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date)
    return value;
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((part) => part.text).join('');
  if (typeof value === 'object' && 'result' in value && value.result !== undefined) {
    const result = value.result;
    return typeof result === 'object' && !(result instanceof Date) ? cell.text : (result as GridCell);
  }
  return cell.text;
}
