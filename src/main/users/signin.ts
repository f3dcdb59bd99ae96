// Signing in to a profile: password, then the second factor when the account has one. Repeated
// failures slow the next try down and then lock the account; every time comes from the `now`
// passed in, so the rules are the same for every door and testable without waiting.
import { formatDateTime } from '../../shared/format';
import type { Role } from '../../shared/roles';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { accountOf, accountRowByName, rolesOf, type Account, type AccountRow } from './account-rows';
import { hashPassword, spendPasswordCheck, verifyPassword } from './passwords';
import { signInPolicy, type SignInPolicy } from './policy';
import { verifyTotpCode, type ProfileKeychain } from './totp';

export interface SignInAttempt {
  username: string;
  password: string;
  /** The 6 digits from the authenticator app, when the account has a second factor. */
  code?: string;
  now: Date;
}

export type SignInRefusal =
  /** Unknown username or wrong password: the same words for both. */
  | 'wrong_credentials'
  | 'slowed_down'
  | 'locked_out'
  | 'disabled'
  | 'code_needed'
  | 'wrong_code'
  /** The policy asks approvers for a second factor and this one has none yet. */
  | 'enrol_second_factor';

export type SignInResult =
  | { ok: true; account: Account; roles: Role[]; mustChangePassword: boolean }
  | {
      ok: false;
      reason: SignInRefusal;
      message: string;
      /** For 'slowed_down': how long before the next try is looked at. */
      retryInSeconds?: number;
      /** For 'locked_out'. */
      lockedUntil?: string;
      /** For 'enrol_second_factor': the password was right; the screen may start enrolment for this account. */
      accountId?: number;
    };

export const wrongCredentialsMessage =
  'That username and password do not match an account here. Check both (passwords are case-sensitive) and try again.';

/** The longest wait between tries before the lock-out takes over. */
const maxDelaySeconds = 300;

/** How long after the last failure the next try must wait: 5 s, doubling with each further failure. */
export function slowDownSeconds(failures: number, policy: SignInPolicy): number {
  if (failures < policy.slowDownAfter) return 0;
  return Math.min(5 * 2 ** (failures - policy.slowDownAfter), maxDelaySeconds);
}

function refused(
  reason: SignInRefusal,
  message: string,
  extra: Partial<Extract<SignInResult, { ok: false }>> = {},
): SignInResult {
  return { ok: false, reason, message, ...extra };
}

function lockedOut(lockedUntil: string): SignInResult {
  return refused(
    'locked_out',
    `Too many failed sign-ins: this account is locked until ${formatDateTime(lockedUntil)}. An admin can reset the password to unlock it sooner.`,
    { lockedUntil },
  );
}

/** Counts a failed try, locking the account when the policy says so. */
function recordFailure(db: ProfileDatabase, row: AccountRow, policy: SignInPolicy, now: Date, what: string): void {
  db.transaction(() => {
    const { failed_signins: failures } = db
      .prepare(
        'UPDATE accounts SET failed_signins = failed_signins + 1, last_failed_at = ? WHERE id = ? RETURNING failed_signins',
      )
      .get(now.toISOString(), row.id) as { failed_signins: number };
    appendAudit(db, {
      actor: row.username,
      action: 'account.signin_failed',
      entity: 'account',
      entityId: row.id,
      details: { username: row.username, failedInARow: failures, what },
    });
    if (failures < policy.lockOutAfter) return;
    const lockedUntil = new Date(now.getTime() + policy.lockOutMinutes * 60_000).toISOString();
    db.prepare('UPDATE accounts SET locked_until = ? WHERE id = ?').run(lockedUntil, row.id);
    appendAudit(db, {
      actor: 'system',
      action: 'account.locked_out',
      entity: 'account',
      entityId: row.id,
      details: { username: row.username, failedInARow: failures, lockedUntil },
    });
  }).immediate();
}

/**
 * Signs a person in, or says why not. Nothing here throws for a wrong answer: a refusal is an
 * answer with words for the screen. Thrown errors are for what is broken (the keychain missing).
 */
export async function signIn(
  db: ProfileDatabase,
  keychain: ProfileKeychain,
  attempt: SignInAttempt,
): Promise<SignInResult> {
  const { now } = attempt;
  const policy = signInPolicy(db);
  const row = accountRowByName(db, attempt.username);
  if (row === undefined) {
    // The same work and the same words as a wrong password; a name typed here is never recorded
    // (people type their password into the username field).
    await spendPasswordCheck(attempt.password);
    return refused('wrong_credentials', wrongCredentialsMessage);
  }
  if (row.locked_until !== null && Date.parse(row.locked_until) > now.getTime()) return lockedOut(row.locked_until);
  const wait = slowDownSeconds(row.failed_signins, policy);
  if (wait > 0 && row.last_failed_at !== null) {
    const remainingMs = Date.parse(row.last_failed_at) + wait * 1000 - now.getTime();
    if (remainingMs > 0) {
      const seconds = Math.ceil(remainingMs / 1000);
      return refused(
        'slowed_down',
        `After ${row.failed_signins} failed sign-ins in a row, each try must wait: try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
        { retryInSeconds: seconds },
      );
    }
  }

  const check = await verifyPassword(attempt.password, row.password_hash);
  if (!check.ok) {
    // Counted on a disabled account too: guessing its password now would pay once it is enabled.
    recordFailure(db, row, policy, now, 'password');
    return refused('wrong_credentials', wrongCredentialsMessage);
  }
  // Said only to someone who knows the password; a guesser hears the usual words.
  if (row.disabled_at !== null) return refused('disabled', 'This account is disabled; ask an admin to enable it.');

  const roles = rolesOf(db, row.id);
  if (row.totp_enabled === 1) {
    const code = attempt.code?.trim() ?? '';
    if (code === '') return refused('code_needed', 'Type the 6-digit code your authenticator app shows for Mshahara.');
    if (!(await verifyTotpCode(db, keychain, row.id, row.username, code, now))) {
      recordFailure(db, row, policy, now, 'second factor code');
      return refused(
        'wrong_code',
        'That code is not right or was already used: type the code your app shows now (each code works once).',
      );
    }
  } else if (policy.approversNeedSecondFactor && roles.includes('approver')) {
    return refused(
      'enrol_second_factor',
      'Approvers on this profile must use a second factor: set up an authenticator app for your account to sign in.',
      { accountId: row.id },
    );
  }

  // Hashed outside the write so the database is not held for the hash's 100 ms.
  const upgradedHash = check.needsRehash ? await hashPassword(attempt.password) : null;
  db.transaction(() => {
    db.prepare('UPDATE accounts SET failed_signins = 0, last_failed_at = NULL, locked_until = NULL WHERE id = ?').run(
      row.id,
    );
    if (upgradedHash !== null)
      db.prepare('UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?').run(
        upgradedHash,
        row.id,
        row.password_hash,
      );
    appendAudit(db, {
      actor: row.username,
      action: 'account.signed_in',
      entity: 'account',
      entityId: row.id,
      details: {
        username: row.username,
        secondFactor: row.totp_enabled === 1,
        ...(upgradedHash !== null ? { hashUpgraded: true } : {}),
      },
    });
  }).immediate();
  const account = accountOf(db, accountRowByName(db, row.username) ?? row);
  return { ok: true, account, roles: account.roles, mustChangePassword: account.mustChangePassword };
}
