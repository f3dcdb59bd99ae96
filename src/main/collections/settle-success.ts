// A person settles an M-Pesa Express success that no payment request holds and that M-Pesa's lookup
// could not confirm (stk-unmatched.ts): they looked it up on the M-Pesa portal or the statement and
// say what they found. It leaves the work list, the money-in worker stops asking about it, and the
// customer may be asked again; the callback keeps its flag and words as evidence, and the audit log
// keeps who settled it and their note. Nothing is recorded and no money moves.
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';

export function settleStkSuccess(
  db: ProfileDatabase,
  inboxId: number,
  actor: string,
  note: string,
  now = new Date(),
): { inboxId: number; settledAt: string } {
  const at = now.toISOString();
  const words = note.trim();
  db.transaction(() => {
    const row = db.prepare('SELECT kind, applied, flag, reason, settled_at FROM inbox WHERE id = ?').get(inboxId) as
      | { kind: string; applied: number; flag: string | null; reason: string | null; settled_at: string | null }
      | undefined;
    if (row === undefined || row.kind !== 'stk')
      throw new NotFoundError(`There is no M-Pesa Express result #${inboxId} in the inbox.`);
    if (row.applied === 1 || row.flag === null || row.flag === 'duplicate' || row.settled_at !== null)
      throw new ConflictError(`M-Pesa Express result #${inboxId} has nothing waiting for a person.`, {
        code: 'nothing_to_settle',
      });
    db.prepare(
      "UPDATE inbox SET settled_at = ?, reason = trim(coalesce(reason, '') || ' — ' || ?, ' —') WHERE id = ? AND settled_at IS NULL",
    ).run(at, `Settled by ${actor}: ${words}`, inboxId);
    appendAudit(db, {
      actor,
      action: 'inbox.settled',
      entity: 'inbox',
      entityId: inboxId,
      details: { flag: row.flag, reason: row.reason, note: words },
    });
  }).immediate();
  return { inboxId, settledAt: at };
}
