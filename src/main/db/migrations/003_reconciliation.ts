// Reconciliation against the M-Pesa statement (the one record M-Pesa itself keeps): imported
// statement rows, once per receipt; the bucket each row falls in; charges the statement confirmed;
// and reconciliations per account and period, whose finish locks the rows it reconciled.
export const sql = `
-- One imported statement file: what it said about itself and what could not be read.
CREATE TABLE statement_imports (
  id                    INTEGER PRIMARY KEY,
  file_name             TEXT NOT NULL,
  file_sha256           TEXT NOT NULL CHECK (length(file_sha256) = 64),
  account               TEXT NOT NULL,   -- 'Utility Account', 'Charges Paid Account', ...
  organisation          TEXT,
  period_from           TEXT,            -- ISO UTC, from the preamble when it has one
  period_to             TEXT,
  opening_balance_cents INTEGER,
  closing_balance_cents INTEGER,
  rows_read             INTEGER NOT NULL CHECK (rows_read >= 0),
  rows_new              INTEGER NOT NULL CHECK (rows_new >= 0),
  problems              TEXT NOT NULL,   -- JSON [{line, reason}]: every row that could not be read
  gaps                  TEXT NOT NULL,   -- JSON: balance breaks with the receipts either side
  imported_by           TEXT NOT NULL,
  imported_at           TEXT NOT NULL
) STRICT;

-- A statement row as M-Pesa printed it. One per account, receipt and entry (a payment and its
-- charge may share a receipt): importing the same or an overlapping statement adds nothing twice.
CREATE TABLE statement_rows (
  id              INTEGER PRIMARY KEY,
  account         TEXT NOT NULL,
  receipt         TEXT NOT NULL CHECK (length(trim(receipt)) > 0),
  entry           TEXT NOT NULL CHECK (entry IN ('money', 'charge', 'reversal')),
  completed_at    TEXT NOT NULL,          -- ISO UTC (the statement is in Nairobi time)
  initiated_at    TEXT,
  details         TEXT NOT NULL,
  status          TEXT NOT NULL,          -- 'Completed', 'Failed', ... as written
  paid_in_cents   INTEGER NOT NULL CHECK (paid_in_cents >= 0),
  withdrawn_cents INTEGER NOT NULL CHECK (withdrawn_cents >= 0),
  balance_cents   INTEGER,
  balance_confirmed INTEGER CHECK (balance_confirmed IS NULL OR balance_confirmed IN (0, 1)),
  reason_type     TEXT,
  other_party     TEXT,                   -- as shown, possibly masked ('2547****149 - NAME')
  phone           TEXT,                   -- the 12-digit number when it is shown in full
  linked_receipt  TEXT,
  account_number  TEXT,
  import_id       INTEGER NOT NULL REFERENCES statement_imports (id),
  line            INTEGER NOT NULL,
  UNIQUE (account, receipt, entry)
) STRICT;
CREATE INDEX statement_rows_time ON statement_rows (account, completed_at);
CREATE INDEX statement_rows_linked ON statement_rows (linked_receipt) WHERE linked_receipt IS NOT NULL;
CREATE TRIGGER statement_rows_keep_evidence
BEFORE UPDATE ON statement_rows
BEGIN
  SELECT RAISE(ABORT, 'a statement row keeps what M-Pesa printed');
END;
CREATE TRIGGER statement_rows_never_deleted
BEFORE DELETE ON statement_rows
BEGIN
  SELECT RAISE(ABORT, 'statement rows are evidence and are never deleted');
END;

-- A reconciliation of one account for one period (Actual's and GnuCash's reconcile).
CREATE TABLE reconciliations (
  id                    INTEGER PRIMARY KEY,
  account               TEXT NOT NULL,
  period                TEXT NOT NULL,    -- '2026-12' or '2026-12-01..2026-12-15'
  period_from           TEXT NOT NULL,    -- ISO UTC, inclusive
  period_to             TEXT NOT NULL,    -- ISO UTC, exclusive
  opening_balance_cents INTEGER NOT NULL,
  closing_balance_cents INTEGER NOT NULL,
  state                 TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'finished')),
  started_at            TEXT NOT NULL,
  finished_at           TEXT,
  finished_by           TEXT,
  ledger_net_cents      INTEGER,          -- the ledger's figure for the period at the finish
  CHECK ((state = 'finished') = (finished_at IS NOT NULL AND finished_by IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX reconciliations_one_open ON reconciliations (account, period) WHERE state = 'open';
CREATE TRIGGER reconciliations_finished_final
BEFORE UPDATE ON reconciliations
WHEN OLD.state = 'finished'
BEGIN
  SELECT RAISE(ABORT, 'a finished reconciliation is final');
END;

-- The bucket of each statement row, with the ledger row it matched and what differs.
CREATE TABLE statement_matches (
  statement_row_id  INTEGER PRIMARY KEY REFERENCES statement_rows (id),
  bucket            TEXT NOT NULL CHECK (bucket IN ('matched', 'difference', 'charge', 'reversal', 'statement_only')),
  transaction_id    INTEGER REFERENCES transactions (id),
  linked_row_id     INTEGER REFERENCES statement_rows (id),
  differences       TEXT,               -- JSON list of {field, statement, ledger}
  serious           TEXT,               -- 'paid_but_recorded_failed' and such: the worst findings
  proposals         TEXT,               -- JSON: payout attempts this row may be, for a person to confirm
  settlement        TEXT,               -- 'belongs_elsewhere' or 'added_to_ledger' with a note
  note              TEXT,
  ticked            INTEGER NOT NULL DEFAULT 0 CHECK (ticked IN (0, 1)),
  reconciliation_id INTEGER REFERENCES reconciliations (id),   -- set at finish: the row is locked
  updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX statement_matches_bucket ON statement_matches (bucket);
CREATE TRIGGER statement_matches_locked_update
BEFORE UPDATE ON statement_matches
WHEN OLD.reconciliation_id IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'this statement row is reconciled and locked: record a correction instead');
END;
CREATE TRIGGER statement_matches_locked_delete
BEFORE DELETE ON statement_matches
WHEN OLD.reconciliation_id IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'this statement row is reconciled and locked: record a correction instead');
END;

-- The charge M-Pesa actually took for a payment, from the statement's charge row. The ledger row
-- keeps its estimate (append-only); this confirmed figure stands beside it.
CREATE TABLE confirmed_charges (
  transaction_id   INTEGER PRIMARY KEY REFERENCES transactions (id),
  statement_row_id INTEGER NOT NULL UNIQUE REFERENCES statement_rows (id),
  charge_cents     INTEGER NOT NULL CHECK (charge_cents >= 0),
  confirmed_at     TEXT NOT NULL
) STRICT;

-- Which charge a payment row carries: 'estimated' from the tariff when M-Pesa's answer named none,
-- 'reported' when the answer did. The statement's charge row (confirmed_charges) outranks both.
-- Rows written before keep NULL (the ledger is append-only): their charge, if any, was reported.
ALTER TABLE transactions ADD COLUMN charge_basis TEXT CHECK (charge_basis IS NULL OR charge_basis IN ('estimated', 'reported'));
`;
