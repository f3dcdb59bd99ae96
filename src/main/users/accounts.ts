// Local accounts of a profile: the first admin, accounts an admin adds, their roles, disabling,
// password resets and changes. The only writer of `accounts` and `account_roles` besides sign-in
// (signin.ts: failures, lock-outs) and the second factor (totp.ts). Every change is audited by
// username and roles; a password, its hash or a TOTP secret never reaches the audit log.
import { ConflictError, InternalError, ValidationError } from '../../shared/errors';
import type { Role } from '../../shared/roles';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import {
  accountOf,
  accountRowById,
  checkRoles,
  checkUsername,
  otherEnabledAdmins,
  requireAccountRow,
  requireActorWithRole,
  rolesOf,
  type Account,
} from './account-rows';
import { checkNewPassword, hashPassword, verifyPassword } from './passwords';

export { listAccounts, type Account } from './account-rows';

function checkDisplayName(displayName: string): string {
  const name = displayName.trim();
  if (name.length === 0 || name.length > 100)
    throw new ValidationError('Give the person’s name as colleagues know it (up to 100 characters).', {
      field: ['displayName'],
    });
  return name;
}

function refuseTaken(db: ProfileDatabase, username: string): void {
  const taken = db.prepare('SELECT username FROM accounts WHERE username = ?').get(username) as
    { username: string } | undefined;
  if (taken !== undefined)
    throw new ConflictError(`The username "${taken.username}" is taken (names ignore case); choose another.`);
}

export function insertAccount(
  db: ProfileDatabase,
  fields: { username: string; displayName: string; hash: string; mustChange: boolean; createdBy: number | null },
  roles: readonly Role[],
  now: Date,
): number {
  const id = Number(
    db
      .prepare(
        `INSERT INTO accounts (username, display_name, password_hash, password_set_at, must_change_password, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        fields.username,
        fields.displayName,
        fields.hash,
        now.toISOString(),
        fields.mustChange ? 1 : 0,
        now.toISOString(),
        fields.createdBy,
      ).lastInsertRowid,
  );
  const grant = db.prepare('INSERT INTO account_roles (account_id, role, granted_at) VALUES (?, ?, ?)');
  for (const role of roles) grant.run(id, role, now.toISOString());
  return id;
}

function accountById(db: ProfileDatabase, id: number): Account {
  const row = accountRowById(db, id);
  if (row === undefined) throw new InternalError(`Account ${id} is missing right after it was written.`);
  return accountOf(db, row);
}

export interface FirstAdmin {
  username: string;
  displayName: string;
  /** Chosen by the admin at first start, so there is no default password to change. */
  password: string;
  now?: Date;
}

/**
 * Creates the profile's first account, an admin, at first start. Refused once any account exists:
 * there is no default admin and no way back to "first start" short of a new profile.
 */
export async function createFirstAdmin(db: ProfileDatabase, input: FirstAdmin): Promise<Account> {
  const username = checkUsername(input.username);
  const displayName = checkDisplayName(input.displayName);
  const refuseIfAny = (): void => {
    const any = db.prepare('SELECT 1 FROM accounts LIMIT 1').get();
    if (any !== undefined)
      throw new ConflictError('This profile already has its first admin: ask an admin to add an account for you.');
  };
  refuseIfAny();
  checkNewPassword(input.password, username);
  const hash = await hashPassword(input.password);
  const now = input.now ?? new Date();
  const id = db
    .transaction(() => {
      refuseIfAny(); // again inside the write: two first starts at once make one admin
      const created = insertAccount(
        db,
        { username, displayName, hash, mustChange: false, createdBy: null },
        ['admin'],
        now,
      );
      appendAudit(db, {
        actor: username,
        action: 'account.first_admin',
        entity: 'account',
        entityId: created,
        details: { username, displayName, roles: ['admin'] },
      });
      return created;
    })
    .immediate();
  return accountById(db, id);
}

export interface NewAccount {
  username: string;
  displayName: string;
  roles: readonly string[];
  /** A first password the admin hands over; the person must choose their own at first sign-in. */
  password: string;
}

/** An admin adds an account with at least one role. */
export async function addAccount(
  db: ProfileDatabase,
  input: NewAccount,
  actor: string,
  now = new Date(),
): Promise<Account> {
  requireActorWithRole(db, actor, 'admin', 'add accounts');
  const username = checkUsername(input.username);
  const displayName = checkDisplayName(input.displayName);
  const roles = checkRoles(input.roles);
  refuseTaken(db, username);
  checkNewPassword(input.password, username);
  const hash = await hashPassword(input.password);
  const id = db
    .transaction(() => {
      const admin = requireActorWithRole(db, actor, 'admin', 'add accounts');
      refuseTaken(db, username);
      const created = insertAccount(
        db,
        { username, displayName, hash, mustChange: true, createdBy: admin.id },
        roles,
        now,
      );
      appendAudit(db, {
        actor: admin.username,
        action: 'account.added',
        entity: 'account',
        entityId: created,
        details: { username, displayName, roles },
      });
      return created;
    })
    .immediate();
  return accountById(db, id);
}

/** Refuses a change that would leave the profile with no enabled admin (nobody could manage accounts). */
function keepOneAdmin(db: ProfileDatabase, accountId: number, username: string, doing: string): void {
  if (otherEnabledAdmins(db, accountId) === 0)
    throw new ConflictError(
      `${username} is the only enabled admin: make another account an admin first, then ${doing}.`,
    );
}

/** An admin replaces an account's roles (at least one). */
export function setRoles(db: ProfileDatabase, username: string, roles: readonly string[], actor: string): Account {
  const chosen = checkRoles(roles);
  return db
    .transaction(() => {
      const admin = requireActorWithRole(db, actor, 'admin', 'change roles');
      const row = requireAccountRow(db, username);
      const before = rolesOf(db, row.id);
      if (before.includes('admin') && !chosen.includes('admin') && row.disabled_at === null)
        keepOneAdmin(db, row.id, row.username, 'take the admin role from this one');
      const same = before.length === chosen.length && before.every((role) => chosen.includes(role));
      if (same) return accountOf(db, row);
      db.prepare('DELETE FROM account_roles WHERE account_id = ?').run(row.id);
      const grant = db.prepare('INSERT INTO account_roles (account_id, role) VALUES (?, ?)');
      for (const role of chosen) grant.run(row.id, role);
      appendAudit(db, {
        actor: admin.username,
        action: 'account.roles_changed',
        entity: 'account',
        entityId: row.id,
        details: { username: row.username, before: { roles: before }, after: { roles: chosen } },
      });
      return accountById(db, row.id);
    })
    .immediate();
}

/** An admin disables an account: it can no longer sign in; its history stays. */
export function disableAccount(db: ProfileDatabase, username: string, actor: string, now = new Date()): Account {
  return db
    .transaction(() => {
      const admin = requireActorWithRole(db, actor, 'admin', 'disable accounts');
      const row = requireAccountRow(db, username);
      if (row.disabled_at !== null) return accountOf(db, row);
      if (rolesOf(db, row.id).includes('admin')) keepOneAdmin(db, row.id, row.username, 'disable this one');
      db.prepare('UPDATE accounts SET disabled_at = ? WHERE id = ?').run(now.toISOString(), row.id);
      appendAudit(db, {
        actor: admin.username,
        action: 'account.disabled',
        entity: 'account',
        entityId: row.id,
        details: { username: row.username },
      });
      return accountById(db, row.id);
    })
    .immediate();
}

export function enableAccount(db: ProfileDatabase, username: string, actor: string): Account {
  return db
    .transaction(() => {
      const admin = requireActorWithRole(db, actor, 'admin', 'enable accounts');
      const row = requireAccountRow(db, username);
      if (row.disabled_at === null) return accountOf(db, row);
      db.prepare('UPDATE accounts SET disabled_at = NULL WHERE id = ?').run(row.id);
      appendAudit(db, {
        actor: admin.username,
        action: 'account.enabled',
        entity: 'account',
        entityId: row.id,
        details: { username: row.username },
      });
      return accountById(db, row.id);
    })
    .immediate();
}

/**
 * An admin sets a one-time password for someone who forgot theirs or is locked out: it ends the
 * lock-out, and the person must choose their own at the next sign-in.
 */
export async function resetPassword(
  db: ProfileDatabase,
  username: string,
  oneTimePassword: string,
  actor: string,
  now = new Date(),
): Promise<Account> {
  requireActorWithRole(db, actor, 'admin', 'reset passwords');
  const target = requireAccountRow(db, username);
  checkNewPassword(oneTimePassword, target.username);
  const hash = await hashPassword(oneTimePassword);
  return db
    .transaction(() => {
      const admin = requireActorWithRole(db, actor, 'admin', 'reset passwords');
      const row = requireAccountRow(db, username);
      db.prepare(
        `UPDATE accounts SET password_hash = ?, password_set_at = ?, must_change_password = 1,
              failed_signins = 0, last_failed_at = NULL, locked_until = NULL
        WHERE id = ?`,
      ).run(hash, now.toISOString(), row.id);
      appendAudit(db, {
        actor: admin.username,
        action: 'account.password_reset',
        entity: 'account',
        entityId: row.id,
        details: { username: row.username, wasLockedUntil: row.locked_until, mustChangeAtSignIn: true },
      });
      return accountById(db, row.id);
    })
    .immediate();
}

export interface PasswordChange {
  username: string;
  currentPassword: string;
  newPassword: string;
  now?: Date;
}

/** The person changes their own password, proving the current one. */
export async function changePassword(db: ProfileDatabase, input: PasswordChange): Promise<Account> {
  const row = requireAccountRow(db, input.username);
  if (row.disabled_at !== null)
    throw new ValidationError('This account is disabled; ask an admin to enable it.', { field: ['username'] });
  const current = await verifyPassword(input.currentPassword, row.password_hash);
  if (!current.ok)
    throw new ValidationError('The current password is not right; type it again, or ask an admin to reset it.', {
      field: ['currentPassword'],
    });
  if (input.newPassword === input.currentPassword)
    throw new ValidationError('Choose a new password, not the current one.', { field: ['newPassword'] });
  checkNewPassword(input.newPassword, row.username, 'newPassword');
  const hash = await hashPassword(input.newPassword);
  const now = input.now ?? new Date();
  return db
    .transaction(() => {
      // Only if nobody changed or reset it meanwhile: the proof was for the password as it was read.
      const changed = db
        .prepare(
          'UPDATE accounts SET password_hash = ?, password_set_at = ?, must_change_password = 0 WHERE id = ? AND password_hash = ?',
        )
        .run(hash, now.toISOString(), row.id, row.password_hash).changes;
      if (changed === 0)
        throw new ConflictError('The password was changed meanwhile (an admin may have reset it); sign in again.');
      appendAudit(db, {
        actor: row.username,
        action: 'account.password_changed',
        entity: 'account',
        entityId: row.id,
        details: { username: row.username },
      });
      return accountById(db, row.id);
    })
    .immediate();
}
