// Approvals of payroll runs on a real SQLite file, with real accounts: the maker never approves
// their own run, an edit after approval voids it, and a run is sent only with the approvals the
// profile's policy asks for, by distinct people.
import { describe, expect, it } from 'vitest';
import type { ProfileDatabase } from '../../../src/main/db';
import { verifyAuditChain } from '../../../src/main/ledger/audit';
import {
  approvalPolicy,
  approvalsNeeded,
  describePolicy,
  saveApprovalPolicy,
} from '../../../src/main/payroll/approval-policy';
import {
  approvalState,
  recordApproval,
  recordRunMaker,
  requireApprovedForSending,
  voidApprovalsIfChanged,
} from '../../../src/main/payroll/approvals';
import { createRunFromWorkers, listRunItems, type PayrollRun } from '../../../src/main/payroll/runs';
import { addWorkersToRun, editRunItem, removeRunItem } from '../../../src/main/payroll/run-drafts';
import { approveRun } from '../../../src/main/payroll/run-approval';
import { addWorker } from '../../../src/main/payroll/workers';
import { addAccount, createFirstAdmin, disableAccount, type Account } from '../../../src/main/users/accounts';
import { adminPassword, auditEntries, freshDatabase } from '../users/helpers';

const firstPassword = 'mango season in kisumu';

interface Team {
  db: ProfileDatabase;
  admin: Account;
  /** The payroll officer who makes runs; holds the approver role too, to show it changes nothing. */
  maker: Account;
  baraka: Account;
  chebet: Account;
  accountant: Account;
  /** Three saved workers: the run pays the first two; the third is for adding. */
  workers: [number, number, number];
}

async function team(): Promise<Team> {
  const { db } = freshDatabase();
  const admin = await createFirstAdmin(db, {
    username: 'wanjiru',
    displayName: 'Wanjiru Kamau',
    password: adminPassword,
  });
  const add = (username: string, displayName: string, roles: string[]): Promise<Account> =>
    addAccount(db, { username, displayName, roles, password: firstPassword }, 'wanjiru');
  const maker = await add('amina', 'Amina Mwangi', ['payroll-officer', 'approver']);
  const baraka = await add('baraka', 'Baraka Mwita', ['approver']);
  const chebet = await add('chebet', 'Chebet Rono', ['approver']);
  const accountant = await add('otieno', 'Otieno Ochieng', ['accountant']);
  const [first, second, third] = [
    addWorker(db, { name: 'Wanjiku Kamau', phone: '0712345678', defaultAmountCents: 2_500_000 }, 'amina'),
    addWorker(db, { name: 'Akinyi Njeri', phone: '0722000111', defaultAmountCents: 1_850_000 }, 'amina'),
    addWorker(db, { name: 'Kiprop Langat', phone: '0110123456', defaultAmountCents: 900_000 }, 'amina'),
  ].map((w) => w.id) as [number, number, number];
  return { db, admin, maker, baraka, chebet, accountant, workers: [first, second, third] };
}

/** A draft paying the first two workers (KES 43,500), made by the maker. */
function draftRun(t: Team): PayrollRun {
  const run = createRunFromWorkers(
    t.db,
    { title: 'November 2026 salaries', workers: t.workers.slice(0, 2).map((workerId) => ({ workerId })) },
    { name: t.maker.username },
  );
  recordRunMaker(t.db, run.id, t.maker.id);
  return run;
}

/** The id of the run's line at `index`, in line order. */
function lineId(db: ProfileDatabase, runId: number, index: number): number {
  const item = listRunItems(db, runId)[index];
  if (item === undefined) throw new Error(`run #${runId} has no line ${index}`);
  return item.id;
}

const storedApprovals = (db: ProfileDatabase, runId: number): unknown[] =>
  db
    .prepare(
      'SELECT approver_account_id, voided_at IS NOT NULL AS voided FROM run_approvals WHERE run_id = ? ORDER BY id',
    )
    .all(runId);

describe('the maker of a run', () => {
  it('cannot approve it even holding the approver role, and the run cannot be sent', async () => {
    const t = await team();
    const run = draftRun(t);
    expect(() => recordApproval(t.db, run.id, t.maker.id)).toThrow(
      expect.objectContaining({
        kind: 'conflict',
        code: 'maker_cannot_approve',
        message: expect.stringMatching(/amina prepared payroll run/),
      }),
    );
    expect(storedApprovals(t.db, run.id)).toEqual([]);
    expect(() => requireApprovedForSending(t.db, run.id)).toThrow(
      /needs 1 more approval by an approver other than the maker/,
    );
    expect(approvalState(t.db, run.id)).toMatchObject({ canSend: false, approvalsCounted: 0, approvalsNeeded: 1 });
  });

  it('is kept once: a run cannot change hands to let its maker approve it', async () => {
    const t = await team();
    const run = draftRun(t);
    expect(() => recordRunMaker(t.db, run.id, t.baraka.id)).toThrow(/keeps its maker/);
    expect(() =>
      t.db.prepare('UPDATE payroll_runs SET maker_account_id = ? WHERE id = ?').run(t.baraka.id, run.id),
    ).toThrow(/keeps its maker/);
  });
});

describe('who else may approve', () => {
  it('refuses an account without the approver role, a disabled approver, a run with no maker and a run past draft', async () => {
    const t = await team();
    const run = draftRun(t);
    expect(() => recordApproval(t.db, run.id, t.accountant.id)).toThrow(
      expect.objectContaining({
        kind: 'validation',
        code: 'role_needed',
        message: expect.stringMatching(/otieno does not have it/),
      }),
    );
    disableAccount(t.db, 'chebet', 'wanjiru');
    expect(() => recordApproval(t.db, run.id, t.chebet.id)).toThrow(/chebet is disabled/);

    const unowned = createRunFromWorkers(
      t.db,
      { title: 'Casuals', workers: [{ workerId: t.workers[2] }] },
      { name: 'amina' },
    );
    expect(() => recordApproval(t.db, unowned.id, t.baraka.id)).toThrow(/no maker on record/);
    expect(() => requireApprovedForSending(t.db, unowned.id)).toThrow(/no maker on record/);

    expect(approveRun(t.db, run.id, { name: 'baraka', accountId: t.baraka.id }).run.state).toBe('approved');
    const late = await addAccount(
      t.db,
      { username: 'daudi', displayName: 'Daudi Kiptoo', roles: ['approver'], password: firstPassword },
      'wanjiru',
    );
    expect(() => recordApproval(t.db, run.id, late.id)).toThrow(/is approved; approvals are given while it is a draft/);
    expect(storedApprovals(t.db, run.id)).toEqual([{ approver_account_id: t.baraka.id, voided: 0 }]);
  });
});

describe('policy 2, the default: the maker and one approver', () => {
  it('sends on one approval by someone else, recording who, when and what they saw', async () => {
    const t = await team();
    const run = draftRun(t);
    expect(approvalPolicy(t.db)).toEqual({ people: 2, aboveCents: null });
    const at = new Date('2026-11-28T07:15:00Z');
    const { run: moved, approvals: state } = approveRun(
      t.db,
      run.id,
      { name: 'baraka', accountId: t.baraka.id },
      [],
      at,
    );
    // One approval by someone other than the maker is all policy 2 asks: the run moves on at once.
    expect(moved.state).toBe('approved');
    expect(listRunItems(t.db, run.id).map((item) => item.state)).toEqual(['queued', 'queued']);
    expect(state).toMatchObject({
      canSend: true,
      approvalsCounted: 1,
      approvalsNeeded: 1,
      peopleNeeded: 2,
      blocker: null,
    });
    expect(state.approvals).toEqual([
      expect.objectContaining({
        approverUsername: 'baraka',
        approvedAt: at.toISOString(),
        seen: expect.objectContaining({ totalCents: 4_350_000, itemCount: 2 }),
        matchesRun: true,
        counts: true,
      }),
    ]);
    // Moving the run to approved (items queued) changes no line, so the approval still holds.
    expect(requireApprovedForSending(t.db, run.id).approvalsCounted).toBe(1);
  });

  it('counts the same approver twice once', async () => {
    const t = await team();
    saveApprovalPolicy(t.db, { people: 3 }, 'wanjiru');
    const run = draftRun(t);
    recordApproval(t.db, run.id, t.baraka.id);
    expect(() => recordApproval(t.db, run.id, t.baraka.id)).toThrow(
      expect.objectContaining({ code: 'already_approved', message: expect.stringMatching(/another approver/) }),
    );
    expect(() =>
      t.db
        .prepare(
          "INSERT INTO run_approvals (run_id, approver_account_id, approved_at, total_cents, item_count, items_sha256) VALUES (?, ?, 'x', 0, 0, ?)",
        )
        .run(run.id, t.baraka.id, 'a'.repeat(64)),
    ).toThrow(/UNIQUE/);
    expect(approvalState(t.db, run.id)).toMatchObject({ approvalsCounted: 1, canSend: false });
    expect(() => requireApprovedForSending(t.db, run.id)).toThrow(/needs 1 more approval/);
  });
});

describe('two approvers', () => {
  it('under policy 3 one approval is not enough; a second distinct approver makes the run sendable', async () => {
    const t = await team();
    saveApprovalPolicy(t.db, { people: 3 }, 'wanjiru');
    const run = draftRun(t);
    recordApproval(t.db, run.id, t.baraka.id);
    expect(() => requireApprovedForSending(t.db, run.id)).toThrow(
      expect.objectContaining({ code: 'approval_needed', message: expect.stringMatching(/needs 1 more approval/) }),
    );
    expect(() => recordApproval(t.db, run.id, t.maker.id)).toThrow(/two approvers other than the maker/);
    const state = recordApproval(t.db, run.id, t.chebet.id);
    expect(state).toMatchObject({ canSend: true, approvalsCounted: 2, approvalsNeeded: 2, peopleNeeded: 3 });
    expect(requireApprovedForSending(t.db, run.id).approvals.map((a) => a.approverUsername)).toEqual([
      'baraka',
      'chebet',
    ]);
  });

  it('under policy 2 a run above the set total needs a second approver', async () => {
    const t = await team();
    saveApprovalPolicy(t.db, { aboveCents: 4_000_000 }, 'wanjiru');
    expect(approvalsNeeded(approvalPolicy(t.db), 4_000_000)).toBe(2);
    expect(approvalsNeeded(approvalPolicy(t.db), 4_000_100)).toBe(3);
    expect(approvalsNeeded({ people: 3, aboveCents: 100 }, 1_000_000)).toBe(3);
    const run = draftRun(t); // KES 43,500: above KES 40,000
    recordApproval(t.db, run.id, t.baraka.id);
    expect(approvalState(t.db, run.id)).toMatchObject({ peopleNeeded: 3, canSend: false });
    expect(() => requireApprovedForSending(t.db, run.id)).toThrow(/needs 1 more approval/);
    recordApproval(t.db, run.id, t.chebet.id);
    expect(requireApprovedForSending(t.db, run.id).canSend).toBe(true);
  });
});

describe('an edit after approval voids it', () => {
  const edits: [string, (t: Team, run: PayrollRun) => void][] = [
    [
      'an amount changed',
      (t, run) =>
        editRunItem(
          t.db,
          lineId(t.db, run.id, 0),
          { amountCents: 2_600_000 },
          { name: 'amina', accountId: t.maker.id },
        ),
    ],
    [
      'a phone number changed',
      (t, run) =>
        t.db.prepare("UPDATE payroll_items SET phone = '254799888777' WHERE id = ?").run(lineId(t.db, run.id, 1)),
    ],
    [
      'a line added',
      (t, run) => addWorkersToRun(t.db, run.id, [{ workerId: t.workers[2] }], { name: 'amina', accountId: t.maker.id }),
    ],
    [
      'a line removed',
      (t, run) => removeRunItem(t.db, lineId(t.db, run.id, 1), { name: 'amina', accountId: t.maker.id }),
    ],
  ];
  for (const [what, edit] of edits) {
    it(`when ${what}: sending is refused until someone approves the run as it is now`, async () => {
      const t = await team();
      const run = draftRun(t);
      expect(recordApproval(t.db, run.id, t.baraka.id).canSend).toBe(true);
      edit(t, run);

      expect(() => requireApprovedForSending(t.db, run.id)).toThrow(
        /1 earlier approval was voided because the run changed/,
      );
      const before = approvalState(t.db, run.id);
      expect(before.approvals).toEqual([
        expect.objectContaining({ approverUsername: 'baraka', matchesRun: false, counts: false }),
      ]);

      // An edit through the draft functions voids in its own transaction; one made behind their
      // back is stamped by the next call.
      const editedBehindTheirBack = what === 'a phone number changed';
      expect(voidApprovalsIfChanged(t.db, run.id, 'amina')).toBe(editedBehindTheirBack ? 1 : 0);
      const stamped = t.db.prepare('SELECT voided_at, void_reason FROM run_approvals WHERE run_id = ?').get(run.id) as {
        voided_at: string | null;
        void_reason: string | null;
      };
      expect(stamped.voided_at).not.toBeNull();
      expect(stamped.void_reason).toMatch(/the run changed after this approval/);
      expect(() => t.db.prepare('UPDATE run_approvals SET voided_at = NULL, void_reason = NULL').run()).toThrow(
        /stays voided/,
      );
      expect(() => t.db.prepare('DELETE FROM run_approvals').run()).toThrow(/never deleted/);
      expect(voidApprovalsIfChanged(t.db, run.id, 'amina')).toBe(0);

      // The same approver may approve the run as it is now; that approval counts.
      expect(recordApproval(t.db, run.id, t.baraka.id).canSend).toBe(true);
      expect(storedApprovals(t.db, run.id)).toEqual([
        { approver_account_id: t.baraka.id, voided: 1 },
        { approver_account_id: t.baraka.id, voided: 0 },
      ]);
    });
  }
});

describe('policy 1, single person', () => {
  it('is refused unless an admin saves it; then the maker’s own approval suffices', async () => {
    const t = await team();
    for (const who of ['amina', 'baraka', 'otieno'])
      expect(() => saveApprovalPolicy(t.db, { people: 1 }, who)).toThrow(
        expect.objectContaining({
          code: 'role_needed',
          message: expect.stringMatching(/Only someone with the admin role/),
        }),
      );
    expect(approvalPolicy(t.db).people).toBe(2);

    expect(saveApprovalPolicy(t.db, { people: 1 }, 'wanjiru')).toEqual({ people: 1, aboveCents: null });
    expect(describePolicy(approvalPolicy(t.db))).toBe('single person: the maker approves and sends alone');
    const run = draftRun(t);
    expect(recordApproval(t.db, run.id, t.maker.id)).toMatchObject({ canSend: true, peopleNeeded: 1 });
    expect(requireApprovedForSending(t.db, run.id).approvals.map((a) => a.approverUsername)).toEqual(['amina']);

    // Back to two people: the maker's own approval no longer counts.
    saveApprovalPolicy(t.db, { people: 2 }, 'wanjiru');
    expect(() => requireApprovedForSending(t.db, run.id)).toThrow(
      /needs 1 more approval by an approver other than the maker/,
    );
  });

  it('still needs a second person above the set total', async () => {
    const t = await team();
    saveApprovalPolicy(t.db, { people: 1, aboveCents: 1_000_000 }, 'wanjiru');
    const run = draftRun(t);
    expect(() => recordApproval(t.db, run.id, t.maker.id)).toThrow(/an approver other than the maker must approve it/);
    expect(recordApproval(t.db, run.id, t.baraka.id).canSend).toBe(true);
  });

  it('refuses a policy that is not 1, 2 or 3, or a total that is not whole shillings', async () => {
    const t = await team();
    expect(() => saveApprovalPolicy(t.db, { people: 4 as never }, 'wanjiru')).toThrow(/Choose how many people/);
    expect(() => saveApprovalPolicy(t.db, { aboveCents: 150 }, 'wanjiru')).toThrow(/whole number of shillings/);
    expect(approvalPolicy(t.db)).toEqual({ people: 2, aboveCents: null });
  });
});

describe('the audit log', () => {
  it('records approvals, voids and policy changes by name, with no secret in them', async () => {
    const t = await team();
    saveApprovalPolicy(t.db, { people: 3, aboveCents: 10_000_000 }, 'wanjiru');
    const run = draftRun(t);
    recordApproval(t.db, run.id, t.baraka.id);
    editRunItem(t.db, lineId(t.db, run.id, 0), { amountCents: 2_600_000 }, { name: 'amina', accountId: t.maker.id });
    voidApprovalsIfChanged(t.db, run.id, 'amina');

    expect(auditEntries(t.db, 'settings.approval_policy')).toEqual([
      {
        actor: 'wanjiru',
        action: 'settings.approval_policy',
        entityId: 'approval_policy',
        details: { before: { people: 2, aboveCents: null }, after: { people: 3, aboveCents: 10_000_000 } },
      },
    ]);
    expect(auditEntries(t.db, 'payroll_run.approval').map((e) => [e.actor, e.action, e.entityId])).toEqual([
      ['baraka', 'payroll_run.approval_recorded', String(run.id)],
      ['amina', 'payroll_run.approval_voided', String(run.id)],
    ]);
    expect(auditEntries(t.db, 'payroll_run.approval_recorded').map((e) => e.details)).toEqual([
      expect.objectContaining({
        totalCents: 4_350_000,
        items: 2,
        approvalsCounted: 1,
        approvalsNeeded: 2,
      }),
    ]);
    const everything = JSON.stringify(t.db.prepare('SELECT * FROM audit_log').all());
    for (const secret of [adminPassword, firstPassword, 'scrypt$']) expect(everything).not.toContain(secret);
    expect(verifyAuditChain(t.db).ok).toBe(true);
  });
});
