// Brings a profile database to a schema version: all pending migrations in ONE transaction,
// tracked by PRAGMA user_version and, per migration, the sha256 of its text in schema_migrations.
// It refuses (never repairs) a database from a newer app, an edited migration, or a broken record.
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { InternalError } from '../../shared/errors';
import { logger } from '../log';
import { DatabaseFromFutureError, EditedMigrationError, MigrationFailedError, MigrationHistoryError } from './errors';
import { migrations as appMigrations, type Migration } from './migrations';

type Db = BetterSqlite3.Database;

interface AppliedMigration {
  version: number;
  name: string;
  sha256: string;
  applied_at: string;
}

export interface MigrationOutcome {
  from: number;
  to: number;
  applied: string[];
}

const log = logger('db');

export function migrationSha256(migration: Migration): string {
  return createHash('sha256').update(migration.sql, 'utf8').digest('hex');
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function latestVersion(list: readonly Migration[] = appMigrations): number {
  return list.at(-1)?.version ?? 0;
}

/** Throws DatabaseFromFutureError when the file's schema is newer than `list` knows. Reads only. */
export function refuseFutureDatabase(db: Db, list: readonly Migration[] = appMigrations): void {
  const version = schemaVersion(db);
  if (version > latestVersion(list)) throw new DatabaseFromFutureError(version, latestVersion(list));
}

/** Applies every migration the database lacks. */
export function migrate(db: Db, list: readonly Migration[] = appMigrations): MigrationOutcome {
  return migrateTo(db, latestVersion(list), list);
}

/**
 * Applies the migrations up to and including `target`. Tests use it to stop at N−1, insert rows
 * the way the old schema allowed, then go on to N.
 */
export function migrateTo(db: Db, target: number, list: readonly Migration[] = appMigrations): MigrationOutcome {
  assertWellFormed(list);
  if (!Number.isInteger(target) || target < 0 || target > latestVersion(list)) {
    throw new InternalError(
      `Cannot migrate to schema ${target}: this version of Mshahara knows 0 to ${latestVersion(list)}.`,
    );
  }
  if (db.inTransaction) throw new InternalError('Migrations must run outside any open transaction.');

  // A migration that rebuilds a table must be free to drop and recreate it while other tables
  // point at it. foreign_keys cannot change inside a transaction, so it is off for the upgrade and
  // the whole database is checked with foreign_key_check before COMMIT instead.
  const foreignKeysWereOn = (db.pragma('foreign_keys', { simple: true }) as number) === 1;
  if (foreignKeysWereOn) db.pragma('foreign_keys = OFF');
  try {
    // IMMEDIATE: take the write lock before reading the version, so two processes opening the
    // same file cannot both decide to apply the same migration.
    return db.transaction(() => applyPending(db, target, list)).immediate();
  } finally {
    if (foreignKeysWereOn) db.pragma('foreign_keys = ON');
  }
}

function applyPending(db: Db, target: number, list: readonly Migration[]): MigrationOutcome {
  const from = schemaVersion(db);
  if (from > latestVersion(list)) throw new DatabaseFromFutureError(from, latestVersion(list));
  checkHistory(db, from, list);
  if (target < from) {
    throw new InternalError(`Cannot migrate down from schema ${from} to ${target}; migrations only go forward.`);
  }

  const pending = list.filter((migration) => migration.version > from && migration.version <= target);
  // Nothing to do writes nothing: opening an up-to-date file leaves it as it was.
  if (pending.length === 0) return { from, to: from, applied: [] };

  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
  const applied: string[] = [];
  for (const migration of pending) {
    try {
      db.exec(migration.sql);
    } catch (error) {
      // Thrown, never logged-and-continued: the transaction rolls back and the file stays as it was.
      throw new MigrationFailedError(migration.name, error);
    }
    record.run(migration.version, migration.name, migrationSha256(migration), new Date().toISOString());
    applied.push(migration.name);
  }

  const broken = db.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) {
    throw new MigrationFailedError(
      applied.at(-1) ?? 'unknown',
      new Error(`${broken.length} rows break a foreign key after migrating`),
    );
  }
  // user_version takes no bound parameter; target is a checked integer.
  db.pragma(`user_version = ${target}`);
  log.info({ from, to: target, applied }, 'database migrated');
  return { from, to: target, applied };
}

/** Every migration already applied must be recorded, in order, with the hash of the text we ship. */
function checkHistory(db: Db, version: number, list: readonly Migration[]): void {
  const hasTable =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  if (!hasTable) {
    if (version === 0) return;
    throw new MigrationHistoryError(`schema version is ${version} but no migrations are recorded`);
  }
  const rows = db
    .prepare('SELECT version, name, sha256, applied_at FROM schema_migrations ORDER BY version')
    .all() as AppliedMigration[];
  if (rows.length !== version || rows.some((row, index) => row.version !== index + 1)) {
    throw new MigrationHistoryError(
      `schema version is ${version} but the recorded migrations are [${rows.map((r) => r.version).join(', ')}]`,
    );
  }
  for (const row of rows) {
    const known = list[row.version - 1];
    if (known === undefined) throw new DatabaseFromFutureError(row.version, latestVersion(list));
    const sha256 = migrationSha256(known);
    if (row.sha256 !== sha256) throw new EditedMigrationError(known.name, row.sha256, sha256);
  }
}

function assertWellFormed(list: readonly Migration[]): void {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new InternalError(
        `Migration ${migration.name} has version ${migration.version}; expected ${index + 1} (versions run 1, 2, 3… with no gaps).`,
      );
    }
  });
}
