// The embedded relay store: one SQLite file (WAL, synchronous=FULL) in the data folder. Appends are
// group-committed on a writer thread — everything that arrives while one commit is on its way to
// disk shares the next — and no append resolves before its transaction has committed.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { C2bRules } from './c2b-rules';
import { pendingCountSql, SqliteWriter, type Ack } from './sqlite-writer';
import type { AppendResult, ChannelRecord, NewEvent, PendingEvent, RelayStore, StoredEvent } from './store';

export interface SqliteStoreOptions {
  /** 'group' (default) batches concurrent appends into one commit; 'each' commits every append alone (the benchmark baseline). */
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
  owner: string | null;
  public_key: string;
  secret_hash: Buffer;
  token_hash: Buffer;
  created_at: string;
  /** JSON of the channel's C2B rules, or NULL. */
  c2b_rules: string | null;
}

/**
 * Versioned schema, the version kept in PRAGMA user_version. Version 1 is the schema relays created
 * before versions were kept (hence IF NOT EXISTS: such a file is at user_version 0 with the tables
 * there); version 2 added C2B rules, version 3 channel owners.
 */
export const sqliteMigrations: ReadonlyArray<(db: Database.Database) => void> = [
  (db) =>
    db.exec(`
CREATE TABLE IF NOT EXISTS channels (
  id          TEXT PRIMARY KEY,
  public_key  TEXT NOT NULL,
  secret_hash BLOB NOT NULL,
  token_hash  BLOB NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;
-- seq is the delivery order and the cursor; AUTOINCREMENT so a pruned seq is never reused.
-- id is what desktops deduplicate by: 128 random bits, so unique without an index to keep up,
-- and still unique after the relay is wiped or restored from a backup (when seqs repeat).
CREATE TABLE IF NOT EXISTS events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL,
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
-- Only the undelivered: an acknowledgement and the pending count visit those, not every event kept.
CREATE INDEX IF NOT EXISTS events_pending ON events (channel, seq) WHERE delivered_at IS NULL;
`),
  // Files from the C2B rules release already have the column, at user_version 0.
  (db) => {
    if (!columns(db, 'channels').includes('c2b_rules')) db.exec('ALTER TABLE channels ADD COLUMN c2b_rules TEXT');
  },
  (db) => db.exec('ALTER TABLE channels ADD COLUMN owner TEXT'),
];

function columns(db: Database.Database, table: string): string[] {
  return db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
}

/**
 * Brings the file to the version this relay knows, in an IMMEDIATE transaction that reads the version
 * again, so a relay and a `channel` command opening the same file at once migrate it once. A file
 * from a newer relay is refused: its schema may mean what this relay cannot honour.
 */
export function migrateSqlite(db: Database.Database): number {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  const check = (v: number): void => {
    if (v > sqliteMigrations.length) {
      throw new Error(
        `relay.sqlite has schema version ${v}, newer than this relay knows (${sqliteMigrations.length}): run the newer relay, or restore a backup`,
      );
    }
  };
  check(version());
  if (version() === sqliteMigrations.length) return version();
  db.transaction(() => {
    const from = version();
    check(from);
    for (let v = from + 1; v <= sqliteMigrations.length; v++) sqliteMigrations[v - 1]!(db);
    db.pragma(`user_version = ${sqliteMigrations.length}`);
  }).immediate();
  return version();
}

function toRecord(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    owner: row.owner ?? null,
    publicKeyPem: row.public_key,
    secretHash: row.secret_hash,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    c2bRules: storedRules(row.c2b_rules),
  };
}

/**
 * Rules as stored; they are checked again when compiled. Text that is not a JSON object (written by
 * hand, or damaged) comes back as an object the check refuses, so the relay accepts validations and
 * says why, instead of failing every request of every channel.
 */
export function storedRules(text: string | null): C2bRules | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as C2bRules;
  } catch {
    // falls through to the unreadable marker
  }
  return { unreadable: text } as unknown as C2bRules;
}

export class SqliteRelayStore implements RelayStore {
  readonly #db: Database.Database;
  readonly #maxBatch: number;
  readonly #onCommit: ((appends: number, seconds: number) => void) | undefined;
  #queue: Pending[] = [];
  /** Acknowledgements waiting for the next commit on the writer thread. */
  #acks: Array<Ack & { resolve: (changes: number) => void; reject: (error: unknown) => void }> = [];
  /** The writer thread, and whether a commit is on its way to disk. */
  readonly #writer: SqliteWriter;
  #committing = false;
  #idle: (() => void) | undefined;
  #channelCache: Map<string, ChannelRecord> | undefined;
  #dataVersion = -1;
  #checkedAt = 0;
  readonly #dataVersionQuery: Database.Statement;

  constructor(dataDir: string, options: SqliteStoreOptions = {}) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, 'relay.sqlite');
    // Readable by the relay alone: hashes of secrets and sealed events are nobody else's business.
    // SQLite gives its -wal and -shm files the database file's mode.
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    // FULL: a WAL commit is fsync'd before it returns, so an answered callback survives power loss.
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('busy_timeout = 5000');
    migrateSqlite(this.#db);
    // 'each' (the benchmark baseline) is the same path with one append per commit.
    this.#maxBatch = options.commit === 'each' ? 1 : (options.maxBatch ?? 1000);
    this.#onCommit = options.onCommit;
    this.#writer = new SqliteWriter(path);
    this.#dataVersionQuery = this.#db.prepare('PRAGMA data_version').pluck();
  }

  append(event: NewEvent): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      this.#commitNext();
    });
  }

  /** Sends everything queued as one commit, unless one is already on its way (then it goes next). */
  #commitNext(): void {
    if (this.#committing) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    const acks = this.#acks.splice(0);
    if (batch.length === 0 && acks.length === 0) {
      this.#idle?.();
      return;
    }
    this.#committing = true;
    const started = performance.now();
    this.#writer
      .commit(
        batch.map((p) => p.event),
        acks.map(({ channel, upTo, now }) => ({ channel, upTo, now })),
      )
      .then(
        ({ results, acked }) => {
          if (batch.length > 0) this.#onCommit?.(batch.length, (performance.now() - started) / 1000);
          batch.forEach((item, i) => item.resolve(results[i] as AppendResult));
          acks.forEach((item, i) => item.resolve(acked[i] ?? 0));
        },
        (error: unknown) => {
          batch.forEach((item) => item.reject(error));
          acks.forEach((item) => item.reject(error));
        },
      )
      .finally(() => {
        this.#committing = false;
        this.#commitNext();
      });
  }

  async createChannel(c: ChannelRecord): Promise<void> {
    this.#db
      .prepare(
        'INSERT INTO channels (id, owner, public_key, secret_hash, token_hash, created_at, c2b_rules) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        c.id,
        c.owner,
        c.publicKeyPem,
        c.secretHash,
        c.tokenHash,
        c.createdAt,
        c.c2bRules === null ? null : JSON.stringify(c.c2bRules),
      );
    this.#channelCache = undefined;
  }

  async replaceChannelCredentials(id: string, secretHash: Buffer, tokenHash: Buffer): Promise<boolean> {
    const r = this.#db
      .prepare('UPDATE channels SET secret_hash = ?, token_hash = ? WHERE id = ?')
      .run(secretHash, tokenHash, id);
    this.#channelCache = undefined;
    return r.changes === 1;
  }

  async setC2bRules(id: string, rules: C2bRules | null): Promise<boolean> {
    const r = this.#db
      .prepare('UPDATE channels SET c2b_rules = ? WHERE id = ?')
      .run(rules === null ? null : JSON.stringify(rules), id);
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
   * looked at most every 20 ms: a rotated secret, or C2B rules just changed, may be honoured that
   * long, no longer.
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

  async eventAt(seq: number): Promise<{ channel: string; id: string } | undefined> {
    return this.#db.prepare('SELECT channel, id FROM events WHERE seq = ?').get(seq) as
      { channel: string; id: string } | undefined;
  }

  async highestSeq(): Promise<number> {
    return (
      (this.#db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get() as number | undefined) ??
      0
    );
  }

  async acknowledge(channel: string, upTo: number, now: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#acks.push({ channel, upTo, now, resolve, reject });
      this.#commitNext();
    });
  }

  async prune(deliveredBefore: number): Promise<number> {
    return this.#db
      .prepare('DELETE FROM events WHERE delivered_at IS NOT NULL AND delivered_at < ?')
      .run(deliveredBefore).changes;
  }

  async pendingCount(): Promise<number> {
    return this.#db.prepare(pendingCountSql).pluck().get() as number;
  }

  async pendingByChannel(): Promise<Map<string, number>> {
    const rows = this.#db
      .prepare('SELECT channel, count(*) AS n FROM events WHERE delivered_at IS NULL GROUP BY channel')
      .all() as Array<{ channel: string; n: number }>;
    return new Map(rows.map((r) => [r.channel, r.n]));
  }

  /** What `relay migrate-store` copies: every channel, every undelivered event (seq order), the highest seq. */
  async exportAll(): Promise<{ channels: ChannelRecord[]; events: PendingEvent[]; highestSeq: number }> {
    return this.#db.transaction(() => {
      const rows = this.#db
        .prepare(
          'SELECT seq, id, channel, kind, dedup, sealed, received_at AS receivedAt FROM events WHERE delivered_at IS NULL ORDER BY seq',
        )
        .all() as Array<Omit<PendingEvent, 'dedupKey'> & { dedup: Buffer }>;
      const events = rows.map(({ dedup, ...rest }) => ({ ...rest, dedupKey: dedup }));
      const channels = (this.#db.prepare('SELECT * FROM channels ORDER BY id').all() as ChannelRow[]).map(toRecord);
      const highestSeq =
        (this.#db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck().get() as
          number | undefined) ?? 0;
      return { channels, events, highestSeq };
    })();
  }

  async close(): Promise<void> {
    if (this.#committing || this.#queue.length > 0 || this.#acks.length > 0)
      await new Promise<void>((resolve) => (this.#idle = resolve));
    await this.#writer.close();
    if (this.#db.open) this.#db.close();
  }
}
