// Simulator → relay → relay client → payout engine: a small run paid exactly once with every
// callback travelling through the real relay, also when the desktop is offline for the results
// or closed in the middle of the run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DarajaClient } from '../../../../src/main/daraja';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../../src/main/db';
import { PayoutEngine } from '../../../../src/main/payroll/engine';
import { RelayClient } from '../../../../src/main/callback-sources/relay-client/client';
import { startSimulator, type RunningSimulator } from '../../../../src/simulator';
import { createRandom } from '../../../../src/simulator/random';
import { approvedRun, customersFor, worker, type Worker } from '../../payroll/engine/harness';
import { startDesktopProxy, startTestRelay, storedCount, type DesktopProxy, type TestRelay } from './harness';

const root = mkdtempSync(join(tmpdir(), 'mshahara-relay-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Rig {
  db: ProfileDatabase;
  sim: RunningSimulator;
  relay: TestRelay;
  /** Between Daraja and the relay: shows every callback posted. */
  hooks: DesktopProxy;
  daraja: DarajaClient;
  newClient(): RelayClient;
  newEngine(source: RelayClient, resultTimeoutMs: number): PayoutEngine;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let rigs = 0;
async function rig(workers: readonly Worker[]): Promise<Rig> {
  const dir = join(root, String(++rigs));
  const relay = await startTestRelay(join(dir, 'relay'));
  cleanups.push(() => relay.relay.close());
  const hooks = await startDesktopProxy(relay.relay.url);
  cleanups.push(() => hooks.close());
  const sim = await startSimulator({
    seed: 11,
    customers: customersFor(workers),
    faults: { callbackDelayMs: { min: 0, max: 20 } },
    callbackRetries: 3,
    callbackRetryBaseMs: 20,
  });
  cleanups.push(() => sim.close());
  const db = openDatabase(join(dir, 'profile.db'));
  cleanups.push(() => closeDatabase(db));
  const daraja = new DarajaClient({
    name: 'relay-e2e',
    baseUrl: sim.baseUrl,
    ...sim.credentials,
    certificatePem: sim.certificatePem,
  });
  cleanups.push(() => daraja.close());
  const callbackBaseUrl = relay.channel.callbackBaseUrl.replace(relay.relay.url, hooks.url);
  const stoppables: Array<{ stop(): Promise<void> }> = [];
  cleanups.push(async () => {
    for (const s of stoppables.reverse()) await s.stop();
  });
  return {
    db,
    sim,
    relay,
    hooks,
    daraja,
    newClient() {
      const client = new RelayClient({
        db,
        relayUrl: relay.relay.url,
        channel: relay.channel.channel,
        pullToken: relay.channel.pullToken,
        privateKeyPem: relay.privateKeyPem,
        callbackBaseUrl,
        retry: { baseMs: 5, maxMs: 50 },
      });
      stoppables.push(client);
      return client;
    },
    newEngine(source, resultTimeoutMs) {
      const engine = new PayoutEngine({
        db,
        client: daraja,
        source,
        shortcode: sim.credentials.shortcode,
        rate: 200,
        concurrency: 10,
        random: createRandom(11).next,
        resultTimeoutMs,
        statusQueryRate: 50,
        retryBackoff: { baseMs: 10, maxMs: 200, throttledFactor: 2, random: createRandom(99).next },
      });
      // Engines stop before their source, so nothing is applied after the client is gone.
      stoppables.push(engine);
      return engine;
    },
  };
}

/** Each worker paid once at M-Pesa, and the ledger lists exactly those payments, to the cent. */
function expectPaidExactlyOnce(r: Rig, workers: readonly Worker[]): void {
  const payments = r.sim.payments();
  expect(payments.map((p) => p.party).sort()).toEqual(workers.map((w) => w.phone).sort());
  const ledger = r.db
    .prepare(`SELECT receipt, phone, amount_cents FROM transactions WHERE kind = 'b2c_payment' ORDER BY receipt`)
    .all();
  expect(ledger).toEqual(
    payments
      .map((p) => ({ receipt: p.receipt, phone: p.party, amount_cents: p.amountCents }))
      .sort((a, b) => (a.receipt < b.receipt ? -1 : 1)),
  );
}

const b2cPosts = (r: Rig) => r.hooks.seen.filter((s) => s.method === 'POST' && s.path.endsWith('/b2c-result')).length;

describe('payments with callbacks through the relay', () => {
  it('pays a small run exactly once, every result arriving through the relay', async () => {
    const workers = Array.from({ length: 15 }, (_, i) => worker(i + 1, (500 + i) * 100));
    const r = await rig(workers);
    const client = r.newClient();
    await client.start();
    const engine = r.newEngine(client, 5_000);
    await engine.start();
    const runId = approvedRun(r.db, workers);
    await engine.startRun(runId, 'owner');
    const done = await engine.waitUntilFinal(runId);

    expect(done.counts.paid).toBe(15);
    expectPaidExactlyOnce(r, workers);
    const sources = r.db.prepare(`SELECT DISTINCT source FROM inbox`).pluck().all();
    expect(sources).toEqual(['relay:acme-payroll']);
    const results = r.db.prepare(`SELECT count(*) FROM inbox WHERE kind = 'b2c-result'`).pluck().get();
    expect(results).toBe(15);
    // Every result the engine settled on came through the relay, none from a status query.
    expect(r.sim.stats().requests['/mpesa/transactionstatus/v1/query'] ?? 0).toBe(0);
    expect(r.sim.stats().requests['/mpesa/b2c/v3/paymentrequest']).toBe(15);
  });

  it(
    'applies 1,000 results that reached the relay while the desktop was off: each once, in arrival order',
    { timeout: 90_000 },
    async () => {
      const workers = Array.from({ length: 1000 }, (_, i) => worker(i + 1));
      const r = await rig(workers);
      const client = r.newClient();
      await client.start();
      // Status queries only after a minute: the results must come from the relay's catch-up.
      const engine = r.newEngine(client, 60_000);
      await engine.start();
      const runId = approvedRun(r.db, workers);
      await engine.startRun(runId, 'owner'); // the float check's balance result came through the relay
      await client.stop();

      await r.hooks.waitFor(() => b2cPosts(r) >= 1000);
      await r.sim.callbacksIdle();
      expect(r.db.prepare(`SELECT count(*) FROM inbox WHERE kind = 'b2c-result'`).pluck().get()).toBe(0);
      expect(r.sim.payments()).toHaveLength(1000);
      expect(r.sim.stats().requests['/mpesa/transactionstatus/v1/query'] ?? 0).toBe(0);

      await client.start();
      const done = await engine.waitUntilFinal(runId);
      expect(done.counts.paid).toBe(1000);
      expectPaidExactlyOnce(r, workers);
      expect(r.sim.stats().requests['/mpesa/transactionstatus/v1/query'] ?? 0).toBe(0);

      // Arrival order is the relay's order; the inbox keeps it, and the ledger was written in it.
      const arrived = (await r.relay.relay.store.eventsAfter(r.relay.channel.channel, 0, 5000)).map((e) => e.id);
      const inbox = r.db.prepare(`SELECT id, event_id FROM inbox ORDER BY id`).all() as Array<{
        id: number;
        event_id: string;
      }>;
      expect(inbox.map((row) => row.event_id)).toEqual(arrived);
      const appliedFrom = r.db
        .prepare(`SELECT inbox_id FROM transactions WHERE kind = 'b2c_payment' ORDER BY id`)
        .pluck()
        .all() as number[];
      expect(appliedFrom).toHaveLength(1000);
      expect(new Set(appliedFrom).size).toBe(1000);
      expect(appliedFrom).toEqual([...appliedFrom].sort((a, b) => a - b));
      expect(
        r.db
          .prepare(`SELECT count(*) FROM inbox WHERE kind = 'b2c-result' AND applied = 1 AND flag IS NULL`)
          .pluck()
          .get(),
      ).toBe(1000);
    },
  );

  it('finishes a run exactly once after the desktop is closed in the middle of it', async () => {
    const workers = Array.from({ length: 30 }, (_, i) => worker(i + 1));
    const r = await rig(workers);
    const firstClient = r.newClient();
    await firstClient.start();
    const firstEngine = r.newEngine(firstClient, 1_500);
    await firstEngine.start();
    const runId = approvedRun(r.db, workers);
    const someResults = storedCount((l) => firstClient.onStored(l), 6);
    await firstEngine.startRun(runId, 'owner');
    await someResults;
    await firstEngine.stop();
    await firstClient.stop();
    const paidBefore = r.db.prepare(`SELECT count(*) FROM payroll_items WHERE state = 'paid'`).pluck().get() as number;
    expect(paidBefore).toBeLessThan(30);

    const client = r.newClient();
    await client.start();
    const engine = r.newEngine(client, 1_500);
    await engine.start();
    const done = await engine.waitUntilFinal(runId);
    expect(done.counts.paid).toBe(30);
    expectPaidExactlyOnce(r, workers);
  });
});
