// Contract methods for looking up any M-Pesa receipt by Transaction Status
// (src/main/lookups/receipt-lookup.ts): what M-Pesa said, in words, beside the ledger's row, the
// stored answer asked for again while it is on its way, and money received the ledger lacks
// recorded from that stored answer (record-lookup.ts).
import { z } from 'zod';
import { cents, id, isoInstant } from './common';

export const lookupStates = ['answered', 'no_such_receipt', 'waiting', 'timed_out', 'refused'] as const;

export const receiptLookupView = z.object({
  lookupId: id,
  receipt: z.string(),
  askedBy: z.string(),
  askedAt: isoInstant,
  state: z.enum(lookupStates),
  /** One sentence: what M-Pesa said. */
  headline: z.string(),
  /** What it means and what to do. */
  notes: z.array(z.string()),
  resultCode: z.string().nullable(),
  resultDesc: z.string().nullable(),
  /** Only ResultCode 0 with "Completed" says completed; null when M-Pesa said nothing about the transaction. */
  completed: z.boolean().nullable(),
  transactionStatus: z.string().nullable(),
  amountCents: cents.nullable(),
  chargesCents: cents.nullable(),
  debitParty: z.string().nullable(),
  creditParty: z.string().nullable(),
  reasonType: z.string().nullable(),
  finalisedAt: isoInstant.nullable(),
  /** Seen from this business: money in, money out, or neither party is its shortcode. */
  direction: z.enum(['in', 'out', 'other']).nullable(),
  ledger: z
    .object({
      transactionId: id,
      kind: z.string(),
      direction: z.enum(['in', 'out']),
      status: z.string(),
      amountCents: cents,
    })
    .nullable(),
  /** Money this business received that the ledger lacks: "Record as money received" is offered. */
  recordable: z.boolean(),
});
export type ReceiptLookup = z.output<typeof receiptLookupView>;

/** An M-Pesa receipt as people copy it: letters and digits, any case. */
const receipt = z
  .string({ error: 'Write the M-Pesa receipt' })
  .trim()
  .regex(/^[A-Za-z0-9]{8,12}$/, 'An M-Pesa receipt is 10 letters and digits, like QKL1ABC2DE');

export const lookupMethods = {
  /** Asks M-Pesa about the receipt and waits a few seconds for its answer. */
  'lookup.receipt': {
    input: z.object({ receipt }).strict(),
    output: receiptLookupView,
  },
  /** The lookup as it stands now: its answer once it came, even after a restart. */
  'lookup.answer': {
    input: z.object({ lookupId: id }).strict(),
    output: receiptLookupView,
  },
  /** Records money received the ledger lacks, from M-Pesa's stored answer only. */
  'lookup.record': {
    input: z.object({ lookupId: id }).strict(),
    output: z.object({ transactionId: id, lookup: receiptLookupView }),
  },
} as const;
