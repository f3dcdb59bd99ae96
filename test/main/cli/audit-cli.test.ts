// The command line on a profile whose audit log is keyed: a command that writes seals its entries
// with the profile's key from the keychain, so the chain still verifies afterwards; `audit verify`
// says so, and names by id an entry edited in SQLite; `audit list` filters and exports. Both read
// only, and only for an auditor or an admin signed in with --user, as on the screens.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { attachAuditKey } from '../../../src/main/composition/audit-key';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { appendAudit, verifyAuditChain } from '../../../src/main/ledger/audit';
import { createProfile, profileDatabasePath } from '../../../src/main/profiles';
import { exitCodes } from '../../../src/main/cli/usage';
import { seedPeople } from '../../helpers/people';
import { cli, freshDataFolderEachTest, seedCliPeople, signedIn } from './cli-helpers';

const folder = freshDataFolderEachTest();
const run = (argv: string[]) => cli(argv, { secrets: folder.secrets, env: signedIn });
const profile = 'acme-sandbox';
/** The test people who act here: the officer imports workers, the auditor reads the log. */
const officer = ['--user', 'amina'];
const auditor = ['--user', 'daudi'];

/**
 * A sandbox profile opened once by the app, with the test people: its key is in the keychain and
 * its first entry keyed.
 */
async function keyedProfile(): Promise<void> {
  createProfile({ name: profile, kind: 'sandbox', shortcode: '600000', initiatorName: 'apiop' });
  await withDatabase(async (db) => {
    expect(await attachAuditKey(db, folder.secrets, profile)).toBe(true);
    appendAudit(db, { actor: 'wanjiru', action: 'settings.amount_limits', entity: 'settings', details: { x: 1 } });
    await seedPeople(db);
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
    const imported = await run(['workers', 'import', workerFile(), '--yes', ...officer, '--profile', profile]);
    expect(imported.code).toBe(0);
    expect(imported.err).not.toContain('audit log');

    await withDatabase(async (db) => {
      const kinds = db.prepare('SELECT action, actor, hash_kind AS kind FROM audit_log ORDER BY id').all();
      expect(kinds).toEqual([
        { action: 'settings.amount_limits', actor: 'wanjiru', kind: 'hmac-sha256' },
        { action: 'account.signed_in', actor: 'amina', kind: 'hmac-sha256' },
        { action: 'worker.added', actor: 'amina', kind: 'hmac-sha256' },
        { action: 'worker.added', actor: 'amina', kind: 'hmac-sha256' },
        { action: 'workers.imported', actor: 'amina', kind: 'hmac-sha256' },
      ]);
      await attachAuditKey(db, folder.secrets, profile);
      expect(verifyAuditChain(db)).toEqual({ ok: true, rows: 5 });
    });
    // The auditor's own sign-in is the sixth entry, sealed like the rest.
    const verified = await run(['audit', 'verify', ...auditor, '--profile', profile]);
    expect(verified).toMatchObject({ code: 0, out: 'The audit log holds: 6 entries checked.\n' });
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
    await seedCliPeople();
    const verified = await cli(['audit', 'verify', ...auditor], { secrets: refusing, env: signedIn });
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/^The audit log holds: \d+ entr(y|ies) checked\.\n$/);
  });
});

describe('audit verify', () => {
  it('names an entry edited in SQLite by id and exits 1', async () => {
    await keyedProfile();
    expect((await run(['workers', 'import', workerFile(), '--yes', ...officer, '--profile', profile])).code).toBe(0);
    // Entry 2 is the officer's sign-in; entry 3 the first worker added.
    await withDatabase((db) => {
      db.exec('DROP TRIGGER audit_log_append_only_update');
      db.prepare('UPDATE audit_log SET details = ? WHERE id = 3').run('{"name":"Someone Else","phone":"254799999999"}');
    });
    const verified = await run(['audit', 'verify', ...auditor, '--profile', profile, '--json']);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.out)).toMatchObject({
      ok: false,
      entryId: 3,
      problem: 'edited',
      words: 'added the worker Someone Else',
    });
    // Said once, by the command itself, not again as the opening warning.
    expect(verified.err).toBe('');
    const plain = await run(['audit', 'verify', ...auditor, '--profile', profile]);
    expect(plain.code).toBe(1);
    expect(plain.out).toContain('entry 3 (');
    expect(plain.out).toContain('was edited after it was written');
  });
});

describe('audit list', () => {
  it('filters by who and action, and exports the entries to CSV', async () => {
    await keyedProfile();
    expect((await run(['workers', 'import', workerFile(), '--yes', ...officer, '--profile', profile])).code).toBe(0);
    const all = await run(['audit', 'list', ...auditor, '--profile', profile, '--json']);
    expect(all.code).toBe(0);
    const entries = JSON.parse(all.out) as { id: number; words: string }[];
    // 1 the settings, 2 the officer's sign-in, 3-5 the import, 6 the auditor's own sign-in.
    expect(entries.map((e) => e.id)).toEqual([6, 5, 4, 3, 2, 1]);
    const added = await run(['audit', 'list', ...auditor, '--profile', profile, '--action', 'worker.added']);
    expect(added.out).toContain('added the worker Otieno Ouma');
    expect(added.out).toContain('added the worker Wambũi Njoroge');
    expect(added.out).not.toContain('imported workers');
    const byWanjiru = await run(['audit', 'list', ...auditor, '--profile', profile, '--actor', 'WANJIRU', '--json']);
    expect((JSON.parse(byWanjiru.out) as { id: number }[]).map((e) => e.id)).toEqual([1]);

    const file = join(folder.dataDir, 'audit.csv');
    const exported = await run([
      'audit',
      'list',
      ...auditor,
      '--profile',
      profile,
      '--search',
      'wambui',
      '--export',
      file,
    ]);
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

describe('who may read the audit log', () => {
  it('needs --user, and refuses whoever the screens refuse: only an auditor or an admin reads it', async () => {
    await keyedProfile();
    const file = join(folder.dataDir, 'audit.csv');
    for (const argv of [
      ['audit', 'verify'],
      ['audit', 'list'],
      ['audit', 'list', '--export', file],
    ]) {
      const nobody = await run([...argv, '--profile', profile]);
      expect(nobody.code, argv.join(' ')).toBe(exitCodes.usage);
      expect(nobody.err, argv.join(' ')).toMatch(/needs --user <your username>[\s\S]*Usage: npm run cli -- audit/);
      expect(nobody.out, argv.join(' ')).toBe('');
      const byOfficer = await run([...argv, ...officer, '--profile', profile]);
      expect(byOfficer.code, argv.join(' ')).toBe(exitCodes.error);
      expect(byOfficer.err, argv.join(' ')).toMatch(/audit log needs the Admin or Auditor role\. .*Payroll officer/);
      expect(byOfficer.out, argv.join(' ')).toBe('');
    }
    expect(existsSync(file)).toBe(false);

    const byAdmin = await run(['audit', 'list', '--user', 'wanjiru', '--profile', profile, '--json']);
    expect(byAdmin.code).toBe(0);
    const actions = (JSON.parse(byAdmin.out) as { action: string; actor: string }[]).map((e) => e.action);
    expect(actions[0]).toBe('account.signed_in');
    expect(actions).toContain('settings.amount_limits');
  });
});
