// The relay store on PostgreSQL, for operators running several relay instances behind one address
// on one database. Appends are group-committed per instance like the SQLite store, and nothing is
// answered before its transaction has committed.
//
// Sequence numbers: every append transaction takes one advisory lock before drawing seqs and holds
// it until it has committed (a transaction lock is released only after its commit is visible). So
// transactions that append commit in seq order: once a reader sees seq n, every smaller seq that
// will ever exist is already visible, and a cursor that moved past n can never skip an event that
// commits later. Gaps (seqs drawn by a transaction that rolled back) are never delivered: there is
// no event to deliver.
//
// Other instances learn of new events and of channel changes by LISTEN/NOTIFY: an append notifies
// `relay_events` with the channel (long-polls wake), and a trigger on the channels table notifies
// `relay_channels` (caches drop). Channels are cached only while the listening connection is up, so
// a notification missed while it was down cannot leave a revoked secret working.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { C2bRules } from './c2b-rules';
import { storedRules } from './sqlite-store';
import type {
  AppendResult,
  ChannelRecord,
  NewEvent,
  PendingEvent,
  RelayStore,
  StoredEvent,
  StoreWatcher,
} from './store';

/** Arbitrary constants naming the relay's advisory locks within the database. */
const APPEND_LOCK = 7_263_510_001;
const MIGRATE_LOCK = 7_263_510_002;

export interface PgStoreOptions {
  /** 'group' (default) batches concurrent appends into one commit; 'each' commits every append alone. */
  commit?: 'group' | 'each';
  maxBatch?: number;
  onCommit?: (appends: number, seconds: number) => void;
  /** Connections in the pool (appends use one at a time; reads and acknowledgements the rest). */
  poolSize?: number;
  /** Told of connection errors the store recovers from by itself (a restarted database). */
  onError?: (error: Error, where: string) => void;
  /** Tests only: awaited inside each append transaction, after its seqs are drawn and before COMMIT. */
  beforeCommit?: () => Promise<void>;
}

/** Versioned schema; each entry is applied once, in order, in one transaction with its version row. */
export const pgMigrations: readonly string[] = [
  `
  CREATE TABLE relay_channels (
    id          text PRIMARY KEY,
    owner       text,
    public_key  text NOT NULL,
    secret_hash bytea NOT NULL,
    token_hash  bytea NOT NULL,
    created_at  text NOT NULL,
    c2b_rules   text
  );
  CREATE INDEX relay_channels_owner ON relay_channels (owner);
  CREATE SEQUENCE relay_event_seq;
  CREATE TABLE relay_events (
    seq          bigint PRIMARY KEY DEFAULT nextval('relay_event_seq'),
    id           text NOT NULL,
    channel      text NOT NULL,
    kind         text NOT NULL,
    dedup        bytea NOT NULL,
    sealed       text NOT NULL,
    received_at  bigint NOT NULL,
    delivered_at bigint
  );
  ALTER SEQUENCE relay_event_seq OWNED BY relay_events.seq;
  CREATE UNIQUE INDEX relay_events_dedup ON relay_events (channel, dedup);
  CREATE INDEX relay_events_channel_seq ON relay_events (channel, seq);
  CREATE INDEX relay_events_delivered ON relay_events (delivered_at) WHERE delivered_at IS NOT NULL;
  CREATE INDEX relay_events_pending ON relay_events (channel, seq) WHERE delivered_at IS NULL;
  CREATE FUNCTION relay_channels_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('relay_channels', '');
    RETURN NULL;
  END $$;
  CREATE TRIGGER relay_channels_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON relay_channels
    FOR EACH STATEMENT EXECUTE FUNCTION relay_channels_changed();
  `,
];

export class SchemaTooNewError extends Error {}

/** Applies the migrations this relay knows and the database lacks; refuses a database from a newer relay. */
export async function migratePg(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two instances starting at once: the second waits, then finds the work done.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS relay_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const current = Number(
      (await client.query<{ v: number | null }>('SELECT max(version) AS v FROM relay_schema')).rows[0]?.v ?? 0,
    );
    if (current > pgMigrations.length) {
      throw new SchemaTooNewError(
        `the relay database has schema version ${current}, newer than this relay knows (${pgMigrations.length}): run the newer relay, or restore a backup`,
      );
    }
    for (let version = current + 1; version <= pgMigrations.length; version++) {
      await client.query(pgMigrations[version - 1]!);
      await client.query('INSERT INTO relay_schema (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
    return pgMigrations.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface ChannelRow {
  id: string;
  owner: string | null;
  public_key: string;
  secret_hash: Buffer;
  token_hash: Buffer;
  created_at: string;
  c2b_rules: string | null;
}

function toRecord(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    owner: row.owner,
    publicKeyPem: row.public_key,
    secretHash: row.secret_hash,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    c2bRules: storedRules(row.c2b_rules),
  };
}

function rulesText(rules: C2bRules | null): string | null {
  return rules === null ? null : JSON.stringify(rules);
}

interface Pending {
  event: NewEvent;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

export class PgRelayStore implements RelayStore {
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #options: PgStoreOptions;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #committing = false;
  #idle: (() => void) | undefined;
  /** Bumped on every channel notification; a load started before one is not cached. */
  #channelGeneration = 0;
  #channelCache: Map<string, ChannelRecord> | undefined;
  #listener: pg.Client | undefined;
  #listening = false;
  #watchers: StoreWatcher[] = [];
  #closed = false;
  #reconnectTimer: NodeJS.Timeout | undefined;

  private constructor(url: string, pool: pg.Pool, options: PgStoreOptions) {
    this.#url = url;
    this.#pool = pool;
    this.#options = options;
    this.#maxBatch = options.commit === 'each' ? 1 : (options.maxBatch ?? 1000);
  }

  /** Connects, applies migrations, and returns the store. */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgRelayStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection cut by a database restart must not end the process; the pool replaces it.
    pool.on('error', (error) => options.onError?.(error, 'idle connection'));
    try {
      await migratePg(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PgRelayStore(url, pool, options);
  }

  /** Starts listening for other instances' events and channel changes; resolves once listening. */
  async watch(watcher: StoreWatcher): Promise<void> {
    this.#watchers.push(watcher);
    if (!this.#listener) await this.#listen(true);
  }

  async #listen(first = false): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 10_000 });
    this.#listener = client;
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost) return;
      lost = true;
      this.#listening = false;
      this.#dropChannels();
      if (error) this.#options.onError?.(error, 'listening connection');
      client.end().catch(() => undefined);
      if (!this.#closed && !first) this.#reconnectTimer = setTimeout(() => void this.#listen(), 500);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel === 'relay_channels') this.#dropChannels();
      else if (message.channel === 'relay_events' && message.payload)
        for (const w of this.#watchers) w.stored(message.payload);
    });
    try {
      await client.connect();
      await client.query('LISTEN relay_events; LISTEN relay_channels');
      if (lost || this.#closed) return;
      this.#dropChannels();
      this.#listening = true;
      // Events committed while nobody listened (a reconnect): parked long-polls look again.
      if (!first) for (const w of this.#watchers) w.resync();
      first = false;
    } catch (error) {
      onLost(error as Error);
      // At start a database that cannot be listened to fails the start; later the relay keeps trying.
      if (first) throw error;
    }
  }

  #dropChannels(): void {
    this.#channelGeneration++;
    this.#channelCache = undefined;
  }

  async #channels(): Promise<Map<string, ChannelRecord>> {
    if (this.#channelCache && this.#listening) return this.#channelCache;
    const generation = this.#channelGeneration;
    const { rows } = await this.#pool.query<ChannelRow>('SELECT * FROM relay_channels ORDER BY id');
    const map = new Map(rows.map((r) => [r.id, toRecord(r)]));
    if (this.#listening && generation === this.#channelGeneration) this.#channelCache = map;
    return map;
  }

  async channel(id: string): Promise<ChannelRecord | undefined> {
    return (await this.#channels()).get(id);
  }

  async channels(): Promise<ChannelRecord[]> {
    return [...(await this.#channels()).values()];
  }

  async createChannel(c: ChannelRecord): Promise<void> {
    await this.#pool.query(
      'INSERT INTO relay_channels (id, owner, public_key, secret_hash, token_hash, created_at, c2b_rules) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [c.id, c.owner, c.publicKeyPem, c.secretHash, c.tokenHash, c.createdAt, rulesText(c.c2bRules)],
    );
    this.#dropChannels();
  }

  async replaceChannelCredentials(id: string, secretHash: Buffer, tokenHash: Buffer): Promise<boolean> {
    const r = await this.#pool.query('UPDATE relay_channels SET secret_hash = $1, token_hash = $2 WHERE id = $3', [
      secretHash,
      tokenHash,
      id,
    ]);
    this.#dropChannels();
    return r.rowCount === 1;
  }

  async setC2bRules(id: string, rules: C2bRules | null): Promise<boolean> {
    const r = await this.#pool.query('UPDATE relay_channels SET c2b_rules = $1 WHERE id = $2', [rulesText(rules), id]);
    this.#dropChannels();
    return r.rowCount === 1;
  }

  async removeChannel(id: string): Promise<boolean> {
    const removed = await this.#transaction(async (client) => {
      await client.query('DELETE FROM relay_events WHERE channel = $1', [id]);
      return (await client.query('DELETE FROM relay_channels WHERE id = $1', [id])).rowCount === 1;
    });
    this.#dropChannels();
    return removed;
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A connection that failed mid-transaction is not handed out again.
      client.release(error as Error);
      throw error;
    }
  }

  append(event: NewEvent): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      this.#commitNext();
    });
  }

  #commitNext(): void {
    if (this.#committing) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (batch.length === 0) {
      this.#idle?.();
      return;
    }
    this.#committing = true;
    const started = performance.now();
    this.#commitBatch(batch.map((p) => p.event))
      .then(
        (results) => {
          this.#options.onCommit?.(batch.length, (performance.now() - started) / 1000);
          batch.forEach((p, i) => p.resolve(results[i]!));
        },
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      )
      .finally(() => {
        this.#committing = false;
        this.#commitNext();
      });
  }

  /** One transaction for the batch; resolves only after COMMIT has returned. */
  async #commitBatch(events: NewEvent[]): Promise<AppendResult[]> {
    // A body repeated within the batch is stored once; the repeats answer with the first.
    const keyOf = (e: NewEvent): string => `${e.channel}\0${e.dedupKey.toString('hex')}`;
    const first = new Map<string, number>();
    const fresh: number[] = [];
    events.forEach((e, i) => {
      if (!first.has(keyOf(e))) {
        first.set(keyOf(e), i);
        fresh.push(i);
      }
    });
    const ids = fresh.map(() => randomBytes(16).toString('hex'));
    const unique = fresh.map((i) => events[i]!);
    // Three round trips: BEGIN with the lock, the insert with its notification, COMMIT.
    const client = await this.#pool.connect();
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
      const inserted = await client.query<{ seq: string; id: string; channel: string; dedup: Buffer }>(
        `WITH inserted AS (
           INSERT INTO relay_events (id, channel, kind, dedup, sealed, received_at)
           SELECT id, channel, kind, dedup, sealed, received_at
             FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::bigint[])
                  WITH ORDINALITY AS t(id, channel, kind, dedup, sealed, received_at, n)
            ORDER BY n
           ON CONFLICT (channel, dedup) DO NOTHING
           RETURNING seq, id, channel, dedup
         ), notified AS (
           SELECT pg_notify('relay_events', channel) FROM (SELECT DISTINCT channel FROM inserted) AS c
         )
         SELECT seq, id, channel, dedup FROM inserted WHERE (SELECT count(*) FROM notified) >= 0`,
        [
          ids,
          unique.map((e) => e.channel),
          unique.map((e) => e.kind),
          unique.map((e) => e.dedupKey),
          unique.map((e) => e.sealed),
          unique.map((e) => e.receivedAt),
        ],
      );
      const found = new Map<string, { seq: number; id: string; duplicate: boolean }>();
      for (const row of inserted.rows)
        found.set(`${row.channel}\0${row.dedup.toString('hex')}`, {
          seq: Number(row.seq),
          id: row.id,
          duplicate: false,
        });
      const missing = unique.filter((e) => !found.has(keyOf(e)));
      if (missing.length > 0) {
        const prior = await client.query<{ seq: string; id: string; channel: string; dedup: Buffer }>(
          'SELECT e.seq, e.id, e.channel, e.dedup FROM relay_events e JOIN unnest($1::text[], $2::bytea[]) AS k(channel, dedup) USING (channel, dedup)',
          [missing.map((e) => e.channel), missing.map((e) => e.dedupKey)],
        );
        for (const row of prior.rows)
          found.set(`${row.channel}\0${row.dedup.toString('hex')}`, {
            seq: Number(row.seq),
            id: row.id,
            duplicate: true,
          });
      }
      await this.#options.beforeCommit?.();
      const results = events.map((e, i) => {
        const stored = found.get(keyOf(e));
        if (!stored) throw new Error('an appended event is neither stored nor found');
        return { seq: stored.seq, id: stored.id, duplicate: stored.duplicate || first.get(keyOf(e)) !== i };
      });
      // Answered only once COMMIT has returned; if it fails the outcome is unknown, the callback
      // is refused, and Daraja's retry is recognised as a duplicate if it had committed after all.
      await client.query('COMMIT');
      client.release();
      return results;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(error as Error);
      throw error;
    }
  }

  async eventsAfter(channel: string, after: number, limit: number): Promise<StoredEvent[]> {
    const { rows } = await this.#pool.query<{ seq: string; id: string; sealed: string }>(
      'SELECT seq, id, sealed FROM relay_events WHERE channel = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [channel, after, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), id: r.id, sealed: r.sealed }));
  }

  async eventAt(seq: number): Promise<{ channel: string; id: string } | undefined> {
    const { rows } = await this.#pool.query<{ channel: string; id: string }>(
      'SELECT channel, id FROM relay_events WHERE seq = $1',
      [seq],
    );
    return rows[0];
  }

  async highestSeq(): Promise<number> {
    const { rows } = await this.#pool.query<{ last_value: string; is_called: boolean }>(
      'SELECT last_value, is_called FROM relay_event_seq',
    );
    const row = rows[0];
    return row && row.is_called ? Number(row.last_value) : 0;
  }

  async acknowledge(channel: string, upTo: number, now: number): Promise<number> {
    const r = await this.#pool.query(
      'UPDATE relay_events SET delivered_at = $1 WHERE channel = $2 AND seq <= $3 AND delivered_at IS NULL',
      [now, channel, upTo],
    );
    return r.rowCount ?? 0;
  }

  async prune(deliveredBefore: number): Promise<number> {
    const r = await this.#pool.query('DELETE FROM relay_events WHERE delivered_at IS NOT NULL AND delivered_at < $1', [
      deliveredBefore,
    ]);
    return r.rowCount ?? 0;
  }

  async pendingCount(): Promise<number> {
    const { rows } = await this.#pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM relay_events WHERE delivered_at IS NULL',
    );
    return Number(rows[0]?.n ?? 0);
  }

  async pendingByChannel(): Promise<Map<string, number>> {
    const { rows } = await this.#pool.query<{ channel: string; n: string }>(
      'SELECT channel, count(*) AS n FROM relay_events WHERE delivered_at IS NULL GROUP BY channel',
    );
    return new Map(rows.map((r) => [r.channel, Number(r.n)]));
  }

  /** Everything `relay migrate-store` copies: whether this database already holds channels or events. */
  async isEmpty(): Promise<boolean> {
    const { rows } = await this.#pool.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM relay_channels) + (SELECT count(*) FROM relay_events) AS n',
    );
    return Number(rows[0]?.n) === 0;
  }

  /**
   * Copies channels and undelivered events with their seqs and ids, and continues the sequence after
   * `highestSeq`: desktops' cursors from the old store stay valid here. One transaction.
   */
  async importAll(channels: ChannelRecord[], events: PendingEvent[], highestSeq: number): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      for (const c of channels) {
        await client.query(
          'INSERT INTO relay_channels (id, owner, public_key, secret_hash, token_hash, created_at, c2b_rules) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [c.id, c.owner, c.publicKeyPem, c.secretHash, c.tokenHash, c.createdAt, rulesText(c.c2bRules)],
        );
      }
      for (let at = 0; at < events.length; at += 1000) {
        const part = events.slice(at, at + 1000);
        await client.query(
          `INSERT INTO relay_events (seq, id, channel, kind, dedup, sealed, received_at)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::bigint[])`,
          [
            part.map((e) => e.seq),
            part.map((e) => e.id),
            part.map((e) => e.channel),
            part.map((e) => e.kind),
            part.map((e) => e.dedupKey),
            part.map((e) => e.sealed),
            part.map((e) => e.receivedAt),
          ],
        );
      }
      if (highestSeq > 0) await client.query("SELECT setval('relay_event_seq', $1)", [highestSeq]);
    });
    this.#dropChannels();
  }

  async close(): Promise<void> {
    if (this.#committing || this.#queue.length > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    await this.#listener?.end().catch(() => undefined);
    await this.#pool.end();
  }
}
