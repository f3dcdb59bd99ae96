// The record of every Transaction Status query about a payout attempt (schema 2). A query is
// written before it leaves, given Daraja's ids when it is accepted, and given its answer when the
// result arrives, so a "not found" is counted only for the query it answers (docs/money-safety.md).
import type { ProfileDatabase } from '../../db';
import type { Attempt } from './attempts';

export type QueryAnswer = 'paid' | 'failed' | 'not_found' | 'unanswered' | 'refused' | 'other_payment';

export interface StatusQuery {
  id: number;
  attemptId: number;
  askedAt: string;
  attemptSentAt: string | null;
  byReceipt: string | null;
  conversationId: string | null;
  answer: QueryAnswer | null;
}

interface QueryRow {
  id: number;
  attempt_id: number;
  asked_at: string;
  attempt_sent_at: string | null;
  by_receipt: string | null;
  conversation_id: string | null;
  answer: QueryAnswer | null;
}

function toQuery(row: QueryRow): StatusQuery {
  return {
    id: row.id,
    attemptId: row.attempt_id,
    askedAt: row.asked_at,
    attemptSentAt: row.attempt_sent_at,
    byReceipt: row.by_receipt,
    conversationId: row.conversation_id,
    answer: row.answer,
  };
}

/** Written before the query leaves: what was asked, when, and when the attempt was last sent. */
export function recordQueryAsked(
  db: ProfileDatabase,
  attempt: Pick<Attempt, 'id' | 'sentAt'>,
  askedAtIso: string,
  byReceipt: string | null = null,
): number {
  const inserted = db
    .prepare('INSERT INTO status_queries (attempt_id, asked_at, attempt_sent_at, by_receipt) VALUES (?, ?, ?, ?)')
    .run(attempt.id, askedAtIso, attempt.sentAt, byReceipt);
  return Number(inserted.lastInsertRowid);
}

/** Daraja accepted the query: its ids let the answer find it. */
export function recordQueryAccepted(
  db: ProfileDatabase,
  queryId: number,
  conversationId: string,
  originatorConversationId: string | null,
): void {
  db.prepare(
    'UPDATE status_queries SET conversation_id = ?, originator_conversation_id = ? WHERE id = ? AND conversation_id IS NULL',
  ).run(conversationId, originatorConversationId, queryId);
}

/** The first answer a query gets is its answer; copies change nothing. */
export function recordQueryAnswer(
  db: ProfileDatabase,
  queryId: number,
  answer: QueryAnswer,
  resultCode: string | null,
  inboxId: number | null,
  nowIso: string,
): void {
  db.prepare(
    'UPDATE status_queries SET answer = ?, result_code = ?, inbox_id = ?, answered_at = ? WHERE id = ? AND answer IS NULL',
  ).run(answer, resultCode, inboxId, nowIso, queryId);
}

export function queryById(db: ProfileDatabase, id: number): StatusQuery | null {
  const row = db.prepare('SELECT * FROM status_queries WHERE id = ?').get(id) as QueryRow | undefined;
  return row ? toQuery(row) : null;
}

/** The query an answer belongs to: by the ConversationID (or OriginatorConversationID) Daraja gave the query. */
export function queryByAnswer(
  db: ProfileDatabase,
  conversationId: string | null,
  originatorConversationId: string | null,
): StatusQuery | null {
  if (conversationId) {
    const row = db.prepare('SELECT * FROM status_queries WHERE conversation_id = ?').get(conversationId) as
      QueryRow | undefined;
    if (row) return toQuery(row);
  }
  if (originatorConversationId) {
    const row = db
      .prepare('SELECT * FROM status_queries WHERE originator_conversation_id = ? ORDER BY id DESC LIMIT 1')
      .get(originatorConversationId) as QueryRow | undefined;
    if (row) return toQuery(row);
  }
  return null;
}

/** "Not found" answers to queries asked after the attempt's last send and at least the result timeout after it. */
export function notFoundAnswersSinceSend(
  db: ProfileDatabase,
  attempt: Pick<Attempt, 'id' | 'sentAt'>,
  resultTimeoutMs: number,
): number {
  if (attempt.sentAt === null) {
    // Left behind by a crash before its send time was written: every answer since counts.
    const row = db
      .prepare(
        `SELECT COUNT(*) AS n FROM status_queries WHERE attempt_id = ? AND by_receipt IS NULL AND answer = 'not_found' AND attempt_sent_at IS NULL`,
      )
      .get(attempt.id) as { n: number };
    return row.n;
  }
  const earliest = new Date(Date.parse(attempt.sentAt) + resultTimeoutMs).toISOString();
  const row = db
    .prepare(
      `SELECT COUNT(*) AS n FROM status_queries WHERE attempt_id = ? AND by_receipt IS NULL AND answer = 'not_found' AND attempt_sent_at = ? AND asked_at >= ?`,
    )
    .get(attempt.id, attempt.sentAt, earliest) as { n: number };
  return row.n;
}
