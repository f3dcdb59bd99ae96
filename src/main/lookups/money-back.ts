// Money that comes in may be money going back: a payment this business made, reversed on the
// M-Pesa portal, reaches the shortcode from the person it paid. Recorded from a lookup as a
// customer's payment it could be refunded to that person, who would then be paid twice. So a
// lookup records nothing M-Pesa names a reversal, and nothing whose payer is a number this business
// has paid (clear, or fitting M-Pesa's mask or hash): the statement import records those, linked to
// the payment they undo.
import type { ProfileDatabase } from '../db';
import { fitsMask, payerShown, sha256Of } from '../refunds/payer';
import { partyOf } from './party';
import type { StatusAnswer } from './status-lookups';

/** Numbers this business may have paid: every payroll or refund line that may have been sent. */
function numbersPaid(db: ProfileDatabase): string[] {
  const rows = db
    .prepare(
      `SELECT phone FROM payroll_items WHERE state NOT IN ('draft', 'queued', 'cancelled')
       UNION SELECT phone FROM transactions WHERE direction = 'out' AND phone IS NOT NULL`,
    )
    .all() as Array<{ phone: string }>;
  return rows.map((row) => row.phone);
}

/** Why money M-Pesa says came in may be money going back, in words; null when nothing says so. */
export function moneyBackReason(db: ProfileDatabase, answer: StatusAnswer): string | null {
  return moneyBackReasonOf(db, { reasonType: answer.reasonType, payer: answer.debitPartyName });
}

/**
 * The same question about money in that came by another road (a statement row added in
 * Reconcile): its reason as M-Pesa named it, if known, and its payer as M-Pesa showed it.
 */
export function moneyBackReasonOf(
  db: ProfileDatabase,
  about: { reasonType: string | null; payer: string | null },
): string | null {
  if (/revers/i.test(about.reasonType ?? ''))
    return `M-Pesa names this transaction a reversal (“${about.reasonType ?? ''}”): it may be a payment this business made coming back, not a customer’s payment.`;
  const payer = partyOf(about.payer);
  // "2547 ***** 149 - JOHN DOE": the number part alone is the mask or the hash.
  const numberPart = (about.payer ?? '').split(' - ')[0] ?? '';
  const shown = payerShown({ phone: payer.phone, party_display: numberPart });
  if (shown.kind === 'none') return null;
  const paid = numbersPaid(db);
  const match = paid.find((phone) => {
    switch (shown.kind) {
      case 'clear':
        return phone === shown.phone;
      case 'masked':
        return fitsMask(phone, shown.mask);
      case 'hashed':
        return sha256Of(phone) === shown.sha256;
    }
  });
  if (match === undefined) return null;
  return shown.kind === 'clear'
    ? 'The payer is a number this business has paid: this may be that payment reversed on the M-Pesa portal, not a customer’s payment.'
    : 'The payer’s number, as M-Pesa shows it, fits a number this business has paid: this may be that payment reversed on the M-Pesa portal, not a customer’s payment.';
}

export const moneyBackAdvice =
  'It is not recorded from a lookup. Import the M-Pesa statement that covers it: a reversal is recorded from there, linked to the payment it undoes, and a customer’s payment can be recorded in Reconcile.';
