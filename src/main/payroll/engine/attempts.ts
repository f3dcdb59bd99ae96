// Payout attempts in SQLite: each change of an attempt's state is one transaction together with
// its item and an audit row (docs/money-safety.md#rule-15). Every update names the state it expects, so a
// callback that settled an attempt first is never overwritten by a late synchronous answer.
import type { ProfileDatabase } from '../../db';
import { appendAudit } from '../../ledger/audit';
import { itemTransitions, stateGuard, statesInto as statesIntoTable } from '../transitions';
import { newOriginatorConversationId } from './ids';

export type AttemptState = 'created' | 'sending' | 'accepted' | 'succeeded' | 'failed' | 'rejected' | 'unknown';

/**
 * the attempt state machine (docs/money-safety.md#the-attempt-states) as a table: from → where it may go. `created` is also where a
 * request Daraja turned away unprocessed (transient, throttled, "no such transaction") waits to
 * be sent again with its own OriginatorConversationID. Evidence may settle any open attempt.
 * Every UPDATE of an attempt's state takes its `WHERE state IN (…)` from this table (attemptGuard);
 * the schema's triggers keep final states final.
 */
export const attemptTransitions: Readonly<Record<AttemptState, readonly AttemptState[]>> = {
  created: ['sending', 'succeeded', 'failed', 'rejected', 'unknown'],
  sending: ['accepted', 'rejected', 'unknown', 'created', 'succeeded', 'failed'],
  accepted: ['succeeded', 'failed', 'unknown', 'created'],
  unknown: ['succeeded', 'failed', 'created'],
  succeeded: [],
  failed: [],
  rejected: [],
};

/** The states an attempt may move to `target` from, read from the table above. */
export function statesInto(target: AttemptState, from?: readonly AttemptState[]): AttemptState[] {
  return statesIntoTable(attemptTransitions, target, from);
}

/** The `state IN (…)` of every UPDATE that moves an attempt to `target` (narrowed by `from`). */
export function attemptGuard(target: AttemptState, from?: readonly AttemptState[], column = 'state'): string {
  return stateGuard(attemptTransitions, target, from, column);
}

function inList(states: readonly AttemptState[]): string {
  return states.map((state) => `'${state}'`).join(', ');
}

/** States evidence can still settle: anything not final. */
export const openAttemptStates: readonly AttemptState[] = (Object.keys(attemptTransitions) as AttemptState[]).filter(
  (state) => attemptTransitions[state].length > 0,
);

export interface Attempt {
  id: number;
  itemId: number;
  runId: number;
  attemptNumber: number;
  originatorConversationId: string;
  conversationId: string | null;
  phone: string;
  amountCents: number;
  commandId: 'SalaryPayment' | 'BusinessPayment' | 'PromotionPayment';
  state: AttemptState;
  receipt: string | null;
  statusQueries: number;
  needsAttention: boolean;
  acceptedAt: string | null;
  workerName: string;
  remarks: string | null;
  /** Daraja acknowledged this OriginatorConversationID (accepted it, called it a duplicate, or sent a Result about it). */
  acknowledged: boolean;
  /** Same-ID re-sends after M-Pesa twice said it had no such transaction. */
  resends: number;
  /** When the request last left (first send or a re-send). */
  sentAt: string | null;
  resultCode: string | null;
  attentionReason: string | null;
}

interface AttemptRow {
  id: number;
  item_id: number;
  run_id: number;
  attempt_number: number;
  originator_conversation_id: string;
  conversation_id: string | null;
  phone: string;
  amount_cents: number;
  command_id: Attempt['commandId'];
  state: AttemptState;
  receipt: string | null;
  status_queries: number;
  needs_attention: number;
  accepted_at: string | null;
  worker_name: string;
  remarks: string | null;
  acknowledged: number;
  resends: number;
  sent_at: string | null;
  result_code: string | null;
  attention_reason: string | null;
}

export const attemptColumns = `a.id, a.item_id, i.run_id, a.attempt_number, a.originator_conversation_id, a.conversation_id,
  a.phone, a.amount_cents, a.command_id, a.state, a.receipt, a.status_queries, a.needs_attention, a.accepted_at,
  i.name AS worker_name, i.remarks, a.acknowledged, a.resends, a.sent_at, a.result_code, a.attention_reason`;

export function toAttempt(row: AttemptRow): Attempt {
  return {
    id: row.id,
    itemId: row.item_id,
    runId: row.run_id,
    attemptNumber: row.attempt_number,
    originatorConversationId: row.originator_conversation_id,
    conversationId: row.conversation_id,
    phone: row.phone,
    amountCents: row.amount_cents,
    commandId: row.command_id,
    state: row.state,
    receipt: row.receipt,
    statusQueries: row.status_queries,
    needsAttention: row.needs_attention === 1,
    acceptedAt: row.accepted_at,
    workerName: row.worker_name,
    remarks: row.remarks,
    acknowledged: row.acknowledged === 1,
    resends: row.resends,
    sentAt: row.sent_at,
    resultCode: row.result_code,
    attentionReason: row.attention_reason,
  };
}

export function attemptById(db: ProfileDatabase, id: number): Attempt | null {
  const row = db
    .prepare(
      `SELECT ${attemptColumns} FROM payout_attempts a CROSS JOIN payroll_items i ON i.id = a.item_id WHERE a.id = ?`,
    )
    .get(id) as AttemptRow | undefined;
  return row ? toAttempt(row) : null;
}

export function attemptByOriginatorId(db: ProfileDatabase, originatorConversationId: string): Attempt | null {
  const row = db
    .prepare(
      `SELECT ${attemptColumns} FROM payout_attempts a CROSS JOIN payroll_items i ON i.id = a.item_id WHERE a.originator_conversation_id = ?`,
    )
    .get(originatorConversationId) as AttemptRow | undefined;
  return row ? toAttempt(row) : null;
}

export function attemptByConversationId(db: ProfileDatabase, conversationId: string): Attempt | null {
  const row = db
    .prepare(
      `SELECT ${attemptColumns} FROM payout_attempts a CROSS JOIN payroll_items i ON i.id = a.item_id WHERE a.conversation_id = ?`,
    )
    .get(conversationId) as AttemptRow | undefined;
  return row ? toAttempt(row) : null;
}

export function attemptsWhere(db: ProfileDatabase, where: string, ...params: unknown[]): Attempt[] {
  const rows = db
    .prepare(
      `SELECT ${attemptColumns} FROM payout_attempts a CROSS JOIN payroll_items i ON i.id = a.item_id WHERE ${where}`,
    )
    .all(...params) as AttemptRow[];
  return rows.map(toAttempt);
}

function audit(db: ProfileDatabase, action: string, attemptId: number, details: Record<string, unknown>): void {
  appendAudit(db, {
    actor: 'system',
    action: `payout_attempt.${action}`,
    entity: 'payout_attempt',
    entityId: attemptId,
    details,
  });
}

/**
 * Opens a new attempt for a queued item and marks it sending, in one transaction that commits
 * before the request leaves (invariant 1). Returns null when the item is no longer queued (paused,
 * cancelled, or picked already); the one-live-attempt index refuses a second live attempt anyway.
 */
export function openAttempt(db: ProfileDatabase, itemId: number, nowIso: string, random: () => number): Attempt | null {
  return db
    .transaction((): Attempt | null => {
      const item = db
        .prepare(
          `SELECT i.id, i.run_id, i.phone, i.amount_cents, r.command_id, r.state AS run_state,
             (SELECT COALESCE(MAX(attempt_number), 0) FROM payout_attempts WHERE item_id = i.id) AS last_number
           FROM payroll_items i JOIN payroll_runs r ON r.id = i.run_id WHERE i.id = ? AND i.state = 'queued'`,
        )
        .get(itemId) as
        | {
            id: number;
            run_id: number;
            phone: string;
            amount_cents: number;
            command_id: string;
            run_state: string;
            last_number: number;
          }
        | undefined;
      if (!item || item.run_state !== 'running') return null;
      const attemptNumber = item.last_number + 1;
      const originatorId = newOriginatorConversationId(item.run_id, item.id, attemptNumber, random);
      const inserted = db
        .prepare(
          `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'created', ?, ?)`,
        )
        .run(item.id, attemptNumber, originatorId, item.phone, item.amount_cents, item.command_id, nowIso, nowIso);
      const attemptId = Number(inserted.lastInsertRowid);
      db.prepare(
        `UPDATE payout_attempts SET state = 'sending', sent_at = ?, updated_at = ? WHERE id = ? AND ${attemptGuard('sending')}`,
      ).run(nowIso, nowIso, attemptId);
      db.prepare(
        `UPDATE payroll_items SET state = 'paying', updated_at = ? WHERE id = ? AND ${stateGuard(itemTransitions, 'paying')}`,
      ).run(nowIso, item.id);
      audit(db, 'sending', attemptId, {
        itemId: item.id,
        attemptNumber,
        originatorConversationId: originatorId,
        amountCents: item.amount_cents,
        phone: item.phone,
      });
      return attemptById(db, attemptId);
    })
    .immediate();
}

/** created → sending for an attempt Daraja has not processed (a re-send keeps its OriginatorConversationID). */
export function markSending(db: ProfileDatabase, attemptId: number, nowIso: string): boolean {
  return db
    .transaction(() => {
      const changed = db
        .prepare(
          `UPDATE payout_attempts SET state = 'sending', sent_at = ?, updated_at = ? WHERE id = ? AND ${attemptGuard('sending')}`,
        )
        .run(nowIso, nowIso, attemptId).changes;
      if (changed === 1) audit(db, 'sending', attemptId, { resend: true });
      return changed === 1;
    })
    .immediate();
}

/** Daraja accepted the request: the callback is now expected. */
export function markAccepted(db: ProfileDatabase, attemptId: number, conversationId: string, nowIso: string): void {
  db.transaction(() => {
    const changed = db
      .prepare(
        `UPDATE payout_attempts SET state = 'accepted', conversation_id = ?, accepted_at = ?, acknowledged = 1, updated_at = ? WHERE id = ? AND ${attemptGuard('accepted')}`,
      )
      .run(conversationId, nowIso, nowIso, attemptId).changes;
    if (changed === 1) {
      audit(db, 'accepted', attemptId, { conversationId });
    } else {
      // Settled (or learned of) by a callback before this answer came back: keep Daraja's id for the record.
      markAcknowledged(db, attemptId, conversationId);
    }
  }).immediate();
}

/**
 * Daraja has seen this OriginatorConversationID: a "not found" can no longer mean it never did.
 * Learns Daraja's ConversationID for the attempt when it has none (and no other attempt has it).
 */
export function markAcknowledged(db: ProfileDatabase, attemptId: number, conversationId: string | null): void {
  db.prepare('UPDATE payout_attempts SET acknowledged = 1 WHERE id = ? AND acknowledged = 0').run(attemptId);
  if (conversationId === null || conversationId === '') return;
  db.prepare(
    `UPDATE payout_attempts SET conversation_id = ? WHERE id = ? AND conversation_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM payout_attempts WHERE conversation_id = ?)`,
  ).run(conversationId, attemptId, conversationId);
}

/** A definitive synchronous refusal: the request never reached M-Pesa, so the item failed. */
export function markRejected(
  db: ProfileDatabase,
  attemptId: number,
  code: string,
  message: string,
  nowIso: string,
): void {
  db.transaction(() => {
    const changed = db
      .prepare(
        `UPDATE payout_attempts SET state = 'rejected', result_code = ?, result_desc = ?, finished_at = ?, updated_at = ? WHERE id = ? AND ${attemptGuard('rejected')}`,
      )
      .run(code, message, nowIso, nowIso, attemptId).changes;
    if (changed !== 1) return;
    failItem(db, attemptId, nowIso);
    audit(db, 'rejected', attemptId, { code, message });
  }).immediate();
}

/** Nobody can tell whether M-Pesa processed it: resolved later, never re-sent on a guess. */
export function markUnknown(
  db: ProfileDatabase,
  attemptId: number,
  reason: string,
  nowIso: string,
  from: readonly AttemptState[] = ['sending'],
): boolean {
  return db
    .transaction(() => {
      const changed = db
        .prepare(
          `UPDATE payout_attempts SET state = 'unknown', unknown_reason = ?, updated_at = ? WHERE id = ? AND ${attemptGuard('unknown', from)}`,
        )
        .run(reason, nowIso, attemptId).changes;
      if (changed === 1) audit(db, 'unknown', attemptId, { reason });
      return changed === 1;
    })
    .immediate();
}

/** Daraja turned the request away before processing it (transient, throttled): same attempt goes again. */
export function backToCreated(
  db: ProfileDatabase,
  attemptId: number,
  reason: string,
  nowIso: string,
  from: readonly AttemptState[] = ['sending'],
  options: { resend?: boolean } = {},
): boolean {
  return db
    .transaction(() => {
      const changed = db
        .prepare(
          `UPDATE payout_attempts SET state = 'created', unknown_reason = NULL, resends = resends + ?, updated_at = ? WHERE id = ? AND ${attemptGuard('created', from)}`,
        )
        .run(options.resend === true ? 1 : 0, nowIso, attemptId).changes;
      if (changed === 1)
        audit(db, 'resend_scheduled', attemptId, {
          reason,
          ...(options.resend === true ? { afterNotFound: true } : {}),
        });
      return changed === 1;
    })
    .immediate();
}

/** A Transaction Status query for this attempt left for Daraja (the answer comes as a callback). */
export function recordStatusQuerySent(db: ProfileDatabase, attemptId: number): void {
  audit(db, 'status_query_sent', attemptId, {});
}

/**
 * A query went unanswered for the whole result timeout while this process was listening, or was
 * refused outright. Only these count toward "needs attention": a query whose answer was lost
 * because the app stopped says nothing about the payment, and is simply asked again.
 */
export function countUnansweredStatusQuery(
  db: ProfileDatabase,
  attemptId: number,
  nowIso: string,
  reason: string,
): number {
  return db
    .transaction(() => {
      db.prepare('UPDATE payout_attempts SET status_queries = status_queries + 1, updated_at = ? WHERE id = ?').run(
        nowIso,
        attemptId,
      );
      audit(db, 'status_query_unanswered', attemptId, { reason });
      const row = db.prepare('SELECT status_queries AS n FROM payout_attempts WHERE id = ?').get(attemptId) as {
        n: number;
      };
      return row.n;
    })
    .immediate();
}

/** No query told us anything: a person looks at it. The item stays `paying`; nothing is re-sent. */
export function markNeedsAttention(db: ProfileDatabase, attemptId: number, reason: string, nowIso: string): void {
  db.transaction(() => {
    const changed = db
      .prepare(
        `UPDATE payout_attempts SET needs_attention = 1, attention_reason = ?, updated_at = ? WHERE id = ? AND needs_attention = 0 AND state IN (${inList(openAttemptStates)})`,
      )
      .run(reason, nowIso, attemptId).changes;
    if (changed === 1) audit(db, 'needs_attention', attemptId, { reason });
  }).immediate();
}

/** The attempt's item is failed unless it was settled otherwise (inside the caller's transaction). */
export function failItem(db: ProfileDatabase, attemptId: number, nowIso: string): void {
  db.prepare(
    `UPDATE payroll_items SET state = 'failed', updated_at = ?
     WHERE id = (SELECT item_id FROM payout_attempts WHERE id = ?) AND ${stateGuard(itemTransitions, 'failed', ['paying', 'queued'])}`,
  ).run(nowIso, attemptId);
}
