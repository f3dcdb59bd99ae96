// The relay on the open internet, tried as an attacker would: bodies trickled behind a refused
// callback, acknowledgements that announce 64 KiB without a token, a flood of idle connections from
// one address, and a relay out of file descriptors. Throughout, real callbacks are stored and
// answered; connections and memory stay bounded.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChannel } from '../../src/relay-server/channels';
import { generateChannelKeyPair } from '../../src/relay-server/sealing';
import { SqliteRelayStore } from '../../src/relay-server/sqlite-store';
import { post, startTestRelay, storedCount, type TestChannel, type TestRelay } from './helpers';

interface RawConnection {
  socket: Socket;
  /** Everything the relay sent. */
  received(): string;
  /** Resolves with ms from opening when the relay closed the connection. */
  closed: Promise<number>;
  isClosed(): boolean;
}

/** A raw TCP connection to the relay from `localAddress` (any 127.x address reaches it on Linux). */
function open(url: string, localAddress: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: hostname, port: Number(port), localAddress });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    let isClosed = false;
    const closed = new Promise<number>((done) =>
      socket.once('close', () => {
        isClosed = true;
        done(performance.now() - started);
      }),
    );
    socket.once('connect', () => resolve({ socket, received: () => text, closed, isClosed: () => isClosed }));
    socket.once('error', reject);
  });
}

function head(method: string, path: string, headers: Record<string, string | number>): string {
  return `${method} ${path} HTTP/1.1\r\nHost: relay\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

/** Sends one byte every `ms` until the socket closes. */
function trickle(connection: RawConnection, ms: number): void {
  const timer = setInterval(() => {
    if (connection.socket.destroyed) clearInterval(timer);
    else connection.socket.write('x');
  }, ms);
  void connection.closed.then(() => clearInterval(timer));
}

const within = (ms: number, promise: Promise<number>): Promise<number> =>
  Promise.race([
    promise,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`not closed within ${ms} ms`)), ms)),
  ]);

describe('a relay under attack', () => {
  let t: TestRelay;
  let acme: TestChannel;
  let realSent = 0;
  const real = async (): Promise<number> =>
    (await post(`${acme.callbackBaseUrl}/b2c-result`, `{"real":${realSent++}}`)).status;

  beforeAll(async () => {
    t = await startTestRelay({ connections: { requestTimeoutMs: 3000, perAddress: 40 } });
    acme = await t.channel('acme');
  });
  afterAll(() => t.stop());

  it('answers refused callbacks announcing 1 GB at once and closes them, not waiting for the trickle', async () => {
    // 300 at once, from 10 addresses (each within the per-address cap).
    const attackers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => open(t.relay.url, `127.0.5.${1 + (i % 10)}`)),
    );
    const sentAt = performance.now();
    for (const a of attackers) {
      a.socket.write(
        head('POST', `/hooks/acme/${'0'.repeat(64)}/b2c-result`, {
          'content-type': 'application/json',
          'content-length': 1_000_000_000,
        }),
      );
      trickle(a, 50);
    }
    const answers = await Promise.all([1, 2, 3].map(() => real()));
    await Promise.all(attackers.map((a) => within(5000, a.closed)));
    const closedAfter = [performance.now() - sentAt];
    expect(answers).toEqual([200, 200, 200]);
    for (const a of attackers) expect(a.received()).toMatch(/^HTTP\/1\.1 404 /);
    // Closed as soon as answered, sooner than the request timeout (3 s) would have.
    expect(Math.max(...closedAfter)).toBeLessThan(2500);
    // None of the attackers' connections is left; at most the real sender's keep-alive ones.
    expect(await t.relay.connections()).toBeLessThanOrEqual(answers.length);
  });

  it('cuts off an authorised callback whose body is trickled, at the request timeout, storing nothing', async () => {
    const before = await storedCount(t.relay, 'acme');
    const slow = await open(t.relay.url, '127.0.0.2');
    slow.socket.write(
      head('POST', `${new URL(acme.callbackBaseUrl).pathname}/b2c-result`, {
        'content-type': 'application/json',
        'content-length': 1000,
      }),
    );
    slow.socket.write('{"slow":"');
    trickle(slow, 100);
    expect(await real()).toBe(200);
    const closedAfter = await within(7000, slow.closed);
    expect(closedAfter).toBeGreaterThan(2500);
    expect(await storedCount(t.relay, 'acme')).toBe(before + 1); // the real one only
  });

  it('refuses an acknowledgement without a valid token before reading its 64 KiB body', async () => {
    const pending = await t.relay.store.pendingCount();
    const attempts = await Promise.all(
      [undefined, 'f'.repeat(64)].map(async (token) => {
        const a = await open(t.relay.url, '127.0.0.2');
        // Headers only: a relay that reads the body first would wait here until the request timeout.
        a.socket.write(
          head('POST', '/v1/ack', {
            'content-type': 'application/json',
            'content-length': 65_536,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          }),
        );
        return { a, closedAfter: await within(1000, a.closed) };
      }),
    );
    for (const { a, closedAfter } of attempts) {
      expect(a.received()).toMatch(/^HTTP\/1\.1 401 /);
      expect(closedAfter).toBeLessThan(1000);
    }
    expect(await t.relay.store.pendingCount()).toBe(pending);
  });

  it(
    'holds at most its per-address cap of one address’s connections; health and callbacks carry on',
    { timeout: 30_000 },
    async () => {
      const flood = await Promise.all(
        Array.from({ length: 1000 }, () => open(t.relay.url, '127.0.0.3').catch(() => undefined)),
      );
      const held = flood.filter((c): c is RawConnection => c !== undefined);
      // Everything past the cap is closed as soon as it is accepted.
      await expect
        .poll(() => held.filter((c) => c.isClosed()).length, { timeout: 5000 })
        .toBeGreaterThanOrEqual(held.length - 40);
      expect(await t.relay.connections()).toBeLessThanOrEqual(40 + 5);
      const health = await request(`${t.relay.url}/healthz`);
      expect(await health.body.json()).toEqual({ status: 'ok' });
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => real()));
      expect(answers).toEqual([200, 200, 200, 200, 200]);
      const metrics = await (await request(`${t.relay.url}/metrics`)).body.text();
      // Mostly by the per-address cap; under a low descriptor limit some by the relay's maximum first.
      // A few of 1,000 simultaneous connects may be reset by the kernel's accept backlog instead.
      const refused = [...metrics.matchAll(/relay_connections_refused_total\{reason="[^"]+"\} (\d+)/g)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
      expect(refused).toBeGreaterThanOrEqual(900);
      expect(metrics).toMatch(/relay_connections_refused_total\{reason="per-address-cap"\} \d{3}/);
      for (const c of held) c.socket.destroy();
      // The cap's slots come back: the address can connect again once its connections closed.
      await expect.poll(() => t.relay.connections(), { timeout: 7000 }).toBeLessThanOrEqual(5);
      const again = await open(t.relay.url, '127.0.0.3');
      again.socket.write(head('GET', '/healthz', { connection: 'close' }));
      await within(2000, again.closed);
      expect(again.received()).toMatch(/^HTTP\/1\.1 200 /);
    },
  );
});

describe('a relay out of file descriptors', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-fds-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'refuses connections past what its descriptors allow, logs it, and serves again once they close',
    { timeout: 40_000 },
    async () => {
      const keys = generateChannelKeyPair();
      const store = new SqliteRelayStore(dataDir);
      const channel = await addChannel(store, 'acme', keys.publicKeyPem, 'http://placeholder');
      await store.close();
      const root = join(import.meta.dirname, '../..');
      // A low descriptor limit, reached with one connection per address (under the per-address cap).
      const child = spawn(
        'prlimit',
        [
          '--nofile=120:120',
          process.execPath,
          '--import',
          'tsx',
          join(root, 'src/relay-server/cli.ts'),
          'serve',
          '--data',
          dataDir,
          '--port',
          '0',
          '--host',
          '127.0.0.1',
          '--allowlist',
          'off',
        ],
        {
          cwd: root,
          env: { ...process.env, RELAY_LOG_LEVEL: 'info' },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const lines: string[] = [];
      try {
        const url = await new Promise<string>((resolve, reject) => {
          createInterface({ input: child.stdout! }).on('line', (line) => {
            lines.push(line);
            const entry = JSON.parse(line) as { msg?: string; address?: string };
            if (entry.msg === 'relay listening' && entry.address) resolve(entry.address);
          });
          child.once('exit', (code) => reject(new Error(`relay exited (${code})`)));
        });
        const held: RawConnection[] = [];
        for (let i = 0; i < 150; i++) {
          const c = await open(url, `127.0.2.${i + 1}`).catch(() => undefined);
          if (c) held.push(c);
        }
        await expect
          .poll(() => lines.some((l) => l.includes('accepting a connection failed')), { timeout: 5000 })
          .toBe(true);
        const entry = JSON.parse(lines.find((l) => l.includes('accepting a connection failed'))!) as { code?: string };
        expect(entry).toMatchObject({ level: 50, maxConnections: expect.any(Number) });
        for (const c of held) c.socket.destroy();
        await expect
          .poll(
            async () => {
              const res = await post(
                `${url}${new URL(channel.callbackBaseUrl).pathname}/b2c-result`,
                '{"after":"flood"}',
              ).catch(() => ({ status: 0 }));
              return res.status;
            },
            { timeout: 10_000 },
          )
          .toBe(200);
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});
