// Money coming in, in the contract: asking a customer to pay by M-Pesa Express (STK Push) with its
// live status, asking again, the money received (C2B and STK), the customers' payments that wait
// for M-Pesa's confirmation or for a person, and registering the C2B URLs.
import { z } from 'zod';
import { cents, empty, id, isoInstant, msisdn } from './common';

export const collectionStates = [
  'asked',
  'sent',
  'refused',
  'unknown',
  'paid',
  'paid_no_receipt',
  'declined',
  'needs_person',
] as const;

export const receivedCheckStates = [
  'checking',
  'recorded',
  'duplicate',
  'amount_mismatch',
  'unmatched',
  'other_receiver',
  'needs_person',
] as const;

export const collectionRequestView = z.object({
  id,
  phone: msisdn,
  amountCents: cents,
  accountReference: z.string(),
  askedBy: z.string(),
  askedAt: isoInstant,
  state: z.enum(collectionStates),
  /** Where it stands, in the admin's words. */
  status: z.string(),
  note: z.string().nullable(),
  receipt: z.string().nullable(),
  transactionId: id.nullable(),
  /** Daraja's id for the prompt, shown as small detail. */
  checkoutRequestId: z.string().nullable(),
  againOf: id.nullable(),
  askedAgainAs: id.nullable(),
  canAskAgain: z.boolean(),
  /** A person may give the receipt of a request paid without one, or never answered. */
  canEnterReceipt: z.boolean(),
  /** Words for a person to look at it (M-Pesa said declined, then paid); null when nothing. */
  attention: z.string().nullable(),
  waiting: z.boolean(),
});
export type CollectionRequestView = z.output<typeof collectionRequestView>;

export const receivedMoneyView = z.object({
  id,
  receipt: z.string().nullable(),
  occurredAt: isoInstant,
  kind: z.enum(['c2b_payment', 'stk_payment']),
  amountCents: cents,
  phone: msisdn.nullable(),
  partyName: z.string().nullable(),
  partyDisplay: z.string().nullable(),
  accountReference: z.string().nullable(),
});
export type ReceivedMoneyView = z.output<typeof receivedMoneyView>;

export const waitingPaymentView = z.object({
  inboxId: id,
  receipt: z.string(),
  amountCents: cents,
  state: z.enum(receivedCheckStates),
  words: z.string(),
  tries: z.number().int().min(0),
  receivedAt: isoInstant,
  canCheckAgain: z.boolean(),
});
export type WaitingPaymentView = z.output<typeof waitingPaymentView>;

/** An M-Pesa Express success no request holds that M-Pesa could not confirm: before a person. */
export const unconfirmedSuccessView = z.object({
  inboxId: id,
  receipt: z.string(),
  phone: z.string().nullable(),
  amountCents: cents,
  receivedAt: isoInstant,
  words: z.string(),
});
export type UnconfirmedSuccessView = z.output<typeof unconfirmedSuccessView>;

const accountReference = z
  .string()
  .trim()
  .min(1, 'Give an account reference the customer will recognise')
  .max(12, 'M-Pesa shows at most 12 characters of the account reference');

export const collectionMethods = {
  /** Asks a customer to pay: the prompt goes to their phone once. */
  'collections.request': {
    input: z
      .object({
        phone: z.string().trim().min(1, 'Give the customer’s M-Pesa number').max(20),
        amountCents: cents.refine((value) => value >= 100, 'M-Pesa Express asks for at least KES 1'),
        accountReference,
        description: z.string().trim().min(1).max(13).optional(),
      })
      .strict(),
    output: collectionRequestView,
  },
  /** The requests, the money received and what waits, newest first. */
  'collections.list': {
    input: empty,
    output: z.object({
      requests: z.array(collectionRequestView),
      received: z.array(receivedMoneyView),
      waiting: z.array(waitingPaymentView),
      unconfirmed: z.array(unconfirmedSuccessView),
    }),
  },
  'collections.detail': {
    input: z.object({ id }).strict(),
    output: collectionRequestView,
  },
  /** A person asks the customer again, knowing an earlier prompt may have reached them. */
  'collections.askAgain': {
    input: z.object({ id }).strict(),
    output: collectionRequestView,
  },
  /** Registers the confirmation and validation URLs of the profile's shortcode with M-Pesa. */
  'collections.registerUrls': {
    input: empty,
    output: z.object({
      registered: z.boolean(),
      words: z.string(),
      shortcode: z.string(),
      confirmationUrl: z.string(),
      validationUrl: z.string(),
    }),
  },
  /** A person gives the receipt of a request; recorded only when Transaction Status confirms it. */
  'collections.recordReceipt': {
    input: z
      .object({
        id,
        receipt: z
          .string()
          .trim()
          .toUpperCase()
          .regex(/^[A-Z0-9]{10}$/, 'An M-Pesa receipt is 10 letters and digits, like QKH94M1Z11'),
      })
      .strict(),
    output: collectionRequestView,
  },
  /**
   * A person says they looked at what a request asked them to (M-Pesa said declined, then paid):
   * the words leave the request, and the audit log keeps them with who checked and what they found.
   */
  'collections.markChecked': {
    input: z
      .object({
        id,
        note: z.string().trim().min(3, 'Say what you found (at least 3 characters)').max(200, 'At most 200 characters'),
      })
      .strict(),
    output: collectionRequestView,
  },
  /**
   * A person settles an M-Pesa Express success no payment request holds and M-Pesa's lookup could
   * not confirm, saying what they found on the M-Pesa portal or statement: it leaves the work list
   * and no longer holds up asking the customer again. Nothing is recorded.
   */
  'collections.settleSuccess': {
    input: z
      .object({
        inboxId: id,
        note: z.string().trim().min(3, 'Say what you found (at least 3 characters)').max(200, 'At most 200 characters'),
      })
      .strict(),
    output: z.object({ inboxId: id, settledAt: isoInstant }),
  },
  /** Asks M-Pesa again about a customer's payment that waits for a person. */
  'received.checkAgain': {
    input: z.object({ inboxId: id }).strict(),
    output: waitingPaymentView,
  },
} as const;
