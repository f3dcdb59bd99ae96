// Ties a Transaction Status answer (or its queue timeout) to the question in status_lookups it
// answers, wherever and whenever it arrives: marked applied with words saying what it answered,
// never taken as evidence about a payout attempt (those ask through status_queries). The payout
// engine's applyInboxEntry asks here first for every status answer and timeout it cannot tie to a
// payout question.
import type { ProfileDatabase } from '../db';
import { parseCallback } from '../daraja/callbacks';
import type { QueueTimeoutEvent, StatusResultEvent } from '../daraja/callbacks/events';
import { appendAudit } from '../ledger/audit';
import { settleReceivedCheck } from '../collections/received-checks';
import { applyReversalStatusAnswer } from '../reversals/status-answer';
import { lookupForAnswer, recordLookupAnswer, statusAnswerOf, type StatusLookup } from './status-lookups';

const purposeWords: Record<StatusLookup['purpose'], string> = {
  lookup: 'a lookup',
  received_check: 'the check of a customer’s payment',
  reversal_check: 'the check of a reversal',
};

function about(lookup: StatusLookup): string {
  return lookup.receipt !== null ? `receipt ${lookup.receipt}` : `request ${lookup.askedOriginatorId ?? ''}`;
}

/** Applies a status answer to its lookup; false when it answers no lookup (the caller goes on). */
export function applyLookupAnswer(
  db: ProfileDatabase,
  inboxId: number,
  event: StatusResultEvent | QueueTimeoutEvent,
  nowIso: string,
): StatusLookup | null {
  const lookup = lookupForAnswer(db, event.conversationId, event.originatorConversationId);
  if (lookup === null) return null;
  const resultCode = event.resultCode ?? 'timeout';
  const reason =
    event.type === 'queue-timeout'
      ? `M-Pesa's queue timed out on ${purposeWords[lookup.purpose]} of ${about(lookup)}: nothing was learned`
      : `M-Pesa's answer to ${purposeWords[lookup.purpose]} of ${about(lookup)}: ${resultCode} ${event.resultDesc}`;
  db.transaction(() => {
    const first = recordLookupAnswer(db, lookup.id, { inboxId, resultCode, at: nowIso });
    const marked = db
      .prepare(
        'UPDATE inbox SET applied = 1, flag = NULL, reason = ?, processed_at = ? WHERE id = ? AND applied = 0 AND flag IS NULL',
      )
      .run(first ? reason : `${reason} (a copy; the question was answered already)`, nowIso, inboxId);
    if (marked.changes === 0 || !first) return;
    // A reversal whose Result was lost is settled by a "Completed" answer, however late it comes.
    if (lookup.purpose === 'reversal_check' && lookup.subjectId !== null && event.type === 'status-result')
      applyReversalStatusAnswer(db, lookup.subjectId, statusAnswerOf(event), inboxId, nowIso);
    appendAudit(db, {
      actor: 'system',
      action: 'status_lookup.answered',
      entity: 'status_lookup',
      entityId: lookup.id,
      details: { purpose: lookup.purpose, about: about(lookup), resultCode, inboxId },
    });
    // A customer's C2B payment is recorded, flagged or left for a person by the answer, whenever it comes.
    if (lookup.purpose === 'received_check' && lookup.subjectId !== null)
      settleReceivedCheck(db, lookup.subjectId, event.type === 'status-result' ? statusAnswerOf(event) : null, nowIso);
  }).immediate();
  return lookup;
}

/** Reads a stored inbox entry and applies it when it answers a lookup; for callers with no engine running. */
export function applyLookupAnswerEntry(db: ProfileDatabase, inboxId: number, nowIso: string): StatusLookup | null {
  const row = db.prepare('SELECT kind, body, applied, flag FROM inbox WHERE id = ?').get(inboxId) as
    { kind: string; body: string; applied: number; flag: string | null } | undefined;
  if (row === undefined || row.applied === 1 || row.flag !== null) return null;
  if (row.kind !== 'status-result' && row.kind !== 'timeout') return null;
  const parsed = parseCallback(row.body, row.kind);
  if (!parsed.ok) return null;
  const event = parsed.event;
  if (event.type !== 'status-result' && event.type !== 'queue-timeout') return null;
  return applyLookupAnswer(db, inboxId, event, nowIso);
}

/**
 * An answer stored before its question's ids were kept (Daraja's callback faster than its reply,
 * while the engine flagged it as for no question): once the ids are kept, each flagged answer
 * naming them that now finds its question is applied, by the same rules as any answer.
 */
export function applyEarlyLookupAnswers(
  db: ProfileDatabase,
  ids: ReadonlyArray<string | null>,
  nowIso: string,
): number {
  let applied = 0;
  for (const id of ids) {
    if (id === null || id === '') continue;
    const rows = db
      .prepare(
        `SELECT id, kind, body FROM inbox WHERE kind IN ('status-result', 'timeout') AND applied = 0 AND flag = 'unmatched'
            AND instr(body, ?) > 0 ORDER BY id`,
      )
      .all(id) as Array<{ id: number; kind: 'status-result' | 'timeout'; body: string }>;
    for (const row of rows) {
      const parsed = parseCallback(row.body, row.kind);
      if (!parsed.ok) continue;
      const event = parsed.event;
      if (event.type !== 'status-result' && event.type !== 'queue-timeout') continue;
      if (lookupForAnswer(db, event.conversationId, event.originatorConversationId) === null) continue;
      db.transaction(() => {
        const cleared = db
          .prepare(
            `UPDATE inbox SET flag = NULL, reason = NULL, processed_at = NULL WHERE id = ? AND applied = 0 AND flag = 'unmatched'`,
          )
          .run(row.id).changes;
        if (cleared === 1 && applyLookupAnswer(db, row.id, event, nowIso) !== null) applied += 1;
      }).immediate();
    }
  }
  return applied;
}
