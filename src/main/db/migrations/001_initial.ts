// Migration 001: the first schema of a Mshahara profile database (docs/money-safety.md#the-rules, docs/architecture.md#the-data).
// Once released, this text is frozen: its sha256 is recorded, and an edited copy is refused.
// So the five "DESIGN §4 …" notes inside the SQL stay as written: invariants 1, 3, 2 and 6 there are
// docs/money-safety.md rules 1, 6, 2 and 12, and the reversals table is described in docs/architecture.md#the-data.
//
// Conventions: money is INTEGER cents in *_cents columns; phones are TEXT 12-digit MSISDNs;
// times are TEXT ISO-8601 UTC with milliseconds ('2026-11-21T22:14:01.123Z', what JS toISOString
// writes) so that text order is time order. State columns carry CHECKs mirroring docs/money-safety.md#the-attempt-states.
// Every table is STRICT: without it SQLite would quietly keep 1000.5 in an INTEGER cents column.

export const sql = /* sql */ `
-- People the employer pays. Rows are archived, never deleted: runs and the ledger point at them.
CREATE TABLE workers (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL CHECK (length(trim(name)) > 0),
  phone           TEXT NOT NULL CHECK (phone GLOB '254[17][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  staff_number    TEXT,
  national_id     TEXT,
  department      TEXT,              -- as the payroll file names it ('Operations'), for lists and exports
  default_amount_cents INTEGER CHECK (default_amount_cents IS NULL OR default_amount_cents > 0),
  notes           TEXT,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  archived_at     TEXT
) STRICT;
-- Two active workers on one number is how one person ends up paid twice in a run.
CREATE UNIQUE INDEX workers_active_phone ON workers (phone) WHERE archived_at IS NULL;
CREATE UNIQUE INDEX workers_active_staff_number ON workers (staff_number)
  WHERE archived_at IS NULL AND staff_number IS NOT NULL;
CREATE INDEX workers_name ON workers (name COLLATE NOCASE);

-- The local people using this profile. One owner for now; the other roles follow Safaricom's
-- portal (operator, approver, auditor, admin) for maker-checker later. No passwords here:
-- secrets live in the OS keychain.
CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
  role        TEXT NOT NULL CHECK (role IN ('owner', 'operator', 'approver', 'auditor', 'admin')),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  disabled_at TEXT
) STRICT;
CREATE UNIQUE INDEX users_one_owner ON users (role) WHERE role = 'owner';

-- A payroll run: a list of items approved and sent together.
CREATE TABLE payroll_runs (
  id           INTEGER PRIMARY KEY,
  title        TEXT NOT NULL CHECK (length(trim(title)) > 0),
  period       TEXT,                 -- e.g. '2026-11', as the officer names the pay period
  state        TEXT NOT NULL DEFAULT 'draft'
               CHECK (state IN ('draft', 'approved', 'running', 'paused', 'completed', 'cancelled')),
  command_id   TEXT NOT NULL DEFAULT 'SalaryPayment'
               CHECK (command_id IN ('SalaryPayment', 'BusinessPayment', 'PromotionPayment')),
  source       TEXT NOT NULL DEFAULT 'worker_list' CHECK (source IN ('worker_list', 'file')),
  source_file_name TEXT,
  -- sha256 of the imported file's bytes: paying the same file again (after a crash, say) finds
  -- and resumes this run instead of creating a second one that would pay everyone twice.
  source_file_sha256 TEXT CHECK (source_file_sha256 IS NULL OR length(source_file_sha256) = 64),
  created_by   INTEGER REFERENCES users (id),
  approved_by  INTEGER REFERENCES users (id),
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  approved_at  TEXT,
  started_at   TEXT,
  finished_at  TEXT,
  cancelled_at TEXT,
  -- Past draft means someone approved it, and when (a cancelled draft never was).
  CHECK (state IN ('draft', 'cancelled') OR approved_at IS NOT NULL)
) STRICT;
CREATE INDEX payroll_runs_state ON payroll_runs (state, created_at);
CREATE INDEX payroll_runs_source_file ON payroll_runs (source_file_sha256) WHERE source_file_sha256 IS NOT NULL;

-- One line of a run: who, which number, how much. Name and phone are copied from the worker at
-- the time of the run, because the ledger must show what was paid, not what the worker list says now.
CREATE TABLE payroll_items (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES payroll_runs (id),
  worker_id    INTEGER REFERENCES workers (id),
  line_number  INTEGER,              -- the row in the imported file, for error messages
  name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
  phone        TEXT NOT NULL CHECK (phone GLOB '254[17][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  -- B2C takes whole shillings; the per-transaction limits are data (resources/b2c-limits.json).
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0 AND amount_cents % 100 = 0),
  remarks      TEXT,
  state        TEXT NOT NULL DEFAULT 'draft'
               CHECK (state IN ('draft', 'queued', 'paying', 'paid', 'failed', 'cancelled')),
  -- The name M-Pesa registered the paid number to (ReceiverPartyPublicName), and whether it shares
  -- a name with the worker: 'mismatch' means a wrong number may have paid a stranger.
  registered_name TEXT,
  name_check   TEXT CHECK (name_check IS NULL OR name_check IN ('match', 'mismatch')),
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
-- A second line to the same number in one run is far more often a duplicated row than a second
-- payment; refusing it here is the last guard against paying it twice.
CREATE UNIQUE INDEX payroll_items_one_per_phone ON payroll_items (run_id, phone);
CREATE INDEX payroll_items_state ON payroll_items (run_id, state);
CREATE INDEX payroll_items_worker ON payroll_items (worker_id) WHERE worker_id IS NOT NULL;
-- The duplicate-payment warning looks for the same number and amount in other runs.
CREATE INDEX payroll_items_phone_amount ON payroll_items (phone, amount_cents);

-- Paid and cancelled items are final: money sent cannot be un-sent by an UPDATE.
CREATE TRIGGER payroll_items_final_states
BEFORE UPDATE OF state ON payroll_items
WHEN OLD.state IN ('paid', 'cancelled') AND NEW.state <> OLD.state
BEGIN
  SELECT RAISE(ABORT, 'a paid or cancelled payroll item cannot change state');
END;

-- One try at paying an item over B2C. The row, with its OriginatorConversationID, is committed
-- BEFORE the request leaves (DESIGN §4 invariant 1), so it is the evidence of what may have been sent.
CREATE TABLE payout_attempts (
  id           INTEGER PRIMARY KEY,
  item_id      INTEGER NOT NULL REFERENCES payroll_items (id),
  attempt_number INTEGER NOT NULL CHECK (attempt_number >= 1),
  originator_conversation_id TEXT NOT NULL UNIQUE,
  conversation_id TEXT UNIQUE,       -- Daraja's id from the synchronous answer
  -- What was asked for, kept here so a callback is checked against what we sent, not against the
  -- item (which a person may have edited for a retry).
  phone        TEXT NOT NULL CHECK (phone GLOB '254[17][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0 AND amount_cents % 100 = 0),
  command_id   TEXT NOT NULL CHECK (command_id IN ('SalaryPayment', 'BusinessPayment', 'PromotionPayment')),
  state        TEXT NOT NULL DEFAULT 'created'
               CHECK (state IN ('created', 'sending', 'accepted', 'succeeded', 'failed', 'rejected', 'unknown')),
  receipt      TEXT UNIQUE,          -- M-Pesa TransactionReceipt once succeeded
  result_code  TEXT,                 -- Daraja ResultCode / errorCode, as text (some are 'R000001')
  result_desc  TEXT,
  unknown_reason TEXT,               -- why we cannot tell (timeout, reset, 5xx after send, crash)
  status_queries INTEGER NOT NULL DEFAULT 0 CHECK (status_queries >= 0),
  -- 1 when Transaction Status gave no usable answer after every allowed query: a person decides,
  -- the engine never re-sends on a guess (DESIGN §4 invariant 3).
  needs_attention INTEGER NOT NULL DEFAULT 0 CHECK (needs_attention IN (0, 1)),
  registered_name TEXT,              -- from ReceiverPartyPublicName / CreditPartyName of the result
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  sent_at      TEXT,
  accepted_at  TEXT,
  finished_at  TEXT,
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (item_id, attempt_number),
  CHECK (state <> 'succeeded' OR receipt IS NOT NULL)
) STRICT;
-- DESIGN §4 invariant 2: a new attempt only when every earlier one is definitively failed or
-- rejected. So at most one attempt per item is outside {failed, rejected}: that covers the live
-- states (created, sending, accepted, unknown) and also refuses any attempt after a success.
-- Listed as NOT IN so a state added later is blocking by default, the safe side.
CREATE UNIQUE INDEX payout_attempts_one_live_per_item ON payout_attempts (item_id)
  WHERE state NOT IN ('failed', 'rejected');
CREATE INDEX payout_attempts_state ON payout_attempts (state) WHERE state IN ('sending', 'accepted', 'unknown');
-- The payout engine's work lists: attempts to send again (created), to ask about (unknown), and
-- accepted ones whose callback is overdue (by accepted_at).
CREATE INDEX payout_attempts_engine ON payout_attempts (state, accepted_at);

-- Succeeded, failed and rejected are definitive; only unknown is resolved later.
CREATE TRIGGER payout_attempts_final_states
BEFORE UPDATE OF state ON payout_attempts
WHEN OLD.state IN ('succeeded', 'failed', 'rejected') AND NEW.state <> OLD.state
BEGIN
  SELECT RAISE(ABORT, 'a succeeded, failed or rejected payout attempt is final');
END;
-- The OriginatorConversationID is the only key Daraja's duplicate check and Transaction Status
-- know; changing it would let a re-send pay twice.
CREATE TRIGGER payout_attempts_keep_originator_id
BEFORE UPDATE OF originator_conversation_id, item_id, phone, amount_cents ON payout_attempts
WHEN NEW.originator_conversation_id IS NOT OLD.originator_conversation_id
  OR NEW.item_id IS NOT OLD.item_id OR NEW.phone IS NOT OLD.phone OR NEW.amount_cents IS NOT OLD.amount_cents
BEGIN
  SELECT RAISE(ABORT, 'a payout attempt keeps its OriginatorConversationID, item, phone and amount');
END;
CREATE TRIGGER payout_attempts_never_deleted
BEFORE DELETE ON payout_attempts
BEGIN
  SELECT RAISE(ABORT, 'payout attempts are evidence of what was sent and are never deleted');
END;

-- Every raw callback, exactly as it arrived (DESIGN §4 invariant 6), with whether it was applied
-- and why not. event_id is the relay's id: delivery is at-least-once, so storing it UNIQUE in
-- the same transaction as the body makes a redelivery a no-op.
CREATE TABLE inbox (
  id           INTEGER PRIMARY KEY,
  event_id     TEXT UNIQUE,          -- NULL only for callbacks that did not come through a relay
  received_at  TEXT NOT NULL,
  source       TEXT NOT NULL,        -- where it came from: 'relay:<channel>', 'simulator', ...
  source_ip    TEXT,
  kind         TEXT NOT NULL CHECK (kind IN ('b2c-result', 'b2c-timeout', 'balance-result', 'status-result',
                 'reversal-result', 'stk', 'c2b-validation', 'c2b-confirmation', 'timeout')),
  headers      TEXT,                 -- JSON
  body         TEXT NOT NULL,
  applied      INTEGER NOT NULL DEFAULT 0 CHECK (applied IN (0, 1)),
  flag         TEXT CHECK (flag IS NULL OR flag IN ('unmatched', 'amount_mismatch', 'party_mismatch',
                 'duplicate', 'malformed', 'late')),
  reason       TEXT,                 -- plain words: why it was not applied, or what it settled
  processed_at TEXT,
  -- A flagged callback a person settled from the inbox (a status query answered it); the flag
  -- stays as evidence of what arrived, this says nobody needs to look at it again.
  settled_at   TEXT,
  stored_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX inbox_pending ON inbox (received_at) WHERE applied = 0 AND flag IS NULL;
CREATE INDEX inbox_flagged ON inbox (flag, received_at) WHERE flag IS NOT NULL;
-- What arrived is evidence: it may be marked applied or flagged, never rewritten or removed.
CREATE TRIGGER inbox_keep_evidence
BEFORE UPDATE OF event_id, received_at, source, source_ip, kind, headers, body ON inbox
BEGIN
  SELECT RAISE(ABORT, 'an inbox entry keeps what arrived; only its outcome may change');
END;
CREATE TRIGGER inbox_never_deleted
BEFORE DELETE ON inbox
BEGIN
  SELECT RAISE(ABORT, 'inbox entries are evidence and are never deleted');
END;

-- The ledger: every money movement, in and out, as M-Pesa recorded it. Append-only: a mistake is
-- fixed by a new row whose corrects_id points at the old one and which carries the full corrected
-- values; the current view is the rows no later row corrects. AUTOINCREMENT so an id is never reused.
CREATE TABLE transactions (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  receipt       TEXT,                -- M-Pesa receipt (TransactionID / TransID); NULL when M-Pesa gave none
  occurred_at   TEXT NOT NULL,       -- completion time at M-Pesa, UTC
  recorded_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  direction     TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  kind          TEXT NOT NULL CHECK (kind IN ('b2c_payment', 'c2b_payment', 'stk_payment', 'reversal', 'refund')),
  status        TEXT NOT NULL CHECK (status IN ('completed', 'failed')),
  amount_cents  INTEGER NOT NULL CHECK (amount_cents >= 0),   -- direction carries the sign
  charge_cents  INTEGER CHECK (charge_cents IS NULL OR charge_cents >= 0),  -- NULL: not known yet
  -- The other party. phone is NULL when M-Pesa masks or hashes it (C2B v1/v2 privacy).
  phone         TEXT CHECK (phone IS NULL OR phone GLOB '254[17][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  party_name    TEXT,
  party_display TEXT,                -- as M-Pesa showed it, e.g. '2547 ***** 126' or '254705912645 - NAME'
  account_reference TEXT,            -- BillRefNumber / AccountReference
  utility_balance_cents INTEGER,     -- B2C utility account balance M-Pesa reported after this one
  attempt_id    INTEGER REFERENCES payout_attempts (id),
  reversal_id   INTEGER REFERENCES reversals (id),
  inbox_id      INTEGER REFERENCES inbox (id),   -- the callback this row was read from
  source        TEXT NOT NULL CHECK (source IN ('b2c_result', 'status_result', 'reversal_result', 'c2b_confirmation',
                  'stk_callback', 'statement_import', 'manual')),
  corrects_id   INTEGER REFERENCES transactions (id),
  correction_reason TEXT,
  CHECK ((corrects_id IS NULL) = (correction_reason IS NULL))
) STRICT;
-- A receipt is one movement: two original rows with one receipt would count the money twice.
-- Corrections repeat the receipt of the row they correct, so they are left out of this index.
CREATE UNIQUE INDEX transactions_receipt ON transactions (receipt) WHERE receipt IS NOT NULL AND corrects_id IS NULL;
-- A row is corrected at most once; a further fix corrects the correction, so history stays a line.
CREATE UNIQUE INDEX transactions_corrected_once ON transactions (corrects_id) WHERE corrects_id IS NOT NULL;
-- One ledger row per successful attempt, whatever route (callback or status query) reported it.
CREATE UNIQUE INDEX transactions_one_per_attempt ON transactions (attempt_id)
  WHERE attempt_id IS NOT NULL AND corrects_id IS NULL;
-- The accountant's list: by time, filtered by status, receipt, phone or name.
CREATE INDEX transactions_time ON transactions (occurred_at, id);
CREATE INDEX transactions_status_time ON transactions (status, occurred_at);
CREATE INDEX transactions_kind_time ON transactions (kind, occurred_at);
CREATE INDEX transactions_receipt_lookup ON transactions (receipt) WHERE receipt IS NOT NULL;
CREATE INDEX transactions_phone_time ON transactions (phone, occurred_at) WHERE phone IS NOT NULL;
CREATE INDEX transactions_name ON transactions (party_name COLLATE NOCASE) WHERE party_name IS NOT NULL;
-- Name search is "any part of the name" ("wanj" finds "Grace Wanjiku"), which no B-tree answers.
-- The ledger repeats the same few thousand names, so the substring is looked for in the distinct
-- names (small), and the rows of the matching names are then read by name and time (measured in
-- bench/ledger.ts against a LIKE scan of the rows). Rows are only ever inserted, so an insert
-- trigger keeps the list complete.
CREATE TABLE transaction_party_names (
  name TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;
CREATE INDEX transactions_name_time ON transactions (party_name, occurred_at) WHERE party_name IS NOT NULL;
CREATE TRIGGER transactions_party_name_insert
AFTER INSERT ON transactions
WHEN NEW.party_name IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO transaction_party_names (name) VALUES (NEW.party_name);
END;

CREATE TRIGGER transactions_append_only_update
BEFORE UPDATE ON transactions
BEGIN
  SELECT RAISE(ABORT, 'the ledger is append-only: record a correction that points at the row instead');
END;
CREATE TRIGGER transactions_append_only_delete
BEFORE DELETE ON transactions
BEGIN
  SELECT RAISE(ABORT, 'the ledger is append-only: ledger rows are never deleted');
END;

-- What M-Pesa said the accounts held, one row per account per report (Account Balance results,
-- and the balances B2C results carry). The float check before a run reads the latest.
CREATE TABLE balance_snapshots (
  id               INTEGER PRIMARY KEY,
  observed_at      TEXT NOT NULL,    -- when M-Pesa computed it (BOCompletedTime), UTC
  account          TEXT NOT NULL,    -- 'Utility Account', 'Working Account', 'Charges Paid Account', ...
  currency         TEXT NOT NULL DEFAULT 'KES',
  current_cents    INTEGER,
  available_cents  INTEGER NOT NULL, -- may be negative (Charges Paid)
  reserved_cents   INTEGER,
  uncleared_cents  INTEGER,
  conversation_id  TEXT,             -- the query that produced it, when there was one
  inbox_id         INTEGER REFERENCES inbox (id),
  recorded_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE INDEX balance_snapshots_latest ON balance_snapshots (account, observed_at);

-- A request to reverse one ledger row (DESIGN: admins reverse transactions). Same exactly-once
-- shape as payouts: its OriginatorConversationID is written before the request leaves.
CREATE TABLE reversals (
  id                INTEGER PRIMARY KEY,
  transaction_id    INTEGER NOT NULL REFERENCES transactions (id),
  original_receipt  TEXT NOT NULL,
  amount_cents      INTEGER NOT NULL CHECK (amount_cents > 0),
  reason            TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  state             TEXT NOT NULL DEFAULT 'draft'
                    CHECK (state IN ('draft', 'approved', 'sending', 'accepted', 'succeeded', 'failed', 'rejected', 'unknown')),
  originator_conversation_id TEXT UNIQUE,
  conversation_id   TEXT UNIQUE,
  reversal_receipt  TEXT UNIQUE,     -- the reversal's own TransactionID
  result_code       TEXT,
  result_desc       TEXT,
  requested_by      INTEGER REFERENCES users (id),
  approved_by       INTEGER REFERENCES users (id),
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (state IN ('draft', 'approved') OR originator_conversation_id IS NOT NULL)
) STRICT;
-- One open reversal per ledger row, for the same reason as one live payout attempt per item.
CREATE UNIQUE INDEX reversals_one_open_per_transaction ON reversals (transaction_id)
  WHERE state NOT IN ('failed', 'rejected');
CREATE TRIGGER reversals_final_states
BEFORE UPDATE OF state ON reversals
WHEN OLD.state IN ('succeeded', 'failed', 'rejected') AND NEW.state <> OLD.state
BEGIN
  SELECT RAISE(ABORT, 'a succeeded, failed or rejected reversal is final');
END;

-- Who did what, hash-chained (src/main/ledger/audit.ts): each row carries the hash of the one
-- before, so an edited or removed row breaks the chain. UNIQUE prev_hash forbids forks.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  entity     TEXT NOT NULL,
  entity_id  TEXT,
  details    TEXT NOT NULL,          -- canonical JSON
  prev_hash  TEXT NOT NULL UNIQUE CHECK (length(prev_hash) = 64),
  hash       TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_append_only_update
BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_append_only_delete
BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Preferences of this profile. Never secrets: those live in the OS keychain.
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,          -- JSON
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT, WITHOUT ROWID;

-- How far this desktop has read each relay channel. Advanced in the same transaction that stores
-- the events, so a crash between the two cannot skip or lose one.
CREATE TABLE relay_cursor (
  channel      TEXT PRIMARY KEY,
  cursor       TEXT NOT NULL,        -- opaque to us: the relay's position after the last stored event
  acked_cursor TEXT,                 -- the last position acknowledged to the relay (it may prune before it)
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT, WITHOUT ROWID;
`;
