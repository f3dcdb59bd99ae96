// Finds the header row of an imported file and which column holds what, from the titles people
// actually give their spreadsheets ("Phone Number", "MSISDN", "Net Pay (KES)", "Staff No."), with
// title rows and merged group headers above it. A person's own choice of columns overrides the titles.
import { createHash } from 'node:crypto';
import { ValidationError } from '../../../shared/errors';
import { importLimits } from './limits';
import type { ColumnMapping, ImportColumn, SheetRow } from './types';

export const columnNames = ['name', 'phone', 'amount', 'reference', 'nationalId', 'staffNumber', 'department'] as const;
export type ColumnName = (typeof columnNames)[number];

export type ColumnMap = Record<ColumnName, number | undefined>;

/** Header titles accepted for each column, already normalised (see normaliseHeader). */
const synonyms: Record<ColumnName, readonly string[]> = {
  name: [
    'name',
    'names',
    'full name',
    'full names',
    'worker',
    'worker name',
    'employee',
    'employee name',
    'employee names',
    'staff name',
    'payee',
    'payee name',
    'recipient',
    'recipient name',
    'beneficiary',
    'beneficiary name',
    'account name',
    'customer name',
  ],
  phone: [
    'phone',
    'phone number',
    'phone no',
    'mobile',
    'mobile number',
    'mobile no',
    'msisdn',
    'mpesa',
    'mpesa number',
    'mpesa no',
    'm pesa number',
    'm pesa no',
    'mpesa phone',
    'mpesa phone number',
    'telephone',
    'tel',
    'safaricom number',
    'cell',
    'cell phone',
    'account number',
    'beneficiary phone',
    'recipient phone',
  ],
  amount: [
    'amount',
    'pay',
    'net pay',
    'net',
    'net amount',
    'net salary',
    'salary',
    'wage',
    'wages',
    'amount payable',
    'amount to pay',
    'take home',
    'take home pay',
    'payment amount',
    'kes',
    'ksh',
    'kshs',
  ],
  reference: [
    'reference',
    'ref',
    'ref no',
    'remarks',
    'remark',
    'description',
    'narration',
    'narrative',
    'payment reference',
    'payment details',
    'purpose',
    'memo',
    'note',
    'comment',
    'comments',
  ],
  nationalId: [
    'national id',
    'national id number',
    'national id no',
    'id',
    'id number',
    'id no',
    'idno',
    'nid',
    'identity number',
  ],
  staffNumber: [
    'staff number',
    'staff no',
    'staff id',
    'employee number',
    'employee no',
    'employee id',
    'emp no',
    'emp id',
    'payroll number',
    'payroll no',
    'pf number',
    'pf no',
    'personal number',
  ],
  department: ['department', 'dept', 'section', 'team', 'division', 'unit', 'branch'],
};

/** The words people see when a column is missing or mapped. */
export const spokenColumn: Record<ColumnName, string> = {
  name: 'name',
  phone: 'phone',
  amount: 'amount',
  reference: 'reference',
  nationalId: 'national ID',
  staffNumber: 'staff number',
  department: 'department',
};

const currencyWords = /\b(kes|ksh|kshs|shillings)\b/g;

/** "Amount (KES)" → "amount kes", "Phone_Number" → "phone number", "M-Pesa No." → "m pesa no". */
export function normaliseHeader(title: string): string {
  return title
    .toLowerCase()
    .replace(/[_\-./()[\]:#*'’]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function columnFor(title: string): ColumnName | undefined {
  const normalised = normaliseHeader(title);
  if (normalised === '') return undefined;
  // "Net Pay (KES)" and "Amount KShs" mean what they say without the currency.
  const withoutCurrency = normalised.replace(currencyWords, ' ').replace(/\s+/g, ' ').trim();
  const forms = new Set([normalised, normalised.replace(/ /g, ''), withoutCurrency, withoutCurrency.replace(/ /g, '')]);
  for (const column of columnNames) {
    if (synonyms[column].some((s) => forms.has(s) || forms.has(s.replace(/ /g, '')))) return column;
  }
  return undefined;
}

export type Merge = { top: number; left: number; bottom: number; right: number };

/** The titles of `row`, with a merged title repeated over every column and row its merge covers. */
function titlesOf(row: SheetRow, rows: readonly SheetRow[], merges: readonly Merge[]): string[] {
  const titles = row.cells.map((cell) => cell.text.replace(/\s+/g, ' ').trim());
  for (const merge of merges) {
    if (row.row < merge.top || row.row > merge.bottom) continue;
    const origin =
      rows
        .find((r) => r.row === merge.top)
        ?.cells[merge.left]?.text.replace(/\s+/g, ' ')
        .trim() ?? '';
    for (let column = merge.left; column <= merge.right && column < importLimits.columns; column += 1) {
      if ((titles[column] ?? '') === '') titles[column] = origin;
    }
  }
  return Array.from(titles, (title) => title ?? '');
}

/** How much a row looks like the header: distinct meanings found, less one for each claimed twice. */
function headerScore(titles: readonly string[]): number {
  const seen = new Set<ColumnName>();
  let clashes = 0;
  for (const title of titles) {
    const column = columnFor(title);
    if (column === undefined) continue;
    if (seen.has(column)) clashes += 1;
    seen.add(column);
  }
  return seen.size - clashes;
}

export type Header = {
  index: number;
  row: number;
  columns: ImportColumn[];
  map: ColumnMap;
  layout: string;
  clashes: string[];
};

/** Titles Mshahara adds to the left-out rows file; a fixed file read back keeps its layout's mapping. */
export const leftOutTitles = { row: 'Row in original file', reason: 'Reason left out' } as const;
const addedTitles = new Set(Object.values(leftOutTitles).map(normaliseHeader));

/** A key for this arrangement of titles: next month's file from the same system has the same one. */
export function layoutKey(titles: readonly string[]): string {
  const normalised = titles.map(normaliseHeader);
  while (normalised.length > 0 && (normalised.at(-1) === '' || addedTitles.has(normalised.at(-1) ?? '')))
    normalised.pop();
  return createHash('sha256').update(normalised.join('\u0000')).digest('hex').slice(0, 16);
}

/**
 * Finds the header among the first rows (the one whose titles mean the most), then what each
 * column holds. A column chosen in `mapping` wins over its title, and a title claimed by a mapped
 * meaning is left out. Two titles with the same meaning, unmapped, are a file-level error: no row can
 * be trusted until the officer says which one is meant.
 */
export function findHeader(
  rows: readonly SheetRow[],
  merges: readonly Merge[],
  mapping: ColumnMapping = {},
  lenient = false,
): Header {
  let best: { index: number; titles: string[]; score: number } | undefined;
  rows.slice(0, importLimits.headerSearchRows).forEach((row, index) => {
    const titles = titlesOf(row, rows, merges);
    const score = headerScore(titles);
    // Ties go to the lower row: a group title ("Pay") sits above the titles proper ("Net Pay").
    if (best === undefined || score >= best.score) best = { index, titles, score };
  });
  if (best === undefined)
    throw new ValidationError('The file is empty: its first row must hold the titles name, phone, amount');
  if (best.score <= 0) best = { index: 0, titles: titlesOf(rows[0] as SheetRow, rows, merges), score: 0 };

  const map: ColumnMap = {
    name: undefined,
    phone: undefined,
    amount: undefined,
    reference: undefined,
    nationalId: undefined,
    staffNumber: undefined,
    department: undefined,
  };
  const chosen = new Set<number>();
  for (const column of columnNames) {
    const index = mapping[column];
    if (index === undefined) continue;
    if (index === null) continue;
    if (!Number.isInteger(index) || index < 0 || index >= Math.max(best.titles.length, 1)) {
      throw new ValidationError(
        `The ${spokenColumn[column]} column was mapped to column ${index + 1}, which the file does not have`,
      );
    }
    if (chosen.has(index))
      throw new ValidationError(`Column ${index + 1} was mapped twice; give each column one meaning`);
    map[column] = index;
    chosen.add(index);
  }
  const clashes: string[] = [];
  const clashed = new Set<ColumnName>();
  best.titles.forEach((title, index) => {
    if (chosen.has(index)) return;
    const column = columnFor(title);
    if (column === undefined || column in mapping || clashed.has(column)) return;
    const earlier = map[column];
    if (earlier !== undefined) {
      const message = `Both "${best?.titles[earlier] ?? ''}" and "${title}" look like the ${spokenColumn[column]} column; keep only one, or choose which one`;
      if (!lenient) throw new ValidationError(message);
      // For the person to choose: neither is used until they do.
      clashes.push(message);
      clashed.add(column);
      map[column] = undefined;
      return;
    }
    map[column] = index;
  });
  const meaningOf = new Map<number, ColumnName>();
  for (const column of columnNames) {
    const index = map[column];
    if (index !== undefined) meaningOf.set(index, column);
  }
  const header = rows[best.index] as SheetRow;
  return {
    index: best.index,
    row: header.row,
    columns: best.titles.map((title, index) => ({ index, title, meaning: meaningOf.get(index) ?? null })),
    map,
    layout: layoutKey(best.titles),
    clashes,
  };
}
