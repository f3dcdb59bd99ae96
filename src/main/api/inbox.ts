// Contract handlers for the inbox: every raw callback as it arrived, the ones that need a person,
// and settling one by asking M-Pesa (Transaction Status) what became of the payment it names.
import type { InboxEntry } from '../../shared/contract';
import { NotFoundError, ValidationError } from '../../shared/errors';
import type { ContractHandlers } from '../host/dispatch';
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
}

/** Flags a person must look at; 'duplicate' and 'late' only tell what happened. */
export const needsActionFlags = ['unmatched', 'amount_mismatch', 'party_mismatch', 'malformed'] as const;
const needsActionSql = `flag IN (${needsActionFlags.map((f) => `'${f}'`).join(', ')})`;
const settleableKinds = new Set<InboxEntry['kind']>(['b2c-result', 'b2c-timeout', 'status-result', 'timeout']);

const showSql = {
  all: '1',
  needs_action: needsActionSql,
  unmatched: "flag = 'unmatched'",
  flagged: 'flag IS NOT NULL',
} as const;

/** The ids a callback can be recognised by, in the order a status query prefers them. */
export function callbackReferences(body: string): { originatorConversationId: string | null; receipt: string | null } {
  const pick = (key: string): string | null => new RegExp(`"${key}"\\s*:\\s*"([^"]{1,100})"`).exec(body)?.[1] ?? null;
  return { originatorConversationId: pick('OriginatorConversationID'), receipt: pick('TransactionID') ?? pick('TransID') };
}

export function inboxEntryView(row: InboxRow): InboxEntry {
  const refs = callbackReferences(row.body);
  const flaggedForPerson = row.flag !== null && row.flag !== 'duplicate' && row.flag !== 'malformed';
  return {
    id: row.id,
    receivedAt: row.received_at,
    source: row.source,
    kind: row.kind,
    applied: row.applied === 1,
    flag: row.flag,
    reason: row.reason,
    processedAt: row.processed_at,
    reference: refs.receipt ?? refs.originatorConversationId,
    body: row.body,
    canSettle: flaggedForPerson && settleableKinds.has(row.kind) && (refs.originatorConversationId !== null || refs.receipt !== null),
  };
}

const statusAnswerWaitMs = 15_000;

export function inboxHandlers(ctx: ApiContext): Pick<ContractHandlers, 'inbox.list' | 'inbox.settle'> {
  const core = () => ctx.session.require();
  return {
    'inbox.list': ({ show, limit, offset }) => {
      const { db } = core();
      const where = showSql[show];
      const rows = db.prepare(`SELECT * FROM inbox WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`).all(limit, offset) as InboxRow[];
      const total = (db.prepare(`SELECT count(*) AS n FROM inbox WHERE ${where}`).get() as { n: number }).n;
      const needsAction = (db.prepare(`SELECT count(*) AS n FROM inbox WHERE ${needsActionSql}`).get() as { n: number }).n;
      return { entries: rows.map(inboxEntryView), total, needsAction };
    },
    'inbox.settle': async ({ id }) => {
      const c = core();
      const row = c.db.prepare('SELECT * FROM inbox WHERE id = ?').get(id) as InboxRow | undefined;
      if (row === undefined) throw new NotFoundError(`There is no callback #${id} in the inbox`);
      const entry = inboxEntryView(row);
      if (!entry.canSettle) throw new ValidationError('This callback has nothing a status query could settle: it was applied, or names no payment.');
      const refs = callbackReferences(row.body);
      const wait = listenForAnswers(c);
      const outcome = await c.client.transactionStatus({
        ...(refs.originatorConversationId !== null ? { originatorConversationId: refs.originatorConversationId } : { receipt: refs.receipt ?? '' }),
        remarks: 'Settle a callback from the inbox',
        resultUrl: c.source.callbackUrl('status-result'),
        queueTimeoutUrl: c.source.callbackUrl('timeout'),
      });
      if (outcome.kind !== 'accepted') {
        wait.cancel();
        throw outcome.error;
      }
      const answer = await wait.answerFor(outcome.value.conversationId, statusAnswerWaitMs);
      const after = c.db.prepare('SELECT * FROM inbox WHERE id = ?').get(id) as InboxRow;
      if (answer === null) {
        return { entry: inboxEntryView(after), settled: false, message: 'M-Pesa took the status query but has not answered yet; its answer will appear in the inbox and is applied when it comes.' };
      }
      const settled = answer.applied === 1;
      const message = settled
        ? `M-Pesa answered the status query and Mshahara applied it${answer.reason ? `: ${answer.reason}` : '.'}`
        : `M-Pesa answered the status query, but it settles nothing here${answer.reason ? `: ${answer.reason}` : '.'}`;
      return { entry: inboxEntryView(after), settled, message };
    },
  };
}
