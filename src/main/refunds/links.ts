// Where refunds meet the payout engine and the payroll screens. A refund is paid as the one line
// of its own payroll run; these answer, for the engine and the payroll code, whether a run or a
// line belongs to a refund, without either reading the refunds table's rules.
import { ConflictError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import type { TransactionKind } from '../ledger/transactions';

/** SQL: true when the run (`column`, e.g. `r.id`) is not a refund's. For the payroll lists and counts. */
export function notRefundRun(column: string): string {
  return `${column} NOT IN (SELECT run_id FROM refunds)`;
}

export function isRefundRun(db: ProfileDatabase, runId: number): boolean {
  return db.prepare('SELECT 1 FROM refunds WHERE run_id = ?').get(runId) !== undefined;
}

/** The kind of ledger row the money paid for a line is: a refund's line records a refund. */
export function ledgerKindForItem(db: ProfileDatabase, itemId: number): TransactionKind {
  return db.prepare('SELECT 1 FROM refunds WHERE item_id = ?').get(itemId) === undefined ? 'b2c_payment' : 'refund';
}

/**
 * Refuses a payroll action on a refund's run: what it pays and to whom was checked against the
 * receipt when the refund was asked for, and only the refunds door checks it again, keeps the
 * asker from approving, and sends a refund failed on a person's word again with a second person.
 */
export function refuseRefundRun(db: ProfileDatabase, runId: number, doing: string): void {
  const refund = db.prepare('SELECT id FROM refunds WHERE run_id = ?').get(runId) as { id: number } | undefined;
  if (refund !== undefined)
    throw new ConflictError(
      `Payroll run #${runId} pays refund #${refund.id}; a refund cannot be ${doing} as a payroll run. An approver approves, sends again or declines it under Refunds ("refunds approve|decline ${refund.id}").`,
      { code: 'refund_run' },
    );
}
