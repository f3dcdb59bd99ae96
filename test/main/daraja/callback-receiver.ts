// A test receiver for Daraja's asynchronous results: a real HTTP server on 127.0.0.1:0 that keeps
// every POSTed body and lets a test wait for the one it expects (a signal, not a sleep).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  path: string;
  body: unknown;
}

export interface CallbackReceiver {
  url(path: string): string;
  received: ReceivedCallback[];
  /** Resolves with the first callback (past or future) on `path` that `match` accepts. */
  waitFor(path: string, match?: (body: unknown) => boolean): Promise<ReceivedCallback>;
  close(): Promise<void>;
}

export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const waiters: Array<{ path: string; match: (body: unknown) => boolean; resolve: (c: ReceivedCallback) => void }> =
    [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      const callback = { path: request.url ?? '', body };
      received.push(callback);
      for (const waiter of [...waiters]) {
        if (waiter.path === callback.path && waiter.match(body)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(callback);
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ResultCode":0,"ResultDesc":"Accepted"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    waitFor: (path, match = () => true) => {
      const found = received.find((c) => c.path === path && match(c.body));
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ path, match, resolve }));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The `Result` document of a B2C/Balance/Status/Reversal callback, loosely typed for assertions. */
export function resultOf(
  body: unknown,
): Record<string, unknown> & { ResultCode: number | string; OriginatorConversationID: string } {
  return (
    body as { Result: Record<string, unknown> & { ResultCode: number | string; OriginatorConversationID: string } }
  ).Result;
}

/** The ResultParameters of a result as a key → value map (order is not fixed, REFERENCE §2.4). */
export function parametersOf(body: unknown): Record<string, unknown> {
  const list =
    (resultOf(body).ResultParameters as { ResultParameter?: Array<{ Key: string; Value?: unknown }> } | undefined)
      ?.ResultParameter ?? [];
  return Object.fromEntries(list.map((p) => [p.Key, p.Value]));
}
