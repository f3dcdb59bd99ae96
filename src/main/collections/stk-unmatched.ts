// An M-Pesa Express success whose IDs no payment request has: kept flagged (stk-callback.ts) and
// recorded only for a push whose answer was lost, and only once Transaction Status says this
// business received that amount from that phone under that receipt. It is never given to a
// request whose own push answer may still come, nor to one asked again as a request that may still
// hear: the success may be theirs. The worker asks here on its schedule (worker.ts).
import { formatKesWithCurrency } from '../../shared/money';
import { parseCallback } from '../daraja/callbacks';
import type { StkCallbackEvent } from '../daraja/callbacks/events';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { askTransactionStatus, type AskStatusParts } from '../lookups/ask-status';
import { answerSaysCompleted, type StatusAnswer } from '../lookups/status-lookups';
import { ownShortcodes } from './received-checks';
import { phoneIn } from './record';
import {
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
  const payer = phoneIn(answer.debitPartyName);
  if (payer !== null && payer !== expected.phone)
    return { words: `Receipt ${receipt} was paid from another number`, flag: 'party_mismatch' };
  const receiver = /^\s*(\d{5,7})\b/.exec(answer.creditPartyName ?? '')?.[1] ?? null;
  if (receiver === null || !ownShortcodes(db).includes(receiver))
    return {
      words: `Receipt ${receipt} was paid to ${answer.creditPartyName ?? 'nobody named'}, not to this business`,
      flag: 'party_mismatch',
    };
  return null;
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

/** A success of this phone and amount waits for M-Pesa's confirmation: a person should not ask again yet. */
export function successWaitsFor(db: ProfileDatabase, request: CollectionRequest): boolean {
  return waitingSuccesses(db).some((waiting) => waiting.request.id === request.id);
}

/** recorded: the request is paid; refused: M-Pesa contradicts it (the flag says why); later: ask again later. */
export type ConfirmOutcome = 'recorded' | 'refused' | 'later';

/**
 * M-Pesa contradicts the success: it no longer waits. A receipt M-Pesa does not know is settled (as
 * a person's status query would settle it, inbox/settle.ts); one M-Pesa knows for another amount or
 * party keeps a flag that says so, for a person. Either way it no longer holds up asking again.
 */
function contradicted(
  db: ProfileDatabase,
  inboxId: number,
  outcome: { settle: true; words: string } | { settle: false; problem: ReceiptProblem },
  nowIso: string,
): void {
  db.transaction(() => {
    if (outcome.settle)
      db.prepare(
        `UPDATE inbox SET reason = ?, processed_at = ?, settled_at = ? WHERE id = ? AND flag = 'unmatched' AND applied = 0`,
      ).run(outcome.words, nowIso, nowIso, inboxId);
    else
      db.prepare(
        `UPDATE inbox SET flag = ?, reason = ?, processed_at = ? WHERE id = ? AND flag = 'unmatched' AND applied = 0`,
      ).run(outcome.problem.flag, `${outcome.problem.words}: nothing was recorded`, nowIso, inboxId);
    appendAudit(db, {
      actor: 'system',
      action: 'inbox.flagged',
      entity: 'inbox',
      entityId: inboxId,
      details: {
        flag: outcome.settle ? 'unmatched' : outcome.problem.flag,
        reason: outcome.settle ? outcome.words : outcome.problem.words,
      },
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
    if (!notFoundCodes.includes(answer.resultCode)) return 'later'; // about the question (REFERENCE §15.13)
    const words = `M-Pesa has no payment with receipt ${event.receipt}: nothing was recorded`;
    contradicted(db, inboxId, { settle: true, words }, nowIso);
    return 'refused';
  }
  const problem = stkReceiptProblem(db, answer, event.receipt, event);
  if (problem?.flag === 'unmatched') return 'later'; // not (yet) completed, or about another receipt: asked again
  if (problem !== null) {
    contradicted(db, inboxId, { settle: false, problem }, nowIso);
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
