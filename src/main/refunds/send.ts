// Approving a refund is what sends it: the approval that meets the policy starts its run in the
// payout engine (float check first, then the engine's own rules: write before send, one live
// attempt, evidence). The handler and the command line both approve through here.
import { MshaharaError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import type { RunApprover } from '../payroll/runs';
import { approveRefund } from './refunds';

/** What the door needs of the payout engine. */
export interface RefundSender {
  startRun(runId: number, actor: string): Promise<void>;
  /** A line was queued again outside a run's start: look for work now. */
  wake(): void;
}

export interface RefundSendOutcome {
  /** The refund's run was started: the engine is paying it. */
  sent: boolean;
  /** Why an approved refund was not sent (the float was short, M-Pesa did not answer), in words; null otherwise. */
  notSent: string | null;
}

export async function approveAndSend(
  db: ProfileDatabase,
  engine: RefundSender,
  refundId: number,
  approver: RunApprover,
  now = new Date(),
): Promise<RefundSendOutcome> {
  const approval = approveRefund(db, refundId, approver, now);
  if (approval.again) {
    engine.wake();
    return { sent: true, notSent: null };
  }
  if (!approval.send) return { sent: false, notSent: null };
  try {
    await engine.startRun(approval.runId, approver.name);
    return { sent: true, notSent: null };
  } catch (error) {
    // The approval stands; nothing was sent. A named refusal is for the person; anything else is a fault.
    if (error instanceof MshaharaError && error.kind !== 'internal')
      return { sent: false, notSent: `Approved, but not sent: ${error.message}` };
    throw error;
  }
}
