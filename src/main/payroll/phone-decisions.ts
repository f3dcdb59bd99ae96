// Deciding a change of M-Pesa number: an approver other than the person who changed it approves it
// (the new number stands and the worker can be paid again) or rejects it (the old number comes
// back). The person who changed it never decides it, whatever roles they hold: otherwise one
// person could move a worker's pay to a number of their choosing alone.
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors';
import { formatMsisdn } from '../../shared/phone';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { accountRowById, rolesOf } from '../users/account-rows';
import { closePhoneChange, getPhoneChange, type PhoneChange } from './phone-changes';
import { putBackPhone } from './workers';

/** The person deciding: always a signed-in account. */
export interface PhoneChangeDecider {
  name: string;
  accountId: number;
}

type Decision = 'approved' | 'rejected';

function pendingChangeFor(
  db: ProfileDatabase,
  changeId: number,
  decider: PhoneChangeDecider,
  decision: Decision,
): PhoneChange {
  const change = getPhoneChange(db, changeId);
  const verb = decision === 'approved' ? 'approve' : 'reject';
  if (change.status !== 'pending')
    throw new ConflictError(
      `The change of ${change.workerName}'s number to ${formatMsisdn(change.newPhone)} was already ${change.status}; there is nothing to ${verb}.`,
      { code: 'already_decided' },
    );
  const account = accountRowById(db, decider.accountId);
  if (account === undefined) throw new NotFoundError(`There is no account #${decider.accountId}`);
  if (account.disabled_at !== null)
    throw new ForbiddenError(`The account ${account.username} is disabled; an admin can enable it.`, {
      code: 'account_disabled',
    });
  if (!rolesOf(db, account.id).includes('approver'))
    throw new ForbiddenError(
      `Only someone with the approver role can ${verb} a new M-Pesa number; ${account.username} does not have it. An admin can give it.`,
      { code: 'role_needed' },
    );
  if (account.id === change.changedByAccountId || account.username === change.changedBy)
    throw new ConflictError(
      `${account.username} changed ${change.workerName}'s M-Pesa number and cannot ${verb} the change: another approver must decide it.`,
      { code: 'changer_cannot_decide' },
    );
  return change;
}

/** The new number stands: the worker can be paid at it again. */
export function approvePhoneChange(
  db: ProfileDatabase,
  changeId: number,
  decider: PhoneChangeDecider,
  now = new Date(),
): PhoneChange {
  return db
    .transaction(() => {
      const change = pendingChangeFor(db, changeId, decider, 'approved');
      closePhoneChange(db, changeId, 'approved', decider, now);
      appendAudit(db, {
        actor: decider.name,
        action: 'worker.phone_change_approved',
        entity: 'worker',
        entityId: change.workerId,
        details: { changeId, from: change.oldPhone, to: change.newPhone, changedBy: change.changedBy },
      });
      return getPhoneChange(db, changeId);
    })
    .immediate();
}

/** The old number comes back: the worker is paid where they were paid before the change. */
export function rejectPhoneChange(
  db: ProfileDatabase,
  changeId: number,
  decider: PhoneChangeDecider,
  now = new Date(),
): PhoneChange {
  return db
    .transaction(() => {
      const change = pendingChangeFor(db, changeId, decider, 'rejected');
      closePhoneChange(db, changeId, 'rejected', decider, now);
      putBackPhone(db, change.workerId, change.oldPhone);
      appendAudit(db, {
        actor: decider.name,
        action: 'worker.phone_change_rejected',
        entity: 'worker',
        entityId: change.workerId,
        details: { changeId, from: change.oldPhone, to: change.newPhone, changedBy: change.changedBy },
      });
      return getPhoneChange(db, changeId);
    })
    .immediate();
}
