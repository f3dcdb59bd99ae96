// Local accounts: who may sign in to this profile, with which roles. The `users` table of the first
// schema is left as it was (unused, with older role names); accounts live here instead. Passwords
// are stored only as scrypt hashes; a TOTP secret lives only in the OS keychain, so these tables
// hold whether a second factor is on and the last time step used, never the secret.
export const sql = `
CREATE TABLE accounts (
  id                   INTEGER PRIMARY KEY,
  -- Letters, digits, dot, dash and underscore: what a person types at sign-in and on the CLI.
  -- NOCASE: "Amina" and "amina" are the same account.
  username             TEXT NOT NULL COLLATE NOCASE UNIQUE
                       CHECK (length(username) BETWEEN 2 AND 32 AND username NOT GLOB '*[^A-Za-z0-9._-]*'),
  display_name         TEXT NOT NULL CHECK (length(trim(display_name)) > 0),
  password_hash        TEXT NOT NULL CHECK (password_hash GLOB 'scrypt$*'),
  password_set_at      TEXT NOT NULL,
  must_change_password INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
  failed_signins       INTEGER NOT NULL DEFAULT 0 CHECK (failed_signins >= 0),
  last_failed_at       TEXT,
  locked_until         TEXT,
  totp_enabled         INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
  -- The last TOTP time step accepted: a code is good once, so a code seen over a shoulder is spent.
  totp_last_step       INTEGER,
  disabled_at          TEXT,
  created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  -- NULL only for the first admin, created at first start.
  created_by           INTEGER REFERENCES accounts (id)
) STRICT;

CREATE TRIGGER accounts_never_deleted
BEFORE DELETE ON accounts
BEGIN
  SELECT RAISE(ABORT, 'an account is never deleted: disable it instead');
END;
CREATE TRIGGER accounts_keep_username
BEFORE UPDATE OF username ON accounts
WHEN NEW.username IS NOT OLD.username
BEGIN
  SELECT RAISE(ABORT, 'an account keeps its username: the audit log names people by it');
END;

CREATE TABLE account_roles (
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  role       TEXT NOT NULL CHECK (role IN ('admin', 'payroll-officer', 'approver', 'accountant', 'auditor')),
  granted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX account_roles_role ON account_roles (role, account_id);
`;
