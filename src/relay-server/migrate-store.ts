// `relay migrate-store`: from the embedded SQLite store to PostgreSQL, for an operator outgrowing one
// machine. Copies every channel (hashes, keys, owners, C2B rules) and every undelivered event with
// its seq and id, and continues the sequence after the highest seq the SQLite store gave out: the
// desktops' cursors stay valid, nothing is delivered twice, nothing pending is left behind. The
// target must be empty; the copy is one transaction. Stop the SQLite relay first: callbacks it
// stores after the copy began would not be copied.
import { PgRelayStore } from './pg-store';
import { SqliteRelayStore } from './sqlite-store';

export interface MigrationSummary {
  channels: number;
  undeliveredEvents: number;
  highestSeq: number;
}

export async function migrateStore(dataDir: string, databaseUrl: string): Promise<MigrationSummary> {
  const source = new SqliteRelayStore(dataDir);
  let target: PgRelayStore | undefined;
  try {
    const { channels, events, highestSeq } = await source.exportAll();
    target = await PgRelayStore.open(databaseUrl);
    if (!(await target.isEmpty()))
      throw new Error(
        'the PostgreSQL database already holds relay channels or events: migrate-store copies into an empty one only',
      );
    await target.importAll(channels, events, highestSeq);
    return { channels: channels.length, undeliveredEvents: events.length, highestSeq };
  } finally {
    await source.close();
    await target?.close();
  }
}
