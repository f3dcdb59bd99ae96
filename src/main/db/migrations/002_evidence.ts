// Settlement on evidence (docs/money-safety.md): every Transaction Status query is kept so its
// answer is tied to the query that asked; an attempt remembers whether Daraja ever acknowledged its
// OriginatorConversationID and how often it was re-sent; evidence that contradicts a settled
// payment is written to the ledger as money that moved and kept on a work list a person clears.
export const sql = `
-- Did Daraja ever acknowledge this OriginatorConversationID (a synchronous acceptance, a
-- "duplicate" answer, or any Result about it)? An acknowledged attempt is never re-sent.
ALTER TABLE payout_attempts ADD COLUMN acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1));
-- Same-ID re-sends after M-Pesa twice said it had no such transaction (bounded by a setting).
ALTER TABLE payout_attempts ADD COLUMN resends INTEGER NOT NULL DEFAULT 0 CHECK (resends >= 0);
-- Why the attempt waits for a person (needs_attention = 1), in plain words.
ALTER TABLE payout_attempts ADD COLUMN attention_reason TEXT;
-- Set when a person settled it from the work list: who and why (the audit row has the rest).
ALTER TABLE payout_attempts ADD COLUMN resolved_by TEXT;
ALTER TABLE payout_attempts ADD COLUMN resolution TEXT;
UPDATE payout_attempts SET acknowledged = 1 WHERE accepted_at IS NOT NULL OR conversation_id IS NOT NULL;
UPDATE payout_attempts SET attention_reason = 'No answer from Transaction Status' WHERE needs_attention = 1;

-- Every Transaction Status query about a payout attempt. Its answer arrives as a callback that
-- names the query by Daraja's ConversationID (from the query's synchronous answer); a "not found"
-- counts toward a re-send only when it answers a query recorded here, asked at least the result
-- timeout after the attempt's last send.
CREATE TABLE status_queries (
  id              INTEGER PRIMARY KEY,
  attempt_id      INTEGER NOT NULL REFERENCES payout_attempts (id),
  asked_at        TEXT NOT NULL,      -- when the query left
  attempt_sent_at TEXT,               -- the attempt's last send at that moment
  by_receipt      TEXT,               -- the receipt asked about (a person's resolution), else NULL
  conversation_id TEXT UNIQUE,        -- Daraja's id for the query, from its synchronous answer
  originator_conversation_id TEXT,    -- Daraja's OriginatorConversationID for the query
  answer          TEXT CHECK (answer IS NULL OR answer IN ('paid', 'failed', 'not_found', 'unanswered', 'refused', 'other_payment')),
  result_code     TEXT,
  inbox_id        INTEGER REFERENCES inbox (id),
  answered_at     TEXT
) STRICT;
CREATE INDEX status_queries_attempt ON status_queries (attempt_id, asked_at);

-- The ledger marks money that contradicts what Mshahara believed (paid after a recorded failure,
-- a second receipt for one payment): it moved, so it is in the ledger, and it needs a person.
ALTER TABLE transactions ADD COLUMN contradiction TEXT;
DROP INDEX transactions_one_per_attempt;
CREATE UNIQUE INDEX transactions_one_per_attempt ON transactions (attempt_id)
  WHERE attempt_id IS NOT NULL AND corrects_id IS NULL AND contradiction IS NULL;

-- Findings a person must clear: double payments and payments M-Pesa made that Mshahara had
-- recorded otherwise. Cleared with a note; never deleted.
CREATE TABLE payout_findings (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('paid_after_failure', 'second_receipt', 'paid_twice', 'paid_after_cancel', 'failure_after_payment')),
  attempt_id     INTEGER NOT NULL REFERENCES payout_attempts (id),
  item_id        INTEGER NOT NULL REFERENCES payroll_items (id),
  transaction_id INTEGER REFERENCES transactions (id),
  inbox_id       INTEGER REFERENCES inbox (id),
  detail         TEXT NOT NULL,
  found_at       TEXT NOT NULL,
  cleared_at     TEXT,
  cleared_by     TEXT,
  clearing_note  TEXT,
  CHECK ((cleared_at IS NULL) = (cleared_by IS NULL))
) STRICT;
CREATE INDEX payout_findings_open ON payout_findings (item_id) WHERE cleared_at IS NULL;
CREATE TRIGGER payout_findings_never_deleted
BEFORE DELETE ON payout_findings
BEGIN
  SELECT RAISE(ABORT, 'findings are evidence and are never deleted');
END;
`;
