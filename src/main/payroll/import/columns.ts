// Finds which column of an imported file holds what, from the header row, the way people actually
// title their spreadsheets ("Phone Number", "MSISDN", "Amount (KES)", "ID Number").
import { ValidationError } from '../../../shared/errors';
import type { SheetRow } from './types';

export type ColumnName = 'name' | 'phone' | 'amount' | 'reference' | 'nationalId' | 'department';

export type ColumnMap = Record<ColumnName, number | undefined>;

const requiredColumns: readonly ColumnName[] = ['name', 'phone', 'amount', 'reference'];

/** Header titles accepted for each column, already normalised (see normaliseHeader). */
const synonyms: Record<ColumnName, readonly string[]> = {
  name: ['name', 'full name', 'worker', 'worker name', 'employee', 'employee name', 'payee', 'payee name', 'recipient', 'recipient name', 'names'],
  phone: ['phone', 'phone number', 'phone no', 'mobile', 'mobile number', 'mobile no', 'msisdn', 'mpesa number', 'm pesa number', 'mpesa phone', 'telephone', 'tel', 'safaricom number'],
  amount: ['amount', 'amount kes', 'amount ksh', 'amount kshs', 'kes', 'ksh', 'kshs', 'pay', 'net pay', 'salary', 'net salary', 'wage', 'wages'],
  reference: ['reference', 'ref', 'remarks', 'remark', 'description', 'narration', 'payment reference', 'memo', 'note'],
  nationalId: ['national id', 'national id number', 'national id no', 'id', 'id number', 'id no', 'idno'],
  department: ['department', 'dept', 'section', 'team', 'division'],
};

/** The words people see in the error when a column is missing. */
const spokenName: Record<ColumnName, string> = {
  name: 'name',
  phone: 'phone',
  amount: 'amount',
  reference: 'reference',
  nationalId: 'national ID',
  department: 'department',
};

/** "Amount (KES)" → "amount kes", "Phone_Number" → "phone number", "M-Pesa No." → "m pesa no". */
export function normaliseHeader(title: string): string {
  return title
    .toLowerCase()
    .replace(/[_\-./()[\]:#*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function columnFor(title: string): ColumnName | undefined {
  const normalised = normaliseHeader(title);
  if (normalised === '') return undefined;
  const compact = normalised.replace(/ /g, '');
  for (const column of Object.keys(synonyms) as ColumnName[]) {
    if (synonyms[column].some((s) => s === normalised || s.replace(/ /g, '') === compact)) return column;
  }
  return undefined;
}

/**
 * Reads the header row. A missing required column, or two columns claiming the same meaning, is a
 * file-level error: no row can be trusted until the officer fixes the header. Unknown columns are ignored.
 */
export function mapColumns(header: SheetRow): ColumnMap {
  const map: ColumnMap = { name: undefined, phone: undefined, amount: undefined, reference: undefined, nationalId: undefined, department: undefined };
  header.cells.forEach((cell, index) => {
    const column = columnFor(cell.text);
    if (column === undefined) return;
    const earlier = map[column];
    if (earlier !== undefined) {
      const first = header.cells[earlier]?.text ?? '';
      throw new ValidationError(`Both "${first.trim()}" and "${cell.text.trim()}" look like the ${spokenName[column]} column; keep only one`);
    }
    map[column] = index;
  });
  const missing = requiredColumns.filter((c) => map[c] === undefined);
  if (missing.length > 0) {
    const names = missing.map((c) => spokenName[c]).join(', ');
    throw new ValidationError(
      `The file has no ${names} column${missing.length > 1 ? 's' : ''}. Row 1 must hold the titles: name, phone, amount, reference (national ID and department are optional).`,
    );
  }
  return map;
}
