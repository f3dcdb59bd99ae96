// The engine killed at random moments (SIGKILL, no goodbye) and restarted on the same database,
// against a simulator with faults: at the end every worker is paid exactly once by M-Pesa's own
// record, the ledger equals it to the cent, and no attempt is left unresolved.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../../src/main/db';
import { createRandom } from '../../../../src/simulator/random';
import { startSimulator, type RunningSimulator } from '../../../../src/simulator';
import { tempFolder } from '../../db/temp-folder';
import { approvedRun, attempts, customersFor, ledger, worker } from './harness';

const folder = tempFolder('mshahara-crash-');
const payer = fileURLToPath(new URL('./crash/payer.ts', import.meta.url));
let sim: RunningSimulator | undefined;
let child: ChildProcess | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  await sim?.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts the payer; resolves `started` when its engine runs and `exited` with its exit code or signal. */
function startPayer(args: string[]): { started: Promise<void>; exited: Promise<string>; process: ChildProcess } {
  const proc = spawn(process.execPath, ['--import', 'tsx', payer, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  let output = '';
  const started = new Promise<void>((resolve) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('started')) resolve();
    });
  });
  const exited = new Promise<string>((resolve) =>
    proc.on('exit', (code, signal) => resolve(signal ?? `exit ${code} ${output.trim()}`)),
  );
  return { started, exited, process: proc };
}

describe('payout engine crash test', () => {
  it('pays 60 workers exactly once through 4 SIGKILLs at random moments and faults', async () => {
    const workers = Array.from({ length: 60 }, (_, i) => worker(i + 1, (200 + i) * 100));
    sim = await startSimulator({
      seed: 31,
      customers: customersFor(workers),
      faults: { errorAfter: 0.03, dropCallback: 0.05, duplicateCallback: 0.05, callbackDelayMs: { min: 0, max: 100 } },
      callbackRetries: 3,
      callbackRetryBaseMs: 50,
    });
    const dbPath = folder.path('profile.sqlite');
    const setup = openDatabase(dbPath);
    // At 30 payments/s and at most 300 ms per life, the killed payers cannot finish the run.
    const runId = approvedRun(setup, workers);
    closeDatabase(setup);
    const port = await freePort();
    const config = JSON.stringify({ ...sim.credentials, certificatePem: sim.certificatePem });
    const args = [dbPath, sim.baseUrl, String(port), String(runId), config];
    const random = createRandom(31);

    for (let kill = 1; kill <= 4; kill++) {
      const run = startPayer(args);
      child = run.process;
      // A payer that dies on its own before it starts fails the test here instead of hanging it.
      await Promise.race([
        run.started,
        run.exited.then((how) => Promise.reject(new Error(`payer ended before starting: ${how}`))),
      ]);
      await new Promise((resolve) => setTimeout(resolve, random.between(50, 300)));
      run.process.kill('SIGKILL');
      expect(await run.exited).toBe('SIGKILL');
    }
    const last = startPayer(args);
    child = last.process;
    const ending = await last.exited;
    expect(ending).toMatch(/^exit 0 started\nfinal .*"paid":60,.*attention 0$/);
    await sim.callbacksIdle();

    const db = openDatabase(dbPath);
    try {
      const payments = sim.payments();
      const perPhone = new Map<string, number>();
      for (const p of payments) perPhone.set(p.party, (perPhone.get(p.party) ?? 0) + 1);
      expect(workers.filter((w) => perPhone.get(w.phone) !== 1)).toEqual([]);
      const rows = ledger(db);
      expect(rows.map((r) => [r.receipt, r.phone, r.amount_cents]).sort()).toEqual(
        payments.map((p) => [p.receipt, p.party, p.amountCents]).sort(),
      );
      expect(rows.reduce((sum, r) => sum + r.amount_cents, 0)).toBe(workers.reduce((sum, w) => sum + w.amountCents, 0));
      expect(
        attempts(db).filter((a) => a.state !== 'succeeded' && a.state !== 'failed' && a.state !== 'rejected'),
      ).toEqual([]);
    } finally {
      closeDatabase(db);
    }
  }, 120_000);
});
