// B2C payment requests (v1 and v3, REFERENCE §2): accepted at once, processed after the processing
// lag. What happens to an accepted request is decided when it is accepted: processed and answered
// by a Result, timed out in the queue (processed anyway or not), or throttled asynchronously. The
// OriginatorConversationID is claimed at acceptance and released only when nothing was processed.
import {
  DarajaRejection,
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
import { partyName, queueTimeoutAnswer } from './faults';
import { b2cResultDescriptions, type FailureRecord } from './model';
import { accepted, initiatorValid, internalUrl } from './org-apis';
import { b2cSuccessParameters, resultDocument, type ResultHeader } from './results';
import type { PendingB2c } from './store';

export interface B2cStats {
  accepted: number;
  processed: number;
  queueTimeouts: number;
  /** Queue timeouts whose payment M-Pesa processed anyway (money moved, no Result). */
  queueTimeoutsProcessed: number;
  throttled: number;
}

export function newB2cStats(): B2cStats {
  return { accepted: 0, processed: 0, queueTimeouts: 0, queueTimeoutsProcessed: 0, throttled: 0 };
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
  const queueTimeoutUrl = requireUrl(body, 'QueueTimeOutURL');
  const resultUrl = requireUrl(body, 'ResultURL');
  const at = ctx.now();
  const pending = ctx.model.atomically((): PendingB2c | null => {
    if (callerId !== null && !ctx.model.claimOriginatorId(callerId, at.getTime(), ctx.faults.duplicateWindowMs()))
      return null;
    const originatorConversationId = callerId ?? ctx.ids.darajaOriginatorId();
    const conversationId = ctx.ids.conversationId(at);
    const resultOriginatorId =
      callerId !== null && !ctx.faults.echoOriginatorId() ? ctx.ids.resultOriginatorId() : originatorConversationId;
    const fate = ctx.faults.b2cFate();
    const p: PendingB2c = {
      originatorConversationId,
      resultOriginatorId,
      conversationId,
      version,
      msisdn: partyB,
      amountCents,
      commandId,
      initiatorValid: initiatorValid(ctx, initiator, credential, partyA),
      resultUrl,
      queueTimeoutUrl,
      fate:
        fate.kind === 'queue-timeout'
          ? fate.processed
            ? 'queue-timeout-processed'
            : 'queue-timeout-unprocessed'
          : fate.kind,
      throttle: fate.kind === 'throttle' ? { resultCode: fate.resultCode, resultDesc: fate.resultDesc } : null,
      acceptedAt: at.toISOString(),
      dueAtMs: at.getTime() + ctx.faults.processingLagMs(),
    };
    ctx.model.addPending(p);
    return p;
  });
  if (pending === null) throw new DarajaRejection('500.002.1001', 'Duplicate OriginatorConversationID.');
  ctx.b2cStats.accepted += 1;
  scheduleProcessing(ctx, pending, at.getTime());
  return accepted(pending.originatorConversationId, pending.conversationId);
}

/** Processes now when due (no lag: before the acceptance is answered, as M-Pesa's fastest path), else later. */
export function scheduleProcessing(ctx: SimulatorContext, pending: PendingB2c, nowMs: number): void {
  const delay = pending.dueAtMs - nowMs;
  if (delay <= 0) processPending(ctx, pending.conversationId);
  else ctx.callbacks.later(delay, () => processPending(ctx, pending.conversationId));
}

interface Outgoing {
  url: string;
  body: unknown;
  what: string;
}

/** The processing M-Pesa does after the lag: money moves (or not) and the Result or timeout goes out. */
export function processPending(ctx: SimulatorContext, conversationId: string): void {
  const at = ctx.now();
  const outgoing = ctx.model.atomically((): Outgoing[] => {
    const p = ctx.model.takePending(conversationId);
    if (p === null) return [];
    const header = (resultCode: number | string, resultDesc: string, transactionId: string): ResultHeader => ({
      resultType: 0,
      resultCode,
      resultDesc,
      originatorConversationId: p.resultOriginatorId,
      conversationId: p.conversationId,
      transactionId,
    });
    const reference = internalUrl(ctx, 'b2cresults');
    const claimedAtMs = new Date(p.acceptedAt).getTime();
    const queueTimeout = (): Outgoing => ({
      url: p.queueTimeoutUrl,
      body: resultDocument(
        header(queueTimeoutAnswer.resultCode, queueTimeoutAnswer.resultDesc, ctx.ids.placeholderReceipt(at)),
        null,
        reference,
      ),
      what: 'b2c queue timeout',
    });
    switch (p.fate) {
      case 'throttle': {
        ctx.b2cStats.throttled += 1;
        if (p.version === 'v3') ctx.model.releaseOriginatorId(p.originatorConversationId, claimedAtMs);
        const throttle = p.throttle ?? { resultCode: 26, resultDesc: 'System busy' };
        return [
          {
            url: p.resultUrl,
            body: resultDocument(
              header(throttle.resultCode, throttle.resultDesc, ctx.ids.placeholderReceipt(at)),
              null,
              reference,
            ),
            what: 'b2c result',
          },
        ];
      }
      case 'queue-timeout-unprocessed':
        ctx.b2cStats.queueTimeouts += 1;
        if (p.version === 'v3') ctx.model.releaseOriginatorId(p.originatorConversationId, claimedAtMs);
        return [queueTimeout()];
      case 'queue-timeout-processed':
        ctx.b2cStats.queueTimeouts += 1;
        ctx.b2cStats.queueTimeoutsProcessed += 1;
        ctx.b2cStats.processed += 1;
        pay(ctx, p, at, header);
        return [queueTimeout()];
      case 'process':
        ctx.b2cStats.processed += 1;
        return [{ url: p.resultUrl, body: resultDocument(...pay(ctx, p, at, header), reference), what: 'b2c result' }];
      default: {
        const unreachable: never = p.fate;
        throw new Error(`unknown B2C fate ${String(unreachable)}`);
      }
    }
  });
  for (const o of outgoing) ctx.callbacks.schedule(o.url, o.body, o.what);
}

/** Moves the money or records the definitive failure; answers the Result's header and parameters. */
function pay(
  ctx: SimulatorContext,
  p: PendingB2c,
  at: Date,
  header: (resultCode: number, resultDesc: string, transactionId: string) => ResultHeader,
): [ResultHeader, ReturnType<typeof b2cSuccessParameters> | null] {
  const fail = (resultCode: number, resultDesc: string): [ResultHeader, null] => {
    const failure: FailureRecord = {
      originatorConversationId: p.originatorConversationId,
      conversationId: p.conversationId,
      party: p.msisdn,
      amountCents: p.amountCents,
      commandId: p.commandId,
      resultCode,
      resultDesc,
      at: at.toISOString(),
    };
    ctx.model.recordFailure(failure);
    return [header(resultCode, resultDesc, ctx.ids.placeholderReceipt(at)), null];
  };
  if (!p.initiatorValid) return fail(2001, b2cResultDescriptions[2001]);
  // fail-payee: this payee's first processed payment fails for good; a later one (new ID) succeeds.
  const payeeFailure = ctx.model.hasProcessedFor(p.msisdn) ? null : ctx.faults.payeeFailure(p.msisdn);
  if (payeeFailure !== null && ctx.model.customerName(p.msisdn) !== null)
    return fail(payeeFailure, b2cResultDescriptions[payeeFailure]);
  const outcome = ctx.model.payCustomer({
    msisdn: p.msisdn,
    amountCents: p.amountCents,
    commandId: p.commandId,
    originatorConversationId: p.originatorConversationId,
    conversationId: p.conversationId,
    at,
    extraChargeCents: ctx.faults.current().chargeExtraCents,
  });
  if (!outcome.ok) return fail(outcome.resultCode, outcome.resultDesc);
  const publicName = partyName(outcome.record.party, outcome.customerName, ctx.faults.partyForm());
  return [
    header(0, b2cResultDescriptions[0], outcome.record.receipt),
    b2cSuccessParameters(outcome.record, publicName, outcome.balances),
  ];
}
