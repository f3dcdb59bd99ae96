// Test rig for the relay client: the real relay in this process, a channel with a fresh key pair,
// a real profile database, Daraja-like callback posts, and a small HTTP proxy between desktop and
// relay that shows each pull (the signal tests wait on) and can lose acknowledgements or go down.
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { generateChannelKeyPair } from '../../../../src/relay-server/sealing';
import { startRelay, type RunningRelay } from '../../../../src/relay-server/server';
import type { ChannelCredentials } from '../../../../src/relay-server/channels';

export interface TestRelay {
  relay: RunningRelay;
  channel: ChannelCredentials;
  privateKeyPem: string;
  publicKeyPem: string;
}

export async function startTestRelay(
  dataDir: string,
  name = 'acme-payroll',
  extra: { adminToken?: string } = {},
): Promise<TestRelay> {
  const relay = await startRelay({
    dataDir,
    port: 0,
    allowlist: null,
    rateLimit: { hooksPerMinute: null, pullPerMinute: null },
    ...extra,
  });
  const keys = generateChannelKeyPair();
  const channel = await relay.addChannel(name, keys.publicKeyPem);
  return { relay, channel, ...keys };
}

/** The sequence number in a relay cursor (`<seq>.<tag>`), as text; null for no cursor. */
export function seqOf(cursor: unknown): string | null {
  return typeof cursor === 'string' ? (cursor.split('.')[0] ?? null) : null;
}

/** A B2C result body unique to `n`, as Daraja posts it. */
export function b2cResultBody(n: number): string {
  return JSON.stringify({
    Result: {
      ResultType: 0,
      ResultCode: 0,
      ResultDesc: 'The service request is processed successfully.',
      OriginatorConversationID: `mshahara-${n}`,
      ConversationID: `AG_20261121_${String(n).padStart(8, '0')}`,
      TransactionID: `TKL${String(n).padStart(7, '0')}`,
    },
  });
}

/** Posts one callback as Daraja would; resolves with the relay's HTTP status. */
export async function postCallback(callbackBaseUrl: string, kind: string, body: string): Promise<number> {
  const response = await request(`${callbackBaseUrl}/${kind}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await response.body.dump();
  return response.statusCode;
}

/** Posts `count` distinct B2C results, `concurrency` at a time; every one must be answered 200. */
export async function postMany(callbackBaseUrl: string, from: number, count: number, concurrency = 20): Promise<void> {
  let next = from;
  const end = from + count;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const n = next++;
      const status = await postCallback(callbackBaseUrl, 'b2c-result', b2cResultBody(n));
      if (status !== 200) throw new Error(`callback ${n} answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface DesktopProxy {
  url: string;
  seen: SeenRequest[];
  /** This many acknowledgements are lost on the way: the connection drops before the relay sees them. */
  loseAcks: number;
  /** While true, every request is answered 503, as a relay behind a proxy that is restarting. */
  down: boolean;
  /** Resolves at the first request (already seen or future) that matches. */
  waitFor(match: (seen: SeenRequest) => boolean): Promise<SeenRequest>;
  close(): Promise<void>;
}

export async function startDesktopProxy(upstream: string): Promise<DesktopProxy> {
  const target = new URL(upstream);
  const waiting = new Set<{ match: (seen: SeenRequest) => boolean; resolve: (seen: SeenRequest) => void }>();
  const proxy: DesktopProxy = {
    url: '',
    seen: [],
    loseAcks: 0,
    down: false,
    waitFor(match) {
      const found = proxy.seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiting.add({ match, resolve }));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((incoming, outgoing) => {
    const url = new URL(incoming.url ?? '/', 'http://proxy');
    const seen: SeenRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams };
    proxy.seen.push(seen);
    for (const waiter of [...waiting]) {
      if (waiter.match(seen)) {
        waiting.delete(waiter);
        waiter.resolve(seen);
      }
    }
    if (proxy.down) {
      incoming.resume();
      outgoing.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"relay restarting"}');
      return;
    }
    if (seen.path === '/v1/ack' && proxy.loseAcks > 0) {
      proxy.loseAcks -= 1;
      incoming.resume();
      outgoing.destroy();
      return;
    }
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer: IncomingMessage) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    outgoing.on('close', () => forwarded.destroy());
    incoming.pipe(forwarded);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Long-polls hold connections open; close() must not wait for them.
  const close = proxy.close;
  proxy.close = async () => {
    server.closeAllConnections();
    await close();
  };
  return proxy;
}

/** Resolves once listeners have been told about `count` new inbox ids in all. */
export function storedCount(
  onStored: (listener: (ids: number[]) => void) => () => void,
  count: number,
): Promise<number[]> {
  const all: number[] = [];
  return new Promise((resolve) => {
    const unsubscribe = onStored((ids) => {
      all.push(...ids);
      if (all.length >= count) {
        unsubscribe();
        resolve(all);
      }
    });
  });
}
