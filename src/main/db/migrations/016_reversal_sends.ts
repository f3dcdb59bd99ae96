// Every send of a reversal, with the ids Daraja gave it. A reversal may be sent more than once (a
// person sends it again when evidence could not settle the first), and a Result of any send must
// find its reversal: the reversal's own columns keep only the first ids it learned, so a later
// send's Result (R000001 "already reversed", which names no original) would match nothing. One
// row per send, written with the move to `sending` before the request leaves; its ids are kept
// once Daraja's answer names them and never changed after (docs/money-safety.md#reversals).
export const sql = `
CREATE TABLE reversal_sends (
  id                   INTEGER PRIMARY KEY,
  reversal_id          INTEGER NOT NULL REFERENCES reversals (id),
  send                 INTEGER NOT NULL CHECK (send > 0),
  sent_at              TEXT NOT NULL,
  conversation_id      TEXT,
  daraja_originator_id TEXT,
  UNIQUE (reversal_id, send)
) STRICT;
CREATE INDEX reversal_sends_conversation ON reversal_sends (conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX reversal_sends_originator ON reversal_sends (daraja_originator_id) WHERE daraja_originator_id IS NOT NULL;
CREATE TRIGGER reversal_sends_ids_once
BEFORE UPDATE ON reversal_sends
WHEN NEW.reversal_id <> OLD.reversal_id OR NEW.send <> OLD.send OR NEW.sent_at <> OLD.sent_at
  OR (OLD.conversation_id IS NOT NULL AND NEW.conversation_id IS NOT OLD.conversation_id)
  OR (OLD.daraja_originator_id IS NOT NULL AND NEW.daraja_originator_id IS NOT OLD.daraja_originator_id)
BEGIN
  SELECT RAISE(ABORT, 'a send of a reversal keeps its ids once known');
END;
CREATE TRIGGER reversal_sends_never_deleted
BEFORE DELETE ON reversal_sends
BEGIN
  SELECT RAISE(ABORT, 'a send of a reversal is never deleted');
END;
`;
