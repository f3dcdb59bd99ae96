// Contract handlers for looking up a receipt (src/main/lookups/receipt-lookup.ts) and recording
// money received a lookup found (record-lookup.ts): the rules are the domain's.
import { receiptLookupView, lookupReceipt } from '../lookups/receipt-lookup';
import { recordLookedUpPayment } from '../lookups/record-lookup';
import type { ContractHandlers } from '../transports/dispatch';
import type { ApiContext } from './context';

type LookupMethods = 'lookup.receipt' | 'lookup.answer' | 'lookup.record';

/** How long a lookup waits for M-Pesa's answer before saying it is on its way. */
export const lookupWaitMs = 15_000;

export function lookupHandlers(ctx: ApiContext): Pick<ContractHandlers, LookupMethods> {
  return {
    'lookup.receipt': async ({ receipt }) => {
      const core = ctx.session.require();
      return lookupReceipt(core, {
        receipt,
        actor: ctx.actor,
        shortcode: core.profile.shortcode,
        waitMs: lookupWaitMs,
      });
    },
    'lookup.answer': ({ lookupId }) => {
      const core = ctx.session.require();
      return receiptLookupView(core.db, lookupId, core.profile.shortcode);
    },
    'lookup.record': ({ lookupId }) => {
      const core = ctx.session.require();
      const row = recordLookedUpPayment(core.db, lookupId, core.profile.shortcode, ctx.actor);
      return { transactionId: row.id, lookup: receiptLookupView(core.db, lookupId, core.profile.shortcode) };
    },
  };
}
