import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  DatabaseFromFutureError,
  EditedMigrationError,
  MigrationFailedError,
  MigrationHistoryError,
  closeDatabase,
  migrate,
  migrations,
  openDatabase,
  schemaVersion,
  type Migration,
} from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();
const fileSha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const tableNames = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (t) => t.name,
  );

const next = migrations.length + 1;
const addWorkerEmail: Migration = {
  version: next,
  name: 'next_worker_email',
  sql: 'ALTER TABLE workers ADD COLUMN email TEXT;',
};

describe('migrations', () => {
  it('refuses a database whose applied migration was edited afterwards, and changes nothing', () => {
    const file = temp.path('edited.sqlite');
    closeDatabase(openDatabase(file));
    const [first] = migrations;
    if (first === undefined) throw new Error('no migrations');
    const edited: Migration[] = [
      { ...first, sql: first.sql.replace('CREATE TABLE workers', 'CREATE TABLE  workers') },
      ...migrations.slice(1),
      addWorkerEmail,
    ];

    expect(() => openDatabase(file, { migrations: edited })).toThrow(EditedMigrationError);
    const raw = new Database(file, { readonly: true });
    expect(schemaVersion(raw)).toBe(migrations.length);
    // The pending migration was not applied either.
    expect((raw.prepare('PRAGMA table_info(workers)').all() as { name: string }[]).map((c) => c.name)).not.toContain(
      'email',
    );
    raw.close();
  });

  it('refuses a database from a newer Mshahara without touching the file (WAL file)', () => {
    const file = temp.path('future-wal.sqlite');
    const db = openDatabase(file);
    db.prepare('INSERT INTO workers (name, phone) VALUES (?, ?)').run('Otieno Odhiambo', '254722000111');
    db.pragma(`user_version = ${next}`);
    closeDatabase(db);
    const before = fileSha256(file);

    const error = (() => {
      try {
        openDatabase(file);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DatabaseFromFutureError);
    expect(error).toMatchObject({
      fileVersion: next,
      appVersion: migrations.length,
      kind: 'conflict',
      code: 'db_from_future',
    });
    expect(fileSha256(file)).toBe(before);
    expect(existsSync(file)).toBe(true);
  });

  it('refuses a newer database before switching it to WAL (rollback-journal file stays byte for byte)', () => {
    const file = temp.path('future-delete.sqlite');
    const raw = new Database(file);
    raw.exec('CREATE TABLE from_the_future (x INTEGER); INSERT INTO from_the_future VALUES (1);');
    raw.pragma('user_version = 42');
    raw.close();
    const before = fileSha256(file);

    expect(() => openDatabase(file)).toThrow(DatabaseFromFutureError);
    expect(fileSha256(file)).toBe(before);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('applies all pending migrations in one transaction: a failing one leaves the file at its old version', () => {
    const file = temp.path('failing.sqlite');
    const broken: Migration = {
      version: next + 1,
      name: 'after_next_broken',
      sql: 'CREATE TABLE payslips (id INTEGER); INSERT INTO no_such_table VALUES (1);',
    };
    const error = (() => {
      try {
        openDatabase(file, { migrations: [...migrations, addWorkerEmail, broken] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as Error).message).toMatch(/after_next_broken.*no such table/);

    const raw = new Database(file, { readonly: true });
    expect(schemaVersion(raw)).toBe(0);
    expect(tableNames(raw)).toEqual([]); // not even 001's tables: one transaction for the lot
    raw.close();
  });

  it('refuses a database whose record of migrations disagrees with its version', () => {
    const file = temp.path('history.sqlite');
    closeDatabase(openDatabase(file));
    const raw = new Database(file);
    raw.exec('DELETE FROM schema_migrations');
    raw.close();
    expect(() => openDatabase(file)).toThrow(MigrationHistoryError);
  });

  it('refuses a database that records more migrations than its version says', () => {
    const file = temp.path('recorded-future.sqlite');
    closeDatabase(openDatabase(file, { migrations: [...migrations, addWorkerEmail] }));
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length}`); // someone "repaired" the version by hand
    raw.close();
    expect(() => openDatabase(file)).toThrow(MigrationHistoryError);
  });

  it('runs with foreign keys off but refuses to commit rows that break them', () => {
    const file = temp.path('fk.sqlite');
    const orphan: Migration = {
      version: next,
      name: 'next_orphan',
      sql: "INSERT INTO payroll_items (run_id, name, phone, amount_cents) VALUES (404, 'Kiprono', '254711222333', 500000);",
    };
    expect(() => openDatabase(file, { migrations: [...migrations, orphan] })).toThrow(MigrationFailedError);
    const db = openDatabase(file); // the app's own list still opens it, at its own version
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.prepare('SELECT count(*) AS n FROM payroll_items').get()).toEqual({ n: 0 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    closeDatabase(db);
  });

  it('migrate() on an up-to-date database applies nothing', () => {
    const db = openDatabase(temp.path('noop.sqlite'));
    expect(migrate(db)).toEqual({ from: migrations.length, to: migrations.length, applied: [] });
    closeDatabase(db);
  });
});
