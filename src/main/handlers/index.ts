// The contract's handlers, assembled from one file per domain, and the API a transport serves:
// the profile session, the event hub and the handlers that use them. Plain Node: no Electron here.
import type { AppMode } from '../../shared/contract';
import type { ContractHandlers } from '../transports/dispatch';
import { logger } from '../log';
import type { SecretStore } from '../secrets/secret-store';
import { EventHub, type ApiContext, type ProfileCore } from './context';
import { queryBalance } from './balance';
import { attentionHandlers } from './attention';
import { auditHandlers } from './audit';
import { collectionHandlers } from './collections';
import { dashboardHandlers } from './dashboard';
import { floatHandlers } from './float';
import { lookupHandlers } from './lookup';
import { publishProfileEvents } from '../composition/events';
import { importHandlers } from './imports';
import { inboxHandlers } from './inbox';
import { ledgerHandlers } from './ledger';
import { profileHandlers } from './profiles';
import { reconcileHandlers } from './reconcile';
import { reportHandlers } from './reports';
import { runHandlers } from './runs';
import { runReviewHandlers } from './run-review';
import { ProfileSession } from '../composition/session';
import { setupHandlers } from './setup';
import { sessionHandlers, signInDesk } from './session';
import { Door } from '../transports/door';
import { usersHandlers } from './users';
import { workerHandlers } from './workers';
import { workerChangeHandlers } from './worker-changes';
import { refundHandlers } from './refunds';
import { reversalHandlers } from './reversals';
import { profileCareHandlers } from './profile-care';
import { currentCaller } from '../transports/call-scope';

export { EventHub, type ApiContext, type ProfileCore, type EngineControls } from './context';
export { ProfileSession } from '../composition/session';
export { openCore, type CoreOptions } from '../composition/open-core';

/** Every contract method's handler. The return type makes a method without a handler a compile error. */
export function createHandlers(ctx: ApiContext): ContractHandlers {
  return {
    ...sessionHandlers(ctx),
    ...profileHandlers(ctx),
    ...setupHandlers(ctx),
    ...profileCareHandlers(ctx),
    ...workerHandlers(ctx),
    ...workerChangeHandlers(ctx),
    ...reversalHandlers(ctx),
    ...importHandlers(ctx),
    ...runHandlers(ctx),
    ...runReviewHandlers(ctx),
    ...attentionHandlers(ctx),
    ...dashboardHandlers(ctx),
    ...ledgerHandlers(ctx),
    ...inboxHandlers(ctx),
    ...reconcileHandlers(ctx),
    ...reportHandlers(ctx),
    ...usersHandlers(ctx),
    ...auditHandlers(ctx),
    ...refundHandlers(ctx),
    ...collectionHandlers(ctx),
    ...floatHandlers(ctx),
    ...lookupHandlers(ctx),
  };
}

const log = logger('app');
const openingBalanceWaitMs = 15_000;

export interface ApiOptions {
  identity: { version: string; mode: AppMode };
  dataRoot: string;
  secrets: SecretStore;
  delivery: ApiContext['delivery'];
  actor: string;
  openProfile: (name: string) => Promise<ProfileCore>;
  /** Ask M-Pesa for the balance whenever a profile opens (default true; hermetic tests turn it off). */
  balanceOnOpen?: boolean;
}

export interface Api {
  handlers: ContractHandlers;
  /** A new door (a window, a browser page) with nobody signed in on it yet. */
  newDoor(): Door;
  events: EventHub;
  session: ProfileSession;
  /** Opens the profile chosen last time, if any (none: the screens show First start). */
  resume(): Promise<ProfileCore | null>;
  /** Stops the engine once in-flight attempts are recorded, then closes the profile. */
  close(): Promise<void>;
}

export function createApi(options: ApiOptions): Api {
  const events = new EventHub();
  const session = new ProfileSession({
    dataRoot: options.dataRoot,
    openProfile: options.openProfile,
    onOpened: (core) => {
      const unwire = publishProfileEvents(core, events);
      // The dashboard and the review's float check want a balance; ask as soon as the profile opens.
      if (options.balanceOnOpen !== false) {
        queryBalance(core, 'Float check when Mshahara opens', openingBalanceWaitMs).catch((error: unknown) =>
          log.warn({ err: error }, 'the opening balance query failed'),
        );
      }
      return unwire;
    },
  });
  const ctx: ApiContext = {
    identity: options.identity,
    dataRoot: options.dataRoot,
    secrets: options.secrets,
    session,
    events,
    delivery: options.delivery,
    get actor() {
      return currentCaller()?.username ?? options.actor;
    },
    caller: currentCaller,
  };
  const desk = signInDesk(ctx);
  return {
    handlers: createHandlers(ctx),
    newDoor: () => new Door(desk),
    events,
    session,
    resume: () => session.resume(),
    close: () => session.close(),
  };
}
