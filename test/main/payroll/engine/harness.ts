// A real payout setup for engine tests: a SQLite file in a temp folder, the simulator over HTTP,
// the loopback receiver, a Daraja client, and runs/items inserted with plain SQL.
import { DarajaClient } from '../../../../src/main/daraja';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../../src/main/db';
import { LoopbackReceiver } from '../../../../src/main/callback-sources/loopback';
import { PayoutEngine, type PayoutEngineOptions } from '../../../../src/main/payroll/engine';
import { createRandom } from '../../../../src/simulator/random';
import { startSimulator, type RunningSimulator, type SimulatorFaults } from '../../../../src/simulator';
import { tempFolder } from '../../db/temp-folder';
import { recordSignOff } from '../../../helpers/people';

export interface Worker {
  name: string;
  phone: string;
  amountCents: number;
}

export interface Harness {
  db: ProfileDatabase;
  sim: RunningSimulator;
  receiver: LoopbackReceiver;
  client: DarajaClient;
  engine: PayoutEngine;
  /** A new engine on the same database (as after a restart); the old one must be stopped. */
  newEngine(overrides?: Partial<PayoutEngineOptions>): PayoutEngine;
  close(): Promise<void>;
}

export interface HarnessOptions {
  seed?: number;
  faults?: Partial<SimulatorFaults>;
  floatCents?: number;
  customers?: Array<{ msisdn: string; name: string }>;
  engine?: Partial<PayoutEngineOptions>;
  client?: (base: DarajaClient) => DarajaClient;
}

const folder = tempFolder('mshahara-engine-');

/** The n-th test worker: a registered Safaricom number and a name the simulator knows. */
export function worker(n: number, amountCents = 1000_00): Worker {
  return { name: `Jane Wanjiru ${n}`, phone: `2547${String(10_000_000 + n).slice(-8)}`, amountCents };
}

export function customersFor(workers: readonly Worker[]): Array<{ msisdn: string; name: string }> {
  return workers.map((w) => ({ msisdn: w.phone, name: 'JANE WANJIRU' }));
}

export async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const db = openDatabase(folder.path('profile.sqlite'));
  const sim = await startSimulator({
    seed: options.seed ?? 7,
    floatCents: options.floatCents,
    customers: options.customers,
    faults: { callbackDelayMs: { min: 0, max: 20 }, ...options.faults },
    callbackRetries: 3,
    callbackRetryBaseMs: 20,
  });
  const receiver = new LoopbackReceiver(db);
  await receiver.start();
  const base = new DarajaClient({
    name: 'engine-test',
    baseUrl: sim.baseUrl,
    ...sim.credentials,
    certificatePem: sim.certificatePem,
  });
  const client = options.client ? options.client(base) : base;
  const engines: PayoutEngine[] = [];
  const newEngine = (overrides: Partial<PayoutEngineOptions> = {}): PayoutEngine => {
    const engine = new PayoutEngine({
      db,
      client,
      source: receiver,
      shortcode: sim.credentials.shortcode,
      rate: 200,
      concurrency: 20,
      random: createRandom(options.seed ?? 7).next,
      resultTimeoutMs: 1500,
      statusQueryRate: 50,
      retryBackoff: { baseMs: 10, maxMs: 200, throttledFactor: 2, random: createRandom(99).next },
      ...options.engine,
      ...overrides,
    });
    engines.push(engine);
    return engine;
  };
  const engine = newEngine();
  return {
    db,
    sim,
    receiver,
    client,
    engine,
    newEngine,
    close: async () => {
      for (const e of engines) await e.stop();
      await receiver.stop();
      await sim.close();
      await base.close();
      closeDatabase(db);
    },
  };
}

/** Inserts an approved run (maker and approval on record) with one item per worker; returns the run id. */
export function approvedRun(db: ProfileDatabase, workers: readonly Worker[], title = 'November salaries'): number {
  return db
    .transaction(() => {
      const now = new Date().toISOString();
      const run = db
        .prepare(`INSERT INTO payroll_runs (title, state, approved_at) VALUES (?, 'approved', ?)`)
        .run(title, now);
      const runId = Number(run.lastInsertRowid);
      const insert = db.prepare(
        `INSERT INTO payroll_items (run_id, line_number, name, phone, amount_cents) VALUES (?, ?, ?, ?, ?)`,
      );
      workers.forEach((w, i) => insert.run(runId, i + 1, w.name, w.phone, w.amountCents));
      recordSignOff(db, runId);
      return runId;
    })
    .immediate();
}

export interface AttemptRecord {
  id: number;
  item_id: number;
  attempt_number: number;
  originator_conversation_id: string;
  state: string;
  receipt: string | null;
  needs_attention: number;
  phone: string;
  amount_cents: number;
}

export function attempts(db: ProfileDatabase): AttemptRecord[] {
  return db.prepare('SELECT * FROM payout_attempts ORDER BY id').all() as AttemptRecord[];
}

export interface LedgerRecord {
  id: number;
  receipt: string;
  amount_cents: number;
  phone: string;
  attempt_id: number;
  source: string;
  charge_cents: number | null;
  inbox_id: number;
}

export function ledger(db: ProfileDatabase): LedgerRecord[] {
  return db.prepare(`SELECT * FROM transactions WHERE kind = 'b2c_payment' ORDER BY id`).all() as LedgerRecord[];
}

export function itemStates(db: ProfileDatabase, runId: number): Record<string, number> {
  const rows = db
    .prepare('SELECT state, COUNT(*) AS n FROM payroll_items WHERE run_id = ? GROUP BY state')
    .all(runId) as Array<{ state: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/**
 * The money check every test ends with: the simulator paid each worker exactly once, and the
 * local ledger lists exactly the simulator's payments, receipt by receipt, to the cent.
 */
export function paidExactlyOnce(h: Harness, workers: readonly Worker[]): void {
  const payments = h.sim.payments();
  const byPhone = new Map<string, number>();
  for (const p of payments) byPhone.set(p.party, (byPhone.get(p.party) ?? 0) + 1);
  const problems: string[] = [];
  for (const w of workers)
    if (byPhone.get(w.phone) !== 1) problems.push(`${w.phone} paid ${byPhone.get(w.phone) ?? 0} times`);
  const rows = ledger(h.db);
  const simByReceipt = new Map(payments.map((p) => [p.receipt, p]));
  if (rows.length !== payments.length)
    problems.push(`ledger has ${rows.length} payments, M-Pesa made ${payments.length}`);
  for (const row of rows) {
    const paid = simByReceipt.get(row.receipt);
    if (!paid) problems.push(`ledger receipt ${row.receipt} unknown to M-Pesa`);
    else if (paid.amountCents !== row.amount_cents || paid.party !== row.phone)
      problems.push(`ledger ${row.receipt} differs from M-Pesa`);
  }
  const ledgerTotal = rows.reduce((sum, r) => sum + r.amount_cents, 0);
  const simTotal = payments.reduce((sum, p) => sum + p.amountCents, 0);
  if (ledgerTotal !== simTotal) problems.push(`ledger total ${ledgerTotal} ≠ M-Pesa total ${simTotal}`);
  if (problems.length > 0) throw new Error(`Not paid exactly once:\n${problems.slice(0, 20).join('\n')}`);
}
