// 006_failed_payments: the failed and rejected tries already stored are in the new index, and the
// report's page is read from it in time order, without a sort.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();

describe('006_failed_payments', () => {
  it('5 → 6: indexes the failed tries already stored, and only those', () => {
    const db = openDatabase(temp.path('006.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 5);
      const run = db
        .prepare(
          `INSERT INTO payroll_runs (title, state, approved_at) VALUES ('Run', 'completed', '2026-11-01T00:00:00Z')`,
        )
        .run().lastInsertRowid;
      const states = ['failed', 'rejected', 'succeeded'];
      states.forEach((state, n) => {
        const phone = `25470000000${n}`;
        const item = db
          .prepare(
            `INSERT INTO payroll_items (run_id, name, phone, amount_cents, state) VALUES (?, 'A', ?, 100000, 'failed')`,
          )
          .run(run, phone).lastInsertRowid;
        db.prepare(
          `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, receipt, finished_at)
           VALUES (?, 1, ?, ?, 100000, 'SalaryPayment', ?, ?, ?)`,
        ).run(item, `O-${n}`, phone, state, state === 'succeeded' ? 'R1' : null, `2026-11-0${n + 1}T08:00:00.000Z`);
      });
      expect(migrateTo(db, 6).applied).toEqual(['006_failed_payments']);

      const failedTries = `SELECT a.id, a.state FROM payout_attempts a INDEXED BY payout_attempts_failed_time
        WHERE a.state IN ('failed', 'rejected') ORDER BY a.finished_at DESC, a.id DESC`;
      expect(db.prepare(failedTries).all()).toEqual([
        { id: 2, state: 'rejected' },
        { id: 1, state: 'failed' },
      ]);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${failedTries} LIMIT 100`).all() as Array<{ detail: string }>)
        .map((row) => row.detail)
        .join(' | ');
      expect(plan).toContain('payout_attempts_failed_time');
      expect(plan).not.toContain('TEMP B-TREE');
    } finally {
      closeDatabase(db);
    }
  });
});
