// Desktop → relay: GET /v1/events (long-poll), POST /v1/ack, and the one-step channel
// registration POST /v1/channels. Each desktop sees only its own channel's events.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addChannel, ChannelError, channelForToken, matchesHash, sha256 } from './channels';
import { refuse } from './hooks';
import type { RelayMetrics } from './metrics';
import type { ChannelRecord, RelayStore } from './store';

export const MAX_WAIT_SECONDS = 60;
export const DEFAULT_LIMIT = 500;
const MAX_LIMIT = 1000;

/** Long-polls waiting for a channel; woken when an event for it is committed. */
export class Waiters {
  readonly #byChannel = new Map<string, Set<() => void>>();
  /** Bumped on every wake, so an event stored between a poll's query and its wait is not missed. */
  readonly #versions = new Map<string, number>();

  version(channel: string): number {
    return this.#versions.get(channel) ?? 0;
  }

  /** Waits for a wake after `since` (a version read before querying), the timeout, or the abort. */
  wait(channel: string, since: number, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.version(channel) !== since || signal.aborted) return resolve();
      let set = this.#byChannel.get(channel);
      if (!set) this.#byChannel.set(channel, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.#byChannel.get(channel) === set) this.#byChannel.delete(channel);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      set.add(done);
    });
  }

  get size(): number {
    let n = 0;
    for (const set of this.#byChannel.values()) n += set.size;
    return n;
  }

  wake(channel: string): void {
    this.#versions.set(channel, this.version(channel) + 1);
    const set = this.#byChannel.get(channel);
    if (set) for (const done of [...set]) done();
  }

  wakeAll(): void {
    for (const channel of [...this.#byChannel.keys()]) this.wake(channel);
  }
}

export interface PullContext {
  store: RelayStore;
  metrics: RelayMetrics;
  waiters: Waiters;
  pullPerMinute: number | null;
  adminToken: string | null;
  publicUrl: () => string;
  isClosing: () => boolean;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/.exec(header) : null;
  return match?.[1];
}

function parseCursor(value: unknown): number | undefined {
  if (value === undefined || value === '') return 0;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

function parseBounded(value: unknown, fallback: number, max: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value)) return undefined;
  return Math.min(Number(value), max);
}

export function registerPull(app: FastifyInstance, ctx: PullContext): void {
  const config = ctx.pullPerMinute === null ? {} : { rateLimit: { max: ctx.pullPerMinute, timeWindow: 60_000 } };

  async function authorise(request: FastifyRequest, reply: FastifyReply): Promise<ChannelRecord | undefined> {
    const token = bearer(request);
    const channel = token === undefined ? undefined : await channelForToken(ctx.store, token);
    if (!channel) refuse(reply, ctx.metrics, 401, 'unauthorised', 'missing or wrong pull token');
    return channel;
  }

  app.get<{ Querystring: Record<string, string | undefined> }>('/v1/events', { config }, async (request, reply) => {
    const channel = await authorise(request, reply);
    if (!channel) return reply;
    let after = parseCursor(request.query.after);
    const wait = parseBounded(request.query.wait, 0, MAX_WAIT_SECONDS);
    const limit = parseBounded(request.query.limit, DEFAULT_LIMIT, MAX_LIMIT);
    if (after === undefined || wait === undefined || limit === undefined || limit < 1) {
      return refuse(reply, ctx.metrics, 400, 'bad-request', 'after, wait and limit must be whole numbers');
    }
    const since = ctx.waiters.version(channel.id);
    let events = await ctx.store.eventsAfter(channel.id, after, limit);
    if (events.length === 0 && after > (await ctx.store.highestSeq())) {
      // A cursor this relay never gave out: its database was replaced or restored from a backup
      // since. Everything it holds is handed out again; the desktop keeps each event id only once.
      request.log.warn({ channel: channel.id }, 'pull cursor ahead of this relay; delivering from the start');
      after = 0;
      events = await ctx.store.eventsAfter(channel.id, after, limit);
    }
    if (events.length === 0 && wait > 0 && !ctx.isClosing()) {
      const gone = new AbortController();
      const onClose = (): void => gone.abort();
      request.raw.once('close', onClose);
      await ctx.waiters.wait(channel.id, since, wait * 1000, gone.signal);
      request.raw.off('close', onClose);
      if (gone.signal.aborted) return reply;
      events = await ctx.store.eventsAfter(channel.id, after, limit);
    }
    const last = events.at(-1);
    // The sealed text is our own JSON, spliced in as is rather than parsed and re-serialised.
    const items = events.map((e) => `{"id":${JSON.stringify(e.id)},"cursor":"${e.seq}","sealed":${e.sealed}}`);
    const body = `{"events":[${items.join(',')}],"cursor":"${last ? last.seq : after}"}`;
    return reply.type('application/json').send(body);
  });

  app.post<{ Body: { value: unknown } | undefined }>('/v1/ack', { config }, async (request, reply) => {
    const channel = await authorise(request, reply);
    if (!channel) return reply;
    const body = request.body?.value as { upTo?: unknown } | undefined;
    const upTo = parseCursor(body?.upTo ?? '');
    if (upTo === undefined || body?.upTo === undefined) return refuse(reply, ctx.metrics, 400, 'bad-request', 'upTo must be a cursor');
    const acknowledged = await ctx.store.acknowledge(channel.id, upTo, Date.now());
    ctx.metrics.delivered.inc(acknowledged);
    return reply.send({ acknowledged });
  });

  app.post<{ Body: { value: unknown } | undefined }>('/v1/channels', { config }, async (request, reply) => {
    const token = bearer(request);
    if (ctx.adminToken === null || token === undefined || !matchesHash(token, sha256(ctx.adminToken))) {
      return refuse(reply, ctx.metrics, 401, 'unauthorised', 'missing or wrong admin token');
    }
    const body = request.body?.value as { name?: unknown; publicKey?: unknown } | undefined;
    if (typeof body?.name !== 'string' || typeof body.publicKey !== 'string') {
      return refuse(reply, ctx.metrics, 400, 'bad-request', 'name and publicKey are required');
    }
    try {
      return reply.code(201).send(await addChannel(ctx.store, body.name, body.publicKey, ctx.publicUrl()));
    } catch (error) {
      if (!(error instanceof ChannelError)) throw error;
      return refuse(reply, ctx.metrics, error.reason === 'exists' ? 409 : 400, 'bad-request', error.message);
    }
  });
}
