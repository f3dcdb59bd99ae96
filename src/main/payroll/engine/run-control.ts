// Run control in SQLite: start, pause, resume, cancel, approve a retry, and close a finished run.
// Each is one transaction with its audit row. The stored state says where a run is in its life;
// the display status is rolled up from the items (progress.ts).
//
// Starting and resuming send new payments, so both ask requireApprovedForSending first: a run
// edited after approval, or short of the approvals its policy and total need, is refused whichever
// door asks. A run made before approvals existed has no maker and no approvals: an `approved` or
// `paused` one is refused with words saying to prepare it again. A `running` run is never stopped
// here: crash recovery and the engine's loop finish what is already on the wire.
import { requireApprovedForSending } from '../approvals';
import type { ProfileDatabase } from '../../db';
import { appendAudit } from '../../ledger/audit';
import { ConflictError, NotFoundError } from '../../../shared/errors';
import type { RunState } from '../status';
import { itemTransitions, runTransitions, stateGuard } from '../transitions';
import { attemptGuard } from './attempts';

function runState(db: ProfileDatabase, runId: number): RunState {
  const row = db.prepare('SELECT state FROM payroll_runs WHERE id = ?').get(runId) as { state: RunState } | undefined;
  if (!row) throw new NotFoundError(`Payroll run ${runId} does not exist`);
  return row.state;
}

function audit(
  db: ProfileDatabase,
  actor: string,
  action: string,
  runId: number,
  details: Record<string, unknown> = {},
): void {
  appendAudit(db, { actor, action: `payroll_run.${action}`, entity: 'payroll_run', entityId: runId, details });
}

/** Throws unless the run is approved and still holds the approvals it needs to be sent. */
export function requireStartable(db: ProfileDatabase, runId: number): void {
  const state = runState(db, runId);
  if (state !== 'approved') throw new ConflictError(`Only an approved run can be started; run ${runId} is ${state}`);
  requireApprovedForSending(db, runId);
}

/** approved → running; its draft items are queued for sending. */
export function beginRun(db: ProfileDatabase, runId: number, actor: string, nowIso: string): number {
  return db
    .transaction(() => {
      requireStartable(db, runId);
      db.prepare(
        `UPDATE payroll_runs SET state = 'running', started_at = ? WHERE id = ? AND ${stateGuard(runTransitions, 'running', ['approved'])}`,
      ).run(nowIso, runId);
      const queued = db
        .prepare(
          `UPDATE payroll_items SET state = 'queued', updated_at = ? WHERE run_id = ? AND ${stateGuard(itemTransitions, 'queued', ['draft'])}`,
        )
        .run(nowIso, runId).changes;
      audit(db, actor, 'started', runId, { queued });
      return queued;
    })
    .immediate();
}

/** No new payments are sent; those already sent finish and settle. */
export function pauseRun(db: ProfileDatabase, runId: number, actor: string): void {
  db.transaction(() => {
    const state = runState(db, runId);
    if (state !== 'running') throw new ConflictError(`Only a running run can be paused; run ${runId} is ${state}`);
    db.prepare(`UPDATE payroll_runs SET state = 'paused' WHERE id = ? AND ${stateGuard(runTransitions, 'paused')}`).run(
      runId,
    );
    audit(db, actor, 'paused', runId);
  }).immediate();
}

export function resumeRun(db: ProfileDatabase, runId: number, actor: string): void {
  db.transaction(() => {
    const state = runState(db, runId);
    if (state !== 'paused') throw new ConflictError(`Only a paused run can be resumed; run ${runId} is ${state}`);
    requireApprovedForSending(db, runId);
    db.prepare(
      `UPDATE payroll_runs SET state = 'running' WHERE id = ? AND ${stateGuard(runTransitions, 'running', ['paused'])}`,
    ).run(runId);
    audit(db, actor, 'resumed', runId);
  }).immediate();
}

/**
 * Stops new payments: queued items are cancelled, and attempts not yet sent (state created: never
 * sent, or turned away unprocessed) are closed. Money already sent cannot be recalled; those
 * attempts settle as usual.
 */
export function cancelRun(
  db: ProfileDatabase,
  runId: number,
  actor: string,
  nowIso: string,
): { cancelledItems: number } {
  return db
    .transaction(() => {
      const state = runState(db, runId);
      if (state === 'completed' || state === 'cancelled')
        throw new ConflictError(`Run ${runId} is ${state} and cannot be cancelled`);
      const unsent = closeUnsentAttempts(db, runId, nowIso);
      const cancelled = db
        .prepare(
          `UPDATE payroll_items SET state = 'cancelled', updated_at = ? WHERE run_id = ? AND ${stateGuard(itemTransitions, 'cancelled', ['draft', 'queued'])}`,
        )
        .run(nowIso, runId).changes;
      db.prepare(
        `UPDATE payroll_runs SET state = 'cancelled', cancelled_at = ? WHERE id = ? AND ${stateGuard(runTransitions, 'cancelled')}`,
      ).run(nowIso, runId);
      audit(db, actor, 'cancelled', runId, { cancelledItems: cancelled + unsent, previousState: state });
      return { cancelledItems: cancelled + unsent };
    })
    .immediate();
}

/**
 * Closes the attempts of a cancelled run that M-Pesa cannot have processed: waiting to be sent
 * again after Daraja turned the first request away unprocessed (never acknowledged, never re-sent
 * after a "not found"); their items are cancelled. An attempt waiting after "not found" or after
 * Daraja acknowledged it may still be processed (M-Pesa may lag): it goes on the work list and
 * keeps being asked about, never closed as if nothing had left.
 */
export function closeUnsentAttempts(db: ProfileDatabase, runId: number, nowIso: string): number {
  return db
    .transaction(() => {
      const waiting = db
        .prepare(
          `SELECT a.id, a.item_id, a.acknowledged, a.resends FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id WHERE i.run_id = ? AND a.state = 'created'`,
        )
        .all(runId) as Array<{ id: number; item_id: number; acknowledged: number; resends: number }>;
      const unsent = waiting.filter((a) => a.acknowledged === 0 && a.resends === 0);
      for (const attempt of waiting.filter((a) => a.acknowledged === 1 || a.resends > 0)) {
        const reason =
          'Run cancelled while this payment waited to be sent again; M-Pesa may still have the first request';
        db.prepare(
          `UPDATE payout_attempts SET state = 'unknown', unknown_reason = ?, needs_attention = 1, attention_reason = ?, updated_at = ? WHERE id = ? AND ${attemptGuard('unknown', ['created'])}`,
        ).run(reason, reason, nowIso, attempt.id);
        appendAudit(db, {
          actor: 'system',
          action: 'payout_attempt.needs_attention',
          entity: 'payout_attempt',
          entityId: attempt.id,
          details: { reason },
        });
      }
      for (const attempt of unsent) {
        db.prepare(
          `UPDATE payout_attempts SET state = 'rejected', result_code = 'mshahara.cancelled', result_desc = 'Run cancelled before this payment was sent', finished_at = ?, updated_at = ? WHERE id = ? AND ${attemptGuard('rejected', ['created'])}`,
        ).run(nowIso, nowIso, attempt.id);
        db.prepare(
          `UPDATE payroll_items SET state = 'cancelled', updated_at = ? WHERE id = ? AND ${stateGuard(itemTransitions, 'cancelled', ['paying'])}`,
        ).run(nowIso, attempt.item_id);
        appendAudit(db, {
          actor: 'system',
          action: 'payout_attempt.rejected',
          entity: 'payout_attempt',
          entityId: attempt.id,
          details: { reason: 'run cancelled before it was sent' },
        });
      }
      return unsent.length;
    })
    .immediate();
}

/**
 * "Retry failed", approved by `actor`: items whose every attempt definitively failed (and none is
 * held for a person) are queued again; the engine then sends each a NEW attempt with a new ID.
 * The queueing step only: every door reaches it through approveRequestedRetry (retry-requests.ts),
 * once an approver other than the officer who asked approves, never for one person alone.
 */
export function approveRetry(db: ProfileDatabase, runId: number, actor: string, nowIso: string): number {
  return db
    .transaction(() => {
      const state = runState(db, runId);
      if (state === 'cancelled' || state === 'draft' || state === 'approved')
        throw new ConflictError(`Run ${runId} is ${state}; only a started run's failed payments can be retried`);
      const queued = db
        .prepare(
          `UPDATE payroll_items SET state = 'queued', updated_at = ?
           WHERE run_id = ? AND ${stateGuard(itemTransitions, 'queued', ['failed'])}
             AND NOT EXISTS (SELECT 1 FROM payout_attempts a WHERE a.item_id = payroll_items.id
                             AND (a.state NOT IN ('failed', 'rejected') OR a.needs_attention = 1
                                  OR (a.state = 'rejected' AND (a.resends > 0 OR a.acknowledged = 1))))`,
        )
        .run(nowIso, runId).changes;
      if (queued > 0 && state === 'completed')
        db.prepare(
          `UPDATE payroll_runs SET state = 'running', finished_at = NULL WHERE id = ? AND ${stateGuard(runTransitions, 'running', ['completed'])}`,
        ).run(runId);
      audit(db, actor, 'retry_approved', runId, { queued });
      return queued;
    })
    .immediate();
}

/** running → completed once no item is draft, queued or paying. Returns true when it closed the run. */
export function completeIfDone(db: ProfileDatabase, runId: number, nowIso: string): boolean {
  return db
    .transaction(() => {
      const open = db
        .prepare(`SELECT COUNT(*) AS n FROM payroll_items WHERE run_id = ? AND state IN ('draft', 'queued', 'paying')`)
        .get(runId) as { n: number };
      if (open.n > 0) return false;
      const changed = db
        .prepare(
          `UPDATE payroll_runs SET state = 'completed', finished_at = ? WHERE id = ? AND ${stateGuard(runTransitions, 'completed', ['running'])}`,
        )
        .run(nowIso, runId).changes;
      if (changed === 1) audit(db, 'system', 'completed', runId);
      return changed === 1;
    })
    .immediate();
}
