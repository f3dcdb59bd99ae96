// Settling a flagged callback: Mshahara asks M-Pesa (Transaction Status) what became of the payment
// the callback names, and marks it settled when the answer says, with the audit row.
import type { InboxEntry } from '../../../shared/contract';
import { NotFoundError, ValidationError } from '../../../shared/errors';
import type { DarajaClient } from '../../daraja';
import type { ProfileDatabase } from '../../db';
import { appendAudit } from '../../ledger/audit';
import { defaultNotFoundCodes } from '../../payroll/engine/apply';
import { callbackReferences, inboxEntryView, inboxRow, type InboxRow } from './entries';
import type { CallbackSource } from './source';
import { listenForAnswers } from './wait';

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

export interface SettleOutcome {
  entry: InboxEntry;
  settled: boolean;
  message: string;
}

/** Asks M-Pesa about the payment a flagged callback names and settles the callback if the answer does. */
export async function settleCallback(
  open: { db: ProfileDatabase; client: DarajaClient; source: CallbackSource },
  id: number,
  actor: string,
): Promise<SettleOutcome> {
  const row = inboxRow(open.db, id);
  if (row === undefined) throw new NotFoundError(`There is no callback #${id} in the inbox`);
  const entry = inboxEntryView(row);
  if (!entry.canSettle)
    throw new ValidationError(
      'This callback has nothing a status query could settle: it was applied, or names no payment.',
    );
  const refs = callbackReferences(row.body);
  const wait = listenForAnswers(open);
  const outcome = await open.client.transactionStatus({
    ...(refs.originatorConversationId !== null
      ? { originatorConversationId: refs.originatorConversationId }
      : { receipt: refs.receipt ?? '' }),
    remarks: 'Settle a callback from the inbox',
    resultUrl: open.source.callbackUrl('status-result'),
    queueTimeoutUrl: open.source.callbackUrl('timeout'),
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
  if (verdict.settled) markSettled(open.db, [row.id, answer.id], verdict.message, actor, answer.id);
  const after = inboxRow(open.db, id) as InboxRow;
  return { entry: inboxEntryView(after), settled: verdict.settled, message: verdict.message };
}
