// Recorded approvals of payroll runs: nobody moves money alone. An approval names the approver,
// when, and the exact run they saw (total, item count, sha256 of the lines). It counts only while
// the run still hashes the same: an edit after approval voids it, whichever door made the edit,
// because the check is made at read time against the run as it is now. voidApprovalsIfChanged
// also stamps such approvals void with the reason, so the history says why they stopped counting.
// The maker never approves their own run, whatever roles they hold, unless the profile's policy
// is "single person" (approval-policy.ts) for a run of that size.
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { accountRowById, rolesOf } from '../users/account-rows';
import { approvalPolicy, approvalsNeeded, type ApprovalPolicy, type PeopleNeeded } from './approval-policy';
import type { RunState } from './status';
import { refuseUnapprovedPhoneChanges } from './phone-changes';
import { isRefundRun } from '../refunds/links';

/** The run as an approver sees it: what an approval is bound to. */
export interface RunSnapshot {
  totalCents: Cents;
  itemCount: number;
  itemsSha256: string;
}

export interface RecordedApproval {
  id: number;
  approverAccountId: number;
  approverUsername: string;
  approverName: string;
  approvedAt: string;
  seen: RunSnapshot;
  /** The run as it is now hashes the same as what this approver saw. */
  matchesRun: boolean;
  voidedAt: string | null;
  voidReason: string | null;
  /** Counts towards sending: standing, matching the run, and not the maker's own (unless one person suffices). */
  counts: boolean;
}

export interface ApprovalState {
  runId: number;
  runState: RunState;
  makerAccountId: number | null;
  policy: ApprovalPolicy;
  now: RunSnapshot;
  /** People who must act on this run at its current total, the maker included. */
  peopleNeeded: PeopleNeeded;
  /** Approvals that must count: peopleNeeded - 1 by others, or the maker's own when one person suffices. */
  approvalsNeeded: number;
  /** Distinct people whose approval counts. */
  approvalsCounted: number;
  approvals: RecordedApproval[];
  canSend: boolean;
  /** Why the run cannot be sent yet, in words a person can act on; null when it can. */
  blocker: string | null;
}

interface RunRow {
  id: number;
  state: RunState;
  maker_account_id: number | null;
}

function runRow(db: ProfileDatabase, runId: number): RunRow {
  const row = db.prepare('SELECT id, state, maker_account_id FROM payroll_runs WHERE id = ?').get(runId) as
    RunRow | undefined;
  if (row === undefined) throw new NotFoundError(`There is no payroll run #${runId}`);
  return row;
}

/** Total, count and sha256 over every line's id, phone, amount and name, in line order. */
export function runSnapshot(db: ProfileDatabase, runId: number): RunSnapshot {
  const lines = db
    .prepare('SELECT id, phone, amount_cents, name FROM payroll_items WHERE run_id = ? ORDER BY line_number, id')
    .raw()
    .all(runId) as [number, string, number, string][];
  const hash = createHash('sha256');
  for (const line of lines) hash.update(`${JSON.stringify(line)}\n`);
  return {
    totalCents: lines.reduce((sum, line) => sum + line[2], 0),
    itemCount: lines.length,
    itemsSha256: hash.digest('hex'),
  };
}

function sameRun(a: RunSnapshot, b: RunSnapshot): boolean {
  return a.itemsSha256 === b.itemsSha256 && a.totalCents === b.totalCents && a.itemCount === b.itemCount;
}

/**
 * Keeps on the run the account that made it, in the transaction that creates it. Set once: a run
 * keeps its maker (the schema refuses a change).
 */
export function recordRunMaker(db: ProfileDatabase, runId: number, makerAccountId: number): void {
  if (accountRowById(db, makerAccountId) === undefined)
    throw new NotFoundError(`There is no account #${makerAccountId} to record as the maker of run #${runId}`);
  const run = runRow(db, runId);
  if (run.maker_account_id === makerAccountId) return;
  if (run.maker_account_id !== null)
    throw new ConflictError(`Payroll run #${runId} already has its maker on record; a run keeps its maker.`);
  db.prepare('UPDATE payroll_runs SET maker_account_id = ? WHERE id = ?').run(makerAccountId, runId);
}

interface ApprovalRow {
  id: number;
  approver_account_id: number;
  username: string;
  display_name: string;
  approved_at: string;
  total_cents: number;
  item_count: number;
  items_sha256: string;
  voided_at: string | null;
  void_reason: string | null;
}

function approvalRows(db: ProfileDatabase, runId: number): ApprovalRow[] {
  return db
    .prepare(
      `SELECT ra.*, a.username, a.display_name FROM run_approvals ra JOIN accounts a ON a.id = ra.approver_account_id
        WHERE ra.run_id = ? ORDER BY ra.approved_at, ra.id`,
    )
    .all(runId) as ApprovalRow[];
}

function seenOf(row: ApprovalRow): RunSnapshot {
  return { totalCents: row.total_cents, itemCount: row.item_count, itemsSha256: row.items_sha256 };
}

function describeChange(seen: RunSnapshot, now: RunSnapshot): string {
  const parts: string[] = [];
  if (seen.itemCount !== now.itemCount) parts.push(`${seen.itemCount} lines became ${now.itemCount}`);
  if (seen.totalCents !== now.totalCents)
    parts.push(`${formatKesWithCurrency(seen.totalCents)} became ${formatKesWithCurrency(now.totalCents)}`);
  const what = parts.length === 0 ? 'a name, number or amount changed' : parts.join(', ');
  return `the run changed after this approval (${what})`;
}

/**
 * Stamps void, with the reason, every standing approval of the run that no longer matches it.
 * Call it in the transaction of each edit to a draft (item edited, removed, added). Returns how
 * many were voided. Approvals count only while they match even if this is never called.
 */
export function voidApprovalsIfChanged(db: ProfileDatabase, runId: number, actor: string, now = new Date()): number {
  return db.transaction(() => {
    const current = runSnapshot(db, runId);
    const stale = approvalRows(db, runId).filter((row) => row.voided_at === null && !sameRun(seenOf(row), current));
    const stamp = db.prepare(
      'UPDATE run_approvals SET voided_at = ?, void_reason = ? WHERE id = ? AND voided_at IS NULL',
    );
    for (const row of stale) {
      const reason = describeChange(seenOf(row), current);
      stamp.run(now.toISOString(), reason, row.id);
      appendAudit(db, {
        actor,
        action: 'payroll_run.approval_voided',
        entity: 'payroll_run',
        entityId: runId,
        details: { approver: row.username, approvedAt: row.approved_at, reason },
      });
    }
    return stale.length;
  })();
}

/** Who approved the run, which approvals still count, and whether it may be sent. */
export function approvalState(db: ProfileDatabase, runId: number): ApprovalState {
  const run = runRow(db, runId);
  const policy = approvalPolicy(db);
  const current = runSnapshot(db, runId);
  const peopleNeeded = approvalsNeeded(policy, current.totalCents);
  // A refund's maker is the admin who asked for it: whatever the policy, someone else approves it.
  const makerMayApprove = peopleNeeded === 1 && !isRefundRun(db, runId);
  const counted = new Set<number>();
  const approvals = approvalRows(db, runId).map((row): RecordedApproval => {
    const matchesRun = sameRun(seenOf(row), current);
    const byMaker = row.approver_account_id === run.maker_account_id;
    const counts =
      row.voided_at === null &&
      matchesRun &&
      run.maker_account_id !== null &&
      (makerMayApprove || !byMaker) &&
      !counted.has(row.approver_account_id);
    if (counts) counted.add(row.approver_account_id);
    return {
      id: row.id,
      approverAccountId: row.approver_account_id,
      approverUsername: row.username,
      approverName: row.display_name,
      approvedAt: row.approved_at,
      seen: seenOf(row),
      matchesRun,
      voidedAt: row.voided_at,
      voidReason: row.void_reason ?? (matchesRun ? null : describeChange(seenOf(row), current)),
      counts,
    };
  });
  const needed = makerMayApprove ? 1 : Math.max(1, peopleNeeded - 1);
  const blocker = blockerOf(runId, run, current, needed, counted.size, makerMayApprove, approvals);
  return {
    runId,
    runState: run.state,
    makerAccountId: run.maker_account_id,
    policy,
    now: current,
    peopleNeeded,
    approvalsNeeded: needed,
    approvalsCounted: counted.size,
    approvals,
    canSend: blocker === null,
    blocker,
  };
}

function blockerOf(
  runId: number,
  run: RunRow,
  current: RunSnapshot,
  needed: number,
  have: number,
  makerMayApprove: boolean,
  approvals: readonly RecordedApproval[],
): string | null {
  if (run.maker_account_id === null)
    return `Payroll run #${runId} has no maker on record, so nobody can tell who may approve it; prepare it again while signed in.`;
  if (current.itemCount === 0) return `Payroll run #${runId} has nobody to pay.`;
  if (have >= needed) return null;
  const missing = needed - have;
  const voided = approvals.filter((a) => !a.counts && (a.voidedAt !== null || !a.matchesRun)).length;
  const who = makerMayApprove
    ? 'one approval (single person: the maker may give it)'
    : `${missing} more approval${missing === 1 ? '' : 's'} by ${missing === 1 ? 'an approver' : 'different approvers'} other than the maker`;
  const after =
    voided > 0 ? `; ${voided} earlier approval${voided === 1 ? ' was' : 's were'} voided because the run changed` : '';
  return `Payroll run #${runId} needs ${who} before it is sent${after}.`;
}

/**
 * An approver approves the run as it is now; the duplicate warnings they acknowledged go into the
 * approval's audit row (run-approval.ts checks every one was). Also taken by an approved run not
 * yet sent whose approvals no longer suffice (the policy was raised after it was approved). Refused for the run's maker (unless one person
 * suffices for this run), an account without the approver role or disabled, a second approval by
 * the same person of the same run, and a run that is no longer a draft.
 */
export function recordApproval(
  db: ProfileDatabase,
  runId: number,
  approverAccountId: number,
  now = new Date(),
  acknowledgedWarnings: ReadonlyArray<{ key: string; message: string }> = [],
): ApprovalState {
  return db
    .transaction(() => {
      const run = runRow(db, runId);
      // An approved run whose approvals no longer suffice (the admin raised the policy since)
      // takes the approvals it still needs; any other run past draft takes none.
      const shortOfApprovals = run.state === 'approved' && approvalState(db, runId).blocker !== null;
      if (run.state !== 'draft' && !shortOfApprovals)
        throw new ConflictError(
          `Payroll run #${runId} is ${run.state}; approvals are given while it is a draft waiting for approval.`,
        );
      const approver = accountRowById(db, approverAccountId);
      if (approver === undefined) throw new NotFoundError(`There is no account #${approverAccountId}`);
      if (run.maker_account_id === null)
        throw new ConflictError(
          `Payroll run #${runId} has no maker on record, so nobody can tell who may approve it; prepare it again while signed in.`,
        );
      voidApprovalsIfChanged(db, runId, approver.username, now);
      const seen = runSnapshot(db, runId);
      if (seen.itemCount === 0)
        throw new ValidationError(`Payroll run #${runId} has nobody to pay; add people before approving.`);
      const peopleNeeded = approvalsNeeded(approvalPolicy(db), seen.totalCents);
      if (approver.id === run.maker_account_id && isRefundRun(db, runId))
        throw new ConflictError(
          `${approver.username} asked for the refund payroll run #${runId} pays and cannot approve it: an approver other than the one who asked decides, whatever the policy.`,
          { code: 'maker_cannot_approve' },
        );
      if (approver.id === run.maker_account_id && peopleNeeded > 1)
        throw new ConflictError(
          `${approver.username} prepared payroll run #${runId} and cannot approve it: ${peopleNeeded === 2 ? 'an approver' : 'two approvers'} other than the maker must approve it.`,
          { code: 'maker_cannot_approve' },
        );
      if (approver.disabled_at !== null)
        throw new ValidationError(`The account ${approver.username} is disabled; an admin can enable it.`, {
          code: 'account_disabled',
        });
      if (!rolesOf(db, approver.id).includes('approver'))
        throw new ValidationError(
          `Only someone with the approver role can approve a payroll run; ${approver.username} does not have it. An admin can give it.`,
          { code: 'role_needed' },
        );
      const standing = db
        .prepare('SELECT 1 FROM run_approvals WHERE run_id = ? AND approver_account_id = ? AND voided_at IS NULL')
        .get(runId, approver.id);
      if (standing !== undefined)
        throw new ConflictError(
          `${approver.username} has already approved payroll run #${runId} as it is; ${peopleNeeded > 2 ? 'another approver must give the next approval' : 'nothing more is needed from them'}.`,
          { code: 'already_approved' },
        );
      db.prepare(
        `INSERT INTO run_approvals (run_id, approver_account_id, approved_at, total_cents, item_count, items_sha256)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(runId, approver.id, now.toISOString(), seen.totalCents, seen.itemCount, seen.itemsSha256);
      const state = approvalState(db, runId);
      appendAudit(db, {
        actor: approver.username,
        action: 'payroll_run.approval_recorded',
        entity: 'payroll_run',
        entityId: runId,
        details: {
          totalCents: seen.totalCents,
          items: seen.itemCount,
          itemsSha256: seen.itemsSha256,
          approvalsCounted: state.approvalsCounted,
          approvalsNeeded: state.approvalsNeeded,
          ...(acknowledgedWarnings.length === 0
            ? {}
            : { acknowledgedWarnings: acknowledgedWarnings.map((w) => ({ key: w.key, message: w.message })) }),
        },
      });
      return state;
    })
    .immediate();
}

/**
 * Throws unless the run holds enough approvals, by distinct people other than its maker (or the
 * maker's own when one person suffices), that match its items as they are now. The sending door
 * calls it before the engine starts or resumes the run.
 */
export function requireApprovedForSending(db: ProfileDatabase, runId: number): ApprovalState {
  const state = approvalState(db, runId);
  if (state.blocker !== null) throw new ConflictError(state.blocker, { code: 'approval_needed' });
  // A worker's number changed after the run was approved: neither number is paid until decided.
  refuseUnapprovedPhoneChanges(db, runId);
  return state;
}
