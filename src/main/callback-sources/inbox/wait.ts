// Waits for the callback that answers a request Mshahara just made (a Transaction Status
// query from the inbox): listening starts BEFORE the request leaves, so an answer faster than the reply is not missed.
import type { ProfileDatabase } from '../../db';
import { inboxRow, type InboxRow } from './entries';
import type { CallbackSource } from './source';

export interface CallbackWait {
  /** Resolves with the first stored callback whose body names `conversationId`, or null after `timeoutMs`. */
  answerFor(conversationId: string, timeoutMs: number): Promise<InboxRow | null>;
  cancel(): void;
}

export function listenForAnswers(core: { db: ProfileDatabase; source: CallbackSource }): CallbackWait {
  const seen: number[] = [];
  let check: (() => void) | null = null;
  const unsubscribe = core.source.onStored((ids) => {
    seen.push(...ids);
    check?.();
  });
  const find = (conversationId: string): InboxRow | null => {
    // Body text, not parsed fields: balance, status and timeout answers all carry the id verbatim.
    const needle = JSON.stringify(conversationId);
    for (const id of seen) {
      const row = inboxRow(core.db, id);
      if (row !== undefined && row.body.includes(needle)) return row;
    }
    return null;
  };
  return {
    answerFor(conversationId, timeoutMs) {
      return new Promise((resolve) => {
        const finish = (row: InboxRow | null): void => {
          clearTimeout(timer);
          check = null;
          unsubscribe();
          resolve(row);
        };
        const timer = setTimeout(() => finish(null), timeoutMs);
        // A wait must never keep a closing app alive.
        timer.unref();
        check = () => {
          const row = find(conversationId);
          if (row !== null) finish(row);
        };
        check();
      });
    },
    cancel: unsubscribe,
  };
}
