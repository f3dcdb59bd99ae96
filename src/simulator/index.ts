// startSimulator(): a faithful local Daraja on loopback, for demo mode and for every test that
// needs Daraja. Wires the model, faults, callbacks and HTTP server together.
import { parseSafaricomPhone } from '../shared/phone';
import { newB2cStats, scheduleProcessing, type B2cStats } from './b2c';
import { CallbackSender } from './callbacks';
import type { SimulatorContext, SimulatorCredentials } from './context';
import { FaultInjector, presetFaults, realisticFaults, type SimulatorFaults } from './faults';
import { Identifiers } from './identifiers';
import {
  OrganisationModel,
  type Balances,
  type Collection,
  type FailureRecord,
  type PaymentRecord,
  type ReversalRecord,
} from './model';
import { createRandom, deriveSeed } from './random';
import { createCredentialKeys } from './security';
import { createServer, type ServerState } from './server';
import { SimulatorStore } from './store';

export type { SimulatorCredentials } from './context';
export type { SimulatorFaults, Range, PartyForm, StatusForFailed } from './faults';
export {
  asyncThrottleAnswers,
  defaultFaults,
  defaultStatusNotFound,
  failPayeeCodes,
  partyName,
  presetFaults,
  queueTimeoutAnswer,
  realisticFaults,
  statusForFailedChoices,
  statusNotFoundDescriptions,
  statusUnavailableAnswers,
} from './faults';
export type { Balances, Collection, FailureRecord, PaymentRecord, ReversalRecord } from './model';
export type { B2cStats } from './b2c';
export { unknownTransaction } from './org-apis';
export { stkOutcomes } from './stk';

export interface SimulatorOptions {
  host?: string;
  port?: number;
  seed?: number;
  credentials?: Partial<SimulatorCredentials>;
  customers?: Array<{ msisdn: string; name: string }>;
  openRegistry?: boolean;
  floatCents?: number;
  /** `--realistic`: realisticFaults first, then `faults` over them. */
  realistic?: boolean;
  faults?: Partial<SimulatorFaults>;
  logLevel?: string;
  /** Extra attempts for a callback POST that fails (receiver down or 5xx). Default 0: Daraja does not retry. */
  callbackRetries?: number;
  /** First retry backoff in ms, doubling each time. Default 200. */
  callbackRetryBaseMs?: number;
  /** The simulator's clock (token expiry, spike arrest, timestamps, receipts); tests may move it. */
  now?: () => Date;
  /**
   * A SQLite file that keeps the ground truth (balances, customers, payments, failures, collections,
   * used OriginatorConversationIDs, receipts, accepted requests not yet processed) across restarts.
   * Without it everything is in memory and forgotten on close.
   */
  statePath?: string;
}

export interface SimulatorStats {
  tokenRequests: number;
  requests: Record<string, number>;
  callbacks: {
    scheduled: number;
    delivered: number;
    dropped: number;
    duplicated: number;
    retried: number;
    failed: number;
  };
  b2c: B2cStats;
}

export interface RunningSimulator {
  baseUrl: string;
  credentials: SimulatorCredentials;
  certificatePem: string;
  /** Changes faults and switches at run time (what is not named stays as it is). */
  setFaults(f: Partial<SimulatorFaults>): void;
  /** Turns the realistic switches on (realisticFaults) or off (all unconfirmed behaviours as documented defaults). */
  setRealistic(on: boolean): void;
  faults(): SimulatorFaults;
  /** Ground truth: every B2C M-Pesa paid, in order. */
  payments(): PaymentRecord[];
  /** Ground truth: every payment a customer made to the organisation (C2B, STK), in order. */
  collections(): Collection[];
  /** Ground truth: every B2C M-Pesa processed and refused (definitive failures), in order. */
  failures(): FailureRecord[];
  balances(): Balances;
  /** Used v3 OriginatorConversationIDs and when each was claimed. */
  originatorIds(): Array<{ id: string; claimedAtMs: number }>;
  /** B2C requests accepted and not processed yet (processing lag). */
  pendingPayments(): number;
  stats(): SimulatorStats;
  /** Ground truth: every reversal M-Pesa made in this process (over the API or on the portal), in order. */
  reversals(): ReversalRecord[];
  /**
   * A person at the business reverses a B2C payment on the M-Pesa Org portal; null when there is
   * none to reverse. `reasonType` is what Transaction Status names it (default 'Reversal').
   */
  reverseOnPortal(paymentReceipt: string, reasonType?: string): ReversalRecord | null;
  /** Collections (C2B and STK) as M-Pesa keeps them, by receipt. */
  collection(receipt: string): Collection | null;
  /** Adds registered customers (12-digit MSISDN and name). */
  addCustomers(list: Array<{ msisdn: string; name: string }>): number;
  /** Resolves once no callback is waiting or being sent. */
  callbacksIdle(): Promise<void>;
  close(): Promise<void>;
}

/** Sandbox-like but plainly local; the STK passkey is the public sandbox one (REFERENCE §9). */
export const defaultCredentials: SimulatorCredentials = {
  consumerKey: 'mshahara-simulator-consumer-key',
  consumerSecret: 'mshahara-simulator-consumer-secret',
  shortcode: '600992',
  initiatorName: 'testapi',
  initiatorPassword: 'Safaricom999!*!',
  passkey: 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
  stkShortcode: '174379',
};

export const defaultCustomers = [
  { msisdn: '254708374149', name: 'JOHN DOE' },
  { msisdn: '254705912645', name: 'NICHOLAS JOHN SONGOK' },
];

export const defaultFloatCents = 5_000_000_00;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const store = options.statePath === undefined ? null : new SimulatorStore(options.statePath);
  try {
    return await start(options, store);
  } catch (error) {
    store?.close();
    throw error;
  }
}

async function start(options: SimulatorOptions, store: SimulatorStore | null): Promise<RunningSimulator> {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const credentials: SimulatorCredentials = { ...defaultCredentials, ...options.credentials };
  const stored = store?.load() ?? null;
  // Each start on the same state file draws identifiers from a fresh stream, so none repeats.
  const idSeed =
    stored === null || stored.generation === 0
      ? deriveSeed(seed, 1)
      : deriveSeed(deriveSeed(seed, 1), stored.generation);
  const ids = new Identifiers(
    createRandom(idSeed),
    (receipt) => store?.saveReceipt(receipt),
    createRandom(deriveSeed(idSeed, 15)),
  );
  const faults = new FaultInjector(
    createRandom(deriveSeed(seed, 2)),
    { ...(options.realistic ? realisticFaults : {}), ...options.faults },
    seed,
  );
  const model = new OrganisationModel(
    ids,
    credentials.shortcode,
    options.floatCents ?? defaultFloatCents,
    options.openRegistry ?? false,
    store,
  );
  if (stored !== null) {
    ids.restoreReceipts(stored.receipts);
    model.restore(stored);
    if (stored.balances === null) store?.saveBalances(model.balances);
  }
  const addCustomers = (list: Array<{ msisdn: string; name: string }>): number => {
    for (const customer of list) {
      const phone = parseSafaricomPhone(customer.msisdn);
      if (!phone.ok) throw new Error(phone.reason);
      if (typeof customer.name !== 'string' || customer.name.trim() === '')
        throw new Error(`Customer ${phone.msisdn} needs a name`);
      model.addCustomer(phone.msisdn, customer.name);
    }
    return list.length;
  };
  addCustomers([...defaultCustomers, ...(options.customers ?? [])]);

  const state: ServerState = { tokenRequests: 0, requests: {} };
  const logLevel = options.logLevel ?? 'silent';
  let logWarning: (message: string, fields: Record<string, unknown>) => void = () => undefined;
  const retries = options.callbackRetries ?? 0;
  if (!Number.isInteger(retries) || retries < 0)
    throw new RangeError(`callbackRetries must be a whole number of at least 0, got ${retries}`);
  const callbacks = new CallbackSender(faults, { retries, retryBaseMs: options.callbackRetryBaseMs ?? 200 }, (m, f) =>
    logWarning(m, f),
  );
  const ctx: SimulatorContext = {
    credentials,
    model,
    ids,
    faults,
    callbacks,
    b2cStats: newB2cStats(),
    keys: await createCredentialKeys(),
    now: options.now ?? (() => new Date()),
    baseUrl: '',
    log: (m, f) => logWarning(m, f),
  };
  const app = createServer(ctx, state, addCustomers, logLevel);
  logWarning = (message, fields) => app.log.warn(fields, message);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('Simulator did not get a TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  ctx.baseUrl = `http://${host}:${address.port}`;
  // Requests accepted before a restart are processed as M-Pesa would have: at once if overdue.
  const nowMs = ctx.now().getTime();
  for (const pending of model.pending()) scheduleProcessing(ctx, pending, nowMs);

  let closing: Promise<void> | null = null;
  return {
    baseUrl: ctx.baseUrl,
    credentials: { ...credentials },
    certificatePem: ctx.keys.certificatePem,
    setFaults: (f) => void faults.set(f),
    setRealistic: (on) => void faults.set(presetFaults(on ? 'realistic' : 'clean')),
    faults: () => faults.current(),
    payments: () => model.payments(),
    failures: () => model.failures(),
    collections: () => model.collectionsMade(),
    balances: () => ({ ...model.balances }),
    originatorIds: () => model.claimedOriginatorIds(),
    pendingPayments: () => model.pending().length,
    reversals: () => model.reversals(),
    reverseOnPortal: (receipt, reasonType) => model.reverseOnPortal(receipt, ctx.now(), reasonType),
    collection: (receipt) => {
      const found = model.findCollection(receipt);
      return found === null ? null : { ...found };
    },
    stats: () => ({
      tokenRequests: state.tokenRequests,
      requests: { ...state.requests },
      callbacks: { ...callbacks.stats },
      b2c: { ...ctx.b2cStats },
    }),
    addCustomers,
    callbacksIdle: () => callbacks.idle(),
    close: () => {
      closing ??= (async () => {
        await callbacks.close();
        await app.close();
        store?.close();
      })();
      return closing;
    },
  };
}
