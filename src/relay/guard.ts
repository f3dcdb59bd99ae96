// What keeps one misbehaving address from wearing the relay down on the open internet: a cap on
// its open connections, a count of its refused requests, and closing a refused request's
// connection instead of reading the body it announced.
import type { Server, Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { RelayMetrics } from './metrics';

export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * Open connections per source address. Over the cap a new connection is closed as soon as it is
 * accepted, so one address cannot take the descriptors real callbacks need. Trusted proxies are
 * exempt: every request through them shares their address (the proxy caps its own clients).
 */
export function capConnections(server: Server, perAddress: number, exempt: ReadonlySet<string>, metrics: RelayMetrics, log: Logger): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = normaliseIp(socket.remoteAddress ?? '');
    if (exempt.has(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > perAddress) {
      metrics.connectionsRefused.inc({ reason: 'per-address-cap' });
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  // An accept that fails (descriptors exhausted) would otherwise pass unseen: Daraja does not retry.
  let lastLogged = 0;
  server.on('error', (error: NodeJS.ErrnoException) => {
    metrics.acceptErrors.inc({ code: error.code ?? 'unknown' });
    const now = Date.now();
    if (now - lastLogged >= 1000) {
      lastLogged = now;
      log.error({ err: error, code: error.code }, 'accepting a connection failed');
    }
  });
  server.on('dropRequest', () => metrics.connectionsRefused.inc({ reason: 'max-connections' }));
}

/**
 * Refused requests per address per minute. Every refusal counts; past `max` in a minute the
 * address's refused requests are answered 429 instead. Requests that pass the checks are never
 * counted or limited here: Daraja's results on a valid channel must not be refused for volume.
 */
export class RefusalCounter {
  readonly #max: number | null;
  #window = 0;
  #counts = new Map<string, number>();

  constructor(maxPerMinute: number | null) {
    this.#max = maxPerMinute;
  }

  /** Counts one refusal; true when the address is past its limit. */
  count(address: string): boolean {
    const window = Math.floor(Date.now() / 60_000);
    if (window !== this.#window) {
      this.#window = window;
      this.#counts = new Map();
    }
    const n = (this.#counts.get(address) ?? 0) + 1;
    this.#counts.set(address, n);
    return this.#max !== null && n > this.#max;
  }
}

/**
 * A refusal answered before the body was read: the connection is closed after the answer instead of
 * draining a body its sender may trickle for ever. Whatever already arrived is discarded.
 */
export function closeAfter(reply: FastifyReply): void {
  reply.header('connection', 'close');
}
