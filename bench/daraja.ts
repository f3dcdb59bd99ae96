// `npm run bench:daraja`: how many calls a second the Daraja client sustains against the simulator
// (run as its own process, no added latency) at concurrency 1, 16 and 64, and how much time the
// client adds per call over a raw undici request of the same body. Prints figures; asserts none.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Pool, request } from 'undici';
import { DarajaClient, type DarajaProfileConfig } from '../src/main/daraja';
import { encryptSecurityCredential } from '../src/main/daraja/credential';

const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 2_000);
const CONCURRENCIES = [1, 16, 64];

interface Phase {
  calls: number;
  failures: number;
  elapsedMs: number;
  durations: number[];
}

/** Starts `src/simulator/cli.ts` in a child process and reads its printed address and credentials. */
async function startSimulatorProcess(): Promise<{
  child: ChildProcess;
  profile: Omit<DarajaProfileConfig, 'certificatePem'>;
}> {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawn(
    process.execPath,
    [
      tsxCli,
      'src/simulator/cli.ts',
      '--port',
      '0',
      '--seed',
      '1',
      '--open-registry',
      '--log-level',
      'silent',
      '--fault',
      'latency=0-0',
      '--fault',
      'callback-delay=0-0',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let printed = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator exited early (code ${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      if (/STK passkey\s+\S+\n/.test(printed)) resolve();
    });
  });
  const field = (label: string): string => {
    const value = new RegExp(`${label}\\s+(.+)`).exec(printed)?.[1]?.trim();
    if (value === undefined) throw new Error(`the simulator did not print "${label}"`);
    return value;
  };
  const [initiatorName = '', initiatorPassword = ''] = field('initiator').split(' / ');
  return {
    child,
    profile: {
      name: 'bench',
      baseUrl: field('listening on'),
      consumerKey: field('consumer key'),
      consumerSecret: field('consumer secret'),
      shortcode: field('B2C shortcode'),
      initiatorName,
      initiatorPassword,
      stkShortcode: field('STK shortcode'),
      passkey: field('STK passkey'),
    },
  };
}

/** Runs `call` from `concurrency` workers for PHASE_MS and records each call's duration. */
async function runPhase(concurrency: number, call: () => Promise<boolean>): Promise<Phase> {
  const phase: Phase = { calls: 0, failures: 0, elapsedMs: 0, durations: [] };
  const started = performance.now();
  const deadline = started + PHASE_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const ok = await call();
        phase.durations.push(performance.now() - t0);
        phase.calls++;
        if (!ok) phase.failures++;
      }
    }),
  );
  phase.elapsedMs = performance.now() - started;
  return phase;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const ms = (n: number): string => `${n.toFixed(2)} ms`;

async function main(): Promise<void> {
  const { child, profile } = await startSimulatorProcess();
  const sink: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ResultCode":0,"ResultDesc":"Accepted"}'),
    );
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const callbackUrls = { resultUrl: `${sinkUrl}/result`, queueTimeoutUrl: `${sinkUrl}/timeout` };

  const certificatePem = await (await request(`${profile.baseUrl}/simulator/certificate`)).body.text();
  const client = new DarajaClient({ ...profile, certificatePem });

  // The baseline: the same Account Balance body, token and credential prepared once, sent with a
  // bare undici Pool and its answer read as JSON. The difference is what the client adds.
  const basic = Buffer.from(`${profile.consumerKey}:${profile.consumerSecret}`).toString('base64');
  const oauth = (await (
    await request(`${profile.baseUrl}/oauth/v1/generate?grant_type=client_credentials`, {
      headers: { authorization: `Basic ${basic}` },
    })
  ).body.json()) as { access_token: string };
  const rawBody = JSON.stringify({
    Initiator: profile.initiatorName,
    SecurityCredential: encryptSecurityCredential(profile.initiatorPassword, certificatePem),
    CommandID: 'AccountBalance',
    PartyA: profile.shortcode,
    IdentifierType: '4',
    Remarks: 'Float check',
    QueueTimeOutURL: callbackUrls.queueTimeoutUrl,
    ResultURL: callbackUrls.resultUrl,
  });
  const pool = new Pool(new URL(profile.baseUrl).origin, { connections: 64 });
  const raw = async (): Promise<boolean> => {
    const answer = await pool.request({
      method: 'POST',
      path: '/mpesa/accountbalance/v1/query',
      headers: { authorization: `Bearer ${oauth.access_token}`, 'content-type': 'application/json' },
      body: rawBody,
    });
    const json = (await answer.body.json()) as { ResponseCode?: string };
    return answer.statusCode === 200 && json.ResponseCode === '0';
  };
  const viaClient = async (): Promise<boolean> => (await client.accountBalance(callbackUrls)).kind === 'accepted';

  try {
    for (let i = 0; i < 50; i++) await Promise.all([raw(), viaClient()]); // warm up connections and JIT
    const rows: string[][] = [];
    for (const concurrency of CONCURRENCIES) {
      // Throughput: each mode alone. Added time: both modes interleaved in one phase, so they meet
      // the same load on the simulator (its callback backlog, its garbage collection).
      const baseline = await runPhase(concurrency, raw);
      const measured = await runPhase(concurrency, viaClient);
      const clientTimes: number[] = [];
      const rawTimes: number[] = [];
      let turn = 0;
      const mixed = await runPhase(concurrency, async () => {
        const mine = turn++ % 2 === 0;
        const t0 = performance.now();
        const ok = await (mine ? viaClient() : raw());
        (mine ? clientTimes : rawTimes).push(performance.now() - t0);
        return ok;
      });
      const p = (values: number[], q: number) => percentile(values, q);
      rows.push([
        String(concurrency),
        (measured.calls / (measured.elapsedMs / 1000)).toFixed(0),
        (baseline.calls / (baseline.elapsedMs / 1000)).toFixed(0),
        ms(p(clientTimes, 50)),
        ms(p(rawTimes, 50)),
        ms(p(clientTimes, 50) - p(rawTimes, 50)),
        ms(p(clientTimes, 99)),
        ms(p(rawTimes, 99)),
        ms(p(clientTimes, 99) - p(rawTimes, 99)),
        String(measured.failures + baseline.failures + mixed.failures),
      ]);
    }
    const header = [
      'conc.',
      'client req/s',
      'raw req/s',
      'client p50',
      'raw p50',
      'added p50',
      'client p99',
      'raw p99',
      'added p99',
      'failed',
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
    console.log(
      `\nDaraja client vs raw undici — Account Balance against the simulator (separate process), ${PHASE_MS} ms per phase, Node ${process.version}`,
    );
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) console.log(line(row));
    console.log('req/s: each mode alone; p50/p99: both modes interleaved in one phase; added = client − raw.');
    console.log(`token requests by the client: ${client.tokenRequests}\n`);
  } finally {
    await client.close();
    await pool.close();
    await new Promise((resolve) => sink.close(resolve));
    child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
