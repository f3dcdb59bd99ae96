// Turns the rows of an imported file into the preview a payroll officer checks: who, which phone,
// how much, every row Mshahara refuses with the reason, and the rows someone should look at twice.
import limits from '../../../../resources/b2c-limits.json';
import { ValidationError } from '../../../shared/errors';
import { MoneyError, formatKesWithCurrency, parseKes, toWholeShillings, type Cents } from '../../../shared/money';
import { formatMsisdn, parseSafaricomPhone, type Msisdn } from '../../../shared/phone';
import { looksLikeFormula } from '../../../shared/spreadsheet-safety';
import { escapeControls, unsafeCharacter } from '../../../shared/text-safety';
import { findHeader, spokenColumn, type ColumnMap, type ColumnName } from './columns';
import type { ImportOptions, ImportPreview, ImportedRow, Sheet, SheetCell, SheetRow } from './types';

const minCents: Cents = limits.b2c.minPerTransactionCents;
const maxCents: Cents = limits.b2c.maxPerTransactionCents;
/** M-Pesa B2C Remarks take 2–100 characters; the reference travels there. */
const referenceLength = { min: 2, max: 100 } as const;
/** The reference of a row that has none, unless the caller names one (the run's title). */
export const fallbackReference = 'Payroll';
/** An amount this many times above or below the worker's usual pay is flagged. */
const unusualFactor = 3;

const columnTitle: Record<ColumnName, string> = {
  name: 'Name',
  phone: 'Phone',
  amount: 'Amount',
  reference: 'Reference',
  nationalId: 'National ID',
  staffNumber: 'Staff number',
  department: 'Department',
};

/** Data quoted in a reason: control characters written out, long text cut, so a reason can be printed anywhere. */
export function quoted(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return `"${escapeControls(short)}"`;
}

function cellAt(row: SheetRow, columns: ColumnMap, column: ColumnName): SheetCell | undefined {
  const index = columns[column];
  return index === undefined ? undefined : row.cells[index];
}

/** Cell text with runs of spaces and line breaks made one space: a name typed over two lines is one name. */
function textAt(row: SheetRow, columns: ColumnMap, column: ColumnName): string {
  return (
    (cellAt(row, columns, column)?.text ?? '')
      .replace(/[ \t\r\n]+/g, ' ')
      .trim()
      // Mshahara's own exports (the left-out rows) write "'+254…" so no spreadsheet runs it; read it back as typed.
      .replace(/^'(?=[=+\-@])/, '')
  );
}

function amountProblem(text: string): { cents: Cents } | { reason: string } {
  let cents: Cents;
  try {
    cents = parseKes(text);
    toWholeShillings(cents);
  } catch (error) {
    if (error instanceof MoneyError) return { reason: escapeControls(error.message) };
    throw error;
  }
  if (cents < minCents)
    return {
      reason: `Amount ${formatKesWithCurrency(cents)} is below the M-Pesa minimum of ${formatKesWithCurrency(minCents)} per payment`,
    };
  if (cents > maxCents)
    return {
      reason: `Amount ${formatKesWithCurrency(cents)} is above the M-Pesa maximum of ${formatKesWithCurrency(maxCents)} per payment`,
    };
  return { cents };
}

function referenceProblem(reference: string): string | undefined {
  if (reference.length < referenceLength.min)
    return `Reference ${quoted(reference)} is shorter than ${referenceLength.min} characters`;
  if (reference.length > referenceLength.max)
    return `Reference is longer than ${referenceLength.max} characters (the M-Pesa limit)`;
  return undefined;
}

const sameName = (a: string, b: string): boolean =>
  a.toLowerCase().replace(/\s+/g, ' ').trim() === b.toLowerCase().replace(/\s+/g, ' ').trim();

/** Columns without which no row can be read. */
export function requiredColumns(options: ImportOptions): ColumnName[] {
  return options.amountRequired === false ? ['name', 'phone'] : ['name', 'phone', 'amount'];
}

/**
 * Builds the preview. Each refused row names every problem found in it ("; "-separated) so the
 * officer fixes a row once. A phone seen again is refused on its second and later rows, naming the
 * first row that had it, even when that first row is itself refused: fixing it would not make the
 * phone any less repeated.
 *
 * An XLSX formula cell is read by the value Excel last computed and saved with the file; Mshahara
 * never evaluates one, and a formula saved without a value is refused. CSV text that starts with
 * = + - @ is kept as the literal text it is, and flagged for a second look.
 */
export function buildPreview(sheet: Sheet, options: ImportOptions): ImportPreview {
  if (sheet.rows.length === 0)
    throw new ValidationError('The file is empty: its first row must hold the titles name, phone, amount');
  const lenient = options.allowUnmapped === true;
  let header = findHeader(sheet.rows, sheet.merges ?? [], options.mapping, lenient);
  let mappedBy: ImportPreview['mappedBy'] = options.mapping === undefined ? 'titles' : 'chosen';
  const remembered = options.mapping === undefined ? options.rememberedMappings?.[header.layout] : undefined;
  if (remembered !== undefined) {
    header = findHeader(sheet.rows, sheet.merges ?? [], remembered, lenient);
    mappedBy = 'remembered';
  }
  const columns = header.map;
  const preview: ImportPreview = {
    valid: [],
    invalid: [],
    warnings: [],
    totals: { count: 0, amountCents: 0 },
    headerRow: header.row,
    columns: header.columns,
    layout: header.layout,
    notes: [...header.clashes.map((clash) => escapeControls(clash)), ...sheet.notes],
    sheets: sheet.sheets ?? [],
    sheet: sheet.sheet ?? null,
    mappedBy,
    missingColumns: requiredColumns(options).filter((c) => columns[c] === undefined),
  };
  if (preview.missingColumns.length > 0) {
    if (options.allowUnmapped === true) return preview;
    const names = preview.missingColumns.map((c) => spokenColumn[c]).join(', ');
    const unplaced = header.columns.filter((c) => c.meaning === null && c.title !== '').map((c) => quoted(c.title));
    throw new ValidationError(
      `The file has no ${names} column${preview.missingColumns.length > 1 ? 's' : ''}` +
        (unplaced.length > 0 ? `; titles not recognised: ${unplaced.join(', ')}` : '') +
        '. The header row must hold name, phone and amount (reference, national ID, staff number and department are optional).',
    );
  }

  const firstRowOfPhone = new Map<Msisdn, number>();
  const existingPhones = options.existingPhones ?? new Map<Msisdn, string>();
  const amountRequired = options.amountRequired !== false;
  const defaultReference = options.defaultReference ?? fallbackReference;
  let defaulted = 0;

  for (const row of sheet.rows.slice(header.index + 1)) {
    const reasons: string[] = [];
    const flags: string[] = [];
    // A formula saved without its value cannot be read; its formula text is no phone or amount.
    const unreadable = new Set<ColumnName>();
    for (const column of Object.keys(columnTitle) as ColumnName[]) {
      const cell = cellAt(row, columns, column);
      if (cell?.formula === undefined || cell.text !== '') continue;
      unreadable.add(column);
      reasons.push(
        `${columnTitle[column]} is a formula (${quoted(cell.formula)}) saved without its value; open the file in Excel and save it again, or type the value`,
      );
    }
    for (const column of ['name', 'reference', 'nationalId', 'staffNumber', 'department'] as const) {
      const unsafe = unsafeCharacter(cellAt(row, columns, column)?.text ?? '');
      if (unsafe !== undefined) {
        unreadable.add(column);
        reasons.push(`${columnTitle[column]} contains a hidden control character (${unsafe}); retype it`);
      }
    }

    const name = textAt(row, columns, 'name');
    if (!unreadable.has('name')) {
      if (name === '') reasons.push('Name is empty');
      else if (looksLikeFormula(name))
        flags.push(`Name ${quoted(name)} looks like a spreadsheet formula; check it is the person's name`);
      else if (/^[\d\s.,+-]+$/.test(name))
        flags.push(`Name ${quoted(name)} is a number, not a name; check the columns`);
    }

    let msisdn: Msisdn | undefined;
    if (!unreadable.has('phone')) {
      const phone = parseSafaricomPhone(textAt(row, columns, 'phone'));
      if (!phone.ok) reasons.push(escapeControls(phone.reason));
      else {
        msisdn = phone.msisdn;
        const firstRow = firstRowOfPhone.get(msisdn);
        if (firstRow === undefined) firstRowOfPhone.set(msisdn, row.row);
        else reasons.push(`Phone ${formatMsisdn(msisdn)} is already in row ${firstRow}`);
      }
    }

    let amountCents: Cents | undefined;
    let noAmount = false;
    if (!unreadable.has('amount')) {
      const text = textAt(row, columns, 'amount');
      if (text === '' && !amountRequired) noAmount = true;
      else if (text === '') reasons.push('Amount is empty');
      else {
        const amount = amountProblem(text);
        if ('reason' in amount) reasons.push(amount.reason);
        else amountCents = amount.cents;
      }
    }

    let reference = textAt(row, columns, 'reference');
    if (!unreadable.has('reference')) {
      if (reference === '') {
        reference = defaultReference;
        defaulted += 1;
      } else {
        const referenceReason = referenceProblem(reference);
        if (referenceReason !== undefined) reasons.push(referenceReason);
        else if (looksLikeFormula(reference))
          flags.push(`Reference ${quoted(reference)} looks like a spreadsheet formula; check it`);
      }
    }

    const existingWorker = msisdn === undefined ? undefined : existingPhones.get(msisdn);
    if (msisdn !== undefined && existingWorker !== undefined) {
      const message = sameName(existingWorker, name)
        ? `Phone ${formatMsisdn(msisdn)} belongs to saved worker ${escapeControls(existingWorker)}`
        : `Phone ${formatMsisdn(msisdn)} belongs to saved worker ${escapeControls(existingWorker)}, not to ${quoted(name)}; check it is the right number`;
      switch (options.duplicatesAgainstExisting) {
        case 'invalid':
          reasons.push(message);
          break;
        case 'warn':
          flags.push(message);
          break;
        default: {
          const unknown: never = options.duplicatesAgainstExisting;
          throw new Error(`Unknown duplicatesAgainstExisting ${String(unknown)}`);
        }
      }
    }
    const usual = msisdn === undefined ? undefined : options.usualAmounts?.get(msisdn);
    if (
      usual !== undefined &&
      usual > 0 &&
      amountCents !== undefined &&
      (amountCents > usual * unusualFactor || amountCents * unusualFactor < usual)
    ) {
      flags.push(
        `Amount ${formatKesWithCurrency(amountCents)} is far from this worker's usual ${formatKesWithCurrency(usual)}; check it`,
      );
    }

    if (reasons.length > 0 || msisdn === undefined || (amountCents === undefined && !noAmount)) {
      preview.invalid.push({ row: row.row, reason: reasons.join('; '), raw: row.cells.map((cell) => cell.text) });
      continue;
    }
    for (const message of flags) preview.warnings.push({ row: row.row, message });
    const imported: ImportedRow = { row: row.row, name, msisdn, amountCents: amountCents ?? 0, reference };
    if (noAmount) imported.noAmount = true;
    const nationalId = textAt(row, columns, 'nationalId');
    if (nationalId !== '') imported.nationalId = nationalId;
    const staffNumber = textAt(row, columns, 'staffNumber');
    if (staffNumber !== '') imported.staffNumber = staffNumber;
    const department = textAt(row, columns, 'department');
    if (department !== '') imported.department = department;
    preview.valid.push(imported);
    preview.totals.count += 1;
    preview.totals.amountCents += amountCents ?? 0;
  }
  if (defaulted > 0)
    preview.notes.push(
      `${defaulted} row${defaulted === 1 ? ' has' : 's have'} no reference; ${defaulted === 1 ? 'it is' : 'they are'} paid with the reference ${quoted(defaultReference)}`,
    );
  return preview;
}
