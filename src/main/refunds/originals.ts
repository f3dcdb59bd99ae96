// The received payment a refund is taken from: which ledger rows can be refunded, and how much of
// one is left. Read inside the transaction that asks for or approves a refund, so the limit holds
// whichever door asks and however many ask at once.
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { moneyBackReasonOf } from '../lookups/money-back';
import { refundHoldsSql } from './holds';

export interface OriginalRow {
  id: number;
  receipt: string | null;
  occurred_at: string;
  direction: 'in' | 'out';
  kind: string;
  status: string;
  amount_cents: number;
  phone: string | null;
  party_name: string | null;
  party_display: string | null;
  corrects_id: number | null;
  source: string;
}

/** The ledger row by id or by receipt (the row itself, never a correction of it). */
export function originalRow(db: ProfileDatabase, by: { transactionId?: number; receipt?: string }): OriginalRow {
  const columns =
    'id, receipt, occurred_at, direction, kind, status, amount_cents, phone, party_name, party_display, corrects_id, source';
  if (by.transactionId !== undefined) {
    const row = db.prepare(`SELECT ${columns} FROM transactions WHERE id = ?`).get(by.transactionId) as
      OriginalRow | undefined;
    if (row === undefined) throw new NotFoundError(`There is no ledger row #${by.transactionId}`);
    return row;
  }
  const receipt = (by.receipt ?? '').trim().toUpperCase();
  if (receipt === '') throw new ValidationError('Name the receipt of the payment to refund.', { field: ['receipt'] });
  const row = db
    .prepare(`SELECT ${columns} FROM transactions WHERE upper(receipt) = ? AND corrects_id IS NULL`)
    .get(receipt) as OriginalRow | undefined;
  if (row === undefined) throw new NotFoundError(`There is no payment with receipt ${receipt} in the ledger.`);
  return row;
}

/** Why a ledger row cannot be refunded, in words; null when it can. */
export function refusalOf(db: ProfileDatabase, row: OriginalRow): { message: string; code: string } | null {
  const name = row.receipt ?? `Ledger row #${row.id}`;
  if (row.direction === 'out')
    return {
      code: 'not_received',
      message:
        row.kind === 'refund'
          ? `${name} is itself a refund that Mshahara paid out; only money received from a customer can be refunded.`
          : `${name} is a payment Mshahara made, not money received: it cannot be refunded. Ask the person to send it back instead.`,
    };
  if (row.kind !== 'c2b_payment' && row.kind !== 'stk_payment')
    return { code: 'not_a_payment', message: `${name} is not a customer's payment; only those can be refunded.` };
  if (row.status !== 'completed')
    return { code: 'not_completed', message: `${name} failed, so no money came in: there is nothing to refund.` };
  // A corrected row, or a correction, says two things about one payment: which amount came in is
  // for an accountant to settle before any of it goes back.
  if (
    row.corrects_id !== null ||
    db.prepare('SELECT 1 FROM transactions WHERE corrects_id = ?').get(row.id) !== undefined
  )
    return {
      code: 'corrected',
      message: `${name} was corrected in the ledger, so what came in is in question; it cannot be refunded from Mshahara.`,
    };
  // Recorded by a person from a lookup or the statement rather than from the customer's own
  // confirmation or callback: money from a number this business paid may be that payment coming
  // back (a portal reversal), and a refund would pay that person twice.
  if (row.source === 'statement_import' || row.source === 'status_result') {
    const back = moneyBackReasonOf(db, { reasonType: null, payer: row.party_display ?? row.phone });
    if (back !== null)
      return {
        code: 'may_be_money_back',
        message: `${name} was recorded from the M-Pesa statement or a lookup, and ${back.charAt(0).toLowerCase()}${back.slice(1)} It cannot be refunded from Mshahara.`,
      };
  }
  const reversal = db
    .prepare(
      `SELECT state FROM reversals WHERE transaction_id = ? AND state NOT IN ('failed', 'rejected', 'declined', 'cancelled') ORDER BY id DESC LIMIT 1`,
    )
    .get(row.id) as { state: string } | undefined;
  // Reversed through Mshahara, on the portal (seen on the statement), or by M-Pesa's "already reversed".
  const reversedInLedger =
    db
      .prepare(
        `SELECT 1 FROM transactions t JOIN reversals r ON r.id = t.reversal_id WHERE r.transaction_id = ? AND t.kind = 'reversal' AND t.status = 'completed'`,
      )
      .get(row.id) ?? db.prepare('SELECT 1 FROM reversed_originals WHERE original_id = ?').get(row.id);
  if (reversal?.state === 'succeeded' || reversedInLedger !== undefined)
    return {
      code: 'reversed',
      message: `${name} was reversed: the money already went back to the customer. It cannot be refunded.`,
    };
  if (reversal !== undefined)
    return {
      code: 'reversal_open',
      message: `A reversal of ${name} is under way; it cannot be refunded while the reversal is open.`,
    };
  return null;
}

export interface RefundTotals {
  originalCents: number;
  /** Refunds paid. */
  paidCents: number;
  /**
   * Refunds paid or on their way (waiting for approval, approved, being sent), and those marked
   * failed or cancelled whose money may still move (holds.ts).
   */
  heldCents: number;
  leftCents: number;
}

export function refundTotals(db: ProfileDatabase, row: OriginalRow): RefundTotals {
  const sums = db
    .prepare(
      `SELECT coalesce(sum(CASE WHEN state = 'paid' THEN amount_cents END), 0) AS paid,
              coalesce(sum(CASE WHEN ${refundHoldsSql('r')} THEN amount_cents END), 0) AS held
         FROM refunds r WHERE transaction_id = ?`,
    )
    .get(row.id) as { paid: number; held: number };
  return {
    originalCents: row.amount_cents,
    paidCents: sums.paid,
    heldCents: sums.held,
    leftCents: Math.max(0, row.amount_cents - sums.held),
  };
}
