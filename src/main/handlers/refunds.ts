// Contract handlers for refunds: the admin asks, an approver approves (which sends it) or
// declines, and the readers read. The rules live in src/main/refunds/.
import { ForbiddenError } from '../../shared/errors';
import type { ContractHandlers } from '../transports/dispatch';
import type { RunApprover } from '../payroll/runs';
import { listRefunds, refundView, refundsForTransaction } from '../refunds/read';
import { declineRefund, requestRefund } from '../refunds/refunds';
import { approveAndSend } from '../refunds/send';
import type { ApiContext } from './context';

type RefundMethods =
  | 'refunds.request'
  | 'refunds.approve'
  | 'refunds.decline'
  | 'refunds.list'
  | 'refunds.detail'
  | 'refunds.forTransaction';

export function refundHandlers(ctx: ApiContext): Pick<ContractHandlers, RefundMethods> {
  const core = () => ctx.session.require();
  const db = () => core().db;
  const signedIn = (doing: string): RunApprover => {
    const caller = ctx.caller();
    if (caller === null) throw new ForbiddenError(`${doing} needs someone signed in.`);
    return { name: caller.username, accountId: caller.accountId };
  };
  return {
    'refunds.request': ({ transactionId, amountCents, reason, phone }) => {
      const id = requestRefund(
        db(),
        { transactionId, amountCents, reason, phone: phone ?? null },
        signedIn('Asking for a refund'),
      );
      return refundView(db(), id);
    },
    'refunds.approve': async ({ refundId }) => {
      const c = core();
      const outcome = await approveAndSend(c.db, c.engine, refundId, signedIn('Approving a refund'));
      return { refund: refundView(c.db, refundId), ...outcome };
    },
    'refunds.decline': ({ refundId, reason }) => {
      declineRefund(db(), refundId, signedIn('Declining a refund'), reason);
      return refundView(db(), refundId);
    },
    'refunds.list': (filter) => listRefunds(db(), filter),
    'refunds.detail': ({ refundId }) => refundView(db(), refundId),
    'refunds.forTransaction': ({ transactionId }) => refundsForTransaction(db(), transactionId),
  };
}
