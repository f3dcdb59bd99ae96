// The relay in a child process is SIGKILLed at random moments during a burst of 5,000 callbacks;
// every callback it answered 200 must be delivered after restart, and each exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../src/relay-server/channels';
import { generateChannelKeyPair } from '../../src/relay-server/sealing';
import { SqliteRelayStore } from '../../src/relay-server/sqlite-store';
import { openEvent, pull } from './helpers';

const root = join(import.meta.dirname, '../..');
const TOTAL = 5000;
const CONCURRENCY = 50;

/** Starts `relay serve` and resolves with its URL once it logs that it listens. */
function startChild(dataDir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  // node --import tsx, not the tsx wrapper: SIGKILL must hit the relay itself, not a parent of it.
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
    ],
    {
      env: { ...process.env, RELAY_RATE_HOOKS: '0', RELAY_RATE_PULL: '0', RELAY_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
    },
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
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

describe('durability under SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-durable-'));
  let current: ChildProcess | undefined;
  afterAll(async () => {
    if (current) await killed(current);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every callback answered 200, once, across three crashes', { timeout: 60_000 }, async () => {
    const keys = generateChannelKeyPair();
    const setupStore = new SqliteRelayStore(dataDir);
    const channel = {
      ...(await addChannel(setupStore, 'acme', keys.publicKeyPem, 'http://placeholder')),
      privateKeyPem: keys.privateKeyPem,
    };
    await setupStore.close();
    const hookPath = new URL(channel.callbackBaseUrl).pathname;

    const first = await startChild(dataDir, 0);
    const url = first.url;
    let child = first.child;
    current = child;
    const port = Number(new URL(url).port);
    const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1 });

    // Kill points: three random moments, as counts of answered callbacks.
    const killAt = [1, 2, 3].map(() => 300 + Math.floor(Math.random() * (TOTAL - 600))).sort((a, b) => a - b);
    const answered = new Set<number>();
    let up: Promise<void> = Promise.resolve();
    let restarting = false;

    async function crashAndRestart(): Promise<void> {
      restarting = true;
      let markUp!: () => void;
      up = new Promise((resolve) => (markUp = resolve));
      await killed(child);
      ({ child } = await startChild(dataDir, port));
      current = child;
      restarting = false;
      markUp();
    }

    const queue = Array.from({ length: TOTAL }, (_, i) => i);
    async function worker(): Promise<void> {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const body = JSON.stringify({ Result: { ConversationID: `AG_${n}`, n, ResultCode: 0 } });
        for (;;) {
          await up;
          try {
            const res = await pool.request({
              path: `${hookPath}/b2c-result`,
              method: 'POST',
              body,
              headers: { 'content-type': 'application/json' },
            });
            const text = await res.body.text();
            if (res.statusCode === 200) {
              expect(JSON.parse(text)).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
              answered.add(n);
              if (killAt.length > 0 && answered.size >= killAt[0]! && !restarting) {
                killAt.shift();
                void crashAndRestart();
              }
              break;
            }
          } catch {
            // Connection refused or reset by the kill: Daraja would retry; so do we, once it is back.
          }
          if (!restarting) await new Promise((r) => setImmediate(r));
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await up;
    await pool.close();
    expect(answered.size).toBe(TOTAL);
    expect(killAt).toEqual([]); // all three crashes happened

    const delivered: number[] = [];
    for (let after = '0'; ;) {
      const page = await pull(url, channel.pullToken, `?after=${after}&limit=1000`);
      expect(page.status).toBe(200);
      if (page.events.length === 0) break;
      for (const event of page.events) {
        const plain = openEvent(channel, event);
        delivered.push((JSON.parse(plain.body) as { Result: { n: number } }).Result.n);
      }
      after = page.cursor;
    }
    expect(delivered).toHaveLength(TOTAL);
    const deliveredSet = new Set(delivered);
    expect(deliveredSet.size).toBe(TOTAL); // each exactly once
    expect([...answered].filter((n) => !deliveredSet.has(n))).toEqual([]);
  });
});
