// Reversals of money received, exactly once (docs/money-safety.md#reversals). The first schema
// reserved the `reversals` table; this adds what asking, approving and sending need: who asked
// (an account), the approvals of people other than the asker, who declined and why, the
// OriginatorConversationID Daraja gave the request, how many times it was sent, what M-Pesa
// reported (the amount it says it reversed may differ from the original), and a person's work
// list. `reversed_originals` says, once per ledger row, that it was reversed and by what: a
// reversal Mshahara asked for, one made on the M-Pesa portal (seen on the statement), or one
// M-Pesa reported as already made ("R000001") whose receipt the statement will show.
export const sql = `
ALTER TABLE reversals ADD COLUMN requested_by_account INTEGER REFERENCES accounts (id);
ALTER TABLE reversals ADD COLUMN requested_at TEXT;
ALTER TABLE reversals ADD COLUMN original_amount_cents INTEGER CHECK (original_amount_cents IS NULL OR original_amount_cents > 0);
ALTER TABLE reversals ADD COLUMN declined_by_account INTEGER REFERENCES accounts (id);
ALTER TABLE reversals ADD COLUMN decline_reason TEXT;
-- The OriginatorConversationID Daraja gave the request in its synchronous answer (a Reversal
-- carries none of the caller's); originator_conversation_id is Mshahara's own request id, sent in
-- Remarks and Occasion, committed before the request leaves.
ALTER TABLE reversals ADD COLUMN daraja_originator_id TEXT;
ALTER TABLE reversals ADD COLUMN sends INTEGER NOT NULL DEFAULT 0 CHECK (sends >= 0);
ALTER TABLE reversals ADD COLUMN last_sent_at TEXT;
ALTER TABLE reversals ADD COLUMN reported_amount_cents INTEGER CHECK (reported_amount_cents IS NULL OR reported_amount_cents >= 0);
-- M-Pesa said the original was already reversed: the reversal's own receipt is on the statement.
ALTER TABLE reversals ADD COLUMN already_reversed INTEGER NOT NULL DEFAULT 0 CHECK (already_reversed IN (0, 1));
ALTER TABLE reversals ADD COLUMN needs_attention INTEGER NOT NULL DEFAULT 0 CHECK (needs_attention IN (0, 1));
ALTER TABLE reversals ADD COLUMN attention_reason TEXT;
ALTER TABLE reversals ADD COLUMN outcome_words TEXT;
CREATE INDEX reversals_state ON reversals (state, id);
CREATE INDEX reversals_daraja_originator ON reversals (daraja_originator_id) WHERE daraja_originator_id IS NOT NULL;

CREATE TABLE reversal_approvals (
  id                  INTEGER PRIMARY KEY,
  reversal_id         INTEGER NOT NULL REFERENCES reversals (id),
  approver_account_id INTEGER NOT NULL REFERENCES accounts (id),
  approved_at         TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX reversal_approvals_once ON reversal_approvals (reversal_id, approver_account_id);
CREATE TRIGGER reversal_approvals_never_changed
BEFORE UPDATE ON reversal_approvals
BEGIN
  SELECT RAISE(ABORT, 'an approval of a reversal keeps who approved and when');
END;
CREATE TRIGGER reversal_approvals_never_deleted
BEFORE DELETE ON reversal_approvals
BEGIN
  SELECT RAISE(ABORT, 'an approval of a reversal is never deleted');
END;

CREATE TABLE reversed_originals (
  original_id             INTEGER PRIMARY KEY REFERENCES transactions (id),
  -- The ledger row of the reversal's money; NULL while its receipt is still to be found on the statement.
  reversal_transaction_id INTEGER UNIQUE REFERENCES transactions (id),
  reversal_id             INTEGER REFERENCES reversals (id),
  via                     TEXT NOT NULL CHECK (via IN ('api', 'portal', 'already_reversed')),
  recorded_at             TEXT NOT NULL
) STRICT;
CREATE TRIGGER reversed_originals_never_deleted
BEFORE DELETE ON reversed_originals
BEGIN
  SELECT RAISE(ABORT, 'a reversed original stays reversed');
END;
CREATE TRIGGER reversed_originals_receipt_once
BEFORE UPDATE ON reversed_originals
WHEN OLD.reversal_transaction_id IS NOT NULL OR NEW.original_id <> OLD.original_id OR NEW.via <> OLD.via
  OR NEW.reversal_id IS NOT OLD.reversal_id
BEGIN
  SELECT RAISE(ABORT, 'a reversed original is linked to its reversal once');
END;
`;
