// The audit log: who did what, hash-chained so that an edited, removed or reordered row is
// detectable. Each row stores prev_hash and hash = HMAC-SHA256(the profile's audit key, prev_hash +
// canonical JSON of the row), so only Mshahara, holding the key from the keychain, can seal one.
// Rows written before the profile had a key (hash_kind NULL) keep their plain sha256.
import { createHash, createHmac } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { InternalError } from '../../shared/errors';
import { redactedKeys } from '../../shared/redaction';
import { auditSealOf, type AuditSeal } from './audit-seal';

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
  hash_kind: string | null;
}

/** hash_kind of an entry sealed with the profile's audit key; NULL is plain sha256. */
const keyedKind = 'hmac-sha256';

/**
 * Appends one entry. Runs inside the caller's transaction when there is one, so a state change
 * and its audit entry commit together (docs/money-safety.md#rule-15); otherwise takes the write lock
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
    const key = auditSealOf(db)?.key;
    const hash = auditEntryHash(prevHash, row, key);
    const result = db
      .prepare(
        'INSERT INTO audit_log (at, actor, action, entity, entity_id, details, prev_hash, hash, hash_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        row.at,
        row.actor,
        row.action,
        row.entity,
        row.entityId,
        detailsJson,
        prevHash,
        hash,
        key ? keyedKind : null,
      );
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

/** What is wrong where a chain breaks, for the alarm's plain words. */
export type AuditBreak =
  | 'edited'
  | 'unreadable'
  | 'out_of_order'
  | 'missing'
  | 'missing_at_end'
  /** Sealed without the profile's key where the key was in use: the chain was rebuilt outside Mshahara. */
  | 'rebuilt'
  /** Sealed with the profile's key, which this connection does not have: not checked, not known to be edited. */
  | 'unverifiable';

export type AuditChainCheck =
  | { ok: true; rows: number }
  | {
      ok: false;
      /** The first entry that does not hold (for entries removed from the end, the first id missing). */
      brokenAt: number;
      /** When that entry says it was written; null when it is gone. */
      at: string | null;
      problem: AuditBreak;
      reason: string;
    };

type Broken = Extract<AuditChainCheck, { ok: false }>;

/** Where a walk of the chain stands: the last entry that held. */
interface ChainPosition {
  prevHash: string;
  lastId: number | undefined;
  rows: number;
  /** A keyed entry has been read: every later one must be keyed too. */
  keyed: boolean;
}

const chainRows =
  'SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash, hash_kind FROM audit_log WHERE id > ? ORDER BY id';

/** Checks one entry against the one before it; null when it holds. */
function checkEntry(row: AuditRow, position: ChainPosition, seal: AuditSeal | undefined): Broken | null {
  const broken = (problem: AuditBreak, reason: string): Broken => ({
    ok: false,
    brokenAt: row.id,
    at: row.at,
    problem,
    reason,
  });
  if (position.lastId !== undefined && row.id !== position.lastId + 1) {
    return broken('missing', `entries ${position.lastId + 1} to ${row.id - 1} are missing`);
  }
  if (row.prev_hash !== position.prevHash) {
    return broken('out_of_order', 'does not follow the entry before it (an entry was removed, inserted or reordered)');
  }
  let key: Buffer | undefined;
  if (row.hash_kind === keyedKind) {
    if (seal === undefined) {
      return broken(
        'unverifiable',
        "is sealed with the profile's audit key, which is in the keychain and not available here",
      );
    }
    key = seal.key;
    position.keyed = true;
  } else if (row.hash_kind !== null) {
    return broken('edited', 'names a seal Mshahara never writes (the entry was edited)');
  } else if (position.keyed || (seal !== undefined && row.id > seal.unkeyedThrough)) {
    return broken('rebuilt', "is not sealed with the profile's audit key (the chain was rebuilt outside Mshahara)");
  }
  if (storedEntryHash(row, key) === row.hash) return null;
  // Not as written: re-read the details the slow way, so the reason names what is wrong.
  let details: unknown;
  try {
    details = JSON.parse(row.details);
  } catch {
    return broken('unreadable', 'details are not valid JSON (the entry was edited)');
  }
  const hash = auditEntryHash(
    row.prev_hash,
    {
      at: row.at,
      actor: row.actor,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      details,
    },
    key,
  );
  return hash === row.hash ? null : broken('edited', 'content does not match its hash (the entry was edited)');
}

/**
 * Walks up to `limit` entries after `position`, moving it along. Returns the break, 'more' when
 * entries remain, or the final verdict once the whole log has been read.
 */
function walkChain(db: Db, position: ChainPosition, limit: number): AuditChainCheck | 'more' {
  // One read transaction: the rows and the highest id given out are read from one snapshot, so an
  // entry another program appends meanwhile cannot look like entries removed from the end.
  return db.transaction(() => walkSnapshot(db, position, limit))();
}

function walkSnapshot(db: Db, position: ChainPosition, limit: number): AuditChainCheck | 'more' {
  let read = 0;
  const seal = auditSealOf(db);
  const entries = db.prepare(`${chainRows} LIMIT ?`).iterate(position.lastId ?? 0, limit) as IterableIterator<AuditRow>;
  for (const row of entries) {
    const broken = checkEntry(row, position, seal);
    if (broken !== null) {
      entries.return?.();
      return broken;
    }
    position.prevHash = row.hash;
    position.lastId = row.id;
    position.rows += 1;
    read += 1;
  }
  if (read === limit) return 'more';
  // AUTOINCREMENT remembers the highest id ever given out: entries removed from the end leave it
  // ahead of the last row, which the chain alone cannot show.
  const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").get() as
    { seq: number } | undefined;
  const highest = sequence?.seq ?? 0;
  const next = (position.lastId ?? 0) + 1;
  if (highest >= next) {
    return {
      ok: false,
      brokenAt: next,
      at: null,
      problem: 'missing_at_end',
      reason: `entries ${next} to ${highest} are missing from the end`,
    };
  }
  return { ok: true, rows: position.rows };
}

/** Walks the whole chain from the first row and reports the first row that does not hold. */
export function verifyAuditChain(db: Db): AuditChainCheck {
  const position: ChainPosition = { prevHash: genesisHash, lastId: undefined, rows: 0, keyed: false };
  const verdict = walkChain(db, position, Number.MAX_SAFE_INTEGER);
  if (verdict === 'more') throw new InternalError('The audit log has more entries than can be counted.');
  return verdict;
}

/**
 * The same check in slices of `sliceRows` entries, giving the event loop back between slices: a
 * large log is checked after a profile opens without holding up payments or the screens. Entries
 * appended meanwhile are checked too (they chain onto the last one). `stopped` ends it early (null).
 */
export async function verifyAuditChainInSlices(
  db: Db,
  options: { sliceRows?: number; stopped?: () => boolean } = {},
): Promise<AuditChainCheck | null> {
  const sliceRows = options.sliceRows ?? 2_000;
  const position: ChainPosition = { prevHash: genesisHash, lastId: undefined, rows: 0, keyed: false };
  for (;;) {
    if (options.stopped?.() === true || !db.open) return null;
    const verdict = walkChain(db, position, sliceRows);
    if (verdict !== 'more') return verdict;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * The hash of a row as stored. appendAudit writes details as canonical JSON, so the canonical form
 * of the whole row is its fields in key order around the stored text: no parse, no re-canonicalising
 * (the whole log is checked each time a profile opens). Strings are serialised as JCS does.
 */
function storedEntryHash(row: AuditRow, key: Buffer | undefined): string {
  const text =
    `{"action":${JSON.stringify(row.action)},"actor":${JSON.stringify(row.actor)},"at":${JSON.stringify(row.at)},` +
    `"details":${row.details},"entity":${JSON.stringify(row.entity)},"entityId":${JSON.stringify(row.entity_id)}}`;
  return seal(key, row.prev_hash + text);
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

/** Exported for tools that check an exported log outside the app; `key` for entries with hash_kind 'hmac-sha256'. */
export function auditEntryHash(prevHash: string, row: HashedRow, key?: Buffer): string {
  return seal(key, prevHash + canonicalJson(row));
}

function seal(key: Buffer | undefined, text: string): string {
  const hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  return hash.update(text, 'utf8').digest('hex');
}

/** RFC 8785 (JCS) canonical JSON: the same value always gives the same bytes, whatever the key order. */
function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new InternalError('Audit details must be JSON values.');
  return text;
}

const secretKeys = new Set(redactedKeys.map((key) => key.toLowerCase()));

/** Secrets never go into SQLite (docs/architecture.md#the-data); the audit log is the likeliest place to leak one. */
function refuseSecrets(value: unknown, path: string): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (secretKeys.has(key.toLowerCase())) {
      throw new InternalError(`Audit details must not carry secrets (found "${path}.${key}").`);
    }
    refuseSecrets(inner, `${path}.${key}`);
  }
}
