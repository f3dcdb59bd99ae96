// Contract handlers for the inbox: every raw callback as it arrived, the ones that need a person,
// and settling one by asking M-Pesa (Transaction Status) what became of the payment it names.
import type { InboxEntry } from '../../shared/contract';
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import type { ContractHandlers } from '../transports/dispatch';
import { appendAudit } from '../ledger/audit';
import { defaultNotFoundCodes } from '../payroll/engine/apply';
import { listenForAnswers } from './callback-wait';
import type { ApiContext } from './context';

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
export const needsActionSql = `((flag IN (${needsActionFlags.map((f) => `'${f}'`).join(', ')}) AND settled_at IS NULL)
  OR id IN (SELECT inbox_id FROM payout_findings WHERE cleared_at IS NULL AND inbox_id IS NOT NULL))`;
// What a status query can settle: callbacks about a payment. A status answer is itself what a
// query brings back, so querying about it again would only repeat it.
const settleableKinds = new Set<InboxEntry['kind']>(['b2c-result', 'b2c-timeout', 'timeout']);

const showSql = {
  all: '1',
  needs_action: needsActionSql,
  unmatched: "flag = 'unmatched'",
  flagged: 'flag IS NOT NULL',
} as const;

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

const statusAnswerWaitMs = 15_000;

/** What M-Pesa's status answer means for the flagged callback. */
export function settleVerdict(answer: InboxRow): { settled: boolean; message: string } {
  if (answer.applied === 1) {
    return {
      settled: true,
      message: `M-Pesa's status answer settled the payment it names${answer.reason ? `: ${answer.reason}` : '.'}`,
    };
  }
  const resultCode = /"ResultCode"\s*:\s*"?([A-Za-z0-9._]+)/.exec(answer.body)?.[1];
  if (resultCode !== undefined && defaultNotFoundCodes.includes(resultCode)) {
    return {
      settled: true,
      message:
        'M-Pesa has no such transaction: the callback was not about a payment Mshahara made. Nothing was paid or recorded.',
    };
  }
  return {
    settled: false,
    message: `M-Pesa answered the status query, but the answer is not one of Mshahara's payments${answer.reason ? ` (${answer.reason})` : ''}. Look it up on the M-Pesa portal.`,
  };
}

/** Marks the flagged callback and the answer that settled it, with the audit row, in one transaction. */
function markSettled(db: ProfileDatabase, ids: number[], message: string, actor: string, answerId: number): void {
  const now = new Date().toISOString();
  db.transaction(() => {
    const update = db.prepare(
      "UPDATE inbox SET settled_at = ?, reason = trim(coalesce(reason, '') || ' — ' || ?, ' —') WHERE id = ?",
    );
    for (const id of ids) update.run(now, `Settled: ${message}`, id);
    appendAudit(db, {
      actor,
      action: 'inbox.settled',
      entity: 'inbox',
      entityId: ids[0] ?? answerId,
      details: { answerInboxId: answerId, message },
    });
  })();
}

export function inboxHandlers(ctx: ApiContext): Pick<ContractHandlers, 'inbox.list' | 'inbox.settle'> {
  const core = () => ctx.session.require();
  return {
    'inbox.list': ({ show, limit, offset }) => {
      const { db } = core();
      const where = showSql[show];
      const rows = db
        .prepare(`SELECT * FROM inbox WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(limit, offset) as InboxRow[];
      const total = (db.prepare(`SELECT count(*) AS n FROM inbox WHERE ${where}`).get() as { n: number }).n;
      const needsAction = (db.prepare(`SELECT count(*) AS n FROM inbox WHERE ${needsActionSql}`).get() as { n: number })
        .n;
      return { entries: rows.map(inboxEntryView), total, needsAction };
    },
    'inbox.settle': async ({ id }) => {
      const c = core();
      const row = c.db.prepare('SELECT * FROM inbox WHERE id = ?').get(id) as InboxRow | undefined;
      if (row === undefined) throw new NotFoundError(`There is no callback #${id} in the inbox`);
      const entry = inboxEntryView(row);
      if (!entry.canSettle)
        throw new ValidationError(
          'This callback has nothing a status query could settle: it was applied, or names no payment.',
        );
      const refs = callbackReferences(row.body);
      const wait = listenForAnswers(c);
      const outcome = await c.client.transactionStatus({
        ...(refs.originatorConversationId !== null
          ? { originatorConversationId: refs.originatorConversationId }
          : { receipt: refs.receipt ?? '' }),
        remarks: 'Settle a callback from the inbox',
        resultUrl: c.source.callbackUrl('status-result'),
        queueTimeoutUrl: c.source.callbackUrl('timeout'),
      });
      if (outcome.kind !== 'accepted') {
        wait.cancel();
        throw outcome.error;
      }
      const answer = await wait.answerFor(outcome.value.conversationId, statusAnswerWaitMs);
      if (answer === null) {
        return {
          entry: inboxEntryView(row),
          settled: false,
          message:
            'M-Pesa took the status query but has not answered yet; its answer will appear in the inbox and is applied when it comes.',
        };
      }
      const verdict = settleVerdict(answer);
      if (verdict.settled) markSettled(c.db, [row.id, answer.id], verdict.message, ctx.actor, answer.id);
      const after = c.db.prepare('SELECT * FROM inbox WHERE id = ?').get(id) as InboxRow;
      return { entry: inboxEntryView(after), settled: verdict.settled, message: verdict.message };
    },
  };
}
