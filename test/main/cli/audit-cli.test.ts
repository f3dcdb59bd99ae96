// The command line on a profile whose audit log is keyed: a command that writes seals its entries
// with the profile's key from the keychain, so the chain still verifies afterwards; `audit verify`
// says so, and names by id an entry edited in SQLite; `audit list` filters and exports.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { attachAuditKey } from '../../../src/main/composition/audit-key';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { appendAudit, verifyAuditChain } from '../../../src/main/ledger/audit';
import { createProfile, profileDatabasePath } from '../../../src/main/profiles';
import { cli, freshDataFolderEachTest } from './cli-helpers';

const folder = freshDataFolderEachTest();
const run = (argv: string[]) => cli(argv, { secrets: folder.secrets });
const profile = 'acme-sandbox';

/** A sandbox profile opened once by the app: its key is in the keychain and its first entry keyed. */
async function keyedProfile(): Promise<void> {
  createProfile({ name: profile, kind: 'sandbox', shortcode: '600000', initiatorName: 'apiop' });
  await withDatabase(async (db) => {
    expect(await attachAuditKey(db, folder.secrets, profile)).toBe(true);
    appendAudit(db, { actor: 'wanjiru', action: 'settings.amount_limits', entity: 'settings', details: { x: 1 } });
  });
}

async function withDatabase<T>(work: (db: ProfileDatabase) => Promise<T> | T): Promise<T> {
  const db = openDatabase(profileDatabasePath(profile));
  try {
    return await work(db);
  } finally {
    closeDatabase(db);
  }
}

function workerFile(): string {
  const file = join(folder.dataDir, 'workers.csv');
  writeFileSync(file, 'name,phone\r\nWambũi Njoroge,0712345678\r\nOtieno Ouma,0722000111\r\n');
  return file;
}

describe('a command that writes on a keyed profile', () => {
  it('seals its entries with the profile key, so the chain still verifies', async () => {
    await keyedProfile();
    const imported = await run(['workers', 'import', workerFile(), '--yes', '--profile', profile]);
    expect(imported.code).toBe(0);
    expect(imported.err).not.toContain('audit log');

    await withDatabase(async (db) => {
      const kinds = db.prepare('SELECT action, hash_kind AS kind FROM audit_log ORDER BY id').all();
      expect(kinds).toEqual([
        { action: 'settings.amount_limits', kind: 'hmac-sha256' },
        { action: 'worker.added', kind: 'hmac-sha256' },
        { action: 'worker.added', kind: 'hmac-sha256' },
        { action: 'workers.imported', kind: 'hmac-sha256' },
      ]);
      await attachAuditKey(db, folder.secrets, profile);
      expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 4 });
    });
    const verified = await run(['audit', 'verify', '--profile', profile]);
    expect(verified).toMatchObject({ code: 0, out: 'The audit log holds: 4 entries checked.\n' });
  });
});

describe('a command that reads', () => {
  it('checks a keyed chain with the key, so it raises no alarm over entries it can read', async () => {
    await keyedProfile();
    const exported = await run(['ledger', 'export', '--format', 'csv', '--profile', profile]);
    expect(exported.code).toBe(0);
    expect(exported.err).toBe('');
  });

  it('never asks the keychain for the demo profile', async () => {
    const refusing = {
      get: () => Promise.reject(new Error('the keychain was asked')),
      set: () => Promise.reject(new Error('the keychain was asked')),
      delete: () => Promise.reject(new Error('the keychain was asked')),
      has: () => Promise.reject(new Error('the keychain was asked')),
    };
    const exported = await cli(['ledger', 'export', '--format', 'csv'], { secrets: refusing });
    expect(exported).toMatchObject({ code: 0, err: '' });
    const verified = await cli(['audit', 'verify'], { secrets: refusing });
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/^The audit log holds: \d+ entr(y|ies) checked\.\n$/);
  });
});

describe('audit verify', () => {
  it('names an entry edited in SQLite by id and exits 1', async () => {
    await keyedProfile();
    expect((await run(['workers', 'import', workerFile(), '--yes', '--profile', profile])).code).toBe(0);
    await withDatabase((db) => {
      db.exec('DROP TRIGGER audit_log_append_only_update');
      db.prepare('UPDATE audit_log SET details = ? WHERE id = 2').run('{"name":"Someone Else","phone":"254799999999"}');
    });
    const verified = await run(['audit', 'verify', '--profile', profile, '--json']);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.out)).toMatchObject({
      ok: false,
      entryId: 2,
      problem: 'edited',
      words: 'added the worker Someone Else',
    });
    // Said once, by the command itself, not again as the opening warning.
    expect(verified.err).toBe('');
    const plain = await run(['audit', 'verify', '--profile', profile]);
    expect(plain.code).toBe(1);
    expect(plain.out).toContain('entry 2 (');
    expect(plain.out).toContain('was edited after it was written');
  });
});

describe('audit list', () => {
  it('filters by who and action, and exports the entries to CSV', async () => {
    await keyedProfile();
    expect((await run(['workers', 'import', workerFile(), '--yes', '--profile', profile])).code).toBe(0);
    const all = await run(['audit', 'list', '--profile', profile, '--json']);
    expect(all.code).toBe(0);
    const entries = JSON.parse(all.out) as { id: number; words: string }[];
    expect(entries.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    const added = await run(['audit', 'list', '--profile', profile, '--action', 'worker.added']);
    expect(added.out).toContain('added the worker Otieno Ouma');
    expect(added.out).toContain('added the worker Wambũi Njoroge');
    expect(added.out).not.toContain('imported workers');
    const byWanjiru = await run(['audit', 'list', '--profile', profile, '--actor', 'WANJIRU', '--json']);
    expect((JSON.parse(byWanjiru.out) as { id: number }[]).map((e) => e.id)).toEqual([1]);

    const file = join(folder.dataDir, 'audit.csv');
    const exported = await run(['audit', 'list', '--profile', profile, '--search', 'wambui', '--export', file]);
    expect(exported.code).toBe(0);
    expect(exported.err).toContain('(1 entry)');
    const rows = parse(readFileSync(file, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((r) => r['What'])).toEqual(['added the worker Wambũi Njoroge']);
    const key = await folder.secrets.get(profile, 'audit-key');
    expect(key).toBeDefined();
    expect(readFileSync(file, 'utf8')).not.toContain(key?.split(':')[1]);
  });

  it('refuses --to before --from with the help', async () => {
    const refused = await run(['audit', 'list', '--from', '05/11/2026', '--to', '03/11/2026']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--to is before --from');
  });
});
