// A small ledger and one failed payout attempt, for the statement fixtures to be matched against.
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';

/** `peter`: how Mshahara recorded Peter's payment: failed, or no answer and waiting on a person. */
export function seededLedger(file: string, peter: 'failed' | 'unknown' = 'failed'): ProfileDatabase {
  const db = openDatabase(file);
  const add = db.prepare(
    `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, phone, party_name, source)
     VALUES (?, ?, ?, ?, 'completed', ?, ?, ?, 'b2c_result')`,
  );
  add.run('SLA1000001', '2026-12-01T05:00:05.000Z', 'out', 'b2c_payment', 150000, '254708374149', 'JOHN KAMAU');
  add.run('SLA1000002', '2026-12-01T05:01:00.000Z', 'out', 'b2c_payment', 250000, '254708374150', 'GRACE WANJIRU');
  add.run('SLA1000009', '2026-12-01T06:00:00.000Z', 'out', 'b2c_payment', 50000, '254708374151', 'JOSEPH MUTUA');
  add.run('SLB2000001', '2026-11-03T06:00:00.000Z', 'out', 'b2c_payment', 150000, '254722000001', 'ALICE CHEBET');
  add.run('SLB2000002', '2026-11-03T07:00:00.000Z', 'in', 'c2b_payment', 25000, '254733000002', 'BEN MUTUA');
  add.run('SLC3000001', '2026-11-05T07:10:00.000Z', 'out', 'b2c_payment', 70000, '254744000003', 'DAVID OMONDI');
  // Peter's payment failed, says Mshahara; the statement will say M-Pesa paid him.
  const run = db
    .prepare(
      "INSERT INTO payroll_runs (title, state, approved_at) VALUES ('December wages', 'running', '2026-12-01T05:00:00.000Z')",
    )
    .run().lastInsertRowid;
  const item = db
    .prepare(
      "INSERT INTO payroll_items (run_id, name, phone, amount_cents, state) VALUES (?, 'Peter Otieno', '254711000222', 100000, ?)",
    )
    .run(run, peter === 'failed' ? 'failed' : 'paying').lastInsertRowid;
  db.prepare(
    `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, sent_at, needs_attention)
     VALUES (?, 1, 'msh-peter-1', '254711000222', 100000, 'SalaryPayment', ?, '2026-12-01T06:29:50.000Z', ?)`,
  ).run(item, peter, peter === 'unknown' ? 1 : 0);
  return db;
}

export { closeDatabase };
