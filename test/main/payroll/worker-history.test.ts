// A worker's history on a real SQLite file: every change, who made it and when, each field
// before and after, read back from the audit log.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { previewCsv } from '../../../src/main/payroll/import';
import { pendingPhoneChangeFor } from '../../../src/main/payroll/phone-changes';
import { rejectPhoneChange } from '../../../src/main/payroll/phone-decisions';
import { workerHistory } from '../../../src/main/payroll/worker-history';
import {
  addWorker,
  archiveWorker,
  editWorker,
  existingPhones,
  importWorkers,
  restoreWorker,
} from '../../../src/main/payroll/workers';
import { NotFoundError } from '../../../src/shared/errors';
import { seedPeople } from '../../helpers/people';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-worker-history-');
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});
function freshDb(): ProfileDatabase {
  const db = openDatabase(temp.path('profile.sqlite'));
  opened.push(db);
  return db;
}

describe('a worker’s history', () => {
  it('lists each change newest first, with who, when and every field before and after', async () => {
    const db = freshDb();
    const people = await seedPeople(db);
    const worker = addWorker(
      db,
      { name: 'Akinyi Otieno', phone: '0712345678', defaultAmountCents: 15_000_00 },
      'amina',
    );
    addWorker(db, { name: 'Someone Else', phone: '0799888777' }, 'amina');
    editWorker(
      db,
      worker.id,
      { department: 'Stores', defaultAmountCents: 17_500_00 },
      'amina',
      people.officer.accountId,
    );
    editWorker(db, worker.id, { phone: '0722 000 111' }, 'amina', people.officer.accountId);
    rejectPhoneChange(db, pendingPhoneChangeFor(db, worker.id)!.id, people.approver);
    archiveWorker(db, worker.id, 'amina');
    restoreWorker(db, worker.id, 'amina');

    const history = workerHistory(db, worker.id);

    expect(history.map((entry) => [entry.kind, entry.actor, entry.actorName, entry.changes])).toEqual([
      ['restored', 'amina', 'Amina Odhiambo', []],
      ['archived', 'amina', 'Amina Odhiambo', []],
      [
        'phone_change_rejected',
        'baraka',
        'Baraka Mwangi',
        [{ field: 'phone', before: '254712345678', after: '254722000111' }],
      ],
      [
        'phone_change_requested',
        'amina',
        'Amina Odhiambo',
        [{ field: 'phone', before: '254712345678', after: '254722000111' }],
      ],
      ['edited', 'amina', 'Amina Odhiambo', [{ field: 'phone', before: '254712345678', after: '254722000111' }]],
      [
        'edited',
        'amina',
        'Amina Odhiambo',
        [
          { field: 'defaultAmountCents', before: 15_000_00, after: 17_500_00 },
          { field: 'department', before: null, after: 'Stores' },
        ],
      ],
      [
        'added',
        'amina',
        'Amina Odhiambo',
        [
          { field: 'name', before: null, after: 'Akinyi Otieno' },
          { field: 'phone', before: null, after: '254712345678' },
        ],
      ],
    ]);
    expect(history.at(-1)?.via).toBe('form');
    // Times are the audit log's own, in order.
    const times = history.map((entry) => entry.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('says a worker came from a file, and names a worker that does not exist', () => {
    const db = freshDb();
    const csv = ['name,phone,amount', 'Otieno Ochieng,0722000111,18500'].join('\n');
    const preview = previewCsv(csv, { duplicatesAgainstExisting: 'invalid', existingPhones: existingPhones(db) });
    const [imported] = importWorkers(db, preview, 'amina', 'staff.csv').created;
    expect(workerHistory(db, imported!.id)).toEqual([
      expect.objectContaining({ kind: 'added', via: 'import', actor: 'amina', actorName: 'amina' }),
    ]);
    expect(() => workerHistory(db, 999)).toThrow(NotFoundError);
  });
});
