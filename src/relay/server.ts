// The companion relay (DESIGN §5): startRelay() runs it in this process — for `relay serve`, for
// tests, and for demo mode on loopback — with its store, metrics, rate limits, logging and pruning.
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import safaricomIps from '../../resources/safaricom-callback-ips.json';
import { logger as areaLogger } from '../main/log';
import { addChannel, matchesHash, sha256, type ChannelCredentials } from './channels';
import { normaliseIp, refuse, registerHooks } from './hooks';
import { createMetrics } from './metrics';
import { registerPull, Waiters } from './pull';
import { loadServerKey } from './server-key';
import { SqliteRelayStore } from './sqlite-store';
import type { RelayStore } from './store';

export const BODY_LIMIT = 64 * 1024;
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
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
  /** When set, GET /metrics needs it as a bearer token (callback volumes are business information). */
  metricsToken?: string | null;
  retentionMs?: number;
  pruneIntervalMs?: number;
  /** Per-IP requests per minute; null turns a limit off. */
  rateLimit?: { hooksPerMinute: number | null; pullPerMinute: number | null };
  /** 'group' batches concurrent commits (default); 'each' commits per request (the benchmark baseline). */
  commit?: 'group' | 'each';
  logger?: Logger;
  /** A store other than the embedded SQLite one. */
  store?: RelayStore;
}

export interface RunningRelay {
  /** Where the relay listens, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  publicUrl: string;
  store: RelayStore;
  addChannel(name: string, publicKeyPem: string): Promise<ChannelCredentials>;
  /** Runs retention pruning now; returns how many events were deleted. */
  prune(): Promise<number>;
  /** Long-polls parked right now (tests wait on it instead of sleeping). */
  waiting(): number;
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
  const log = options.logger ?? areaLogger('relay');
  // The pending gauge reads the store; the store reports commits to the metrics: tie them late.
  let storeRef: RelayStore | undefined;
  const metrics = createMetrics({ pendingCount: () => (storeRef ? storeRef.pendingCount() : Promise.resolve(0)) });
  const store = (storeRef =
    options.store ??
    new SqliteRelayStore(options.dataDir, {
      commit: options.commit ?? 'group',
      onCommit: (appends, seconds) => {
        metrics.commitSize.observe(appends);
        metrics.commitSeconds.observe(seconds);
      },
    }));
  const serverKey = loadServerKey(options.dataDir);
  const waiters = new Waiters();
  const limits = options.rateLimit ?? { hooksPerMinute: 3000, pullPerMinute: 600 };
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  let closing = false;
  let publicUrl = options.publicUrl ?? '';

  const app: FastifyInstance = Fastify({
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
    loggerInstance: log.child({}, {
      // Only method, redacted path and address: never headers (tokens) or bodies.
      serializers: { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }) },
    }),
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
    if (status === 413 || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return refuse(reply, metrics, 413, 'too-large', 'body larger than 64 KiB');
    if (status === 415 || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return refuse(reply, metrics, 415, 'content-type', 'content type must be application/json');
    if (status === 429) return refuse(reply, metrics, 429, 'rate-limited', 'too many requests');
    if (status === 400) return refuse(reply, metrics, 400, 'not-json', 'body must be JSON');
    if (status < 500) return refuse(reply, metrics, status, 'bad-request', 'bad request');
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
  registerHooks(app, { store, metrics, serverKey, allowlist, hooksPerMinute: limits.hooksPerMinute, onStored: (channel) => waiters.wake(channel) });
  registerPull(app, {
    store,
    metrics,
    waiters,
    pullPerMinute: limits.pullPerMinute,
    adminToken: options.adminToken ?? null,
    publicUrl: () => publicUrl,
    isClosing: () => closing,
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const metricsToken = options.metricsToken || null;
  app.get('/metrics', async (request, reply) => {
    if (metricsToken !== null && !matchesHash(/^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '', sha256(metricsToken))) {
      return refuse(reply, metrics, 401, 'unauthorised', 'missing or wrong metrics token');
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
  const pruneTimer = setInterval(() => void prune().catch((err: unknown) => log.error({ err }, 'pruning failed')), options.pruneIntervalMs ?? 3600_000);
  pruneTimer.unref();

  log.info({ address, publicUrl, allowlist: allowlist ? allowlist.size : 'off', tls: Boolean(options.tls) }, 'relay listening');

  return {
    url: address,
    port,
    publicUrl,
    store,
    addChannel: (name, publicKeyPem) => addChannel(store, name, publicKeyPem, publicUrl),
    prune,
    waiting: () => waiters.size,
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
