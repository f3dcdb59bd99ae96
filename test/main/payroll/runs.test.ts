// Preparing payroll runs on a real SQLite file: from workers and from a file, totals and charges,
// the 30-day duplicate warning, draft edits, approval, and the display status table.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { verifyAuditChain } from '../../../src/main/ledger/audit';
import { amountLimits, saveAmountLimits } from '../../../src/main/payroll/amount-limits';
import { approvalPolicy } from '../../../src/main/payroll/approval-policy';
import { previewCsv } from '../../../src/main/payroll/import';
import { createRunFromFile, createRunFromWorkers, listRunItems } from '../../../src/main/payroll/runs';
import { addWorkersToRun, editRunItem, removeRunItem } from '../../../src/main/payroll/run-drafts';
import { approveRun } from '../../../src/main/payroll/run-approval';
import { runSummary } from '../../../src/main/payroll/run-summary';
import {
  emptyItemCounts,
  runDisplayStatus,
  type ItemCounts,
  type RunDisplayStatus,
  type RunState,
} from '../../../src/main/payroll/status';
import { addWorker, archiveWorker } from '../../../src/main/payroll/workers';
import { ConflictError, ValidationError } from '../../../src/shared/errors';
import { tempFolder } from '../db/temp-folder';
import { approveAsPolicyNeeds, seedPeople } from '../../helpers/people';
import { recordRunMaker } from '../../../src/main/payroll/approvals';

const temp = tempFolder('mshahara-runs-');
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});
function freshDb(): ProfileDatabase {
  const db = openDatabase(temp.path('runs.sqlite'));
  opened.push(db);
  return db;
}
const officer = { name: 'Amina Mwangi' };

function threeWorkers(db: ProfileDatabase): number[] {
  return [
    addWorker(db, { name: 'Wanjiku Kamau', phone: '0712345678', defaultAmountCents: 2_500_000 }, 'Amina'),
    addWorker(db, { name: 'Otieno Ochieng', phone: '0722000111', defaultAmountCents: 1_850_000 }, 'Amina'),
    addWorker(db, { name: 'Akinyi Njeri', phone: '0110123456' }, 'Amina'),
  ].map((w) => w.id);
}

/** Moves a run's creation time back, as if it had been prepared `days` ago. */
function ageRun(db: ProfileDatabase, runId: number, days: number): void {
  const at = new Date(Date.now() - days * 86_400_000).toISOString();
  db.prepare('UPDATE payroll_runs SET created_at = ? WHERE id = ?').run(at, runId);
}

const payrollCsv = [
  'name,phone,amount,reference,national_id,department',
  'Wanjiku Kamau,0712 345 678,"25,000",November salary,,',
  'Baraka Mwita,0799 888 777,500,November salary,,',
  'Bad Phone,0733123456,1000,November salary,,',
  'Chebet Rono,+254 745 000 222,"150,000",November salary,,',
].join('\n');

describe('payroll runs from saved workers', () => {
  it('pays each chosen worker the given amount or their default, with totals and tariff charges', () => {
    const db = freshDb();
    const [wanjiku, otieno, akinyi] = threeWorkers(db) as [number, number, number];
    const run = createRunFromWorkers(
      db,
      {
        title: 'November 2026 salaries',
        period: '2026-11',
        workers: [{ workerId: wanjiku }, { workerId: otieno }, { workerId: akinyi, amountCents: 5_000 }],
      },
      officer,
    );
    expect(run).toMatchObject({
      state: 'draft',
      source: 'worker_list',
      title: 'November 2026 salaries',
      period: '2026-11',
    });
    expect(
      listRunItems(db, run.id).map((i) => [i.workerId, i.name, i.phone, i.amountCents, i.remarks, i.state]),
    ).toEqual([
      [wanjiku, 'Wanjiku Kamau', '254712345678', 2_500_000, 'November 2026 salaries', 'draft'],
      [otieno, 'Otieno Ochieng', '254722000111', 1_850_000, 'November 2026 salaries', 'draft'],
      [akinyi, 'Akinyi Njeri', '254110123456', 5_000, 'November 2026 salaries', 'draft'],
    ]);
    const summary = runSummary(db, run.id);
    expect(summary.totals).toMatchObject({ count: 3, amountCents: 4_355_000, pendingCents: 4_355_000, paidCents: 0 });
    // Tariff: 25,000 → 13; 18,500 → 11; 50 → 0.
    expect(summary.charges.estimatedCents).toBe(2_400);
    expect(summary.displayStatus).toBe('draft');
    expect(summary.counts).toEqual({ ...emptyItemCounts(), draft: 3 });
  });

  it('refuses a worker without an amount, an archived worker and an empty run, saving nothing', () => {
    const db = freshDb();
    const [wanjiku, , akinyi] = threeWorkers(db) as [number, number, number];
    expect(() =>
      createRunFromWorkers(db, { title: 'Nov', workers: [{ workerId: wanjiku }, { workerId: akinyi }] }, officer),
    ).toThrow(/Akinyi Njeri has no default amount/);
    archiveWorker(db, wanjiku, 'Amina');
    expect(() => createRunFromWorkers(db, { title: 'Nov', workers: [{ workerId: wanjiku }] }, officer)).toThrow(
      ConflictError,
    );
    expect(() => createRunFromWorkers(db, { title: 'Nov', workers: [] }, officer)).toThrow(ValidationError);
    expect(() =>
      createRunFromWorkers(db, { title: 'Nov', workers: [{ workerId: akinyi, amountCents: 500 }] }, officer),
    ).toThrow(/outside what M-Pesa pays/);
    expect(db.prepare('SELECT count(*) AS n FROM payroll_runs').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM payroll_items').get()).toEqual({ n: 0 });
  });
});

describe('payroll runs from a file', () => {
  it('takes only valid rows, keeps line numbers, links existing workers by phone and leaves others unlinked', () => {
    const db = freshDb();
    const [wanjiku] = threeWorkers(db) as [number];
    const preview = previewCsv(payrollCsv, { duplicatesAgainstExisting: 'warn' });
    const run = createRunFromFile(
      db,
      { title: 'November salaries', fileName: 'november.csv', fileSha256: 'a'.repeat(64), preview },
      officer,
    );
    expect(run).toMatchObject({ source: 'file', sourceFileName: 'november.csv', sourceFileSha256: 'a'.repeat(64) });
    expect(listRunItems(db, run.id).map((i) => [i.lineNumber, i.workerId, i.phone, i.amountCents, i.remarks])).toEqual([
      [2, wanjiku, '254712345678', 2_500_000, 'November salary'],
      [3, null, '254799888777', 50_000, 'November salary'],
      [5, null, '254745000222', 15_000_000, 'November salary'],
    ]);
    // Paying a file never creates workers.
    expect(db.prepare('SELECT count(*) AS n FROM workers').get()).toEqual({ n: 3 });
    // 25,000 → 13; 500 → 5; 150,000 → 13.
    expect(runSummary(db, run.id).charges.estimatedCents).toBe(3_100);
    expect(runSummary(db, run.id).totals.amountCents).toBe(17_550_000);
  });
});

describe('duplicate-payment warning', () => {
  function twoRuns(
    db: ProfileDatabase,
    secondAmountCents: number,
    daysBetween: number,
  ): { first: number; second: number } {
    const [wanjiku, otieno] = threeWorkers(db) as [number, number];
    const first = createRunFromWorkers(
      db,
      { title: 'October salaries', workers: [{ workerId: wanjiku }, { workerId: otieno }] },
      officer,
    ).id;
    ageRun(db, first, daysBetween);
    const second = createRunFromWorkers(
      db,
      {
        title: 'November salaries',
        workers: [
          { workerId: wanjiku, amountCents: secondAmountCents },
          { workerId: otieno, amountCents: 1_900_000 },
        ],
      },
      officer,
    ).id;
    return { first, second };
  }

  it('warns when the same worker gets the same amount in another run within 30 days', () => {
    const db = freshDb();
    const { first, second } = twoRuns(db, 2_500_000, 29);
    const warnings = runSummary(db, second).warnings;
    expect(warnings.map((w) => [w.phone, w.amountCents, w.otherRunId])).toEqual([['254712345678', 2_500_000, first]]);
    expect(warnings[0]?.message).toContain('Wanjiku Kamau');
    // The earlier run sees the later one too.
    expect(runSummary(db, first).warnings.map((w) => w.otherRunId)).toEqual([second]);
  });

  it('does not warn after 31 days, for a different amount, or against a cancelled item', () => {
    const late = freshDb();
    expect(runSummary(late, twoRuns(late, 2_500_000, 31).second).warnings).toEqual([]);
    const other = freshDb();
    expect(runSummary(other, twoRuns(other, 2_600_000, 1).second).warnings).toEqual([]);
    const cancelled = freshDb();
    const { first, second } = twoRuns(cancelled, 2_500_000, 1);
    cancelled
      .prepare("UPDATE payroll_items SET state = 'cancelled' WHERE run_id = ? AND phone = '254712345678'")
      .run(first);
    expect(runSummary(cancelled, second).warnings).toEqual([]);
  });
});

describe('draft edits and approval', () => {
  it('edits and removes items while draft, then approves: run approved by whom, items queued, edits refused', async () => {
    const db = freshDb();
    const [wanjiku, otieno, akinyi] = threeWorkers(db) as [number, number, number];
    const run = createRunFromWorkers(
      db,
      { title: 'November', workers: [{ workerId: wanjiku }, { workerId: otieno }] },
      officer,
    );
    const [first, second] = listRunItems(db, run.id);
    if (first === undefined || second === undefined) throw new Error('run has two items');
    expect(editRunItem(db, first.id, { amountCents: 2_600_000 }, officer).amountCents).toBe(2_600_000);
    expect(() => editRunItem(db, first.id, { amountCents: 2_600_050 }, officer)).toThrow(/whole shillings/);
    removeRunItem(db, second.id, officer);
    expect(() => addWorkersToRun(db, run.id, [{ workerId: wanjiku }], officer)).toThrow(/already in this run/);
    addWorkersToRun(db, run.id, [{ workerId: akinyi, amountCents: 300_000 }], officer);
    expect(listRunItems(db, run.id).map((i) => [i.name, i.amountCents])).toEqual([
      ['Wanjiku Kamau', 2_600_000],
      ['Akinyi Njeri', 300_000],
    ]);

    const people = await seedPeople(db);
    const { run: approved, approvals } = await approveAsPolicyNeeds(db, run.id);
    expect(approved.state).toBe('approved');
    expect(approved.approvedAt).not.toBeNull();
    expect(approvals.approvals.map((a) => a.approverUsername)).toEqual(['baraka']);
    expect(listRunItems(db, run.id).map((i) => i.state)).toEqual(['queued', 'queued']);
    expect(runSummary(db, run.id).displayStatus).toBe('approved');
    expect(() => editRunItem(db, first.id, { amountCents: 100_000 }, officer)).toThrow(ConflictError);
    expect(() => removeRunItem(db, first.id, officer)).toThrow(ConflictError);
    expect(() => approveRun(db, run.id, people.secondApprover)).toThrow(/only a draft can be approved/);
    const actions = (
      db.prepare("SELECT action FROM audit_log WHERE entity IN ('payroll_run', 'payroll_item') ORDER BY id").all() as {
        action: string;
      }[]
    ).map((r) => r.action);
    expect(actions).toEqual([
      'payroll_run.created',
      'payroll_item.edited',
      'payroll_item.removed',
      'payroll_run.items_added',
      'payroll_run.approval_recorded',
      'payroll_run.approved',
    ]);
    expect(verifyAuditChain(db).ok).toBe(true);
  });

  it('refuses to approve a run with nobody in it', async () => {
    const db = freshDb();
    const [wanjiku] = threeWorkers(db) as [number];
    const run = createRunFromWorkers(db, { title: 'November', workers: [{ workerId: wanjiku }] }, officer);
    removeRunItem(db, (listRunItems(db, run.id)[0] as { id: number }).id, officer);
    const people = await seedPeople(db);
    recordRunMaker(db, run.id, people.officer.accountId);
    expect(() => approveRun(db, run.id, people.approver)).toThrow(/nobody to pay/);
  });

  it('approves only within the officer’s amount limits, whoever calls it', async () => {
    const db = freshDb();
    const [wanjiku, otieno] = threeWorkers(db) as [number, number];
    const run = createRunFromWorkers(
      db,
      { title: 'November', workers: [{ workerId: wanjiku }, { workerId: otieno }] },
      officer,
    );
    const people = await seedPeople(db);
    recordRunMaker(db, run.id, people.officer.accountId);
    saveAmountLimits(db, { maxCents: 2_000_000 }, officer.name);
    expect(() => approveRun(db, run.id, people.approver)).toThrow(
      '1 payment is outside your limits (KES 10.00 to KES 20,000.00): Wanjiku Kamau, KES 25,000.00.',
    );
    // Refused inside the transaction: the run and its items are as they were, and no approval is logged.
    expect(runSummary(db, run.id).run).toMatchObject({ state: 'draft', approvedAt: null });
    expect(listRunItems(db, run.id).map((i) => i.state)).toEqual(['draft', 'draft']);
    expect(db.prepare("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'payroll_run.approv%'").get()).toEqual({
      n: 0,
    });
    saveAmountLimits(db, { maxCents: 3_000_000 }, officer.name);
    expect(approveRun(db, run.id, people.approver).run.state).toBe('approved');
  });

  it('keeps a run total saved before approvals existed as the total that needs one more approver', () => {
    const db = freshDb();
    db.prepare(
      `INSERT INTO settings (key, value) VALUES ('amount_limits', '{"minCents":1000,"maxCents":25000000,"runMaxCents":4000000}')`,
    ).run();
    expect(approvalPolicy(db)).toEqual({ people: 2, aboveCents: 4_000_000 });
    expect(amountLimits(db).runMaxCents).toBe(4_000_000);
  });

  it('needs one more approver above the run total an admin set, and the officer cannot lift it', async () => {
    const db = freshDb();
    const [wanjiku, otieno] = threeWorkers(db) as [number, number];
    const run = createRunFromWorkers(
      db,
      { title: 'November', workers: [{ workerId: wanjiku }, { workerId: otieno }] },
      officer,
    );
    const people = await seedPeople(db);
    recordRunMaker(db, run.id, people.officer.accountId);
    saveAmountLimits(db, { runMaxCents: 4_000_000 }, people.admin.username); // KES 40,000; the run pays KES 43,500
    expect(() => saveAmountLimits(db, { runMaxCents: null }, people.officer.username)).toThrow();
    expect(amountLimits(db).runMaxCents).toBe(4_000_000);
    const first = approveRun(db, run.id, people.approver);
    expect(first.run.state).toBe('draft');
    expect(first.approvals).toMatchObject({ peopleNeeded: 3, approvalsCounted: 1, canSend: false });
    expect(approveRun(db, run.id, people.secondApprover).run.state).toBe('approved');
  });
});

describe('run display status', () => {
  const counts = (c: Partial<ItemCounts>): ItemCounts => ({ ...emptyItemCounts(), ...c });
  const table: [RunState, Partial<ItemCounts>, RunDisplayStatus][] = [
    ['draft', { draft: 3 }, 'draft'],
    ['approved', { queued: 3 }, 'approved'],
    ['running', { paid: 1, paying: 2 }, 'running'],
    ['paused', { paid: 1, queued: 2 }, 'paused'],
    ['cancelled', { paid: 1, cancelled: 2 }, 'cancelled'],
    ['completed', { paid: 3 }, 'completed'],
    ['completed', { paid: 2, failed: 1 }, 'partially_paid'],
    ['completed', { paid: 2, cancelled: 1 }, 'partially_paid'],
    ['completed', { failed: 3 }, 'failed'],
    ['completed', { failed: 1, cancelled: 2 }, 'failed'],
    ['completed', { cancelled: 2 }, 'cancelled'],
    ['completed', { paid: 2, paying: 1 }, 'running'],
  ];
  it.each(table)('%s with %o shows %s', (state, c, expected) => {
    expect(runDisplayStatus(counts(c), state)).toBe(expected);
  });
});
