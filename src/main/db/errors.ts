// Why a profile database was refused. Each says what happened and what to do, and none of them
// is ever answered by changing or deleting the user's file.
import { ConflictError, InternalError } from '../../shared/errors';

/** The file was written by a newer Mshahara: opening it with this one could lose data. */
export class DatabaseFromFutureError extends ConflictError {
  override name = 'DatabaseFromFutureError';
  readonly fileVersion: number;
  readonly appVersion: number;
  constructor(fileVersion: number, appVersion: number) {
    super(
      `This database was written by a newer version of Mshahara (schema ${fileVersion}; this version knows up to ${appVersion}). ` +
        'Update Mshahara to open it. The file has not been changed.',
      { code: 'db_from_future' },
    );
    this.fileVersion = fileVersion;
    this.appVersion = appVersion;
  }
}

/** A migration already applied to this file no longer has the text it had: the schema is not what the code expects. */
export class EditedMigrationError extends InternalError {
  override name = 'EditedMigrationError';
  readonly migration: string;
  constructor(migration: string, recordedSha256: string, currentSha256: string) {
    super(
      `Migration ${migration} was changed after it was applied to this database ` +
        `(applied ${recordedSha256.slice(0, 12)}…, now ${currentSha256.slice(0, 12)}…). ` +
        'Mshahara will not open it with a schema it cannot vouch for; the file has not been changed. ' +
        'Released migrations are never edited: add a new one instead.',
      { code: 'db_migration_edited' },
    );
    this.migration = migration;
  }
}

/** The record of applied migrations does not agree with the schema version. */
export class MigrationHistoryError extends InternalError {
  override name = 'MigrationHistoryError';
  constructor(detail: string) {
    super(`The database's record of applied migrations is inconsistent: ${detail}. The file has not been changed.`, {
      code: 'db_migration_history',
    });
  }
}

/** A migration's SQL failed; the whole upgrade was rolled back. */
export class MigrationFailedError extends InternalError {
  override name = 'MigrationFailedError';
  readonly migration: string;
  constructor(migration: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Migration ${migration} failed and nothing was changed: ${why}`, { code: 'db_migration_failed', cause });
    this.migration = migration;
  }
}
