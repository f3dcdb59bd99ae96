// Asking for a reversal and deciding on it. The admin asks, from the ledger row of the customer's
// payment, for the whole amount (a part goes back by refund); people other than the asker approve
// (the approval policy says how many, the asker counted, by the payment's amount); the approval
// that meets the policy makes it `approved`, and the sender sends it (send.ts). An approver may
// decline with a reason. Every rule is checked here, so no door can skip one.
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors';
import { formatKesWithCurrency } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { getTransaction } from '../ledger/transactions';
import { approvalPolicy, approvalsNeeded } from '../payroll/approval-policy';
import { accountRowById, rolesOf, type AccountRow } from '../users/account-rows';
import { reversalRefusal } from './rules';
import {
  approvalsOf,
  insertApproval,
  insertReversal,
  moveReversal,
  newReversalRequestId,
  reversalById,
  type Reversal,
} from './store';

export interface ReversalPerson {
  accountId: number;
}

function enabledAccount(db: ProfileDatabase, person: ReversalPerson): AccountRow {
  const account = accountRowById(db, person.accountId);
  if (account === undefined) throw new NotFoundError(`There is no account #${person.accountId}`);
  if (account.disabled_at !== null)
    throw new ValidationError(`The account ${account.username} is disabled; an admin can enable it.`, {
      code: 'account_disabled',
    });
  return account;
}

function requireReversal(db: ProfileDatabase, id: number): Reversal {
  const reversal = reversalById(db, id);
  if (reversal === null) throw new NotFoundError(`There is no reversal #${id}`);
  return reversal;
}

/** People who must act on this reversal, the asker included (the approval policy, by its amount). */
export function peopleNeeded(db: ProfileDatabase, reversal: Reversal): number {
  return approvalsNeeded(approvalPolicy(db), reversal.amountCents);
}

/** The approvals still missing before the reversal is sent. */
export function approvalsMissing(db: ProfileDatabase, reversal: Reversal): number {
  const needed = peopleNeeded(db, reversal);
  const others = approvalsOf(db, reversal.id).filter((a) => a.accountId !== reversal.requestedByAccount).length;
  // The asker counts as one person; with "single person" the asker's own approval is the one.
  return needed <= 1 ? Math.max(0, 1 - approvalsOf(db, reversal.id).length) : Math.max(0, needed - 1 - others);
}

/**
 * The admin asks for ledger row `transactionId` to be reversed, with a reason. Refused, in words,
 * for anything but completed money received, a row already reversed or with a reversal open, and
 * a payment to a customer (the M-Pesa Org portal's route is explained instead).
 */
export function requestReversal(
  db: ProfileDatabase,
  input: { transactionId: number; reason: string },
  asker: ReversalPerson,
  now = new Date(),
): Reversal {
  const reason = input.reason.replace(/\s+/g, ' ').trim();
  if (reason === '')
    throw new ValidationError('Say why this payment is being reversed.', { field: ['reason'], code: 'reason_needed' });
  if (reason.length > 200)
    throw new ValidationError('Keep the reason to 200 characters.', { field: ['reason'], code: 'reason_too_long' });
  return db
    .transaction(() => {
      const account = enabledAccount(db, asker);
      const original = getTransaction(db, input.transactionId);
      const refusal = reversalRefusal(db, original);
      if (refusal !== null) throw new ConflictError(refusal.message, { code: refusal.code });
      const at = now.toISOString();
      const id = insertReversal(db, {
        transactionId: original.id,
        originalReceipt: original.receipt as string,
        amountCents: original.amountCents,
        reason,
        accountId: account.id,
        at,
        requestId: newReversalRequestId(),
      });
      appendAudit(db, {
        actor: account.username,
        action: 'reversal.requested',
        entity: 'reversal',
        entityId: id,
        details: { receipt: original.receipt, amountCents: original.amountCents, transactionId: original.id, reason },
      });
      return requireReversal(db, id);
    })
    .immediate();
}

export type ApprovalOutcome =
  /** More approvals are needed before it is sent. */
  | { kind: 'waiting'; reversal: Reversal; missing: number }
  /** The policy is met: the reversal is approved and is sent next. */
  | { kind: 'approved'; reversal: Reversal };

/**
 * An approver other than the asker approves. Refused for the asker (unless one person suffices and
 * they hold the approver role), an account without the approver role or disabled, a second
 * approval by the same person, and a reversal that is no longer waiting for approvals.
 */
export function approveReversal(
  db: ProfileDatabase,
  id: number,
  approver: ReversalPerson,
  now = new Date(),
): ApprovalOutcome {
  return db
    .transaction((): ApprovalOutcome => {
      const reversal = requireReversal(db, id);
      const account = enabledAccount(db, approver);
      if (reversal.state !== 'draft')
        throw new ConflictError(`Reversal #${id} is not waiting for approval; it is ${reversal.state}.`, {
          code: 'not_waiting',
        });
      if (!rolesOf(db, account.id).includes('approver'))
        throw new ForbiddenError(
          `Only someone with the approver role can approve a reversal; ${account.username} does not have it.`,
          { code: 'role_needed' },
        );
      const needed = peopleNeeded(db, reversal);
      if (account.id === reversal.requestedByAccount && needed > 1)
        throw new ForbiddenError(
          `${account.username} asked for this reversal and cannot approve it: an approver other than them must.`,
          { code: 'asker_cannot_approve' },
        );
      if (approvalsOf(db, id).some((a) => a.accountId === account.id))
        throw new ConflictError(`${account.username} already approved reversal #${id}; another approver must.`, {
          code: 'already_approved',
        });
      // The payment must still be reversible: a portal reversal may have been recorded meanwhile.
      const original = getTransaction(db, reversal.transactionId);
      const refusal = reversalRefusalIgnoringOwn(db, original, reversal);
      if (refusal !== null) throw new ConflictError(refusal, { code: 'no_longer_reversible' });
      const at = now.toISOString();
      insertApproval(db, id, account.id, at);
      appendAudit(db, {
        actor: account.username,
        action: 'reversal.approved',
        entity: 'reversal',
        entityId: id,
        details: { receipt: reversal.originalReceipt, amountCents: reversal.amountCents },
      });
      const missing = approvalsMissing(db, reversal);
      if (missing > 0) return { kind: 'waiting', reversal: requireReversal(db, id), missing };
      moveReversal(db, id, 'approved', at);
      return { kind: 'approved', reversal: requireReversal(db, id) };
    })
    .immediate();
}

function reversalRefusalIgnoringOwn(
  db: ProfileDatabase,
  original: ReturnType<typeof getTransaction>,
  own: Reversal,
): string | null {
  const refusal = reversalRefusal(db, original);
  if (refusal === null || refusal.code === 'reversal_open') return null;
  void own;
  return refusal.message;
}

/** An approver declines, with a reason: the reversal is closed and nothing is sent. */
export function declineReversal(
  db: ProfileDatabase,
  id: number,
  approver: ReversalPerson,
  reasonText: string,
  now = new Date(),
): Reversal {
  const reason = reasonText.replace(/\s+/g, ' ').trim();
  if (reason === '')
    throw new ValidationError('Say why you decline this reversal.', { field: ['reason'], code: 'reason_needed' });
  return db
    .transaction(() => {
      const reversal = requireReversal(db, id);
      const account = enabledAccount(db, approver);
      if (!rolesOf(db, account.id).includes('approver'))
        throw new ForbiddenError(
          `Only someone with the approver role can decline a reversal; ${account.username} does not have it.`,
          { code: 'role_needed' },
        );
      if (account.id === reversal.requestedByAccount)
        throw new ForbiddenError(`${account.username} asked for this reversal; an approver other than them decides.`, {
          code: 'asker_cannot_decide',
        });
      const at = now.toISOString();
      if (
        reversal.state !== 'draft' ||
        !moveReversal(db, id, 'rejected', at, {
          declinedByAccount: account.id,
          declineReason: reason,
          outcomeWords: `Declined by ${account.display_name}: ${reason}`,
        })
      )
        throw new ConflictError(`Reversal #${id} is not waiting for approval; it is ${reversal.state}.`, {
          code: 'not_waiting',
        });
      appendAudit(db, {
        actor: account.username,
        action: 'reversal.declined',
        entity: 'reversal',
        entityId: id,
        details: { receipt: reversal.originalReceipt, reason },
      });
      return requireReversal(db, id);
    })
    .immediate();
}

/** Who still has to approve, in words: "one approver other than Wanjiru Kamau". */
export function waitingWords(db: ProfileDatabase, reversal: Reversal): string {
  const missing = approvalsMissing(db, reversal);
  const asker = reversal.requestedByAccount === null ? undefined : accountRowById(db, reversal.requestedByAccount);
  const name = asker?.display_name ?? 'the person who asked';
  const who = missing === 1 ? 'one approver' : `${missing} approvers`;
  return `Reversal #${reversal.id} of ${reversal.originalReceipt} (${formatKesWithCurrency(reversal.amountCents)}) needs ${who} other than ${name}.`;
}
