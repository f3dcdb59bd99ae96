// How many people must act on a payroll run before it is sent, per profile: 1 (the maker alone,
// "single person"), 2 (the maker and one approver: the default) or 3 (the maker and two
// approvers), and a run total above which one more person is needed (up to 3): the total Settings
// once called "needing a second look". Kept in `settings`; only an admin changes it, and every
// change is audited with before and after.
import { ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { requireActorWithRole } from '../users/account-rows';

/** People who act on a run, the maker included. */
export type PeopleNeeded = 1 | 2 | 3;

export interface ApprovalPolicy {
  /** 1: the maker alone (single person); 2: the maker and one approver; 3: the maker and two approvers. */
  people: PeopleNeeded;
  /** A run paying more than this needs one more person (at most 3); null: no such total. */
  aboveCents: Cents | null;
}

export type ApprovalPolicyChange = Partial<ApprovalPolicy>;

const settingsKey = 'approval_policy';
export const defaultApprovalPolicy: ApprovalPolicy = { people: 2, aboveCents: null };

export const policyWords: Record<PeopleNeeded, string> = {
  1: 'single person: the maker approves and sends alone',
  2: 'the maker and one approver',
  3: 'the maker and two approvers',
};

function isPeople(value: unknown): value is PeopleNeeded {
  return value === 1 || value === 2 || value === 3;
}

/**
 * The run total that needed "a second look" before approvals existed (amount_limits.runMaxCents):
 * a profile whose admin has not saved a policy yet keeps it, now as the total above which one more
 * approver is needed, instead of a limit the same person could lift.
 */
function secondLookTotal(db: ProfileDatabase): Cents | null {
  const row = db.prepare("SELECT value FROM settings WHERE key = 'amount_limits'").get() as
    { value: string } | undefined;
  if (row === undefined) return null;
  const saved = JSON.parse(row.value) as { runMaxCents?: unknown };
  const total = saved.runMaxCents;
  return typeof total === 'number' && Number.isSafeInteger(total) && total > 0 ? total : null;
}

export function approvalPolicy(db: ProfileDatabase): ApprovalPolicy {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(settingsKey) as { value: string } | undefined;
  if (row === undefined) return { ...defaultApprovalPolicy, aboveCents: secondLookTotal(db) };
  const saved = JSON.parse(row.value) as Partial<ApprovalPolicy>;
  return {
    // A stored value this code does not know falls back to the safe default, never to fewer people.
    people: isPeople(saved.people) ? saved.people : defaultApprovalPolicy.people,
    aboveCents: typeof saved.aboveCents === 'number' ? saved.aboveCents : null,
  };
}

/** How many people must act on a run paying `totalCents` under `policy`, the maker included. */
export function approvalsNeeded(policy: ApprovalPolicy, totalCents: Cents): PeopleNeeded {
  const above = policy.aboveCents !== null && totalCents > policy.aboveCents ? 1 : 0;
  return Math.min(3, policy.people + above) as PeopleNeeded;
}

function checkPolicy(next: ApprovalPolicy): void {
  if (!isPeople(next.people))
    throw new ValidationError(
      'Choose how many people act on a run: 1 (the maker alone), 2 (the maker and one approver) or 3 (the maker and two approvers).',
      { field: ['approvalPolicy', 'people'] },
    );
  const above = next.aboveCents;
  if (above !== null && (!Number.isSafeInteger(above) || above <= 0 || above % 100 !== 0))
    throw new ValidationError(
      'The total that needs one more approver is a whole number of shillings above zero, or none.',
      { field: ['approvalPolicy', 'aboveCents'] },
    );
}

/** An admin saves the policy; anyone else is refused, whatever they change. */
export function saveApprovalPolicy(db: ProfileDatabase, change: ApprovalPolicyChange, actor: string): ApprovalPolicy {
  return db
    .transaction(() => {
      const admin = requireActorWithRole(db, actor, 'admin', 'change how many people approve a payroll run');
      const before = approvalPolicy(db);
      const next: ApprovalPolicy = {
        people: change.people ?? before.people,
        aboveCents: change.aboveCents === undefined ? before.aboveCents : change.aboveCents,
      };
      checkPolicy(next);
      if (next.people === before.people && next.aboveCents === before.aboveCents) return before;
      db.prepare(
        `INSERT INTO settings (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      ).run(settingsKey, JSON.stringify(next));
      appendAudit(db, {
        actor: admin.username,
        action: 'settings.approval_policy',
        entity: 'settings',
        entityId: settingsKey,
        details: { before: { ...before }, after: { ...next } },
      });
      return approvalPolicy(db);
    })
    .immediate();
}

/** The policy in words, for every screen and the CLI to show ("single person" must be visible). */
export function describePolicy(policy: ApprovalPolicy): string {
  const base = policyWords[policy.people];
  if (policy.aboveCents === null || policy.people === 3) return base;
  return `${base}; one more approver for a run above ${formatKesWithCurrency(policy.aboveCents)}`;
}
