// Contract methods for reversals of money received (src/main/reversals/): the admin asks from the
// ledger row of the customer's payment, approvers other than the asker approve (the approval that
// meets the policy sends it), decline, or settle one evidence could not; everyone who reads the
// ledger sees them.
import { z } from 'zod';
import { cents, id, isoInstant } from './common';

export const reversalStates = [
  'draft',
  'approved',
  'sending',
  'accepted',
  'unknown',
  'succeeded',
  'failed',
  'rejected',
] as const;

export const reversalView = z.object({
  id,
  transactionId: id,
  originalReceipt: z.string(),
  amountCents: cents,
  partyName: z.string().nullable(),
  phone: z.string().nullable(),
  reason: z.string(),
  state: z.enum(reversalStates),
  /** What has happened, in the words of the person who asked or approves. */
  stateWords: z.string(),
  requestedBy: z.string(),
  requestedByName: z.string(),
  requestedAt: isoInstant,
  approvals: z.array(z.object({ username: z.string(), name: z.string(), at: isoInstant })),
  approvalsMissing: z.number().int(),
  declinedByName: z.string().nullable(),
  declineReason: z.string().nullable(),
  reversalReceipt: z.string().nullable(),
  reportedAmountCents: cents.nullable(),
  alreadyReversed: z.boolean(),
  needsAttention: z.boolean(),
  attentionReason: z.string().nullable(),
  resultCode: z.string().nullable(),
  sends: z.number().int(),
  /** What the person asking may do now. */
  canApprove: z.boolean(),
  canDecline: z.boolean(),
  canResolve: z.boolean(),
});
export type ReversalView = z.output<typeof reversalView>;

const reversalsWait = { waitMs: z.number().int().min(0).max(120_000).optional() };

export const reversalMethods = {
  'reversals.request': {
    input: z
      .object({
        transactionId: id,
        reason: z
          .string()
          .trim()
          .min(1, 'Say why this payment is being reversed.')
          .max(200, 'Keep the reason to 200 characters.'),
      })
      .strict(),
    output: z.object({ reversal: reversalView, message: z.string() }),
  },
  /** Approves; the approval that meets the approval policy sends it and waits for the outcome. */
  'reversals.approve': {
    input: z.object({ id, ...reversalsWait }).strict(),
    output: z.object({ reversal: reversalView, message: z.string() }),
  },
  'reversals.decline': {
    input: z.object({ id, reason: z.string().trim().min(1, 'Say why you decline this reversal.').max(200) }).strict(),
    output: z.object({ reversal: reversalView, message: z.string() }),
  },
  /** Settles a reversal evidence could not: send it again, or record it as not reversed with a reason. */
  'reversals.resolve': {
    input: z
      .object({
        id,
        resolution: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('send_again') }).strict(),
          z.object({ kind: z.literal('not_reversed'), reason: z.string().trim().min(1, 'Say why.').max(200) }).strict(),
        ]),
        ...reversalsWait,
      })
      .strict(),
    output: z.object({ reversal: reversalView, message: z.string() }),
  },
  'reversals.list': {
    input: z.object({ show: z.enum(['all', 'open', 'attention']).default('all') }).strict(),
    output: z.object({ reversals: z.array(reversalView), waiting: z.number().int(), attention: z.number().int() }),
  },
  'reversals.detail': {
    input: z.object({ id }).strict(),
    output: z.object({ reversal: reversalView }),
  },
  /** What the ledger detail of one row shows: reversed and by what, a reversal open, or why it cannot be. */
  'reversals.forTransaction': {
    input: z.object({ transactionId: id }).strict(),
    output: z.object({
      /** Null when it may be reversed over the API now. */
      refusal: z.object({ code: z.string(), message: z.string() }).nullable(),
      reversal: reversalView.nullable(),
      reversedBy: z
        .object({
          receipt: z.string().nullable(),
          transactionId: id.nullable(),
          via: z.enum(['api', 'portal', 'already_reversed']),
        })
        .nullable(),
      /** On a reversal's own row: the payment it sent back. */
      reverses: z.object({ receipt: z.string().nullable(), transactionId: id }).nullable(),
    }),
  },
} as const;
