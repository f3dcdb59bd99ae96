// What the run screen and `runs show` read at the top of a run: counts per state, money per
// outcome, the charges (the tariff's estimate for the whole run, and what the ledger knows of the
// paid lines), duplicate-payment warnings and names M-Pesa registered differently.
import type { Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { estimateCharge } from './charges';
import { findDuplicatePayments, type DuplicatePaymentWarning } from './duplicates';
import { getRun, type PayrollRun } from './runs';
import { emptyItemCounts, runDisplayStatus, type ItemCounts, type ItemState, type RunDisplayStatus } from './status';

export interface RunSummary {
  run: PayrollRun;
  displayStatus: RunDisplayStatus;
  counts: ItemCounts;
  totals: {
    count: number;
    amountCents: Cents;
    paidCents: Cents;
    failedCents: Cents;
    pendingCents: Cents;
    cancelledCents: Cents;
  };
  /**
   * estimatedCents: the tariff's charge for every line paid or still to pay (what the run will cost).
   * recordedCents: the charges on the paid lines as the ledger knows them best, of which
   * confirmedCents M-Pesa named (its answer or the statement's charge row) and stillEstimatedCents
   * are the tariff's figure until the statement is imported.
   */
  charges: { estimatedCents: Cents; recordedCents: Cents; confirmedCents: Cents; stillEstimatedCents: Cents };
  warnings: DuplicatePaymentWarning[];
  /** Paid items whose registered M-Pesa name does not match the worker's name. */
  nameMismatches: number;
}

/** Everything the run screen shows at the top: counts per state, money per outcome, charges, warnings. */
export function runSummary(db: ProfileDatabase, runId: number): RunSummary {
  const run = getRun(db, runId);
  const counts = emptyItemCounts();
  const cents = emptyItemCounts();
  let estimatedCents = 0;
  for (const item of db
    .prepare('SELECT state, amount_cents FROM payroll_items WHERE run_id = ?')
    .iterate(runId) as IterableIterator<{ state: ItemState; amount_cents: number }>) {
    counts[item.state] += 1;
    cents[item.state] += item.amount_cents;
    if (item.state !== 'cancelled' && item.state !== 'failed') estimatedCents += estimateCharge(item.amount_cents);
  }
  const recorded = db
    .prepare(
      `SELECT coalesce(sum(coalesce(cc.charge_cents, t.charge_cents)), 0) AS charges,
              coalesce(sum(CASE WHEN cc.transaction_id IS NULL AND t.charge_basis = 'estimated' THEN t.charge_cents END), 0) AS estimated
         FROM transactions t
         JOIN payout_attempts a ON a.id = t.attempt_id JOIN payroll_items i ON i.id = a.item_id
         LEFT JOIN confirmed_charges cc ON cc.transaction_id = t.id
        WHERE i.run_id = ? AND t.status = 'completed' AND NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)`,
    )
    .get(runId) as { charges: number; estimated: number };
  const mismatches = db
    .prepare("SELECT count(*) AS n FROM payroll_items WHERE run_id = ? AND name_check = 'mismatch'")
    .get(runId) as { n: number };
  const count = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    run,
    displayStatus: runDisplayStatus(counts, run.state),
    counts,
    totals: {
      count,
      amountCents: Object.values(cents).reduce((a, b) => a + b, 0),
      paidCents: cents.paid,
      failedCents: cents.failed,
      pendingCents: cents.draft + cents.queued + cents.paying,
      cancelledCents: cents.cancelled,
    },
    charges: {
      estimatedCents,
      recordedCents: recorded.charges,
      confirmedCents: recorded.charges - recorded.estimated,
      stillEstimatedCents: recorded.estimated,
    },
    warnings: findDuplicatePayments(db, runId),
    nameMismatches: mismatches.n,
  };
}
