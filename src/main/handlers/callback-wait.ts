// Waits for the callback that answers a request Mshahara just made (a Transaction Status
// query from the inbox): listening starts BEFORE the request leaves, so a fast answer is not missed.
import type { ProfileCore } from './context';
import type { InboxRow } from './inbox';

export interface CallbackWait {
  /** Resolves with the first stored callback whose body names `conversationId`, or null after `timeoutMs`. */
  answerFor(conversationId: string, timeoutMs: number): Promise<InboxRow | null>;
  cancel(): void;
}

export function listenForAnswers(core: ProfileCore): CallbackWait {
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
      const row = core.db.prepare('SELECT * FROM inbox WHERE id = ?').get(id) as InboxRow | undefined;
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
