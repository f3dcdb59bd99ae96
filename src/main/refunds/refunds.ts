// Refunds of received money, exactly once (docs/money-safety.md#refunds). An admin asks for a
// refund of a received payment (a ledger row of money in); the limits are checked here, in one
// transaction with the refund's row and its one-line payroll run: whole shillings within M-Pesa's
// B2C limits, and never more, with every other refund of the receipt still holding money, than
// the receipt brought in. An approver other than the asker approves it as they approve a run
// (approveRun: the maker-cannot-approve rule and the policy hold unchanged); the approval that
// meets the policy lets the door start the run in the payout engine. An approver may decline it
// instead, which frees the amount again.
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { findDuplicatePayments } from '../payroll/duplicates';
import { approvalState } from '../payroll/approvals';
import { approveRetry, cancelRun } from '../payroll/engine/run-control';
import { approveRun } from '../payroll/run-approval';
import { createRefundRun, type RunApprover } from '../payroll/runs';
import { requireActorWithRole } from '../users/account-rows';
import { failureRecordedBy } from './holds';
import { payerNumber, payerShown } from './payer';
import { originalRow, refundTotals, refusalOf, type OriginalRow } from './originals';

export type RefundState = 'awaiting_approval' | 'approved' | 'sending' | 'paid' | 'failed' | 'declined' | 'cancelled';

/** States whose amount no longer counts against the receipt: the money did not and will not move. */
export const freedStates: readonly RefundState[] = ['failed', 'declined', 'cancelled'];

export interface RefundAsk {
  /** The received payment, by its ledger row (the screens) or its receipt (the command line). */
  transactionId?: number;
  receipt?: string;
  amountCents: Cents;
  reason: string;
  /** The payer's number as the admin typed it: needed when M-Pesa masked or hashed it. */
  phone?: string | null;
}

interface RefundRow {
  id: number;
  transaction_id: number;
  amount_cents: number;
  state: RefundState;
  run_id: number;
  item_id: number;
  asked_by: number;
}

const reasonLength = { min: 3, max: 200 } as const;

function checkReason(reason: string): string {
  const clean = reason.replace(/\s+/g, ' ').trim();
  if (clean.length < reasonLength.min)
    throw new ValidationError('Say why the money goes back (at least 3 characters); the approver reads it.', {
      field: ['reason'],
    });
  if (clean.length > reasonLength.max)
    throw new ValidationError(`The reason is longer than ${reasonLength.max} characters; shorten it.`, {
      field: ['reason'],
    });
  return clean;
}

function checkAmount(original: OriginalRow, amountCents: Cents, db: ProfileDatabase): void {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0)
    throw new ValidationError('Enter how much to refund, above zero.', { field: ['amountCents'] });
  if (amountCents % 100 !== 0)
    throw new ValidationError('A refund is whole shillings: M-Pesa pays no cents.', { field: ['amountCents'] });
  const totals = refundTotals(db, original);
  if (totals.leftCents === 0)
    throw new ConflictError(
      `Receipt ${original.receipt} is refunded in full: ${formatKesWithCurrency(totals.heldCents)} of ${formatKesWithCurrency(original.amount_cents)} is refunded or waiting to be.`,
      { code: 'nothing_left' },
    );
  if (amountCents > totals.leftCents)
    throw new ValidationError(
      `A refund of ${formatKesWithCurrency(amountCents)} is more than is left to refund of receipt ${original.receipt}: ` +
        `${formatKesWithCurrency(totals.leftCents)} of ${formatKesWithCurrency(original.amount_cents)} is left` +
        (totals.heldCents > 0 ? ` (${formatKesWithCurrency(totals.heldCents)} is refunded or waiting to be).` : '.'),
      { field: ['amountCents'], code: 'more_than_left' },
    );
}

/**
 * An admin asks for a refund. Everything is checked and written in one transaction: the refund's
 * row, its one-line payroll run (the admin as maker) and the audit row. Nothing is sent.
 */
export function requestRefund(db: ProfileDatabase, ask: RefundAsk, asker: RunApprover, now = new Date()): number {
  return db
    .transaction(() => {
      const admin = requireActorWithRole(db, asker.name, 'admin', 'ask for a refund');
      const original = originalRow(db, ask);
      const refusal = refusalOf(db, original);
      if (refusal !== null) throw new ConflictError(refusal.message, { code: refusal.code });
      checkAmount(original, ask.amountCents, db);
      const reason = checkReason(ask.reason);
      const payer = payerNumber(payerShown(original), ask.phone);
      const receipt = original.receipt ?? `#${original.id}`;
      const { runId, itemId } = createRefundRun(
        db,
        {
          title: `Refund of ${receipt}`,
          name: original.party_name?.trim() || 'M-Pesa customer',
          phone: payer.phone,
          amountCents: ask.amountCents,
          remarks: `Refund of ${receipt}`,
        },
        { name: admin.username, accountId: admin.id },
      );
      const at = now.toISOString();
      const id = Number(
        db
          .prepare(
            `INSERT INTO refunds (transaction_id, amount_cents, phone, phone_evidence, reason, run_id, item_id, asked_by, asked_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(original.id, ask.amountCents, payer.phone, payer.evidence, reason, runId, itemId, admin.id, at, at)
          .lastInsertRowid,
      );
      appendAudit(db, {
        actor: admin.username,
        action: 'refund.requested',
        entity: 'refund',
        entityId: id,
        details: {
          receipt,
          transactionId: original.id,
          amountCents: ask.amountCents,
          phoneEvidence: payer.evidence,
          reason,
          runId,
        },
      });
      return id;
    })
    .immediate();
}

function refundRow(db: ProfileDatabase, refundId: number): RefundRow {
  const row = db.prepare('SELECT * FROM refunds WHERE id = ?').get(refundId) as RefundRow | undefined;
  if (row === undefined) throw new NotFoundError(`There is no refund #${refundId}`);
  return row;
}

function refuseTheAsker(db: ProfileDatabase, refund: RefundRow, approver: RunApprover, doing: string): void {
  if (refund.asked_by !== approver.accountId) return;
  throw new ConflictError(
    `${approver.name} asked for refund #${refund.id} and cannot ${doing} it: an approver other than the one who asked decides.`,
    { code: 'maker_cannot_approve' },
  );
}

export interface RefundApproval {
  /** The refund holds every approval it needs: the door starts its run in the payout engine now. */
  send: boolean;
  /** The refund's line was queued to be sent again (a failure on a person's word): the door wakes the engine. */
  again: boolean;
  runId: number;
}

function auditApproval(
  db: ProfileDatabase,
  actor: string,
  refund: RefundRow,
  outcome: ReturnType<typeof approveRun>,
  approved: boolean,
): void {
  appendAudit(db, {
    actor,
    action: approved ? 'refund.approved' : 'refund.approval_recorded',
    entity: 'refund',
    entityId: refund.id,
    details: {
      runId: refund.run_id,
      amountCents: refund.amount_cents,
      approvalsCounted: outcome.approvals.approvalsCounted,
      approvalsNeeded: outcome.approvals.approvalsNeeded,
    },
  });
}

function refuseWhatTheReceiptRefuses(db: ProfileDatabase, refund: RefundRow): void {
  const refusal = refusalOf(db, originalRow(db, { transactionId: refund.transaction_id }));
  if (refusal !== null) throw new ConflictError(refusal.message, { code: refusal.code });
}

/**
 * A refund approved whose start was refused (the float was short, M-Pesa did not answer) is
 * started by the next approver's approval. The receipt is checked again (it may have been
 * reversed since), and an approval the policy now asks for (it was raised since) is recorded first.
 */
function approveAgain(db: ProfileDatabase, refund: RefundRow, approver: RunApprover, now: Date): RefundApproval {
  refuseWhatTheReceiptRefuses(db, refund);
  if (!approvalState(db, refund.run_id).canSend) {
    const outcome = approveRun(
      db,
      refund.run_id,
      approver,
      findDuplicatePayments(db, refund.run_id).map((w) => w.key),
      now,
    );
    auditApproval(db, approver.name, refund, outcome, false);
  }
  return { send: approvalState(db, refund.run_id).canSend, again: false, runId: refund.run_id };
}

/**
 * A refund recorded as failed on a person's word still holds its amount (holds.ts): M-Pesa may
 * yet say it was paid. An approver other than the one who asked and the one who recorded the
 * failure may send it again, as a payroll line is retried by a second person: the same refund, the
 * same amount, a new attempt.
 */
function sendAgain(db: ProfileDatabase, refund: RefundRow, approver: RunApprover, now: Date): RefundApproval {
  const recordedBy = failureRecordedBy(db, refund.item_id);
  if (recordedBy.includes(approver.name))
    throw new ConflictError(
      `${approver.name} recorded refund #${refund.id} as failed and cannot send it again: an approver other than them checks the M-Pesa statement and decides.`,
      { code: 'recorder_cannot_send_again' },
    );
  refuseWhatTheReceiptRefuses(db, refund);
  const queued = approveRetry(db, refund.run_id, approver.name, now.toISOString());
  if (queued === 0)
    throw new ConflictError(
      `Refund #${refund.id} cannot be sent again now: its payment waits for a person under Needs attention.`,
      { code: 'not_sendable_again' },
    );
  appendAudit(db, {
    actor: approver.name,
    action: 'refund.sent_again',
    entity: 'refund',
    entityId: refund.id,
    details: { runId: refund.run_id, amountCents: refund.amount_cents, failureRecordedBy: recordedBy },
  });
  return { send: false, again: true, runId: refund.run_id };
}

/**
 * An approver approves the refund as its run's approval (approveRun). Once it holds every approval
 * the policy needs, it is approved and `send` tells the door to start it. An approved refund whose
 * start was refused is started by the next approval (approveAgain); one failed on a person's word
 * is sent again (sendAgain).
 */
export function approveRefund(
  db: ProfileDatabase,
  refundId: number,
  approver: RunApprover,
  now = new Date(),
): RefundApproval {
  return db
    .transaction((): RefundApproval => {
      const refund = refundRow(db, refundId);
      refuseTheAsker(db, refund, approver, 'approve');
      const account = requireActorWithRole(db, approver.name, 'approver', 'approve a refund');
      const who = { name: account.username, accountId: account.id };
      if (refund.state === 'approved') return approveAgain(db, refund, who, now);
      if (refund.state === 'failed' && failureRecordedBy(db, refund.item_id).length > 0)
        return sendAgain(db, refund, who, now);
      if (refund.state !== 'awaiting_approval')
        throw new ConflictError(`Refund #${refund.id} is ${stateWords[refund.state]}; there is nothing to approve.`, {
          code: 'not_awaiting_approval',
        });
      refuseWhatTheReceiptRefuses(db, refund);
      // The refund's limits are its guard against paying twice; a payroll line paying the same
      // person the same amount is not this money.
      const warnings = findDuplicatePayments(db, refund.run_id).map((w) => w.key);
      const outcome = approveRun(db, refund.run_id, who, warnings, now);
      const approved = outcome.run.state === 'approved';
      if (approved)
        db.prepare(
          `UPDATE refunds SET state = 'approved', updated_at = ? WHERE id = ? AND state = 'awaiting_approval'`,
        ).run(now.toISOString(), refund.id);
      auditApproval(db, account.username, refund, outcome, approved);
      return { send: approved, again: false, runId: refund.run_id };
    })
    .immediate();
}

/** An approver declines a refund not yet sent, with a reason; its run is cancelled and the amount is free again. */
export function declineRefund(
  db: ProfileDatabase,
  refundId: number,
  approver: RunApprover,
  reason: string,
  now = new Date(),
): void {
  db.transaction(() => {
    const refund = refundRow(db, refundId);
    refuseTheAsker(db, refund, approver, 'decline');
    const account = requireActorWithRole(db, approver.name, 'approver', 'decline a refund');
    const runState = (db.prepare('SELECT state FROM payroll_runs WHERE id = ?').get(refund.run_id) as { state: string })
      .state;
    if (!(refund.state === 'awaiting_approval' || (refund.state === 'approved' && runState === 'approved')))
      throw new ConflictError(
        `Refund #${refund.id} is ${stateWords[refund.state]}; only a refund not yet sent can be declined.`,
        { code: 'not_declinable' },
      );
    const why = checkReason(reason);
    const at = now.toISOString();
    db.prepare(
      `UPDATE refunds SET state = 'declined', declined_by = ?, declined_at = ?, decline_reason = ?, updated_at = ?
        WHERE id = ? AND state IN ('awaiting_approval', 'approved')`,
    ).run(account.id, at, why, at, refund.id);
    cancelRun(db, refund.run_id, account.username, at);
    appendAudit(db, {
      actor: account.username,
      action: 'refund.declined',
      entity: 'refund',
      entityId: refund.id,
      details: { reason: why, amountCents: refund.amount_cents, runId: refund.run_id },
    });
  }).immediate();
}

/** Each state in an admin's words. */
export const stateWords: Readonly<Record<RefundState, string>> = {
  awaiting_approval: 'waiting for approval',
  approved: 'approved, not sent yet',
  sending: 'being sent',
  paid: 'paid',
  failed: 'failed',
  declined: 'declined',
  cancelled: 'cancelled',
};
