// A changed M-Pesa number on a real SQLite file with real accounts: the worker is paid at neither
// number until an approver other than the person who changed it decides; the changer cannot decide
// it whatever roles they hold; a rejection puts the old number back.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { verifyAuditChain } from '../../../src/main/ledger/audit';
import { previewCsv } from '../../../src/main/payroll/import';
import {
  pendingPhoneChangeFor,
  pendingPhoneChanges,
  phoneChangeHolds,
  refuseUnapprovedPhoneChanges,
  refuseWorkersWithUnapprovedPhone,
} from '../../../src/main/payroll/phone-changes';
import { approvePhoneChange, rejectPhoneChange } from '../../../src/main/payroll/phone-decisions';
import { approvalState, requireApprovedForSending } from '../../../src/main/payroll/approvals';
import { createRunFromFile, createRunFromWorkers, getRun, listRunItems } from '../../../src/main/payroll/runs';
import { addWorkersToRun, removeRunItem } from '../../../src/main/payroll/run-drafts';
import { approveRun } from '../../../src/main/payroll/run-approval';
import { addWorker, archiveWorker, editWorker, getWorker } from '../../../src/main/payroll/workers';
import { ConflictError, ForbiddenError } from '../../../src/shared/errors';
import { seedPeople, type TestPeople } from '../../helpers/people';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-phone-changes-');
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

const oldPhone = '254712345678';
const newPhone = '254722000111';

interface Setup {
  db: ProfileDatabase;
  people: TestPeople;
  akinyi: number;
  baraka: number;
}

async function setup(): Promise<Setup> {
  const db = openDatabase(temp.path('profile.sqlite'));
  opened.push(db);
  const people = await seedPeople(db);
  const akinyi = addWorker(
    db,
    { name: 'Akinyi Otieno', phone: '0712 345 678', defaultAmountCents: 15_000_00 },
    'amina',
  ).id;
  const baraka = addWorker(
    db,
    { name: 'Baraka Kariuki', phone: '0799 888 777', defaultAmountCents: 20_000_00 },
    'amina',
  ).id;
  return { db, people, akinyi, baraka };
}

function changeNumber({ db, people, akinyi }: Setup, phone = '0722 000 111') {
  return editWorker(db, akinyi, { phone }, people.officer.username, people.officer.accountId);
}

function runFor({ db, people }: Setup, workerIds: number[]) {
  return createRunFromWorkers(
    db,
    { title: 'November wages', workers: workerIds.map((workerId) => ({ workerId })) },
    { name: people.officer.username, accountId: people.officer.accountId },
  );
}

const approvalsOf = (db: ProfileDatabase, runId: number) =>
  (db.prepare('SELECT count(*) AS n FROM run_approvals WHERE run_id = ?').get(runId) as { n: number }).n;

describe('a changed M-Pesa number', () => {
  it('is saved but pending: a draft paying that worker cannot be approved until someone else approves the number', async () => {
    const s = await setup();
    const { db, people, akinyi, baraka } = s;
    const before = runFor(s, [akinyi, baraka]);
    const worker = changeNumber(s);

    expect(worker.phone).toBe(newPhone);
    expect(pendingPhoneChangeFor(db, akinyi)).toMatchObject({
      oldPhone,
      newPhone,
      changedBy: 'amina',
      changedByName: 'Amina Odhiambo',
      status: 'pending',
    });
    // The draft made before the change pays the old number: held, and nobody can approve the run.
    expect(phoneChangeHolds(db, before.id).map((hold) => [hold.name, hold.phone, hold.reason])).toEqual([
      ['Akinyi Otieno', oldPhone, 'pending'],
    ]);
    expect(() => approveRun(db, before.id, people.approver)).toThrow(/Akinyi Otieno.*waits for an approver other/);
    expect(approvalsOf(db, before.id)).toBe(0);
    expect(getRun(db, before.id).state).toBe('draft');
    // No new run picks the worker up, at either number.
    expect(() => refuseWorkersWithUnapprovedPhone(db, [baraka, akinyi])).toThrow(/Akinyi Otieno/);
    expect(() => refuseWorkersWithUnapprovedPhone(db, [baraka])).not.toThrow();

    approvePhoneChange(db, pendingPhoneChangeFor(db, akinyi)!.id, people.approver);

    expect(pendingPhoneChangeFor(db, akinyi)).toBeNull();
    expect(getWorker(db, akinyi).phone).toBe(newPhone);
    // The old draft still pays the old number, which is no longer Akinyi's: it stays held.
    expect(() => approveRun(db, before.id, people.approver)).toThrow(/line pays 0712 345 678.*0722 000 111/);
    const stale = listRunItems(db, before.id).find((item) => item.workerId === akinyi)!;
    removeRunItem(db, stale.id, { name: 'amina', accountId: people.officer.accountId });
    addWorkersToRun(db, before.id, [{ workerId: akinyi }], { name: 'amina', accountId: people.officer.accountId });
    const approved = approveRun(db, before.id, people.approver);
    expect(approved.run.state).toBe('approved');
    expect(listRunItems(db, before.id).map((item) => [item.name, item.phone, item.amountCents])).toEqual([
      ['Baraka Kariuki', '254799888777', 20_000_00],
      ['Akinyi Otieno', newPhone, 15_000_00],
    ]);
  });

  it('stops an approved run from being sent once a number it pays changes, whichever door sends it', async () => {
    const s = await setup();
    const { db, people, akinyi, baraka } = s;
    const approved = runFor(s, [akinyi, baraka]);
    expect(approveRun(db, approved.id, people.approver).approvals.canSend).toBe(true);
    expect(requireApprovedForSending(db, approved.id).canSend).toBe(true);
    changeNumber(s);
    // The approvals still match the lines, but one line's worker now has another number, waiting.
    expect(approvalState(db, approved.id).canSend).toBe(true);
    expect(() => requireApprovedForSending(db, approved.id)).toThrow(/Akinyi Otieno/);
    const change = pendingPhoneChangeFor(db, akinyi);
    approvePhoneChange(db, change!.id, people.approver);
    // Decided, yet the line was made for the old number: it is never paid there.
    expect(() => requireApprovedForSending(db, approved.id)).toThrow(ConflictError);
  });

  it('holds a file line paying either number, linked to the worker or not, and an approved run not yet sent', async () => {
    const s = await setup();
    const { db, people, akinyi, baraka } = s;
    const queued = runFor(s, [akinyi, baraka]);
    approveRun(db, queued.id, people.approver);
    expect(getRun(db, queued.id).state).toBe('approved');
    changeNumber(s);
    const csv = [
      'name,phone,amount,reference',
      'Akinyi Otieno,0722 000 111,15000,November wages',
      'Akinyi O,0712 345 678,15000,November wages',
      'Baraka Kariuki,0799 888 777,20000,November wages',
    ].join('\n');
    const file = createRunFromFile(
      db,
      {
        title: 'November file',
        fileName: 'november.csv',
        preview: previewCsv(csv, { duplicatesAgainstExisting: 'warn' }),
      },
      { name: 'amina', accountId: people.officer.accountId },
    );

    expect(phoneChangeHolds(db, file.id).map((hold) => [hold.phone, hold.workerId])).toEqual([
      [newPhone, akinyi],
      [oldPhone, null],
    ]);
    expect(() => approveRun(db, file.id, people.approver)).toThrow(ConflictError);
    // The engine's door asks the same check before sending an approved run.
    expect(() => refuseUnapprovedPhoneChanges(db, queued.id)).toThrow(/cannot be approved or sent yet/);
  });

  it('cannot be approved or rejected by the person who changed it, even holding the approver role', async () => {
    const s = await setup();
    const { db, people, akinyi } = s;
    const both = { ...people.approver };
    // Baraka holds the approver role and changes the number himself.
    editWorker(db, akinyi, { phone: '0722 000 111' }, both.username, both.accountId);
    const change = pendingPhoneChangeFor(db, akinyi)!;

    expect(() => approvePhoneChange(db, change.id, both)).toThrow(
      /baraka changed Akinyi Otieno's M-Pesa number and cannot approve the change/,
    );
    expect(() => rejectPhoneChange(db, change.id, both)).toThrow(/cannot reject the change/);
    // Someone without the approver role cannot decide either.
    expect(() => approvePhoneChange(db, change.id, people.officer)).toThrow(ForbiddenError);
    expect(pendingPhoneChangeFor(db, akinyi)?.status).toBe('pending');

    const decided = approvePhoneChange(db, change.id, people.secondApprover);
    expect(decided).toMatchObject({ status: 'approved', decidedBy: 'neema', decidedByName: 'Neema Wafula' });
    expect(() => rejectPhoneChange(db, change.id, people.approver)).toThrow(/already approved/);
  });

  it('rejected, puts the old number back and the worker is paid there again', async () => {
    const s = await setup();
    const { db, people, akinyi } = s;
    changeNumber(s);
    const change = pendingPhoneChangeFor(db, akinyi)!;

    const rejected = rejectPhoneChange(db, change.id, people.approver);

    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: 'baraka' });
    expect(getWorker(db, akinyi).phone).toBe(oldPhone);
    expect(pendingPhoneChanges(db)).toEqual([]);
    const run = runFor(s, [akinyi]);
    expect(listRunItems(db, run.id).map((item) => item.phone)).toEqual([oldPhone]);
    expect(approveRun(db, run.id, people.approver).run.state).toBe('approved');
    expect(verifyAuditChain(db).ok).toBe(true);
  });

  it('keeps the old number for the worker while pending, and a second change replaces the first', async () => {
    const s = await setup();
    const { db, people, akinyi } = s;
    changeNumber(s);
    expect(() => addWorker(db, { name: 'Someone Else', phone: '0712 345 678' }, 'amina')).toThrow(
      /approved number of Akinyi Otieno/,
    );
    changeNumber(s, '0711 000 999');
    const pending = pendingPhoneChanges(db);
    expect(pending.map((change) => [change.oldPhone, change.newPhone])).toEqual([[oldPhone, '254711000999']]);
    // Setting it back to the approved number leaves nothing to approve.
    changeNumber(s, '0712 345 678');
    expect(pendingPhoneChanges(db)).toEqual([]);
    expect(
      (db.prepare('SELECT status FROM worker_phone_changes ORDER BY id').all() as { status: string }[]).map(
        (row) => row.status,
      ),
    ).toEqual(['withdrawn', 'withdrawn']);
    expect(approveRun(db, runFor(s, [akinyi]).id, people.approver).run.state).toBe('approved');
  });

  it('is not asked of a brand-new worker, nor of an edit that keeps the number', async () => {
    const s = await setup();
    const { db, people, akinyi } = s;
    editWorker(db, akinyi, { department: 'Transport', phone: '+254712345678' }, 'amina', people.officer.accountId);
    expect(pendingPhoneChanges(db)).toEqual([]);
    archiveWorker(db, s.baraka, 'amina');
    expect(approveRun(db, runFor(s, [akinyi]).id, people.approver).run.state).toBe('approved');
  });
});
