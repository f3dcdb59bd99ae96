// Retries of failed payments take two people, over the contract: a payroll officer asks, an
// approver other than the one who asked approves, and only then are exactly the failed lines
// asked for queued again. Nobody approves a retry nobody asked for.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { getRun } from '../../../src/main/payroll/runs';
import type { Caller } from '../../../src/shared/contract/access';
import { tempFolder } from '../db/temp-folder';
import { reviewApi, type ReviewApi } from '../handlers/review-api';
import { recordSignOff, seedPeople, type TestPeople } from '../../helpers/people';

const temp = tempFolder();
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

interface Failed {
  db: ProfileDatabase;
  api: ReviewApi;
  people: TestPeople;
  /** The officer, holding the approver role as well. */
  officerAndApprover: Caller;
  runId: number;
  itemIds: number[];
}

/** A completed run (maker and approval on record) whose two lines failed definitively; one was paid. */
async function failedRun(): Promise<Failed> {
  const db = openDatabase(temp.path(`retry-${opened.length}.sqlite`));
  opened.push(db);
  const people = await seedPeople(db);
  db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'approver')").run(people.officer.accountId);
  const runId = Number(
    db
      .prepare(
        "INSERT INTO payroll_runs (title, state, approved_at) VALUES ('November', 'completed', '2026-11-30T06:00:00Z')",
      )
      .run().lastInsertRowid,
  );
  const line = (phone: string, state: string) =>
    Number(
      db
        .prepare('INSERT INTO payroll_items (run_id, name, phone, amount_cents, state) VALUES (?, ?, ?, 100000, ?)')
        .run(runId, `Worker ${phone.slice(-2)}`, phone, state).lastInsertRowid,
    );
  const itemIds = [line('254700000001', 'failed'), line('254700000002', 'failed')];
  line('254700000003', 'paid');
  for (const itemId of itemIds)
    db.prepare(
      `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, result_code, finished_at)
       SELECT id, 1, 'O-' || id, phone, amount_cents, 'SalaryPayment', 'failed', '2040', '2026-11-30T07:00:00Z' FROM payroll_items WHERE id = ?`,
    ).run(itemId);
  recordSignOff(db, runId);
  return {
    db,
    api: reviewApi(db),
    people,
    officerAndApprover: { ...people.officer, roles: ['payroll-officer', 'approver'] },
    runId,
    itemIds,
  };
}

const itemStates = (db: ProfileDatabase, runId: number) =>
  db.prepare('SELECT state FROM payroll_items WHERE run_id = ? ORDER BY id').pluck().all(runId);

describe('a retry of failed payments', () => {
  it('is refused when nobody asked for it', async () => {
    const { db, api, people, runId } = await failedRun();
    const refused = await api.refusal('runs.approveRetry', { runId }, people.approver);
    expect(refused).toMatchObject({ kind: 'conflict', code: 'retry_not_requested' });
    expect(itemStates(db, runId)).toEqual(['failed', 'failed', 'paid']);
  });

  it('is asked for by the officer and refused to them as approver, whatever roles they hold', async () => {
    const { db, api, officerAndApprover, runId } = await failedRun();
    const request = await api.call('runs.requestRetry', { runId }, officerAndApprover);
    expect(request).toMatchObject({ requestedBy: { username: 'amina' }, count: 2, amountCents: 200_000 });
    const refused = await api.refusal('runs.approveRetry', { runId }, officerAndApprover);
    expect(refused).toMatchObject({ kind: 'forbidden', code: 'asker_cannot_approve' });
    expect(itemStates(db, runId)).toEqual(['failed', 'failed', 'paid']);
    expect(getRun(db, runId).state).toBe('completed');
  });

  it('is sent again once another approver approves: exactly the failed lines, recorded with who asked', async () => {
    const { db, api, people, runId } = await failedRun();
    await api.call('runs.requestRetry', { runId }, people.officer);
    const review = await api.call('runs.review', { runId }, people.approver);
    expect(review.retryRequest).toMatchObject({ requestedBy: { displayName: 'Amina Odhiambo' }, count: 2 });
    expect(review.viewer.mayApproveRetry).toBe(true);
    expect((await api.call('runs.review', { runId }, people.officer)).viewer).toMatchObject({
      mayAskRetry: true,
      mayApproveRetry: false,
    });

    const approved = await api.call('runs.approveRetry', { runId }, people.approver);
    expect(approved.queued).toBe(2);
    expect(approved.run.state).toBe('running');
    expect(itemStates(db, runId)).toEqual(['queued', 'queued', 'paid']);
    const audit = db
      .prepare("SELECT actor, action, details FROM audit_log WHERE action LIKE 'payroll_run.retry%' ORDER BY id")
      .all() as Array<{ actor: string; action: string; details: string }>;
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['amina', 'payroll_run.retry_requested'],
      ['baraka', 'payroll_run.retry_approved'],
      ['baraka', 'payroll_run.retry_request_approved'],
    ]);
    expect(JSON.parse(audit[2]!.details)).toMatchObject({ requestedBy: 'amina', queued: 2 });
    expect((await api.call('runs.review', { runId }, people.approver)).retryRequest).toBeNull();
    // The request is spent: approving again finds nobody asking.
    expect((await api.refusal('runs.approveRetry', { runId }, people.secondApprover)).code).toBe('retry_not_requested');
  });

  it('is set aside when the failed lines changed since the request: someone asks again', async () => {
    const { db, api, people, runId, itemIds } = await failedRun();
    await api.call('runs.requestRetry', { runId }, people.officer);
    // M-Pesa's statement shows one of them paid after all: it is no longer among the failed.
    db.prepare("UPDATE payroll_items SET state = 'paid' WHERE id = ?").run(itemIds[0]);
    const refused = await api.refusal('runs.approveRetry', { runId }, people.approver);
    expect(refused).toMatchObject({ kind: 'conflict', code: 'retry_request_stale' });
    expect(itemStates(db, runId)).toEqual(['paid', 'failed', 'paid']);
    expect(db.prepare('SELECT set_aside_reason FROM retry_requests').pluck().all()).toEqual([
      'the failed payments changed before it was approved',
    ]);

    await api.call('runs.requestRetry', { runId }, people.officer);
    expect((await api.call('runs.approveRetry', { runId }, people.approver)).queued).toBe(1);
  });

  it('is asked for once: asking again for the same lines is refused, naming who asked', async () => {
    const { api, people, runId } = await failedRun();
    await api.call('runs.requestRetry', { runId }, people.officer);
    const again = await api.refusal('runs.requestRetry', { runId }, people.officer);
    expect(again).toMatchObject({ kind: 'conflict', code: 'retry_already_requested' });
    expect(again.message).toContain('amina already asked');
  });
});
