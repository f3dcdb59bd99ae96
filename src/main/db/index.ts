// The profile database: open/close, migrations and why a database may be refused.
export {
  openDatabase,
  closeDatabase,
  sqliteBindingPath,
  registerSearchFunctions,
  defaultBusyTimeoutMs,
  type ProfileDatabase,
  type OpenDatabaseOptions,
} from './open';
export {
  migrate,
  migrateTo,
  schemaVersion,
  latestVersion,
  migrationSha256,
  refuseFutureDatabase,
  type MigrationOutcome,
} from './migrate';
export { migrations, type Migration } from './migrations';
export { DatabaseFromFutureError, EditedMigrationError, MigrationHistoryError, MigrationFailedError } from './errors';
