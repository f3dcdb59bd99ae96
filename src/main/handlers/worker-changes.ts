// Contract handlers for a worker's history and the changes of M-Pesa number waiting for an
// approver. The rules (never the person who changed it, approver role, one decision) are the
// domain's (src/main/payroll/phone-decisions.ts).
import { ForbiddenError } from '../../shared/errors';
import { pendingPhoneChanges } from '../payroll/phone-changes';
import { approvePhoneChange, rejectPhoneChange, type PhoneChangeDecider } from '../payroll/phone-decisions';
import { workerHistory } from '../payroll/worker-history';
import type { ContractHandlers } from '../transports/dispatch';
import type { ApiContext } from './context';
import { phoneChangeView } from './workers';

type WorkerChangeMethods =
  'workers.history' | 'workers.phoneChanges' | 'workers.approvePhoneChange' | 'workers.rejectPhoneChange';

export function workerChangeHandlers(ctx: ApiContext): Pick<ContractHandlers, WorkerChangeMethods> {
  const db = () => ctx.session.require().db;
  const decider = (doing: string): PhoneChangeDecider => {
    const caller = ctx.caller();
    if (caller === null)
      throw new ForbiddenError(`${doing} needs someone signed in as Approver.`, { code: 'sign_in_needed' });
    return { name: caller.username, accountId: caller.accountId };
  };
  return {
    'workers.history': ({ id }) => ({ entries: workerHistory(db(), id) }),
    'workers.phoneChanges': () => ({ changes: pendingPhoneChanges(db()).map(phoneChangeView) }),
    'workers.approvePhoneChange': ({ changeId }) =>
      phoneChangeView(approvePhoneChange(db(), changeId, decider('Approving a new M-Pesa number'))),
    'workers.rejectPhoneChange': ({ changeId }) =>
      phoneChangeView(rejectPhoneChange(db(), changeId, decider('Rejecting a new M-Pesa number'))),
  };
}
