// A broken audit chain is reported when a profile opens: the app (the same openCore the desktop and
// the browser host use) answers it on the dashboard and pushes it as an event; the CLI says it in
// one line on stderr. An untouched profile raises nothing.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { appendAudit, verifyAuditChain, verifyAuditChainInSlices } from '../../../src/main/ledger/audit';
import { loadOrCreateProfile } from '../../../src/main/composition/profile-database';
import { profileDatabasePath } from '../../../src/main/profiles';
import { formatDateTime } from '../../../src/shared/format';
import { cli, freshDataFolderEachTest } from '../cli/cli-helpers';
import { testApi, type TestApi } from '../handlers/helpers';

/** Rewrites one entry's details straight in the SQLite file, as someone with the file could. */
function tamperWithEntry(file: string, entryId: number): void {
  const raw = new Database(file);
  try {
    const triggers = raw
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
      .all() as Array<{ name: string; sql: string }>;
    raw.transaction(() => {
      for (const trigger of triggers) raw.exec(`DROP TRIGGER ${trigger.name}`);
      const changed = raw
        .prepare('UPDATE audit_log SET details = ? WHERE id = ?')
        .run('{"amountCents":1,"phone":"254700000000"}', entryId).changes;
      expect(changed).toBe(1);
      for (const trigger of triggers) raw.exec(trigger.sql);
    })();
  } finally {
    raw.close();
  }
}

function writeEntries(file: string, count: number): Array<{ id: number; at: string }> {
  const db = openDatabase(file);
  try {
    return Array.from({ length: count }, (_, i) =>
      appendAudit(db, {
        actor: 'Amina',
        action: 'worker.added',
        entity: 'worker',
        entityId: i + 1,
        details: { phone: `2547000000${String(i).padStart(2, '0')}`, amountCents: 150_000 + i },
      }),
    );
  } finally {
    closeDatabase(db);
  }
}

describe('the audit chain when the app opens a profile', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await testApi({ balanceOnOpen: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('raises no alarm for an untouched log, and names the edited entry once someone changes one', async () => {
    loadOrCreateProfile('demo', t.dataRoot);
    const file = profileDatabasePath('demo', t.dataRoot);
    const entries = writeEntries(file, 9);

    // As the app does when it starts on the profile used last (before anyone signs in).
    await t.api.session.select('demo');
    expect(await t.api.session.require().audit.done).toBeNull();
    expect((await t.call('dashboard.summary', {})).auditAlarm).toBeNull();
    await t.api.session.close();

    const middle = entries[4]!;
    tamperWithEntry(file, middle.id);
    const announced = t.next('audit.alarm');
    await t.api.session.select('demo');
    const alarm = await announced;

    expect(alarm).toMatchObject({ entryId: middle.id, at: middle.at, problem: 'edited' });
    expect(alarm.message).toBe(
      `The audit log was changed outside Mshahara: entry ${middle.id} (${formatDateTime(middle.at)}) was edited after it was written. ` +
        "Payments still work; tell your administrator and keep a copy of this profile's database.",
    );
    expect((await t.call('dashboard.summary', {})).auditAlarm).toEqual(alarm);
  });
});

describe('the audit chain when the CLI opens a profile', () => {
  const folder = freshDataFolderEachTest();

  it('prints one line on stderr naming the changed entry; an untouched profile prints none', async () => {
    loadOrCreateProfile('demo', folder.dataDir);
    const file = profileDatabasePath('demo', folder.dataDir);
    writeEntries(file, 6);

    const clean = await cli(['ledger', 'export', '--format', 'csv'], { secrets: folder.secrets });
    expect(clean.code).toBe(0);
    expect(clean.err).not.toContain('audit log');

    tamperWithEntry(file, 3);
    // By its database alone (an export), and as the app (the work list starts the engine).
    for (const argv of [
      ['ledger', 'export', '--format', 'csv'],
      ['runs', 'attention'],
    ]) {
      const tampered = await cli(argv, { secrets: folder.secrets });
      expect(tampered.code).toBe(0);
      const lines = tampered.err.split('\n').filter((l) => l.includes('audit log was changed'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('entry 3 (');
      expect(lines[0]).toContain('was edited after it was written');
    }
  });
});

describe('checking a large log in slices', () => {
  it('gives the same verdict as reading it whole, and gives the event loop back between slices', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mshahara-audit-'));
    const file = join(folder, 'profile.sqlite');
    try {
      const db = openDatabase(file);
      try {
        db.transaction(() => {
          for (let i = 0; i < 5_000; i += 1)
            appendAudit(db, {
              actor: 'system',
              action: 'payout_attempt.sending',
              entity: 'payout_attempt',
              entityId: i,
            });
        })();
        let turns = 0;
        const ticker = setInterval(() => (turns += 1), 0);
        const holds = await verifyAuditChainInSlices(db, { sliceRows: 500 });
        clearInterval(ticker);
        expect(holds).toEqual({ ok: true, rows: 5_000 });
        expect(turns).toBeGreaterThan(0);
      } finally {
        closeDatabase(db);
      }
      tamperWithEntry(file, 4_321);
      const reopened = openDatabase(file);
      try {
        expect(await verifyAuditChainInSlices(reopened, { sliceRows: 500 })).toMatchObject({
          ok: false,
          brokenAt: 4_321,
          problem: 'edited',
        });
        expect(verifyAuditChain(reopened)).toMatchObject({ ok: false, brokenAt: 4_321, problem: 'edited' });
      } finally {
        closeDatabase(reopened);
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
