// The simulator's ground truth on disk (statePath): balances, customers, payments, failures,
// collections, used OriginatorConversationIDs with their claim times, issued receipts and the B2C
// requests accepted but not yet processed. One SQLite transaction per change, WAL and synchronous
// FULL, so a demo restart (or a kill) does not forget what M-Pesa paid.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Balances, Collection, FailureRecord, PaymentRecord } from './model';

/** A B2C request accepted and waiting for its processing lag; everything needed to process it later. */
export interface PendingB2c {
  /** The caller's OriginatorConversationID (v3) or Daraja's own (v1): the ground truth's key. */
  originatorConversationId: string;
  /** What the Result (and QueueTimeout payload) carries: the caller's ID, or Daraja's own under no-echo. */
  resultOriginatorId: string;
  conversationId: string;
  version: 'v1' | 'v3';
  msisdn: string;
  amountCents: number;
  commandId: string;
  initiatorValid: boolean;
  resultUrl: string;
  queueTimeoutUrl: string;
  fate: 'process' | 'queue-timeout-processed' | 'queue-timeout-unprocessed' | 'throttle';
  throttle: { resultCode: number; resultDesc: string } | null;
  acceptedAt: string /* ISO */;
  dueAtMs: number;
}

export interface StoredState {
  balances: Balances | null;
  customers: Array<{ msisdn: string; name: string }>;
  payments: PaymentRecord[];
  failures: FailureRecord[];
  collections: Collection[];
  claims: Array<{ id: string; claimedAtMs: number }>;
  receipts: string[];
  pending: PendingB2c[];
  /** How many times a simulator has started on this file before this start (0 for a new file). */
  generation: number;
}

/** The layout below; a file of another layout is refused rather than misread. */
const schemaVersion = 1;

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS customers (msisdn TEXT PRIMARY KEY, name TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS payments (
  seq INTEGER PRIMARY KEY, receipt TEXT NOT NULL UNIQUE, originator_conversation_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL, party TEXT NOT NULL, amount_cents INTEGER NOT NULL, charge_cents INTEGER NOT NULL,
  completed_at TEXT NOT NULL, command_id TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS failures (
  seq INTEGER PRIMARY KEY, originator_conversation_id TEXT NOT NULL, conversation_id TEXT NOT NULL, party TEXT NOT NULL,
  amount_cents INTEGER NOT NULL, command_id TEXT NOT NULL, result_code INTEGER NOT NULL, result_desc TEXT NOT NULL, at TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS collections (
  receipt TEXT PRIMARY KEY, msisdn TEXT NOT NULL, amount_cents INTEGER NOT NULL, completed_at TEXT NOT NULL,
  kind TEXT NOT NULL, reversed_by TEXT) STRICT;
CREATE TABLE IF NOT EXISTS originator_ids (id TEXT PRIMARY KEY, claimed_at_ms INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS receipts (receipt TEXT PRIMARY KEY) STRICT;
CREATE TABLE IF NOT EXISTS pending (conversation_id TEXT PRIMARY KEY, request TEXT NOT NULL) STRICT;
`;

export class SimulatorStore {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    try {
      this.db.pragma('busy_timeout = 0');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      // One simulator per file: a second one would keep its own copy of the truth and pay twice.
      this.db.pragma('locking_mode = EXCLUSIVE');
      const version = this.db.pragma('user_version', { simple: true }) as number;
      const used = this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
        n: number;
      };
      if (version !== schemaVersion && (version !== 0 || used.n > 0)) {
        throw new Error(
          `it was written by another version of the simulator (layout ${version}, expected ${schemaVersion}); move it away to start afresh`,
        );
      }
      this.db.transaction(() => {
        this.db.exec(schema);
        this.db.pragma(`user_version = ${schemaVersion}`);
      })();
    } catch (error) {
      this.db.close();
      const busy = (error as { code?: string }).code === 'SQLITE_BUSY';
      throw new Error(
        busy
          ? `The simulator state file ${path} is in use by another simulator`
          : `Cannot open the simulator state file ${path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Everything stored, and counts this start (the generation keeps identifiers from repeating). */
  load(): StoredState {
    return this.transaction(() => {
      const meta = new Map(
        (this.db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [
          r.key,
          r.value,
        ]),
      );
      const generation = Number(meta.get('generation') ?? '0');
      this.db
        .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run('generation', String(generation + 1));
      const balances = meta.get('balances');
      return {
        generation,
        balances: balances === undefined ? null : (JSON.parse(balances) as Balances),
        customers: this.db.prepare('SELECT msisdn, name FROM customers').all() as Array<{
          msisdn: string;
          name: string;
        }>,
        payments: (
          this.db.prepare('SELECT * FROM payments ORDER BY seq').all() as Array<Record<string, string | number>>
        ).map((r) => ({
          receipt: String(r.receipt),
          originatorConversationId: String(r.originator_conversation_id),
          conversationId: String(r.conversation_id),
          party: String(r.party),
          amountCents: Number(r.amount_cents),
          chargeCents: Number(r.charge_cents),
          completedAt: String(r.completed_at),
          commandId: String(r.command_id),
        })),
        failures: (
          this.db.prepare('SELECT * FROM failures ORDER BY seq').all() as Array<Record<string, string | number>>
        ).map((r) => ({
          originatorConversationId: String(r.originator_conversation_id),
          conversationId: String(r.conversation_id),
          party: String(r.party),
          amountCents: Number(r.amount_cents),
          commandId: String(r.command_id),
          resultCode: Number(r.result_code),
          resultDesc: String(r.result_desc),
          at: String(r.at),
        })),
        collections: (
          this.db.prepare('SELECT * FROM collections').all() as Array<Record<string, string | number | null>>
        ).map((r) => ({
          receipt: String(r.receipt),
          msisdn: String(r.msisdn),
          amountCents: Number(r.amount_cents),
          completedAt: new Date(String(r.completed_at)),
          kind: r.kind === 'stk' ? 'stk' : 'c2b',
          reversedBy: r.reversed_by === null ? null : String(r.reversed_by),
        })),
        claims: (
          this.db.prepare('SELECT id, claimed_at_ms FROM originator_ids').all() as Array<{
            id: string;
            claimed_at_ms: number;
          }>
        ).map((r) => ({ id: r.id, claimedAtMs: r.claimed_at_ms })),
        receipts: (this.db.prepare('SELECT receipt FROM receipts').all() as Array<{ receipt: string }>).map(
          (r) => r.receipt,
        ),
        pending: (
          this.db.prepare('SELECT request FROM pending ORDER BY rowid').all() as Array<{ request: string }>
        ).map((r) => JSON.parse(r.request) as PendingB2c),
      };
    });
  }

  /** Runs `work` in one transaction (nested calls become savepoints of the outer one). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  saveBalances(balances: Balances): void {
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run('balances', JSON.stringify(balances));
  }

  saveCustomer(msisdn: string, name: string): void {
    this.db
      .prepare(
        'INSERT INTO customers (msisdn, name) VALUES (?, ?) ON CONFLICT (msisdn) DO UPDATE SET name = excluded.name',
      )
      .run(msisdn, name);
  }

  saveClaim(id: string, claimedAtMs: number): void {
    this.db
      .prepare(
        'INSERT INTO originator_ids (id, claimed_at_ms) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET claimed_at_ms = excluded.claimed_at_ms',
      )
      .run(id, claimedAtMs);
  }

  deleteClaim(id: string): void {
    this.db.prepare('DELETE FROM originator_ids WHERE id = ?').run(id);
  }

  saveReceipt(receipt: string): void {
    this.db.prepare('INSERT OR IGNORE INTO receipts (receipt) VALUES (?)').run(receipt);
  }

  savePayment(p: PaymentRecord): void {
    this.db
      .prepare(
        'INSERT INTO payments (receipt, originator_conversation_id, conversation_id, party, amount_cents, charge_cents, completed_at, command_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        p.receipt,
        p.originatorConversationId,
        p.conversationId,
        p.party,
        p.amountCents,
        p.chargeCents,
        p.completedAt,
        p.commandId,
      );
  }

  saveFailure(f: FailureRecord): void {
    this.db
      .prepare(
        'INSERT INTO failures (originator_conversation_id, conversation_id, party, amount_cents, command_id, result_code, result_desc, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        f.originatorConversationId,
        f.conversationId,
        f.party,
        f.amountCents,
        f.commandId,
        f.resultCode,
        f.resultDesc,
        f.at,
      );
  }

  saveCollection(c: Collection): void {
    this.db
      .prepare(
        'INSERT INTO collections (receipt, msisdn, amount_cents, completed_at, kind, reversed_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (receipt) DO UPDATE SET reversed_by = excluded.reversed_by',
      )
      .run(c.receipt, c.msisdn, c.amountCents, c.completedAt.toISOString(), c.kind, c.reversedBy);
  }

  savePending(p: PendingB2c): void {
    this.db
      .prepare('INSERT INTO pending (conversation_id, request) VALUES (?, ?)')
      .run(p.conversationId, JSON.stringify(p));
  }

  deletePending(conversationId: string): void {
    this.db.prepare('DELETE FROM pending WHERE conversation_id = ?').run(conversationId);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
