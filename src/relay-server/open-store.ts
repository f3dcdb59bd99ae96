// Which store a relay uses: the embedded SQLite file in its data folder (the default), or a
// PostgreSQL database shared by several instances (`--store postgres --database-url`).
import { PgRelayStore, SchemaTooNewError } from './pg-store';
import { SqliteRelayStore } from './sqlite-store';
import type { RelayStore } from './store';

export type StoreKind = 'sqlite' | 'postgres';

export interface StoreChoice {
  kind: StoreKind;
  /** postgres://… ; required for 'postgres'. */
  databaseUrl?: string | undefined;
}

export interface OpenStoreOptions {
  commit?: 'group' | 'each';
  onCommit?: (appends: number, seconds: number) => void;
  onError?: (error: Error, where: string) => void;
  /** How long a relay starting beside its database waits for it to accept connections (default 30 s). */
  waitForDatabaseMs?: number;
}

export function parseStoreKind(value: string | undefined): StoreKind {
  const kind = value === undefined || value === '' ? 'sqlite' : value;
  if (kind !== 'sqlite' && kind !== 'postgres')
    throw new Error(`store must be sqlite or postgres, not ${JSON.stringify(value)}`);
  return kind;
}

export async function openRelayStore(
  choice: StoreChoice,
  dataDir: string,
  options: OpenStoreOptions = {},
): Promise<RelayStore> {
  if (choice.kind === 'sqlite') {
    return new SqliteRelayStore(dataDir, {
      ...(options.commit ? { commit: options.commit } : {}),
      ...(options.onCommit ? { onCommit: options.onCommit } : {}),
    });
  }
  if (!choice.databaseUrl) throw new Error('the postgres store needs --database-url (or RELAY_DATABASE_URL)');
  // Started together (compose, a host reboot) or while the database restarts: wait for it a while.
  const until = Date.now() + (options.waitForDatabaseMs ?? 30_000);
  for (;;) {
    try {
      return await PgRelayStore.open(choice.databaseUrl, options);
    } catch (error) {
      if (error instanceof SchemaTooNewError || Date.now() >= until || !isConnectionError(error)) throw error;
      options.onError?.(error as Error, 'starting');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Errors that mean "the database is not there yet", as opposed to a wrong password or a bad schema. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ENOTFOUND',
      'EAI_AGAIN',
      'ETIMEDOUT',
      '57P03',
      '57P01',
      '57P02',
      '08006',
      '08001',
    ].includes(code) || /shutting down|starting up|Connection terminated/i.test((error as Error).message ?? '')
  );
}
