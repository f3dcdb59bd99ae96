// Asking M-Pesa for the balance (Account Balance) and waiting for its answer, which arrives as a
// callback: the one way the dashboard, the connection test, the CLI and the float check ask.
// Listening starts BEFORE the request leaves, so an answer faster than the reply is not missed.
import type { CallbackKind } from '../../../shared/callback-kinds';
import type { DarajaError } from '../../../shared/errors';
import type { CallbackSource } from '../../callback-sources/inbox/source';
import type { DarajaClient } from '../../daraja';
import type { FailedOutcome } from '../../daraja/classify';
import type { ProfileDatabase } from '../../db';
import { applyInboxEntry } from './apply';

export type BalanceAnswer =
  /** A stored callback names the query: its inbox id (applied by the engine, or here when asked to). */
  | { kind: 'answered'; conversationId: string; inboxId: number }
  | { kind: 'no_answer'; conversationId: string }
  | { kind: 'refused'; outcome: FailedOutcome['kind']; error: DarajaError };

export interface BalanceQueryOptions {
  remarks: string;
  waitMs: number;
  /** Which callbacks count as the answer; any that names the query when left out (a queue timeout too). */
  answerKinds?: readonly CallbackKind[];
  /** Apply each callback as it is stored: for a program that opened the profile without running the engine. */
  applyAnswers?: boolean;
}

export async function askAccountBalance(
  parts: { db: ProfileDatabase; client: DarajaClient; source: CallbackSource },
  options: BalanceQueryOptions,
): Promise<BalanceAnswer> {
  const { db, client, source } = parts;
  const seen: number[] = [];
  let check: () => void = () => undefined;
  const stopListening = source.onStored((ids) => {
    for (const id of ids) {
      if (options.applyAnswers === true) applyInboxEntry(db, id, new Date().toISOString());
      seen.push(id);
    }
    check();
  });
  try {
    const outcome = await client.accountBalance({
      remarks: options.remarks,
      resultUrl: source.callbackUrl('balance-result'),
      queueTimeoutUrl: source.callbackUrl('timeout'),
    });
    if (outcome.kind !== 'accepted') return { kind: 'refused', outcome: outcome.kind, error: outcome.error };
    const conversationId = outcome.value.conversationId;
    // Body text, not parsed fields: balance and timeout answers both carry the id verbatim.
    const needle = JSON.stringify(conversationId);
    const find = (): number | null => {
      for (const id of seen) {
        const row = db.prepare('SELECT kind, body FROM inbox WHERE id = ?').get(id) as
          { kind: CallbackKind; body: string } | undefined;
        if (row === undefined || !row.body.includes(needle)) continue;
        if (options.answerKinds === undefined || options.answerKinds.includes(row.kind)) return id;
      }
      return null;
    };
    const inboxId = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), options.waitMs);
      // A wait must never keep a closing app alive.
      timer.unref();
      check = () => {
        const found = find();
        if (found === null) return;
        clearTimeout(timer);
        resolve(found);
      };
      check();
    });
    return inboxId === null ? { kind: 'no_answer', conversationId } : { kind: 'answered', conversationId, inboxId };
  } finally {
    stopListening();
  }
}
