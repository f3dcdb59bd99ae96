// The embedded relay store: one SQLite file (WAL, synchronous=FULL) in the data folder. Appends are
// group-committed on a writer thread — everything that arrives while one commit is on its way to
// disk shares the next — and no append resolves before its transaction has committed.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteWriter, type Ack } from './sqlite-writer';
import type { AppendResult, ChannelRecord, NewEvent, RelayStore, StoredEvent } from './store';

export interface SqliteStoreOptions {
  /** 'group' (default) batches concurrent appends into one commit; 'each' commits every append alone. */
  commit?: 'group' | 'each';
  /** Largest batch per transaction. */
  maxBatch?: number;
  /** Told after each commit how many appends it held and how long it took (for metrics). */
  onCommit?: (appends: number, seconds: number) => void;
}

interface Pending {
  event: NewEvent;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

interface ChannelRow {
  id: string;
  public_key: string;
  secret_hash: Buffer;
  token_hash: Buffer;
  created_at: string;
}

const schema = `
CREATE TABLE IF NOT EXISTS channels (
  id          TEXT PRIMARY KEY,
  public_key  TEXT NOT NULL,
  secret_hash BLOB NOT NULL,
  token_hash  BLOB NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;
-- seq is the delivery order and the cursor; AUTOINCREMENT so a pruned seq is never reused.
CREATE TABLE IF NOT EXISTS events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  channel      TEXT NOT NULL,
  kind         TEXT NOT NULL,
  dedup        BLOB NOT NULL,
  sealed       TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  delivered_at INTEGER
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS events_dedup ON events (channel, dedup);
CREATE INDEX IF NOT EXISTS events_channel_seq ON events (channel, seq);
CREATE INDEX IF NOT EXISTS events_delivered ON events (delivered_at) WHERE delivered_at IS NOT NULL;
`;

function toRecord(row: ChannelRow): ChannelRecord {
  return { id: row.id, publicKeyPem: row.public_key, secretHash: row.secret_hash, tokenHash: row.token_hash, createdAt: row.created_at };
}

export class SqliteRelayStore implements RelayStore {
  readonly #db: Database.Database;
  readonly #commit: 'group' | 'each';
  readonly #maxBatch: number;
  readonly #onCommit: ((appends: number, seconds: number) => void) | undefined;
  #queue: Pending[] = [];
  /** 'group' mode: acknowledgements waiting for the next commit on the writer thread. */
  #acks: Array<Ack & { resolve: (changes: number) => void; reject: (error: unknown) => void }> = [];
  /** 'group' mode: the writer thread and whether a commit is on its way to disk. */
  readonly #writer: SqliteWriter | undefined;
  #committing = false;
  #idle: (() => void) | undefined;
  #channelCache: Map<string, ChannelRecord> | undefined;
  #dataVersion = -1;
  #checkedAt = 0;
  readonly #insert: Database.Statement;
  readonly #existing: Database.Statement;
  readonly #dataVersionQuery: Database.Statement;
  readonly #appendBatch: Database.Transaction<(items: Pending[]) => AppendResult[]>;

  constructor(dataDir: string, options: SqliteStoreOptions = {}) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.#db = new Database(join(dataDir, 'relay.sqlite'));
    this.#db.pragma('journal_mode = WAL');
    // FULL: a WAL commit is fsync'd before it returns, so an answered callback survives power loss.
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec(schema);
    this.#commit = options.commit ?? 'group';
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#onCommit = options.onCommit;
    if (this.#commit === 'group') this.#writer = new SqliteWriter(join(dataDir, 'relay.sqlite'));
    this.#insert = this.#db.prepare(
      `INSERT INTO events (id, channel, kind, dedup, sealed, received_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel, dedup) DO NOTHING RETURNING seq`,
    );
    this.#dataVersionQuery = this.#db.prepare('PRAGMA data_version').pluck();
    this.#existing = this.#db.prepare('SELECT seq, id FROM events WHERE channel = ? AND dedup = ?');
    this.#appendBatch = this.#db.transaction((items: Pending[]) =>
      items.map(({ event }) => {
        const id = randomUUID();
        const row = this.#insert.get(id, event.channel, event.kind, event.dedupKey, event.sealed, event.receivedAt) as { seq: number } | undefined;
        if (row) return { seq: row.seq, id, duplicate: false };
        const prior = this.#existing.get(event.channel, event.dedupKey) as { seq: number; id: string };
        return { seq: prior.seq, id: prior.id, duplicate: true };
      }),
    );
  }

  append(event: NewEvent): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      if (this.#writer) this.#commitNext(this.#writer);
      else this.#flush();
    });
  }

  /** Sends everything queued as one commit, unless one is already on its way (then it goes next). */
  #commitNext(writer: SqliteWriter): void {
    if (this.#committing) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    const acks = this.#acks.splice(0);
    if (batch.length === 0 && acks.length === 0) {
      this.#idle?.();
      return;
    }
    this.#committing = true;
    const started = performance.now();
    writer.commit(batch.map((p) => p.event), acks.map(({ channel, upTo, now }) => ({ channel, upTo, now }))).then(
      ({ results, acked }) => {
        if (batch.length > 0) this.#onCommit?.(batch.length, (performance.now() - started) / 1000);
        batch.forEach((item, i) => item.resolve(results[i] as AppendResult));
        acks.forEach((item, i) => item.resolve(acked[i] ?? 0));
      },
      (error: unknown) => {
        batch.forEach((item) => item.reject(error));
        acks.forEach((item) => item.reject(error));
      },
    ).finally(() => {
      this.#committing = false;
      this.#commitNext(writer);
    });
  }

  /** 'each' mode (the benchmark baseline): commits on this thread, one append per transaction. */
  #flush(): void {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      let results: AppendResult[];
      const started = performance.now();
      try {
        results = this.#appendBatch.immediate(batch);
        this.#onCommit?.(batch.length, (performance.now() - started) / 1000);
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue;
      }
      batch.forEach((item, i) => item.resolve(results[i] as AppendResult));
    }
  }

  async createChannel(c: ChannelRecord): Promise<void> {
    this.#db
      .prepare('INSERT INTO channels (id, public_key, secret_hash, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(c.id, c.publicKeyPem, c.secretHash, c.tokenHash, c.createdAt);
    this.#channelCache = undefined;
  }

  async replaceChannelCredentials(id: string, secretHash: Buffer, tokenHash: Buffer): Promise<boolean> {
    const r = this.#db.prepare('UPDATE channels SET secret_hash = ?, token_hash = ? WHERE id = ?').run(secretHash, tokenHash, id);
    this.#channelCache = undefined;
    return r.changes === 1;
  }

  async removeChannel(id: string): Promise<boolean> {
    const removed = this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM events WHERE channel = ?').run(id);
      return this.#db.prepare('DELETE FROM channels WHERE id = ?').run(id).changes === 1;
    })();
    this.#channelCache = undefined;
    return removed;
  }

  /**
   * Channels are read on every request, so they are cached; data_version changes when another
   * connection (the `channel` CLI beside a running server) commits, which drops the cache. It is
   * looked at most every 20 ms: a rotated secret may be honoured that long, no longer.
   */
  #channels(): Map<string, ChannelRecord> {
    const now = performance.now();
    if (this.#channelCache !== undefined && now - this.#checkedAt < 20) return this.#channelCache;
    this.#checkedAt = now;
    const version = this.#dataVersionQuery.get() as number;
    if (this.#channelCache === undefined || version !== this.#dataVersion) {
      const rows = this.#db.prepare('SELECT * FROM channels ORDER BY id').all() as ChannelRow[];
      this.#channelCache = new Map(rows.map((r) => [r.id, toRecord(r)]));
      this.#dataVersion = version;
    }
    return this.#channelCache;
  }

  async channel(id: string): Promise<ChannelRecord | undefined> {
    return this.#channels().get(id);
  }

  async channels(): Promise<ChannelRecord[]> {
    return [...this.#channels().values()];
  }

  async eventsAfter(channel: string, after: number, limit: number): Promise<StoredEvent[]> {
    return this.#db
      .prepare('SELECT seq, id, sealed FROM events WHERE channel = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(channel, after, limit) as StoredEvent[];
  }

  async acknowledge(channel: string, upTo: number, now: number): Promise<number> {
    const writer = this.#writer;
    if (writer) {
      return new Promise((resolve, reject) => {
        this.#acks.push({ channel, upTo, now, resolve, reject });
        this.#commitNext(writer);
      });
    }
    return this.#db
      .prepare('UPDATE events SET delivered_at = ? WHERE channel = ? AND seq <= ? AND delivered_at IS NULL')
      .run(now, channel, upTo).changes;
  }

  async prune(deliveredBefore: number): Promise<number> {
    return this.#db.prepare('DELETE FROM events WHERE delivered_at IS NOT NULL AND delivered_at < ?').run(deliveredBefore).changes;
  }

  async pendingCount(): Promise<number> {
    return (this.#db.prepare('SELECT count(*) AS n FROM events WHERE delivered_at IS NULL').get() as { n: number }).n;
  }

  async close(): Promise<void> {
    if (this.#writer) {
      if (this.#committing || this.#queue.length > 0 || this.#acks.length > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
      await this.#writer.close();
    } else {
      this.#flush();
    }
    if (this.#db.open) this.#db.close();
  }
}
