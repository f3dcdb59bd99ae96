// What Mshahara understands from a Daraja callback: one typed event per callback family, money in
// cents, times as instants, phone numbers as 12-digit MSISDNs. Fields Daraja may omit are null.
import type { Cents } from '../../../shared/money';

/** The relay's URL kinds (docs/relay.md#how-it-works): where Daraja posted the body. */
export { callbackKinds, type CallbackKind } from '../../../shared/callback-kinds';

/** The header every `{"Result": {...}}` document carries (B2C, balance, status, reversal). */
export interface ResultHeader {
  /** "0" completed, "1" waiting for further messages. */
  resultType: string | null;
  /** Normalised: "0", "2001", "R000002", "SFC_IC0003". */
  resultCode: string;
  resultDesc: string;
  originatorConversationId: string;
  conversationId: string;
  /** On success the receipt; on failure a placeholder such as "NLJ0000000". */
  transactionId: string | null;
  /** ReferenceData items by key ("QueueTimeoutURL", "Occasion"); an item without a value is null. */
  reference: Record<string, string | null>;
}

export interface B2cResultEvent extends ResultHeader {
  type: 'b2c-result';
  receipt: string | null;
  amountCents: Cents | null;
  receiverPartyPublicName: string | null;
  receiverMsisdn: string | null;
  receiverName: string | null;
  completedAt: Date | null;
  utilityAvailableCents: Cents | null;
  workingAvailableCents: Cents | null;
  chargesPaidAvailableCents: Cents | null;
  recipientRegistered: boolean | null;
}

/** A QueueTimeOutURL post: the request waited too long in Daraja's queue; the outcome is unknown. */
export interface QueueTimeoutEvent {
  type: 'queue-timeout';
  originatorConversationId: string | null;
  conversationId: string | null;
  resultCode: string | null;
  resultDesc: string | null;
}

export interface AccountBalance {
  name: string;
  currency: string;
  currentCents: Cents;
  availableCents: Cents | null;
  reservedCents: Cents | null;
  unclearedCents: Cents | null;
}

export interface BalanceResultEvent extends ResultHeader {
  type: 'balance-result';
  accounts: AccountBalance[];
  completedAt: Date | null;
}

export interface StatusResultEvent extends ResultHeader {
  type: 'status-result';
  receipt: string | null;
  transactionStatus: string | null;
  amountCents: Cents | null;
  creditPartyPublicName: string | null;
  creditPartyMsisdn: string | null;
  creditPartyName: string | null;
  debitPartyName: string | null;
  debitAccountType: string | null;
  /** The queried transaction's ids (inside ResultParameters), not the query's own. */
  transactionOriginatorConversationId: string | null;
  transactionConversationId: string | null;
  initiatedAt: Date | null;
  finalisedAt: Date | null;
  /** "Fee For B2C Payment|KES|22.40" → 2240; null when empty or absent. */
  debitPartyChargesCents: Cents | null;
  reasonType: string | null;
  transactionReason: string | null;
}

export interface ReversalResultEvent extends ResultHeader {
  type: 'reversal-result';
  /** The reversal's own receipt (TransactionID) on success. */
  receipt: string | null;
  originalTransactionId: string | null;
  amountCents: Cents | null;
  chargeCents: Cents | null;
  debitAccountBalance: AccountBalance | null;
  creditPartyPublicName: string | null;
  debitPartyPublicName: string | null;
  completedAt: Date | null;
}

export interface StkCallbackEvent {
  type: 'stk-callback';
  merchantRequestId: string;
  checkoutRequestId: string;
  resultCode: string;
  /** Without the old "[STK_CB - ]" / "[MpesaCB - ]" prefixes. */
  resultDesc: string;
  amountCents: Cents | null;
  receipt: string | null;
  transactionDate: Date | null;
  phone: string | null;
}

/** How Daraja wrote the payer's number: clear (pre-2021), masked (C2B v2) or SHA-256 hex (C2B v1). */
export type MsisdnKind = 'plain' | 'masked' | 'hashed' | 'other';

export interface C2bPaymentFields {
  transactionType: string | null;
  /** TransID: the M-Pesa receipt of the customer's payment. */
  receipt: string;
  transTime: Date;
  amountCents: Cents;
  businessShortCode: string;
  billRef: string | null;
  invoiceNumber: string | null;
  /** Blank in validation; the Utility balance after the payment in confirmation. */
  orgAccountBalanceCents: Cents | null;
  thirdPartyTransId: string | null;
  msisdn: string;
  msisdnKind: MsisdnKind;
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
}

export interface C2bValidationEvent extends C2bPaymentFields {
  type: 'c2b-validation';
}

export interface C2bConfirmationEvent extends C2bPaymentFields {
  type: 'c2b-confirmation';
}

export type DarajaEvent =
  | B2cResultEvent
  | QueueTimeoutEvent
  | BalanceResultEvent
  | StatusResultEvent
  | ReversalResultEvent
  | StkCallbackEvent
  | C2bValidationEvent
  | C2bConfirmationEvent;

export interface ParseError {
  reason: string;
  /** Where in the body: "Result.ResultParameters.TransactionAmount". */
  path?: string;
}

export type ParseResult = { ok: true; event: DarajaEvent } | { ok: false; error: ParseError };
