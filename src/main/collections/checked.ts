// A person looked at what a payment request asked them to (M-Pesa said the customer did not pay,
// then that they paid) and says what they found: the words leave the request and the Money in
// screen, and the audit log keeps them, with who checked and their note. Nothing moves.
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { clearAttention, requestById } from './requests';

export function markRequestChecked(
  db: ProfileDatabase,
  id: number,
  actor: string,
  note: string,
  now = new Date(),
): void {
  db.transaction(() => {
    const request = requestById(db, id);
    if (request === null) throw new NotFoundError(`There is no payment request #${id}.`);
    if (request.attention === null || !clearAttention(db, id, now.toISOString()))
      throw new ConflictError(`Payment request #${id} has nothing waiting for a look.`, { code: 'nothing_to_check' });
    appendAudit(db, {
      actor,
      action: 'collection.checked',
      entity: 'collection_request',
      entityId: id,
      details: { words: request.attention, note: note.trim() },
    });
  }).immediate();
}
