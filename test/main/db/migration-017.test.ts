// 017_collection_attention: a payment request made before keeps everything it had, with nothing
// for a person to look at; the words a late payment leaves are kept on the request.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();

describe('017_collection_attention', () => {
  it('16 → 17: a request made before keeps its state and has nothing to look at', () => {
    const db = openDatabase(temp.path('017.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 16);
      db.prepare(
        `INSERT INTO collection_requests (phone, amount_cents, account_reference, description, asked_by, asked_at, state, note, updated_at)
         VALUES ('254708374141', 15000, 'INV-1', 'INV-1', 'wanjiru', '2026-12-01T10:00:00Z', 'declined', 'The customer cancelled the prompt.', '2026-12-01T10:00:00Z')`,
      ).run();
      expect(migrateTo(db, 17).applied).toEqual(['017_collection_attention']);
      expect(db.prepare('SELECT state, note, attention FROM collection_requests').get()).toEqual({
        state: 'declined',
        note: 'The customer cancelled the prompt.',
        attention: null,
      });
      db.prepare(`UPDATE collection_requests SET state = 'paid', attention = 'M-Pesa said declined, then paid'`).run();
      expect(db.prepare('SELECT attention FROM collection_requests').get()).toEqual({
        attention: 'M-Pesa said declined, then paid',
      });
      expect(() => db.prepare('DELETE FROM collection_requests').run()).toThrow(/never deleted/);
      // One receipt pays one request at most, whichever door writes it.
      const insert = db.prepare(
        `INSERT INTO collection_requests (phone, amount_cents, account_reference, description, asked_by, asked_at, state, receipt, updated_at)
         VALUES ('254708374141', 15000, 'INV-2', 'INV-2', 'wanjiru', '2026-12-01T10:00:00Z', 'paid', ?, '2026-12-01T10:00:00Z')`,
      );
      insert.run('TL1ONCE001');
      expect(() => insert.run('TL1ONCE001')).toThrow(/UNIQUE/);
      insert.run(null);
      insert.run(null);
    } finally {
      closeDatabase(db);
    }
  });
});
