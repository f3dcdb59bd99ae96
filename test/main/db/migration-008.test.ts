// 008_run_approvals: approvals bound to what the approver saw, and the maker kept on the run.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();
const hash = 'scrypt$N=32768,r=8,p=1$c2FsdA==$a2V5';
const seen = 'ab'.repeat(32);

describe('008_run_approvals', () => {
  it('7 → 8: old runs keep going with no maker; approvals are never deleted and a void is final', () => {
    const db = openDatabase(temp.path('008.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 7);
      db.prepare(
        "INSERT INTO payroll_runs (id, title, state, approved_at) VALUES (1, 'October wages', 'completed', '2026-10-28T07:00:00Z')",
      ).run();
      db.prepare("INSERT INTO payroll_runs (id, title) VALUES (2, 'November wages')").run();
      const account = db.prepare(
        "INSERT INTO accounts (username, display_name, password_hash, password_set_at) VALUES (?, ?, ?, '2026-11-01T00:00:00Z')",
      );
      const amina = Number(account.run('amina', 'Amina Mwangi', hash).lastInsertRowid);
      const baraka = Number(account.run('baraka', 'Baraka Mwita', hash).lastInsertRowid);
      expect(migrateTo(db, 8).applied).toEqual(['008_run_approvals']);

      expect(db.prepare('SELECT id, state, maker_account_id FROM payroll_runs ORDER BY id').all()).toEqual([
        { id: 1, state: 'completed', maker_account_id: null },
        { id: 2, state: 'draft', maker_account_id: null },
      ]);
      db.prepare('UPDATE payroll_runs SET maker_account_id = ? WHERE id = 2').run(amina);
      expect(() => db.prepare('UPDATE payroll_runs SET maker_account_id = ? WHERE id = 2').run(baraka)).toThrow(
        /keeps its maker/,
      );

      const approve = db.prepare(
        `INSERT INTO run_approvals (run_id, approver_account_id, approved_at, total_cents, item_count, items_sha256)
         VALUES (2, ?, '2026-11-28T07:00:00Z', 4350000, 2, ?)`,
      );
      const id = approve.run(baraka, seen).lastInsertRowid;
      expect(() => approve.run(baraka, seen)).toThrow(/UNIQUE/);
      expect(() => approve.run(amina, 'not a hash')).toThrow(/CHECK/);
      expect(() => db.prepare('UPDATE run_approvals SET total_cents = 1 WHERE id = ?').run(id)).toThrow(
        /keeps who approved/,
      );
      expect(() =>
        db.prepare("UPDATE run_approvals SET voided_at = '2026-11-28T08:00:00Z' WHERE id = ?").run(id),
      ).toThrow(/CHECK/);
      db.prepare(
        "UPDATE run_approvals SET voided_at = '2026-11-28T08:00:00Z', void_reason = 'the run changed' WHERE id = ?",
      ).run(id);
      expect(() =>
        db.prepare('UPDATE run_approvals SET voided_at = NULL, void_reason = NULL WHERE id = ?').run(id),
      ).toThrow(/stays voided/);
      expect(() => db.prepare('DELETE FROM run_approvals WHERE id = ?').run(id)).toThrow(/never deleted/);
      approve.run(baraka, seen); // a fresh approval once the earlier one is void
      expect(db.prepare('SELECT count(*) AS n FROM run_approvals').get()).toEqual({ n: 2 });
    } finally {
      closeDatabase(db);
    }
  });
});
