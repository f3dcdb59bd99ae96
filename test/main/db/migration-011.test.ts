// 011_retry_requests: a retry is asked for by one person and approved by another; a request is
// never deleted, one per run is open at a time, and a closed request stays as it was.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();
const hash = 'scrypt$N=32768,r=8,p=1$c2FsdA==$a2V5';

describe('011_retry_requests', () => {
  it('10 → 11: runs are untouched; requests keep who asked apart from who approved', () => {
    const db = openDatabase(temp.path('011.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 10);
      db.prepare(
        "INSERT INTO payroll_runs (id, title, state, approved_at) VALUES (1, 'November wages', 'completed', '2026-11-28T07:00:00Z')",
      ).run();
      const account = db.prepare(
        "INSERT INTO accounts (username, display_name, password_hash, password_set_at) VALUES (?, ?, ?, '2026-11-01T00:00:00Z')",
      );
      const amina = Number(account.run('amina', 'Amina Mwangi', hash).lastInsertRowid);
      const baraka = Number(account.run('baraka', 'Baraka Mwita', hash).lastInsertRowid);
      expect(migrateTo(db, 11).applied).toEqual(['011_retry_requests']);
      expect(db.prepare('SELECT id, state FROM payroll_runs').all()).toEqual([{ id: 1, state: 'completed' }]);

      const ask = db.prepare(
        `INSERT INTO retry_requests (run_id, requested_by, requested_at, item_ids, item_count, amount_cents)
         VALUES (1, ?, '2026-11-30T08:00:00Z', '[3,4]', 2, 200000)`,
      );
      const id = ask.run(amina).lastInsertRowid;
      expect(() => ask.run(amina)).toThrow(/UNIQUE/); // one open request per run
      const approve = db.prepare(
        "UPDATE retry_requests SET approved_by = ?, approved_at = '2026-11-30T09:00:00Z', queued = 2 WHERE id = ?",
      );
      expect(() => approve.run(amina, id)).toThrow(/CHECK/); // never by the one who asked
      approve.run(baraka, id);
      expect(() => db.prepare('UPDATE retry_requests SET queued = 0 WHERE id = ?').run(id)).toThrow(/stays as it is/);
      expect(() => db.prepare('DELETE FROM retry_requests').run()).toThrow(/never deleted/);
      // Approved, it is no longer open: the next request may be made.
      ask.run(amina);
      expect(() =>
        db
          .prepare(
            "INSERT INTO retry_requests (run_id, requested_by, requested_at, item_ids, item_count, amount_cents) VALUES (1, ?, 'x', '[]', 1, 1)",
          )
          .run(amina),
      ).toThrow(/CHECK/);
    } finally {
      closeDatabase(db);
    }
  });
});
