// 010_worker_changes: a change of number waits as pending, one per worker, is never deleted, and
// once decided stays decided.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();

describe('010_worker_changes', () => {
  it('9 → 10: workers keep their numbers; changes are kept, one pending per worker, decided for good', () => {
    const db = openDatabase(temp.path('010.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 9);
      db.prepare("INSERT INTO workers (id, name, phone) VALUES (1, 'Akinyi Otieno', '254712345678')").run();
      expect(migrateTo(db, 10).applied).toEqual(['010_worker_changes']);
      expect(db.prepare('SELECT phone FROM workers WHERE id = 1').get()).toEqual({ phone: '254712345678' });

      const change = db.prepare(
        `INSERT INTO worker_phone_changes (worker_id, old_phone, new_phone, changed_by, changed_at)
         VALUES (1, ?, ?, 'amina', '2026-11-28T07:00:00Z')`,
      );
      const id = change.run('254712345678', '254722000111').lastInsertRowid;
      expect(() => change.run('254712345678', '254711000999')).toThrow(/UNIQUE/);
      expect(() => change.run('254712345678', '254712345678')).toThrow(/CHECK/);
      expect(() => change.run('254712345678', '0722000111')).toThrow(/CHECK/);
      expect(() => db.prepare('DELETE FROM worker_phone_changes WHERE id = ?').run(id)).toThrow(/never deleted/);
      expect(() =>
        db.prepare("UPDATE worker_phone_changes SET new_phone = '254733000111' WHERE id = ?").run(id),
      ).toThrow(/keeps who asked/);
      expect(() => db.prepare("UPDATE worker_phone_changes SET status = 'approved' WHERE id = ?").run(id)).toThrow(
        /CHECK/,
      );
      db.prepare(
        "UPDATE worker_phone_changes SET status = 'rejected', decided_by = 'baraka', decided_at = '2026-11-28T08:00:00Z' WHERE id = ?",
      ).run(id);
      expect(() => db.prepare("UPDATE worker_phone_changes SET status = 'approved' WHERE id = ?").run(id)).toThrow(
        /stays decided/,
      );
      change.run('254712345678', '254711000999'); // a new pending change once the first is decided
      expect(db.prepare('SELECT status FROM worker_phone_changes ORDER BY id').all()).toEqual([
        { status: 'rejected' },
        { status: 'pending' },
      ]);
    } finally {
      closeDatabase(db);
    }
  });
});
