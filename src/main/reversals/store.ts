// The `reversals`, `reversal_approvals` and `reversed_originals` tables: their only writer. Every
// change of a reversal's state is guarded by the states `reversalTransitions` allows into the new
// one, so a step the table does not allow changes no row (docs/money-safety.md#rule-16).
import crypto from 'node:crypto';
import type { Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { reversalIdBySendIds } from './sends';

export const reversalStates = [
  'draft',
  'approved',
  'sending',
  'accepted',
  'unknown',
  'succeeded',
  'failed',
  'rejected',
] as const;
export type ReversalState = (typeof reversalStates)[number];

/** For each state, the states a reversal may move into it from. */
export const reversalTransitions: Record<ReversalState, readonly ReversalState[]> = {
  draft: [],
  approved: ['draft'],
  // Sent when the last approval lands, or again by a person once evidence cannot settle it.
  sending: ['approved', 'unknown'],
  accepted: ['sending'],
  unknown: ['sending', 'accepted'],
  succeeded: ['sending', 'accepted', 'unknown'],
  failed: ['sending', 'accepted', 'unknown'],
  // Declined by an approver, or refused by Daraja before it reached M-Pesa.
  rejected: ['draft', 'sending'],
};

export const openReversalStates: readonly ReversalState[] = ['draft', 'approved', 'sending', 'accepted', 'unknown'];
/** Sent, and M-Pesa may have acted on it: only evidence settles these. */
export const inFlightStates: readonly ReversalState[] = ['sending', 'accepted', 'unknown'];

function guard(to: ReversalState): string {
  const from = reversalTransitions[to];
  return `state IN (${from.map((s) => `'${s}'`).join(', ')})`;
}

export interface Reversal {
  id: number;
  transactionId: number;
  originalReceipt: string;
  amountCents: Cents;
  originalAmountCents: Cents;
  reason: string;
  state: ReversalState;
  requestId: string | null;
  darajaOriginatorId: string | null;
  conversationId: string | null;
  reversalReceipt: string | null;
  resultCode: string | null;
  resultDesc: string | null;
  reportedAmountCents: Cents | null;
  alreadyReversed: boolean;
  needsAttention: boolean;
  attentionReason: string | null;
  outcomeWords: string | null;
  requestedByAccount: number | null;
  requestedAt: string;
  declinedByAccount: number | null;
  declineReason: string | null;
  sends: number;
  lastSentAt: string | null;
  updatedAt: string;
}

interface ReversalRow {
  id: number;
  transaction_id: number;
  original_receipt: string;
  amount_cents: number;
  original_amount_cents: number | null;
  reason: string;
  state: ReversalState;
  originator_conversation_id: string | null;
  daraja_originator_id: string | null;
  conversation_id: string | null;
  reversal_receipt: string | null;
  result_code: string | null;
  result_desc: string | null;
  reported_amount_cents: number | null;
  already_reversed: number;
  needs_attention: number;
  attention_reason: string | null;
  outcome_words: string | null;
  requested_by_account: number | null;
  requested_at: string | null;
  created_at: string;
  declined_by_account: number | null;
  decline_reason: string | null;
  sends: number;
  last_sent_at: string | null;
  updated_at: string;
}

function reversalOf(row: ReversalRow): Reversal {
  return {
    id: row.id,
    transactionId: row.transaction_id,
    originalReceipt: row.original_receipt,
    amountCents: row.amount_cents,
    originalAmountCents: row.original_amount_cents ?? row.amount_cents,
    reason: row.reason,
    state: row.state,
    requestId: row.originator_conversation_id,
    darajaOriginatorId: row.daraja_originator_id,
    conversationId: row.conversation_id,
    reversalReceipt: row.reversal_receipt,
    resultCode: row.result_code,
    resultDesc: row.result_desc,
    reportedAmountCents: row.reported_amount_cents,
    alreadyReversed: row.already_reversed === 1,
    needsAttention: row.needs_attention === 1,
    attentionReason: row.attention_reason,
    outcomeWords: row.outcome_words,
    requestedByAccount: row.requested_by_account,
    requestedAt: row.requested_at ?? row.created_at,
    declinedByAccount: row.declined_by_account,
    declineReason: row.decline_reason,
    sends: row.sends,
    lastSentAt: row.last_sent_at,
    updatedAt: row.updated_at,
  };
}

export function reversalById(db: ProfileDatabase, id: number): Reversal | null {
  const row = db.prepare('SELECT * FROM reversals WHERE id = ?').get(id) as ReversalRow | undefined;
  return row === undefined ? null : reversalOf(row);
}

export function reversalsWhere(db: ProfileDatabase, where: string, ...params: unknown[]): Reversal[] {
  return (db.prepare(`SELECT * FROM reversals WHERE ${where}`).all(...params) as ReversalRow[]).map(reversalOf);
}

/** The reversal of a ledger row that is not failed or rejected (at most one: the schema's index). */
export function liveReversalOf(db: ProfileDatabase, transactionId: number): Reversal | null {
  const row = db
    .prepare(`SELECT * FROM reversals WHERE transaction_id = ? AND state NOT IN ('failed', 'rejected')`)
    .get(transactionId) as ReversalRow | undefined;
  return row === undefined ? null : reversalOf(row);
}

/**
 * The reversal a result names: by Daraja's ConversationID, else its OriginatorConversationID, of
 * any of its sends (`reversal_sends`), or the first ids it learned.
 */
export function reversalByDarajaIds(
  db: ProfileDatabase,
  conversationId: string | null,
  originatorId: string | null,
): Reversal | null {
  const bySend = reversalIdBySendIds(db, conversationId, originatorId);
  if (bySend !== null) return reversalById(db, bySend);
  if (conversationId !== null && conversationId !== '') {
    const row = db.prepare('SELECT * FROM reversals WHERE conversation_id = ?').get(conversationId) as
      ReversalRow | undefined;
    if (row !== undefined) return reversalOf(row);
  }
  if (originatorId !== null && originatorId !== '') {
    const row = db
      .prepare(
        'SELECT * FROM reversals WHERE daraja_originator_id = ? OR originator_conversation_id = ? ORDER BY id DESC',
      )
      .get(originatorId, originatorId) as ReversalRow | undefined;
    if (row !== undefined) return reversalOf(row);
  }
  return null;
}

/** The newest reversal of an original receipt, live ones first. */
export function reversalByOriginalReceipt(db: ProfileDatabase, receipt: string): Reversal | null {
  const row = db
    .prepare(
      `SELECT * FROM reversals WHERE original_receipt = ?
        ORDER BY state IN ('failed', 'rejected'), id DESC LIMIT 1`,
    )
    .get(receipt) as ReversalRow | undefined;
  return row === undefined ? null : reversalOf(row);
}

export function insertReversal(
  db: ProfileDatabase,
  input: {
    transactionId: number;
    originalReceipt: string;
    amountCents: Cents;
    reason: string;
    accountId: number;
    at: string;
    requestId: string;
  },
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO reversals (transaction_id, original_receipt, amount_cents, original_amount_cents, reason, state,
           requested_by_account, requested_at, created_at, updated_at, originator_conversation_id)
         VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)`,
      )
      .run(
        input.transactionId,
        input.originalReceipt,
        input.amountCents,
        input.amountCents,
        input.reason,
        input.accountId,
        input.at,
        input.at,
        input.at,
        input.requestId,
      ).lastInsertRowid,
  );
}

/** Mshahara's own id for a reversal request, carried to Daraja in Remarks and Occasion. */
export function newReversalRequestId(): string {
  return `MSHR-${crypto.randomBytes(6).toString('hex')}`;
}

export function insertApproval(db: ProfileDatabase, reversalId: number, accountId: number, at: string): void {
  db.prepare('INSERT INTO reversal_approvals (reversal_id, approver_account_id, approved_at) VALUES (?, ?, ?)').run(
    reversalId,
    accountId,
    at,
  );
}

export interface ReversalApproval {
  accountId: number;
  username: string;
  displayName: string;
  approvedAt: string;
}

export function approvalsOf(db: ProfileDatabase, reversalId: number): ReversalApproval[] {
  return db
    .prepare(
      `SELECT a.id AS accountId, a.username, a.display_name AS displayName, r.approved_at AS approvedAt
           FROM reversal_approvals r JOIN accounts a ON a.id = r.approver_account_id
          WHERE r.reversal_id = ? ORDER BY r.id`,
    )
    .all(reversalId) as ReversalApproval[];
}

/** Moves a reversal to `to` when the table allows it from its state now; false when it did not. */
export function moveReversal(
  db: ProfileDatabase,
  id: number,
  to: ReversalState,
  at: string,
  set: Partial<{
    requestId: string;
    darajaOriginatorId: string | null;
    conversationId: string | null;
    reversalReceipt: string | null;
    resultCode: string | null;
    resultDesc: string | null;
    reportedAmountCents: Cents | null;
    alreadyReversed: boolean;
    needsAttention: boolean;
    attentionReason: string | null;
    outcomeWords: string | null;
    declinedByAccount: number;
    declineReason: string;
    sent: boolean;
  }> = {},
): boolean {
  const columns: string[] = ['state = @to', 'updated_at = @at'];
  const params: Record<string, unknown> = { id, to, at };
  const map: Array<[keyof typeof set, string, (v: unknown) => unknown]> = [
    ['requestId', 'originator_conversation_id', (v) => v],
    ['darajaOriginatorId', 'daraja_originator_id', (v) => v],
    ['conversationId', 'conversation_id', (v) => v],
    ['reversalReceipt', 'reversal_receipt', (v) => v],
    ['resultCode', 'result_code', (v) => v],
    ['resultDesc', 'result_desc', (v) => v],
    ['reportedAmountCents', 'reported_amount_cents', (v) => v],
    ['alreadyReversed', 'already_reversed', (v) => (v === true ? 1 : 0)],
    ['needsAttention', 'needs_attention', (v) => (v === true ? 1 : 0)],
    ['attentionReason', 'attention_reason', (v) => v],
    ['outcomeWords', 'outcome_words', (v) => v],
    ['declinedByAccount', 'declined_by_account', (v) => v],
    ['declineReason', 'decline_reason', (v) => v],
  ];
  for (const [key, column, convert] of map) {
    if (!(key in set)) continue;
    columns.push(`${column} = @${key}`);
    params[key] = convert(set[key]);
  }
  if (set.sent === true) columns.push('sends = sends + 1', 'last_sent_at = @at');
  return (
    db.prepare(`UPDATE reversals SET ${columns.join(', ')} WHERE id = @id AND ${guard(to)}`).run(params).changes === 1
  );
}

/**
 * On a person's work list: sent, its outcome unknown, and evidence (the Result, Transaction Status)
 * could not settle it. Only then may an approver send it again or record it as not reversed.
 */
export function onWorkList(r: Pick<Reversal, 'state' | 'needsAttention'>): boolean {
  return r.state === 'unknown' && r.needsAttention;
}

/** Puts an open reversal on (or takes it off) a person's work list, whatever its state. */
export function markReversalAttention(db: ProfileDatabase, id: number, reason: string | null, at: string): void {
  db.prepare(`UPDATE reversals SET needs_attention = ?, attention_reason = ?, updated_at = ? WHERE id = ?`).run(
    reason === null ? 0 : 1,
    reason,
    at,
    id,
  );
}

/**
 * Keeps the first ids Daraja gave the reversal (shown, and asked about by Transaction Status);
 * every send's own ids are kept in `reversal_sends` (sends.ts).
 */
export function noteDarajaIds(
  db: ProfileDatabase,
  id: number,
  ids: { conversationId: string | null; originatorId: string | null },
): void {
  db.prepare(
    `UPDATE reversals SET conversation_id = coalesce(conversation_id, @conversationId),
       daraja_originator_id = coalesce(daraja_originator_id, @originatorId) WHERE id = @id`,
  ).run({ id, conversationId: ids.conversationId || null, originatorId: ids.originatorId || null });
}

export interface ReversedOriginal {
  originalId: number;
  reversalTransactionId: number | null;
  reversalId: number | null;
  via: 'api' | 'portal' | 'already_reversed';
  recordedAt: string;
}

export function reversedOriginal(db: ProfileDatabase, originalId: number): ReversedOriginal | null {
  const row = db
    .prepare(
      `SELECT original_id AS originalId, reversal_transaction_id AS reversalTransactionId, reversal_id AS reversalId,
              via, recorded_at AS recordedAt FROM reversed_originals WHERE original_id = ?`,
    )
    .get(originalId) as ReversedOriginal | undefined;
  return row ?? null;
}

/** Records that a ledger row was reversed; once per original (a second record changes nothing). */
export function recordReversedOriginal(
  db: ProfileDatabase,
  input: Omit<ReversedOriginal, 'recordedAt'>,
  at: string,
): boolean {
  return (
    db
      .prepare(
        `INSERT INTO reversed_originals (original_id, reversal_transaction_id, reversal_id, via, recorded_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (original_id) DO NOTHING`,
      )
      .run(input.originalId, input.reversalTransactionId, input.reversalId, input.via, at).changes === 1
  );
}

/** The statement showed the receipt of a reversal M-Pesa had reported as already made. */
export function linkReversalReceipt(db: ProfileDatabase, originalId: number, reversalTransactionId: number): boolean {
  return (
    db
      .prepare(
        'UPDATE reversed_originals SET reversal_transaction_id = ? WHERE original_id = ? AND reversal_transaction_id IS NULL',
      )
      .run(reversalTransactionId, originalId).changes === 1
  );
}

/** For a page of ledger rows: those that were reversed, with the reversal's receipt when known. */
export function reversalsOfOriginals(db: ProfileDatabase, ids: number[]): Map<number, { receipt: string | null }> {
  if (ids.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT r.original_id AS id, t.receipt FROM reversed_originals r
         LEFT JOIN transactions t ON t.id = r.reversal_transaction_id
        WHERE r.original_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as Array<{ id: number; receipt: string | null }>;
  return new Map(rows.map((row) => [row.id, { receipt: row.receipt }]));
}
