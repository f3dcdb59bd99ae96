import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, migrationSha256, migrations, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { tempFolder } from './temp-folder';

const temp = tempFolder();
const opened: ProfileDatabase[] = [];
const open = (...args: Parameters<typeof openDatabase>): ProfileDatabase => {
  const db = openDatabase(...args);
  opened.push(db);
  return db;
};
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
  delete process.env.MSHAHARA_SQLITE_BINDING;
});

const nodeBinding = join(
  dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
);

describe('openDatabase', () => {
  it('sets WAL, synchronous=FULL, foreign keys and the busy timeout every time', () => {
    const file = temp.path('pragmas.sqlite');
    for (const busyTimeoutMs of [undefined, 1234]) {
      const db = open(file, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(busyTimeoutMs ?? 5000);
      closeDatabase(db);
    }
  });

  it('migrates an empty file to the latest schema and records each migration with its sha256', () => {
    const db = open(temp.path('fresh.sqlite'));
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const recorded = db.prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version').all();
    expect(recorded).toEqual(migrations.map((m) => ({ version: m.version, name: m.name, sha256: migrationSha256(m) })));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
    for (const table of [
      'workers',
      'payroll_runs',
      'payroll_items',
      'payout_attempts',
      'transactions',
      'inbox',
      'balance_snapshots',
      'reversals',
      'users',
      'audit_log',
      'settings',
      'relay_cursor',
    ]) {
      expect(tables).toContain(table);
    }
    // Foreign keys are back on after the upgrade, which runs with them off.
    expect(() =>
      db
        .prepare('INSERT INTO payroll_items (run_id, name, phone, amount_cents) VALUES (999, ?, ?, 100000)')
        .run('Achieng', '254712345678'),
    ).toThrow(/FOREIGN KEY/);
  });

  it('reopening keeps the data and applies nothing twice', () => {
    const file = temp.path('reopen.sqlite');
    const first = open(file);
    first.prepare('INSERT INTO workers (name, phone) VALUES (?, ?)').run('Wanjiru Kamau', '254712345678');
    closeDatabase(first);
    const second = open(file);
    expect(second.prepare('SELECT name FROM workers').all()).toEqual([{ name: 'Wanjiru Kamau' }]);
    expect(second.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: migrations.length });
  });

  it('closeDatabase closes the connection and may be called twice', () => {
    const db = openDatabase(temp.path('close.sqlite'));
    closeDatabase(db);
    expect(db.open).toBe(false);
    expect(() => closeDatabase(db)).not.toThrow();
  });

  it('loads the native binding named by the option, or else by MSHAHARA_SQLITE_BINDING', () => {
    const db = open(temp.path('binding.sqlite'), { nativeBinding: nodeBinding });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);

    const missing = join(dirname(nodeBinding), 'no-such-binding.node');
    expect(() => openDatabase(temp.path('bad-option.sqlite'), { nativeBinding: missing })).toThrow();

    process.env.MSHAHARA_SQLITE_BINDING = missing;
    expect(() => openDatabase(temp.path('bad-env.sqlite'))).toThrow();
    // The option wins over the environment.
    const viaOption = open(temp.path('option-wins.sqlite'), { nativeBinding: nodeBinding });
    expect(viaOption.open).toBe(true);
  });
});
