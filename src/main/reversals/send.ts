// Sends approved reversals exactly once, and settles what was sent on evidence. Write before
// send: the reversal moves to `sending`, with Mshahara's own request id (carried to Daraja in
// Remarks and Occasion) and the send's own row, in a transaction committed before the request
// leaves; Daraja's OriginatorConversationID and ConversationID are kept from each send's answer,
// so a Result of any send finds the reversal (one that came first is applied once they are kept).
// An answer lost, a 5xx, a queue timeout or a crash leave it `unknown`: only evidence settles it (a
// late Result, matched by Daraja's ids or by the original receipt; Transaction Status by Daraja's
// OriginatorConversationID; the statement), and what evidence cannot settle goes on an approver's
// work list. Nothing is sent again on a guess: a person may send it again from the work list
// (never while a Result is awaited), and M-Pesa then answers "already reversed" if the first went
// through (docs/money-safety.md#reversals).
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import type { CallbackSource } from '../callback-sources/inbox/source';
import type { DarajaClient } from '../daraja';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { askTransactionStatus } from '../lookups/ask-status';
import { answerSaysCompleted } from '../lookups/status-lookups';
import { accountRowById, rolesOf } from '../users/account-rows';
import { applyReversalEntry } from './apply-result';
import { applyEarlyReversalResults, applyFlaggedReversalResults } from './early-results';
import { reversalResultWords } from './rules';
import { noteSendIds, recordSend } from './sends';
import { statusAnswerMismatch } from './status-answer';
import {
  inFlightStates,
  markReversalAttention,
  moveReversal,
  newReversalRequestId,
  noteDarajaIds,
  onWorkList,
  reversalById,
  reversalsWhere,
  type Reversal,
} from './store';

export interface ReversalParts {
  db: ProfileDatabase;
  client: DarajaClient;
  source: CallbackSource;
  now?: () => Date;
}

export interface SendOptions {
  /** How long to wait for the Result before asking Transaction Status. */
  resultWaitMs: number;
  /** How long to wait for a Transaction Status answer. */
  statusWaitMs?: number;
}

const isFinal = (r: Reversal): boolean => !inFlightStates.includes(r.state) && r.state !== 'approved';

/**
 * Sends approved reversal `id` and waits for its outcome: the reversal as it stands when the
 * Result came, or when the wait ended.
 */
export async function sendReversal(
  parts: ReversalParts,
  id: number,
  actor: string,
  options: SendOptions,
): Promise<Reversal> {
  return send(parts, id, actor, options, 'first');
}

/**
 * A first send leaves from `approved`; a send again only from a person's work list (evidence could
 * not settle it), never while a sent reversal waits for its Result. The check, the move to
 * `sending` and the row of the send commit together before the request leaves.
 */
async function send(
  parts: ReversalParts,
  id: number,
  actor: string,
  options: SendOptions,
  which: 'first' | 'again',
): Promise<Reversal> {
  const { db, client, source } = parts;
  const now = parts.now ?? (() => new Date());
  const before = reversalById(db, id);
  if (before === null) throw new NotFoundError(`There is no reversal #${id}`);
  const requestId = before.requestId ?? newReversalRequestId();
  const sendNumber = before.sends + 1;
  const started = db
    .transaction(() => {
      const current = reversalById(db, id);
      if (current === null || current.sends !== before.sends) return false;
      if (which === 'first' ? current.state !== 'approved' : !onWorkList(current)) return false;
      const at = now().toISOString();
      if (!moveReversal(db, id, 'sending', at, { requestId, sent: true, needsAttention: false, attentionReason: null }))
        return false;
      recordSend(db, id, sendNumber, at);
      appendAudit(db, {
        actor,
        action: 'reversal.sent',
        entity: 'reversal',
        entityId: id,
        details: {
          original: before.originalReceipt,
          amountCents: before.amountCents,
          requestId,
          send: sendNumber,
        },
      });
      return true;
    })
    .immediate();
  if (!started)
    throw new ConflictError(`Reversal #${id} is ${before.state}; it cannot be sent now.`, { code: 'not_sendable' });
  let wake: () => void = () => undefined;
  const off = source.onStored((ids) => {
    for (const inboxId of ids) applyReversalEntry(db, inboxId, now().toISOString());
    wake();
  });
  try {
    const outcome = await client.reversal({
      receipt: before.originalReceipt,
      amountCents: before.amountCents,
      remarks: `Reversal ${requestId}`,
      occasion: requestId,
      resultUrl: source.callbackUrl('reversal-result'),
      queueTimeoutUrl: source.callbackUrl('timeout'),
    });
    const at = now().toISOString();
    db.transaction(() => {
      switch (outcome.kind) {
        case 'accepted': {
          const ids = {
            conversationId: outcome.value.conversationId,
            originatorId: outcome.value.originatorConversationId,
          };
          noteDarajaIds(db, id, ids);
          noteSendIds(db, id, sendNumber, ids);
          if (moveReversal(db, id, 'accepted', at))
            appendAudit(db, {
              actor: 'system',
              action: 'reversal.accepted',
              entity: 'reversal',
              entityId: id,
              details: { conversationId: outcome.value.conversationId, send: sendNumber },
            });
          return;
        }
        case 'definitive':
        case 'transient':
        case 'throttled': {
          // Turned away before M-Pesa acted on it. A first send closes; a send again after an
          // unknown keeps the first send's question open.
          const words = `M-Pesa refused the request before acting on it: ${outcome.error.message}`;
          const moved =
            before.sends === 0
              ? moveReversal(db, id, 'rejected', at, {
                  resultCode: outcome.error.code ?? outcome.kind,
                  resultDesc: outcome.error.message,
                  outcomeWords: `${words} Nothing was reversed; ask again when it is fixed.`,
                })
              : moveReversal(db, id, 'unknown', at, {
                  needsAttention: true,
                  attentionReason: `${words} The first request's outcome is still unknown.`,
                });
          if (moved)
            appendAudit(db, {
              actor: 'system',
              action: 'reversal.refused',
              entity: 'reversal',
              entityId: id,
              details: { code: outcome.error.code ?? outcome.kind, kind: outcome.kind },
            });
          return;
        }
        case 'duplicate':
        case 'unknown':
          if (moveReversal(db, id, 'unknown', at))
            appendAudit(db, {
              actor: 'system',
              action: 'reversal.unknown',
              entity: 'reversal',
              entityId: id,
              details: { why: outcome.error.message, code: outcome.error.code ?? outcome.kind },
            });
          return;
        default: {
          const never: never = outcome;
          throw new Error(`unhandled outcome ${String(never)}`);
        }
      }
    }).immediate();
    // A Result faster than this answer was flagged as for no reversal: applied now its ids are kept.
    if (outcome.kind === 'accepted')
      applyEarlyReversalResults(
        db,
        [outcome.value.conversationId, outcome.value.originatorConversationId],
        now().toISOString(),
      );
    await waitForFinal(parts, id, options.resultWaitMs, (w) => (wake = w));
  } finally {
    off();
  }
  const after = reversalById(db, id) as Reversal;
  if (isFinal(after)) return after;
  return checkReversal(parts, id, actor, options);
}

async function waitForFinal(
  parts: ReversalParts,
  id: number,
  waitMs: number,
  setWake: (wake: () => void) => void,
): Promise<void> {
  const { db } = parts;
  const now = parts.now ?? (() => new Date());
  const deadline = now().getTime() + waitMs;
  for (;;) {
    // Results stored before Daraja's ids were kept (a fast callback) are applied here too.
    const pending = db
      .prepare(`SELECT id FROM inbox WHERE kind IN ('reversal-result', 'timeout') AND applied = 0 AND flag IS NULL`)
      .all() as Array<{ id: number }>;
    for (const row of pending) applyReversalEntry(db, row.id, now().toISOString());
    const r = reversalById(db, id);
    if (r === null || isFinal(r)) return;
    const left = deadline - now().getTime();
    if (left <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(left, 200));
      timer.unref();
      setWake(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * No Result in time: asks Transaction Status about the reversal (by its receipt when known, else by
 * Daraja's OriginatorConversationID); when that settles nothing, the reversal goes on an approver's
 * work list with words saying what is known. Never sends again.
 */
export async function checkReversal(
  parts: ReversalParts,
  id: number,
  actor: string,
  options: SendOptions,
): Promise<Reversal> {
  const { db } = parts;
  const now = parts.now ?? (() => new Date());
  const r = reversalById(db, id);
  if (r === null || isFinal(r)) return r as Reversal;
  const about =
    r.reversalReceipt !== null
      ? { receipt: r.reversalReceipt }
      : r.darajaOriginatorId !== null
        ? { originatorConversationId: r.darajaOriginatorId }
        : null;
  let asked = '';
  if (about !== null) {
    const outcome = await askTransactionStatus(parts, {
      purpose: 'reversal_check',
      subjectId: id,
      about,
      actor,
      remarks: `Reversal check ${r.requestId ?? id}`,
      waitMs: options.statusWaitMs ?? options.resultWaitMs,
    });
    const mismatch =
      outcome.kind === 'answered' && answerSaysCompleted(outcome.answer)
        ? statusAnswerMismatch(reversalById(db, id) as Reversal, outcome.answer)
        : null;
    asked =
      mismatch !== null
        ? ` ${mismatch}`
        : outcome.kind === 'answered'
          ? ` Transaction Status answered ${outcome.answer.resultCode} ${outcome.answer.resultDesc}.`
          : outcome.kind === 'refused'
            ? ` Transaction Status was refused: ${outcome.error.message}.`
            : ' Transaction Status gave no answer in time.';
  }
  const after = reversalById(db, id) as Reversal;
  if (isFinal(after)) return after;
  const why =
    after.darajaOriginatorId === null
      ? `M-Pesa's answer to the request was lost, so Mshahara cannot ask about it by its id.${asked} It may or may not have been reversed: the Result may still come, or the statement will show it. If it is not on the statement, send it again: if the first went through, M-Pesa answers "already reversed" and it is recorded once.`
      : `M-Pesa took the request but its Result has not come.${asked} It may or may not have been reversed: the Result may still come, or the statement will show it.`;
  db.transaction(() => {
    moveReversal(db, id, 'unknown', now().toISOString());
    markReversalAttention(db, id, why, now().toISOString());
    appendAudit(db, {
      actor: 'system',
      action: 'reversal.attention',
      entity: 'reversal',
      entityId: id,
      details: { why },
    });
  }).immediate();
  return reversalById(db, id) as Reversal;
}

export type Resolution = { kind: 'send_again' } | { kind: 'not_reversed'; reason: string };

/**
 * An approver settles a reversal evidence could not: sends it again (M-Pesa answers "already
 * reversed" if the first went through, so it is never counted twice), or records that it was not
 * reversed, with a reason, after Transaction Status is asked once more where it can be.
 */
export async function resolveReversal(
  parts: ReversalParts,
  id: number,
  person: { accountId: number },
  resolution: Resolution,
  options: SendOptions,
): Promise<Reversal> {
  const { db } = parts;
  const now = parts.now ?? (() => new Date());
  const r = reversalById(db, id);
  if (r === null) throw new NotFoundError(`There is no reversal #${id}`);
  const account = accountRowById(db, person.accountId);
  if (account === undefined) throw new NotFoundError(`There is no account #${person.accountId}`);
  if (!rolesOf(db, account.id).includes('approver'))
    throw new ConflictError(`Only an approver settles a reversal; ${account.username} is not one.`, {
      code: 'role_needed',
    });
  if (!inFlightStates.includes(r.state))
    throw new ConflictError(`Reversal #${id} is ${r.state}: there is nothing to settle.`, {
      code: 'nothing_to_settle',
    });
  if (!onWorkList(r))
    throw new ConflictError(
      `Reversal #${id} was sent and is waiting for M-Pesa's result; Mshahara is still looking for evidence (the Result, Transaction Status). It can be settled by a person only once that evidence fails and it is on the work list.`,
      { code: 'awaiting_result' },
    );
  if (resolution.kind === 'send_again') {
    db.transaction(() => {
      appendAudit(db, {
        actor: account.username,
        action: 'reversal.resolved',
        entity: 'reversal',
        entityId: id,
        details: { resolution: 'send_again' },
      });
    }).immediate();
    return send(parts, id, account.username, options, 'again');
  }
  const reason = resolution.reason.replace(/\s+/g, ' ').trim();
  if (reason === '') throw new ValidationError('Say why you record it as not reversed.', { field: ['reason'] });
  const checked = await checkReversal(parts, id, account.username, options);
  if (isFinal(checked)) return checked;
  db.transaction(() => {
    moveReversal(db, id, 'failed', now().toISOString(), {
      resultCode: 'person',
      resultDesc: reason,
      outcomeWords: `${account.display_name} recorded it as not reversed: ${reason}`,
      needsAttention: false,
      attentionReason: null,
    });
    appendAudit(db, {
      actor: account.username,
      action: 'reversal.resolved',
      entity: 'reversal',
      entityId: id,
      details: { resolution: 'not_reversed', reason },
    });
  }).immediate();
  return reversalById(db, id) as Reversal;
}

/**
 * After a start (or a crash): a reversal left `sending` may have reached M-Pesa, so it becomes
 * `unknown`; an `approved` one never left (its send was never committed) and is sent; results
 * stored meanwhile are applied; an unsettled one is checked by evidence.
 */
export async function recoverReversals(parts: ReversalParts, options: SendOptions): Promise<void> {
  const { db } = parts;
  const now = parts.now ?? (() => new Date());
  db.transaction(() => {
    for (const r of reversalsWhere(db, `state = 'sending'`)) {
      moveReversal(db, r.id, 'unknown', now().toISOString());
      appendAudit(db, {
        actor: 'system',
        action: 'reversal.unknown',
        entity: 'reversal',
        entityId: r.id,
        details: { why: 'Mshahara stopped while sending it' },
      });
    }
  }).immediate();
  const pending = db
    .prepare(`SELECT id FROM inbox WHERE kind IN ('reversal-result', 'timeout') AND applied = 0 AND flag IS NULL`)
    .all() as Array<{ id: number }>;
  for (const row of pending) applyReversalEntry(db, row.id, now().toISOString());
  // Results flagged before their send's ids were kept (a crash between the two): applied now.
  applyFlaggedReversalResults(db, now().toISOString());
  for (const r of reversalsWhere(db, `state = 'approved'`)) {
    try {
      await sendReversal(parts, r.id, 'system', options);
    } catch (error) {
      // Another program took it first: it is that one's to send; go on with the rest.
      if (!(error instanceof ConflictError && error.code === 'not_sendable')) throw error;
    }
  }
  // Everything not yet on a person's work list (onWorkList) is checked: an `accepted` one too, even
  // with words already set (a status answer of another amount), so it reaches the work list.
  for (const r of reversalsWhere(db, `state = 'accepted' OR (state = 'unknown' AND needs_attention = 0)`))
    await checkReversal(parts, r.id, 'system', options);
}

/** The outcome in words for the person who approved or resolved it. */
export function reversalOutcomeWords(r: Reversal): string {
  switch (r.state) {
    case 'succeeded':
      return r.alreadyReversed
        ? reversalResultWords('R000001', null)
        : `Reversed: receipt ${r.reversalReceipt ?? 'to be found on the statement'}.`;
    case 'failed':
    case 'rejected':
      return r.outcomeWords ?? 'Not reversed.';
    case 'unknown':
    case 'accepted':
    case 'sending':
      return r.attentionReason ?? 'Sent; waiting for M-Pesa’s result.';
    case 'approved':
      return 'Approved; being sent.';
    case 'draft':
      return 'Waiting for approval.';
    default: {
      const never: never = r.state;
      return String(never);
    }
  }
}
