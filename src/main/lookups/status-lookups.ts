// Transaction Status questions about no payout attempt (the `status_lookups` table): who asked,
// about which receipt or OriginatorConversationID, for what, and M-Pesa's answer. This file is the
// table's only writer; asking is in ask-status.ts, and an answer is tied to its question in
// apply-answer.ts, wherever it arrives.
import type { Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { parseCallback } from '../daraja/callbacks';
import type { StatusResultEvent } from '../daraja/callbacks/events';

/** Why Mshahara asked. */
export type LookupPurpose = 'lookup' | 'received_check' | 'reversal_check';

export interface StatusLookup {
  id: number;
  purpose: LookupPurpose;
  subjectId: number | null;
  receipt: string | null;
  askedOriginatorId: string | null;
  askedBy: string;
  askedAt: string;
  conversationId: string | null;
  refused: string | null;
  inboxId: number | null;
  resultCode: string | null;
  answeredAt: string | null;
}

interface LookupRow {
  id: number;
  purpose: LookupPurpose;
  subject_id: number | null;
  receipt: string | null;
  asked_originator_id: string | null;
  asked_by: string;
  asked_at: string;
  conversation_id: string | null;
  refused: string | null;
  inbox_id: number | null;
  result_code: string | null;
  answered_at: string | null;
}

function lookupOf(row: LookupRow): StatusLookup {
  return {
    id: row.id,
    purpose: row.purpose,
    subjectId: row.subject_id,
    receipt: row.receipt,
    askedOriginatorId: row.asked_originator_id,
    askedBy: row.asked_by,
    askedAt: row.asked_at,
    conversationId: row.conversation_id,
    refused: row.refused,
    inboxId: row.inbox_id,
    resultCode: row.result_code,
    answeredAt: row.answered_at,
  };
}

export type LookupSubject = { receipt: string } | { originatorConversationId: string };

/** Written before the question leaves, so its answer can be tied to it. */
export function recordLookupAsked(
  db: ProfileDatabase,
  input: { purpose: LookupPurpose; subjectId: number | null; about: LookupSubject; actor: string; at: string },
): number {
  const receipt = 'receipt' in input.about ? input.about.receipt : null;
  const originator = 'originatorConversationId' in input.about ? input.about.originatorConversationId : null;
  return Number(
    db
      .prepare(
        `INSERT INTO status_lookups (purpose, subject_id, receipt, asked_originator_id, asked_by, asked_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(input.purpose, input.subjectId, receipt, originator, input.actor, input.at).lastInsertRowid,
  );
}

export function recordLookupAccepted(
  db: ProfileDatabase,
  id: number,
  conversationId: string,
  originatorConversationId: string | null,
): void {
  db.prepare(
    'UPDATE status_lookups SET conversation_id = ?, originator_conversation_id = ? WHERE id = ? AND conversation_id IS NULL',
  ).run(conversationId, originatorConversationId, id);
}

export function recordLookupRefused(db: ProfileDatabase, id: number, refusal: string): void {
  db.prepare('UPDATE status_lookups SET refused = ? WHERE id = ? AND refused IS NULL').run(refusal, id);
}

/** Records the answer once: a second copy of the same answer changes nothing. True when this was the first. */
export function recordLookupAnswer(
  db: ProfileDatabase,
  id: number,
  answer: { inboxId: number; resultCode: string; at: string },
): boolean {
  return (
    db
      .prepare(
        'UPDATE status_lookups SET inbox_id = ?, result_code = ?, answered_at = ? WHERE id = ? AND answered_at IS NULL',
      )
      .run(answer.inboxId, answer.resultCode, answer.at, id).changes === 1
  );
}

export function lookupById(db: ProfileDatabase, id: number): StatusLookup | null {
  const row = db.prepare('SELECT * FROM status_lookups WHERE id = ?').get(id) as LookupRow | undefined;
  return row === undefined ? null : lookupOf(row);
}

/** The question an answer is about: by the ConversationID Daraja gave it, else by its OriginatorConversationID. */
export function lookupForAnswer(
  db: ProfileDatabase,
  conversationId: string | null,
  originatorConversationId: string | null,
): StatusLookup | null {
  if (conversationId !== null && conversationId !== '') {
    const row = db.prepare('SELECT * FROM status_lookups WHERE conversation_id = ?').get(conversationId) as
      LookupRow | undefined;
    if (row !== undefined) return lookupOf(row);
  }
  if (originatorConversationId !== null && originatorConversationId !== '') {
    const row = db
      .prepare('SELECT * FROM status_lookups WHERE originator_conversation_id = ? ORDER BY id DESC LIMIT 1')
      .get(originatorConversationId) as LookupRow | undefined;
    if (row !== undefined) return lookupOf(row);
  }
  return null;
}

/** The questions asked for one purpose and subject, newest first. */
export function lookupsFor(db: ProfileDatabase, purpose: LookupPurpose, subjectId: number): StatusLookup[] {
  const rows = db
    .prepare('SELECT * FROM status_lookups WHERE purpose = ? AND subject_id = ? ORDER BY id DESC')
    .all(purpose, subjectId) as LookupRow[];
  return rows.map(lookupOf);
}

/** What M-Pesa said about the transaction asked about, as the screens and the rules read it. */
export interface StatusAnswer {
  /** "0" when M-Pesa answered about the transaction; anything else says the question got no such answer. */
  resultCode: string;
  resultDesc: string;
  /** "Completed" is the only value documented (REFERENCE §15 item 15). */
  transactionStatus: string | null;
  receipt: string | null;
  amountCents: Cents | null;
  debitPartyName: string | null;
  creditPartyName: string | null;
  creditPartyMsisdn: string | null;
  reasonType: string | null;
  initiatedAt: string | null;
  finalisedAt: string | null;
  /** The queried transaction's own OriginatorConversationID, when M-Pesa gave it. */
  transactionOriginatorConversationId: string | null;
}

export function statusAnswerOf(event: StatusResultEvent): StatusAnswer {
  return {
    resultCode: event.resultCode,
    resultDesc: event.resultDesc,
    transactionStatus: event.transactionStatus,
    receipt: event.receipt,
    amountCents: event.amountCents,
    debitPartyName: event.debitPartyName,
    creditPartyName: event.creditPartyPublicName ?? event.creditPartyName,
    creditPartyMsisdn: event.creditPartyMsisdn,
    reasonType: event.reasonType,
    initiatedAt: event.initiatedAt?.toISOString() ?? null,
    finalisedAt: event.finalisedAt?.toISOString() ?? null,
    transactionOriginatorConversationId: event.transactionOriginatorConversationId,
  };
}

/** The answer kept in the inbox, read again: null when that entry is not a readable status answer. */
export function storedStatusAnswer(db: ProfileDatabase, inboxId: number): StatusAnswer | null {
  const row = db.prepare('SELECT kind, body FROM inbox WHERE id = ?').get(inboxId) as
    { kind: string; body: string } | undefined;
  if (row === undefined || row.kind !== 'status-result') return null;
  const parsed = parseCallback(row.body, 'status-result');
  if (!parsed.ok || parsed.event.type !== 'status-result') return null;
  return statusAnswerOf(parsed.event);
}

/** True when the answer says the transaction asked about completed (ResultCode 0, "Completed"). */
export function answerSaysCompleted(answer: StatusAnswer): boolean {
  return answer.resultCode === '0' && (answer.transactionStatus ?? '').trim().toLowerCase() === 'completed';
}
