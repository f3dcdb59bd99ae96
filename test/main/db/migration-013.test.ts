// 013_refunds: a refund names the received payment and its one-line run; what was asked never
// changes, a refund is never deleted, and its state follows its line, its run and its ledger row.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();
const hash = 'scrypt$N=32768,r=8,p=1$c2FsdA==$a2V5';

describe('013_refunds', () => {
  it('12 → 13: the ledger and runs are untouched; a refund follows its line and its money', () => {
    const db = openDatabase(temp.path('013.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 12);
      db.prepare(
        `INSERT INTO transactions (id, receipt, occurred_at, direction, kind, status, amount_cents, party_display, source)
         VALUES (1, 'QKH94M1Z11', '2026-11-20T09:00:00.000Z', 'in', 'c2b_payment', 'completed', 250000, '2547 ***** 149', 'c2b_confirmation')`,
      ).run();
      db.prepare(
        "INSERT INTO payroll_runs (id, title, command_id) VALUES (1, 'Refund of QKH94M1Z11', 'BusinessPayment')",
      ).run();
      db.prepare(
        "INSERT INTO payroll_items (id, run_id, name, phone, amount_cents) VALUES (1, 1, 'NICHOLAS', '254708374149', 100000)",
      ).run();
      const wanjiru = Number(
        db
          .prepare(
            "INSERT INTO accounts (username, display_name, password_hash, password_set_at) VALUES ('wanjiru', 'Wanjiru', ?, '2026-11-01T00:00:00Z')",
          )
          .run(hash).lastInsertRowid,
      );
      expect(migrateTo(db, 13).applied).toEqual(['013_refunds']);
      expect(db.prepare('SELECT count(*) AS n FROM transactions').get()).toEqual({ n: 1 });

      db.prepare(
        `INSERT INTO refunds (id, transaction_id, amount_cents, phone, phone_evidence, reason, run_id, item_id, asked_by, asked_at, updated_at)
         VALUES (1, 1, 100000, '254708374149', 'masked', 'Wrong order', 1, 1, ?, '2026-11-21T08:00:00Z', '2026-11-21T08:00:00Z')`,
      ).run(wanjiru);
      const state = () => (db.prepare('SELECT state FROM refunds WHERE id = 1').get() as { state: string }).state;
      expect(() => db.prepare("UPDATE refunds SET phone = '254708374148'").run()).toThrow(/keeps what was asked/);
      expect(() => db.prepare('DELETE FROM refunds').run()).toThrow(/never deleted/);
      expect(() =>
        db.prepare("UPDATE refunds SET declined_by = ?, declined_at = 'x', decline_reason = 'y'").run(wanjiru),
      ).toThrow(/CHECK/); // never declined by the one who asked
      db.prepare("UPDATE payroll_runs SET state = 'approved', approved_at = '2026-11-21T08:30:00Z' WHERE id = 1").run();
      expect(state()).toBe('approved');
      db.prepare("UPDATE payroll_runs SET state = 'running' WHERE id = 1").run();
      expect(state()).toBe('sending');
      db.prepare("UPDATE payroll_items SET state = 'failed' WHERE id = 1").run();
      expect(state()).toBe('failed');
      // M-Pesa paid it after all: the ledger's row for its line makes it paid, for good.
      db.prepare(
        `INSERT INTO payout_attempts (id, item_id, attempt_number, originator_conversation_id, state, receipt, phone, amount_cents, command_id)
         VALUES (1, 1, 1, 'oc-1', 'succeeded', 'QKR0000001', '254708374149', 100000, 'BusinessPayment')`,
      ).run();
      db.prepare(
        `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, phone, attempt_id, source)
         VALUES ('QKR0000001', '2026-11-21T09:00:00.000Z', 'out', 'refund', 'completed', 100000, '254708374149', 1, 'b2c_result')`,
      ).run();
      expect(state()).toBe('paid');
      expect(() => db.prepare("UPDATE refunds SET state = 'cancelled'").run()).toThrow(/stays as it is/);
    } finally {
      closeDatabase(db);
    }
  });
});
