// The profile's audit key as the ledger sees it: registered on the open connection by the
// composition root (src/main/composition/audit-key.ts), the way openDatabase registers fold(), so
// appendAudit and the chain check find it without every caller passing it along. A connection with
// no key registered (tests, tools) writes entries sealed with plain sha256, as before keys existed.
import type BetterSqlite3 from 'better-sqlite3';
import { InternalError } from '../../shared/errors';

type Db = BetterSqlite3.Database;

export interface AuditSeal {
  /** 32 random bytes, kept only in the OS keychain. */
  readonly key: Buffer;
  /**
   * The last entry written before the key existed: entries up to it may be sealed with plain
   * sha256, every later one must be keyed. Kept in the keychain with the key, so an edit of the
   * file cannot pass a rebuilt chain off as entries from before the key.
   */
  readonly unkeyedThrough: number;
}

const seals = new WeakMap<Db, AuditSeal>();

export function registerAuditSeal(db: Db, seal: AuditSeal): void {
  if (seal.key.length !== 32) throw new InternalError('The audit key must be 32 bytes.');
  if (!Number.isSafeInteger(seal.unkeyedThrough) || seal.unkeyedThrough < 0) {
    throw new InternalError('The audit key names no valid entry.');
  }
  seals.set(db, seal);
}

/** The seal registered on this connection, or undefined. */
export function auditSealOf(db: Db): AuditSeal | undefined {
  return seals.get(db);
}
