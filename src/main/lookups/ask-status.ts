// Asking Transaction Status about a receipt or an OriginatorConversationID for something other than
// a payout attempt, and waiting for the answer, which arrives as a callback. The question is
// written before it leaves (status_lookups), and listening starts before it leaves, so an answer
// faster than the reply is not missed. An answer that comes after the wait is still tied to its
// question when it is applied (apply-answer.ts), so the caller can read it later.
import type { DarajaError } from '../../shared/errors';
import type { CallbackSource } from '../callback-sources/inbox/source';
import type { DarajaClient } from '../daraja';
import type { ProfileDatabase } from '../db';
import { applyEarlyLookupAnswers, applyLookupAnswerEntry } from './apply-answer';
import {
  lookupById,
  recordLookupAccepted,
  recordLookupAsked,
  recordLookupRefused,
  storedStatusAnswer,
  type LookupPurpose,
  type LookupSubject,
  type StatusAnswer,
} from './status-lookups';

export type AskStatusOutcome =
  | { kind: 'answered'; lookupId: number; inboxId: number; answer: StatusAnswer }
  /** M-Pesa said it was too long in its queue: nothing is known. */
  | { kind: 'timed_out'; lookupId: number; inboxId: number }
  /** M-Pesa took the question and has not answered within the wait; the answer is applied when it comes. */
  | { kind: 'no_answer'; lookupId: number }
  /** M-Pesa refused the question; no answer will come. */
  | { kind: 'refused'; lookupId: number; error: DarajaError };

export interface AskStatusRequest {
  purpose: LookupPurpose;
  subjectId: number | null;
  about: LookupSubject;
  actor: string;
  /** Remarks Daraja keeps with the question (at most 100 characters). */
  remarks: string;
  waitMs: number;
}

export interface AskStatusParts {
  db: ProfileDatabase;
  client: DarajaClient;
  source: CallbackSource;
  now?: () => Date;
}

export async function askTransactionStatus(
  parts: AskStatusParts,
  request: AskStatusRequest,
): Promise<AskStatusOutcome> {
  const { db, client, source } = parts;
  const now = parts.now ?? (() => new Date());
  const lookupId = recordLookupAsked(db, {
    purpose: request.purpose,
    subjectId: request.subjectId,
    about: request.about,
    actor: request.actor,
    at: now().toISOString(),
  });
  let wake: () => void = () => undefined;
  // Answers are applied as they are stored, so the question is answered whether or not an engine runs.
  const off = source.onStored((ids) => {
    for (const id of ids) applyLookupAnswerEntry(db, id, now().toISOString());
    wake();
  });
  try {
    const outcome = await client.transactionStatus({
      ...('receipt' in request.about
        ? { receipt: request.about.receipt }
        : { originatorConversationId: request.about.originatorConversationId }),
      remarks: request.remarks,
      resultUrl: source.callbackUrl('status-result'),
      queueTimeoutUrl: source.callbackUrl('timeout'),
    });
    if (outcome.kind !== 'accepted') {
      recordLookupRefused(db, lookupId, `${outcome.error.code ?? outcome.kind}: ${outcome.error.message}`);
      return { kind: 'refused', lookupId, error: outcome.error };
    }
    recordLookupAccepted(db, lookupId, outcome.value.conversationId, outcome.value.originatorConversationId);
    const deadline = now().getTime() + request.waitMs;
    for (;;) {
      // Answers stored before the question was tied to its ConversationID are applied here too:
      // those no engine read yet, and those an engine flagged as for no question.
      applyEarlyLookupAnswers(
        db,
        [outcome.value.conversationId, outcome.value.originatorConversationId],
        now().toISOString(),
      );
      const pending = db
        .prepare(
          `SELECT id FROM inbox WHERE kind IN ('status-result', 'timeout') AND applied = 0 AND flag IS NULL AND instr(body, ?) > 0`,
        )
        .all(outcome.value.conversationId) as Array<{ id: number }>;
      for (const row of pending) applyLookupAnswerEntry(db, row.id, now().toISOString());
      const done = answeredOutcome(db, lookupId);
      if (done !== null) return done;
      const left = deadline - now().getTime();
      if (left <= 0) return { kind: 'no_answer', lookupId };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    off();
  }
}

/** The question's outcome once it has an answer; null while it waits. */
export function answeredOutcome(db: ProfileDatabase, lookupId: number): AskStatusOutcome | null {
  const lookup = lookupById(db, lookupId);
  if (lookup === null || lookup.inboxId === null) return null;
  const answer = storedStatusAnswer(db, lookup.inboxId);
  return answer === null
    ? { kind: 'timed_out', lookupId, inboxId: lookup.inboxId }
    : { kind: 'answered', lookupId, inboxId: lookup.inboxId, answer };
}
