// Desktop → relay: GET /v1/events (long-poll), POST /v1/ack, and the one-step channel
// registration POST /v1/channels. Each desktop sees only its own channel's events.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { addChannel, ChannelError, channelForToken, matchesHash, sha256 } from './channels';
import type { Refuse } from './hooks';
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
  refuse: Refuse;
  isClosing: () => boolean;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/.exec(header) : null;
  return match?.[1];
}

/**
 * A position in this relay's event sequence, as handed to desktops: `<seq>.<tag>`, the tag being the
 * start of the id of the event at `seq`. Opaque to the desktop; it lets the relay tell its own
 * cursors from those of a database it was restored over or replaced (where seqs repeat with other
 * events). A bare `<seq>` (and `0`, the start) is also accepted.
 */
interface Cursor {
  seq: number;
  tag: string | null;
}

const TAG_LENGTH = 16;

function parseCursor(value: unknown): Cursor | undefined {
  if (value === undefined || value === '') return { seq: 0, tag: null };
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return { seq: value, tag: null };
  const match = typeof value === 'string' ? /^(\d{1,15})(?:\.([0-9a-f]{16}))?$/.exec(value) : null;
  if (!match) return undefined;
  return { seq: Number(match[1]), tag: match[2] ?? null };
}

function cursorOf(event: { seq: number; id: string }): string {
  return `${event.seq}.${event.id.slice(0, TAG_LENGTH)}`;
}

/**
 * Whether `cursor` belongs to this store's history for `channel`. Not when it is above the highest
 * seq ever given out, or when the event at its seq is another one than the tag names. An event
 * pruned since cannot be checked and is taken as ours (it was acknowledged in this history).
 */
async function fromThisRelay(store: RelayStore, channel: string, cursor: Cursor): Promise<boolean> {
  if (cursor.seq === 0) return true;
  if (cursor.seq > (await store.highestSeq())) return false;
  if (cursor.tag === null) return true;
  const at = await store.eventAt(cursor.seq);
  return at === undefined || (at.channel === channel && at.id.startsWith(cursor.tag));
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
    if (!channel) ctx.refuse(request, reply, 401, 'unauthorised', 'missing or wrong pull token');
    return channel;
  }

  /** The channel each request was authorised for in onRequest, before its body was read. */
  const authorised = new WeakMap<FastifyRequest, ChannelRecord>();
  async function authoriseFirst(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const channel = await authorise(request, reply);
    if (!channel) return reply;
    authorised.set(request, channel);
    return undefined;
  }

  app.get<{ Querystring: Record<string, string | undefined> }>('/v1/events', { config }, async (request, reply) => {
    const channel = await authorise(request, reply);
    if (!channel) return reply;
    const cursor = parseCursor(request.query.after);
    const wait = parseBounded(request.query.wait, 0, MAX_WAIT_SECONDS);
    const limit = parseBounded(request.query.limit, DEFAULT_LIMIT, MAX_LIMIT);
    if (cursor === undefined || wait === undefined || limit === undefined || limit < 1) {
      return ctx.refuse(request, reply, 400, 'bad-request', 'after must be a cursor; wait and limit whole numbers');
    }
    let after = cursor.seq;
    let position = typeof request.query.after === 'string' && request.query.after !== '' ? request.query.after : '0';
    if (!(await fromThisRelay(ctx.store, channel.id, cursor))) {
      // The desktop's cursor is not from this relay's history: the relay was restored from a backup
      // or replaced since. Everything it holds is handed out again; the desktop keeps each id once.
      request.log.warn({ channel: channel.id }, 'pull cursor not from this relay; delivering from the start');
      after = 0;
      position = '0';
    }
    const since = ctx.waiters.version(channel.id);
    let events = await ctx.store.eventsAfter(channel.id, after, limit);
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
    const items = events.map((e) => `{"id":${JSON.stringify(e.id)},"cursor":"${cursorOf(e)}","sealed":${e.sealed}}`);
    const body = `{"events":[${items.join(',')}],"cursor":${JSON.stringify(last ? cursorOf(last) : position)}}`;
    return reply.type('application/json').send(body);
  });

  // The token is checked before the body is read: a stranger cannot make the relay read 64 KiB.
  app.post<{ Body: { value: unknown } | undefined }>(
    '/v1/ack',
    { config, onRequest: authoriseFirst },
    async (request, reply) => {
      const channel = authorised.get(request);
      if (!channel) return ctx.refuse(request, reply, 401, 'unauthorised', 'missing or wrong pull token');
      const body = request.body?.value as { upTo?: unknown } | undefined;
      const upTo = parseCursor(body?.upTo ?? '');
      if (upTo === undefined || body?.upTo === undefined)
        return ctx.refuse(request, reply, 400, 'bad-request', 'upTo must be a cursor');
      if (!(await fromThisRelay(ctx.store, channel.id, upTo))) {
        // Marking by it would mark events this desktop has never seen.
        return ctx.refuse(
          request,
          reply,
          409,
          'stale-cursor',
          'this cursor is not from this relay (restored or replaced); pull again',
        );
      }
      const acknowledged = await ctx.store.acknowledge(channel.id, upTo.seq, Date.now());
      ctx.metrics.delivered.inc({ channel: channel.id }, acknowledged);
      return reply.send({ acknowledged });
    },
  );

  const isAdmin = (request: FastifyRequest): boolean => {
    const token = bearer(request);
    return ctx.adminToken !== null && token !== undefined && matchesHash(token, sha256(ctx.adminToken));
  };
  const adminFirst = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> =>
    isAdmin(request) ? undefined : ctx.refuse(request, reply, 401, 'unauthorised', 'missing or wrong admin token');
  app.post<{ Body: { value: unknown } | undefined }>(
    '/v1/channels',
    { config, onRequest: adminFirst },
    async (request, reply) => {
      if (!isAdmin(request)) return ctx.refuse(request, reply, 401, 'unauthorised', 'missing or wrong admin token');
      const body = request.body?.value as { name?: unknown; publicKey?: unknown; owner?: unknown } | undefined;
      if (
        typeof body?.name !== 'string' ||
        typeof body.publicKey !== 'string' ||
        (body.owner !== undefined && typeof body.owner !== 'string')
      ) {
        return ctx.refuse(
          request,
          reply,
          400,
          'bad-request',
          'name and publicKey are required; owner, when given, is text',
        );
      }
      try {
        return reply
          .code(201)
          .send(await addChannel(ctx.store, body.name, body.publicKey, ctx.publicUrl(), body.owner ?? null));
      } catch (error) {
        if (!(error instanceof ChannelError)) throw error;
        return ctx.refuse(request, reply, error.reason === 'exists' ? 409 : 400, 'bad-request', error.message);
      }
    },
  );
}
