// Turns the rows of an imported file into the preview a payroll officer checks: who, which phone,
// how much, and every row Mshahara refuses with the reason, before anything is saved or paid.
import limits from '../../../../resources/b2c-limits.json';
import { MoneyError, formatKesWithCurrency, parseKes, toWholeShillings, type Cents } from '../../../shared/money';
import { formatMsisdn, parseSafaricomPhone, type Msisdn } from '../../../shared/phone';
import { mapColumns, type ColumnMap, type ColumnName } from './columns';
import type { ImportOptions, ImportPreview, ImportedRow, Sheet, SheetCell, SheetRow } from './types';

const minCents: Cents = limits.b2c.minPerTransactionCents;
const maxCents: Cents = limits.b2c.maxPerTransactionCents;
/** M-Pesa B2C Remarks take 2–100 characters; the reference travels there. */
const referenceLength = { min: 2, max: 100 } as const;

const columnTitle: Record<ColumnName, string> = {
  name: 'Name',
  phone: 'Phone',
  amount: 'Amount',
  reference: 'Reference',
  nationalId: 'National ID',
  department: 'Department',
};

function cellAt(row: SheetRow, columns: ColumnMap, column: ColumnName): SheetCell | undefined {
  const index = columns[column];
  return index === undefined ? undefined : row.cells[index];
}

/** Cell text with runs of spaces and line breaks made one space: a name typed over two lines is one name. */
function textAt(row: SheetRow, columns: ColumnMap, column: ColumnName): string {
  return (cellAt(row, columns, column)?.text ?? '').replace(/\s+/g, ' ').trim();
}

function amountProblem(text: string): { cents: Cents } | { reason: string } {
  if (text === '') return { reason: 'Amount is empty' };
  let cents: Cents;
  try {
    cents = parseKes(text);
    toWholeShillings(cents);
  } catch (error) {
    if (error instanceof MoneyError) return { reason: error.message };
    throw error;
  }
  if (cents < minCents) return { reason: `Amount ${formatKesWithCurrency(cents)} is below the M-Pesa minimum of ${formatKesWithCurrency(minCents)} per payment` };
  if (cents > maxCents) return { reason: `Amount ${formatKesWithCurrency(cents)} is above the M-Pesa maximum of ${formatKesWithCurrency(maxCents)} per payment` };
  return { cents };
}

function referenceProblem(reference: string): string | undefined {
  if (reference === '') return 'Reference is empty';
  if (reference.length < referenceLength.min) return `Reference "${reference}" is shorter than ${referenceLength.min} characters`;
  if (reference.length > referenceLength.max) return `Reference is longer than ${referenceLength.max} characters (the M-Pesa limit)`;
  return undefined;
}

/**
 * Builds the preview. Each refused row names every problem found in it ("; "-separated) so the
 * officer fixes a row once. A phone seen again is refused on its second and later rows, naming the
 * first row that had it, even when that first row is itself refused: fixing it would not make the
 * phone any less repeated.
 *
 * XLSX formula cells are refused ("contains a formula") rather than read through their cached result:
 * the cached value is whatever the sheet last computed, may be stale or absent, and a payout amount
 * must be a number someone typed and saw. CSV text that merely starts with = + - @ is kept as the
 * literal text it is; nothing here ever evaluates a cell.
 */
export function buildPreview(sheet: Sheet, options: ImportOptions): ImportPreview {
  const columns = mapColumns(sheet.header);
  const preview: ImportPreview = { valid: [], invalid: [], warnings: [], totals: { count: 0, amountCents: 0 } };
  const firstRowOfPhone = new Map<Msisdn, number>();
  const existingPhones = options.existingPhones ?? new Map<Msisdn, string>();

  for (const row of sheet.rows) {
    const reasons: string[] = [];
    // A formula cell is refused as such; checking its formula text as a phone or amount would only add noise.
    const formulaColumns = new Set<ColumnName>();
    for (const column of Object.keys(columnTitle) as ColumnName[]) {
      const formula = cellAt(row, columns, column)?.formula;
      if (formula === undefined) continue;
      formulaColumns.add(column);
      reasons.push(`${columnTitle[column]} contains a formula (${formula}); type the value itself`);
    }

    const name = textAt(row, columns, 'name');
    if (name === '' && !formulaColumns.has('name')) reasons.push('Name is empty');

    let msisdn: Msisdn | undefined;
    if (!formulaColumns.has('phone')) {
      const phone = parseSafaricomPhone(textAt(row, columns, 'phone'));
      if (!phone.ok) reasons.push(phone.reason);
      else {
        msisdn = phone.msisdn;
        const firstRow = firstRowOfPhone.get(msisdn);
        if (firstRow === undefined) firstRowOfPhone.set(msisdn, row.row);
        else reasons.push(`Phone ${formatMsisdn(msisdn)} is already in row ${firstRow}`);
      }
    }

    let amountCents: Cents | undefined;
    if (!formulaColumns.has('amount')) {
      const amount = amountProblem(textAt(row, columns, 'amount'));
      if ('reason' in amount) reasons.push(amount.reason);
      else amountCents = amount.cents;
    }

    const reference = textAt(row, columns, 'reference');
    const referenceReason = formulaColumns.has('reference') ? undefined : referenceProblem(reference);
    if (referenceReason !== undefined) reasons.push(referenceReason);

    const existingWorker = msisdn === undefined ? undefined : existingPhones.get(msisdn);
    if (msisdn !== undefined && existingWorker !== undefined) {
      const message = `Phone ${formatMsisdn(msisdn)} belongs to saved worker ${existingWorker}`;
      switch (options.duplicatesAgainstExisting) {
        case 'invalid':
          reasons.push(message);
          break;
        case 'warn':
          if (reasons.length === 0) preview.warnings.push({ row: row.row, message });
          break;
        default: {
          const unknown: never = options.duplicatesAgainstExisting;
          throw new Error(`Unknown duplicatesAgainstExisting ${String(unknown)}`);
        }
      }
    }

    if (reasons.length > 0 || msisdn === undefined || amountCents === undefined) {
      preview.invalid.push({ row: row.row, reason: reasons.join('; '), raw: row.cells.map((cell) => cell.text) });
      continue;
    }
    const imported: ImportedRow = { row: row.row, name, msisdn, amountCents, reference };
    const nationalId = textAt(row, columns, 'nationalId');
    if (nationalId !== '') imported.nationalId = nationalId;
    const department = textAt(row, columns, 'department');
    if (department !== '') imported.department = department;
    preview.valid.push(imported);
    preview.totals.count += 1;
    preview.totals.amountCents += amountCents;
  }
  return preview;
}
