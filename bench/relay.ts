// `npm run bench:relay`: 20,000 callbacks at concurrency 50 from a separate process against the
// relay in its own process, once with per-request commits (baseline) and once with group commit.
// Prints durable ingest rate, delivery latency to a connected long-polling client (p50/p99) and
// the relay's peak RSS. Prints figures; asserts none.
// `npm run bench:relay -- --store postgres --instances 1|2`: the SQLite group-commit figure, then
// the same load on a throwaway PostgreSQL cluster with one or two relay instances (the load
// alternating between them, the desktop pulling from the last), with PostgreSQL's own CPU counted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { Pool, request } from 'undici';
import { addChannel } from '../src/relay-server/channels';
import { PgRelayStore } from '../src/relay-server/pg-store';
import { generateChannelKeyPair, open, type RelayEventPlaintext } from '../src/relay-server/sealing';
import { loadServerKey } from '../src/relay-server/server-key';
import { SqliteRelayStore } from '../src/relay-server/sqlite-store';
import type { RelayStore } from '../src/relay-server/store';
import { startPostgres, type PgCluster } from '../test/helpers/postgres';

const TOTAL = Number(process.env.BENCH_CALLBACKS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const root = join(import.meta.dirname, '..');
const script = join(import.meta.dirname, 'relay.ts');

function child(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Load mode: this file run as its own process posts the callbacks (round-robin over the URLs) and prints its timing. */
async function load(urls: string[], hookPath: string): Promise<void> {
  const template = readFileSync(join(root, 'test/fixtures/daraja/b2c-result-success.json'), 'utf8');
  const pools = urls.map((url) => new Pool(url, { connections: CONCURRENCY, pipelining: 1 }));
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let n = next++; n < TOTAL; n = next++) {
        // Unique per callback, and stamped with its send time for the delivery latency.
        const body = template.replace('AG_20240706_2010364430d9bbdaf872', `AG_bench_${n}_${Date.now()}`);
        const res = await pools[n % pools.length]!.request({
          path: hookPath,
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        });
        await res.body.dump();
        if (res.statusCode !== 200) failed++;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  await Promise.all(pools.map((p) => p.close()));
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ elapsedMs, failed, cpuMs: (user + system) / 1000 })}\n`);
}

interface Result {
  mode: string;
  ratePerSecond: number;
  failed: number;
  p50: number;
  p99: number;
  peakRssMb: number;
  perCommit: number;
  commitMs: number;
  /** CPU milliseconds per callback: the relay process(es), the load process, this process (the desktop client), PostgreSQL. */
  cpu: { relay: number; loader: number; client: number; database: number | null };
}

/** CPU ms so far of the postmaster and its backends (exited backends are in its children's time). */
function clusterCpuMs(postmaster: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const pid = Number(entry);
      if (pid !== postmaster && Number(fields[1]) !== postmaster) continue;
      total +=
        Number(fields[11]) + Number(fields[12]) + (pid === postmaster ? Number(fields[13]) + Number(fields[14]) : 0);
    } catch {
      // A backend that exited while being read.
    }
  }
  return (total * 1000) / 100;
}

interface RunSpec {
  label: string;
  commit: 'each' | 'group';
  /** Absent: SQLite in a temp folder. */
  postgres?: { cluster: PgCluster; instances: number };
}

/** CPU time a process has used so far (user + system), in ms, from /proc. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function startInstance(
  dataDir: string,
  commit: string,
  storeArgs: string[],
): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_PROFILE=<folder> writes a CPU profile of the relay process there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const relay = child(
    [
      ...profile,
      'src/relay-server/cli.ts',
      'serve',
      '--data',
      dataDir,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--allowlist',
      'off',
      ...storeArgs,
    ],
    {
      RELAY_COMMIT: commit,
      RELAY_RATE_HOOKS: '0',
      RELAY_RATE_PULL: '0',
      RELAY_LOG_LEVEL: 'info',
    },
  );
  return new Promise((resolve, reject) => {
    relay.once('exit', (code) => reject(new Error(`relay exited (${code})`)));
    createInterface({ input: relay.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; address?: string };
      if (entry.msg === 'relay listening' && entry.address) resolve({ child: relay, url: entry.address });
    });
  });
}

async function run(spec: RunSpec): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  const keys = generateChannelKeyPair();
  let storeArgs: string[] = [];
  let store: RelayStore;
  if (spec.postgres) {
    const databaseUrl = await spec.postgres.cluster.createDatabase();
    storeArgs = ['--store', 'postgres', '--database-url', databaseUrl];
    store = await PgRelayStore.open(databaseUrl);
    loadServerKey(dataDir); // one relay.key for every instance
  } else {
    store = new SqliteRelayStore(dataDir);
  }
  const channel = await addChannel(store, 'bench', keys.publicKeyPem, 'http://placeholder');
  await store.close();

  const relays = await Promise.all(
    Array.from({ length: spec.postgres?.instances ?? 1 }, () => startInstance(dataDir, spec.commit, storeArgs)),
  );
  const urls = relays.map((r) => r.url);
  const pullUrl = urls.at(-1)!;

  // The connected desktop: long-polls, opens each event, notes how long after sending it arrived.
  const latencies: number[] = [];
  let stopClient = false;
  const client = (async () => {
    let after = '0';
    while (!stopClient && latencies.length < TOTAL) {
      const res = await request(`${pullUrl}/v1/events?after=${after}&wait=5&limit=1000`, {
        headers: { authorization: `Bearer ${channel.pullToken}` },
      });
      const page = (await res.body.json()) as { events: Array<{ sealed: never }>; cursor: string };
      const now = Date.now();
      for (const event of page.events) {
        const plain = JSON.parse(open(keys.privateKeyPem, event.sealed)) as RelayEventPlaintext;
        const sentAt = Number(/AG_bench_\d+_(\d+)/.exec(plain.body)?.[1]);
        latencies.push(now - sentAt);
      }
      if (page.events.length > 0) {
        const ack = await request(`${pullUrl}/v1/ack`, {
          method: 'POST',
          body: JSON.stringify({ upTo: page.cursor }),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${channel.pullToken}` },
        });
        await ack.body.dump();
      }
      after = page.cursor;
    }
  })();

  const relayCpu = (): number => relays.reduce((sum, r) => sum + processCpuMs(r.child.pid!), 0);
  const databaseCpu = (): number | null => (spec.postgres ? clusterCpuMs(spec.postgres.cluster.pid()) : null);
  const relayCpuBefore = relayCpu();
  const databaseCpuBefore = databaseCpu();
  const clientCpuBefore = process.cpuUsage();
  const loader = child([script, '--load', urls.join(','), `${new URL(channel.callbackBaseUrl).pathname}/b2c-result`]);
  let printed = '';
  loader.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  await new Promise((resolve) => loader.once('exit', resolve));
  const {
    elapsedMs,
    failed,
    cpuMs: loaderCpuMs,
  } = JSON.parse(printed) as { elapsedMs: number; failed: number; cpuMs: number };
  await client;
  stopClient = true;
  const relayCpuMs = relayCpu() - relayCpuBefore;
  const databaseAfter = databaseCpu();
  const databaseCpuMs = databaseAfter === null || databaseCpuBefore === null ? null : databaseAfter - databaseCpuBefore;
  const clientCpu = process.cpuUsage(clientCpuBefore);

  let sum = 0;
  let count = 0;
  let commitSeconds = 0;
  for (const url of urls) {
    const metricsText = await (await request(`${url}/metrics`)).body.text();
    sum += Number(/relay_commit_callbacks_sum (\S+)/.exec(metricsText)?.[1]);
    count += Number(/relay_commit_callbacks_count (\S+)/.exec(metricsText)?.[1]);
    commitSeconds += Number(/relay_commit_seconds_sum (\S+)/.exec(metricsText)?.[1]);
  }
  const peakRssMb = Math.max(
    ...relays.map(
      (r) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${r.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    ),
  );
  for (const r of relays) {
    r.child.kill('SIGTERM');
    await new Promise((resolve) => r.child.once('exit', resolve));
  }
  rmSync(dataDir, { recursive: true, force: true });

  latencies.sort((a, b) => a - b);
  return {
    mode: spec.label,
    ratePerSecond: (TOTAL - failed) / (elapsedMs / 1000),
    failed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    peakRssMb,
    perCommit: sum / count,
    commitMs: (commitSeconds / count) * 1000,
    cpu: {
      relay: relayCpuMs / TOTAL,
      loader: loaderCpuMs / TOTAL,
      client: (clientCpu.user + clientCpu.system) / 1000 / TOTAL,
      database: databaseCpuMs === null ? null : databaseCpuMs / TOTAL,
    },
  };
}

function report(r: Result): void {
  console.log(
    `${r.mode.padEnd(30)} ingest ${r.ratePerSecond.toFixed(0).padStart(6)}/s  failed ${r.failed}  ` +
      `delivery p50 ${r.p50} ms  p99 ${r.p99} ms  peak RSS ${r.peakRssMb.toFixed(0)} MB  ` +
      `${r.perCommit.toFixed(1)} callbacks/commit, ${r.commitMs.toFixed(1)} ms/commit`,
  );
  const database = r.cpu.database === null ? '' : `, PostgreSQL ${r.cpu.database.toFixed(3)} ms`;
  console.log(
    `${''.padEnd(30)} CPU per callback: relay ${r.cpu.relay.toFixed(3)} ms${database}, load ${r.cpu.loader.toFixed(3)} ms, desktop client ${r.cpu.client.toFixed(3)} ms`,
  );
}

/** Durable single-row commits a second on this disk right now: the ceiling for per-request commits. */
function diskCommitsPerSecond(): number {
  const dir = mkdtempSync(join(tmpdir(), 'relay-disk-'));
  const db = new Database(join(dir, 'probe.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (x INTEGER)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const started = performance.now();
  for (let i = 0; i < 300; i++) insert.run(i);
  const rate = 300 / ((performance.now() - started) / 1000);
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

/** The store alone, no HTTP or sealing: appends at concurrency 50, to tell disk limits from CPU limits. */
async function storeOnly(commit: 'each' | 'group', appends: number): Promise<{ rate: number; perCommit: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-store-'));
  let commits = 0;
  const store = new SqliteRelayStore(dir, { commit, onCommit: () => commits++ });
  const sealed = 'x'.repeat(2500);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < appends; i = next++) {
        await store.append({
          channel: 'bench',
          kind: 'b2c-result',
          dedupKey: Buffer.from(String(i).padStart(32, '0')),
          sealed,
          receivedAt: Date.now(),
        });
      }
    }),
  );
  const rate = appends / ((performance.now() - started) / 1000);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { rate, perCommit: appends / commits };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--load');
  if (at >= 0) return load((process.argv[at + 1] ?? '').split(','), process.argv[at + 2] ?? '');
  const { values } = parseArgs({
    options: { store: { type: 'string', default: 'sqlite' }, instances: { type: 'string', default: '1' } },
  });
  const instances = Number(values.instances);
  if (values.store !== 'sqlite' && values.store !== 'postgres') throw new Error('--store must be sqlite or postgres');
  if (!Number.isInteger(instances) || instances < 1 || instances > 8)
    throw new Error('--instances must be a whole number from 1 to 8');
  console.log(`relay bench: ${TOTAL} callbacks, concurrency ${CONCURRENCY}, load from a separate process`);
  console.log(
    `disk now: ${diskCommitsPerSecond().toFixed(0)} durable commits/s; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores`,
  );

  if (values.store === 'postgres') {
    // The SQLite figure first, in the same run, so the two are measured under the same load.
    report(await run({ label: 'SQLite, group commit', commit: 'group' }));
    const cluster = await startPostgres();
    try {
      report(
        await run({
          label: `PostgreSQL, ${instances} instance${instances > 1 ? 's' : ''}`,
          commit: 'group',
          postgres: { cluster, instances },
        }),
      );
    } finally {
      await cluster.stop();
    }
    return;
  }

  const results: Result[] = [];
  for (const mode of ['each', 'group'] as const) {
    const r = await run({ label: mode === 'each' ? 'per-request commit (baseline)' : 'group commit', commit: mode });
    results.push(r);
    report(r);
  }
  for (const mode of ['each', 'group'] as const) {
    const r = await storeOnly(mode, 3000);
    console.log(
      `store alone, ${mode === 'each' ? 'per-request commit' : 'group commit      '}  ${r.rate.toFixed(0).padStart(6)} appends/s  ${r.perCommit.toFixed(1)} per commit`,
    );
  }
  const [baseline, grouped] = results;
  if (baseline && grouped)
    console.log(`group commit / baseline ingest: ${(grouped.ratePerSecond / baseline.ratePerSecond).toFixed(2)}x`);
}

await main();
