// The audit view over a real profile database: entries written by the real domain functions are
// listed newest first with who (and their name), what in words and before → after; each filter
// narrows the list; the export holds the rows and no secret; the on-demand check names the first
// entry that does not hold, whether edited in place or rebuilt with plain hashes under a key.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { appendAudit, auditEntryHash } from '../../../src/main/ledger/audit';
import { exportAuditLog } from '../../../src/main/ledger/audit-export';
import { registerAuditSeal } from '../../../src/main/ledger/audit-seal';
import { listAuditEntries, verifyAuditLog, type AuditFilter } from '../../../src/main/ledger/audit-view';
import { saveApprovalPolicy } from '../../../src/main/payroll/approval-policy';
import { addWorker, editWorker } from '../../../src/main/payroll/workers';
import { addAccount, setRoles } from '../../../src/main/users/accounts';
import { seedPeople, testPassword, type TestPeople } from '../../helpers/people';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-audit-view-');
let db: ProfileDatabase;
let people: TestPeople;
const newPassword = 'Handed-over-on-paper-42';

/** Writes at a chosen instant: the audit row takes its time from the clock. */
function at<T>(iso: string, write: () => T): T {
  vi.setSystemTime(new Date(iso));
  return write();
}

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  db = openDatabase(temp.path('audit.sqlite'));
  people = await seedPeople(db);
  // 2 Nov 2026 in Nairobi (UTC+3): the officer adds two workers and edits one's phone.
  const wambui = at('2026-11-02T06:00:00Z', () =>
    addWorker(db, { name: 'Wambũi Njoroge', phone: '0712345678' }, people.officer.username),
  );
  at('2026-11-02T06:05:00Z', () =>
    addWorker(db, { name: 'Otieno Ouma', phone: '0722000111' }, people.officer.username),
  );
  at('2026-11-02T07:00:00Z', () =>
    editWorker(db, wambui.id, { phone: '0799888777', defaultAmountCents: 1_500_000 }, people.officer.username),
  );
  // 21:30 UTC on 2 Nov is 00:30 on 3 Nov in Nairobi: the admin's changes fall on the 3rd.
  at('2026-11-02T21:30:00Z', () => saveApprovalPolicy(db, { people: 3 }, people.admin.username));
  await at('2026-11-02T21:40:00Z', () =>
    addAccount(
      db,
      { username: 'halima', displayName: 'Halima Said', roles: ['accountant'], password: newPassword },
      people.admin.username,
    ),
  );
  at('2026-11-02T21:45:00Z', () => setRoles(db, 'halima', ['accountant', 'auditor'], people.admin.username));
  // 4 Nov: the approver approves run 12; the engine writes something no words describe.
  at('2026-11-04T09:00:00Z', () =>
    appendAudit(db, {
      actor: people.approver.username,
      action: 'payroll_run.approval_recorded',
      entity: 'payroll_run',
      entityId: 12,
      details: { totalCents: 4_200_000, items: 3 },
    }),
  );
  at('2026-11-04T09:30:00Z', () =>
    appendAudit(db, { actor: 'system', action: 'relay.something_new', entity: 'relay', details: { note: 'x' } }),
  );
  vi.useRealTimers();
});
afterEach(() => {
  vi.useRealTimers();
  closeDatabase(db);
});

const list = (filter: AuditFilter = {}, page = { limit: 100, offset: 0 }) => listAuditEntries(db, filter, page);
const words = (filter: AuditFilter = {}) => list(filter).entries.map((e) => e.words);

describe('listAuditEntries', () => {
  it('lists every entry newest first with who, their name and what in words', () => {
    const { entries, total } = list();
    expect(total).toBe(9);
    expect(entries.map((e) => e.id)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(entries[1]).toMatchObject({
      actor: 'baraka',
      actorName: 'Baraka Mwangi',
      words: 'approved payroll run #12',
      at: '2026-11-04T09:00:00.000Z',
    });
    // Unknown actions fall back to their raw name; 'system' has no account.
    expect(entries[0]).toMatchObject({ actor: 'system', actorName: null, words: 'relay.something_new' });
    expect(words()).toEqual([
      'relay.something_new',
      'approved payroll run #12',
      'changed the roles of halima',
      'added the account halima',
      'changed who approves payroll runs',
      'changed the M-Pesa number of worker #1, for an approver to approve',
      'edited worker #1',
      'added the worker Otieno Ouma',
      'added the worker Wambũi Njoroge',
    ]);
  });

  it('shows before → after for worker edits, settings and roles', () => {
    const [edit] = list({ action: 'worker.edited' }).entries;
    expect(edit?.changes).toEqual([
      { field: 'Default amount', before: '—', after: 'KES 15,000.00' },
      { field: 'Phone', before: '0712 345 678', after: '0799 888 777' },
    ]);
    const [policy] = list({ action: 'settings.approval_policy' }).entries;
    expect(policy?.changes).toEqual([{ field: 'People who act on a run', before: '2', after: '3' }]);
    const [roles] = list({ action: 'account.roles_changed' }).entries;
    expect(roles?.changes).toEqual([{ field: 'Roles', before: 'accountant', after: 'accountant, auditor' }]);
    expect(list({ action: 'worker.added' }).entries.every((e) => e.changes.length === 0)).toBe(true);
  });

  it('narrows by who, ignoring case', () => {
    expect(list({ actor: 'AMINA' }).entries.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(list({ actor: 'wanjiru' }).total).toBe(3);
    expect(list({ actor: 'nobody' }).total).toBe(0);
  });

  it('narrows by action, by entity kind and by entity id', () => {
    expect(list({ action: 'worker.added' }).total).toBe(2);
    expect(list({ entity: 'account' }).entries.map((e) => e.action)).toEqual([
      'account.roles_changed',
      'account.added',
    ]);
    expect(list({ entity: 'worker', entityId: '1' }).entries.map((e) => e.id)).toEqual([4, 3, 1]);
    expect(list({ entityId: '12' }).entries.map((e) => e.words)).toEqual(['approved payroll run #12']);
  });

  it('narrows by Nairobi days, both ends inclusive', () => {
    expect(list({ from: '2026-11-02', to: '2026-11-02' }).entries.map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(list({ from: '2026-11-03', to: '2026-11-03' }).entries.map((e) => e.id)).toEqual([7, 6, 5]);
    expect(list({ from: '2026-11-04' }).entries.map((e) => e.id)).toEqual([9, 8]);
    expect(list({ to: '2026-11-03' }).total).toBe(7);
    expect(() => list({ from: '2026-11-04', to: '2026-11-03' })).toThrow(/start date/);
  });

  it('searches who, their name, what and the details, ignoring case and accents', () => {
    expect(words({ search: 'wambui' })).toEqual(['added the worker Wambũi Njoroge']);
    expect(list({ search: 'BARAKA mwangi' }).entries.map((e) => e.id)).toEqual([8]);
    // The edit, and the change of number waiting for an approver, both carry the new number.
    expect(list({ search: '254799888777' }).entries.map((e) => e.id)).toEqual([4, 3]);
    // A LIKE wildcard typed by a person is a plain character.
    expect(list({ search: '%' }).total).toBe(0);
  });

  it('pages through the filtered set with its total', () => {
    const first = list({}, { limit: 3, offset: 0 });
    const second = list({}, { limit: 3, offset: 3 });
    expect(first.total).toBe(9);
    expect(first.entries.map((e) => e.id)).toEqual([9, 8, 7]);
    expect(second.entries.map((e) => e.id)).toEqual([6, 5, 4]);
  });
});

describe('exportAuditLog', () => {
  it('writes the filtered rows to CSV, newest first, and no password or hash', async () => {
    const file = temp.path('audit.csv');
    const count = await exportAuditLog(db, file, { format: 'csv', filter: { entity: 'account' } });
    expect(count).toBe(2);
    const text = await readFile(file, 'utf8');
    const rows = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((r) => [r['Entry'], r['Who'], r['What']])).toEqual([
      ['7', 'wanjiru', 'changed the roles of halima'],
      ['6', 'wanjiru', 'added the account halima'],
    ]);
    expect(rows[0]).toMatchObject({
      Name: 'Wanjiru Kamau',
      Before: 'Roles: accountant',
      After: 'Roles: accountant, auditor',
    });
    expect(rows[0]?.['When (Nairobi)']).toBe('2026-11-03 00:45:00');
    const hashes = db.prepare('SELECT password_hash FROM accounts').all() as { password_hash: string }[];
    for (const secret of [newPassword, testPassword, ...hashes.map((h) => h.password_hash)])
      expect(text).not.toContain(secret);
  });

  it('writes every row to XLSX', async () => {
    const file = temp.path('audit.xlsx');
    expect(await exportAuditLog(db, file, { format: 'xlsx', filter: {} })).toBe(9);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.getWorksheet('Audit log');
    expect(sheet?.rowCount).toBe(10);
    expect(sheet?.getRow(2).getCell(5).value).toBe('relay.something_new');
    expect(sheet?.getRow(3).getCell(5).value).toBe('approved payroll run #12');
  });
});

function dropGuards(): void {
  db.exec('DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;');
}

describe('verifyAuditLog', () => {
  it('answers ok with the number of entries while the chain holds', async () => {
    expect(await verifyAuditLog(db)).toEqual({ ok: true, entries: 9 });
  });

  it('names a row whose details were edited in SQLite, by id, time and words', async () => {
    dropGuards();
    db.prepare('UPDATE audit_log SET details = ? WHERE id = 3').run('{"changed":{"phone":{"from":"x","to":"y"}}}');
    const verdict = await verifyAuditLog(db);
    expect(verdict).toMatchObject({
      ok: false,
      entryId: 3,
      at: '2026-11-02T07:00:00.000Z',
      words: 'edited worker #1',
      problem: 'edited',
    });
    expect(verdict.ok === false && verdict.message).toContain('entry 3 (2 Nov 2026, 10:00) was edited');
  });

  it('names the first row rewritten with a recomputed plain hash under a keyed chain', async () => {
    // The profile's key arrives after entry 9; entries from then on are keyed.
    registerAuditSeal(db, { key: randomBytes(32), unkeyedThrough: 9 });
    appendAudit(db, { actor: 'wanjiru', action: 'account.disabled', entity: 'account', entityId: 7, details: {} });
    appendAudit(db, { actor: 'wanjiru', action: 'account.enabled', entity: 'account', entityId: 7, details: {} });
    expect(await verifyAuditLog(db)).toEqual({ ok: true, entries: 11 });
    // Someone without the key edits entry 10 and seals it again with plain sha256, then entry 11.
    dropGuards();
    type Row = {
      id: number;
      at: string;
      actor: string;
      action: string;
      entity: string;
      entity_id: string | null;
      details: string;
      prev_hash: string;
    };
    const rows = db.prepare('SELECT * FROM audit_log WHERE id >= 10 ORDER BY id').all() as Row[];
    let prev = rows[0]!.prev_hash;
    for (const row of rows) {
      const details = row.id === 10 ? { forged: true } : (JSON.parse(row.details) as unknown);
      const hash = auditEntryHash(prev, {
        at: row.at,
        actor: row.actor,
        action: row.action,
        entity: row.entity,
        entityId: row.entity_id,
        details,
      });
      db.prepare('UPDATE audit_log SET details = ?, prev_hash = ?, hash = ?, hash_kind = NULL WHERE id = ?').run(
        JSON.stringify(details),
        prev,
        hash,
        row.id,
      );
      prev = hash;
    }
    const verdict = await verifyAuditLog(db);
    expect(verdict).toMatchObject({ ok: false, entryId: 10, problem: 'rebuilt', words: 'disabled the account #7' });
    expect(verdict.ok === false && verdict.message).toContain('entry 10');
  });
});
