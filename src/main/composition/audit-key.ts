// The profile's audit key: 32 random bytes kept only in the OS keychain ("<profile>/audit-key"),
// made the first time the profile opens with a keychain, and registered on the open connection so
// every audit entry is sealed with it (src/main/ledger/audit-seal.ts). With the key the keychain
// also keeps the last entry written before it existed: entries after it must all be keyed.
import { randomBytes } from 'node:crypto';
import { InternalError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { registerAuditSeal, type AuditSeal } from '../ledger/audit-seal';
import type { Profile, SecretStore } from '../secrets/secret-store';

const secretName = 'audit-key';
const format = /^hmac-sha256:([0-9a-f]{64}):(0|[1-9][0-9]{0,15})$/;

/**
 * Reads the profile's audit key, making it when the profile has none and no entry was ever sealed
 * with one, and registers it on `db`. Returns false, registering nothing, when entries are sealed
 * with a key the keychain no longer holds: a new key would make them all look edited, so they are
 * reported as not checkable instead.
 */
export async function attachAuditKey(db: ProfileDatabase, store: SecretStore, profile: Profile): Promise<boolean> {
  const stored = await store.get(profile, secretName);
  if (stored !== undefined) {
    registerAuditSeal(db, parseSeal(stored));
    return true;
  }
  const keyed = db.prepare("SELECT 1 FROM audit_log WHERE hash_kind = 'hmac-sha256' LIMIT 1").get();
  if (keyed !== undefined) return false;
  const seal: AuditSeal = { key: randomBytes(32), unkeyedThrough: highestAuditId(db) };
  await store.set(profile, secretName, `hmac-sha256:${seal.key.toString('hex')}:${seal.unkeyedThrough}`);
  registerAuditSeal(db, seal);
  return true;
}

function parseSeal(stored: string): AuditSeal {
  const match = format.exec(stored);
  // The message never carries the stored value: it is the key.
  if (match === null)
    throw new InternalError("The profile's audit key in the keychain is not in the form Mshahara writes.");
  return { key: Buffer.from(match[1] ?? '', 'hex'), unkeyedThrough: Number(match[2]) };
}

/** The highest entry id ever given out (AUTOINCREMENT remembers removed ones too). */
function highestAuditId(db: ProfileDatabase): number {
  const sequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").get() as
    { seq: number } | undefined;
  const last = db.prepare('SELECT MAX(id) AS id FROM audit_log').get() as { id: number | null };
  return Math.max(sequence?.seq ?? 0, last.id ?? 0);
}
