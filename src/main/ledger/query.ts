// The accountant's view of the ledger: filter, search, sort and page through the transactions,
// with the count and totals of the whole filtered set. Built to stay fast at a million rows.
import { ValidationError } from '../../shared/errors';
import type { Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { foldForSearch } from '../../shared/search-fold';
import { phoneSearchPrefix } from '../payroll/workers';
import {
  toLedgerTransaction,
  transactionColumns,
  type LedgerTransaction,
  type TransactionDirection,
  type TransactionKind,
  type TransactionRow,
  type TransactionStatus,
} from './transactions';

export interface LedgerFilter {
  /** Inclusive start, ISO-8601 UTC. */
  from?: string;
  /** Exclusive end, ISO-8601 UTC. */
  to?: string;
  kinds?: readonly TransactionKind[];
  statuses?: readonly TransactionStatus[];
  direction?: TransactionDirection;
  minAmountCents?: Cents;
  maxAmountCents?: Cents;
  /** A receipt (whole or its start), a phone in any Kenyan format, part of a name, run title or payroll reference. */
  search?: string;
  /** Only the payments of this payroll run. */
  runId?: number;
  /** Also show rows a later correction replaced (the audit view); normally only current rows. */
  includeCorrected?: boolean;
}

export type LedgerSortKey = 'time' | 'amount';
export interface LedgerSort {
  by: LedgerSortKey;
  order: 'asc' | 'desc';
}

/** Where the next page starts: the sort value and id of the last row shown. */
export interface LedgerCursor {
  value: string | number;
  id: number;
}

/** Either `after` (keyset: stable while new rows arrive) or `offset` (jump to page N). */
export interface LedgerPage {
  limit: number;
  offset?: number;
  after?: LedgerCursor;
}

export interface LedgerTotals {
  count: number;
  /** Sum of amounts, whatever the direction. */
  amountCents: Cents;
  amountInCents: Cents;
  amountOutCents: Cents;
  /** Charges as best known: the statement's confirmed figure where imported, else the row's own. */
  chargesCents: Cents;
  /** The part of chargesCents that is still the tariff's estimate (no answer or statement named it). */
  estimatedChargesCents: Cents;
}

export interface LedgerListing {
  rows: LedgerTransaction[];
  totals: LedgerTotals;
  /** Present when there may be more rows after this page. */
  next: LedgerCursor | null;
}

export const defaultLedgerSort: LedgerSort = { by: 'time', order: 'desc' };

interface Where {
  sql: string;
  params: unknown[];
}

/** The FROM and WHERE of a filtered ledger query; params in the order the text binds them. */
export interface LedgerSource {
  from: string;
  where: string;
  params: unknown[];
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The rows a search matches: receipt prefix, phone (whole or its start), part of a name, or part of
 * the title of the run or the payroll reference of the line that paid them, whichever apply; names,
 * titles and references without case or accents. The date range goes inside each branch so each is
 * answered by an index on (key, time) without reading the matching rows outside the range.
 */
function searchClause(search: string, filter: LedgerFilter): Where {
  const parts: string[] = [];
  const params: unknown[] = [];
  let range = '';
  const rangeParams: unknown[] = [];
  if (filter.from !== undefined) {
    range += ' AND t.occurred_at >= ?';
    rangeParams.push(filter.from);
  }
  if (filter.to !== undefined) {
    range += ' AND t.occurred_at < ?';
    rangeParams.push(filter.to);
  }
  const compact = search.replace(/\s+/g, '');
  // Receipts are upper-case letters and digits; GLOB keeps the prefix search on the index.
  if (/^[A-Za-z0-9]{2,}$/.test(compact)) {
    parts.push(`SELECT t.id FROM transactions t WHERE t.receipt GLOB ?${range}`);
    params.push(`${compact.toUpperCase()}*`, ...rangeParams);
  }
  const phonePrefix = phoneSearchPrefix(search);
  if (phonePrefix !== null) {
    // A whole number is an equality, which lets the index go on to the time range.
    parts.push(
      `SELECT t.id FROM transactions t WHERE ${phonePrefix.length === 12 ? 't.phone = ?' : 't.phone GLOB ?'}${range}`,
    );
    params.push(phonePrefix.length === 12 ? phonePrefix : `${phonePrefix}*`, ...rangeParams);
  }
  const text = `%${likeEscape(foldForSearch(search))}%`;
  // Names, run titles and references repeat: the text is looked for in their few distinct values.
  parts.push(
    `SELECT t.id FROM transactions t WHERE t.party_name IN (SELECT name FROM transaction_party_names WHERE fold(name) LIKE ? ESCAPE '\\')${range}`,
    `SELECT t.id FROM payroll_runs r JOIN payroll_items i ON i.run_id = r.id JOIN payout_attempts a ON a.item_id = i.id
       CROSS JOIN transactions t WHERE fold(r.title) LIKE ? ESCAPE '\\' AND t.attempt_id = a.id${range}`,
    `SELECT t.id FROM payroll_items i JOIN payout_attempts a ON a.item_id = i.id CROSS JOIN transactions t
      WHERE i.remarks IN (SELECT reference FROM payroll_references WHERE fold(reference) LIKE ? ESCAPE '\\')
        AND t.attempt_id = a.id${range}`,
  );
  params.push(text, ...rangeParams, text, ...rangeParams, text, ...rangeParams);
  return { sql: `(${parts.join(' UNION ')}) AS matched`, params };
}

function inList(column: string, values: readonly string[], params: unknown[]): string {
  params.push(...values);
  return `${column} IN (${values.map(() => '?').join(', ')})`;
}

export function ledgerWhere(filter: LedgerFilter): LedgerSource {
  const clauses: string[] = [];
  const params: unknown[] = [];
  let from = 'transactions t';
  const fromParams: unknown[] = [];
  if (filter.from !== undefined) {
    clauses.push('t.occurred_at >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    clauses.push('t.occurred_at < ?');
    params.push(filter.to);
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
    throw new ValidationError('The start of the date range must be before its end');
  }
  if (filter.kinds !== undefined && filter.kinds.length > 0) clauses.push(inList('t.kind', filter.kinds, params));
  if (filter.statuses !== undefined && filter.statuses.length > 0)
    clauses.push(inList('t.status', filter.statuses, params));
  if (filter.direction !== undefined) {
    clauses.push('t.direction = ?');
    params.push(filter.direction);
  }
  if (filter.minAmountCents !== undefined) {
    clauses.push('t.amount_cents >= ?');
    params.push(filter.minAmountCents);
  }
  if (filter.maxAmountCents !== undefined) {
    clauses.push('t.amount_cents <= ?');
    params.push(filter.maxAmountCents);
  }
  const search = filter.search?.trim() ?? '';
  if (search !== '') {
    // The few rows a search matches drive the query (CROSS JOIN fixes that order): left to
    // itself the planner may walk a whole date range by index and test each row against them.
    const matched = searchClause(search, filter);
    from = `${matched.sql} CROSS JOIN transactions t`;
    fromParams.push(...matched.params);
    clauses.push('t.id = matched.id');
  }
  if (filter.runId !== undefined) {
    const runAttempts =
      'SELECT a.id FROM payroll_items i JOIN payout_attempts a ON a.item_id = i.id WHERE i.run_id = ?';
    if (search !== '') {
      clauses.push(`t.attempt_id IN (${runAttempts})`);
      params.push(filter.runId);
    } else {
      // The run's attempts drive the query, as a search's matches do.
      from = `(${runAttempts.replace('SELECT a.id', 'SELECT a.id AS attempt')}) AS run_attempts CROSS JOIN ${from}`;
      fromParams.push(filter.runId);
      clauses.push('t.attempt_id = run_attempts.attempt');
    }
  }
  if (filter.includeCorrected !== true) {
    // The current view: rows no later row corrects.
    clauses.push('NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)');
  }
  return {
    from,
    where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`,
    params: [...fromParams, ...params],
  };
}

const sortColumn: Record<LedgerSortKey, string> = { time: 't.occurred_at', amount: 't.amount_cents' };

export function ledgerOrderBy(sort: LedgerSort): string {
  const direction = sort.order === 'asc' ? 'ASC' : 'DESC';
  return `ORDER BY ${sortColumn[sort.by]} ${direction}, t.id ${direction}`;
}

function sortValue(row: LedgerTransaction, by: LedgerSortKey): string | number {
  switch (by) {
    case 'time':
      return row.occurredAt;
    case 'amount':
      return row.amountCents;
    default: {
      const unknown: never = by;
      throw new ValidationError(`Cannot sort the ledger by ${String(unknown)}`);
    }
  }
}

/** The newest transaction's id, or null on an empty ledger: what the ledger.changed event announces. */
export function latestTransactionId(db: ProfileDatabase): number | null {
  return (db.prepare('SELECT max(id) AS id FROM transactions').get() as { id: number | null }).id;
}

/** How many transactions were recorded after the one with this id. */
export function countTransactionsAfter(db: ProfileDatabase, id: number): number {
  return (db.prepare('SELECT count(*) AS n FROM transactions WHERE id > ?').get(id) as { n: number }).n;
}

export function ledgerTotals(db: ProfileDatabase, filter: LedgerFilter): LedgerTotals {
  if (answeredByDayTotals(filter)) return dayTotals(db, filter);
  return scannedTotals(db, filter);
}

/** The totals read row by row: any filter, at the cost of a scan of the filtered rows. */
export function scannedTotals(db: ProfileDatabase, filter: LedgerFilter): LedgerTotals {
  const where = ledgerWhere(filter);
  const row = db
    .prepare(
      `SELECT count(*) AS count, coalesce(sum(t.amount_cents), 0) AS amount,
              coalesce(sum(CASE WHEN t.direction = 'in' THEN t.amount_cents END), 0) AS amount_in,
              coalesce(sum(CASE WHEN t.direction = 'out' THEN t.amount_cents END), 0) AS amount_out,
              coalesce(sum(coalesce(cc.charge_cents, t.charge_cents)), 0) AS charges,
              coalesce(sum(CASE WHEN cc.transaction_id IS NULL AND t.charge_basis = 'estimated' THEN t.charge_cents END), 0) AS estimated
         FROM ${where.from} LEFT JOIN confirmed_charges cc ON cc.transaction_id = t.id ${where.where}`,
    )
    .get(...where.params) as TotalsRow;
  return totalsOf(row);
}

interface TotalsRow {
  count: number;
  amount: number;
  amount_in: number;
  amount_out: number;
  charges: number;
  estimated: number;
}

const totalsOf = (row: TotalsRow): LedgerTotals => ({
  count: row.count,
  amountCents: row.amount,
  amountInCents: row.amount_in,
  amountOutCents: row.amount_out,
  chargesCents: row.charges,
  estimatedChargesCents: row.estimated,
});

/** Filters on time, kind, status and direction only: the day totals (migration 004) answer them. */
function answeredByDayTotals(filter: LedgerFilter): boolean {
  return (
    (filter.search?.trim() ?? '') === '' &&
    filter.minAmountCents === undefined &&
    filter.maxAmountCents === undefined &&
    filter.runId === undefined &&
    filter.includeCorrected !== true
  );
}

const dayMs = 86_400_000;
/** Nairobi keeps UTC+3 all year: its days start at 21:00 UTC, as the day totals (migration 005) count them. */
const nairobiOffsetMs = 3 * 3_600_000;
const startOfNairobiDay = (ms: number): number => Math.floor((ms + nairobiOffsetMs) / dayMs) * dayMs - nairobiOffsetMs;
const dayOf = (ms: number): string => new Date(ms + nairobiOffsetMs).toISOString().slice(0, 10);

/**
 * Totals from the per-Nairobi-day table for the whole days inside the range, plus a scan of any
 * partial day at either edge (each less than a day of rows). The screens' ranges are whole Nairobi
 * days, so they have no edges to scan.
 */
function dayTotals(db: ProfileDatabase, filter: LedgerFilter): LedgerTotals {
  const from = filter.from === undefined ? undefined : Date.parse(filter.from);
  const to = filter.to === undefined ? undefined : Date.parse(filter.to);
  if (from !== undefined && to !== undefined && from >= to) ledgerWhere(filter); // refuses the range
  // Whole days: [firstDay, endDay). A range shorter than a whole day is scanned as it is.
  const firstDay =
    from === undefined ? undefined : from === startOfNairobiDay(from) ? from : startOfNairobiDay(from) + dayMs;
  const endDay = to === undefined ? undefined : startOfNairobiDay(to);
  if (
    (from !== undefined && Number.isNaN(from)) ||
    (to !== undefined && Number.isNaN(to)) ||
    (firstDay !== undefined && endDay !== undefined && firstDay >= endDay)
  )
    return scannedTotals(db, filter);

  const clauses: string[] = [];
  const params: unknown[] = [];
  if (firstDay !== undefined) {
    clauses.push('day >= ?');
    params.push(dayOf(firstDay));
  }
  if (endDay !== undefined) {
    clauses.push('day < ?');
    params.push(dayOf(endDay));
  }
  if (filter.kinds !== undefined && filter.kinds.length > 0) clauses.push(inList('kind', filter.kinds, params));
  if (filter.statuses !== undefined && filter.statuses.length > 0)
    clauses.push(inList('status', filter.statuses, params));
  if (filter.direction !== undefined) {
    clauses.push('direction = ?');
    params.push(filter.direction);
  }
  const row = db
    .prepare(
      `SELECT coalesce(sum(count), 0) AS count, coalesce(sum(amount_cents), 0) AS amount,
              coalesce(sum(CASE WHEN direction = 'in' THEN amount_cents END), 0) AS amount_in,
              coalesce(sum(CASE WHEN direction = 'out' THEN amount_cents END), 0) AS amount_out,
              coalesce(sum(charge_cents), 0) AS charges, coalesce(sum(estimated_charge_cents), 0) AS estimated
         FROM ledger_day_totals ${clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`}`,
    )
    .get(...params) as TotalsRow;
  const totals = totalsOf(row);
  const edges: LedgerFilter[] = [];
  if (from !== undefined && firstDay !== undefined && from < firstDay)
    edges.push({ ...filter, from: filter.from, to: new Date(firstDay).toISOString() });
  if (to !== undefined && endDay !== undefined && endDay < to)
    edges.push({ ...filter, from: new Date(endDay).toISOString(), to: filter.to });
  for (const edge of edges) {
    const part = scannedTotals(db, edge);
    totals.count += part.count;
    totals.amountCents += part.amountCents;
    totals.amountInCents += part.amountInCents;
    totals.amountOutCents += part.amountOutCents;
    totals.chargesCents += part.chargesCents;
    totals.estimatedChargesCents += part.estimatedChargesCents;
  }
  return totals;
}

/** One Nairobi day's movements of one kind, direction and status, as the day totals hold them. */
export interface DayTotal {
  day: string;
  status: TransactionStatus;
  count: number;
  amountCents: Cents;
}

/** The day totals from Nairobi day `fromDay` on (YYYY-MM-DD), for one kind and direction: no row is scanned. */
export function totalsPerDay(
  db: ProfileDatabase,
  options: { fromDay: string; kind: TransactionKind; direction: TransactionDirection },
): DayTotal[] {
  return (
    db
      .prepare(
        `SELECT day, status, count, amount_cents FROM ledger_day_totals
          WHERE day >= ? AND kind = ? AND direction = ? AND count > 0 ORDER BY day`,
      )
      .all(options.fromDay, options.kind, options.direction) as Array<{
      day: string;
      status: TransactionStatus;
      count: number;
      amount_cents: number;
    }>
  ).map((row) => ({ day: row.day, status: row.status, count: row.count, amountCents: row.amount_cents }));
}

/** One page of the filtered, sorted ledger with the totals of the whole filtered set. */
export function listTransactions(
  db: ProfileDatabase,
  filter: LedgerFilter = {},
  sort: LedgerSort = defaultLedgerSort,
  page: LedgerPage = { limit: 50 },
): LedgerListing {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 1000)
    throw new ValidationError('A ledger page holds 1 to 1000 rows');
  if (page.after !== undefined && page.offset !== undefined)
    throw new ValidationError('Page by cursor or by offset, not both');
  const where = ledgerWhere(filter);
  const params = [...where.params];
  let sql = where.where;
  if (page.after !== undefined) {
    const comparison = sort.order === 'asc' ? '>' : '<';
    sql += `${sql === '' ? 'WHERE' : ' AND'} (${sortColumn[sort.by]}, t.id) ${comparison} (?, ?)`;
    params.push(page.after.value, page.after.id);
  }
  const rows = (
    db
      .prepare(`SELECT ${transactionColumns} FROM ${where.from} ${sql} ${ledgerOrderBy(sort)} LIMIT ? OFFSET ?`)
      .all(...params, page.limit, page.offset ?? 0) as TransactionRow[]
  ).map(toLedgerTransaction);
  const last = rows.at(-1);
  return {
    rows,
    totals: ledgerTotals(db, filter),
    next: last !== undefined && rows.length === page.limit ? { value: sortValue(last, sort.by), id: last.id } : null,
  };
}
