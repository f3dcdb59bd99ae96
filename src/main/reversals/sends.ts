// The `reversal_sends` table: its only writer. One row per send of a reversal, written in the
// transaction that moves it to `sending` (before the request leaves), and the ids Daraja's
// synchronous answer gave that send, kept once. A Result of any send finds its reversal here, so a
// second send's R000001 "already reversed" settles the reversal it answers
// (docs/money-safety.md#reversals).
import type { ProfileDatabase } from '../db';

export interface ReversalSend {
  reversalId: number;
  send: number;
  sentAt: string;
  conversationId: string | null;
  darajaOriginatorId: string | null;
}

/** Written with the move to `sending`: send number `send` of reversal `reversalId`. */
export function recordSend(db: ProfileDatabase, reversalId: number, send: number, at: string): void {
  db.prepare('INSERT INTO reversal_sends (reversal_id, send, sent_at) VALUES (?, ?, ?)').run(reversalId, send, at);
}

/** Keeps the ids Daraja gave one send; ids already kept are never replaced. */
export function noteSendIds(
  db: ProfileDatabase,
  reversalId: number,
  send: number,
  ids: { conversationId: string | null; originatorId: string | null },
): void {
  db.prepare(
    `UPDATE reversal_sends SET conversation_id = coalesce(conversation_id, @conversationId),
       daraja_originator_id = coalesce(daraja_originator_id, @originatorId)
     WHERE reversal_id = @reversalId AND send = @send`,
  ).run({ reversalId, send, conversationId: ids.conversationId || null, originatorId: ids.originatorId || null });
}

/** The reversal one of whose sends Daraja named by these ids; null when none. */
export function reversalIdBySendIds(
  db: ProfileDatabase,
  conversationId: string | null,
  originatorId: string | null,
): number | null {
  if (conversationId !== null && conversationId !== '') {
    const row = db
      .prepare('SELECT reversal_id AS id FROM reversal_sends WHERE conversation_id = ? ORDER BY id DESC LIMIT 1')
      .get(conversationId) as { id: number } | undefined;
    if (row !== undefined) return row.id;
  }
  if (originatorId !== null && originatorId !== '') {
    const row = db
      .prepare('SELECT reversal_id AS id FROM reversal_sends WHERE daraja_originator_id = ? ORDER BY id DESC LIMIT 1')
      .get(originatorId) as { id: number } | undefined;
    if (row !== undefined) return row.id;
  }
  return null;
}

export function sendsOf(db: ProfileDatabase, reversalId: number): ReversalSend[] {
  return db
    .prepare(
      `SELECT reversal_id AS reversalId, send, sent_at AS sentAt, conversation_id AS conversationId,
              daraja_originator_id AS darajaOriginatorId
         FROM reversal_sends WHERE reversal_id = ? ORDER BY send`,
    )
    .all(reversalId) as ReversalSend[];
}
