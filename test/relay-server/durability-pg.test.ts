// Two relay instances on one PostgreSQL database behind a round-robin: a long-poll on one is woken
// by a callback stored by the other; a flood of callbacks while one instance is SIGKILLed and
// restarted, and PostgreSQL itself restarted between requests: every callback answered 200 is
// delivered, once, in the order of its seq.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../src/relay-server/channels';
import { PgRelayStore } from '../../src/relay-server/pg-store';
import { generateChannelKeyPair } from '../../src/relay-server/sealing';
import { loadServerKey } from '../../src/relay-server/server-key';
import { startPostgres, type PgCluster } from '../helpers/postgres';
import { openEvent, post, pull, type TestChannel } from './helpers';

const root = join(import.meta.dirname, '../..');
const TOTAL = 2000;
const CONCURRENCY = 40;

interface Instance {
  child: ChildProcess;
  url: string;
}

/** `relay serve` on the shared database; resolves once it logs that it listens. */
function startInstance(dataDir: string, databaseUrl: string, port: number): Promise<Instance> {
  // node --import tsx, not the tsx wrapper: SIGKILL must hit the relay itself.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'src/relay-server/cli.ts'),
      'serve',
      '--data',
      dataDir,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--allowlist',
      'off',
      '--store',
      'postgres',
      '--database-url',
      databaseUrl,
    ],
    {
      env: { ...process.env, RELAY_RATE_HOOKS: '0', RELAY_RATE_PULL: '0', RELAY_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
    },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; address?: string };
      if (entry.msg === 'relay listening' && entry.address) resolve({ child, url: entry.address });
    });
    child.once('exit', (code) => reject(new Error(`relay exited early (${code})`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('two relay instances on one PostgreSQL database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-durable-pg-'));
  let cluster: PgCluster;
  let databaseUrl: string;
  let channel: TestChannel;
  const instances: Instance[] = [];

  beforeAll(async () => {
    cluster = await startPostgres();
    databaseUrl = await cluster.createDatabase();
    // Every instance needs the same relay.key (it keys the duplicate check): made once, here.
    loadServerKey(dataDir);
    const keys = generateChannelKeyPair();
    const store = await PgRelayStore.open(databaseUrl);
    channel = {
      ...(await addChannel(store, 'acme', keys.publicKeyPem, 'http://placeholder')),
      privateKeyPem: keys.privateKeyPem,
    };
    await store.close();
    instances.push(
      ...(await Promise.all([startInstance(dataDir, databaseUrl, 0), startInstance(dataDir, databaseUrl, 0)])),
    );
  }, 60_000);
  afterAll(async () => {
    for (const i of instances) await killed(i.child);
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const hookPath = (): string => new URL(channel.callbackBaseUrl).pathname;

  it('wakes a long-poll on one instance when the other stores a callback', async () => {
    const [a, b] = instances as [Instance, Instance];
    const { cursor } = await pull(a.url, channel.pullToken, '?after=0');
    const parked = pull(a.url, channel.pullToken, `?after=${cursor}&wait=30`);
    // Post only once the poll is parked on A, so this proves the wake-up from B.
    await expect
      .poll(async () => (await (await request(`${a.url}/metrics`)).body.text()).includes('relay_longpolls_waiting 1'), {
        timeout: 5000,
      })
      .toBe(true);
    const sent = performance.now();
    expect((await post(`${b.url}${hookPath()}/stk`, '{"woke":"across"}')).status).toBe(200);
    const page = await parked;
    expect(performance.now() - sent).toBeLessThan(2000);
    expect(page.events.map((e) => openEvent(channel, e).body)).toEqual(['{"woke":"across"}']);
  });

  it(
    'delivers every callback answered 200, once, in seq order, across a SIGKILL and a database restart',
    { timeout: 120_000 },
    async () => {
      const ports = instances.map((i) => Number(new URL(i.url).port));
      const pools = instances.map((i) => new Pool(i.url, { connections: CONCURRENCY, pipelining: 1 }));
      const answered = new Set<number>();
      /** While set, requests wait (the database is being restarted between requests). */
      let gate: Promise<void> | undefined;
      let inFlight = 0;
      let killedOnce = false;
      let restartedDb = false;
      let turn = 0;

      async function killAndRestart(): Promise<void> {
        const victim = instances[0]!;
        await killed(victim.child);
        instances[0] = await startInstance(dataDir, databaseUrl, ports[0]!);
        await pools[0]!.close().catch(() => undefined);
        pools[0] = new Pool(instances[0].url, { connections: CONCURRENCY, pipelining: 1 });
      }

      async function restartDatabase(): Promise<void> {
        await pending[0]; // the killed instance is back first: one fault at a time
        let open!: () => void;
        gate = new Promise((resolve) => (open = resolve));
        while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
        await cluster.restart();
        gate = undefined;
        open();
      }

      const pending: Array<Promise<void>> = [];
      const queue = Array.from({ length: TOTAL }, (_, i) => i);
      async function worker(): Promise<void> {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
          const body = JSON.stringify({ Result: { ConversationID: `AG_${n}`, n, ResultCode: 0 } });
          for (;;) {
            while (gate) await gate;
            const which = turn++ % 2;
            inFlight++;
            try {
              const res = await pools[which]!.request({
                path: `${hookPath()}/b2c-result`,
                method: 'POST',
                body,
                headers: { 'content-type': 'application/json' },
              });
              const text = await res.body.text();
              if (res.statusCode === 200) {
                expect(JSON.parse(text)).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
                answered.add(n);
                if (!killedOnce && answered.size >= TOTAL / 3) {
                  killedOnce = true;
                  pending.push(killAndRestart());
                }
                if (!restartedDb && answered.size >= (2 * TOTAL) / 3) {
                  restartedDb = true;
                  pending.push(restartDatabase());
                }
                break;
              }
            } catch {
              // Refused or reset by the kill: the proxy (or Daraja) tries again.
            } finally {
              inFlight--;
            }
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await Promise.all(pending);
      await Promise.all(pools.map((p) => p.close()));
      expect(answered.size).toBe(TOTAL);
      expect([killedOnce, restartedDb]).toEqual([true, true]);

      // Read back through either instance, alternating, as a desktop behind the round-robin would.
      const delivered: number[] = [];
      const seqs: number[] = [];
      let page = 0;
      for (let after = '0'; ; page++) {
        const via = instances[page % 2]!.url;
        const got = await pull(via, channel.pullToken, `?after=${after}&limit=1000`);
        expect(got.status).toBe(200);
        if (got.events.length === 0) break;
        for (const event of got.events) {
          seqs.push(Number(event.cursor.split('.')[0]));
          const body = JSON.parse(openEvent(channel, event).body) as { Result?: { n: number } };
          if (body.Result) delivered.push(body.Result.n);
        }
        after = got.cursor;
      }
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(delivered).toHaveLength(TOTAL);
      expect(new Set(delivered).size).toBe(TOTAL);
      expect([...answered].filter((n) => !delivered.includes(n))).toEqual([]);
    },
  );
});
