// 016_reversal_sends: every send of a reversal keeps the ids Daraja gave it, once; a send is
// numbered once per reversal and never removed.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();

describe('016_reversal_sends', () => {
  it('15 → 16: a reversal made before keeps its ids; each send keeps its own once', () => {
    const db = openDatabase(temp.path('016.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 15);
      const original = Number(
        db
          .prepare(
            `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, source)
             VALUES ('SKC82PACB8', '2026-11-30T08:00:00.000Z', 'in', 'c2b_payment', 'completed', 250000, 'c2b_confirmation')`,
          )
          .run().lastInsertRowid,
      );
      db.prepare(
        `INSERT INTO reversals (transaction_id, original_receipt, amount_cents, reason, state, originator_conversation_id,
           conversation_id, daraja_originator_id, sends)
         VALUES (?, 'SKC82PACB8', 250000, 'Wrong business', 'accepted', 'MSHR-aa', 'AG_1', 'd-1', 1)`,
      ).run(original);
      expect(migrateTo(db, 16).applied).toEqual(['016_reversal_sends']);
      expect(db.prepare('SELECT conversation_id, daraja_originator_id FROM reversals').get()).toEqual({
        conversation_id: 'AG_1',
        daraja_originator_id: 'd-1',
      });
      const send = db.prepare("INSERT INTO reversal_sends (reversal_id, send, sent_at) VALUES (1, ?, 'now')");
      send.run(2);
      expect(() => send.run(2)).toThrow(/UNIQUE/);
      expect(() => send.run(0)).toThrow(/CHECK/);
      const ids = db.prepare('UPDATE reversal_sends SET conversation_id = ?, daraja_originator_id = ? WHERE send = 2');
      ids.run('AG_2', 'd-2');
      expect(() => ids.run('AG_3', 'd-3')).toThrow(/keeps its ids once known/);
      expect(() => db.prepare('DELETE FROM reversal_sends').run()).toThrow(/never deleted/);
      expect(db.prepare('SELECT conversation_id, daraja_originator_id FROM reversal_sends').get()).toEqual({
        conversation_id: 'AG_2',
        daraja_originator_id: 'd-2',
      });
    } finally {
      closeDatabase(db);
    }
  });
});
