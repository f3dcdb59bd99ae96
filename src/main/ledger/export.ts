// Ledger and run-result exports for accountants: CSV and XLSX written row by row as they are read
// (a million rows never sit in memory), every text cell neutralised, amounts in KES, Nairobi time.
import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ChargeBasis } from '../../shared/contract-values';
import { formatCount } from '../../shared/format';
import { neutraliseCell } from '../../shared/spreadsheet-safety';
import { estimateCharge } from '../payroll/charges';
import { formatNairobiSortable, nairobiWallClock } from '../../shared/time';
import { defaultBusyTimeoutMs, registerSearchFunctions, sqliteBindingPath, type ProfileDatabase } from '../db';
import { defaultLedgerSort, ledgerOrderBy, ledgerWhere, type LedgerFilter, type LedgerSort } from './query';
import {
  bestKnownCharge,
  toLedgerTransaction,
  transactionColumns,
  type LedgerTransaction,
  type TransactionRow,
} from './transactions';

/** One exported table: its header and its rows as cells, text or number (KES, not cents). */
export interface ExportTable {
  header: readonly string[];
  /** Which columns hold amounts: numbers with two decimals in both formats. */
  amountColumns: ReadonlySet<number>;
  /** Which columns hold instants (ISO strings): Nairobi wall-clock text in CSV, date cells in XLSX. */
  dateColumns?: ReadonlySet<number>;
  rows: Iterable<(string | number | null)[]>;
  /**
   * Rows of totals under the table in XLSX (bold, plain numbers: no formula in any cell), read once
   * every row has been written. A CSV holds the rows only, for the tools that import it.
   */
  totals?: () => (string | number | null)[][];
}

/** "2026-11-22 01:14:01": Nairobi wall-clock time, a form every spreadsheet reads. */
export const nairobiTime = formatNairobiSortable;

const kes = (cents: number | null): number | null => (cents === null ? null : cents / 100);

/** The ledger rows of the filtered set with the payroll behind each payment, one at a time. */
function* ledgerRowsWithRuns(
  db: ProfileDatabase,
  filter: LedgerFilter,
  sort: LedgerSort,
): Generator<{ t: LedgerTransaction; run: RunColumns }> {
  const where = ledgerWhere(filter);
  const statement = db.prepare(
    `SELECT ${transactionColumns}, r.title AS run_title, r.period AS run_period, i.remarks AS reference
       FROM ${where.from}
       LEFT JOIN payout_attempts a ON a.id = t.attempt_id
       LEFT JOIN payroll_items i ON i.id = a.item_id
       LEFT JOIN payroll_runs r ON r.id = i.run_id
       ${where.where} ${ledgerOrderBy(sort)}`,
  );
  for (const row of statement.iterate(...where.params) as IterableIterator<TransactionRow & RunColumns>)
    yield { t: toLedgerTransaction(row), run: row };
}

interface RunColumns {
  run_title: string | null;
  run_period: string | null;
  reference: string | null;
}

/** A totals row: the label in the first column and sums under the amount columns it names. */
function totalsRow(width: number, label: string, sums: ReadonlyMap<number, number>): Cell[] {
  return Array.from({ length: width }, (_, i) => (i === 0 ? label : (sums.get(i) ?? null)));
}

export function ledgerTable(
  db: ProfileDatabase,
  filter: LedgerFilter = {},
  sort: LedgerSort = defaultLedgerSort,
): ExportTable {
  const header = [
    'Date (Nairobi)',
    'Receipt',
    'Kind',
    'Status',
    'Direction',
    'Amount (KES)',
    'Charge (KES)',
    'Charge basis',
    'Phone',
    'Name',
    'Shown by M-Pesa as',
    'Account reference',
    'Run',
    'Pay period',
    'Payroll reference',
    'Utility balance after (KES)',
    'Correction of',
    'Correction reason',
  ];
  let count = 0;
  let paidOut = 0;
  let received = 0;
  let charges = 0;
  return {
    header,
    amountColumns: new Set([5, 6, 15]),
    dateColumns: new Set([0]),
    rows: (function* () {
      for (const { t, run } of ledgerRowsWithRuns(db, filter, sort)) {
        const charge = bestKnownCharge(t);
        count += 1;
        if (t.direction === 'out') paidOut += t.amountCents;
        else received += t.amountCents;
        charges += charge.cents ?? 0;
        yield [
          t.occurredAt,
          t.receipt,
          t.kind,
          t.status,
          t.direction,
          kes(t.amountCents),
          kes(charge.cents),
          charge.basis,
          t.phone,
          t.partyName,
          t.partyDisplay,
          t.accountReference,
          run.run_title,
          run.run_period,
          run.reference,
          kes(t.utilityBalanceCents),
          t.correctsId,
          t.correctionReason,
        ];
      }
    })(),
    // Amounts carry no sign (Direction does), so money out and money in are totalled apart.
    totals: () => [
      totalsRow(
        header.length,
        `Paid out (${formatCount(count, 'row')} in all)`,
        new Map([
          [5, paidOut / 100],
          [6, charges / 100],
        ]),
      ),
      totalsRow(header.length, 'Received', new Map([[5, received / 100]])),
    ],
  };
}

interface RunResultRow {
  line_number: number | null;
  name: string;
  phone: string;
  amount_cents: number;
  remarks: string | null;
  state: string;
  receipt: string | null;
  registered_name: string | null;
  name_check: string | null;
  result_code: string | null;
  result_desc: string | null;
  attempt_state: string | null;
  paid_at: string | null;
  charge_cents: number | null;
  charge_basis: ChargeBasis | null;
}

/**
 * Per person in a run: what was asked (amount, reference), what happened, when it was paid (Nairobi),
 * the receipt, M-Pesa's name for the number, the charge and how it is known (confirmed by the
 * statement, reported by M-Pesa, or estimated from the tariff until one of those), and why it failed.
 */
export function runResultsTable(db: ProfileDatabase, runId: number): ExportTable {
  const statement = db.prepare(
    `SELECT i.line_number, i.name, i.phone, i.amount_cents, i.remarks, i.state, i.registered_name, i.name_check,
            a.receipt, a.result_code, a.result_desc, a.state AS attempt_state,
            COALESCE(t.occurred_at, CASE WHEN a.state = 'succeeded' THEN a.finished_at END) AS paid_at,
            coalesce(cc.charge_cents, t.charge_cents) AS charge_cents,
            CASE WHEN cc.transaction_id IS NOT NULL THEN 'confirmed' WHEN t.charge_cents IS NULL THEN NULL
                 ELSE coalesce(t.charge_basis, 'reported') END AS charge_basis
       FROM payroll_items i
       LEFT JOIN payout_attempts a ON a.id = (SELECT id FROM payout_attempts WHERE item_id = i.id ORDER BY attempt_number DESC LIMIT 1)
       LEFT JOIN transactions t ON t.attempt_id = a.id AND t.corrects_id IS NULL AND t.status = 'completed'
       LEFT JOIN confirmed_charges cc ON cc.transaction_id = t.id
      WHERE i.run_id = ?
      ORDER BY i.line_number, i.id`,
  );
  let lines = 0;
  let amount = 0;
  let paidLines = 0;
  let paidAmount = 0;
  let chargeTotal = 0;
  return {
    header: [
      'Line',
      'Name',
      'Phone',
      'Amount (KES)',
      'Reference',
      'State',
      'Time paid (Nairobi)',
      'Receipt',
      'Registered M-Pesa name',
      'Name check',
      'Charge (KES)',
      'Charge',
      'Failure reason',
    ],
    amountColumns: new Set([3, 10]),
    dateColumns: new Set([6]),
    rows: (function* () {
      for (const r of statement.iterate(runId) as IterableIterator<RunResultRow>) {
        const failed = r.attempt_state === 'failed' || r.attempt_state === 'rejected';
        const reason = failed
          ? [r.result_desc, r.result_code === null ? null : `(code ${r.result_code})`]
              .filter((p) => p !== null)
              .join(' ')
          : null;
        const paid = r.state === 'paid';
        const charge =
          r.charge_cents !== null
            ? { cents: r.charge_cents, kind: r.charge_basis }
            : paid
              ? { cents: estimateCharge(r.amount_cents), kind: 'estimated' }
              : null;
        lines += 1;
        amount += r.amount_cents;
        if (paid) {
          paidLines += 1;
          paidAmount += r.amount_cents;
        }
        chargeTotal += charge?.cents ?? 0;
        yield [
          r.line_number,
          r.name,
          r.phone,
          kes(r.amount_cents),
          r.remarks,
          r.state,
          r.paid_at,
          r.receipt,
          r.registered_name,
          r.name_check,
          charge === null ? null : kes(charge.cents),
          charge?.kind ?? null,
          reason,
        ];
      }
    })(),
    totals: () => [
      totalsRow(13, `All lines (${formatCount(lines, 'line')})`, new Map([[3, amount / 100]])),
      totalsRow(
        13,
        `Paid (${formatCount(paidLines, 'line')})`,
        new Map([
          [3, paidAmount / 100],
          [10, chargeTotal / 100],
        ]),
      ),
    ],
  };
}

/** Rows of the imported file that are not in the run, as the file had them, with the reason. */
export type LeftOutSheet = {
  titles: readonly string[];
  rows: readonly { row: number; reason: string; raw: readonly string[] }[];
};

function leftOutRowsTable(leftOut: LeftOutSheet): ExportTable {
  const width = Math.max(leftOut.titles.length, ...leftOut.rows.map((r) => r.raw.length));
  const pad = (cells: readonly string[]): string[] => Array.from({ length: width }, (_, i) => cells[i] ?? '');
  return {
    header: ['Row in file', 'Reason left out', ...pad(leftOut.titles)],
    amountColumns: new Set(),
    rows: leftOut.rows.map((r) => [r.row, r.reason, ...pad(r.raw)]),
  };
}

/** One cell as the CSV shows it; csv-stringify adds the quoting. */
function csvCell(value: string | number | null, isAmount: boolean, isDate = false): string {
  if (value === null) return '';
  if (isDate && typeof value === 'string') return nairobiTime(value);
  if (typeof value === 'number') return isAmount ? value.toFixed(2) : String(value);
  return String(neutraliseCell(value));
}

/** CRLF line ends, as Excel writes them. */
export const csvOptions = { record_delimiter: 'windows' } as const;

/** The CSV text in chunks of a few hundred lines, starting with a BOM so Excel reads UTF-8 names. */
export async function* csvChunks(table: ExportTable): AsyncGenerator<string> {
  const line = (cells: readonly (string | number | null)[]): string[] =>
    cells.map((c, i) => csvCell(c, table.amountColumns.has(i), table.dateColumns?.has(i) === true));
  const header = table.header.map((c, i) => csvCell(c, table.amountColumns.has(i)));
  let lines: string[][] = [];
  let first = true;
  const chunk = (): string => {
    const text = stringify(lines, csvOptions);
    lines = [];
    if (!first) return text;
    first = false;
    return `\uFEFF${stringify([header], csvOptions)}${text}`;
  };
  for (const row of table.rows) {
    lines.push(line(row));
    if (lines.length === 500) yield chunk();
  }
  if (first || lines.length > 0) yield chunk();
}

/** Streams the table as CSV into `output` (a file path or a writable stream), honouring back-pressure. */
export async function writeCsv(table: ExportTable, output: string | Writable): Promise<void> {
  const target = typeof output === 'string' ? createWriteStream(output) : output;
  await pipeline(Readable.from(csvChunks(table)), target);
}

/** Rows looked at to size the columns before the sheet is written. */
const widthSample = 200;

/** Spreadsheets have no zones: a date cell holds Nairobi wall-clock time, so it shows what the officer saw. */
const nairobiDateCell = nairobiWallClock;

type Cell = string | number | null;

function addSheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, table: ExportTable, sheetName: string): void {
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  // The first rows size the columns (a name column wide enough for names), within 10–60 characters.
  const iterator = table.rows[Symbol.iterator]();
  const sample: Cell[][] = [];
  while (sample.length < widthSample) {
    const next = iterator.next();
    if (next.done === true) break;
    sample.push(next.value);
  }
  const width = (i: number, title: string): number => {
    if (table.dateColumns?.has(i) === true) return Math.max(21, title.length + 2);
    const longest = sample.reduce(
      (n, row) => Math.max(n, String(row[i] ?? '').length + (table.amountColumns.has(i) ? 4 : 0)),
      title.length,
    );
    return Math.min(60, Math.max(10, longest + 2));
  };
  sheet.columns = table.header.map((title, i) => ({
    header: title,
    width: width(i, title),
    style: table.amountColumns.has(i)
      ? { numFmt: '#,##0.00' }
      : table.dateColumns?.has(i) === true
        ? { numFmt: 'yyyy-mm-dd hh:mm:ss' }
        : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const write = (row: readonly Cell[]): void => {
    // Plain values only: a string starting with "=" stays text (exceljs writes formulas only from { formula }), and neutralised anyway.
    sheet
      .addRow(
        row.map((cell, i) =>
          typeof cell === 'string'
            ? table.dateColumns?.has(i) === true
              ? nairobiDateCell(cell)
              : neutraliseCell(cell)
            : cell,
        ),
      )
      .commit();
  };
  for (const row of sample) write(row);
  for (let next = iterator.next(); next.done !== true; next = iterator.next()) write(next.value);
  for (const totals of table.totals?.() ?? []) {
    const row = sheet.addRow(totals.map((cell) => (typeof cell === 'string' ? neutraliseCell(cell) : cell)));
    row.font = { bold: true };
    row.commit();
  }
  sheet.commit();
}

/** Streams tables as the sheets of one XLSX workbook: each row is committed (written out) as soon as it is added. */
export async function writeXlsxSheets(
  sheets: readonly { table: ExportTable; name: string }[],
  output: string | Writable,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter(
    typeof output === 'string'
      ? { filename: output, useStyles: true, useSharedStrings: false }
      : { stream: output, useStyles: true, useSharedStrings: false },
  );
  for (const { table, name } of sheets) addSheet(workbook, table, name);
  await workbook.commit();
}

/** Streams the table as an XLSX workbook of one sheet. */
export async function writeXlsx(table: ExportTable, output: string | Writable, sheetName = 'Ledger'): Promise<void> {
  await writeXlsxSheets([{ table, name: sheetName }], output);
}

export type ExportFormat = 'csv' | 'xlsx';

/**
 * Runs an export on its own read-only connection to the same file. A long export iterates one
 * statement for seconds; on the app's connection that would block every write (the payout engine
 * recording a payment) until it ends. WAL lets this reader see one consistent snapshot meanwhile.
 */
export async function onReadConnection<T>(
  db: ProfileDatabase,
  work: (reader: ProfileDatabase) => Promise<T>,
): Promise<T> {
  if (db.memory || db.name === '') return work(db);
  const nativeBinding = sqliteBindingPath();
  const reader = new Database(db.name, {
    readonly: true,
    fileMustExist: true,
    ...(nativeBinding === undefined ? {} : { nativeBinding }),
  });
  try {
    reader.pragma(`busy_timeout = ${defaultBusyTimeoutMs}`);
    registerSearchFunctions(reader);
    return await work(reader);
  } finally {
    reader.close();
  }
}

export async function exportLedger(
  db: ProfileDatabase,
  output: string | Writable,
  options: { format: ExportFormat; filter?: LedgerFilter; sort?: LedgerSort },
): Promise<void> {
  return onReadConnection(db, async (reader) => {
    const table = ledgerTable(reader, options.filter, options.sort);
    switch (options.format) {
      case 'csv':
        return writeCsv(table, output);
      case 'xlsx':
        return writeXlsx(table, output, 'Ledger');
      default: {
        const unknown: never = options.format;
        throw new Error(`Unknown export format ${String(unknown)}`);
      }
    }
  });
}

/**
 * One run's results. In XLSX the rows its file left out (when known) follow on their own sheet; a
 * CSV holds one table, so the left-out rows are their own download there.
 */
export async function exportRunResults(
  db: ProfileDatabase,
  runId: number,
  output: string | Writable,
  exportFormat: ExportFormat,
  leftOut?: LeftOutSheet,
): Promise<void> {
  return onReadConnection(db, async (reader) => {
    const table = runResultsTable(reader, runId);
    switch (exportFormat) {
      case 'csv':
        return writeCsv(table, output);
      case 'xlsx':
        return writeXlsxSheets(
          [
            { table, name: `Run ${runId}` },
            ...(leftOut === undefined || leftOut.rows.length === 0
              ? []
              : [{ table: leftOutRowsTable(leftOut), name: 'Left out of the file' }]),
          ],
          output,
        );
      default: {
        const unknown: never = exportFormat;
        throw new Error(`Unknown export format ${String(unknown)}`);
      }
    }
  });
}
