// Builders for the `{"Result": {...}}` documents POSTed to ResultURL (REFERENCE §2.4, §2.5, §3, §4,
// §5), field for field as Daraja's samples, including their inconsistent number/string types.
import { formatDarajaTime } from '../shared/time';
import { centsToDecimalString, centsToShillings } from './model';
import type { Balances, Collection, FailureRecord, PaymentRecord, ReversalRecord } from './model';
import { partyName, type PartyForm } from './faults';

export type ParameterValue = string | number;
export type ResultParameter = { Key: string; Value?: ParameterValue };

export interface ResultHeader {
  resultType: number | string;
  resultCode: number | string;
  resultDesc: string;
  originatorConversationId: string;
  conversationId: string;
  transactionId: string;
}

export function resultDocument(
  header: ResultHeader,
  parameters: ResultParameter[] | null,
  referenceItem: ResultParameter,
): { Result: Record<string, unknown> } {
  const result: Record<string, unknown> = {
    ResultType: header.resultType,
    ResultCode: header.resultCode,
    ResultDesc: header.resultDesc,
    OriginatorConversationID: header.originatorConversationId,
    ConversationID: header.conversationId,
    TransactionID: header.transactionId,
  };
  if (parameters !== null) result.ResultParameters = { ResultParameter: parameters };
  result.ReferenceData = { ReferenceItem: referenceItem };
  return { Result: result };
}

/** Daraja's compact timestamp as a JSON number (20211114132711), as several results carry it. */
export function compactTimeNumber(at: Date): number {
  return Number(formatDarajaTime(at, 'compact'));
}

/** `publicName` is the party as the Result names it, e.g. `254708374149 - JOHN DOE` (see partyName). */
export function b2cSuccessParameters(record: PaymentRecord, publicName: string, balances: Balances): ResultParameter[] {
  return [
    { Key: 'TransactionAmount', Value: centsToShillings(record.amountCents) },
    { Key: 'TransactionReceipt', Value: record.receipt },
    { Key: 'ReceiverPartyPublicName', Value: publicName },
    { Key: 'TransactionCompletedDateTime', Value: formatDarajaTime(new Date(record.completedAt), 'dotted') },
    { Key: 'B2CUtilityAccountAvailableFunds', Value: centsToShillings(balances.utilityCents) },
    { Key: 'B2CWorkingAccountAvailableFunds', Value: centsToShillings(balances.workingCents) },
    { Key: 'B2CRecipientIsRegisteredCustomer', Value: 'Y' },
    { Key: 'B2CChargesPaidAccountAvailableFunds', Value: centsToShillings(balances.chargesPaidCents) },
  ];
}

function balanceLine(name: string, cents: number): string {
  const amount = centsToDecimalString(cents);
  return `${name}|KES|${amount}|${amount}|0.00|0.00`;
}

/** `Working Account|KES|…&Utility Account|…&Charges Paid Account|…&Organization Settlement Account|…` */
export function accountBalanceValue(balances: Balances): string {
  return [
    balanceLine('Working Account', balances.workingCents),
    balanceLine('Utility Account', balances.utilityCents),
    balanceLine('Charges Paid Account', balances.chargesPaidCents),
    balanceLine('Organization Settlement Account', balances.settlementCents),
  ].join('&');
}

export function utilityBalanceLine(utilityCents: number): string {
  return balanceLine('Utility Account', utilityCents);
}

const reasonTypes: Record<string, string> = {
  SalaryPayment: 'Salary Payment via API',
  BusinessPayment: 'Business Payment to Customer via API',
  PromotionPayment: 'Promotion Payment via API',
};

/** `creditPartyName` as the answer names the customer, e.g. `254708374149 - JOHN DOE` (see partyName). */
export function paymentStatusParameters(
  record: PaymentRecord,
  organisationName: string,
  creditPartyName: string,
): ResultParameter[] {
  const completed = compactTimeNumber(new Date(record.completedAt));
  return [
    { Key: 'DebitPartyName', Value: organisationName },
    { Key: 'CreditPartyName', Value: creditPartyName },
    { Key: 'OriginatorConversationID', Value: record.originatorConversationId },
    { Key: 'InitiatedTime', Value: completed },
    { Key: 'DebitAccountType', Value: 'Utility Account' },
    {
      Key: 'DebitPartyCharges',
      Value: record.chargeCents > 0 ? `Fee For B2C Payment|KES|${centsToDecimalString(record.chargeCents)}` : '',
    },
    { Key: 'TransactionReason' },
    { Key: 'ReasonType', Value: reasonTypes[record.commandId] ?? 'Business Payment to Customer via API' },
    { Key: 'TransactionStatus', Value: 'Completed' },
    { Key: 'FinalisedTime', Value: completed },
    { Key: 'Amount', Value: String(record.amountCents / 100) },
    { Key: 'ConversationID', Value: record.conversationId },
    { Key: 'ReceiptNo', Value: record.receipt },
  ];
}

/** A refused B2C as the 'failed-status' choice answers it: the usual keys, TransactionStatus "Failed", no receipt or charge. */
export function failedPaymentStatusParameters(
  failure: FailureRecord,
  organisationName: string,
  creditPartyName: string,
  placeholderReceipt: string,
): ResultParameter[] {
  const at = compactTimeNumber(new Date(failure.at));
  return [
    { Key: 'DebitPartyName', Value: organisationName },
    { Key: 'CreditPartyName', Value: creditPartyName },
    { Key: 'OriginatorConversationID', Value: failure.originatorConversationId },
    { Key: 'InitiatedTime', Value: at },
    { Key: 'DebitAccountType', Value: 'Utility Account' },
    { Key: 'DebitPartyCharges', Value: '' },
    { Key: 'TransactionReason' },
    { Key: 'ReasonType', Value: reasonTypes[failure.commandId] ?? 'Business Payment to Customer via API' },
    { Key: 'TransactionStatus', Value: 'Failed' },
    { Key: 'FinalisedTime', Value: at },
    { Key: 'Amount', Value: String(failure.amountCents / 100) },
    { Key: 'ConversationID', Value: failure.conversationId },
    { Key: 'ReceiptNo', Value: placeholderReceipt },
  ];
}

export function collectionStatusParameters(
  collection: Collection,
  organisationName: string,
  customerName: string,
  conversationId: string,
  form: PartyForm = 'full',
): ResultParameter[] {
  const completed = compactTimeNumber(collection.completedAt);
  return [
    // The payer, in full, masked or local as masked-party picks (REFERENCE §15: how TS shows a payer is unconfirmed).
    { Key: 'DebitPartyName', Value: partyName(collection.msisdn, customerName, form) },
    { Key: 'CreditPartyName', Value: organisationName },
    { Key: 'OriginatorConversationID', Value: '' },
    { Key: 'InitiatedTime', Value: completed },
    { Key: 'DebitAccountType', Value: 'MMF Account For Customer' },
    { Key: 'DebitPartyCharges', Value: '' },
    { Key: 'TransactionReason' },
    { Key: 'ReasonType', Value: collection.kind === 'stk' ? 'Pay Bill Online' : 'Pay Bill' },
    { Key: 'TransactionStatus', Value: collection.reversedBy === null ? 'Completed' : 'Reversed' },
    { Key: 'FinalisedTime', Value: completed },
    { Key: 'Amount', Value: String(collection.amountCents / 100) },
    { Key: 'ConversationID', Value: conversationId },
    { Key: 'ReceiptNo', Value: collection.receipt },
  ];
}

/** Transaction Status parameters for a reversal M-Pesa made: money from the organisation back to the customer. */
export function reversalStatusParameters(
  reversal: ReversalRecord,
  organisationName: string,
  customerName: string,
): ResultParameter[] {
  const completed = compactTimeNumber(reversal.at);
  const customer = `${reversal.msisdn} - ${customerName}`;
  const toCustomer = reversal.original === 'collection';
  return [
    { Key: 'DebitPartyName', Value: toCustomer ? organisationName : customer },
    { Key: 'CreditPartyName', Value: toCustomer ? customer : organisationName },
    { Key: 'OriginatorConversationID', Value: reversal.originatorConversationId ?? '' },
    { Key: 'InitiatedTime', Value: completed },
    { Key: 'DebitAccountType', Value: toCustomer ? 'Utility Account' : 'MMF Account For Customer' },
    { Key: 'DebitPartyCharges', Value: '' },
    { Key: 'TransactionReason' },
    { Key: 'ReasonType', Value: reversal.reasonType ?? 'Reversal' },
    { Key: 'TransactionStatus', Value: 'Completed' },
    { Key: 'FinalisedTime', Value: completed },
    { Key: 'Amount', Value: String(reversal.amountCents / 100) },
    { Key: 'ConversationID', Value: '' },
    { Key: 'ReceiptNo', Value: reversal.receipt },
  ];
}
