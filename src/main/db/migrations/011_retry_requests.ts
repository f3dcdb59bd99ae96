// Retries of failed payments need two people: a payroll officer asks, and an approver other than
// the one who asked approves. A request keeps who asked, when, and exactly which failed lines it
// asked for (their ids, count and money); it is approved once, or set aside when the lines it
// named change and someone asks again. At most one request per run is open.
export const sql = `
CREATE TABLE retry_requests (
  id                  INTEGER PRIMARY KEY,
  run_id              INTEGER NOT NULL REFERENCES payroll_runs (id),
  requested_by        INTEGER NOT NULL REFERENCES accounts (id),
  requested_at        TEXT NOT NULL,
  -- The failed lines asked for, as a JSON array of payroll item ids in ascending order.
  item_ids            TEXT NOT NULL CHECK (json_valid(item_ids) AND json_array_length(item_ids) > 0),
  item_count          INTEGER NOT NULL CHECK (item_count > 0),
  amount_cents        INTEGER NOT NULL CHECK (amount_cents > 0),
  approved_by         INTEGER REFERENCES accounts (id),
  approved_at         TEXT,
  queued              INTEGER CHECK (queued >= 0),
  set_aside_at        TEXT,
  set_aside_reason    TEXT,
  CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
  CHECK ((set_aside_at IS NULL) = (set_aside_reason IS NULL)),
  CHECK (approved_at IS NULL OR set_aside_at IS NULL),
  CHECK (approved_by IS NULL OR approved_by <> requested_by)
) STRICT;
CREATE UNIQUE INDEX retry_requests_one_open ON retry_requests (run_id)
  WHERE approved_at IS NULL AND set_aside_at IS NULL;

CREATE TRIGGER retry_requests_never_deleted
BEFORE DELETE ON retry_requests
BEGIN
  SELECT RAISE(ABORT, 'a retry request is never deleted: it is approved or set aside');
END;
CREATE TRIGGER retry_requests_closed_stay_closed
BEFORE UPDATE ON retry_requests
WHEN OLD.approved_at IS NOT NULL OR OLD.set_aside_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'a retry request that was approved or set aside stays as it is');
END;
`;
