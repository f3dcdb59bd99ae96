// Contract handlers for money coming in: payment requests by M-Pesa Express, the money received,
// customers' payments waiting for a check, and the C2B URLs. They translate; the rules are in
// src/main/collections/.
import { registerC2bUrls } from '../collections/c2b-urls';
import { markRequestChecked } from '../collections/checked';
import { checkAgain } from '../collections/received-checks';
import { settleStkSuccess } from '../collections/settle-success';
import { recordEnteredReceipt } from '../collections/receipt-entry';
import { askAgain, requestPayment, type RequestPaymentParts } from '../collections/request-payment';
import { moneyInOverview, requestView, waitingView } from '../collections/views';
import type { ContractHandlers } from '../transports/dispatch';
import type { ApiContext, ProfileCore } from './context';

type CollectionHandlers = Pick<
  ContractHandlers,
  | 'collections.request'
  | 'collections.list'
  | 'collections.detail'
  | 'collections.askAgain'
  | 'collections.registerUrls'
  | 'collections.recordReceipt'
  | 'collections.markChecked'
  | 'collections.settleSuccess'
  | 'received.checkAgain'
>;

function partsOf(core: ProfileCore): RequestPaymentParts {
  return {
    db: core.db,
    client: core.client,
    source: core.source,
    firstQueryAfterMs: core.moneyIn?.schedule.stkQueryGapsMs[0] ?? 30_000,
  };
}

export function collectionHandlers(ctx: ApiContext): CollectionHandlers {
  return {
    'collections.request': async (input) => {
      const core = ctx.session.require();
      const request = await requestPayment(partsOf(core), { ...input, actor: ctx.actor });
      core.moneyIn?.poke();
      return requestView(core.db, request.id);
    },
    'collections.list': () => moneyInOverview(ctx.session.require().db),
    'collections.detail': ({ id }) => requestView(ctx.session.require().db, id),
    'collections.askAgain': async ({ id }) => {
      const core = ctx.session.require();
      const request = await askAgain(partsOf(core), id, ctx.actor);
      core.moneyIn?.poke();
      return requestView(core.db, request.id);
    },
    'collections.registerUrls': async () => {
      const core = ctx.session.require();
      return registerC2bUrls(core, core.profile.shortcode, ctx.actor);
    },
    'collections.recordReceipt': async ({ id, receipt }) => {
      const core = ctx.session.require();
      // Long enough for an answer M-Pesa takes a while over, bounded for a person waiting.
      const waitMs = core.profile.kind === 'demo' ? 10_000 : 60_000;
      await recordEnteredReceipt({ ...core, waitMs }, id, receipt, ctx.actor);
      return requestView(core.db, id);
    },
    'collections.markChecked': ({ id, note }) => {
      const core = ctx.session.require();
      markRequestChecked(core.db, id, ctx.actor, note);
      return requestView(core.db, id);
    },
    'collections.settleSuccess': ({ inboxId, note }) => {
      const core = ctx.session.require();
      const settled = settleStkSuccess(core.db, inboxId, ctx.actor, note);
      core.moneyIn?.poke();
      return settled;
    },
    'received.checkAgain': ({ inboxId }) => {
      const core = ctx.session.require();
      checkAgain(core.db, inboxId, ctx.actor, new Date().toISOString());
      core.moneyIn?.poke();
      return waitingView(core.db, inboxId);
    },
  };
}
