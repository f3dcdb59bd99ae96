// An M-Pesa Express success whose IDs no payment request has: kept flagged (stk-callback.ts) and
// recorded only for a push whose answer was lost, and only once Transaction Status says this
// business received that amount from that phone under that receipt. It is never given to a
// request whose own push answer may still come, nor to one asked again as a request that may still
// hear: the success may be theirs. A "not found" answer proves nothing (REFERENCE §15.12-13): the
// success stays flagged for a person and holds up asking the customer again. The worker asks here
// on its schedule (worker.ts).
import { formatKesWithCurrency } from '../../shared/money';
import { parseSafaricomPhone, type Msisdn } from '../../shared/phone';
import { parseCallback } from '../daraja/callbacks';
import type { StkCallbackEvent } from '../daraja/callbacks/events';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { askTransactionStatus, type AskStatusParts } from '../lookups/ask-status';
import { moneyBackReason } from '../lookups/money-back';
import { answerSaysCompleted, type StatusAnswer } from '../lookups/status-lookups';
import { fitsMask, payerShown, sha256Of } from '../refunds/payer';
import { ownShortcodes } from './received-checks';
import { phoneIn } from './record';
import {
  chainOf,
  lostPushFor,
  requestByCheckoutId,
  requestByMerchantId,
  requestPaidBy,
  type CollectionRequest,
} from './requests';
import { applyPaid } from './stk-callback';

/** Transaction Status codes read as "M-Pesa has no such transaction". */
const notFoundCodes: readonly string[] = ['R000002', 'SFC_IC0003'];

export interface ReceiptProblem {
  words: string;
  /** How a callback claiming it is flagged: M-Pesa names another amount or another party, or the rest. */
  flag: 'unmatched' | 'amount_mismatch' | 'party_mismatch';
}

/**
 * What makes a Transaction Status answer fall short of "this business received `amountCents`
 * from `phone` under `receipt`", in words; null when it says exactly that.
 */
export function stkReceiptProblem(
  db: ProfileDatabase,
  answer: StatusAnswer,
  receipt: string,
  expected: { amountCents: number; phone: string },
): ReceiptProblem | null {
  if (!answerSaysCompleted(answer))
    return { words: `M-Pesa says receipt ${receipt} is "${answer.transactionStatus ?? ''}"`, flag: 'unmatched' };
  if (answer.receipt !== null && answer.receipt !== receipt)
    return { words: `M-Pesa answered about another receipt (${answer.receipt})`, flag: 'unmatched' };
  if (answer.amountCents !== expected.amountCents)
    return {
      words: `Receipt ${receipt} is for ${answer.amountCents === null ? 'no amount' : formatKesWithCurrency(answer.amountCents)}, the request for ${formatKesWithCurrency(expected.amountCents)}`,
      flag: 'amount_mismatch',
    };
  const moneyBack = moneyBackReason(db, answer);
  if (moneyBack !== null) return { words: `Receipt ${receipt}: ${moneyBack}`, flag: 'party_mismatch' };
  if (!payerFits(answer.debitPartyName, expected.phone))
    return { words: `Receipt ${receipt} was paid from another number`, flag: 'party_mismatch' };
  const receiver = /^\s*(\d{5,7})\b/.exec(answer.creditPartyName ?? '')?.[1] ?? null;
  if (receiver === null || !ownShortcodes(db).includes(receiver))
    return {
      words: `Receipt ${receipt} was paid to ${answer.creditPartyName ?? 'nobody named'}, not to this business`,
      flag: 'party_mismatch',
    };
  return null;
}

/**
 * Whether the payer M-Pesa showed may be `phone`: a clear number must be it, a masked one must fit
 * the mask, a hashed one must be its hash. Only a payer shown with no number at all is not checked.
 */
function payerFits(debitPartyName: string | null, phone: string): boolean {
  const numberPart = (debitPartyName ?? '').split(' - ')[0]?.trim() ?? '';
  const clear = phoneIn(numberPart);
  if (clear !== null) return clear === phone;
  const local = parseSafaricomPhone(numberPart);
  if (local.ok) return local.msisdn === phone;
  const shown = payerShown({ phone: null, party_display: numberPart });
  switch (shown.kind) {
    case 'clear':
      return shown.phone === phone;
    case 'masked':
      return fitsMask(phone as Msisdn, shown.mask);
    case 'hashed':
      return sha256Of(phone as Msisdn) === shown.sha256;
    case 'none':
      return true;
  }
}

export interface WaitingSuccess {
  inboxId: number;
  event: StkCallbackEvent & { receipt: string; phone: string; amountCents: number };
  /** The one request whose lost push it may answer. */
  request: CollectionRequest;
}

/** The flagged successes that a lost push may own, each with that request. */
export function waitingSuccesses(db: ProfileDatabase): WaitingSuccess[] {
  const rows = db
    .prepare(
      `SELECT id, body FROM inbox WHERE kind = 'stk' AND flag = 'unmatched' AND applied = 0 AND settled_at IS NULL ORDER BY id`,
    )
    .all() as Array<{ id: number; body: string }>;
  const waiting: WaitingSuccess[] = [];
  for (const row of rows) {
    const parsed = parseCallback(row.body, 'stk');
    if (!parsed.ok || parsed.event.type !== 'stk-callback') continue;
    const event = parsed.event;
    if (event.resultCode !== '0' || event.receipt === null || event.phone === null || event.amountCents === null)
      continue;
    // IDs that name a request were flagged for a contradiction, not for waiting.
    if (requestByCheckoutId(db, event.checkoutRequestId) !== null) continue;
    if (event.merchantRequestId !== '' && requestByMerchantId(db, event.merchantRequestId) !== null) continue;
    if (requestPaidBy(db, event.receipt) !== null) continue;
    const request = lostPushFor(db, event.phone, event.amountCents);
    if (request === null) continue;
    waiting.push({
      inboxId: row.id,
      event: { ...event, receipt: event.receipt, phone: event.phone, amountCents: event.amountCents },
      request,
    });
  }
  return waiting;
}

/**
 * A success no request's IDs hold, for the phone and amount of this request's asked-again chain,
 * is not settled yet: M-Pesa's lookup has not confirmed it, or did not find it (which proves
 * nothing, REFERENCE §15.12-13), and no person has settled it. The customer may have paid: a
 * person should not ask again yet.
 */
export function successWaitsFor(db: ProfileDatabase, request: CollectionRequest): boolean {
  const chain = chainOf(db, request);
  const rows = db
    .prepare(
      `SELECT id, body FROM inbox WHERE kind = 'stk' AND flag = 'unmatched' AND applied = 0 AND settled_at IS NULL ORDER BY id`,
    )
    .all() as Array<{ id: number; body: string }>;
  return rows.some((row) => {
    const parsed = parseCallback(row.body, 'stk');
    if (!parsed.ok || parsed.event.type !== 'stk-callback') return false;
    const event = parsed.event;
    if (event.resultCode !== '0' || event.receipt === null) return false;
    if (requestPaidBy(db, event.receipt) !== null) return false;
    return chain.some((r) => r.phone === event.phone && r.amountCents === event.amountCents);
  });
}

/** recorded: the request is paid; refused: M-Pesa contradicts it (the flag says why); later: ask again later. */
export type ConfirmOutcome = 'recorded' | 'refused' | 'later';

/** Words for a person on a success M-Pesa's lookup did not find; it is never settled by that alone. */
export function notFoundWords(receipt: string, code: string): string {
  return `M-Pesa's lookup did not find receipt ${receipt} (code ${code}): nothing was recorded. The customer may still have paid: look the receipt up on the M-Pesa portal or the statement before asking them again`;
}

function notFound(db: ProfileDatabase, inboxId: number, receipt: string, code: string, nowIso: string): void {
  const words = notFoundWords(receipt, code);
  db.transaction(() => {
    const changed = db
      .prepare(
        `UPDATE inbox SET reason = ?, processed_at = ? WHERE id = ? AND flag = 'unmatched' AND applied = 0 AND settled_at IS NULL AND reason IS NOT ?`,
      )
      .run(words, nowIso, inboxId, words).changes;
    if (changed === 1)
      appendAudit(db, {
        actor: 'system',
        action: 'inbox.flagged',
        entity: 'inbox',
        entityId: inboxId,
        details: { flag: 'unmatched', reason: words },
      });
  }).immediate();
}

/**
 * M-Pesa names the receipt for another amount or party: the flag says so, for a person, and it no
 * longer waits for a lost push (the receipt is not this request's payment).
 */
function contradicted(db: ProfileDatabase, inboxId: number, problem: ReceiptProblem, nowIso: string): void {
  db.transaction(() => {
    db.prepare(
      `UPDATE inbox SET flag = ?, reason = ?, processed_at = ? WHERE id = ? AND flag = 'unmatched' AND applied = 0`,
    ).run(problem.flag, `${problem.words}: nothing was recorded`, nowIso, inboxId);
    appendAudit(db, {
      actor: 'system',
      action: 'inbox.flagged',
      entity: 'inbox',
      entityId: inboxId,
      details: { flag: problem.flag, reason: problem.words },
    });
  }).immediate();
}

/** Asks Transaction Status about the success's receipt and records it for its request when M-Pesa confirms it. */
export async function confirmWaitingSuccess(
  parts: AskStatusParts & { waitMs: number },
  waiting: WaitingSuccess,
): Promise<ConfirmOutcome> {
  const { db } = parts;
  const now = parts.now ?? (() => new Date());
  const { event, inboxId } = waiting;
  const outcome = await askTransactionStatus(parts, {
    purpose: 'received_check',
    subjectId: null,
    about: { receipt: event.receipt },
    actor: 'system',
    remarks: 'Check of a customer payment by M-Pesa Express',
    waitMs: parts.waitMs,
  });
  const nowIso = now().toISOString();
  if (outcome.kind !== 'answered') return 'later';
  const answer = outcome.answer;
  if (answer.resultCode !== '0') {
    // "Not found" proves nothing (REFERENCE §15.12-13): the code may be about the question, and a
    // receipt may not be visible to the lookup yet. It stays flagged, is asked about again on the
    // schedule, and holds up asking the customer again until a person settles it.
    if (notFoundCodes.includes(answer.resultCode)) notFound(db, inboxId, event.receipt, answer.resultCode, nowIso);
    return 'later';
  }
  const problem = stkReceiptProblem(db, answer, event.receipt, event);
  if (problem?.flag === 'unmatched') return 'later'; // not (yet) completed, or about another receipt: asked again
  if (problem !== null) {
    contradicted(db, inboxId, problem, nowIso);
    return 'refused';
  }
  // The wait gave other doors time: everything is read again where it is written.
  return db
    .transaction((): ConfirmOutcome => {
      const still = waitingSuccesses(db).find((w) => w.inboxId === inboxId);
      if (still === undefined || still.request.id !== waiting.request.id) return 'later';
      db.prepare('UPDATE inbox SET flag = NULL, reason = NULL WHERE id = ?').run(inboxId);
      const applied = applyPaid(db, inboxId, event, still.request, true, nowIso);
      return applied.kind === 'recorded' ? 'recorded' : 'refused';
    })
    .immediate();
}
