// Ledger and run-result exports for accountants: CSV and XLSX written row by row as they are read
// (a million rows never sit in memory), every text cell neutralised, amounts in KES, Nairobi time.
import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { neutraliseCell } from '../../shared/spreadsheet-safety';
import { NAIROBI } from '../../shared/time';
import { defaultBusyTimeoutMs, sqliteBindingPath, type ProfileDatabase } from '../db';
import { defaultLedgerSort, iterateTransactions, type LedgerFilter, type LedgerSort } from './query';

/** One exported table: its header and its rows as cells, text or number (KES, not cents). */
export interface ExportTable {
  header: readonly string[];
  /** Which columns hold amounts: numbers with two decimals in both formats. */
  amountColumns: ReadonlySet<number>;
  rows: Iterable<(string | number | null)[]>;
}

const nairobiOffsetMs = 3 * 60 * 60 * 1000;
const fixedOffsetSince = Date.parse('1960-01-01T00:00:00Z');

/**
 * "2026-11-22 01:14:01": Nairobi wall-clock time, a form every spreadsheet reads. Kenya has kept
 * UTC+3 without daylight saving for decades, so exports add the offset directly: a time-zone
 * lookup per row made a million-row export several times slower. Older times take the tz path.
 */
export function nairobiTime(iso: string): string {
  const ms = Date.parse(iso);
  if (ms < fixedOffsetSince) return format(new TZDate(ms, NAIROBI), 'yyyy-MM-dd HH:mm:ss');
  const shifted = new Date(ms + nairobiOffsetMs).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

const kes = (cents: number | null): number | null => (cents === null ? null : cents / 100);

export function ledgerTable(db: ProfileDatabase, filter: LedgerFilter = {}, sort: LedgerSort = defaultLedgerSort): ExportTable {
  return {
    header: ['Date (Nairobi)', 'Receipt', 'Kind', 'Status', 'Direction', 'Amount (KES)', 'Charge (KES)', 'Phone', 'Name', 'Shown by M-Pesa as', 'Account reference', 'Utility balance after (KES)', 'Correction of', 'Correction reason'],
    amountColumns: new Set([5, 6, 11]),
    rows: (function* () {
      for (const t of iterateTransactions(db, filter, sort)) {
        yield [
          nairobiTime(t.occurredAt),
          t.receipt,
          t.kind,
          t.status,
          t.direction,
          kes(t.amountCents),
          kes(t.chargeCents),
          t.phone,
          t.partyName,
          t.partyDisplay,
          t.accountReference,
          kes(t.utilityBalanceCents),
          t.correctsId,
          t.correctionReason,
        ];
      }
    })(),
  };
}

interface RunResultRow {
  line_number: number | null;
  name: string;
  phone: string;
  amount_cents: number;
  state: string;
  receipt: string | null;
  registered_name: string | null;
  name_check: string | null;
  result_code: string | null;
  result_desc: string | null;
  attempt_state: string | null;
}

/** Per person in a run: what was asked, what happened, the receipt, M-Pesa's name for the number, why it failed. */
export function runResultsTable(db: ProfileDatabase, runId: number): ExportTable {
  const statement = db.prepare(
    `SELECT i.line_number, i.name, i.phone, i.amount_cents, i.state, i.registered_name, i.name_check,
            a.receipt, a.result_code, a.result_desc, a.state AS attempt_state
       FROM payroll_items i
       LEFT JOIN payout_attempts a ON a.id = (SELECT id FROM payout_attempts WHERE item_id = i.id ORDER BY attempt_number DESC LIMIT 1)
      WHERE i.run_id = ?
      ORDER BY i.line_number, i.id`,
  );
  return {
    header: ['Line', 'Name', 'Phone', 'Amount (KES)', 'State', 'Receipt', 'Registered M-Pesa name', 'Name check', 'Failure reason'],
    amountColumns: new Set([3]),
    rows: (function* () {
      for (const r of statement.iterate(runId) as IterableIterator<RunResultRow>) {
        const failed = r.attempt_state === 'failed' || r.attempt_state === 'rejected';
        const reason = failed ? [r.result_desc, r.result_code === null ? null : `(code ${r.result_code})`].filter((p) => p !== null).join(' ') : null;
        yield [r.line_number, r.name, r.phone, kes(r.amount_cents), r.state, r.receipt, r.registered_name, r.name_check, reason];
      }
    })(),
  };
}

function csvField(value: string | number | null, isAmount: boolean): string {
  if (value === null) return '';
  if (typeof value === 'number') return isAmount ? value.toFixed(2) : String(value);
  const safe = String(neutraliseCell(value));
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV text in chunks of a few hundred lines, starting with a BOM so Excel reads UTF-8 names. */
export async function* csvChunks(table: ExportTable): AsyncGenerator<string> {
  const line = (cells: readonly (string | number | null)[]): string => cells.map((c, i) => csvField(c, table.amountColumns.has(i))).join(',');
  let chunk = `\uFEFF${line(table.header)}\r\n`;
  let lines = 0;
  for (const row of table.rows) {
    chunk += `${line(row)}\r\n`;
    lines += 1;
    if (lines === 500) {
      yield chunk;
      chunk = '';
      lines = 0;
    }
  }
  if (chunk !== '') yield chunk;
}

/** Streams the table as CSV into `output` (a file path or a writable stream), honouring back-pressure. */
export async function writeCsv(table: ExportTable, output: string | Writable): Promise<void> {
  const target = typeof output === 'string' ? createWriteStream(output) : output;
  await pipeline(Readable.from(csvChunks(table)), target);
}

/** Streams the table as an XLSX workbook: each row is committed (written out) as soon as it is added. */
export async function writeXlsx(table: ExportTable, output: string | Writable, sheetName = 'Ledger'): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter(
    typeof output === 'string' ? { filename: output, useStyles: true, useSharedStrings: false } : { stream: output, useStyles: true, useSharedStrings: false },
  );
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.header.map((title, i) => ({
    header: title,
    width: Math.max(12, title.length + 2),
    style: table.amountColumns.has(i) ? { numFmt: '#,##0.00' } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const row of table.rows) {
    // Plain values only: a string starting with "=" stays text (exceljs writes formulas only from { formula }), and neutralised anyway.
    sheet.addRow(row.map((cell) => (typeof cell === 'string' ? neutraliseCell(cell) : cell))).commit();
  }
  sheet.commit();
  await workbook.commit();
}

export type ExportFormat = 'csv' | 'xlsx';

/**
 * Runs an export on its own read-only connection to the same file. A long export iterates one
 * statement for seconds; on the app's connection that would block every write (the payout engine
 * recording a payment) until it ends. WAL lets this reader see one consistent snapshot meanwhile.
 */
async function onReadConnection<T>(db: ProfileDatabase, work: (reader: ProfileDatabase) => Promise<T>): Promise<T> {
  if (db.memory || db.name === '') return work(db);
  const nativeBinding = sqliteBindingPath();
  const reader = new Database(db.name, { readonly: true, fileMustExist: true, ...(nativeBinding === undefined ? {} : { nativeBinding }) });
  try {
    reader.pragma(`busy_timeout = ${defaultBusyTimeoutMs}`);
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

export async function exportRunResults(db: ProfileDatabase, runId: number, output: string | Writable, exportFormat: ExportFormat): Promise<void> {
  return onReadConnection(db, async (reader) => {
    const table = runResultsTable(reader, runId);
    switch (exportFormat) {
      case 'csv':
        return writeCsv(table, output);
      case 'xlsx':
        return writeXlsx(table, output, `Run ${runId}`);
      default: {
        const unknown: never = exportFormat;
        throw new Error(`Unknown export format ${String(unknown)}`);
      }
    }
  });
}
