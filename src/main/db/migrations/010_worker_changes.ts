// Changes of a worker's M-Pesa number waiting for a second person. The worker's row holds the new
// number at once; the change stays 'pending' until an approver other than the person who made it
// approves it (the number stands) or rejects it (the old number comes back). While it is pending
// neither number is paid (src/main/payroll/phone-changes.ts). A change is never deleted, and once
// decided it stays decided: the row is the record of who changed what and who let it stand.
export const sql = `
CREATE TABLE worker_phone_changes (
  id                    INTEGER PRIMARY KEY,
  worker_id             INTEGER NOT NULL REFERENCES workers (id),
  old_phone             TEXT NOT NULL CHECK (old_phone GLOB '254[17][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  new_phone             TEXT NOT NULL CHECK (new_phone GLOB '254[17][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  -- Who changed it: the username always, the account when the change was made signed in.
  changed_by            TEXT NOT NULL,
  changed_by_account_id INTEGER REFERENCES accounts (id),
  changed_at            TEXT NOT NULL,
  -- pending: waits for an approver; approved: the new number stands; rejected: the old number came
  -- back; withdrawn: the number was set back (or changed again) before anyone decided.
  status                TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  decided_by            TEXT,
  decided_by_account_id INTEGER REFERENCES accounts (id),
  decided_at            TEXT,
  CHECK (old_phone <> new_phone),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK ((decided_at IS NULL) = (decided_by IS NULL))
) STRICT;
-- One pending change per worker: a second change of the number replaces the first (withdrawn).
CREATE UNIQUE INDEX worker_phone_changes_one_pending ON worker_phone_changes (worker_id)
  WHERE status = 'pending';
CREATE INDEX worker_phone_changes_worker ON worker_phone_changes (worker_id, changed_at);

CREATE TRIGGER worker_phone_changes_never_deleted
BEFORE DELETE ON worker_phone_changes
BEGIN
  SELECT RAISE(ABORT, 'a change of number is never deleted: it is approved, rejected or withdrawn');
END;
CREATE TRIGGER worker_phone_changes_decided_stays_decided
BEFORE UPDATE ON worker_phone_changes
WHEN OLD.status <> 'pending'
BEGIN
  SELECT RAISE(ABORT, 'a decided change of number stays decided');
END;
CREATE TRIGGER worker_phone_changes_keep_what_was_asked
BEFORE UPDATE OF worker_id, old_phone, new_phone, changed_by, changed_by_account_id, changed_at ON worker_phone_changes
BEGIN
  SELECT RAISE(ABORT, 'a change of number keeps who asked for it, when, and the numbers');
END;
`;
