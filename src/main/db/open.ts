// The one way a profile database is opened and closed (docs/architecture.md#the-data): the same pragmas every time,
// migrations applied, a newer file refused before anything is written to it.
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { InternalError } from '../../shared/errors';
import { foldForSearch } from '../../shared/search-fold';
import { migrate, refuseFutureDatabase } from './migrate';
import { migrations as appMigrations, type Migration } from './migrations';

export type ProfileDatabase = BetterSqlite3.Database;

export interface OpenDatabaseOptions {
  /**
   * Path to the better_sqlite3.node to load. The Electron app passes a build for Electron's ABI;
   * Node (tests, browser host) uses the package's own. Defaults to env MSHAHARA_SQLITE_BINDING.
   */
  nativeBinding?: string;
  /** How long a statement waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
  /** false: open without migrating (migration tests step through versions with migrateTo). */
  applyMigrations?: boolean;
  /** The migrations this app knows; tests pass their own lists. */
  migrations?: readonly Migration[];
}

export const defaultBusyTimeoutMs = 5_000;

export function sqliteBindingPath(options: Pick<OpenDatabaseOptions, 'nativeBinding'> = {}): string | undefined {
  const fromEnv = process.env.MSHAHARA_SQLITE_BINDING;
  return options.nativeBinding ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): ProfileDatabase {
  const nativeBinding = sqliteBindingPath(options);
  const busyTimeoutMs = options.busyTimeoutMs ?? defaultBusyTimeoutMs;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
    throw new InternalError(`Invalid busy timeout: ${busyTimeoutMs}`);
  const list = options.migrations ?? appMigrations;

  const db = new Database(file, nativeBinding === undefined ? {} : { nativeBinding });
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // Before any pragma that writes (journal_mode changes the file header): a file from a newer
    // Mshahara must leave this function exactly as it came in.
    refuseFutureDatabase(db, list);
    const journalMode = db.pragma('journal_mode = WAL', { simple: true }) as string;
    if (journalMode !== 'wal') {
      throw new InternalError(`SQLite refused write-ahead logging for ${file} (journal mode is ${journalMode}).`);
    }
    // FULL: a committed payment record survives a power cut, not only a crash of the app.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    if (options.applyMigrations !== false) migrate(db, list);
    registerSearchFunctions(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * fold(text): the text as every search compares it, without case or accents (shared/search-fold.ts).
 * A connection function, never used by the schema (a trigger or index calling it would break any
 * tool that opens the file without it).
 */
export function registerSearchFunctions(db: ProfileDatabase): void {
  db.function('fold', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? foldForSearch(text) : text === null ? null : foldForSearch(String(text)),
  );
}

/** Lets SQLite refresh its query-planner statistics, then closes. Safe to call twice. */
export function closeDatabase(db: ProfileDatabase): void {
  if (!db.open) return;
  try {
    db.pragma('optimize');
  } finally {
    db.close();
  }
}
