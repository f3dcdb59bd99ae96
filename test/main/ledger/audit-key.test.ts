// The audit chain sealed with the profile's audit key from the OS keychain: a chain rebuilt by
// someone with the file but not the key is found, naming the first entry that does not hold; old
// entries from before the key keep verifying; the key itself is never written to the database.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import { attachAuditKey } from '../../../src/main/composition/audit-key';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { appendAudit, genesisHash, verifyAuditChain, verifyAuditChainInSlices } from '../../../src/main/ledger/audit';
import { auditAlarmOf } from '../../../src/main/ledger/audit-alarm';
import { KeytarSecretStore } from '../../../src/main/secrets/keytar-store';
import { startPrivateKeyring, type PrivateKeyring } from '../../helpers/keyring';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-audit-key-');
const store = new KeytarSecretStore();
let keyring: PrivateKeyring;
let profileCount = 0;
beforeAll(async () => {
  keyring = await startPrivateKeyring();
});
afterAll(async () => {
  await keyring?.stop();
});
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

/** A fresh profile name (its own keychain entry) and database file. */
function freshProfile(): { profile: string; file: string } {
  profileCount += 1;
  return { profile: `acme-${profileCount}`, file: temp.path(`audit-${profileCount}.sqlite`) };
}

function open(file: string): ProfileDatabase {
  const db = openDatabase(file);
  opened.push(db);
  return db;
}

function append(db: ProfileDatabase, n: number): void {
  appendAudit(db, {
    actor: 'Amina Mwangi',
    action: 'payroll_item.amount_changed',
    entity: 'payroll_item',
    entityId: n,
    details: { fromCents: 100000 * n, toCents: 100000 * n + 50000 },
  });
}

interface Row {
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

function rows(db: ProfileDatabase): Row[] {
  return db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Row[];
}

/**
 * What someone with the file and a SQLite shell, but not the keychain, can do: change one entry's
 * details, then seal it and every entry from `from` on again with plain sha256, as the old chain was.
 */
function rebuildWithoutKey(db: ProfileDatabase, editedId: number, from: number, kind: 'plain' | 'claim-keyed'): void {
  db.exec('DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;');
  db.prepare('UPDATE audit_log SET details = ? WHERE id = ?').run('{"fromCents":1,"toCents":999999999}', editedId);
  let prevHash = from === 1 ? genesisHash : (rows(db).find((row) => row.id === from - 1)?.hash ?? '');
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ?, hash_kind = ? WHERE id = ?');
  for (const row of rows(db).filter((r) => r.id >= from)) {
    const text = canonicalize({
      at: row.at,
      actor: row.actor,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      details: JSON.parse(row.details) as unknown,
    });
    const hash = createHash('sha256')
      .update(`${prevHash}${text ?? ''}`, 'utf8')
      .digest('hex');
    update.run(prevHash, hash, kind === 'plain' ? null : 'hmac-sha256', row.id);
    prevHash = hash;
  }
}

/** Two entries from before the profile had a key, then the key, then three sealed with it. */
async function oldThenKeyed(): Promise<{ db: ProfileDatabase; profile: string; file: string }> {
  const { profile, file } = freshProfile();
  const db = open(file);
  append(db, 1);
  append(db, 2);
  expect(await attachAuditKey(db, store, profile)).toBe(true);
  for (const n of [3, 4, 5]) append(db, n);
  return { db, profile, file };
}

describe('the keyed audit chain', () => {
  it('seals new entries with the key and verifies them after old plain entries, whole and in slices', async () => {
    const { db } = await oldThenKeyed();
    expect(rows(db).map((row) => row.hash_kind)).toEqual([null, null, 'hmac-sha256', 'hmac-sha256', 'hmac-sha256']);
    expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 5 });
    expect(await verifyAuditChainInSlices(db, { sliceRows: 2 })).toEqual({ ok: true, rows: 5 });
  });

  it('reads the same key back when the profile opens again, and keeps chaining with it', async () => {
    const { db, profile, file } = await oldThenKeyed();
    closeDatabase(db);
    const again = open(file);
    expect(await attachAuditKey(again, store, profile)).toBe(true);
    append(again, 6);
    expect(rows(again).at(-1)?.hash_kind).toBe('hmac-sha256');
    expect(verifyAuditChain(again)).toEqual({ ok: true, rows: 6 });
  });

  it('finds an edited entry whose chain was rebuilt from it on with plain sha256', async () => {
    const { db } = await oldThenKeyed();
    rebuildWithoutKey(db, 4, 4, 'plain');
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 4, problem: 'rebuilt' });
    const alarm = auditAlarmOf(verifyAuditChain(db));
    expect(alarm?.entryId).toBe(4);
    expect(alarm?.message).toMatch(/changed outside Mshahara: entry 4 .*sealed again without the profile's audit key/);
  });

  it('finds a chain rebuilt from the first entry with plain sha256, at the first entry sealed after the key', async () => {
    const { db } = await oldThenKeyed();
    rebuildWithoutKey(db, 4, 1, 'plain');
    // Entries 1 and 2 come out as they were (nothing in them changed); entry 3 was sealed with the key.
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 3, problem: 'rebuilt' });
  });

  it('finds an edited entry rebuilt with plain sha256 that still claims to be keyed', async () => {
    const { db } = await oldThenKeyed();
    rebuildWithoutKey(db, 4, 4, 'claim-keyed');
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 4, problem: 'edited' });
  });

  it('finds an entry written without the key after keyed ones', async () => {
    const { db, file } = await oldThenKeyed();
    // A tool opening the file without the keychain appends one entry.
    const tool = openDatabase(file);
    append(tool, 6);
    closeDatabase(tool);
    expect(verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: 6, problem: 'rebuilt' });
  });

  it('reports keyed entries as not checkable, not as edited, without the keychain', async () => {
    const { file } = await oldThenKeyed();
    const withoutKey = open(file);
    const check = verifyAuditChain(withoutKey);
    expect(check).toMatchObject({ ok: false, brokenAt: 3, problem: 'unverifiable' });
    const alarm = auditAlarmOf(check);
    expect(alarm?.message).toMatch(/cannot be checked without the profile's keychain/);
    expect(alarm?.message).not.toMatch(/changed outside Mshahara/);
  });

  it('makes no new key when entries are sealed with one the keychain no longer holds', async () => {
    const { profile, file, db } = await oldThenKeyed();
    closeDatabase(db);
    expect(await store.delete(profile, 'audit-key')).toBe(true);
    const again = open(file);
    expect(await attachAuditKey(again, store, profile)).toBe(false);
    expect(await store.has(profile, 'audit-key')).toBe(false);
    expect(verifyAuditChain(again)).toMatchObject({ ok: false, brokenAt: 3, problem: 'unverifiable' });
  });

  it('never writes the key to the database files or the audit details', async () => {
    const { db, profile, file } = await oldThenKeyed();
    const canary = `canary-${Date.now()}`;
    appendAudit(db, { actor: 'system', action: 'check', entity: 'profile', details: { note: canary } });
    const stored = await store.get(profile, 'audit-key');
    const keyHex = /^hmac-sha256:([0-9a-f]{64}):/.exec(stored ?? '')?.[1];
    expect(keyHex).toMatch(/^[0-9a-f]{64}$/);
    const key = Buffer.from(keyHex ?? '', 'hex');
    const forms = [key, Buffer.from(keyHex ?? ''), Buffer.from(key.toString('base64'))];
    const folder = file.slice(0, file.lastIndexOf('/'));
    const names = (await readdir(folder)).filter((name) => name.startsWith(file.slice(folder.length + 1)));
    expect(names.length).toBeGreaterThan(1); // the database and its write-ahead log
    let canaryFound = false;
    for (const name of names) {
      const bytes = await readFile(`${folder}/${name}`);
      if (bytes.includes(Buffer.from(canary))) canaryFound = true;
      for (const form of forms) expect(bytes.includes(form), `key in ${name}`).toBe(false);
    }
    // The scan does read what was just written.
    expect(canaryFound).toBe(true);
    for (const row of rows(db)) {
      for (const form of forms) expect(row.details.includes(form.toString('latin1'))).toBe(false);
      expect(row.details).not.toContain(keyHex);
    }
  });
});
