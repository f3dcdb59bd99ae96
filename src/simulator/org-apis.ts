// The organisation APIs that answer "accepted" at once and POST a Result later: Account Balance,
// Transaction Status and Reversal (REFERENCE §3–§5); B2C payment is in b2c.ts.
import { partyName, reversalAmountRefused } from './faults';
import { credentialMatches } from './security';
import {
  invalidField,
  optionalText,
  requireAmountCents,
  requireDigits,
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
  collectionStatusParameters,
  compactTimeNumber,
  failedPaymentStatusParameters,
  paymentStatusParameters,
  resultDocument,
  reversalStatusParameters,
  utilityBalanceLine,
  type ResultHeader,
  type ResultParameter,
} from './results';
import { formatDarajaTime } from '../shared/time';

const successDesc = b2cResultDescriptions[0];

/**
 * The code and description of Daraja's "no such transaction" for a Reversal (REFERENCE §5). Transaction
 * Status answers the configurable statusNotFoundCode instead (default SFC_IC0003, see faults.ts).
 */
export const unknownTransaction = {
  resultCode: 'R000002',
  resultDesc: 'The OriginalTransactionID is invalid.',
} as const;

export function accepted(originatorConversationId: string, conversationId: string): DarajaAnswer {
  return {
    status: 200,
    body: {
      ConversationID: conversationId,
      OriginatorConversationID: originatorConversationId,
      ResponseCode: '0',
      ResponseDescription: 'Accept the service request successfully.',
    },
  };
}

export function internalUrl(ctx: SimulatorContext, kind: string): ResultParameter {
  return { Key: 'QueueTimeoutURL', Value: `${ctx.baseUrl}/mpesa/${kind}/v1/submit` };
}

/** Wrong initiator name, password, certificate or shortcode all give 2001 in the Result. */
export function initiatorValid(ctx: SimulatorContext, initiator: string, credential: string, partyA: string): boolean {
  return (
    initiator === ctx.credentials.initiatorName &&
    partyA === ctx.credentials.shortcode &&
    credentialMatches(credential, ctx.keys.privateKey, ctx.credentials.initiatorPassword)
  );
}

function organisationName(ctx: SimulatorContext): string {
  return `${ctx.credentials.shortcode} - Mshahara Simulated Organisation`;
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
        {
          resultType: '0',
          resultCode: '0',
          resultDesc: 'The service request is processed successfully',
          originatorConversationId,
          conversationId,
          transactionId,
        },
        [
          { Key: 'AccountBalance', Value: accountBalanceValue(ctx.model.balances) },
          { Key: 'BOCompletedTime', Value: formatDarajaTime(at, 'compact') },
        ],
        reference,
      )
    : resultDocument(
        {
          resultType: '0',
          resultCode: '2001',
          resultDesc: b2cResultDescriptions[2001],
          originatorConversationId,
          conversationId,
          transactionId,
        },
        null,
        reference,
      );
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
  const header = (resultCode: number | string, resultDesc: string): ResultHeader => ({
    resultType: 0,
    resultCode,
    resultDesc,
    originatorConversationId,
    conversationId,
    transactionId: ctx.ids.placeholderReceipt(at),
  });
  const reference: ResultParameter = occasion === '' ? { Key: 'Occasion' } : { Key: 'Occasion', Value: occasion };
  let result;
  if (!initiatorValid(ctx, common.initiator, common.credential, common.partyA)) {
    result = resultDocument(header(2001, b2cResultDescriptions[2001]), null, reference);
  } else {
    const payment = ctx.model.findPayment(receipt !== '' ? { receipt } : { originatorConversationId: originalId });
    const collection = payment === null && receipt !== '' ? ctx.model.findCollection(receipt) : null;
    // A B2C M-Pesa processed and refused answers with its own failure, so the caller can settle it.
    const failure = payment === null && receipt === '' ? ctx.model.findFailure(originalId) : null;
    // A reversal is found by its own receipt, or by Daraja's OriginatorConversationID of its request.
    const reversalMade =
      payment === null && failure === null
        ? ctx.model.findReversal(receipt !== '' ? { receipt } : { originatorConversationId: originalId })
        : null;
    const unavailable = ctx.faults.statusUnavailable();
    if (unavailable !== null) {
      // An answer about the query (role, internal failure, permissions), whatever the payment did.
      result = resultDocument(header(unavailable.resultCode, unavailable.resultDesc), null, reference);
    } else if (payment !== null) {
      const creditParty = partyName(payment.party, ctx.model.customerName(payment.party) ?? '', ctx.faults.partyForm());
      result = resultDocument(
        header(0, successDesc),
        paymentStatusParameters(payment, organisationName(ctx), creditParty),
        reference,
      );
    } else if (failure !== null && ctx.faults.statusForFailed() !== 'not-found') {
      if (ctx.faults.statusForFailed() === 'failed-status') {
        const creditParty = partyName(
          failure.party,
          ctx.model.customerName(failure.party) ?? '',
          ctx.faults.partyForm(),
        );
        result = resultDocument(
          header(0, successDesc),
          failedPaymentStatusParameters(
            failure,
            organisationName(ctx),
            creditParty,
            ctx.ids.placeholderReceipt(new Date(failure.at)),
          ),
          reference,
        );
      } else {
        result = resultDocument(header(failure.resultCode, failure.resultDesc), null, reference);
      }
    } else if (reversalMade !== null) {
      result = resultDocument(
        header(0, successDesc),
        reversalStatusParameters(
          reversalMade,
          organisationName(ctx),
          ctx.model.customerName(reversalMade.msisdn) ?? '',
        ),
        reference,
      );
    } else if (collection !== null) {
      const name = ctx.model.customerName(collection.msisdn) ?? '';
      result = resultDocument(
        header(0, successDesc),
        collectionStatusParameters(
          collection,
          organisationName(ctx),
          name,
          ctx.ids.conversationId(collection.completedAt),
          ctx.faults.partyForm(),
        ),
        reference,
      );
    } else {
      // Never received, or accepted and not processed yet (processing lag): "not found".
      const notFound = ctx.faults.statusNotFound();
      result = resultDocument(header(notFound.resultCode, notFound.resultDesc), null, reference);
    }
  }
  ctx.callbacks.schedule(resultUrl, result, 'status result');
  return accepted(originatorConversationId, conversationId);
}

export function reversal(ctx: SimulatorContext, body: RequestBody): DarajaAnswer {
  const common = queryCommon(body, 'TransactionReversal', 'ReceiverParty');
  const receipt = requireText(body, 'TransactionID');
  if (!/^[A-Z0-9]{10}$/.test(receipt)) throw invalidField('TransactionID');
  const askedCents = requireAmountCents(body);
  if (optionalText(body, 'RecieverIdentifierType', 'ReceiverIdentifierType') === '')
    throw invalidField('RecieverIdentifierType');
  requireText(body, 'Remarks', { max: 100 });
  requireUrl(body, 'QueueTimeOutURL');
  const resultUrl = requireUrl(body, 'ResultURL');
  const at = ctx.now();
  const originatorConversationId = ctx.ids.darajaOriginatorId();
  const conversationId = ctx.ids.conversationId(at);
  const reference = internalUrl(ctx, 'reversalresults');
  const header = (resultCode: number | string, resultDesc: string, transactionId: string): ResultHeader => ({
    resultType: 0,
    resultCode,
    resultDesc,
    originatorConversationId,
    conversationId,
    transactionId,
  });
  let result;
  if (!initiatorValid(ctx, common.initiator, common.credential, common.partyA)) {
    result = resultDocument(header(2001, b2cResultDescriptions[2001], ctx.ids.placeholderReceipt(at)), null, reference);
  } else {
    // What Daraja does with Amount is unconfirmed (REFERENCE §15 item 11): the reversalAmount switch plays each answer.
    const rule = ctx.faults.reversalAmount();
    const original = ctx.model.findCollection(receipt);
    const outcome =
      rule === 'must-match' && original !== null && original.reversedBy === null && askedCents !== original.amountCents
        ? { ok: false as const, ...reversalAmountRefused }
        : ctx.model.reverse(receipt, at, rule === 'as-asked' ? askedCents : undefined);
    const reversedCents = outcome.ok ? (outcome.collection.reversedCents ?? outcome.collection.amountCents) : 0;
    if (outcome.ok)
      ctx.model.noteReversal({
        receipt: outcome.receipt,
        originalReceipt: receipt,
        amountCents: reversedCents,
        msisdn: outcome.collection.msisdn,
        at,
        originatorConversationId,
        original: 'collection',
      });
    result = outcome.ok
      ? resultDocument(
          header(0, successDesc, outcome.receipt),
          [
            { Key: 'DebitAccountBalance', Value: utilityBalanceLine(outcome.utilityCents) },
            { Key: 'Amount', Value: reversedCents / 100 },
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
