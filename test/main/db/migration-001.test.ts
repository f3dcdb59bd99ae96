// Migration tests follow one pattern (STYLE.md "Database"): migrate to N−1, insert rows the old
// schema allowed, migrate to N, assert the rows and the new rules. 001 starts from an empty file.
import { describe, expect, it } from 'vitest';
import {
  closeDatabase,
  migrateTo,
  migrations,
  openDatabase,
  schemaVersion,
  type Migration,
} from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();

describe('001_initial', () => {
  it('0 → 1: builds the schema from an empty file, and one payroll run can be recorded end to end', () => {
    const db = openDatabase(temp.path('001.sqlite'), { applyMigrations: false });
    expect(migrateTo(db, 0)).toEqual({ from: 0, to: 0, applied: [] });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });

    expect(migrateTo(db, 1)).toEqual({ from: 0, to: 1, applied: ['001_initial'] });
    expect(schemaVersion(db)).toBe(1);

    const owner = db.prepare("INSERT INTO users (name, role) VALUES ('Amina Mwangi', 'owner')").run().lastInsertRowid;
    const worker = db
      .prepare("INSERT INTO workers (name, phone) VALUES ('Juma Hamisi', '254712345678')")
      .run().lastInsertRowid;
    const run = db
      .prepare(
        "INSERT INTO payroll_runs (title, period, state, created_by, approved_by, approved_at) VALUES ('November wages', '2026-11', 'approved', ?, ?, ?)",
      )
      .run(owner, owner, '2026-11-28T07:00:00.000Z').lastInsertRowid;
    const item = db
      .prepare(
        "INSERT INTO payroll_items (run_id, worker_id, name, phone, amount_cents, state) VALUES (?, ?, 'Juma Hamisi', '254712345678', 1500000, 'paying')",
      )
      .run(run, worker).lastInsertRowid;
    const attempt = db
      .prepare(
        "INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id) VALUES (?, 1, 'msh-1-1', '254712345678', 1500000, 'SalaryPayment')",
      )
      .run(item).lastInsertRowid;
    db.prepare("UPDATE payout_attempts SET state = 'succeeded', receipt = 'SG632NMUAB' WHERE id = ?").run(attempt);
    db.prepare(
      "INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, charge_cents, phone, party_name, attempt_id, source) VALUES ('SG632NMUAB', '2026-11-28T07:01:02.000Z', 'out', 'b2c_payment', 'completed', 1500000, 10800, '254712345678', 'JUMA HAMISI', ?, 'b2c_result')",
    ).run(attempt);

    const paid = db
      .prepare(
        'SELECT w.name, t.amount_cents, t.receipt FROM transactions t JOIN payout_attempts a ON a.id = t.attempt_id JOIN payroll_items i ON i.id = a.item_id JOIN workers w ON w.id = i.worker_id',
      )
      .all();
    expect(paid).toEqual([{ name: 'Juma Hamisi', amount_cents: 1500000, receipt: 'SG632NMUAB' }]);
    closeDatabase(db);
  });

  it('the helper carries rows across the next migration (the pattern 002 and later will follow)', () => {
    const next: Migration = { version: 2, name: '002_worker_email', sql: 'ALTER TABLE workers ADD COLUMN email TEXT;' };
    const list = [...migrations.slice(0, 1), next];
    const db = openDatabase(temp.path('pattern.sqlite'), { applyMigrations: false, migrations: list });
    migrateTo(db, 1, list);
    db.prepare("INSERT INTO workers (name, phone) VALUES ('Chebet Rono', '254701000002')").run();
    expect(migrateTo(db, 2, list)).toEqual({ from: 1, to: 2, applied: ['002_worker_email'] });
    expect(db.prepare('SELECT name, phone, email FROM workers').all()).toEqual([
      { name: 'Chebet Rono', phone: '254701000002', email: null },
    ]);
    expect(() => migrateTo(db, 1, list)).toThrow(/migrate down/);
    closeDatabase(db);
  });
});
