// The loopback callback route: a small HTTP server on 127.0.0.1 that Daraja's stand-in (the
// simulator, in demo mode and tests) posts results to. Until a relay is set up this is how callbacks
// reach the inbox; it stores before it answers, exactly like the relay does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callbackKinds, type CallbackKind } from '../daraja/callbacks';
import type { ProfileDatabase } from '../db';
import { logger } from '../log';
import { CallbackListeners, type CallbackListener, type CallbackSource } from './inbox/source';
import { storeCallbacks } from './inbox/store';

/** Larger bodies are refused before they are read: real callbacks are a few KiB. */
export const loopbackBodyLimitBytes = 1024 * 1024;

const log = logger('inbox');
const accepted = JSON.stringify({ ResultCode: 0, ResultDesc: 'Accepted' });

export class LoopbackReceiver implements CallbackSource {
  readonly #listeners = new CallbackListeners();
  #server: Server | null = null;
  #port = 0;

  constructor(
    private readonly db: ProfileDatabase,
    private readonly options: { host?: string; port?: number } = {},
  ) {}

  async start(): Promise<void> {
    if (this.#server) return;
    const server = createServer((request, response) => void this.#handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  callbackUrl(kind: CallbackKind): string {
    if (!this.#server) throw new Error('The loopback receiver is not started');
    return `http://127.0.0.1:${this.#port}/hooks/${kind}`;
  }

  onStored(listener: CallbackListener): () => void {
    return this.#listeners.add(listener);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const answer = (status: number, body: string): void => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    };
    const match = /^\/hooks\/([a-z0-9-]+)\/?$/.exec(new URL(request.url ?? '/', 'http://loopback').pathname);
    const kind = match?.[1] as CallbackKind | undefined;
    if (kind === undefined || !callbackKinds.includes(kind)) {
      request.resume();
      return answer(404, JSON.stringify({ error: 'not found' }));
    }
    if (request.method !== 'POST') {
      request.resume();
      return answer(405, JSON.stringify({ error: 'method not allowed' }));
    }
    const body = await readBody(request).catch(() => undefined);
    if (body === undefined) return void response.destroy();
    if (body === null) {
      // Read no further; the connection is closed so the sender stops uploading.
      response.setHeader('connection', 'close');
      return answer(413, JSON.stringify({ error: 'body too large' }));
    }
    let ids: number[];
    try {
      ids = storeCallbacks(this.db, [
        {
          eventId: null,
          kind,
          receivedAt: new Date(),
          source: 'loopback',
          sourceIp: request.socket.remoteAddress ?? null,
          headers: headersOf(request),
          body,
        },
      ]);
    } catch (error) {
      // Not stored: a 5xx makes the sender try again rather than believe we have it.
      log.error({ kind, err: error instanceof Error ? error.message : String(error) }, 'callback not stored');
      return answer(500, JSON.stringify({ ResultCode: 1, ResultDesc: 'Not stored' }));
    }
    answer(200, accepted);
    this.#listeners.emit(ids);
  }
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > loopbackBodyLimitBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // Authorization-like headers never reach the database.
    if (value === undefined || /authorization|cookie/i.test(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
