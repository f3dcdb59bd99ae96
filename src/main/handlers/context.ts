// What the contract handlers work with: the profile that is open (its database, Daraja client,
// callback source and payout engine), where the data folder is, the keychain, and the event hub.
import type { Reachability } from '../daraja/reachability';
import type { AppMode, EventName, EventPayload } from '../../shared/contract';
import type { Caller } from '../../shared/contract/access';
import type { AuditCheck } from '../composition/audit-check';
import type { DarajaClient } from '../daraja';
import type { ProfileDatabase } from '../db';
import type { CallbackSource } from '../callback-sources/inbox/source';
import type { Resolution, ResolveOutcome } from '../payroll/engine/attention';
import type { RunProgress } from '../payroll/engine/progress';
import type { ProfileSettings } from '../profiles';
import { logger } from '../log';
import type { SecretStore } from '../secrets/secret-store';
import type { ProfileSession } from '../composition/session';

/** The payout engine as the screens drive it (src/main/payroll/engine PayoutEngine). */
export interface EngineControls {
  startRun(runId: number, actor: string): Promise<void>;
  pauseRun(runId: number, actor: string): void;
  resumeRun(runId: number, actor: string): void;
  cancelRun(runId: number, actor: string): { cancelledItems: number };
  /** Queues the failed payments an officer asked to retry, once an approver other than them approves. */
  approveRequestedRetry(runId: number, approver: { name: string; accountId: number }): number;
  /** A line was queued again outside a run's start (a refund sent again): look for work now. */
  wake(): void;
  /** Why new payments are held back (no answers arriving), or null. */
  readonly held: string | null;
  resolveItem(itemId: number, resolution: Resolution, actor: string): Promise<ResolveOutcome>;
  onProgress(listener: (progress: EngineProgress) => void): () => void;
  /** Takes a new send rate and concurrency while running, restarting nothing. */
  tune(settings: { rate?: number; concurrency?: number }): void;
  /** Resolves once every request on the wire has its answer recorded. */
  stop(): Promise<void>;
}

/** The money-in worker as the screens drive it. */
export interface MoneyInControls {
  poke(): void;
  onChange(listener: (change: { requestId?: number; inboxId?: number }) => void): () => void;
  readonly schedule: { readonly stkQueryGapsMs: readonly number[] };
  waitForAnswer(requestId: number, timeoutMs: number): Promise<unknown>;
}

/** What the engine reports as a run moves. */
export type EngineProgress = RunProgress;

/** One open profile: everything Mshahara runs for it, closed together. */
export interface ProfileCore {
  profile: ProfileSettings;
  db: ProfileDatabase;
  client: DarajaClient;
  source: CallbackSource;
  engine: EngineControls;
  /** Money coming in (src/main/collections/worker.ts): absent where a test builds a core without it. */
  moneyIn?: MoneyInControls | undefined;
  /** The simulator this process runs for a demo profile (its certificate is the demo's). */
  simulator?:
    | { baseUrl: string; certificatePem: string; addCustomers?(list: Array<{ msisdn: string; name: string }>): number }
    | undefined;
  /**
   * Demo only: makes the in-process simulator know these people as M-Pesa customers under the
   * names the officer gave them, so demo payments come back with matching registered names.
   */
  registerDemoCustomers?: ((people: Array<{ phone: string; name: string }>) => void) | undefined;
  /** The check of the audit chain started when the profile opened. */
  audit: AuditCheck;
  /** Whether M-Pesa and the relay can be reached now (absent in tests that build a core by hand). */
  reachability?: Reachability | undefined;
  /** The relay this process runs for a demo profile. */
  demoRelay?: { url: string; channel: string } | undefined;
  close(): Promise<void>;
}

const log = logger('app');

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Fans contract events out to every transport (IPC, WebSocket) and to the shell (notifications). */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.#listeners) {
      // One failing transport (a closed socket, a bad payload) must not starve the others.
      try {
        listener(event, payload);
      } catch (error) {
        log.error({ err: error, event }, 'an event listener failed');
      }
    }
  }
}

export interface ApiContext {
  identity: { version: string; mode: AppMode };
  /** The data folder: profiles/, exports/, app.json. */
  dataRoot: string;
  secrets: SecretStore;
  session: ProfileSession;
  events: EventHub;
  /** Desktop: exports are written to the data folder; browser: their bytes go back to the page. */
  delivery: 'file' | 'bytes';
  /**
   * Who the audit log names for the current call: the signed-in person's username (currentCaller,
   * src/main/transports/call-scope.ts), or the app's own name for work no person asked for.
   */
  readonly actor: string;
  /** The signed-in person the current call comes from; null outside a call or before sign-in. */
  caller(): Caller | null;
}
