// 007_accounts: local accounts and their roles, next to (not in) the first schema's unused users table.
import { describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();
const hash = 'scrypt$N=32768,r=8,p=1$c2FsdA==$a2V5';

describe('007_accounts', () => {
  it('6 → 7: keeps what was there and adds accounts that are never deleted', () => {
    const db = openDatabase(temp.path('007.sqlite'), { applyMigrations: false });
    try {
      migrateTo(db, 6);
      db.prepare("INSERT INTO users (name, role) VALUES ('Amina', 'owner')").run();
      db.prepare("INSERT INTO settings (key, value) VALUES ('amount_limits', '{\"minCents\":1000}')").run();
      expect(migrateTo(db, 7).applied).toEqual(['007_accounts']);

      expect(db.prepare('SELECT name, role FROM users').all()).toEqual([{ name: 'Amina', role: 'owner' }]);
      expect(db.prepare("SELECT value FROM settings WHERE key = 'amount_limits'").get()).toEqual({
        value: '{"minCents":1000}',
      });

      const insert = db.prepare(
        "INSERT INTO accounts (username, display_name, password_hash, password_set_at) VALUES (?, ?, ?, '2026-11-01T00:00:00Z')",
      );
      const id = insert.run('amina', 'Amina Wanjiru', hash).lastInsertRowid;
      // One account per name whatever its case; names are plain, hashes are scrypt.
      expect(() => insert.run('AMINA', 'Someone else', hash)).toThrow(/UNIQUE/);
      expect(() => insert.run('amina wanjiru', 'Spaces', hash)).toThrow(/CHECK/);
      expect(() => insert.run('baraka', 'Plain text', 'hunter2hunter2')).toThrow(/CHECK/);

      db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'approver')").run(id);
      expect(() => db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'owner')").run(id)).toThrow(
        /CHECK/,
      );
      expect(() => db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'approver')").run(id)).toThrow(
        /UNIQUE|PRIMARY/,
      );
      expect(() => db.prepare('DELETE FROM accounts WHERE id = ?').run(id)).toThrow(/never deleted/);
      expect(() => db.prepare("UPDATE accounts SET username = 'amina2' WHERE id = ?").run(id)).toThrow(
        /keeps its username/,
      );
      expect(db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 1 });
    } finally {
      closeDatabase(db);
    }
  });
});
