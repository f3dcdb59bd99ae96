// Reading the inbox: raw callbacks as they arrived, the ones waiting for a person, and what the
// screens, the dashboard and the CLI count or look up in it. Rows are written by store.ts.
import type { InboxEntry } from '../../../shared/contract';
import type { ProfileDatabase } from '../../db';
import { parseCallback } from '../../daraja/callbacks';

export interface InboxRow {
  id: number;
  event_id: string | null;
  received_at: string;
  source: string;
  source_ip: string | null;
  kind: InboxEntry['kind'];
  headers: string | null;
  body: string;
  applied: number;
  flag: InboxEntry['flag'];
  reason: string | null;
  processed_at: string | null;
  settled_at: string | null;
}

/** Flags a person must look at; 'duplicate' and 'late' only tell what happened. */
export const needsActionFlags = ['unmatched', 'amount_mismatch', 'party_mismatch', 'malformed'] as const;
/** SQL condition for inbox rows waiting for a person (flagged, not settled yet). */
const needsActionSql = `((flag IN (${needsActionFlags.map((f) => `'${f}'`).join(', ')}) AND settled_at IS NULL)
  OR id IN (SELECT inbox_id FROM payout_findings WHERE cleared_at IS NULL AND inbox_id IS NOT NULL))`;
// What a status query can settle: callbacks about a payment. A status answer is itself what a
// query brings back, so querying about it again would only repeat it.
const settleableKinds = new Set<InboxEntry['kind']>(['b2c-result', 'b2c-timeout', 'timeout']);

export type InboxShow = 'all' | 'needs_action' | 'unmatched' | 'flagged';

const showSql: Record<InboxShow, string> = {
  all: '1',
  needs_action: needsActionSql,
  unmatched: "flag = 'unmatched'",
  flagged: 'flag IS NOT NULL',
};

export function inboxRow(db: ProfileDatabase, id: number): InboxRow | undefined {
  return db.prepare('SELECT * FROM inbox WHERE id = ?').get(id) as InboxRow | undefined;
}

/** How many callbacks wait for a person: the inbox badge, the dashboard, the inbox.changed event. */
export function countNeedingAction(db: ProfileDatabase): number {
  return (db.prepare(`SELECT count(*) AS n FROM inbox WHERE ${needsActionSql}`).get() as { n: number }).n;
}

/** One page of the inbox, newest first, with the size of the whole set and what needs a person. */
export function listInbox(
  db: ProfileDatabase,
  show: InboxShow,
  page: { limit: number; offset: number },
): { rows: InboxRow[]; total: number; needsAction: number } {
  const where = showSql[show];
  const rows = db
    .prepare(`SELECT * FROM inbox WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`)
    .all(page.limit, page.offset) as InboxRow[];
  const total = (db.prepare(`SELECT count(*) AS n FROM inbox WHERE ${where}`).get() as { n: number }).n;
  return { rows, total, needsAction: countNeedingAction(db) };
}

/** Whether any of these new callbacks was a balance answer that updated the float. */
export function anyAppliedBalanceAnswer(db: ProfileDatabase, ids: readonly number[]): boolean {
  const balances = db
    .prepare(
      `SELECT count(*) AS n FROM inbox WHERE id IN (SELECT value FROM json_each(?)) AND kind = 'balance-result' AND applied = 1`,
    )
    .get(JSON.stringify(ids)) as { n: number };
  return balances.n > 0;
}

/** When the relay last brought a callback, or null if it never has. */
export function lastRelayCallbackAt(db: ProfileDatabase): string | null {
  const row = db.prepare("SELECT max(received_at) AS at FROM inbox WHERE source LIKE 'relay:%'").get() as {
    at: string | null;
  };
  return row.at;
}

/** Why M-Pesa refused the balance query with this ConversationID, as its answer said. */
/** Whether the balance result stored as `inboxId` reports balances (result code 0). */
export function balanceAnswerReportsBalances(db: ProfileDatabase, inboxId: number): boolean {
  const row = db.prepare('SELECT body FROM inbox WHERE id = ?').get(inboxId) as { body: string };
  const parsed = parseCallback(row.body, 'balance-result');
  return parsed.ok && parsed.event.type === 'balance-result' && parsed.event.resultCode === '0';
}

export function balanceRefusalReason(db: ProfileDatabase, conversationId: string): string | null {
  const row = db
    .prepare(`SELECT reason FROM inbox WHERE kind = 'balance-result' AND instr(body, ?) > 0 ORDER BY id DESC LIMIT 1`)
    .get(conversationId) as { reason: string | null } | undefined;
  return row?.reason ?? null;
}

/** The ids a callback can be recognised by, in the order a status query prefers them. */
export function callbackReferences(body: string): { originatorConversationId: string | null; receipt: string | null } {
  const pick = (key: string): string | null => new RegExp(`"${key}"\\s*:\\s*"([^"]{1,100})"`).exec(body)?.[1] ?? null;
  return {
    originatorConversationId: pick('OriginatorConversationID'),
    receipt: pick('TransactionID') ?? pick('TransID'),
  };
}

export function inboxEntryView(row: InboxRow): InboxEntry {
  const refs = callbackReferences(row.body);
  const flaggedForPerson =
    row.flag !== null && row.flag !== 'duplicate' && row.flag !== 'malformed' && row.settled_at === null;
  return {
    id: row.id,
    receivedAt: row.received_at,
    source: row.source,
    kind: row.kind,
    applied: row.applied === 1,
    flag: row.flag,
    reason: row.reason,
    processedAt: row.processed_at,
    settledAt: row.settled_at,
    reference: refs.receipt ?? refs.originatorConversationId,
    body: row.body,
    canSettle:
      flaggedForPerson &&
      settleableKinds.has(row.kind) &&
      (refs.originatorConversationId !== null || refs.receipt !== null),
  };
}
