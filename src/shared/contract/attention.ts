// The needs-attention work list in the contract: payments no evidence could settle, and findings
// (money that moved against the record), each cleared by a person (docs/money-safety.md).
import { z } from 'zod';
import { cents, id, isoInstant, msisdn } from './common';

export const attentionItem = z.object({
  itemId: id,
  runId: id,
  workerName: z.string(),
  phone: msisdn,
  amountCents: cents,
  attemptId: id,
  originatorConversationId: z.string(),
  conversationId: z.string().nullable(),
  state: z.string(),
  /** Why no evidence settled it. */
  reason: z.string(),
  /** What would settle it, in a person's words. */
  missing: z.string(),
  since: z.string(),
});
export type AttentionItemView = z.output<typeof attentionItem>;

export const finding = z.object({
  id,
  kind: z.string(),
  itemId: id,
  runId: id,
  attemptId: id,
  workerName: z.string(),
  phone: msisdn,
  amountCents: cents,
  transactionId: id.nullable(),
  receipt: z.string().nullable(),
  detail: z.string(),
  foundAt: isoInstant,
});
export type FindingView = z.output<typeof finding>;

const receipt = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{10}$/, 'An M-Pesa receipt is 10 letters and digits, like SKE52PAWR9');
const reason = z.string().trim().min(3, 'Give a reason a colleague will understand later').max(500);

export const attentionMethods = {
  /** The work list (all runs, or one). */
  'runs.attention': {
    input: z.object({ runId: id.optional() }).strict(),
    output: z.object({ items: z.array(attentionItem), findings: z.array(finding) }),
  },
  /** A person settles a payment on the work list: paid with a receipt (checked by M-Pesa where it answers), or failed with a reason. */
  'runs.resolve': {
    input: z.discriminatedUnion('outcome', [
      z.object({ itemId: id, outcome: z.literal('paid'), receipt, reason }).strict(),
      z.object({ itemId: id, outcome: z.literal('failed'), reason }).strict(),
    ]),
    output: z.object({
      itemId: id,
      outcome: z.enum(['paid', 'failed']),
      checked: z.enum(['confirmed', 'unchecked']),
      message: z.string(),
    }),
  },
  /** A person has dealt with a finding (recovered the money, or accepted it): it leaves the list. */
  'runs.clearFinding': {
    input: z.object({ findingId: id, note: z.string().trim().min(3, 'Say what was done about it').max(500) }).strict(),
    output: z.object({ cleared: z.literal(true) }),
  },
} as const;
