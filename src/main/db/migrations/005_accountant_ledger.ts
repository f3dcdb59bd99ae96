// The ledger as accountants read it. The day totals per Nairobi day (the days people pick), with
// charges as the ledger knows them best: the charge M-Pesa's statement confirmed where there is one
// (confirmed_charges), else the charge on the row; and beside it how much of that is still the
// tariff's estimate, so totals say which is which without a scan. And the payroll behind a payment: its rows found by run (attempt) and by the
// payroll reference of the line that paid them.
export const sql = `
-- A payment's ledger rows by the attempt that paid it, corrections included (the run filter).
CREATE INDEX transactions_attempt ON transactions (attempt_id) WHERE attempt_id IS NOT NULL;

-- The payroll references in use (a line's remarks: 'November salary', 'NOV-0012'): a search looks
-- for its text in these few distinct values, then reads the lines that carry the ones it found.
CREATE TABLE payroll_references (
  reference TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO payroll_references (reference) SELECT DISTINCT remarks FROM payroll_items WHERE remarks IS NOT NULL;
CREATE INDEX payroll_items_reference ON payroll_items (remarks) WHERE remarks IS NOT NULL;
CREATE TRIGGER payroll_references_insert
AFTER INSERT ON payroll_items
WHEN NEW.remarks IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO payroll_references (reference) VALUES (NEW.remarks);
END;
CREATE TRIGGER payroll_references_update
AFTER UPDATE OF remarks ON payroll_items
WHEN NEW.remarks IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO payroll_references (reference) VALUES (NEW.remarks);
END;

-- The day totals are rebuilt per Nairobi day (UTC+3 all year, no daylight saving): every range a
-- person picks is whole Nairobi days, so it is answered from this table without scanning the edges,
-- and the dashboard's payouts per day read it directly.
DROP TRIGGER ledger_day_totals_add;
DROP TABLE ledger_day_totals;
CREATE TABLE ledger_day_totals (
  day           TEXT NOT NULL,       -- Nairobi date of occurred_at, YYYY-MM-DD
  direction     TEXT NOT NULL,
  kind          TEXT NOT NULL,
  status        TEXT NOT NULL,
  count         INTEGER NOT NULL,
  amount_cents  INTEGER NOT NULL,
  charge_cents  INTEGER NOT NULL,    -- best known: the statement's confirmed charge, else the row's
  estimated_charge_cents INTEGER NOT NULL,   -- the part of charge_cents still the tariff's estimate
  PRIMARY KEY (day, direction, kind, status)
) STRICT, WITHOUT ROWID;

INSERT INTO ledger_day_totals (day, direction, kind, status, count, amount_cents, charge_cents, estimated_charge_cents)
SELECT date(t.occurred_at, '+3 hours'), t.direction, t.kind, t.status, count(*), sum(t.amount_cents),
       sum(coalesce(cc.charge_cents, t.charge_cents, 0)),
       sum(CASE WHEN cc.transaction_id IS NULL AND t.charge_basis = 'estimated' THEN coalesce(t.charge_cents, 0) ELSE 0 END)
  FROM transactions t LEFT JOIN confirmed_charges cc ON cc.transaction_id = t.id
 WHERE NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)
 GROUP BY 1, 2, 3, 4;

CREATE TRIGGER ledger_day_totals_add
AFTER INSERT ON transactions
BEGIN
  INSERT INTO ledger_day_totals (day, direction, kind, status, count, amount_cents, charge_cents, estimated_charge_cents)
  VALUES (date(NEW.occurred_at, '+3 hours'), NEW.direction, NEW.kind, NEW.status, 1, NEW.amount_cents, coalesce(NEW.charge_cents, 0),
          CASE WHEN NEW.charge_basis = 'estimated' THEN coalesce(NEW.charge_cents, 0) ELSE 0 END)
  ON CONFLICT (day, direction, kind, status) DO UPDATE SET
    count = count + 1,
    amount_cents = amount_cents + excluded.amount_cents,
    charge_cents = charge_cents + excluded.charge_cents,
    estimated_charge_cents = estimated_charge_cents + excluded.estimated_charge_cents;
  -- A correction takes the row it corrects out of the totals, with the charge that row counted.
  UPDATE ledger_day_totals SET
    count = count - 1,
    amount_cents = amount_cents - (SELECT amount_cents FROM transactions WHERE id = NEW.corrects_id),
    charge_cents = charge_cents - (SELECT coalesce(cc.charge_cents, o.charge_cents, 0)
                                     FROM transactions o LEFT JOIN confirmed_charges cc ON cc.transaction_id = o.id
                                    WHERE o.id = NEW.corrects_id),
    estimated_charge_cents = estimated_charge_cents -
      (SELECT CASE WHEN cc.transaction_id IS NULL AND o.charge_basis = 'estimated' THEN coalesce(o.charge_cents, 0) ELSE 0 END
         FROM transactions o LEFT JOIN confirmed_charges cc ON cc.transaction_id = o.id
        WHERE o.id = NEW.corrects_id)
   WHERE NEW.corrects_id IS NOT NULL
     AND (day, direction, kind, status) =
         (SELECT date(occurred_at, '+3 hours'), direction, kind, status FROM transactions WHERE id = NEW.corrects_id);
END;

-- The statement confirms a row's charge: the confirmed figure replaces the row's in the totals.
CREATE TRIGGER ledger_day_totals_confirmed_charge
AFTER INSERT ON confirmed_charges
BEGIN
  UPDATE ledger_day_totals SET
    charge_cents = charge_cents + NEW.charge_cents - (SELECT coalesce(charge_cents, 0) FROM transactions WHERE id = NEW.transaction_id),
    estimated_charge_cents = estimated_charge_cents -
      (SELECT CASE WHEN charge_basis = 'estimated' THEN coalesce(charge_cents, 0) ELSE 0 END FROM transactions WHERE id = NEW.transaction_id)
   WHERE NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = NEW.transaction_id)
     AND (day, direction, kind, status) =
         (SELECT date(occurred_at, '+3 hours'), direction, kind, status FROM transactions WHERE id = NEW.transaction_id);
END;
`;
