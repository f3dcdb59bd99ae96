// Contract handlers for reversals: translate, and call the reversals domain (src/main/reversals/),
// which holds every rule. The approval that meets the policy sends the reversal and waits for
// M-Pesa's outcome, as long as the profile's result timeout allows.
import { ForbiddenError } from '../../shared/errors';
import { defaultResultTimeoutMs } from '../composition/open-profile-app';
import { approveReversal, declineReversal, requestReversal, waitingWords } from '../reversals/requests';
import { resolveReversal, sendReversal } from '../reversals/send';
import { listReversals, reversalOfTransaction, requireReversalView } from '../reversals/views';
import type { ContractHandlers } from '../transports/dispatch';
import type { ApiContext } from './context';

type ReversalMethods =
  | 'reversals.request'
  | 'reversals.approve'
  | 'reversals.decline'
  | 'reversals.resolve'
  | 'reversals.list'
  | 'reversals.detail'
  | 'reversals.forTransaction';

export function reversalHandlers(ctx: ApiContext): Pick<ContractHandlers, ReversalMethods> {
  const core = () => ctx.session.require();
  const person = (doing: string) => {
    const caller = ctx.caller();
    if (caller === null) throw new ForbiddenError(`${doing} needs someone signed in.`, { code: 'sign_in_needed' });
    return caller;
  };
  const parts = () => {
    const app = core();
    return { db: app.db, client: app.client, source: app.source };
  };
  const wait = (waitMs: number | undefined) => {
    const timeout = defaultResultTimeoutMs(core().profile);
    return { resultWaitMs: waitMs ?? timeout, statusWaitMs: waitMs ?? timeout };
  };
  return {
    'reversals.request': ({ transactionId, reason }) => {
      const caller = person('Asking for a reversal');
      const reversal = requestReversal(core().db, { transactionId, reason }, caller);
      return {
        reversal: requireReversalView(core().db, reversal.id, caller),
        message: waitingWords(core().db, reversal),
      };
    },
    'reversals.approve': async ({ id, waitMs }) => {
      const caller = person('Approving a reversal');
      const outcome = approveReversal(core().db, id, caller);
      if (outcome.kind === 'waiting') {
        const view = requireReversalView(core().db, id, caller);
        return { reversal: view, message: view.stateWords };
      }
      await sendReversal(parts(), id, caller.username, wait(waitMs));
      const view = requireReversalView(core().db, id, caller);
      return { reversal: view, message: view.stateWords };
    },
    'reversals.decline': ({ id, reason }) => {
      const caller = person('Declining a reversal');
      declineReversal(core().db, id, caller, reason);
      const view = requireReversalView(core().db, id, caller);
      return { reversal: view, message: view.stateWords };
    },
    'reversals.resolve': async ({ id, resolution, waitMs }) => {
      const caller = person('Settling a reversal');
      await resolveReversal(parts(), id, caller, resolution, wait(waitMs));
      const view = requireReversalView(core().db, id, caller);
      return { reversal: view, message: view.stateWords };
    },
    'reversals.list': ({ show }) => listReversals(core().db, show, ctx.caller()),
    'reversals.detail': ({ id }) => ({ reversal: requireReversalView(core().db, id, ctx.caller()) }),
    'reversals.forTransaction': ({ transactionId }) => reversalOfTransaction(core().db, transactionId, ctx.caller()),
  };
}
