// Which store a relay uses: the embedded SQLite file in its data folder (the default), or a
// PostgreSQL database shared by several instances (`--store postgres --database-url`).
import { PgRelayStore } from './pg-store';
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
}

export function parseStoreKind(value: string | undefined): StoreKind {
  const kind = value === undefined || value === '' ? 'sqlite' : value;
  if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`store must be sqlite or postgres, not ${JSON.stringify(value)}`);
  return kind;
}

export async function openRelayStore(choice: StoreChoice, dataDir: string, options: OpenStoreOptions = {}): Promise<RelayStore> {
  if (choice.kind === 'sqlite') {
    return new SqliteRelayStore(dataDir, { ...(options.commit ? { commit: options.commit } : {}), ...(options.onCommit ? { onCommit: options.onCommit } : {}) });
  }
  if (!choice.databaseUrl) throw new Error('the postgres store needs --database-url (or RELAY_DATABASE_URL)');
  return PgRelayStore.open(choice.databaseUrl, options);
}
