// `npm run bench:payout`: 5,000 payments through the payout engine at 100/s against the simulator
// (its own process: answers in ~150 ms, calls back in 0.5–3 s), and the same payroll paid by a
// plain sequential loop (await each call) as the baseline. Prints figures; asserts none.
//   BENCH_ITEMS (5000)  BENCH_RATE (100)  BENCH_CONCURRENCY (50)  BENCH_BASELINE_ITEMS (all)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { openProfileApp } from '../src/main/app/open-profile-app';
import { configureLogging } from '../src/main/log';
import { previewPayrollFile } from '../src/main/payroll/import';
import { approveRun, createRunFromFile } from '../src/main/payroll/runs';
import { createProfile } from '../src/main/profiles';
import { MemorySecretStore } from '../src/main/secrets/memory-store';
import { payrollLines, writePayrollCsv } from '../test/crash/payroll-file';
import { timeSqlite } from './sqlite-timer';

const items = Number(process.env.BENCH_ITEMS ?? 5000);
const rate = Number(process.env.BENCH_RATE ?? 100);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
const baselineItems = Math.min(items, Number(process.env.BENCH_BASELINE_ITEMS ?? items));

async function startSimulatorProcess(): Promise<{ child: ChildProcess; baseUrl: string }> {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawn(
    process.execPath,
    [tsxCli, 'src/simulator/cli.ts', '--port', '0', '--seed', '7', '--open-registry', '--float', '1000000000', '--log-level', 'silent', '--fault', 'latency=140-160', '--fault', 'callback-delay=500-3000'],
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

async function main(): Promise<void> {
  configureLogging({ level: 'warn' });
  const dataDir = mkdtempSync(join(tmpdir(), 'mshahara-bench-payout-'));
  const { child, baseUrl } = await startSimulatorProcess();
  try {
    const file = join(dataDir, 'payroll.csv');
    writePayrollCsv(file, payrollLines(items, 7));
    createProfile({ name: 'bench', kind: 'demo', baseUrl }, dataDir);
    const app = await openProfileApp('bench', { dataFolder: dataDir, secrets: () => new MemorySecretStore(), rate, concurrency, resultTimeoutMs: 10_000 });
    const preview = await previewPayrollFile(readFileSync(file), { duplicatesAgainstExisting: 'warn' });
    const run = createRunFromFile(app.db, { title: 'Bench payroll', fileName: 'payroll.csv', preview }, { name: 'bench' });
    approveRun(app.db, run.id, { name: 'bench' });

    const sqlite = timeSqlite(app.db);
    const memory = peakRss();
    const started = performance.now();
    await app.engine.startRun(run.id, 'bench');
    const final = await app.engine.waitUntilFinal(run.id);
    const engineSeconds = (performance.now() - started) / 1000;
    const peak = memory.stop();
    const sends = app.db
      .prepare(`SELECT min(sent_at) AS first, max(sent_at) AS last, count(*) AS n FROM payout_attempts WHERE sent_at IS NOT NULL`)
      .get() as { first: string; last: string; n: number };
    const sendSeconds = (Date.parse(sends.last) - Date.parse(sends.first)) / 1000;
    const achievedRate = (sends.n - 1) / sendSeconds;
    const client = app.client;
    const config = { resultUrl: app.source.callbackUrl('b2c-result'), queueTimeoutUrl: app.source.callbackUrl('b2c-timeout') };
    await app.close();

    // Baseline: the loop most integrations start with, one request at a time, nothing recorded.
    const baselineStarted = performance.now();
    let accepted = 0;
    for (const [i, row] of preview.valid.slice(0, baselineItems).entries()) {
      const outcome = await client.b2cPayment({ originatorConversationId: `baseline-${i}`, commandId: 'SalaryPayment', amountCents: row.amountCents, party: row.msisdn, remarks: 'Baseline payment', ...config });
      if (outcome.kind === 'accepted') accepted += 1;
    }
    const baselineMeasured = (performance.now() - baselineStarted) / 1000;
    const baselineSeconds = (baselineMeasured * items) / baselineItems;

    const line = (label: string, value: string): void => void process.stdout.write(`  ${label.padEnd(34)} ${value}\n`);
    process.stdout.write(`bench:payout — ${items} payments, engine at ${rate}/s, concurrency ${concurrency}; simulator answers in 140–160 ms, calls back in 0.5–3 s\n`);
    line('paid / failed / needs attention', `${final.counts.paid} / ${final.counts.failed} / ${final.needsAttention}`);
    line('achieved send rate', `${achievedRate.toFixed(1)}/s (${((achievedRate / rate) * 100).toFixed(1)}% of ${rate}/s; goal within 5%)`);
    line('time until every item is final', `${engineSeconds.toFixed(1)} s`);
    line('peak RSS', `${mb(peak)} (goal under 300 MB)`);
    line('SQLite time per item', `${(sqlite.totalMs / items).toFixed(2)} ms (${(sqlite.totalMs / 1000).toFixed(1)} s over ${sqlite.calls} calls/transactions)`);
    line(
      'baseline: sequential loop',
      baselineItems === items
        ? `${baselineSeconds.toFixed(1)} s for ${items} (${accepted} accepted)`
        : `${baselineSeconds.toFixed(1)} s for ${items}, extrapolated from ${baselineItems} in ${baselineMeasured.toFixed(1)} s (${accepted} accepted)`,
    );
    line('engine vs baseline', `${(baselineSeconds / engineSeconds).toFixed(1)}× faster`);
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
