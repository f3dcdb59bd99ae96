// Approving a payroll run: the approver's approval is recorded (approvals.ts) once they have
// acknowledged, one by one, every possible double payment the run shows now; once the run holds
// every approval its policy needs it moves on (draft → approved). 31 warnings take 31
// acknowledgements: a warning the approver did not tick is a refusal that names it.
import { ConflictError, ValidationError } from '../../shared/errors';
import { formatCount } from '../../shared/format';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { checkRunWithinLimits } from './amount-limits';
import { approvalState, recordApproval, type ApprovalState } from './approvals';
import { findDuplicatePayments } from './duplicates';
import { getRun, type PayrollRun, type RunApprover } from './runs';
import { itemTransitions, runTransitions, stateGuard } from './transitions';
import { refuseUnapprovedPhoneChanges } from './phone-changes';

/** A run after an approval was recorded: approved outright, or still waiting for more. */
export interface ApprovalOutcome {
  run: PayrollRun;
  approvals: ApprovalState;
}

/** How many unacknowledged warnings a refusal names before it says "and N more". */
const warningsNamed = 3;

/**
 * Records `approver`'s approval of a draft (recordApproval: never its maker, unless one person
 * suffices; never twice by the same person), refused while any duplicate-payment warning of the
 * run as it is now is missing from `acknowledged` (warning keys, duplicates.ts). Once the run holds
 * every approval it needs, it moves on in the same transaction (draft → approved, items → queued).
 * Nothing is sent here; the engine sends approved runs when started. The amount limits are
 * checked before the run moves on: no door approves a run outside them. An approved run not yet
 * sent whose approvals no longer suffice (the policy was raised since) takes the approvals it
 * still needs here too, staying approved.
 */
export function approveRun(
  db: ProfileDatabase,
  runId: number,
  approver: RunApprover,
  acknowledged: readonly string[] = [],
  now = new Date(),
): ApprovalOutcome {
  return db
    .transaction((): ApprovalOutcome => {
      refuseUnapprovedPhoneChanges(db, runId);
      const run = getRun(db, runId);
      const shortOfApprovals = run.state === 'approved' && !approvalState(db, runId).canSend;
      if (run.state !== 'draft' && !shortOfApprovals)
        throw new ConflictError(`Payroll run #${runId} is ${run.state}; only a draft can be approved`);
      checkRunWithinLimits(db, runId);
      const warnings = findDuplicatePayments(db, runId);
      const ticked = new Set(acknowledged);
      const open = warnings.filter((w) => !ticked.has(w.key));
      if (open.length > 0) {
        const named = open
          .slice(0, warningsNamed)
          .map((w) => w.message)
          .join('; ');
        const more = open.length > warningsNamed ? `; and ${open.length - warningsNamed} more` : '';
        throw new ValidationError(
          `${formatCount(open.length, 'possible double payment')} of ${warnings.length} ${open.length === 1 ? 'is' : 'are'} not acknowledged: ${named}${more}. Read and tick each one before approving.`,
          { code: 'warnings_not_acknowledged' },
        );
      }
      const approvals = recordApproval(db, runId, approver.accountId, now, warnings);
      if (!approvals.canSend || shortOfApprovals) return { run: getRun(db, runId), approvals };
      db.prepare(
        `UPDATE payroll_runs SET state = 'approved', approved_at = ? WHERE id = ? AND ${stateGuard(runTransitions, 'approved', ['draft'])}`,
      ).run(now.toISOString(), runId);
      db.prepare(
        `UPDATE payroll_items SET state = 'queued', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE run_id = ? AND ${stateGuard(itemTransitions, 'queued', ['draft'])}`,
      ).run(runId);
      appendAudit(db, {
        actor: approver.name,
        action: 'payroll_run.approved',
        entity: 'payroll_run',
        entityId: runId,
        details: {
          items: approvals.now.itemCount,
          amountCents: approvals.now.totalCents,
          approvers: approvals.approvals.filter((a) => a.counts).map((a) => a.approverUsername),
        },
      });
      return { run: getRun(db, runId), approvals: approvalState(db, runId) };
    })
    .immediate();
}
