// The organisation APIs that answer "accepted" at once and POST a Result later: B2C payment
// (v1 and v3), Account Balance, Transaction Status and Reversal (REFERENCE §2–§5).
import { credentialMatches } from './security';
import {
  DarajaRejection,
  invalidField,
  optionalText,
  requireAmountCents,
  requireDigits,
  requireMsisdn,
  requireOneOf,
  requireText,
  requireUrl,
  type DarajaAnswer,
  type RequestBody,
  type SimulatorContext,
} from './context';
import { b2cResultDescriptions } from './model';
import {
  accountBalanceValue,
  b2cSuccessParameters,
  collectionStatusParameters,
  compactTimeNumber,
  paymentStatusParameters,
  resultDocument,
  utilityBalanceLine,
  type ResultHeader,
  type ResultParameter,
} from './results';
import { formatDarajaTime } from '../shared/time';

const successDesc = b2cResultDescriptions[0];

/** The code and description Transaction Status gives for a transaction Daraja has no record of. */
export const unknownTransaction = { resultCode: 'R000002', resultDesc: 'The OriginalTransactionID is invalid.' } as const;

function accepted(originatorConversationId: string, conversationId: string): DarajaAnswer {
  return {
    status: 200,
    body: { ConversationID: conversationId, OriginatorConversationID: originatorConversationId, ResponseCode: '0', ResponseDescription: 'Accept the service request successfully.' },
  };
}

function internalUrl(ctx: SimulatorContext, kind: string): ResultParameter {
  return { Key: 'QueueTimeoutURL', Value: `${ctx.baseUrl}/mpesa/${kind}/v1/submit` };
}

/** Wrong initiator name, password, certificate or shortcode all give 2001 in the Result. */
function initiatorValid(ctx: SimulatorContext, initiator: string, credential: string, partyA: string): boolean {
  return initiator === ctx.credentials.initiatorName && partyA === ctx.credentials.shortcode && credentialMatches(credential, ctx.keys.privateKey, ctx.credentials.initiatorPassword);
}

function organisationName(ctx: SimulatorContext): string {
  return `${ctx.credentials.shortcode} - Mshahara Simulated Organisation`;
}

export function b2cPayment(ctx: SimulatorContext, body: RequestBody, version: 'v1' | 'v3'): DarajaAnswer {
  const callerId = version === 'v3' ? requireText(body, 'OriginatorConversationID', { max: 100 }) : null;
  const initiator = requireText(body, 'InitiatorName');
  const credential = requireText(body, 'SecurityCredential');
  const commandId = requireOneOf(body, 'CommandID', ['SalaryPayment', 'BusinessPayment', 'PromotionPayment']);
  const amountCents = requireAmountCents(body);
  const partyA = requireDigits(body, 'PartyA');
  const partyB = requireMsisdn(body, 'PartyB');
  requireText(body, 'Remarks', { min: 2, max: 100 });
  requireUrl(body, 'QueueTimeOutURL');
  const resultUrl = requireUrl(body, 'ResultURL');
  if (callerId !== null && !ctx.model.claimOriginatorId(callerId)) {
    throw new DarajaRejection('500.002.1001', 'Duplicate OriginatorConversationID.');
  }
  const at = ctx.now();
  const originatorConversationId = callerId ?? ctx.ids.darajaOriginatorId();
  const conversationId = ctx.ids.conversationId(at);
  const header = (resultCode: number, resultDesc: string, transactionId: string): ResultHeader => ({ resultType: 0, resultCode, resultDesc, originatorConversationId, conversationId, transactionId });
  const reference = internalUrl(ctx, 'b2cresults');
  let result;
  if (!initiatorValid(ctx, initiator, credential, partyA)) {
    ctx.model.recordFailure(originatorConversationId, 2001, b2cResultDescriptions[2001]);
    result = resultDocument(header(2001, b2cResultDescriptions[2001], ctx.ids.placeholderReceipt(at)), null, reference);
  } else {
    const outcome = ctx.model.payCustomer({ msisdn: partyB, amountCents, commandId, originatorConversationId, conversationId, at });
    if (!outcome.ok) ctx.model.recordFailure(originatorConversationId, outcome.resultCode, outcome.resultDesc);
    result = outcome.ok
      ? resultDocument(header(0, successDesc, outcome.record.receipt), b2cSuccessParameters(outcome.record, outcome.customerName, outcome.balances), reference)
      : resultDocument(header(outcome.resultCode, outcome.resultDesc, ctx.ids.placeholderReceipt(at)), null, reference);
  }
  ctx.callbacks.schedule(resultUrl, result, 'b2c result');
  return accepted(originatorConversationId, conversationId);
}

interface QueryCommon {
  initiator: string;
  credential: string;
  partyA: string;
}

function queryCommon(body: RequestBody, commandId: string, partyField: string): QueryCommon {
  const initiator = requireText(body, 'Initiator');
  const credential = requireText(body, 'SecurityCredential');
  requireOneOf(body, 'CommandID', [commandId]);
  const partyA = requireDigits(body, partyField, /^\d{5,12}$/);
  return { initiator, credential, partyA };
}

export function accountBalance(ctx: SimulatorContext, body: RequestBody): DarajaAnswer {
  const common = queryCommon(body, 'AccountBalance', 'PartyA');
  requireOneOf(body, 'IdentifierType', ['1', '2', '4']);
  requireText(body, 'Remarks', { max: 100 });
  requireUrl(body, 'QueueTimeOutURL');
  const resultUrl = requireUrl(body, 'ResultURL');
  const at = ctx.now();
  const originatorConversationId = ctx.ids.darajaOriginatorId();
  const conversationId = ctx.ids.conversationId(at);
  const transactionId = ctx.ids.placeholderReceipt(at);
  const reference = internalUrl(ctx, 'abresults');
  // Account Balance results carry ResultType/ResultCode as strings (REFERENCE §3).
  const result = initiatorValid(ctx, common.initiator, common.credential, common.partyA)
    ? resultDocument(
        { resultType: '0', resultCode: '0', resultDesc: 'The service request is processed successfully', originatorConversationId, conversationId, transactionId },
        [
          { Key: 'AccountBalance', Value: accountBalanceValue(ctx.model.balances) },
          { Key: 'BOCompletedTime', Value: formatDarajaTime(at, 'compact') },
        ],
        reference,
      )
    : resultDocument({ resultType: '0', resultCode: '2001', resultDesc: b2cResultDescriptions[2001], originatorConversationId, conversationId, transactionId }, null, reference);
  ctx.callbacks.schedule(resultUrl, result, 'balance result');
  return accepted(originatorConversationId, conversationId);
}

export function transactionStatus(ctx: SimulatorContext, body: RequestBody): DarajaAnswer {
  const common = queryCommon(body, 'TransactionStatusQuery', 'PartyA');
  const receipt = optionalText(body, 'TransactionID').trim();
  const originalId = optionalText(body, 'OriginalConversationID').trim();
  if (receipt === '' && originalId === '') throw invalidField('TransactionID');
  if (receipt !== '' && !/^[A-Z0-9]{10}$/.test(receipt)) throw invalidField('TransactionID');
  requireOneOf(body, 'IdentifierType', ['1', '2', '4']);
  requireText(body, 'Remarks', { max: 100 });
  requireUrl(body, 'QueueTimeOutURL');
  const resultUrl = requireUrl(body, 'ResultURL');
  const occasion = optionalText(body, 'Occasion', 'Occassion');
  const at = ctx.now();
  const originatorConversationId = ctx.ids.darajaOriginatorId();
  const conversationId = ctx.ids.conversationId(at);
  const header = (resultCode: number | string, resultDesc: string): ResultHeader => ({ resultType: 0, resultCode, resultDesc, originatorConversationId, conversationId, transactionId: ctx.ids.placeholderReceipt(at) });
  const reference: ResultParameter = occasion === '' ? { Key: 'Occasion' } : { Key: 'Occasion', Value: occasion };
  let result;
  if (!initiatorValid(ctx, common.initiator, common.credential, common.partyA)) {
    result = resultDocument(header(2001, b2cResultDescriptions[2001]), null, reference);
  } else {
    const payment = ctx.model.findPayment(receipt !== '' ? { receipt } : { originatorConversationId: originalId });
    const collection = payment === null && receipt !== '' ? ctx.model.findCollection(receipt) : null;
    // A B2C M-Pesa processed and refused answers with its own failure, so the caller can settle it.
    const failure = payment === null && receipt === '' ? ctx.model.findFailure(originalId) : null;
    if (payment !== null) {
      result = resultDocument(header(0, successDesc), paymentStatusParameters(payment, organisationName(ctx), ctx.model.customerName(payment.party) ?? ''), reference);
    } else if (failure !== null) {
      result = resultDocument(header(failure.resultCode, failure.resultDesc), null, reference);
    } else if (collection !== null) {
      const name = ctx.model.customerName(collection.msisdn) ?? '';
      result = resultDocument(header(0, successDesc), collectionStatusParameters(collection, organisationName(ctx), name, ctx.ids.conversationId(collection.completedAt)), reference);
    } else {
      result = resultDocument(header(unknownTransaction.resultCode, unknownTransaction.resultDesc), null, reference);
    }
  }
  ctx.callbacks.schedule(resultUrl, result, 'status result');
  return accepted(originatorConversationId, conversationId);
}

export function reversal(ctx: SimulatorContext, body: RequestBody): DarajaAnswer {
  const common = queryCommon(body, 'TransactionReversal', 'ReceiverParty');
  const receipt = requireText(body, 'TransactionID');
  if (!/^[A-Z0-9]{10}$/.test(receipt)) throw invalidField('TransactionID');
  requireAmountCents(body);
  if (optionalText(body, 'RecieverIdentifierType', 'ReceiverIdentifierType') === '') throw invalidField('RecieverIdentifierType');
  requireText(body, 'Remarks', { max: 100 });
  requireUrl(body, 'QueueTimeOutURL');
  const resultUrl = requireUrl(body, 'ResultURL');
  const at = ctx.now();
  const originatorConversationId = ctx.ids.darajaOriginatorId();
  const conversationId = ctx.ids.conversationId(at);
  const reference = internalUrl(ctx, 'reversalresults');
  const header = (resultCode: number | string, resultDesc: string, transactionId: string): ResultHeader => ({ resultType: 0, resultCode, resultDesc, originatorConversationId, conversationId, transactionId });
  let result;
  if (!initiatorValid(ctx, common.initiator, common.credential, common.partyA)) {
    result = resultDocument(header(2001, b2cResultDescriptions[2001], ctx.ids.placeholderReceipt(at)), null, reference);
  } else {
    // The whole original amount goes back; whether Daraja allows part reversals is unconfirmed.
    const outcome = ctx.model.reverse(receipt, at);
    result = outcome.ok
      ? resultDocument(
          header(0, successDesc, outcome.receipt),
          [
            { Key: 'DebitAccountBalance', Value: utilityBalanceLine(outcome.utilityCents) },
            { Key: 'Amount', Value: outcome.collection.amountCents / 100 },
            { Key: 'TransCompletedTime', Value: compactTimeNumber(at) },
            { Key: 'OriginalTransactionID', Value: receipt },
            { Key: 'Charge', Value: 0 },
            { Key: 'CreditPartyPublicName', Value: `${outcome.collection.msisdn} - ${outcome.customerName}` },
            { Key: 'DebitPartyPublicName', Value: organisationName(ctx) },
          ],
          reference,
        )
      : resultDocument(header(outcome.resultCode, outcome.resultDesc, ctx.ids.placeholderReceipt(at)), null, reference);
  }
  ctx.callbacks.schedule(resultUrl, result, 'reversal result');
  return accepted(originatorConversationId, conversationId);
}
