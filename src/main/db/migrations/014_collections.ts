// Money coming in. collection_requests: each M-Pesa Express (STK Push) payment request, written
// before the push leaves, so a push whose answer was lost is known and never pushed again on a
// guess. received_checks: each C2B confirmation, a claim checked by Transaction Status before it
// becomes money received, with its tries, so a check survives a restart.
export const sql = `
CREATE TABLE collection_requests (
  id                  INTEGER PRIMARY KEY,
  phone               TEXT NOT NULL CHECK (phone GLOB '254[17][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
  amount_cents        INTEGER NOT NULL CHECK (amount_cents >= 100 AND amount_cents % 100 = 0),
  account_reference   TEXT NOT NULL CHECK (length(account_reference) BETWEEN 1 AND 12),
  description         TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 13),
  asked_by            TEXT NOT NULL,
  asked_at            TEXT NOT NULL,
  -- asked: written, not yet answered by Daraja; sent: Daraja accepted it (the prompt is on the
  -- phone); refused: Daraja turned it away (no prompt); unknown: its answer was lost (a prompt may
  -- be on the phone); paid; paid_no_receipt: the query said paid, no receipt yet; declined: the
  -- customer's answer was no; needs_person: no answer after every query.
  state               TEXT NOT NULL CHECK (state IN ('asked', 'sent', 'refused', 'unknown', 'paid', 'paid_no_receipt',
                        'declined', 'needs_person')),
  merchant_request_id TEXT UNIQUE,
  checkout_request_id TEXT UNIQUE,
  result_code         TEXT,
  result_desc         TEXT,
  receipt             TEXT,
  transaction_id      INTEGER REFERENCES transactions (id),
  queries             INTEGER NOT NULL DEFAULT 0,
  next_query_at       TEXT,
  note                TEXT,
  -- A person asked again after this one: the new request points back.
  again_of            INTEGER REFERENCES collection_requests (id),
  updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX collection_requests_state ON collection_requests (state, next_query_at);
CREATE INDEX collection_requests_time ON collection_requests (asked_at, id);
CREATE UNIQUE INDEX collection_requests_one_again ON collection_requests (again_of) WHERE again_of IS NOT NULL;
CREATE TRIGGER collection_requests_never_deleted BEFORE DELETE ON collection_requests
BEGIN SELECT RAISE(ABORT, 'collection requests are never deleted'); END;

CREATE TABLE received_checks (
  inbox_id        INTEGER PRIMARY KEY REFERENCES inbox (id),
  receipt         TEXT NOT NULL,
  amount_cents    INTEGER NOT NULL CHECK (amount_cents >= 0),
  -- checking: waiting for Transaction Status; recorded; duplicate: a copy of a confirmation
  -- already checked; amount_mismatch, unmatched, other_receiver: flagged, nothing recorded;
  -- needs_person: no usable answer after every try.
  state           TEXT NOT NULL CHECK (state IN ('checking', 'recorded', 'duplicate', 'amount_mismatch', 'unmatched',
                    'other_receiver', 'needs_person')),
  tries           INTEGER NOT NULL DEFAULT 0,
  next_check_at   TEXT NOT NULL,
  note            TEXT,
  transaction_id  INTEGER REFERENCES transactions (id),
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX received_checks_due ON received_checks (state, next_check_at);
CREATE INDEX received_checks_receipt ON received_checks (receipt);
CREATE TRIGGER received_checks_never_deleted BEFORE DELETE ON received_checks
BEGIN SELECT RAISE(ABORT, 'checks of received money are never deleted'); END;
`;
