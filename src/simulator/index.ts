// startSimulator(): a faithful local Daraja on loopback, for demo mode and for every test that
// needs Daraja. Wires the model, faults, callbacks and HTTP server together.
import { parseSafaricomPhone } from '../shared/phone';
import { CallbackSender } from './callbacks';
import type { SimulatorContext, SimulatorCredentials } from './context';
import { FaultInjector, type SimulatorFaults } from './faults';
import { Identifiers } from './identifiers';
import { OrganisationModel, type PaymentRecord } from './model';
import { createRandom, deriveSeed } from './random';
import { createCredentialKeys } from './security';
import { createServer, type ServerState } from './server';

export type { SimulatorCredentials } from './context';
export type { SimulatorFaults, Range } from './faults';
export type { PaymentRecord } from './model';
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
  faults?: Partial<SimulatorFaults>;
  logLevel?: string;
  /** Extra attempts for a callback POST that fails (receiver down or 5xx). Default 3. */
  callbackRetries?: number;
  /** First retry backoff in ms, doubling each time. Default 200. */
  callbackRetryBaseMs?: number;
  /** The simulator's clock (token expiry, spike arrest, timestamps, receipts); tests may move it. */
  now?: () => Date;
}

export interface SimulatorStats {
  tokenRequests: number;
  requests: Record<string, number>;
  callbacks: { scheduled: number; delivered: number; dropped: number; duplicated: number; retried: number; failed: number };
}

export interface RunningSimulator {
  baseUrl: string;
  credentials: SimulatorCredentials;
  certificatePem: string;
  setFaults(f: Partial<SimulatorFaults>): void;
  payments(): PaymentRecord[];
  stats(): SimulatorStats;
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
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const credentials: SimulatorCredentials = { ...defaultCredentials, ...options.credentials };
  const ids = new Identifiers(createRandom(deriveSeed(seed, 1)));
  const faults = new FaultInjector(createRandom(deriveSeed(seed, 2)), options.faults);
  const model = new OrganisationModel(ids, credentials.shortcode, options.floatCents ?? defaultFloatCents, options.openRegistry ?? false);
  const addCustomers = (list: Array<{ msisdn: string; name: string }>): number => {
    for (const customer of list) {
      const phone = parseSafaricomPhone(customer.msisdn);
      if (!phone.ok) throw new Error(phone.reason);
      if (typeof customer.name !== 'string' || customer.name.trim() === '') throw new Error(`Customer ${phone.msisdn} needs a name`);
      model.addCustomer(phone.msisdn, customer.name);
    }
    return list.length;
  };
  addCustomers([...defaultCustomers, ...(options.customers ?? [])]);

  const state: ServerState = { tokenRequests: 0, requests: {} };
  const logLevel = options.logLevel ?? 'silent';
  let logWarning: (message: string, fields: Record<string, unknown>) => void = () => undefined;
  const callbacks = new CallbackSender(faults, { retries: options.callbackRetries ?? 3, retryBaseMs: options.callbackRetryBaseMs ?? 200 }, (m, f) => logWarning(m, f));
  const ctx: SimulatorContext = {
    credentials,
    model,
    ids,
    faults,
    callbacks,
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

  let closing: Promise<void> | null = null;
  return {
    baseUrl: ctx.baseUrl,
    credentials: { ...credentials },
    certificatePem: ctx.keys.certificatePem,
    setFaults: (f) => void faults.set(f),
    payments: () => model.payments(),
    stats: () => ({ tokenRequests: state.tokenRequests, requests: { ...state.requests }, callbacks: { ...callbacks.stats } }),
    addCustomers,
    callbacksIdle: () => callbacks.idle(),
    close: () => {
      closing ??= (async () => {
        await callbacks.close();
        await app.close();
      })();
      return closing;
    },
  };
}
