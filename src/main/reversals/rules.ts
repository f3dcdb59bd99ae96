// What may be reversed over the API, and what M-Pesa's answers mean, in words. Only money
// received (a customer's Pay Bill, Buy Goods or M-Pesa Express payment) can be reversed through
// Daraja (REFERENCE §5); a payment to a customer is reversed on the M-Pesa Org portal, and
// Mshahara records it when the statement shows it.
import { failedOnAPersonsWord } from '../refunds/holds';
import { describeResultCode } from '../../shared/daraja/codes';
import type { ProfileDatabase } from '../db';
import type { LedgerTransaction } from '../ledger/transactions';
import { liveReversalOf, reversedOriginal } from './store';

/** Why a payment out cannot be reversed here: the same words on the screen, the CLI and the core. */
export const portalRouteWords =
  'M-Pesa does not allow reversing a payment to a customer through its API. Ask for the reversal on the M-Pesa Org portal ' +
  '(org.ke.m-pesa.com: find the transaction by its receipt and choose Reverse; a second person on the portal approves it), ' +
  'or ask Safaricom; when the statement shows it, Mshahara records it here.';

/**
 * The ledger row and every row it corrects, back to the first: one payment, however often it was
 * corrected. Reversals and refunds are held across the whole line, so a correction is not a way
 * round them.
 */
export function paymentRowIds(db: ProfileDatabase, transactionId: number): number[] {
  const rows = db
    .prepare(
      `WITH RECURSIVE line(id, corrects_id) AS (
         SELECT id, corrects_id FROM transactions WHERE id = ?
         UNION SELECT t.id, t.corrects_id FROM transactions t JOIN line ON t.id = line.corrects_id
       ) SELECT id FROM line`,
    )
    .all(transactionId) as Array<{ id: number }>;
  return rows.map((row) => row.id);
}

/**
 * A refund open or paid on the same receipt holds a reversal: the money would go back twice. So
 * does a refund whose money may still move though it looks failed: recorded failed on a person's
 * word rather than M-Pesa's (the payout engine's `mshahara.resolved`; if M-Pesa paid it after all,
 * the refund is marked paid when that evidence comes, rule 9), or with a payment of its line still
 * open. A refund M-Pesa itself said failed, declined or cancelled before it was sent holds nothing
 * (src/main/refunds/: those free the amount).
 */
export function refundsHoldReversal(db: ProfileDatabase, transactionId: number): string | null {
  const held = db
    .prepare(
      `SELECT id, state FROM refunds WHERE transaction_id = ? AND state IN ('awaiting_approval', 'approved', 'sending', 'paid')
        ORDER BY id LIMIT 1`,
    )
    .get(transactionId) as { id: number; state: string } | undefined;
  if (held !== undefined)
    return held.state === 'paid'
      ? `Refund #${held.id} already sent money back for this payment; a reversal would send it back twice. Ask the customer to return the refund first, or refund the rest instead.`
      : `Refund #${held.id} of this payment is open; decline it or let it finish before asking for a reversal.`;
  const doubtful = db
    .prepare(
      `SELECT f.id, max(a.state IN ('created', 'sending', 'accepted', 'unknown')) AS open
         FROM refunds f JOIN payout_attempts a ON a.item_id = f.item_id
        WHERE f.transaction_id = ? AND f.state IN ('failed', 'cancelled')
          AND (a.state IN ('created', 'sending', 'accepted', 'unknown') OR a.result_code = '${failedOnAPersonsWord}')
        GROUP BY f.id ORDER BY f.id LIMIT 1`,
    )
    .get(transactionId) as { id: number; open: number } | undefined;
  if (doubtful === undefined) return null;
  return doubtful.open === 1
    ? `Refund #${doubtful.id} of this payment was stopped, but its payment may still reach the customer: M-Pesa has not said what became of it. A reversal would then send the money back twice; wait until its payment is settled.`
    : `Refund #${doubtful.id} of this payment was recorded as failed on a person's word, not M-Pesa's: if M-Pesa paid it after all, a reversal would send the money back twice. Check the M-Pesa statement for the refund's payment; while it may have been paid, the payment cannot be reversed here.`;
}

/** Why this ledger row cannot be reversed over the API, in words; null when it can. */
export function reversalRefusal(db: ProfileDatabase, t: LedgerTransaction): { code: string; message: string } | null {
  const receipt = t.receipt ?? `#${t.id}`;
  if (t.kind === 'b2c_payment' || (t.direction === 'out' && t.kind !== 'reversal'))
    return { code: 'reverse_on_portal', message: portalRouteWords };
  if (t.kind === 'reversal')
    return { code: 'not_reversible', message: `${receipt} is itself a reversal; it cannot be reversed.` };
  if (t.direction !== 'in' || (t.kind !== 'c2b_payment' && t.kind !== 'stk_payment'))
    return { code: 'not_reversible', message: `Only money a customer paid in can be reversed; ${receipt} is not.` };
  if (t.status !== 'completed')
    return {
      code: 'not_completed',
      message: `Payment ${receipt} did not complete, so no money came in: there is nothing to reverse.`,
    };
  if (t.receipt === null)
    return {
      code: 'no_receipt',
      message: 'This payment has no M-Pesa receipt, so M-Pesa cannot be asked to reverse it.',
    };
  if (t.correctsId === null) {
    const corrected = db.prepare('SELECT id FROM transactions WHERE corrects_id = ?').get(t.id) as
      { id: number } | undefined;
    if (corrected !== undefined)
      return {
        code: 'corrected',
        message: `Ledger entry #${t.id} was corrected by #${corrected.id}; reverse from that one.`,
      };
  }
  const line = paymentRowIds(db, t.id);
  const done = line.map((id) => reversedOriginal(db, id)).find((found) => found !== null) ?? null;
  if (done !== null)
    return {
      code: 'already_reversed',
      message: `Payment ${receipt} was already reversed; it cannot be reversed twice.`,
    };
  const open = line.map((id) => liveReversalOf(db, id)).find((found) => found !== null) ?? null;
  if (open !== null)
    return {
      code: 'reversal_open',
      message: `A reversal of ${receipt} was already asked for (reversal #${open.id}); it must be settled first.`,
    };
  const refund = line.map((id) => refundsHoldReversal(db, id)).find((found) => found !== null) ?? null;
  if (refund !== null) return { code: 'refund_open', message: refund };
  return null;
}

/** What M-Pesa's result code means for a reversal, in the words of the person who asked. */
export function reversalResultWords(code: string, desc: string | null): string {
  switch (code) {
    case '0':
      return 'M-Pesa reversed the payment: the money went back to the customer.';
    case 'R000001':
      return 'M-Pesa says this payment was already reversed. Mshahara records it as reversed once; the reversal’s own receipt is found on the statement.';
    case 'R000002':
      return 'M-Pesa does not know this receipt as a payment to this business, so nothing was reversed. If the receipt is right, compare its amount with the M-Pesa statement: M-Pesa may give this answer when the amount asked differs from the payment’s.';
    case '1':
      return 'There is too little money in the Utility account to send this payment back; nothing was reversed. Top up the Utility account and ask again.';
    case '2001':
      return 'M-Pesa refused the initiator name or password; nothing was reversed. Check them in Settings.';
    case '2028':
      return 'M-Pesa does not permit this reversal: either the receipt is a payment to a customer (reversed only on the M-Pesa Org portal), or the initiator lacks the Org Reversals Initiator role: check that role on the portal.';
    default: {
      const entry = describeResultCode(code, 'reversal');
      return `${entry.explanation} (M-Pesa code ${code}${desc ? `: ${desc}` : ''}).`;
    }
  }
}
