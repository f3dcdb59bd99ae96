// The relay's committing thread: appends are written and fsync'd on a worker thread, so the main
// thread keeps reading, sealing and answering while a commit waits on the disk — and everything
// that arrives meanwhile joins the next commit (group commit without an artificial delay).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppendResult, NewEvent } from './store';

/** The writer's statements (exported so tests can check what SQLite plans for them). */
export const writerSql = {
  insert:
    'INSERT INTO events (id, channel, kind, dedup, sealed, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, dedup) DO NOTHING RETURNING seq',
  existing: 'SELECT seq, id FROM events WHERE channel = ? AND dedup = ?',
  // Visits only undelivered events (the events_pending index), however many delivered ones are kept.
  acknowledge: 'UPDATE events SET delivered_at = ? WHERE channel = ? AND seq <= ? AND delivered_at IS NULL',
} as const;

/** Events waiting for a desktop, over all channels (read on the main thread, for /metrics). */
export const pendingCountSql = 'SELECT count(*) FROM events WHERE delivered_at IS NULL';

// Plain JavaScript evaluated in the worker: it must load without a TypeScript loader (tests,
// the bundled relay, the desktop's demo relay all start it).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare(workerData.sql.insert).pluck();
const existing = db.prepare(workerData.sql.existing);
const ack = db.prepare(workerData.sql.acknowledge);
const commitAll = db.transaction((events, acks) => {
  const random = randomBytes(16 * events.length);
  const results = events.map((e, i) => {
    const dedup = Buffer.from(e.dedupKey.buffer, e.dedupKey.byteOffset, e.dedupKey.byteLength);
    const id = random.toString('hex', 16 * i, 16 * i + 16);
    const seq = insert.get(id, e.channel, e.kind, dedup, e.sealed, e.receivedAt);
    if (seq !== undefined) return { seq, id, duplicate: false };
    const prior = existing.get(e.channel, dedup);
    return { seq: prior.seq, id: prior.id, duplicate: true };
  });
  return { results, acked: acks.map((a) => ack.run(a.now, a.channel, a.upTo).changes) };
});
parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    parentPort.postMessage(commitAll.immediate(message.events, message.acks));
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

/**
 * Where to resolve better-sqlite3 from: this module, or, in the relay's single-file CommonJS bundle
 * (deploy/Dockerfile) where import.meta is empty, the bundle itself (the entry script).
 */
function moduleUrl(): string {
  const url: unknown = import.meta.url;
  return typeof url === 'string' && url !== '' ? url : pathToFileURL(resolve(process.argv[1] ?? 'relay.cjs')).href;
}

/** A desktop's acknowledgement: events of `channel` up to `upTo` were delivered at `now`. */
export interface Ack {
  channel: string;
  upTo: number;
  now: number;
}

export interface CommitResult {
  /** Per event, in order: its seq and id, and whether an identical body was already stored under them. */
  results: AppendResult[];
  /** Events each acknowledgement marked delivered. */
  acked: number[];
}

type Reply = CommitResult | { error: string } | { closed: true };

/**
 * One commit at a time; each commit() resolves after its transaction is on disk. Acknowledgements
 * ride along in the same transaction: written from the main thread they would wait for this
 * thread's write lock and stall every request behind them.
 */
export class SqliteWriter {
  readonly #worker: Worker;
  #waiting: ((reply: Reply) => void) | undefined;
  #failure: Error | undefined;

  constructor(path: string) {
    const driver = createRequire(moduleUrl()).resolve('better-sqlite3');
    this.#worker = new Worker(workerSource, { eval: true, workerData: { path, driver, sql: writerSql } });
    this.#worker.on('message', (reply: Reply) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.(reply);
    });
    const fail = (error: Error): void => {
      this.#failure ??= error;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.({ error: error.message });
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', () => fail(new Error('the relay writer stopped')));
  }

  commit(events: NewEvent[], acks: Ack[] = []): Promise<CommitResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#waiting) return Promise.reject(new Error('one commit at a time'));
    return new Promise((resolve, reject) => {
      this.#waiting = (reply) => {
        if ('results' in reply) resolve(reply);
        else reject(new Error('error' in reply ? reply.error : 'the relay writer closed'));
      };
      this.#worker.postMessage({ events, acks });
    });
  }

  async close(): Promise<void> {
    if (!this.#failure) {
      await new Promise<void>((resolve) => {
        this.#waiting = () => resolve();
        this.#worker.postMessage({ close: true });
      });
    }
    await this.#worker.terminate();
  }
}
