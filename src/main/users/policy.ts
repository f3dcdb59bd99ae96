// The profile's sign-in policy: when the screen locks, when repeated failures slow down and lock
// an account, and whether approvers must use a second factor. Kept in `settings` like the amount
// limits: a row only once an admin changes something, the defaults below until then.
import { ValidationError } from '../../shared/errors';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { requireActorWithRole } from './account-rows';

export interface SignInPolicy {
  /** Minutes without input before the screen locks and asks for the password again. */
  idleLockMinutes: number;
  /** Failed sign-ins in a row after which each further try must wait longer. */
  slowDownAfter: number;
  /** Failed sign-ins in a row after which the account is locked. */
  lockOutAfter: number;
  /** How long a lock-out lasts (an admin's password reset ends it sooner). */
  lockOutMinutes: number;
  /** Approvers cannot sign in without a TOTP second factor. */
  approversNeedSecondFactor: boolean;
}

export const defaultSignInPolicy: SignInPolicy = {
  idleLockMinutes: 10,
  slowDownAfter: 3,
  lockOutAfter: 10,
  lockOutMinutes: 15,
  approversNeedSecondFactor: false,
};

const settingsKey = 'signin_policy';

export function signInPolicy(db: ProfileDatabase): SignInPolicy {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(settingsKey) as { value: string } | undefined;
  const saved = row === undefined ? {} : (JSON.parse(row.value) as Partial<SignInPolicy>);
  return { ...defaultSignInPolicy, ...saved };
}

function wholeBetween(value: number, min: number, max: number, what: string, field: keyof SignInPolicy): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ValidationError(`${what} must be a whole number from ${min} to ${max}.`, {
      field: ['signInPolicy', field],
    });
}

/** An admin changes the policy; audited with the whole policy before and after. */
export function saveSignInPolicy(db: ProfileDatabase, change: Partial<SignInPolicy>, actor: string): SignInPolicy {
  const before = signInPolicy(db);
  const next: SignInPolicy = {
    ...before,
    ...Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)),
  };
  wholeBetween(next.idleLockMinutes, 1, 240, 'The idle time before the screen locks', 'idleLockMinutes');
  wholeBetween(next.slowDownAfter, 1, 20, 'The failures before sign-in slows down', 'slowDownAfter');
  wholeBetween(next.lockOutAfter, 2, 50, 'The failures before an account locks', 'lockOutAfter');
  wholeBetween(next.lockOutMinutes, 1, 1440, 'The lock-out time', 'lockOutMinutes');
  if (next.lockOutAfter <= next.slowDownAfter)
    throw new ValidationError(
      'An account must slow down before it locks: lock out after more failures than the slow-down.',
      {
        field: ['signInPolicy', 'lockOutAfter'],
      },
    );
  db.transaction(() => {
    requireActorWithRole(db, actor, 'admin', 'change the sign-in policy');
    db.prepare(
      `INSERT INTO settings (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    ).run(settingsKey, JSON.stringify(next));
    appendAudit(db, {
      actor,
      action: 'settings.signin_policy',
      entity: 'settings',
      entityId: settingsKey,
      details: { before: { ...before }, after: { ...next } },
    });
  })();
  return next;
}
