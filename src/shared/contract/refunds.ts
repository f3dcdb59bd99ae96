// Contract methods for refunds of received money (src/main/refunds/): the admin asks, an approver
// other than the asker approves (which sends it) or declines, and everyone who reads the ledger
// reads them, from the Refunds screen and from the ledger row they were taken from.
import { z } from 'zod';
import { cents, id, isoInstant, msisdn, positiveCents } from './common';

export const refundStates = [
  'awaiting_approval',
  'approved',
  'sending',
  'paid',
  'failed',
  'declined',
  'cancelled',
] as const;
export type RefundStateName = (typeof refundStates)[number];

export const refundView = z.object({
  id,
  state: z.enum(refundStates),
  /** The state in an admin's words, with what it waits for. */
  status: z.string(),
  amountCents: cents,
  phone: msisdn,
  /** What the number rests on: the clear number on the receipt, or one typed that fits its mask or hash. */
  phoneEvidence: z.enum(['clear', 'masked', 'hashed']),
  payerName: z.string(),
  reason: z.string(),
  original: z.object({
    transactionId: id,
    receipt: z.string().nullable(),
    amountCents: cents,
    occurredAt: isoInstant,
    partyDisplay: z.string().nullable(),
  }),
  askedBy: z.string(),
  askedByName: z.string(),
  askedAt: isoInstant,
  /** Who approved it so far, by name. */
  approvedBy: z.array(z.string()),
  /** What it still waits for, in words ("one approval by an approver other than Wanjiru Kamau"); null when nothing. */
  waitingFor: z.string().nullable(),
  declinedByName: z.string().nullable(),
  declineReason: z.string().nullable(),
  /** The refund's own ledger row, once paid. */
  refundReceipt: z.string().nullable(),
  refundTransactionId: id.nullable(),
  paidAt: isoInstant.nullable(),
  /** Why it failed, in M-Pesa's words, when it did. */
  failure: z.string().nullable(),
  /** The payment waits for a person on the needs-attention list. */
  needsAttention: z.boolean(),
  /**
   * Who recorded it as failed on their word rather than M-Pesa's; empty otherwise. Such a refund
   * still holds its amount against the receipt, and an approver other than the asker and them may
   * send it again.
   */
  failedOnWordOf: z.array(z.string()),
  runId: id,
  itemId: id,
  updatedAt: isoInstant,
});
export type RefundView = z.output<typeof refundView>;

/** A ledger row as refunds see it: what is left to refund of a payment in, or which payment a refund returned. */
export const ledgerRefunds = z.object({
  /** For money received: what can still be refunded, and why not when it cannot. */
  refundable: z
    .object({
      originalCents: cents,
      paidCents: cents,
      heldCents: cents,
      leftCents: cents,
      /** Why this payment cannot be refunded, in words; null when it can. */
      refusal: z.string().nullable(),
      /** How M-Pesa showed the payer's number: the admin types the full number when masked or hashed. */
      payer: z.object({ kind: z.enum(['clear', 'masked', 'hashed', 'none']), shown: z.string().nullable() }),
    })
    .nullable(),
  /** Refunds taken from this payment, newest first. */
  refunds: z.array(refundView),
  /** When this row is a refund: the payment it returned. */
  refundOf: z.object({ refundId: id, transactionId: id, receipt: z.string().nullable() }).nullable(),
});
export type LedgerRefunds = z.output<typeof ledgerRefunds>;

const reason = z
  .string()
  .trim()
  .min(3, 'Say why the money goes back (at least 3 characters)')
  .max(200, 'The reason is longer than 200 characters');

export const refundMethods = {
  /** The admin asks for a refund of a received payment; nothing is sent until it is approved. */
  'refunds.request': {
    input: z
      .object({
        transactionId: id,
        amountCents: positiveCents,
        reason,
        /** The payer's full number, when M-Pesa showed it masked or hashed. */
        phone: z.string().trim().max(30).optional(),
      })
      .strict(),
    output: refundView,
  },
  /** An approver other than the asker approves; the approval that meets the policy sends it. */
  'refunds.approve': {
    input: z.object({ refundId: id }).strict(),
    output: z.object({ refund: refundView, sent: z.boolean(), notSent: z.string().nullable() }),
  },
  'refunds.decline': { input: z.object({ refundId: id, reason }).strict(), output: refundView },
  'refunds.list': {
    input: z
      .object({
        state: z.enum(refundStates).optional(),
        search: z.string().max(100).optional(),
        limit: z.number().int().min(1).max(500).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
    output: z.object({ refunds: z.array(refundView), total: z.number().int() }),
  },
  'refunds.detail': { input: z.object({ refundId: id }).strict(), output: refundView },
  /** Refunds as the ledger detail shows them for one row. */
  'refunds.forTransaction': { input: z.object({ transactionId: id }).strict(), output: ledgerRefunds },
} as const;
