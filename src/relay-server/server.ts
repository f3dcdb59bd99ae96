// The companion relay (docs/relay.md#how-it-works): startRelay() runs it in this process — for `relay serve`, for
// tests, and for demo mode on loopback — with its store, metrics, rate limits, logging and pruning.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import safaricomIps from '../../resources/safaricom-callback-ips.json';
import { relayLogger } from './log';
import { addChannel, matchesHash, sha256, type ChannelCredentials } from './channels';
import { capConnections, connectionBudget, RefusalCounter } from './guard';
import { normaliseIp, refuser, registerHooks } from './hooks';
import { createMetrics } from './metrics';
import { openRelayStore, type StoreChoice } from './open-store';
import { MAX_WAIT_SECONDS, registerPull, Waiters } from './pull';
import { loadServerKey } from './server-key';
import type { RelayStore } from './store';

export const BODY_LIMIT = 64 * 1024;
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Connection limits for the open internet; every one has a default. */
export interface ConnectionLimits {
  /** Time to receive a whole request, headers and body (default 10 s): a trickled body is cut off. */
  requestTimeoutMs?: number;
  /** Time a connection may stay silent (default: the longest long-poll plus 15 s). */
  idleTimeoutMs?: number;
  /** Time an idle keep-alive connection is kept between requests (default 5 s). */
  keepAliveTimeoutMs?: number;
  /** Open connections per source address (default 64); trusted proxies and 127.0.0.1/::1 are exempt. */
  perAddress?: number;
  /** Open connections in all (default 10,000, and always below the process's file descriptor limit). */
  total?: number;
}
export const defaultAllowlist: readonly string[] = safaricomIps.ips;

export interface RelayOptions {
  /** Folder for relay.sqlite and relay.key. */
  dataDir: string;
  /** 0 lets the OS pick (tests, demo). */
  port: number;
  host?: string;
  /** PEM contents: serve HTTPS directly instead of behind a reverse proxy. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Proxies whose X-Forwarded-For is believed; nobody else's is. */
  trustProxy?: string[];
  /** Source addresses allowed to post callbacks; null/undefined = no check. */
  allowlist?: readonly string[] | null;
  /** The public HTTPS base Daraja reaches; defaults to the listening address. */
  publicUrl?: string;
  /** Enables POST /v1/channels. */
  adminToken?: string | null;
  /**
   * GET /metrics needs this bearer token (callback volumes are business information); without one it
   * is answered on loopback only (a scraper on the same host).
   */
  metricsToken?: string | null;
  retentionMs?: number;
  pruneIntervalMs?: number;
  /**
   * Per-address limits a minute; null turns one off. hooksPerMinute counts refused requests (wrong
   * secret, unknown channel, not on the allowlist, bad token…), never callbacks that pass the checks;
   * pullPerMinute counts a desktop's pulls and acknowledgements. Both are per relay instance.
   */
  rateLimit?: { hooksPerMinute: number | null; pullPerMinute: number | null };
  connections?: ConnectionLimits;
  /** 'group' batches concurrent commits (default); 'each' commits per request (the benchmark baseline). */
  commit?: 'group' | 'each';
  logger?: Logger;
  /** A store opened by the caller (it is closed with the relay). */
  store?: RelayStore;
  /** Otherwise the store to open: the embedded SQLite file in dataDir (default), or PostgreSQL. */
  storeChoice?: StoreChoice;
}

export interface RunningRelay {
  /** Where the relay listens, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  publicUrl: string;
  store: RelayStore;
  addChannel(name: string, publicKeyPem: string, owner?: string | null): Promise<ChannelCredentials>;
  /** Runs retention pruning now; returns how many events were deleted. */
  prune(): Promise<number>;
  /** Long-polls parked right now (tests wait on it instead of sleeping). */
  waiting(): number;
  /** Connections open right now. */
  connections(): Promise<number>;
  close(): Promise<void>;
}

/** /hooks/{channel}/{secret}/{kind} → the secret never reaches a log line. */
export function redactUrl(url: string): string {
  return url.replace(/^(\/hooks\/[^/]*\/)[^/?]*/, '$1[redacted]');
}

interface ParsedJson {
  raw: string;
  value: unknown;
}

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const log = options.logger ?? relayLogger();
  // The pending gauge reads the store; the store reports commits to the metrics: tie them late.
  let storeRef: RelayStore | undefined;
  const waiters = new Waiters();
  const metrics = createMetrics(
    {
      pendingCount: () => (storeRef ? storeRef.pendingCount() : Promise.resolve(0)),
      pendingByChannel: () => (storeRef ? storeRef.pendingByChannel() : Promise.resolve(new Map<string, number>())),
    },
    () => waiters.size,
  );
  const store = (storeRef =
    options.store ??
    (await openRelayStore(options.storeChoice ?? { kind: 'sqlite' }, options.dataDir, {
      commit: options.commit ?? 'group',
      onCommit: (appends, seconds) => {
        metrics.commitSize.observe(appends);
        metrics.commitSeconds.observe(seconds);
      },
      onError: (err, where) => log.warn({ err, where }, 'database connection lost; reconnecting'),
    })));
  const serverKey = loadServerKey(options.dataDir);
  // Other instances on the same database: their events wake this instance's long-polls.
  try {
    await store.watch?.({ stored: (channel) => waiters.wake(channel), resync: () => waiters.wakeAll() });
  } catch (error) {
    await store.close();
    throw error;
  }
  const limits = options.rateLimit ?? { hooksPerMinute: 3000, pullPerMinute: 600 };
  const refuse = refuser(metrics, new RefusalCounter(limits.hooksPerMinute));
  const connections = options.connections ?? {};
  const requestTimeout = connections.requestTimeoutMs ?? 10_000;
  const trusted = new Set((options.trustProxy ?? []).map(normaliseIp));
  const serverFactory = (handler: (req: IncomingMessage, res: ServerResponse) => void): Server => {
    const timeouts = {
      requestTimeout,
      headersTimeout: requestTimeout,
      keepAliveTimeout: connections.keepAliveTimeoutMs ?? 5000,
      // How often Node looks for requests past their timeout (its default, 30 s, lets one linger).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(requestTimeout / 4))),
    };
    const server = options.tls
      ? createHttpsServer({ ...timeouts, cert: options.tls.cert, key: options.tls.key }, handler)
      : createHttpServer(timeouts, handler);
    server.setTimeout(connections.idleTimeoutMs ?? (MAX_WAIT_SECONDS + 15) * 1000);
    server.maxConnections = connectionBudget(connections.total);
    // The host itself (its reverse proxy, the desktop's demo relay and simulator) is not capped.
    capConnections(server, connections.perAddress ?? 64, new Set([...trusted, '127.0.0.1', '::1']), metrics, log);
    return server;
  };
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  let closing = false;
  let publicUrl = options.publicUrl ?? '';

  const app: FastifyInstance = Fastify({
    serverFactory,
    loggerInstance: log.child(
      {},
      {
        // Only method, redacted path and address: never headers (tokens) or bodies.
        serializers: {
          req: (req: { method: string; url: string; ip?: string }) => ({
            method: req.method,
            url: redactUrl(req.url),
            ip: req.ip,
          }),
        },
      },
    ),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy : false,
    forceCloseConnections: true,
    return503OnClosing: true,
  }) as unknown as FastifyInstance;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    try {
      done(null, { raw: body as string, value: JSON.parse(body as string) as unknown } satisfies ParsedJson);
    } catch {
      done(Object.assign(new Error('body must be JSON'), { statusCode: 400, code: 'RELAY_NOT_JSON' }), undefined);
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return refuse(request, reply, 413, 'too-large', 'body larger than 64 KiB');
    if (status === 415 || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return refuse(request, reply, 415, 'content-type', 'content type must be application/json');
    if (status === 429) return refuse(request, reply, 429, 'rate-limited', 'too many requests');
    if (status === 400) return refuse(request, reply, 400, 'not-json', 'body must be JSON');
    if (status < 500) return refuse(request, reply, status, 'bad-request', 'bad request');
    request.log.error({ err: error, req: request }, 'relay request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not found' }));

  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request) => normaliseIp(request.ip),
    errorResponseBuilder: () => ({ statusCode: 429, error: 'too many requests' }),
  });

  const allowlist = options.allowlist ? new Set(options.allowlist.map(normaliseIp)) : null;
  registerHooks(app, { store, metrics, serverKey, allowlist, refuse, onStored: (channel) => waiters.wake(channel) });
  registerPull(app, {
    store,
    metrics,
    waiters,
    pullPerMinute: limits.pullPerMinute,
    adminToken: options.adminToken ?? null,
    publicUrl: () => publicUrl,
    refuse,
    isClosing: () => closing,
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const metricsToken = options.metricsToken || null;
  const loopback = new Set(['127.0.0.1', '::1']);
  app.get('/metrics', async (request, reply) => {
    if (
      metricsToken === null
        ? !loopback.has(normaliseIp(request.ip))
        : !matchesHash(/^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '', sha256(metricsToken))
    ) {
      return refuse(
        request,
        reply,
        401,
        'unauthorised',
        metricsToken === null
          ? 'metrics are served on loopback only unless RELAY_METRICS_TOKEN is set'
          : 'missing or wrong metrics token',
      );
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  let address: string;
  try {
    address = await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    // A port in use must not leave the database open behind a relay that never started.
    await app.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  const port = (app.server.address() as { port: number }).port;
  publicUrl ||= address;

  async function prune(): Promise<number> {
    const removed = await store.prune(Date.now() - retentionMs);
    if (removed > 0) log.info({ removed }, 'pruned acknowledged events past retention');
    return removed;
  }
  const pruneTimer = setInterval(
    () => void prune().catch((err: unknown) => log.error({ err }, 'pruning failed')),
    options.pruneIntervalMs ?? 3600_000,
  );
  pruneTimer.unref();

  log.info(
    { address, publicUrl, allowlist: allowlist ? allowlist.size : 'off', tls: Boolean(options.tls) },
    'relay listening',
  );

  return {
    url: address,
    port,
    publicUrl,
    store,
    addChannel: (name, publicKeyPem, owner) => addChannel(store, name, publicKeyPem, publicUrl, owner ?? null),
    prune,
    waiting: () => waiters.size,
    connections: () =>
      new Promise((resolve, reject) => app.server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(pruneTimer);
      waiters.wakeAll();
      await app.close();
      await store.close();
    },
  };
}
