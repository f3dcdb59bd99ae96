// Sending needs the approvals the policy asks for, checked where money leaves (starting and
// resuming a run), whichever door asks: a run edited after approval is not sent, a two-approver
// run is not sent on one approval, a run from before approvals existed is not sent, and the maker
// cannot approve their own run through the contract even when they hold the approver role.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { saveApprovalPolicy } from '../../../src/main/payroll/approval-policy';
import { beginRun, resumeRun } from '../../../src/main/payroll/engine/run-control';
import { approveRun } from '../../../src/main/payroll/run-approval';
import { createRunFromWorkers, getRun } from '../../../src/main/payroll/runs';
import { addWorker } from '../../../src/main/payroll/workers';
import { approvedRun, attempts, customersFor, harness, paidExactlyOnce, worker, type Harness } from './engine/harness';
import { reviewApi } from '../handlers/review-api';
import { tempFolder } from '../db/temp-folder';
import { seedPeople, type TestPeople } from '../../helpers/people';

const temp = tempFolder();
const opened: ProfileDatabase[] = [];
let h: Harness | undefined;
afterEach(async () => {
  for (const db of opened.splice(0)) closeDatabase(db);
  await h?.close();
  h = undefined;
});

async function profile(): Promise<{ db: ProfileDatabase; people: TestPeople; workers: number[] }> {
  const db = openDatabase(temp.path(`sending-${opened.length}.sqlite`));
  opened.push(db);
  const people = await seedPeople(db);
  const workers = [
    addWorker(db, { name: 'Wanjiku Kamau', phone: '0712345678', defaultAmountCents: 2_500_000 }, 'amina'),
    addWorker(db, { name: 'Akinyi Njeri', phone: '0722000111', defaultAmountCents: 1_850_000 }, 'amina'),
  ].map((w) => w.id);
  return { db, people, workers };
}

/** A draft paying both workers (KES 43,500), made by the officer. */
function draft(db: ProfileDatabase, people: TestPeople, workers: number[]): number {
  return createRunFromWorkers(
    db,
    { title: 'November 2026 salaries', workers: workers.map((workerId) => ({ workerId })) },
    people.officer,
  ).id;
}

const stateOf = (db: ProfileDatabase, runId: number) => getRun(db, runId).state;
const queuedLines = (db: ProfileDatabase, runId: number) =>
  db.prepare("SELECT count(*) FROM payroll_items WHERE run_id = ? AND state = 'queued'").pluck().get(runId);

describe('a run edited after approval', () => {
  it('is not sent: the engine refuses to start it and M-Pesa is never asked to pay', async () => {
    const workers = [worker(1), worker(2)];
    h = await harness({ customers: customersFor(workers) });
    const runId = approvedRun(h.db, workers);
    // A line's amount changed behind the draft functions' back, after the approval.
    h.db
      .prepare('UPDATE payroll_items SET amount_cents = amount_cents + 100000 WHERE run_id = ? AND line_number = 1')
      .run(runId);
    await h.engine.start();
    await expect(h.engine.startRun(runId, 'amina')).rejects.toThrow(/voided because the run changed/);
    expect(stateOf(h.db, runId)).toBe('approved');
    expect(attempts(h.db)).toEqual([]);
    expect(h.sim.payments()).toEqual([]);
  });

  it('is sent once approved as it is, exactly once to each person', async () => {
    const workers = [worker(1), worker(2)];
    h = await harness({ customers: customersFor(workers) });
    const runId = approvedRun(h.db, workers);
    await h.engine.start();
    await h.engine.startRun(runId, 'amina');
    await h.engine.waitUntilFinal(runId);
    paidExactlyOnce(h, workers);
  });
});

describe('a run that needs two approvers', () => {
  it('is not started on one approval (the policy asks for three people)', async () => {
    const { db, people, workers } = await profile();
    saveApprovalPolicy(db, { people: 3 }, people.admin.username);
    const runId = draft(db, people, workers);
    expect(approveRun(db, runId, people.approver).approvals).toMatchObject({ approvalsCounted: 1, canSend: false });
    expect(stateOf(db, runId)).toBe('draft');
    // Even a door that moved the run on without the second approval cannot send it.
    db.prepare("UPDATE payroll_runs SET state = 'approved', approved_at = '2026-11-28T07:00:00Z' WHERE id = ?").run(
      runId,
    );
    expect(() => beginRun(db, runId, 'amina', new Date().toISOString())).toThrow(/needs 1 more approval/);
    expect(stateOf(db, runId)).toBe('approved');
    expect(queuedLines(db, runId)).toBe(0);
  });

  it('is not started on one approval when its total is above the policy’s total', async () => {
    const { db, people, workers } = await profile();
    saveApprovalPolicy(db, { people: 2, aboveCents: 4_000_000 }, people.admin.username); // KES 40,000
    const runId = draft(db, people, workers); // KES 43,500
    expect(approveRun(db, runId, people.approver).approvals).toMatchObject({ peopleNeeded: 3, canSend: false });
    db.prepare("UPDATE payroll_runs SET state = 'approved', approved_at = '2026-11-28T07:00:00Z' WHERE id = ?").run(
      runId,
    );
    expect(() => beginRun(db, runId, 'amina', new Date().toISOString())).toThrow(/needs 1 more approval/);

    // Put back as the draft it truly is; a second approver approves it, and it may start.
    db.prepare("UPDATE payroll_runs SET state = 'draft' WHERE id = ?").run(runId);
    const second = approveRun(db, runId, people.secondApprover);
    expect(second.run.state).toBe('approved');
    expect(beginRun(db, runId, 'amina', new Date().toISOString())).toBe(0); // its lines were queued at approval
    expect(stateOf(db, runId)).toBe('running');
  });
});

describe('a run approved before the admin raised the policy', () => {
  it('is not sent until it holds what the policy asks now, and takes the approval it lacks', async () => {
    const { db, people, workers } = await profile();
    const runId = draft(db, people, workers);
    expect(approveRun(db, runId, people.approver).run.state).toBe('approved');
    saveApprovalPolicy(db, { people: 3 }, people.admin.username);
    expect(() => beginRun(db, runId, 'amina', new Date().toISOString())).toThrow(/needs 1 more approval/);

    // The maker still cannot give it; a second approver can, and the run may then be sent.
    expect(() => approveRun(db, runId, people.officer)).toThrow(/cannot approve it/);
    const second = approveRun(db, runId, people.secondApprover);
    expect(second).toMatchObject({ run: { state: 'approved' }, approvals: { approvalsCounted: 2, canSend: true } });
    expect(() => approveRun(db, runId, people.approver)).toThrow(/only a draft can be approved/);
    beginRun(db, runId, 'amina', new Date().toISOString());
    expect(stateOf(db, runId)).toBe('running');
  });
});

describe('a run from before approvals existed (no maker, no approvals)', () => {
  it('is refused when approved or paused, with words saying to prepare it again', async () => {
    const { db } = await profile();
    const insert = (state: string) =>
      Number(
        db
          .prepare("INSERT INTO payroll_runs (title, state, approved_at) VALUES ('October', ?, '2026-10-28T07:00:00Z')")
          .run(state).lastInsertRowid,
      );
    const approved = insert('approved');
    const paused = insert('paused');
    for (const runId of [approved, paused])
      db.prepare(
        "INSERT INTO payroll_items (run_id, name, phone, amount_cents, state) VALUES (?, 'Grace Wanjiku', '254712345678', 150000, 'queued')",
      ).run(runId);
    expect(() => beginRun(db, approved, 'amina', new Date().toISOString())).toThrow(/prepare it again while signed in/);
    expect(() => resumeRun(db, paused, 'amina')).toThrow(/prepare it again while signed in/);
    expect([stateOf(db, approved), stateOf(db, paused)]).toEqual(['approved', 'paused']);
  });

  it('still finishes when it was already running: recovery pays what was queued, once', async () => {
    const workers = [worker(1), worker(2)];
    h = await harness({ customers: customersFor(workers) });
    const runId = Number(
      h.db
        .prepare("INSERT INTO payroll_runs (title, state, approved_at, started_at) VALUES ('October', 'running', ?, ?)")
        .run(new Date().toISOString(), new Date().toISOString()).lastInsertRowid,
    );
    const line = h.db.prepare(
      "INSERT INTO payroll_items (run_id, line_number, name, phone, amount_cents, state) VALUES (?, ?, ?, ?, ?, 'queued')",
    );
    workers.forEach((w, i) => line.run(runId, i + 1, w.name, w.phone, w.amountCents));
    await h.engine.start();
    await h.engine.waitUntilFinal(runId);
    paidExactlyOnce(h, workers);
  });
});

describe('the maker and their own run, through the contract', () => {
  it('refuses the maker’s approval even when they hold the approver role; another approver’s counts', async () => {
    const { db, people, workers } = await profile();
    const both = { ...people.officer, roles: ['payroll-officer', 'approver'] as const };
    db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'approver')").run(both.accountId);
    const api = reviewApi(db);
    const run = await api.call(
      'runs.createFromWorkers',
      { title: 'November 2026 salaries', workers: workers.map((workerId) => ({ workerId })) },
      { ...both, roles: [...both.roles] },
    );

    const refused = await api.refusal('runs.approve', { runId: run.id }, { ...both, roles: [...both.roles] });
    expect(refused).toMatchObject({ kind: 'conflict', code: 'maker_cannot_approve' });
    expect(refused.message).toContain('amina prepared payroll run');
    expect(db.prepare('SELECT count(*) FROM run_approvals').pluck().get()).toBe(0);
    expect(stateOf(db, run.id)).toBe('draft');

    const approved = await api.call('runs.approve', { runId: run.id }, people.approver);
    expect(approved.state).toBe('approved');
  });
});
