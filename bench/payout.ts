// `npm run bench:payout`: 5,000 payments through the payout engine at 100/s against the simulator
// (its own process: answers in ~150 ms, calls back in 0.5–3 s), twice: against the clean simulator
// and against its realistic mode (processing that lags acceptance, status answers about the query,
// Daraja's own IDs, queue timeouts, throttling as a Result, payees who fail); and the same payroll
// paid by a plain sequential loop (await each call) as the baseline. Prints figures; asserts none.
//   BENCH_ITEMS (5000)  BENCH_RATE (100)  BENCH_CONCURRENCY (50)  BENCH_BASELINE_ITEMS (all)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { openProfileApp } from '../src/main/composition/open-profile-app';
import { configureLogging } from '../src/main/log';
import { previewPayrollFile } from '../src/main/payroll/import';
import { createRunFromFile } from '../src/main/payroll/runs';
import { approveAsPolicyNeeds } from '../test/helpers/people';
import { createProfile } from '../src/main/profiles';
import { MemorySecretStore } from '../src/main/secrets/memory-store';
import { payrollLines, writePayrollCsv } from '../test/crash/payroll-file';
import { timeSqlite } from './sqlite-timer';

const items = Number(process.env.BENCH_ITEMS ?? 5000);
const rate = Number(process.env.BENCH_RATE ?? 100);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
const baselineItems = Math.min(items, Number(process.env.BENCH_BASELINE_ITEMS ?? items));

async function startSimulatorProcess(realistic: boolean): Promise<{ child: ChildProcess; baseUrl: string }> {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawn(
    process.execPath,
    [
      tsxCli,
      'src/simulator/cli.ts',
      '--port',
      '0',
      '--seed',
      '7',
      '--open-registry',
      '--float',
      '1000000000',
      '--log-level',
      'silent',
      '--fault',
      'latency=140-160',
      '--fault',
      'callback-delay=500-3000',
      ...(realistic ? ['--realistic'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let printed = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator exited early (code ${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      const match = /listening on (\S+)/.exec(printed);
      if (match?.[1] !== undefined && /STK passkey/.test(printed)) resolve(match[1]);
    });
  });
  return { child, baseUrl };
}

function peakRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

interface Measured {
  paid: number;
  failed: number;
  needsAttention: number;
  achievedRate: number;
  engineSeconds: number;
  statusQueriesPerPayment: number;
  resends: number;
  peak: number;
  sqliteMsPerItem: number;
  sqlite: { totalMs: number; calls: number };
  baseline?: { seconds: number; measured: number; accepted: number };
}

async function measure(realistic: boolean, dataDir: string, withBaseline: boolean): Promise<Measured> {
  const { child, baseUrl } = await startSimulatorProcess(realistic);
  try {
    const name = realistic ? 'bench-realistic' : 'bench-clean';
    const file = join(dataDir, `${name}.csv`);
    writePayrollCsv(file, payrollLines(items, 7));
    createProfile({ name, kind: 'demo', baseUrl }, dataDir);
    const app = await openProfileApp(name, {
      dataFolder: dataDir,
      secrets: () => new MemorySecretStore(),
      rate,
      concurrency,
      resultTimeoutMs: 10_000,
    });
    const preview = await previewPayrollFile(readFileSync(file), { duplicatesAgainstExisting: 'warn' });
    const run = createRunFromFile(
      app.db,
      { title: 'Bench payroll', fileName: `${name}.csv`, preview },
      { name: 'bench' },
    );
    await approveAsPolicyNeeds(app.db, run.id);

    const sqlite = timeSqlite(app.db);
    const memory = peakRss();
    const started = performance.now();
    await app.engine.startRun(run.id, 'bench');
    const final = await app.engine.waitUntilFinal(run.id);
    const engineSeconds = (performance.now() - started) / 1000;
    const peak = memory.stop();
    const sends = app.db
      .prepare(
        `SELECT min(sent_at) AS first, max(sent_at) AS last, count(*) AS n FROM payout_attempts WHERE sent_at IS NOT NULL`,
      )
      .get() as { first: string; last: string; n: number };
    const sendSeconds = (Date.parse(sends.last) - Date.parse(sends.first)) / 1000;
    const counters = app.engine.counters();
    const client = app.client;
    const config = {
      resultUrl: app.source.callbackUrl('b2c-result'),
      queueTimeoutUrl: app.source.callbackUrl('b2c-timeout'),
    };
    await app.close();
    const measured: Measured = {
      paid: final.counts.paid,
      failed: final.counts.failed,
      needsAttention: final.needsAttention,
      achievedRate: (sends.n - 1) / sendSeconds,
      engineSeconds,
      statusQueriesPerPayment: counters.statusQueries / items,
      resends: counters.resends,
      peak,
      sqliteMsPerItem: sqlite.totalMs / items,
      sqlite,
    };
    if (!withBaseline) return measured;

    // Baseline: the loop most integrations start with, one request at a time, nothing recorded.
    const baselineStarted = performance.now();
    let accepted = 0;
    for (const [i, row] of preview.valid.slice(0, baselineItems).entries()) {
      const outcome = await client.b2cPayment({
        originatorConversationId: `baseline-${i}`,
        commandId: 'SalaryPayment',
        amountCents: row.amountCents,
        party: row.msisdn,
        remarks: 'Baseline payment',
        ...config,
      });
      if (outcome.kind === 'accepted') accepted += 1;
    }
    const baselineMeasured = (performance.now() - baselineStarted) / 1000;
    return {
      ...measured,
      baseline: { seconds: (baselineMeasured * items) / baselineItems, measured: baselineMeasured, accepted },
    };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  configureLogging({ level: 'warn' });
  const dataDir = mkdtempSync(join(tmpdir(), 'mshahara-bench-payout-'));
  try {
    const clean = await measure(false, dataDir, true);
    const realistic = await measure(true, dataDir, false);
    const row = (label: string, a: string, b: string): void =>
      void process.stdout.write(`  ${label.padEnd(34)} ${a.padEnd(30)} ${b}\n`);
    process.stdout.write(
      `bench:payout — ${items} payments, engine at ${rate}/s, concurrency ${concurrency}; simulator answers in 140–160 ms, calls back in 0.5–3 s\n`,
    );
    row('', 'clean simulator', '--realistic');
    row(
      'paid / failed / needs attention',
      `${clean.paid} / ${clean.failed} / ${clean.needsAttention}`,
      `${realistic.paid} / ${realistic.failed} / ${realistic.needsAttention}`,
    );
    row(
      'achieved send rate',
      `${clean.achievedRate.toFixed(1)}/s (${((clean.achievedRate / rate) * 100).toFixed(1)}%)`,
      `${realistic.achievedRate.toFixed(1)}/s (${((realistic.achievedRate / rate) * 100).toFixed(1)}%)`,
    );
    row(
      'time until every item is final',
      `${clean.engineSeconds.toFixed(1)} s`,
      `${realistic.engineSeconds.toFixed(1)} s`,
    );
    row(
      'status queries per payment',
      clean.statusQueriesPerPayment.toFixed(3),
      realistic.statusQueriesPerPayment.toFixed(3),
    );
    row('same-ID re-sends', String(clean.resends), String(realistic.resends));
    row('peak RSS (goal under 300 MB)', mb(clean.peak), mb(realistic.peak));
    row('SQLite time per item', `${clean.sqliteMsPerItem.toFixed(2)} ms`, `${realistic.sqliteMsPerItem.toFixed(2)} ms`);
    const baseline = clean.baseline;
    if (baseline !== undefined) {
      process.stdout.write(
        `  ${'baseline: sequential loop'.padEnd(34)} ${
          baselineItems === items
            ? `${baseline.seconds.toFixed(1)} s for ${items} (${baseline.accepted} accepted)`
            : `${baseline.seconds.toFixed(1)} s for ${items}, extrapolated from ${baselineItems} in ${baseline.measured.toFixed(1)} s (${baseline.accepted} accepted)`
        }\n`,
      );
      process.stdout.write(
        `  ${'engine (clean) vs baseline'.padEnd(34)} ${(baseline.seconds / clean.engineSeconds).toFixed(1)}× faster\n`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
