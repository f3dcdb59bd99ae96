// Contract handlers for the inbox: every raw callback as it arrived, the ones that need a person,
// and settling one by asking M-Pesa what became of the payment it names (callback-sources/inbox).
import type { ContractHandlers } from '../transports/dispatch';
import { inboxEntryView, listInbox } from '../callback-sources/inbox/entries';
import { settleCallback } from '../callback-sources/inbox/settle';
import type { ApiContext } from './context';

export function inboxHandlers(ctx: ApiContext): Pick<ContractHandlers, 'inbox.list' | 'inbox.settle'> {
  const core = () => ctx.session.require();
  return {
    'inbox.list': ({ show, limit, offset }) => {
      const { rows, total, needsAction } = listInbox(core().db, show, { limit, offset });
      return { entries: rows.map(inboxEntryView), total, needsAction };
    },
    'inbox.settle': ({ id }) => settleCallback(core(), id, ctx.actor),
  };
}
