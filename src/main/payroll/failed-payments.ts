// The failed-payments report: every try at paying a run line that M-Pesa (or Daraja) refused, with
// the reason in plain words and what became of the line afterwards. The ledger holds only money
// that moved, so failures are read here from the payout attempts themselves.
import { TZDate } from '@date-fns/tz';
import { addDays, format } from 'date-fns';
import type { PlainReason } from '../../shared/contract';
import { formatDateTime } from '../../shared/format';
import { foldForSearch } from '../../shared/search-fold';
import { NAIROBI, nairobiDayStart } from '../../shared/time';
import type { ProfileDatabase } from '../db';
import { failureOf } from './run-results';
import type { ItemState } from './status';
import { likePattern, phoneSearchPrefix } from './workers';

/** Which failed tries to list: Nairobi days (both inclusive), one run, and a search. */
export interface FailedPaymentsFilter {
  /** First Nairobi day, "2026-11-01". */
  from?: string | undefined;
  /** Last Nairobi day, inclusive. */
  to?: string | undefined;
  runId?: number | undefined;
  /** Part of a name, a phone number in any Kenyan format, a run title or a payroll reference. */
  search?: string | undefined;
}

/** What became of the line after this try failed. */
export type FailedPaymentOutcome = 'paid' | 'retry_waiting' | 'retry_sending' | 'unpaid' | 'cancelled';

export interface FailedPaymentNext {
  outcome: FailedPaymentOutcome;
  /** The try that paid the line (paid), the try under way (retry_sending), or the line's last try. */
  attemptNumber: number | null;
  /** The receipt of the payment that paid the line, when it was paid. */
  receipt: string | null;
  /** When the line was paid, when it was. */
  paidAt: string | null;
  /** The same in words: "Paid on try 2, receipt TKL3M9Q2XA". */
  words: string;
}

export interface FailedPayment {
  attemptId: number;
  /** When M-Pesa's answer (or the refusal) was recorded: an ISO instant. */
  failedAt: string | null;
  runId: number;
  runTitle: string;
  runPeriod: string | null;
  itemId: number;
  /** The payroll reference the line carried in its file (remarks). */
  reference: string | null;
  name: string;
  /** The number and amount this try sent. */
  phone: string;
  amountCents: number;
  reason: PlainReason;
  /** Which try at the line this was (1 for the first). */
  attemptNumber: number;
  next: FailedPaymentNext;
}

export interface FailedPaymentsTotals {
  /** Failed tries listed, and the money they tried to send. */
  failedTries: number;
  failedCents: number;
  /** Lines among them still unpaid (their final state is failed), each counted once. */
  unpaidLines: number;
  unpaidCents: number;
}

export interface FailedPaymentsPage {
  rows: FailedPayment[];
  total: number;
  totals: FailedPaymentsTotals;
}

/**
 * Mshahara's own bookkeeping closes some tries that never left: a cancelled run's unsent payments
 * and a resend made unnecessary by an earlier try's payment. Nothing failed there.
 */
const neverSent = ['mshahara.cancelled', 'mshahara.paid_already'];

interface Where {
  sql: string;
  params: Record<string, unknown>;
  /** The tries alone, or joined to their lines and runs (a run or a search reads those). */
  from: string;
}

/** The instant (ISO, UTC) the Nairobi day after `day` starts: a range's exclusive end. */
function nairobiDayEnd(day: string): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return nairobiDayStart(format(addDays(new TZDate(year, month - 1, date, NAIROBI), 1), 'yyyy-MM-dd'));
}

const joinSql = `
  JOIN payroll_items i ON i.id = a.item_id
  JOIN payroll_runs r ON r.id = i.run_id`;
// Named, because without statistics SQLite would rather read every failed try through the engine's
// index on state and sort them; this one hands them over in time order and answers the totals alone.
const failedTriesSql = 'FROM payout_attempts a INDEXED BY payout_attempts_failed_time';

// A failed try is read by its state and the time it finished: the partial index of migration 006
// (payout_attempts_failed_time) holds exactly these, in time order.
function whereOf(filter: FailedPaymentsFilter): Where {
  const clauses = [
    `a.state IN ('failed', 'rejected')`,
    // A refund's failed payment is on the Refunds screen: it is asked for again, never retried.
    'a.item_id NOT IN (SELECT item_id FROM refunds)',
    `coalesce(a.result_code, '') NOT IN (${neverSent.map((code) => `'${code}'`).join(', ')})`,
  ];
  const params: Record<string, unknown> = {};
  if (filter.from !== undefined) {
    clauses.push('a.finished_at >= @from');
    params.from = nairobiDayStart(filter.from);
  }
  if (filter.to !== undefined) {
    clauses.push('a.finished_at < @to');
    params.to = nairobiDayEnd(filter.to);
  }
  if (filter.runId !== undefined) {
    clauses.push('i.run_id = @runId');
    params.runId = filter.runId;
  }
  const search = filter.search?.trim() ?? '';
  if (search !== '') {
    // One fold per row over the three texts (a separator no search contains keeps them apart).
    const words = ["fold(i.name || char(31) || r.title || char(31) || coalesce(i.remarks, '')) LIKE @like ESCAPE '\\'"];
    params.like = `%${likePattern(foldForSearch(search))}%`;
    const phone = phoneSearchPrefix(search);
    if (phone !== null) {
      words.push('a.phone GLOB @phone');
      params.phone = `${phone}*`;
    }
    clauses.push(`(${words.join(' OR ')})`);
  }
  const joined = filter.runId !== undefined || search !== '';
  return { sql: clauses.join(' AND '), params, from: joined ? `${failedTriesSql} ${joinSql}` : failedTriesSql };
}

interface FailedSqlRow {
  attempt_id: number;
  finished_at: string | null;
  attempt_number: number;
  phone: string;
  amount_cents: number;
  state: string;
  result_code: string | null;
  result_desc: string | null;
  item_id: number;
  name: string;
  remarks: string | null;
  item_state: ItemState;
  run_id: number;
  title: string;
  period: string | null;
  next_number: number | null;
  next_state: string | null;
  next_receipt: string | null;
  next_finished_at: string | null;
  last_number: number;
}

// The page's tries are chosen first, so the per-row lookups run for those rows only. The line's
// live or paid try is at most one (the index payout_attempts_one_live_per_item).
const selectSql = `
  SELECT a.id AS attempt_id, a.finished_at, a.attempt_number, a.phone, a.amount_cents, a.state, a.result_code, a.result_desc,
         i.id AS item_id, i.name, i.remarks, i.state AS item_state, r.id AS run_id, r.title, r.period,
         n.attempt_number AS next_number, n.state AS next_state, n.receipt AS next_receipt, n.finished_at AS next_finished_at,
         (SELECT max(attempt_number) FROM payout_attempts WHERE item_id = i.id) AS last_number
  FROM payout_attempts a ${joinSql}
  LEFT JOIN payout_attempts n ON n.item_id = a.item_id AND n.state NOT IN ('failed', 'rejected')
  WHERE a.id IN (SELECT a.id`;

interface LedgerPayment {
  receipt: string;
  attemptNumber: number;
  occurredAt: string;
}

/**
 * A line paid on evidence that came after a recorded failure has no paid try: its payment is the
 * ledger's row for one of its tries. Rare, so asked only for such a line.
 */
function ledgerPaymentOf(db: ProfileDatabase): (itemId: number) => LedgerPayment | null {
  const statement = db.prepare(
    `SELECT t.receipt, x.attempt_number AS attemptNumber, t.occurred_at AS occurredAt
       FROM payout_attempts x JOIN transactions t ON t.attempt_id = x.id
      WHERE x.item_id = ? AND t.kind = 'b2c_payment' AND t.status = 'completed' AND t.corrects_id IS NULL
      ORDER BY t.id DESC LIMIT 1`,
  );
  return (itemId) => (statement.get(itemId) as LedgerPayment | undefined) ?? null;
}

function nextOf(row: FailedSqlRow, ledgerPayment: (itemId: number) => LedgerPayment | null): FailedPaymentNext {
  switch (row.item_state) {
    case 'paid': {
      const paidByTry = row.next_state === 'succeeded';
      const inLedger = paidByTry ? null : ledgerPayment(row.item_id);
      const attemptNumber = paidByTry ? row.next_number : (inLedger?.attemptNumber ?? null);
      const receipt = paidByTry ? row.next_receipt : (inLedger?.receipt ?? null);
      const paidAt = paidByTry ? row.next_finished_at : (inLedger?.occurredAt ?? null);
      const onTry =
        attemptNumber === null
          ? 'Paid later'
          : attemptNumber === row.attempt_number
            ? 'Paid after all on this try'
            : `Paid on try ${attemptNumber}`;
      return {
        outcome: 'paid',
        attemptNumber,
        receipt,
        paidAt,
        words: `${onTry}${receipt === null ? '' : `, receipt ${receipt}`}${paidAt === null ? '' : ` (${formatDateTime(paidAt)})`}`,
      };
    }
    case 'draft':
    case 'queued':
      return {
        outcome: 'retry_waiting',
        attemptNumber: row.last_number,
        receipt: null,
        paidAt: null,
        words: 'Retry approved, waiting to be sent',
      };
    case 'paying':
      return {
        outcome: 'retry_sending',
        attemptNumber: row.next_number ?? row.last_number,
        receipt: null,
        paidAt: null,
        words: `Try ${row.next_number ?? row.last_number} is with M-Pesa`,
      };
    case 'failed':
      return {
        outcome: 'unpaid',
        attemptNumber: row.last_number,
        receipt: null,
        paidAt: null,
        words:
          row.last_number > row.attempt_number
            ? `Still unpaid: try ${row.last_number} failed too`
            : 'Still unpaid: not tried again yet',
      };
    case 'cancelled':
      return {
        outcome: 'cancelled',
        attemptNumber: row.last_number,
        receipt: null,
        paidAt: null,
        words: 'Cancelled: will not be paid from this run',
      };
    default: {
      const unknown: never = row.item_state;
      throw new Error(`Unknown line state ${String(unknown)}`);
    }
  }
}

function failedPaymentOf(row: FailedSqlRow, ledgerPayment: (itemId: number) => LedgerPayment | null): FailedPayment {
  return {
    attemptId: row.attempt_id,
    failedAt: row.finished_at,
    runId: row.run_id,
    runTitle: row.title,
    runPeriod: row.period,
    itemId: row.item_id,
    reference: row.remarks,
    name: row.name,
    phone: row.phone,
    amountCents: row.amount_cents,
    reason: failureOf({
      attempt_state: row.state,
      result_code: row.result_code,
      result_desc: row.result_desc,
      needs_attention: 0,
    }),
    attemptNumber: row.attempt_number,
    next: nextOf(row, ledgerPayment),
  };
}

const order = 'ORDER BY a.finished_at DESC, a.id DESC';

/** The failed tries of the whole filtered set: how many, how much, and how much is still unpaid. */
export function failedPaymentsTotals(db: ProfileDatabase, filter: FailedPaymentsFilter): FailedPaymentsTotals {
  const where = whereOf(filter);
  // The filtered tries are read once (a search folds every name it looks at) and summed twice.
  const totals = db
    .prepare(
      `WITH failed AS MATERIALIZED (SELECT a.item_id, a.amount_cents ${where.from} WHERE ${where.sql})
       SELECT (SELECT count(*) FROM failed) AS tries, (SELECT coalesce(sum(amount_cents), 0) FROM failed) AS tries_cents,
              count(*) AS lines, coalesce(sum(line.amount_cents), 0) AS lines_cents
         FROM payroll_items line
        WHERE line.state = 'failed' AND line.id IN (SELECT item_id FROM failed)`,
    )
    .get(where.params) as { tries: number; tries_cents: number; lines: number; lines_cents: number };
  return {
    failedTries: totals.tries,
    failedCents: totals.tries_cents,
    unpaidLines: totals.lines,
    unpaidCents: totals.lines_cents,
  };
}

/** One page of failed tries, newest first, with the totals of the whole filtered set. */
export function failedPayments(
  db: ProfileDatabase,
  filter: FailedPaymentsFilter,
  page: { limit: number; offset: number },
): FailedPaymentsPage {
  const where = whereOf(filter);
  const rows = db
    .prepare(`${selectSql} ${where.from} WHERE ${where.sql} ${order} LIMIT @limit OFFSET @offset) ${order}`)
    .all({ ...where.params, limit: page.limit, offset: page.offset }) as FailedSqlRow[];
  const totals = failedPaymentsTotals(db, filter);
  const ledgerPayment = ledgerPaymentOf(db);
  return { rows: rows.map((row) => failedPaymentOf(row, ledgerPayment)), total: totals.failedTries, totals };
}

/** Every failed try of the filtered set, newest first, read one row at a time (for exports). */
export function* iterateFailedPayments(db: ProfileDatabase, filter: FailedPaymentsFilter): Generator<FailedPayment> {
  const where = whereOf(filter);
  const statement = db.prepare(`${selectSql} ${where.from} WHERE ${where.sql}) ${order}`);
  const ledgerPayment = ledgerPaymentOf(db);
  for (const row of statement.iterate(where.params) as IterableIterator<FailedSqlRow>)
    yield failedPaymentOf(row, ledgerPayment);
}
