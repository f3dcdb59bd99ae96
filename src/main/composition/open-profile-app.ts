// The composition root: everything one profile needs to pay people, wired once — its database,
// the Daraja client, the callback route (the profile's relay, or loopback until one is set up) and the payout
// engine. The CLI, the desktop UI and the browser host all open a profile through here, so every
// one of them takes the profile's lock (one program per profile) before anything else.
import type { RunningSimulator, SimulatorOptions } from '../../simulator';
import { DarajaClient, type DarajaClientOptions } from '../daraja';
import type { ProfileDatabase } from '../db';
import type { CallbackSource } from '../callback-sources/inbox/source';
import { PayoutEngine } from '../payroll/engine';
import { MoneyInWorker, type MoneyInSchedule } from '../collections/worker';
import { recoverReversals } from '../reversals/send';
import { logger } from '../log';
import { needsCredentials, profileFolder, type ProfileSettings } from '../profiles';
import { RelayOrLoopback } from '../callback-sources/relay-client/route';
import type { SecretStore } from '../secrets/secret-store';
import { startAuditCheck, type AuditCheck } from './audit-check';
import { attachAuditKey } from './audit-key';
import { connectToDaraja } from './daraja-connection';
import { originOf, Reachability } from '../daraja/reachability';
import { openProfileDatabase } from './profile-database';

export interface ProfileAppOptions {
  /** The data folder; MSHAHARA_DATA_DIR or the system's when left out. */
  dataFolder?: string;
  /** Overrides the profile's Daraja base URL for this start (demo: a simulator already running). */
  baseUrl?: string;
  /** The keychain; asked only by profiles that keep credentials. */
  secrets: () => SecretStore;
  /** For an in-process demo simulator (seed, faults, float). */
  simulator?: SimulatorOptions;
  /** Overrides the profile's send rate and concurrency for this start. */
  rate?: number;
  concurrency?: number;
  /** How long to wait for a Result before asking Transaction Status; by profile kind when left out. */
  resultTimeoutMs?: number;
  statusQueryRate?: number;
  maxStatusQueries?: number;
  client?: DarajaClientOptions;
  /** Replaces the profile's own route (its relay, else loopback): the demo relay, or a test's own route. */
  source?: (db: ProfileDatabase, profile: ProfileSettings) => CallbackSource | Promise<CallbackSource>;
  /** Seeded randomness for OriginatorConversationIDs and jitter (tests). */
  random?: () => number;
  /**
   * false: the engine is built but not started, so nothing is recovered or paid (a command that
   * only reads, or asks the balance). Default true: starting recovers after a crash and resumes
   * every running run.
   */
  startEngine?: boolean;
  /**
   * false: the engine recovers, applies callbacks and asks Transaction Status, but sends no
   * payment (the CLI's work-list commands). Default true.
   */
  sendPayments?: boolean;
  /** The program named in the profile's lock; the process's own name (nameThisProgram) when left out. */
  program?: string;
  /** The schedule of STK Push Queries and checks of customers' payments (tests make it quick). */
  moneyIn?: Partial<MoneyInSchedule>;
}

export interface ProfileApp {
  profile: ProfileSettings;
  db: ProfileDatabase;
  client: DarajaClient;
  source: CallbackSource;
  engine: PayoutEngine;
  /** Money coming in: STK Push Query as the callback's fallback, and the checks of C2B confirmations. */
  moneyIn: MoneyInWorker;
  /** Present when this process started the demo simulator. */
  simulator: RunningSimulator | undefined;
  /** The check of the audit chain started at open: a broken chain is an alarm to show. */
  audit: AuditCheck;
  /** Whether M-Pesa and the relay can be reached, as this profile's calls find it. */
  reachability: Reachability;
  /** Stops the engine (answers on the wire are recorded first), the route, the simulator, then the database. */
  close(): Promise<void>;
}

/**
 * Real Daraja answers B2C in seconds but may take minutes under load; the simulator answers within
 * its callback delay. Past this, Transaction Status is asked (and asked again later).
 */
export function defaultResultTimeoutMs(profile: ProfileSettings): number {
  return profile.kind === 'demo' ? 5_000 : 60_000;
}

export async function openProfileApp(profileName: string, options: ProfileAppOptions): Promise<ProfileApp> {
  const opened = openProfileDatabase(profileName, options.dataFolder, {
    exclusive: true,
    ...(options.program === undefined ? {} : { program: options.program }),
  });
  const { profile, db } = opened;
  const cleanups: Array<() => Promise<void> | void> = [() => opened.close()];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  let audit: AuditCheck;
  try {
    // Profiles that keep credentials seal their audit log with a key from the same keychain; the
    // demo profile, which asks the keychain nothing, keeps plain sha256.
    if (needsCredentials(profile.kind)) await attachAuditKey(db, options.secrets(), profile.name);
    audit = startAuditCheck(db);
    cleanups.push(() => audit.stop());
  } catch (error) {
    await closeAll();
    throw error;
  }
  try {
    const connection = await connectToDaraja(profile, {
      baseUrl: options.baseUrl,
      simulator: options.simulator,
      secrets: options.secrets,
      // Demo: the simulator keeps what it paid in the profile's folder, so a restart forgets nothing.
      profileFolder: profileFolder(profile.name, options.dataFolder),
    });
    const simulator = connection.simulator;
    if (simulator) cleanups.push(() => simulator.close());
    const reachability = new Reachability();
    const darajaHost = originOf(connection.config.baseUrl);
    const client = new DarajaClient(connection.config, {
      ...options.client,
      onReach: (reached, reason) => {
        reachability.report('mpesa', darajaHost, reached, reason);
        options.client?.onReach?.(reached, reason);
      },
    });
    const source =
      (await options.source?.(db, profile)) ??
      new RelayOrLoopback(db, profile, options.secrets, (relayUrl, reached, reason) =>
        reachability.report('relay', originOf(relayUrl), reached, reason),
      );
    await source.start();
    cleanups.push(() => source.stop());
    const engine = new PayoutEngine({
      db,
      client,
      source,
      shortcode: connection.config.shortcode,
      rate: options.rate ?? profile.sendRatePerSecond,
      concurrency: options.concurrency ?? profile.concurrency,
      resultTimeoutMs: options.resultTimeoutMs ?? defaultResultTimeoutMs(profile),
      // Half the payment rate: enough to settle a backlog of lost answers after a crash quickly,
      // while payments keep most of the app's Spike Arrest budget (throttling slows both anyway).
      statusQueryRate: options.statusQueryRate ?? Math.max(5, (options.rate ?? profile.sendRatePerSecond) / 2),
      ...(options.maxStatusQueries === undefined ? {} : { maxStatusQueries: options.maxStatusQueries }),
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.sendPayments === undefined ? {} : { sendPayments: options.sendPayments }),
    });
    cleanups.push(() => engine.stop());
    if (options.startEngine !== false) await engine.start();
    const moneyIn = new MoneyInWorker({
      db,
      client,
      source,
      shortcodes: [
        connection.config.shortcode,
        ...(connection.config.stkShortcode ? [connection.config.stkShortcode] : []),
      ],
      schedule: { checkWaitMs: options.resultTimeoutMs ?? defaultResultTimeoutMs(profile), ...options.moneyIn },
    });
    cleanups.push(() => moneyIn.stop());
    if (options.startEngine !== false) moneyIn.start();
    if (options.startEngine !== false && options.sendPayments !== false) {
      // Reversals left in flight by a stop or a crash are recovered beside the engine, in the background.
      const waitMs = options.resultTimeoutMs ?? defaultResultTimeoutMs(profile);
      let closing = false;
      cleanups.push(() => {
        closing = true;
      });
      recoverReversals({ db, client, source }, { resultWaitMs: waitMs, statusWaitMs: waitMs }).catch(
        (error: unknown) => {
          if (!closing) logger('reversals').error({ err: error }, 'recovering reversals failed');
        },
      );
    }
    return { profile, db, client, source, engine, moneyIn, simulator, audit, reachability, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
