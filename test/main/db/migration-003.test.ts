// 003_reconciliation: statement rows are kept once and never rewritten, and a reconciled row is locked.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();

describe('003_reconciliation', () => {
  it('2 → 3: keeps the ledger, stores a receipt once, and refuses changes to a locked row', () => {
    const db = openDatabase(temp.path('003.sqlite'), { applyMigrations: false });
    migrateTo(db, 2);
    const paid = db
      .prepare(
        "INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, charge_cents, source) VALUES ('SG632NMUAB', '2026-11-28T07:01:02.000Z', 'out', 'b2c_payment', 'completed', 1500000, 10800, 'b2c_result')",
      )
      .run().lastInsertRowid;
    expect(migrateTo(db, 3).applied).toEqual(['003_reconciliation']);
    expect(db.prepare('SELECT receipt, amount_cents, charge_cents, charge_basis FROM transactions').all()).toEqual([
      { receipt: 'SG632NMUAB', amount_cents: 1500000, charge_cents: 10800, charge_basis: null },
    ]);

    const imported = db
      .prepare(
        "INSERT INTO statement_imports (file_name, file_sha256, account, rows_read, rows_new, problems, gaps, imported_by, imported_at) VALUES ('s.csv', ?, 'Utility Account', 1, 1, '[]', '[]', 'a', '2026-12-01T00:00:00.000Z')",
      )
      .run('a'.repeat(64)).lastInsertRowid;
    const row = (entry: string) =>
      db
        .prepare(
          "INSERT INTO statement_rows (account, receipt, entry, completed_at, details, status, paid_in_cents, withdrawn_cents, import_id, line) VALUES ('Utility Account', 'SG632NMUAB', ?, '2026-11-28T07:01:00.000Z', 'x', 'Completed', 0, 1500000, ?, 2)",
        )
        .run(entry, imported);
    const rowId = row('money').lastInsertRowid;
    expect(() => row('money')).toThrow(/UNIQUE/);
    expect(() => db.prepare('UPDATE statement_rows SET withdrawn_cents = 1 WHERE id = ?').run(rowId)).toThrow(
      /keeps what M-Pesa printed/,
    );
    expect(() => db.prepare('DELETE FROM statement_rows WHERE id = ?').run(rowId)).toThrow(/never deleted/);

    const rec = db
      .prepare(
        "INSERT INTO reconciliations (account, period, period_from, period_to, opening_balance_cents, closing_balance_cents, started_at) VALUES ('Utility Account', '2026-11', 'a', 'b', 0, 0, 'c')",
      )
      .run().lastInsertRowid;
    db.prepare(
      "INSERT INTO statement_matches (statement_row_id, bucket, transaction_id, ticked, reconciliation_id, updated_at) VALUES (?, 'matched', ?, 1, ?, 'now')",
    ).run(rowId, paid, rec);
    expect(() =>
      db.prepare("UPDATE statement_matches SET bucket = 'difference' WHERE statement_row_id = ?").run(rowId),
    ).toThrow(/reconciled and locked/);
    expect(() => db.prepare('DELETE FROM statement_matches WHERE statement_row_id = ?').run(rowId)).toThrow(
      /reconciled and locked/,
    );
    closeDatabase(db);
  });
});
