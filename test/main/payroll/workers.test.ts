// Workers on a real SQLite file: add, edit, archive, search, import from a preview, with audit rows.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { verifyAuditChain } from '../../../src/main/ledger/audit';
import { previewCsv } from '../../../src/main/payroll/import';
import {
  addWorker,
  archiveWorker,
  editWorker,
  existingPhones,
  getWorker,
  importWorkers,
  listWorkers,
  restoreWorker,
} from '../../../src/main/payroll/workers';
import { ConflictError, NotFoundError, ValidationError } from '../../../src/shared/errors';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-workers-');
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});
function freshDb(): ProfileDatabase {
  const db = openDatabase(temp.path('workers.sqlite'));
  opened.push(db);
  return db;
}
const auditActions = (db: ProfileDatabase): string[] =>
  (db.prepare('SELECT action FROM audit_log ORDER BY id').all() as { action: string }[]).map((r) => r.action);

describe('workers', () => {
  it('adds a worker with the phone normalised and the name trimmed, and audits it', () => {
    const db = freshDb();
    const worker = addWorker(
      db,
      { name: '  Wanjiku   Kamau ', phone: '0712 345 678', defaultAmountCents: 2_500_000, department: 'Operations' },
      'Amina',
    );
    expect(worker).toMatchObject({
      name: 'Wanjiku Kamau',
      phone: '254712345678',
      defaultAmountCents: 2_500_000,
      department: 'Operations',
      archivedAt: null,
    });
    expect(getWorker(db, worker.id)).toEqual(worker);
    expect(auditActions(db)).toEqual(['worker.added']);
  });

  it('refuses a non-Safaricom number, an empty name, an amount with cents and a number another worker has', () => {
    const db = freshDb();
    addWorker(db, { name: 'Wanjiku Kamau', phone: '+254712345678' }, 'Amina');
    expect(() => addWorker(db, { name: 'Kiprop', phone: '0733 123 456' }, 'Amina')).toThrow(ValidationError);
    expect(() => addWorker(db, { name: '   ', phone: '0722 000 111' }, 'Amina')).toThrow(ValidationError);
    expect(() =>
      addWorker(db, { name: 'Otieno', phone: '0722 000 111', defaultAmountCents: 100_050 }, 'Amina'),
    ).toThrow(/whole shillings/);
    expect(() => addWorker(db, { name: 'Someone Else', phone: '712345678' }, 'Amina')).toThrow(
      /already belongs to Wanjiku Kamau/,
    );
    expect(listWorkers(db, { include: 'all' })).toHaveLength(1);
    expect(auditActions(db)).toEqual(['worker.added']);
  });

  it("edits only the fields given and refuses taking another worker's number", () => {
    const db = freshDb();
    const a = addWorker(db, { name: 'Wanjiku Kamau', phone: '0712345678', nationalId: '23456789' }, 'Amina');
    const b = addWorker(db, { name: 'Otieno Ochieng', phone: '0722000111' }, 'Amina');
    const edited = editWorker(db, a.id, { phone: '+254 110 123 456', defaultAmountCents: 1_000_000 }, 'Amina');
    expect(edited).toMatchObject({
      name: 'Wanjiku Kamau',
      phone: '254110123456',
      nationalId: '23456789',
      defaultAmountCents: 1_000_000,
    });
    expect(() => editWorker(db, b.id, { phone: '0110 123 456' }, 'Amina')).toThrow(ConflictError);
    expect(getWorker(db, b.id).phone).toBe('254722000111');
    expect(() => editWorker(db, 999, { name: 'X' }, 'Amina')).toThrow(NotFoundError);
    const details = db.prepare("SELECT details FROM audit_log WHERE action = 'worker.edited'").get() as {
      details: string;
    };
    expect(JSON.parse(details.details)).toEqual({
      changed: {
        phone: { from: '254712345678', to: '254110123456' },
        defaultAmountCents: { from: null, to: 1_000_000 },
      },
    });
  });

  it('archives a worker out of the active list, frees the number, and restores only while it is free', () => {
    const db = freshDb();
    const a = addWorker(db, { name: 'Wanjiku Kamau', phone: '0712345678' }, 'Amina');
    archiveWorker(db, a.id, 'Amina');
    expect(listWorkers(db).map((w) => w.id)).toEqual([]);
    expect(listWorkers(db, { include: 'archived' }).map((w) => w.id)).toEqual([a.id]);
    expect(() => editWorker(db, a.id, { name: 'W K' }, 'Amina')).toThrow(/archived/);
    const b = addWorker(db, { name: 'New Holder', phone: '0712345678' }, 'Amina');
    expect(() => restoreWorker(db, a.id, 'Amina')).toThrow(/already belongs to New Holder/);
    archiveWorker(db, b.id, 'Amina');
    expect(restoreWorker(db, a.id, 'Amina').archivedAt).toBeNull();
    expect(existingPhones(db)).toEqual(new Map([['254712345678', 'Wanjiku Kamau']]));
    expect(verifyAuditChain(db).ok).toBe(true);
  });

  it('searches by name substring in any case and by phone in any Kenyan format', () => {
    const db = freshDb();
    addWorker(db, { name: 'Wanjiku Kamau', phone: '0712345678' }, 'Amina');
    addWorker(db, { name: 'Otieno Ochieng', phone: '0722000111' }, 'Amina');
    addWorker(db, { name: 'Akinyi 50%_Njeri', phone: '0110123456' }, 'Amina');
    const names = (search: string): string[] => listWorkers(db, { search }).map((w) => w.name);
    expect(names('kamau')).toEqual(['Wanjiku Kamau']);
    expect(names('OCH')).toEqual(['Otieno Ochieng']);
    expect(names('+254 722 000 111')).toEqual(['Otieno Ochieng']);
    expect(names('0722')).toEqual(['Otieno Ochieng']);
    expect(names('712345678')).toEqual(['Wanjiku Kamau']);
    expect(names('50%_')).toEqual(['Akinyi 50%_Njeri']);
    expect(names('%')).toEqual(['Akinyi 50%_Njeri']);
    expect(names('nobody')).toEqual([]);
  });

  it('searches names without case or accents, in any script', () => {
    const db = freshDb();
    addWorker(db, { name: 'WAMBŨI Njéri', phone: '0712345678' }, 'Amina');
    addWorker(db, { name: 'Ζωή Παπαδοπούλου', phone: '0722000111' }, 'Amina');
    addWorker(db, { name: 'Søren Ørsted', phone: '0799000111' }, 'Amina');
    addWorker(db, { name: 'Wambui Kamau', phone: '0745000111' }, 'Amina');
    const names = (search: string): string[] => listWorkers(db, { search }).map((w) => w.name);
    expect(names('Wambũi')).toEqual(['Wambui Kamau', 'WAMBŨI Njéri']);
    expect(names('njeri')).toEqual(['WAMBŨI Njéri']);
    expect(names('ΖΩΗ')).toEqual(['Ζωή Παπαδοπούλου']);
    expect(names('παπαδοπουλου')).toEqual(['Ζωή Παπαδοπούλου']);
    expect(names('soren orsted')).toEqual(['Søren Ørsted']);
  });
});

describe('worker import', () => {
  const csv = [
    'name,phone,amount,reference,national_id,department',
    'Wanjiku Kamau,0712 345 678,"25,000",November salary,23456789,Operations',
    'Otieno Ochieng,0722000111,18500,November salary,,Sales',
    'Bad Phone,0733123456,1000,November salary,,',
    'Akinyi Njeri,0110123456,12000,November salary,,=cmd',
  ].join('\n');

  it('creates workers from the valid rows only, with amounts as default amounts', () => {
    const db = freshDb();
    const preview = previewCsv(csv, { duplicatesAgainstExisting: 'invalid', existingPhones: existingPhones(db) });
    expect(preview.invalid.map((r) => r.row)).toEqual([4]);
    const result = importWorkers(db, preview, 'Amina', 'staff.csv');
    expect(result.refused).toEqual([]);
    expect(result.created.map((w) => [w.name, w.phone, w.defaultAmountCents, w.department])).toEqual([
      ['Wanjiku Kamau', '254712345678', 2_500_000, 'Operations'],
      ['Otieno Ochieng', '254722000111', 1_850_000, 'Sales'],
      ['Akinyi Njeri', '254110123456', 1_200_000, '=cmd'],
    ]);
    expect(auditActions(db)).toEqual(['worker.added', 'worker.added', 'worker.added', 'workers.imported']);
  });

  it('refuses rows whose phone an existing worker has, both in the preview and at import time', () => {
    const db = freshDb();
    addWorker(db, { name: 'Otieno Ochieng', phone: '0722000111' }, 'Amina');
    const preview = previewCsv(csv, { duplicatesAgainstExisting: 'invalid', existingPhones: existingPhones(db) });
    expect(preview.invalid.map((r) => r.row)).toEqual([3, 4]);
    // Someone adds Wanjiku between the preview and the import: that row is refused, not merged.
    addWorker(db, { name: 'Wanjiku K', phone: '0712345678' }, 'Amina');
    const result = importWorkers(db, preview, 'Amina');
    expect(result.created.map((w) => w.name)).toEqual(['Akinyi Njeri']);
    expect(result.refused).toEqual([{ row: 2, reason: expect.stringContaining('already belongs to Wanjiku K') }]);
    expect(listWorkers(db).map((w) => w.name)).toEqual(['Akinyi Njeri', 'Otieno Ochieng', 'Wanjiku K']);
  });
});
