// Reading accounts and their roles, shared by the users domain's writers (accounts.ts,
// signin.ts, totp.ts). The stored hash stays inside the domain: `Account` never carries it.
import { NotFoundError, ValidationError } from '../../shared/errors';
import { isRole, roles as allRoles, type Role } from '../../shared/roles';
import type { ProfileDatabase } from '../db';

/** An account as the screens and the CLI see it. */
export interface Account {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  mustChangePassword: boolean;
  totpEnabled: boolean;
  failedSignIns: number;
  lockedUntil: string | null;
  disabledAt: string | null;
  passwordSetAt: string;
  createdAt: string;
  /** The admin who added it; null for the first admin. */
  createdBy: string | null;
}

export interface AccountRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  password_set_at: string;
  must_change_password: number;
  failed_signins: number;
  last_failed_at: string | null;
  locked_until: string | null;
  totp_enabled: number;
  totp_last_step: number | null;
  disabled_at: string | null;
  created_at: string;
  created_by_name: string | null;
}

const selectAccount = `SELECT a.*, c.username AS created_by_name FROM accounts a LEFT JOIN accounts c ON c.id = a.created_by`;

export function accountRowByName(db: ProfileDatabase, username: string): AccountRow | undefined {
  return db.prepare(`${selectAccount} WHERE a.username = ?`).get(username.trim()) as AccountRow | undefined;
}

export function accountRowById(db: ProfileDatabase, id: number): AccountRow | undefined {
  return db.prepare(`${selectAccount} WHERE a.id = ?`).get(id) as AccountRow | undefined;
}

/** The account named, or a NotFoundError that says where to look. */
export function requireAccountRow(db: ProfileDatabase, username: string): AccountRow {
  const row = accountRowByName(db, username);
  if (row === undefined)
    throw new NotFoundError(`There is no account "${username.trim()}"; the list of accounts shows every username.`);
  return row;
}

export function rolesOf(db: ProfileDatabase, accountId: number): Role[] {
  const held = new Set(
    (db.prepare('SELECT role FROM account_roles WHERE account_id = ?').all(accountId) as { role: string }[]).map(
      (row) => row.role,
    ),
  );
  // In the order of shared/roles.ts, so lists and audit entries read the same way every time.
  return allRoles.filter((role) => held.has(role));
}

export function accountOf(db: ProfileDatabase, row: AccountRow): Account {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: rolesOf(db, row.id),
    mustChangePassword: row.must_change_password === 1,
    totpEnabled: row.totp_enabled === 1,
    failedSignIns: row.failed_signins,
    lockedUntil: row.locked_until,
    disabledAt: row.disabled_at,
    passwordSetAt: row.password_set_at,
    createdAt: row.created_at,
    createdBy: row.created_by_name,
  };
}

export function listAccounts(db: ProfileDatabase): Account[] {
  const rows = db.prepare(`${selectAccount} ORDER BY a.username`).all() as AccountRow[];
  return rows.map((row) => accountOf(db, row));
}

/** Enabled accounts holding admin, other than `exceptId`. */
export function otherEnabledAdmins(db: ProfileDatabase, exceptId: number): number {
  const row = db
    .prepare(
      `SELECT count(*) AS n FROM accounts a JOIN account_roles r ON r.account_id = a.id AND r.role = 'admin'
        WHERE a.disabled_at IS NULL AND a.id <> ?`,
    )
    .get(exceptId) as { n: number };
  return row.n;
}

/** The acting person's account: it must exist, be enabled and hold `role`. */
export function requireActorWithRole(db: ProfileDatabase, actor: string, role: Role, doing: string): AccountRow {
  const row = accountRowByName(db, actor);
  if (row === undefined || row.disabled_at !== null || !rolesOf(db, row.id).includes(role)) {
    throw new ValidationError(
      `Only someone with the ${role} role can ${doing}; "${actor}" has no enabled ${role} account.`,
      {
        code: 'role_needed',
      },
    );
  }
  return row;
}

const usernamePattern = /^[A-Za-z0-9._-]{2,32}$/;

export function checkUsername(username: string): string {
  const name = username.trim();
  if (!usernamePattern.test(name))
    throw new ValidationError(
      'A username is 2 to 32 letters, digits, dots, dashes or underscores, with no spaces (for example "amina.wanjiru").',
      { field: ['username'] },
    );
  return name;
}

export function checkRoles(roles: readonly string[]): Role[] {
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0)
    throw new ValidationError(`${unknown.map((r) => `"${r}"`).join(', ')} is not a role: use ${allRoles.join(', ')}.`, {
      field: ['roles'],
    });
  const held = new Set(roles);
  const chosen = allRoles.filter((role) => held.has(role));
  if (chosen.length === 0)
    throw new ValidationError(`Give the account at least one role: ${allRoles.join(', ')}.`, { field: ['roles'] });
  return chosen;
}
