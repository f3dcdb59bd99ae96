// The audit log: who did what, hash-chained so that an edited, removed or reordered row is
// detectable. Each row stores prev_hash and hash = sha256(prev_hash + canonical JSON of the row).
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { InternalError } from '../../shared/errors';
import { redactedKeys } from '../../shared/redaction';

type Db = BetterSqlite3.Database;

/** prev_hash of the first row: there is nothing before it. */
export const genesisHash = '0'.repeat(64);

export interface AuditEntry {
  /** Who: a user's name or id, or 'system' for the payout engine and the relay poller. */
  actor: string;
  /** What, as a short verb phrase: 'payroll_run.approved', 'worker.archived'. */
  action: string;
  entity: string;
  entityId?: string | number | null;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  at: string;
  hash: string;
  prevHash: string;
}

export type AuditChainCheck = { ok: true; rows: number } | { ok: false; brokenAt: number; reason: string };

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/**
 * Appends one entry. Runs inside the caller's transaction when there is one, so a state change
 * and its audit entry commit together (DESIGN §4 invariant 5); otherwise takes the write lock
 * itself so two writers cannot both chain onto the same row.
 */
export function appendAudit(db: Db, entry: AuditEntry): AuditRecord {
  const details = entry.details ?? {};
  refuseSecrets(details, 'details');
  const row: HashedRow = {
    at: new Date().toISOString(),
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    details,
  };
  const detailsJson = canonicalJson(details);
  const append = (): AuditRecord => {
    const last = db.prepare('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
      { hash: string } | undefined;
    const prevHash = last?.hash ?? genesisHash;
    const hash = auditEntryHash(prevHash, row);
    const result = db
      .prepare(
        'INSERT INTO audit_log (at, actor, action, entity, entity_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(row.at, row.actor, row.action, row.entity, row.entityId, detailsJson, prevHash, hash);
    return { id: Number(result.lastInsertRowid), at: row.at, hash, prevHash };
  };
  return db.inTransaction ? append() : db.transaction(append).immediate();
}

/** When `action` was last recorded for one entity, or null if never. */
export function lastAuditedAt(db: Db, entity: string, entityId: string | number, action: string): string | null {
  const row = db
    .prepare('SELECT at FROM audit_log WHERE entity = ? AND entity_id = ? AND action = ? ORDER BY id DESC LIMIT 1')
    .get(entity, String(entityId), action) as { at: string } | undefined;
  return row?.at ?? null;
}

/** Walks the whole chain from the first row and reports the first row that does not hold. */
export function verifyAuditChain(db: Db): AuditChainCheck {
  let prevHash = genesisHash;
  let expectedId: number | undefined;
  let rows = 0;
  const all = db.prepare(
    'SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash FROM audit_log ORDER BY id',
  );
  for (const row of all.iterate() as IterableIterator<AuditRow>) {
    if (expectedId !== undefined && row.id !== expectedId) {
      return { ok: false, brokenAt: row.id, reason: `entries ${expectedId} to ${row.id - 1} are missing` };
    }
    if (row.prev_hash !== prevHash) {
      return {
        ok: false,
        brokenAt: row.id,
        reason: 'does not follow the entry before it (an entry was removed, inserted or reordered)',
      };
    }
    let details: unknown;
    try {
      details = JSON.parse(row.details);
    } catch {
      return { ok: false, brokenAt: row.id, reason: 'details are not valid JSON (the entry was edited)' };
    }
    const hash = auditEntryHash(row.prev_hash, {
      at: row.at,
      actor: row.actor,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      details,
    });
    if (hash !== row.hash) {
      return { ok: false, brokenAt: row.id, reason: 'content does not match its hash (the entry was edited)' };
    }
    prevHash = row.hash;
    expectedId = row.id + 1;
    rows += 1;
  }
  // AUTOINCREMENT remembers the highest id ever given out: entries removed from the end leave it
  // ahead of the last row, which the chain alone cannot show.
  const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").get() as
    { seq: number } | undefined;
  const highest = sequence?.seq ?? 0;
  const next = expectedId ?? 1;
  if (highest >= next) {
    return { ok: false, brokenAt: next, reason: `entries ${next} to ${highest} are missing from the end` };
  }
  return { ok: true, rows };
}

/** What the hash covers: every column but id (order is carried by prev_hash) and the hashes. */
export interface HashedRow {
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  details: unknown;
}

/** Exported for tools that check an exported log outside the app. */
export function auditEntryHash(prevHash: string, row: HashedRow): string {
  return createHash('sha256')
    .update(prevHash + canonicalJson(row), 'utf8')
    .digest('hex');
}

/** RFC 8785 (JCS) canonical JSON: the same value always gives the same bytes, whatever the key order. */
function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new InternalError('Audit details must be JSON values.');
  return text;
}

const secretKeys = new Set(redactedKeys.map((key) => key.toLowerCase()));

/** Secrets never go into SQLite (DESIGN §6); the audit log is the likeliest place to leak one. */
function refuseSecrets(value: unknown, path: string): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (secretKeys.has(key.toLowerCase())) {
      throw new InternalError(`Audit details must not carry secrets (found "${path}.${key}").`);
    }
    refuseSecrets(inner, `${path}.${key}`);
  }
}
