// Transaction Status questions that are about no payout attempt (payout attempts keep theirs in
// status_queries): a person's lookup of a receipt, the check of a customer's payment before it is
// recorded as money received, the check of a reversal whose answer was lost. Written before the
// question leaves, so its answer is tied to it by the ConversationID Daraja gives it, and an answer
// that arrives after a restart still finds what it was about.
export const sql = `
CREATE TABLE status_lookups (
  id                  INTEGER PRIMARY KEY,
  purpose             TEXT NOT NULL CHECK (purpose IN ('lookup', 'received_check', 'reversal_check')),
  -- What it is about, by purpose: the inbox entry of a customer's payment (received_check), the
  -- reversal (reversal_check); NULL for a person's lookup.
  subject_id          INTEGER,
  receipt             TEXT,          -- the M-Pesa receipt asked about
  asked_originator_id TEXT,          -- or the OriginatorConversationID asked about
  asked_by            TEXT NOT NULL,
  asked_at            TEXT NOT NULL,
  conversation_id     TEXT UNIQUE,   -- Daraja's id for the question, from its synchronous answer
  originator_conversation_id TEXT,
  -- Daraja refused the question (its code and words): no answer will come.
  refused             TEXT,
  inbox_id            INTEGER REFERENCES inbox (id),
  result_code         TEXT,
  answered_at         TEXT,
  CHECK ((receipt IS NULL) <> (asked_originator_id IS NULL))
) STRICT;
CREATE INDEX status_lookups_subject ON status_lookups (purpose, subject_id);
CREATE INDEX status_lookups_originator ON status_lookups (originator_conversation_id)
  WHERE originator_conversation_id IS NOT NULL;
`;
