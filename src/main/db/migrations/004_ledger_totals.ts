// Totals of the ledger per UTC day, direction, kind and status, kept by a trigger as rows are
// appended, so the ledger's totals on a long history are a sum over days rather than a scan of
// every row. A corrected row leaves the totals when its correction arrives (the correction counts
// in its place), as the ledger's own queries do.
export const sql = `
CREATE TABLE ledger_day_totals (
  day           TEXT NOT NULL,       -- UTC date of occurred_at, YYYY-MM-DD
  direction     TEXT NOT NULL,
  kind          TEXT NOT NULL,
  status        TEXT NOT NULL,
  count         INTEGER NOT NULL,
  amount_cents  INTEGER NOT NULL,
  charge_cents  INTEGER NOT NULL,
  PRIMARY KEY (day, direction, kind, status)
) STRICT, WITHOUT ROWID;

INSERT INTO ledger_day_totals (day, direction, kind, status, count, amount_cents, charge_cents)
SELECT substr(t.occurred_at, 1, 10), t.direction, t.kind, t.status, count(*), sum(t.amount_cents), sum(coalesce(t.charge_cents, 0))
  FROM transactions t
 WHERE NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)
 GROUP BY 1, 2, 3, 4;

CREATE TRIGGER ledger_day_totals_add
AFTER INSERT ON transactions
BEGIN
  INSERT INTO ledger_day_totals (day, direction, kind, status, count, amount_cents, charge_cents)
  VALUES (substr(NEW.occurred_at, 1, 10), NEW.direction, NEW.kind, NEW.status, 1, NEW.amount_cents, coalesce(NEW.charge_cents, 0))
  ON CONFLICT (day, direction, kind, status) DO UPDATE SET
    count = count + 1,
    amount_cents = amount_cents + excluded.amount_cents,
    charge_cents = charge_cents + excluded.charge_cents;
  UPDATE ledger_day_totals SET
    count = count - 1,
    amount_cents = amount_cents - (SELECT amount_cents FROM transactions WHERE id = NEW.corrects_id),
    charge_cents = charge_cents - (SELECT coalesce(charge_cents, 0) FROM transactions WHERE id = NEW.corrects_id)
   WHERE NEW.corrects_id IS NOT NULL
     AND (day, direction, kind, status) =
         (SELECT substr(occurred_at, 1, 10), direction, kind, status FROM transactions WHERE id = NEW.corrects_id);
END;
`;
