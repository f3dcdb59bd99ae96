// The maker's draft over the contract: the officer who prepared a run edits a line (amount,
// number, name, remarks), removes one, adds saved workers, or discards it; nobody else may, not
// even another payroll officer; every change voids standing approvals in its own transaction.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { saveApprovalPolicy } from '../../../src/main/payroll/approval-policy';
import { approveRun } from '../../../src/main/payroll/run-approval';
import { getRun, listRunItems } from '../../../src/main/payroll/runs';
import { addWorker } from '../../../src/main/payroll/workers';
import { addAccount } from '../../../src/main/users/accounts';
import type { Caller } from '../../../src/shared/contract/access';
import { tempFolder } from '../db/temp-folder';
import { reviewApi, type ReviewApi } from '../handlers/review-api';
import { seedPeople, type TestPeople } from '../../helpers/people';

const temp = tempFolder();
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

interface Desk {
  db: ProfileDatabase;
  api: ReviewApi;
  people: TestPeople;
  /** Another payroll officer, who did not prepare the run. */
  otherOfficer: Caller;
  runId: number;
  spare: number;
}

async function desk(): Promise<Desk> {
  const db = openDatabase(temp.path(`drafts-${opened.length}.sqlite`));
  opened.push(db);
  const people = await seedPeople(db);
  const other = await addAccount(
    db,
    { username: 'juma', displayName: 'Juma Hassan', roles: ['payroll-officer'], password: 'a long enough passphrase' },
    people.admin.username,
  );
  const otherOfficer: Caller = {
    accountId: other.id,
    username: 'juma',
    displayName: 'Juma Hassan',
    roles: ['payroll-officer'],
  };
  const workers = [
    addWorker(db, { name: 'Wanjiku Kamau', phone: '0712345678', defaultAmountCents: 2_500_000 }, 'amina'),
    addWorker(db, { name: 'Akinyi Njeri', phone: '0722000111', defaultAmountCents: 1_850_000 }, 'amina'),
    addWorker(db, { name: 'Kiprop Langat', phone: '0110123456', defaultAmountCents: 900_000 }, 'amina'),
  ];
  const api = reviewApi(db);
  const run = await api.call(
    'runs.createFromWorkers',
    { title: 'November 2026 salaries', workers: workers.slice(0, 2).map((w) => ({ workerId: w.id })) },
    people.officer,
  );
  return { db, api, people, otherOfficer, runId: run.id, spare: workers[2]!.id };
}

const lines = (db: ProfileDatabase, runId: number) =>
  listRunItems(db, runId).map((i) => [i.name, i.phone, i.amountCents, i.remarks]);
const standing = (db: ProfileDatabase, runId: number) =>
  db.prepare('SELECT count(*) FROM run_approvals WHERE run_id = ? AND voided_at IS NULL').pluck().get(runId);

describe('the maker edits their draft', () => {
  it('changes a line’s amount, number, name and remarks, and the run’s total follows', async () => {
    const { db, api, people, runId } = await desk();
    const [first] = listRunItems(db, runId);
    const run = await api.call(
      'runs.editLine',
      {
        itemId: first!.id,
        changes: {
          amountCents: 2_600_000,
          phone: '0799 111 222',
          name: '  Wanjiku  W. Kamau ',
          remarks: 'November pay',
        },
      },
      people.officer,
    );
    expect(run.totals.amountCents).toBe(2_600_000 + 1_850_000);
    expect(lines(db, runId)).toEqual([
      ['Wanjiku W. Kamau', '254799111222', 2_600_000, 'November pay'],
      ['Akinyi Njeri', '254722000111', 1_850_000, 'November 2026 salaries'],
    ]);
    const audit = db.prepare("SELECT actor, details FROM audit_log WHERE action = 'payroll_item.edited'").get() as {
      actor: string;
      details: string;
    };
    expect(audit.actor).toBe('amina');
    expect(JSON.parse(audit.details)).toMatchObject({
      fromCents: 2_500_000,
      toCents: 2_600_000,
      phoneBefore: '254712345678',
      phoneAfter: '254799111222',
    });
  });

  it('refuses a number another line of the run already has, or one not on M-Pesa', async () => {
    const { db, api, people, runId } = await desk();
    const [first] = listRunItems(db, runId);
    const taken = await api.refusal(
      'runs.editLine',
      { itemId: first!.id, changes: { phone: '0722000111' } },
      people.officer,
    );
    expect(taken).toMatchObject({ kind: 'conflict', code: 'phone_in_run' });
    expect(taken.message).toContain('Akinyi Njeri is already paid on 0722 000 111');
    const airtel = await api.refusal(
      'runs.editLine',
      { itemId: first!.id, changes: { phone: '0733000222' } },
      people.officer,
    );
    expect(airtel.kind).toBe('validation');
    expect(lines(db, runId)[0]![1]).toBe('254712345678');
  });

  it('removes a line and adds saved workers', async () => {
    const { db, api, people, runId, spare } = await desk();
    const [, second] = listRunItems(db, runId);
    await api.call('runs.removeLine', { itemId: second!.id }, people.officer);
    const run = await api.call(
      'runs.addWorkers',
      { runId, workers: [{ workerId: spare, amountCents: 1_000_000 }] },
      people.officer,
    );
    expect(run.totals).toMatchObject({ count: 2, amountCents: 2_500_000 + 1_000_000 });
    expect(lines(db, runId).map((l) => l[0])).toEqual(['Wanjiku Kamau', 'Kiprop Langat']);
  });

  it('voids a standing approval with each change, so the run needs approving again as it is', async () => {
    const { db, api, people, runId } = await desk();
    saveApprovalPolicy(db, { people: 3 }, people.admin.username);
    approveRun(db, runId, people.approver);
    expect(standing(db, runId)).toBe(1);
    const [first] = listRunItems(db, runId);
    await api.call('runs.editLine', { itemId: first!.id, changes: { amountCents: 2_400_000 } }, people.officer);
    expect(standing(db, runId)).toBe(0);
    const voided = db.prepare("SELECT actor FROM audit_log WHERE action = 'payroll_run.approval_voided'").pluck().all();
    expect(voided).toEqual(['amina']);
    // One more approval is not enough now: the voided one no longer counts.
    expect(approveRun(db, runId, people.secondApprover).approvals).toMatchObject({
      approvalsCounted: 1,
      canSend: false,
    });
  });
});

describe('nobody but the maker changes a draft', () => {
  it('refuses another payroll officer every change, and the approver by role', async () => {
    const { db, api, people, otherOfficer, runId, spare } = await desk();
    const [first] = listRunItems(db, runId);
    const before = lines(db, runId);
    for (const [method, input] of [
      ['runs.editLine', { itemId: first!.id, changes: { amountCents: 100_000 } }],
      ['runs.removeLine', { itemId: first!.id }],
      ['runs.addWorkers', { runId, workers: [{ workerId: spare }] }],
      ['runs.discard', { runId }],
    ] as const) {
      const refused = await api.refusal(method, input as never, otherOfficer);
      expect(refused, method).toMatchObject({ kind: 'forbidden', code: 'not_the_maker' });
      expect(refused.message, method).toContain('Only amina, who prepared payroll run');
      expect((await api.refusal(method, input as never, people.approver)).kind, method).toBe('forbidden');
    }
    expect(lines(db, runId)).toEqual(before);
    expect(getRun(db, runId).state).toBe('draft');
  });
});

describe('discarding a draft', () => {
  it('cancels the run and its lines with nothing sent, keeps it on record, and audits who', async () => {
    const { db, api, people, runId } = await desk();
    const run = await api.call('runs.discard', { runId }, people.officer);
    expect(run.state).toBe('cancelled');
    expect(run.counts).toMatchObject({ cancelled: 2, draft: 0 });
    expect(db.prepare('SELECT count(*) FROM payout_attempts').pluck().get()).toBe(0);
    expect(db.prepare("SELECT actor FROM audit_log WHERE action = 'payroll_run.discarded'").pluck().all()).toEqual([
      'amina',
    ]);
    const again = await api.refusal('runs.discard', { runId }, people.officer);
    expect(again.kind).toBe('conflict');
  });

  it('is refused once the run is approved: an approved run is cancelled, not discarded', async () => {
    const { db, api, people, runId } = await desk();
    approveRun(db, runId, people.approver);
    const refused = await api.refusal('runs.discard', { runId }, people.officer);
    expect(refused).toMatchObject({ kind: 'conflict' });
    expect(getRun(db, runId).state).toBe('approved');
  });
});
