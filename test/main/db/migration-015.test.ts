// 015_reversals: a reversal keeps who asked and the approvals of others; an original is reversed
// once, linked to its reversal's ledger row once, and never un-reversed; approvals are kept.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();
const hash = 'scrypt$N=32768,r=8,p=1$c2FsdA==$a2V5';

describe('015_reversals', () => {
  it('14 → 15: a reversal made before keeps its state; approvals and reversed originals hold their rules', () => {
    const db = openDatabase(temp.path('015.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 14);
      const ledger = db.prepare(
        `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, source)
         VALUES (?, '2026-11-30T08:00:00.000Z', ?, ?, 'completed', 250000, ?)`,
      );
      const original = Number(ledger.run('SKC82PACB8', 'in', 'c2b_payment', 'c2b_confirmation').lastInsertRowid);
      db.prepare(
        `INSERT INTO reversals (transaction_id, original_receipt, amount_cents, reason, state) VALUES (?, 'SKC82PACB8', 250000, 'Wrong business', 'draft')`,
      ).run(original);
      const account = db.prepare(
        "INSERT INTO accounts (username, display_name, password_hash, password_set_at) VALUES (?, ?, ?, '2026-11-01T00:00:00Z')",
      );
      const baraka = Number(account.run('baraka', 'Baraka Mwita', hash).lastInsertRowid);
      expect(migrateTo(db, 15).applied).toEqual(['015_reversals']);
      expect(db.prepare('SELECT state, sends, already_reversed, needs_attention FROM reversals').get()).toEqual({
        state: 'draft',
        sends: 0,
        already_reversed: 0,
        needs_attention: 0,
      });

      const approve = db.prepare(
        "INSERT INTO reversal_approvals (reversal_id, approver_account_id, approved_at) VALUES (1, ?, '2026-11-30T09:00:00Z')",
      );
      approve.run(baraka);
      expect(() => approve.run(baraka)).toThrow(/UNIQUE/);
      expect(() => db.prepare('DELETE FROM reversal_approvals').run()).toThrow(/never deleted/);
      expect(() => db.prepare("UPDATE reversal_approvals SET approved_at = 'x'").run()).toThrow(/keeps who approved/);

      const reversal = Number(ledger.run('SKE52PAWR9', 'out', 'reversal', 'reversal_result').lastInsertRowid);
      db.prepare(
        "INSERT INTO reversed_originals (original_id, reversal_transaction_id, reversal_id, via, recorded_at) VALUES (?, NULL, 1, 'already_reversed', 'now')",
      ).run(original);
      // The statement shows its receipt: linked once, never again, never removed.
      const link = db.prepare('UPDATE reversed_originals SET reversal_transaction_id = ? WHERE original_id = ?');
      link.run(reversal, original);
      expect(() => link.run(original, original)).toThrow(/linked to its reversal once/);
      expect(() => db.prepare('DELETE FROM reversed_originals').run()).toThrow(/stays reversed/);
      expect(() =>
        db
          .prepare("INSERT INTO reversed_originals (original_id, via, recorded_at) VALUES (?, 'portal', 'now')")
          .run(original),
      ).toThrow(/UNIQUE|PRIMARY/);
    } finally {
      closeDatabase(db);
    }
  });
});
