// Payroll runs as the screens and the CLI read them: a run with its counts and money per outcome,
// one result row per worker (receipt, registered name, failure in plain words) from its latest
// attempt, every attempt per item, and the failures "retry failed" would send again.
import type { PlainReason, RunResultRow, RunView } from '../../shared/contract';
import { foldForSearch } from '../../shared/search-fold';
import { actionLabels, describeResultCode, describeSyncError } from '../../shared/daraja/codes';
import type { ProfileDatabase } from '../db';
import { estimateRunCharges, type RunChargeEstimate } from './charges';
import { runSummary } from './run-summary';
import type { ItemState } from './status';

export function runView(db: ProfileDatabase, runId: number): RunView {
  const summary = runSummary(db, runId);
  const { run } = summary;
  return {
    id: run.id,
    title: run.title,
    period: run.period,
    state: run.state,
    displayStatus: summary.displayStatus,
    commandId: run.commandId,
    source: run.source,
    sourceFileName: run.sourceFileName,
    createdAt: run.createdAt,
    approvedAt: run.approvedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    cancelledAt: run.cancelledAt,
    counts: { ...summary.counts },
    totals: { ...summary.totals },
  };
}

export type ResultFilter = 'all' | 'paid' | 'failed' | 'pending' | 'needs_attention' | 'name_mismatch';

const filterSql: Record<ResultFilter, string> = {
  all: '1',
  paid: "i.state = 'paid'",
  failed: "i.state = 'failed'",
  pending: "i.state IN ('draft', 'queued', 'paying')",
  needs_attention:
    "((a.needs_attention = 1 AND a.state IN ('created', 'sending', 'accepted', 'unknown')) OR EXISTS (SELECT 1 FROM payout_findings f WHERE f.item_id = i.id AND f.cleared_at IS NULL))",
  name_mismatch: "i.name_check = 'mismatch'",
};

interface ResultSqlRow {
  id: number;
  line_number: number | null;
  worker_id: number | null;
  name: string;
  phone: string;
  amount_cents: number;
  remarks: string | null;
  state: ItemState;
  registered_name: string | null;
  name_check: string | null;
  attempts: number;
  attempt_state: string | null;
  receipt: string | null;
  result_code: string | null;
  result_desc: string | null;
  needs_attention: number | null;
  finished_at: string | null;
  open_findings: number;
}

// The latest attempt per item carries the outcome; earlier ones failed (a retry) and only count.
const resultsFrom = `
  FROM payroll_items i
  LEFT JOIN payout_attempts a ON a.id = (SELECT max(id) FROM payout_attempts WHERE item_id = i.id)
  WHERE i.run_id = @runId`;

function searchSql(search: string | undefined): string {
  return search === undefined || search.trim() === ''
    ? ''
    : ` AND (fold(i.name) LIKE @like ESCAPE '\\' OR i.phone LIKE @like ESCAPE '\\' OR a.receipt LIKE @like ESCAPE '\\')`;
}

function likeOf(search: string | undefined): string {
  return `%${foldForSearch(search ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function runResults(
  db: ProfileDatabase,
  runId: number,
  options: { show: ResultFilter; search?: string | undefined; limit: number; offset: number },
): { items: RunResultRow[]; total: number } {
  const where = `${resultsFrom} AND ${filterSql[options.show]}${searchSql(options.search)}`;
  const params = { runId, like: likeOf(options.search), limit: options.limit, offset: options.offset };
  const total = (db.prepare(`SELECT count(*) AS n ${where}`).get(params) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT i.id, i.line_number, i.worker_id, i.name, i.phone, i.amount_cents, i.remarks, i.state, i.registered_name, i.name_check,
              (SELECT count(*) FROM payout_attempts WHERE item_id = i.id) AS attempts,
              a.state AS attempt_state,
              -- The money that moved for the line: the latest attempt's receipt, or (paid after a recorded failure) the ledger's.
              coalesce(a.receipt, (SELECT t.receipt FROM transactions t JOIN payout_attempts x ON x.id = t.attempt_id
                                    WHERE x.item_id = i.id AND t.kind IN ('b2c_payment', 'refund') AND t.corrects_id IS NULL ORDER BY t.id DESC LIMIT 1)) AS receipt,
              a.result_code, a.result_desc, a.needs_attention, a.finished_at,
              (SELECT count(*) FROM payout_findings f WHERE f.item_id = i.id AND f.cleared_at IS NULL) AS open_findings
       ${where} ORDER BY coalesce(i.line_number, i.id), i.id LIMIT @limit OFFSET @offset`,
    )
    .all(params) as ResultSqlRow[];
  return { items: rows.map(resultRow), total };
}

function resultRow(row: ResultSqlRow): RunResultRow {
  return {
    itemId: row.id,
    lineNumber: row.line_number,
    workerId: row.worker_id,
    name: row.name,
    phone: row.phone,
    amountCents: row.amount_cents,
    remarks: row.remarks,
    state: row.state,
    receipt: row.receipt,
    registeredName: row.registered_name,
    nameMismatch: row.name_check === 'mismatch',
    paidAt: row.state === 'paid' ? row.finished_at : null,
    failure: row.state === 'paid' ? null : row.state === 'failed' || row.needs_attention === 1 ? failureOf(row) : null,
    attempts: row.attempts,
    needsAttention:
      (row.needs_attention === 1 &&
        row.attempt_state !== 'failed' &&
        row.attempt_state !== 'succeeded' &&
        row.attempt_state !== 'rejected') ||
      row.open_findings > 0,
  };
}

/** The failure in the officer's words: result codes from the callback, sync codes from a refused request. */
export function failureOf(
  row: Pick<ResultSqlRow, 'attempt_state' | 'result_code' | 'result_desc' | 'needs_attention'>,
): PlainReason {
  if (row.needs_attention === 1 && row.attempt_state !== 'failed' && row.attempt_state !== 'rejected') {
    return {
      code: row.result_code,
      message:
        'M-Pesa has not said whether this payment went through, even after repeated status checks. Mshahara will not send it again on a guess.',
      action: "Look the payment up on the M-Pesa statement, then record it from the run's needs-attention list.",
    };
  }
  if (row.result_code === null)
    return { code: null, message: row.result_desc ?? 'The payment was not made.', action: null };
  // Recorded by Mshahara itself (a person's resolution, a cancelled run): its own words say why.
  if (row.result_code.startsWith('mshahara.') && row.attempt_state !== 'rejected')
    return { code: row.result_code, message: row.result_desc ?? 'Recorded by a person.', action: null };
  const entry =
    row.attempt_state === 'rejected'
      ? describeSyncError(row.result_code, row.result_desc ?? '')
      : describeResultCode(row.result_code);
  return { code: row.result_code, message: entry.explanation, action: actionLabels[entry.action] };
}

/**
 * The payments "retry failed" would send again: failed items whose every attempt failed
 * definitively. One still waiting for a person is not among them (it may have been paid). The
 * screen's Retry failed and `runs retry` both show this list before a retry is asked for and approved.
 */
export function retryableFailures(db: ProfileDatabase, runId: number): RunResultRow[] {
  const { items } = runResults(db, runId, { show: 'failed', limit: 1_000_000, offset: 0 });
  const blocked = new Set(
    (
      db
        .prepare(
          `SELECT DISTINCT a.item_id AS id FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id
           WHERE i.run_id = ? AND i.state = 'failed' AND (a.state NOT IN ('failed', 'rejected') OR a.needs_attention = 1)`,
        )
        .all(runId) as Array<{ id: number }>
    ).map((row) => row.id),
  );
  return items.filter((item) => !blocked.has(item.itemId));
}

/** What "retry failed" would send, with the money and the estimated charges: the screen and `runs retry` show it. */
export function retryPlan(db: ProfileDatabase, runId: number): RunChargeEstimate & { items: RunResultRow[] } {
  runSummary(db, runId); // a missing run is a not-found error, not an empty list
  const items = retryableFailures(db, runId);
  return { ...estimateRunCharges(items), items };
}

export interface AttemptView {
  attemptNumber: number;
  originatorConversationId: string;
  state: string;
  receipt: string | null;
  resultCode: string | null;
  resultDesc: string | null;
}

/** Every attempt of every item of the run, in order, by item id. */
export function attemptsByItem(db: ProfileDatabase, runId: number): Map<number, AttemptView[]> {
  const rows = db
    .prepare(
      `SELECT a.item_id, a.attempt_number, a.originator_conversation_id, a.state, a.receipt, a.result_code, a.result_desc
         FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id
        WHERE i.run_id = ? ORDER BY a.item_id, a.attempt_number`,
    )
    .all(runId) as Array<{
    item_id: number;
    attempt_number: number;
    originator_conversation_id: string;
    state: string;
    receipt: string | null;
    result_code: string | null;
    result_desc: string | null;
  }>;
  const byItem = new Map<number, AttemptView[]>();
  for (const row of rows) {
    const list = byItem.get(row.item_id) ?? [];
    list.push({
      attemptNumber: row.attempt_number,
      originatorConversationId: row.originator_conversation_id,
      state: row.state,
      receipt: row.receipt,
      resultCode: row.result_code,
      resultDesc: row.result_desc,
    });
    byItem.set(row.item_id, list);
  }
  return byItem;
}

/** How many attempts the run's items have had: a retry that ends the run again adds to it. */
export function attemptsInRun(db: ProfileDatabase, runId: number): number {
  return (
    db
      .prepare(
        'SELECT count(*) AS n FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id WHERE i.run_id = ?',
      )
      .get(runId) as { n: number }
  ).n;
}
