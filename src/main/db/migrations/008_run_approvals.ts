// Approvals of payroll runs by people other than the maker: who approved, when, and the exact run
// they saw (total, item count, sha256 of the items in line order). An edit after an approval
// changes the run's hash, so the approval no longer counts; it is then stamped void with the
// reason. The maker's account is kept on the run (NULL for runs made before accounts existed).
export const sql = `
ALTER TABLE payroll_runs ADD COLUMN maker_account_id INTEGER REFERENCES accounts (id);

CREATE TRIGGER payroll_runs_keep_maker
BEFORE UPDATE OF maker_account_id ON payroll_runs
WHEN OLD.maker_account_id IS NOT NULL AND NEW.maker_account_id IS NOT OLD.maker_account_id
BEGIN
  SELECT RAISE(ABORT, 'a payroll run keeps its maker: the approval rule is checked against it');
END;

CREATE TABLE run_approvals (
  id                  INTEGER PRIMARY KEY,
  run_id              INTEGER NOT NULL REFERENCES payroll_runs (id),
  approver_account_id INTEGER NOT NULL REFERENCES accounts (id),
  approved_at         TEXT NOT NULL,
  -- What the approver saw: the run's total, how many lines, and sha256 over the lines
  -- (id, phone, amount, name) in line order. A run whose items hash differently is another run.
  total_cents         INTEGER NOT NULL CHECK (total_cents >= 0),
  item_count          INTEGER NOT NULL CHECK (item_count >= 0),
  items_sha256        TEXT NOT NULL CHECK (length(items_sha256) = 64 AND items_sha256 NOT GLOB '*[^0-9a-f]*'),
  voided_at           TEXT,
  void_reason         TEXT,
  CHECK ((voided_at IS NULL) = (void_reason IS NULL))
) STRICT;
CREATE INDEX run_approvals_run ON run_approvals (run_id, approved_at);
-- One standing approval per person per run: the same approver twice counts once.
CREATE UNIQUE INDEX run_approvals_one_standing ON run_approvals (run_id, approver_account_id)
  WHERE voided_at IS NULL;

CREATE TRIGGER run_approvals_never_deleted
BEFORE DELETE ON run_approvals
BEGIN
  SELECT RAISE(ABORT, 'an approval is never deleted: it is voided, with the reason');
END;
CREATE TRIGGER run_approvals_voided_stays_voided
BEFORE UPDATE ON run_approvals
WHEN OLD.voided_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'a voided approval stays voided');
END;
CREATE TRIGGER run_approvals_keep_what_was_seen
BEFORE UPDATE OF run_id, approver_account_id, approved_at, total_cents, item_count, items_sha256 ON run_approvals
BEGIN
  SELECT RAISE(ABORT, 'an approval keeps who approved, when and what they saw');
END;
`;
