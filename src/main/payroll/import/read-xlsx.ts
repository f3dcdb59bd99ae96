// Reads the first worksheet of an XLSX workbook into numbered rows (exceljs). Formula cells are kept
// as their formula text and marked, never as their cached result: see validate-rows.ts for why.
import ExcelJS from 'exceljs';
import { ValidationError } from '../../../shared/errors';
import type { Sheet, SheetCell, SheetRow } from './types';

/** The text a person would read in the cell, from whatever exceljs holds. */
function cellOf(cell: ExcelJS.Cell): SheetCell {
  const value = cell.value;
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value };
  // String(1500) is "1500" and String(712345678) keeps every digit, which parseKes and the phone parser want.
  if (typeof value === 'number') return { text: String(value) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  // Excel dates carry no zone; exceljs gives them as UTC midnight, so the UTC date is the one typed.
  if (value instanceof Date) return { text: value.toISOString().slice(0, 10) };
  if ('formula' in value || 'sharedFormula' in value) {
    const formula = `=${cell.formula ?? ''}`;
    return { text: formula, formula };
  }
  if ('richText' in value) return { text: value.richText.map((part) => part.text).join('') };
  if ('hyperlink' in value) return { text: typeof value.text === 'string' ? value.text : cell.text };
  if ('error' in value) return { text: value.error };
  return { text: cell.text };
}

function isBlank(row: SheetRow): boolean {
  return row.cells.every((cell) => cell.text.trim() === '');
}

export async function readXlsx(content: Uint8Array): Promise<Sheet> {
  const workbook = new ExcelJS.Workbook();
  try {
    // A Buffer view over the same bytes: exceljs wants a Buffer, and a view avoids a copy.
    const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    await workbook.xlsx.load(bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch (error) {
    throw new ValidationError('The file is not a readable XLSX workbook; save it again from Excel as .xlsx, or export it as CSV', { cause: error });
  }
  const worksheet = workbook.worksheets[0];
  if (worksheet === undefined) throw new ValidationError('The workbook has no worksheet');
  const rows: SheetRow[] = [];
  // Real row numbers from the sheet, so a blank row 4 still leaves the next one as row 5.
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: SheetCell[] = [];
    for (let column = 1; column <= row.cellCount; column += 1) cells.push(cellOf(row.getCell(column)));
    rows.push({ row: rowNumber, cells });
  });
  const [header, ...data] = rows.filter((row) => !isBlank(row));
  if (header === undefined) throw new ValidationError('The first worksheet is empty: row 1 must hold the titles name, phone, amount, reference');
  return { header, rows: data };
}
