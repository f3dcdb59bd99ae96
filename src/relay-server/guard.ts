// What keeps one misbehaving address from wearing the relay down on the open internet: a cap on
// its open connections, a count of its refused requests, and closing a refused request's
// connection instead of reading the body it announced.
import { readFileSync } from 'node:fs';
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
export function capConnections(
  server: Server,
  perAddress: number,
  exempt: ReadonlySet<string>,
  metrics: RelayMetrics,
  log: Logger,
): void {
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
  // Connections turned away would otherwise go unseen, and Daraja does not retry: said at most once
  // a second, with how many since the last time.
  let lastLogged = 0;
  let unlogged = 0;
  const sayOnce = (message: string, fields: Record<string, unknown>): void => {
    unlogged++;
    const now = Date.now();
    if (now - lastLogged < 1000) return;
    lastLogged = now;
    log.error({ ...fields, connections: unlogged }, message);
    unlogged = 0;
  };
  // At server.maxConnections (kept below the descriptor limit) Node closes new connections itself.
  server.on('drop', () => {
    metrics.connectionsRefused.inc({ reason: 'max-connections' });
    sayOnce('accepting a connection failed: at the maximum of open connections; refused', {
      maxConnections: server.maxConnections,
    });
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    metrics.acceptErrors.inc({ code: error.code ?? 'unknown' });
    sayOnce('accepting a connection failed', { err: error, code: error.code });
  });
}

/**
 * How many connections the relay may hold: the soft limit on open files, less what the relay needs
 * for itself (its database, its writer thread, its logs). Past it, accepts would fail with EMFILE,
 * which libuv absorbs by closing the connection unseen; below it, Node refuses and the relay logs it.
 */
export function connectionBudget(configured: number | undefined): number {
  let soft = Infinity;
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (line?.[1] && line[1] !== 'unlimited') soft = Number(line[1]);
  } catch {
    // Not Linux: the configured figure (or the default) stands.
  }
  const fromLimit = Number.isFinite(soft) ? Math.max(8, soft - Math.max(48, Math.floor(soft / 8))) : Infinity;
  return Math.min(configured ?? 10_000, fromLimit);
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
    // Memory stays bounded however many addresses an attacker has (IPv6 gives plenty): past
    // 100,000 in a minute, new ones share one count, which reaches its limit quickly.
    if (!this.#counts.has(address) && this.#counts.size >= 100_000) address = '*';
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
