// A Transaction Status answer about a reversal (purpose 'reversal_check'), asked by the reversal's
// receipt or by Daraja's OriginatorConversationID of its request. It counts as the reversal made
// only when it says "Completed", names a receipt other than the original's, says it is a reversal
// (its ReasonType) and of the original's amount. An answer about another kind of payment or
// another amount is not taken for the reversal: a person is told what it said and checks the
// statement (docs/money-safety.md#reversals).
import { formatKesWithCurrency } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { findByReceipt } from '../ledger/transactions';
import { answerSaysCompleted, type StatusAnswer } from '../lookups/status-lookups';
import { succeed } from './apply-result';
import { inFlightStates, markReversalAttention, reversalById, reversedOriginal, type Reversal } from './store';

/** ReasonType is not documented for a reversal (REFERENCE §4, §15): any wording that names one. */
function saysReversal(reasonType: string | null): boolean {
  return reasonType !== null && /revers/i.test(reasonType);
}

/**
 * Why a "Completed" answer cannot be counted as this reversal, in words for the person who
 * decides; null when it can. Only for answers that say "Completed" with a receipt.
 */
export function statusAnswerMismatch(reversal: Reversal, answer: StatusAnswer): string | null {
  const receipt = answer.receipt ?? 'with no receipt';
  const check = `Check the M-Pesa statement for a reversal of ${reversal.originalReceipt} before deciding.`;
  if (!saysReversal(answer.reasonType))
    return `Transaction Status says ${receipt} completed, but as ${answer.reasonType === null ? 'a payment of no stated kind' : `"${answer.reasonType}"`}, not a reversal: Mshahara did not count it as reversed. ${check}`;
  if (answer.amountCents === null)
    return `Transaction Status says reversal ${receipt} completed, but did not say how much it sent back: Mshahara did not count it as reversed. ${check}`;
  if (answer.amountCents !== reversal.originalAmountCents)
    return `Transaction Status says reversal ${receipt} completed for ${formatKesWithCurrency(answer.amountCents)}, but the original payment was ${formatKesWithCurrency(reversal.originalAmountCents)}: Mshahara did not count it as reversed. ${check}`;
  return null;
}

/**
 * Applies a Transaction Status answer to the reversal it was asked about, inside the caller's
 * transaction: true when it counted the reversal as made. A mismatch puts it on the work list.
 */
export function applyReversalStatusAnswer(
  db: ProfileDatabase,
  reversalId: number,
  answer: StatusAnswer,
  inboxId: number,
  nowIso: string,
): boolean {
  const reversal = reversalById(db, reversalId);
  // A "Completed" that comes after a person recorded it as not reversed is still money that moved
  // (as a late Result is: succeed() puts it on the work list); only a succeeded reversal has it.
  if (reversal === null || (!inFlightStates.includes(reversal.state) && reversal.state !== 'failed')) return false;
  if (!answerSaysCompleted(answer) || answer.receipt === null) return false;
  if (answer.receipt === reversal.originalReceipt) return false;
  if (findByReceipt(db, answer.receipt) !== undefined && reversedOriginal(db, reversal.transactionId) !== null)
    return false;
  const mismatch = statusAnswerMismatch(reversal, answer);
  if (mismatch !== null) {
    markReversalAttention(db, reversal.id, mismatch, nowIso);
    return false;
  }
  succeed(
    db,
    reversal,
    {
      receipt: answer.receipt,
      amountCents: answer.amountCents,
      chargeCents: null,
      completedAt: answer.finalisedAt === null ? null : new Date(answer.finalisedAt),
      partyDisplay: answer.creditPartyName,
      inboxId,
      source: 'status_result',
      resultCode: answer.resultCode,
      resultDesc: answer.resultDesc,
    },
    nowIso,
  );
  return true;
}
