// Refunds of received money by B2C to the payer (src/main/refunds/). A refund is asked for by an
// admin against one ledger row of money received, approved like a payroll run, and paid as the
// one line of its own payroll run, so the payout engine's rules hold for it unchanged. Its state
// follows its line: triggers move it when the engine moves the line or the ledger records its
// money, so no path of the engine can leave a refund saying something its line does not.
export const sql = `
CREATE TABLE refunds (
  id               INTEGER PRIMARY KEY,
  -- The received payment refunded: a ledger row of money in (c2b_payment or stk_payment).
  transaction_id   INTEGER NOT NULL REFERENCES transactions (id),
  amount_cents     INTEGER NOT NULL CHECK (amount_cents > 0 AND amount_cents % 100 = 0),
  -- Who is paid, and what it rests on: the clear number on the row, or a number typed by the
  -- admin that fits the mask or the hash M-Pesa showed for the payment.
  phone            TEXT NOT NULL CHECK (phone GLOB '254[17][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  phone_evidence   TEXT NOT NULL CHECK (phone_evidence IN ('clear', 'masked', 'hashed')),
  reason           TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  -- awaiting_approval → approved → sending → paid | failed; declined (an approver said no) and
  -- cancelled (its run was cancelled before it was sent). Only paid and the open states hold
  -- money against the original; failed may still become paid if M-Pesa shows the money moved.
  state            TEXT NOT NULL DEFAULT 'awaiting_approval'
                   CHECK (state IN ('awaiting_approval', 'approved', 'sending', 'paid', 'failed', 'declined', 'cancelled')),
  run_id           INTEGER NOT NULL UNIQUE REFERENCES payroll_runs (id),
  item_id          INTEGER NOT NULL UNIQUE REFERENCES payroll_items (id),
  asked_by         INTEGER NOT NULL REFERENCES accounts (id),
  asked_at         TEXT NOT NULL,
  declined_by      INTEGER REFERENCES accounts (id),
  declined_at      TEXT,
  decline_reason   TEXT,
  updated_at       TEXT NOT NULL,
  CHECK ((declined_by IS NULL) = (declined_at IS NULL)),
  CHECK ((declined_at IS NULL) = (decline_reason IS NULL)),
  CHECK (declined_by IS NULL OR declined_by <> asked_by)
) STRICT;
CREATE INDEX refunds_of_transaction ON refunds (transaction_id, state);
CREATE INDEX refunds_by_state ON refunds (state, asked_at);

CREATE TRIGGER refunds_never_deleted
BEFORE DELETE ON refunds
BEGIN
  SELECT RAISE(ABORT, 'a refund is never deleted: it is declined or cancelled');
END;
CREATE TRIGGER refunds_keep_what_was_asked
BEFORE UPDATE OF transaction_id, amount_cents, phone, phone_evidence, reason, run_id, item_id, asked_by, asked_at ON refunds
BEGIN
  SELECT RAISE(ABORT, 'a refund keeps what was asked; ask a new one instead');
END;
CREATE TRIGGER refunds_final_states
BEFORE UPDATE OF state ON refunds
WHEN OLD.state IN ('paid', 'declined') AND NEW.state <> OLD.state
BEGIN
  SELECT RAISE(ABORT, 'a paid or declined refund stays as it is');
END;

-- The refund follows its line as the engine moves it.
CREATE TRIGGER refunds_follow_line
AFTER UPDATE OF state ON payroll_items
WHEN NEW.state <> OLD.state AND NEW.state IN ('paying', 'failed', 'cancelled')
BEGIN
  UPDATE refunds
     SET state = CASE NEW.state WHEN 'paying' THEN 'sending' ELSE NEW.state END,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE item_id = NEW.id
     AND ((NEW.state = 'paying' AND state IN ('awaiting_approval', 'approved', 'failed'))
       OR (NEW.state = 'failed' AND state IN ('awaiting_approval', 'approved', 'sending'))
       OR (NEW.state = 'cancelled' AND state IN ('awaiting_approval', 'approved', 'sending')));
END;
-- Whichever door approved or started the run (the refunds screen, or a payroll door given its
-- number), the refund says so.
CREATE TRIGGER refunds_follow_run
AFTER UPDATE OF state ON payroll_runs
WHEN NEW.state IN ('approved', 'running') AND OLD.state <> NEW.state
BEGIN
  UPDATE refunds
     SET state = CASE NEW.state WHEN 'approved' THEN 'approved' ELSE 'sending' END,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE run_id = NEW.id
     AND ((NEW.state = 'approved' AND state = 'awaiting_approval')
       OR (NEW.state = 'running' AND state IN ('awaiting_approval', 'approved')));
END;
-- Money the ledger records for the refund's line is a paid refund, whatever the line says (a line
-- cancelled while its payment was out stays cancelled, but the money moved).
CREATE TRIGGER refunds_paid_by_ledger
AFTER INSERT ON transactions
WHEN NEW.attempt_id IS NOT NULL AND NEW.corrects_id IS NULL AND NEW.status = 'completed' AND NEW.direction = 'out'
BEGIN
  UPDATE refunds SET state = 'paid', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
   WHERE item_id = (SELECT item_id FROM payout_attempts WHERE id = NEW.attempt_id)
     AND state IN ('awaiting_approval', 'approved', 'sending', 'failed', 'cancelled');
END;
`;
