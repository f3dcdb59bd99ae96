// Where a payroll run stands: counts of items per state, how many wait for a person, and the
// display status rolled up from them (src/main/payroll/status.ts). Read straight from SQLite.
import type { ProfileDatabase } from '../../db';
import { NotFoundError } from '../../../shared/errors';
import {
  emptyItemCounts,
  itemStates,
  runDisplayStatus,
  type ItemCounts,
  type ItemState,
  type RunDisplayStatus,
  type RunState,
} from '../status';

export interface RunProgress {
  runId: number;
  state: RunState;
  status: RunDisplayStatus;
  counts: ItemCounts;
  total: number;
  /** Items whose payment nobody can settle without a person (never re-sent on a guess). */
  needsAttention: number;
  /** Of those, items still `paying` (their outcome is unknown). */
  payingNeedsAttention: number;
  /** Open findings: money that moved against the record (a double payment, paid after a failure). */
  findings: number;
  /** Why the engine holds new payments back (no answers arriving), or null. */
  held: string | null;
  paidCents: number;
  /** Requests per second over the last few seconds (engine events only; 0 in a snapshot). */
  sentPerSecond: number;
  /** Seconds until every item is sent at the current rate; null when unknown or nothing is left. */
  etaSeconds: number | null;
}

export function runProgress(db: ProfileDatabase, runId: number): RunProgress {
  const run = db.prepare('SELECT state FROM payroll_runs WHERE id = ?').get(runId) as { state: RunState } | undefined;
  if (!run) throw new NotFoundError(`Payroll run ${runId} does not exist`);
  const counts = emptyItemCounts();
  let total = 0;
  let paidCents = 0;
  const rows = db
    .prepare(
      'SELECT state, COUNT(*) AS n, SUM(amount_cents) AS cents FROM payroll_items WHERE run_id = ? GROUP BY state',
    )
    .all(runId) as Array<{ state: ItemState; n: number; cents: number }>;
  for (const row of rows) {
    if (itemStates.includes(row.state)) counts[row.state] = row.n;
    total += row.n;
    if (row.state === 'paid') paidCents = row.cents;
  }
  const attention = db
    .prepare(
      `SELECT COUNT(DISTINCT a.item_id) AS n, COUNT(DISTINCT CASE WHEN i.state = 'paying' THEN a.item_id END) AS paying
       FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id
       WHERE i.run_id = ? AND a.needs_attention = 1 AND i.state <> 'paid'`,
    )
    .get(runId) as { n: number; paying: number };
  const findings = db
    .prepare(
      'SELECT COUNT(*) AS n FROM payout_findings f JOIN payroll_items i ON i.id = f.item_id WHERE i.run_id = ? AND f.cleared_at IS NULL',
    )
    .get(runId) as { n: number };
  return {
    runId,
    state: run.state,
    status: runDisplayStatus(counts, run.state),
    counts,
    total,
    needsAttention: attention.n,
    payingNeedsAttention: attention.paying,
    findings: findings.n,
    held: null,
    paidCents,
    sentPerSecond: 0,
    etaSeconds: null,
  };
}

/** Every item is paid, failed or cancelled, or waits for a person: the engine can do no more. */
export function runIsSettled(progress: RunProgress): boolean {
  switch (progress.state) {
    case 'draft':
    case 'approved':
    case 'paused':
      return false;
    case 'running':
    case 'completed':
    case 'cancelled': {
      const open = progress.counts.draft + progress.counts.queued + progress.counts.paying;
      return open - progress.payingNeedsAttention <= 0;
    }
    default: {
      const never: never = progress.state;
      throw new Error(`unknown run state ${String(never)}`);
    }
  }
}
