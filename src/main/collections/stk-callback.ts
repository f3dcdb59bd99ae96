// An M-Pesa Express (STK) callback is evidence about one payment request, matched by the IDs
// Daraja gave the push (CheckoutRequestID, MerchantRequestID). A success becomes money received
// only when it names a request Mshahara made, for its amount and phone; anything else is flagged
// on its inbox entry and records nothing. A success whose IDs no request has yet waits, flagged:
// its request's push answer may still come (request-payment.ts applies it then), or, for a push
// whose answer was lost, Transaction Status must confirm it first (stk-unmatched.ts). Copies of a
// callback already applied are marked copies; a receipt never pays two requests.
import { describeResultCode } from '../../shared/daraja/codes';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { StkCallbackEvent } from '../daraja/callbacks/events';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { markInbox, type InboxFlag } from '../payroll/engine/settle';
import { ledgerRowForReceipt, recordReceived } from './record';
import {
  chainOf,
  moveRequest,
  requestByCheckoutId,
  requestById,
  requestByMerchantId,
  requestPaidBy,
  type CollectionRequest,
} from './requests';

export type MoneyInResult = { kind: 'flagged'; flag: InboxFlag } | { kind: 'recorded' };

/** The customer's answer to a prompt, in words ("The customer cancelled the prompt."). */
export function customerAnswerWords(resultCode: string, resultDesc: string | null): string {
  const entry = describeResultCode(resultCode, 'stk');
  return entry.generic === true ? `M-Pesa said: ${resultDesc ?? resultCode} (code ${resultCode})` : entry.explanation;
}

export function flagInbox(
  db: ProfileDatabase,
  inboxId: number,
  which: InboxFlag,
  reason: string,
  nowIso: string,
): MoneyInResult {
  db.transaction(() => {
    markInbox(db, inboxId, { applied: false, flag: which, reason }, nowIso);
    appendAudit(db, {
      actor: 'system',
      action: 'inbox.flagged',
      entity: 'inbox',
      entityId: inboxId,
      details: { flag: which, reason },
    });
  }).immediate();
  return { kind: 'flagged', flag: which };
}

type Found = { request: CollectionRequest } | { problem: string } | null;

function findRequest(db: ProfileDatabase, event: StkCallbackEvent): Found {
  const byCheckout = requestByCheckoutId(db, event.checkoutRequestId);
  const byMerchant = event.merchantRequestId === '' ? null : requestByMerchantId(db, event.merchantRequestId);
  if (byCheckout !== null && byMerchant !== null && byCheckout.id !== byMerchant.id)
    return { problem: 'Its two request IDs name two different payment requests: nothing was recorded' };
  if (byCheckout !== null) {
    if (byCheckout.merchantRequestId !== null && byCheckout.merchantRequestId !== event.merchantRequestId)
      return { problem: 'Its MerchantRequestID is not the one M-Pesa gave this request: nothing was recorded' };
    return { request: byCheckout };
  }
  if (byMerchant !== null)
    return { problem: 'Its CheckoutRequestID is not the one M-Pesa gave this request: nothing was recorded' };
  return null;
}

/** The words on a success no request's IDs match yet: it waits, and records nothing on its own word. */
export const unmatchedStkWords =
  'An M-Pesa Express result for no payment request Mshahara made: nothing was recorded as money received. If it answers a prompt whose answer was lost, it is recorded once M-Pesa confirms the payment';

export function applyStkCallback(
  db: ProfileDatabase,
  inboxId: number,
  event: StkCallbackEvent,
  nowIso: string,
): MoneyInResult {
  const found = findRequest(db, event);
  if (found === null) return flagInbox(db, inboxId, 'unmatched', unmatchedStkWords, nowIso);
  if ('problem' in found) return flagInbox(db, inboxId, 'unmatched', found.problem, nowIso);
  const request = found.request;
  return event.resultCode === '0'
    ? applyPaid(db, inboxId, event, request, false, nowIso)
    : applyDeclined(db, inboxId, event, request, nowIso);
}

function applyDeclined(
  db: ProfileDatabase,
  inboxId: number,
  event: StkCallbackEvent,
  request: CollectionRequest,
  nowIso: string,
): MoneyInResult {
  const words = customerAnswerWords(event.resultCode, event.resultDesc);
  if (request.state === 'declined')
    return flagInbox(
      db,
      inboxId,
      'duplicate',
      `A copy of the answer to payment request #${request.id}: ${words}`,
      nowIso,
    );
  if (request.state === 'paid' || request.state === 'paid_no_receipt')
    return flagInbox(
      db,
      inboxId,
      'unmatched',
      `Says payment request #${request.id} was not paid (${words}), but M-Pesa said it was paid: check it on the M-Pesa portal`,
      nowIso,
    );
  db.transaction(() => {
    moveRequest(
      db,
      request.id,
      'declined',
      { resultCode: event.resultCode, resultDesc: event.resultDesc, nextQueryAt: null, note: words },
      nowIso,
    );
    markInbox(db, inboxId, { applied: true, reason: `Payment request #${request.id} not paid: ${words}` }, nowIso);
    appendAudit(db, {
      actor: 'system',
      action: 'collection.declined',
      entity: 'collection_request',
      entityId: request.id,
      details: { resultCode: event.resultCode, words, inboxId },
    });
  }).immediate();
  return { kind: 'recorded' };
}

/**
 * Records a success for `request`. `byAmount`: the request's push answer was lost and Transaction
 * Status confirmed this receipt (stk-unmatched.ts); the callback's IDs become the request's.
 */
export function applyPaid(
  db: ProfileDatabase,
  inboxId: number,
  event: StkCallbackEvent,
  request: CollectionRequest,
  byAmount: boolean,
  nowIso: string,
): MoneyInResult {
  // Everything is read again where it is written: the app and the command line may both be running.
  return db
    .transaction((): MoneyInResult => {
      const current = requestById(db, request.id);
      if (current === null)
        return flagInbox(
          db,
          inboxId,
          'unmatched',
          `Names payment request #${request.id}, which does not exist`,
          nowIso,
        );
      return applyPaidNow(db, inboxId, event, current, byAmount, nowIso);
    })
    .immediate();
}

function applyPaidNow(
  db: ProfileDatabase,
  inboxId: number,
  event: StkCallbackEvent,
  request: CollectionRequest,
  byAmount: boolean,
  nowIso: string,
): MoneyInResult {
  const receipt = event.receipt;
  if (receipt === null)
    return flagInbox(db, inboxId, 'malformed', 'A successful M-Pesa Express result without a receipt', nowIso);
  if (event.amountCents === null || event.amountCents !== request.amountCents)
    return flagInbox(
      db,
      inboxId,
      'amount_mismatch',
      `Says ${event.amountCents === null ? 'no amount' : formatKesWithCurrency(event.amountCents)} was paid for payment request #${request.id} of ${formatKesWithCurrency(request.amountCents)}: nothing was recorded`,
      nowIso,
    );
  if (event.phone !== null && event.phone !== request.phone)
    return flagInbox(
      db,
      inboxId,
      'party_mismatch',
      `Says ${event.phone} paid, but payment request #${request.id} went to ${request.phone}: nothing was recorded`,
      nowIso,
    );
  if (request.state === 'paid' && request.receipt !== receipt)
    return flagInbox(
      db,
      inboxId,
      'unmatched',
      `A second receipt (${receipt}) for payment request #${request.id}, already paid with ${request.receipt ?? 'another'}: nothing was recorded; check it on the M-Pesa portal`,
      nowIso,
    );
  const holder = requestPaidBy(db, receipt);
  if (holder !== null && holder.id !== request.id)
    return flagInbox(
      db,
      inboxId,
      'unmatched',
      `Says receipt ${receipt} paid payment request #${request.id}, but it already pays payment request #${holder.id}: nothing was recorded; check it on the M-Pesa portal`,
      nowIso,
    );
  const held = ledgerRowForReceipt(db, receipt);
  if (held !== null && held !== request.transactionId)
    return flagInbox(
      db,
      inboxId,
      'unmatched',
      `Says receipt ${receipt} paid payment request #${request.id}, but the ledger already holds that receipt (row #${held}) for another payment: nothing was recorded; check it on the M-Pesa portal`,
      nowIso,
    );
  // M-Pesa said the customer did not pay, and now that they did: the money moved, so it is
  // recorded, and a person looks (the customer may have paid a request asked again, too). So too
  // when another request of the same chain is already paid: the customer may have paid twice.
  const declinedWords =
    request.state === 'declined'
      ? `M-Pesa first said the customer did not pay (${declineWords(request)}), then that they paid with receipt ${receipt}. The money is recorded as received; check with the customer${askedAgainNote(db, request)}.`
      : null;
  const alsoPaid = chainPaid(db, request);
  const chainWords = alsoPaid?.words ?? null;
  const attention = [declinedWords, chainWords].filter((w): w is string => w !== null).join(' ');
  const recorded = recordReceived(
    db,
    {
      receipt,
      occurredAt: (event.transactionDate ?? new Date(nowIso)).toISOString(),
      kind: 'stk_payment',
      source: 'stk_callback',
      amountCents: request.amountCents as Cents,
      phone: request.phone,
      partyName: null,
      partyDisplay: event.phone ?? request.phone,
      accountReference: request.accountReference,
      inboxId,
    },
    nowIso,
  );
  const moved = moveRequest(
    db,
    request.id,
    'paid',
    {
      ...(byAmount ? { checkoutRequestId: event.checkoutRequestId, merchantRequestId: event.merchantRequestId } : {}),
      resultCode: '0',
      resultDesc: event.resultDesc,
      receipt,
      transactionId: recorded.transactionId,
      nextQueryAt: null,
      note: null,
      ...(attention === '' ? {} : { attention }),
    },
    nowIso,
  );
  if (moved)
    appendAudit(db, {
      actor: 'system',
      action: declinedWords === null ? 'collection.paid' : 'collection.paid_after_declined',
      entity: 'collection_request',
      entityId: request.id,
      details: {
        receipt,
        amountCents: request.amountCents,
        inboxId,
        alreadyInLedger: !recorded.first,
        ...(alsoPaid === null ? {} : { alsoPaid: alsoPaid.id }),
      },
    });
  if (!recorded.first) {
    markInbox(
      db,
      inboxId,
      { applied: false, flag: 'duplicate', reason: `A copy: receipt ${receipt} is already in the ledger` },
      nowIso,
    );
    return { kind: 'flagged', flag: 'duplicate' };
  }
  markInbox(
    db,
    inboxId,
    {
      applied: true,
      reason: `Received ${formatKesWithCurrency(request.amountCents)} for payment request #${request.id}: receipt ${receipt}${byAmount ? ' (its push answer had been lost: M-Pesa confirmed the payment)' : ''}${declinedWords === null ? '' : ' after M-Pesa had said it was not paid'}`,
    },
    nowIso,
  );
  return { kind: 'recorded' };
}

/**
 * Another request of `request`'s asked-again chain that is already paid (or paid without a
 * receipt), with words for a person: the customer may have paid twice. Null when none is.
 */
export function chainPaid(db: ProfileDatabase, request: CollectionRequest): { id: number; words: string } | null {
  const other = chainOf(db, request).find(
    (r) => r.id !== request.id && (r.state === 'paid' || r.state === 'paid_no_receipt'),
  );
  if (other === undefined) return null;
  return {
    id: other.id,
    words: `The customer also paid payment request #${other.id}, asked for the same thing (${formatKesWithCurrency(other.amountCents)}${other.receipt === null ? '' : `, receipt ${other.receipt}`}): they may have paid twice; check with the customer.`,
  };
}

/** What M-Pesa said when it declined the request, without its closing full stop, to sit inside a sentence. */
export function declineWords(request: CollectionRequest): string {
  return (request.note ?? request.resultDesc ?? 'declined').trim().replace(/\.$/, '');
}

function askedAgainNote(db: ProfileDatabase, request: CollectionRequest): string {
  const again = db.prepare('SELECT id FROM collection_requests WHERE again_of = ?').get(request.id) as
    { id: number } | undefined;
  return again === undefined ? '' : ` (they were asked again as payment request #${again.id})`;
}
