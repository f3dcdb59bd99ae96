// The PostgreSQL store as several relay instances share it: migrations applied once and a newer
// schema refused; seqs that commit out of order never skipped by a cursor; other instances told of
// new events and channel changes, also after the database restarted; and `relay migrate-store`
// carrying channels and undelivered events over from SQLite with their seqs, so cursors stay valid.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateStore } from '../../src/relay-server/migrate-store';
import { PgRelayStore, pgMigrations } from '../../src/relay-server/pg-store';
import { SqliteRelayStore } from '../../src/relay-server/sqlite-store';
import type { ChannelRecord, RelayStore } from '../../src/relay-server/store';
import { postgresBin, startPostgres } from '../helpers/postgres';
import { stopTestPostgres, testPostgres } from './helpers';

afterAll(stopTestPostgres);

const stores: RelayStore[] = [];
async function open(url: string, options: Parameters<typeof PgRelayStore.open>[1] = {}): Promise<PgRelayStore> {
  const store = await PgRelayStore.open(url, options);
  stores.push(store);
  return store;
}
afterAll(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function event(channel: string, n: number) {
  return {
    channel,
    kind: 'b2c-result',
    dedupKey: Buffer.from(`${channel}-${n}`.padEnd(32, '.')),
    sealed: `{"v":1,"n":${n}}`,
    receivedAt: 1_700_000_000_000 + n,
  };
}

function channel(id: string, owner: string | null = null): ChannelRecord {
  return {
    id,
    owner,
    publicKeyPem: 'PEM',
    secretHash: Buffer.alloc(32, 1),
    tokenHash: Buffer.alloc(32, 2),
    createdAt: '2026-03-01T08:00:00.000Z',
    c2bRules: null,
  };
}

describe('the throwaway PostgreSQL these tests run on', () => {
  it('is found here, and its absence fails the tests with a message saying so, never skips them', async () => {
    expect(postgresBin()).toMatch(/bin$/);
    const saved = process.env.PG_BIN;
    process.env.PG_BIN = join(tmpdir(), 'no-postgresql-here');
    try {
      await expect(startPostgres()).rejects.toThrow(
        /^PostgreSQL is not installed \(no pg_ctl and initdb in PG_BIN=.*\): the relay's PostgreSQL tests and bench need initdb and pg_ctl — apt-get install postgresql$/,
      );
    } finally {
      if (saved === undefined) delete process.env.PG_BIN;
      else process.env.PG_BIN = saved;
    }
  });
});

describe('the PostgreSQL store', () => {
  it('is migrated once when two instances start together, and refuses a schema newer than it knows', async () => {
    const url = await (await testPostgres()).createDatabase();
    await Promise.all([open(url), open(url)]);
    expect(
      (await query<{ version: number }>(url, 'SELECT version FROM relay_schema ORDER BY version')).map(
        (r) => r.version,
      ),
    ).toEqual(pgMigrations.map((_, i) => i + 1));
    await query(url, 'INSERT INTO relay_schema (version) VALUES ($1)', [pgMigrations.length + 1]);
    await expect(PgRelayStore.open(url)).rejects.toThrow(
      `the relay database has schema version ${pgMigrations.length + 1}, newer than this relay knows (${pgMigrations.length})`,
    );
  });

  it('never lets a cursor pass a seq whose transaction commits after a higher one', async () => {
    const url = await (await testPostgres()).createDatabase();
    let held!: () => void;
    let release!: () => void;
    const isHeld = new Promise<void>((resolve) => (held = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    // Instance A draws its seq, then stalls before COMMIT (a slow disk, a paused process).
    const a = await open(url, { beforeCommit: async () => (held(), released) });
    const b = await open(url);
    const reader = await open(url);

    // A desktop following the cursor the whole time.
    const seen: number[] = [];
    let cursor = 0;
    let following = true;
    const follow = (async () => {
      while (following) {
        for (const e of await reader.eventsAfter('acme', cursor, 100)) {
          seen.push(e.seq);
          cursor = e.seq;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const first = a.append(event('acme', 1));
    await isHeld;
    let secondDone = false;
    const second = b.append(event('acme', 2)).then((r) => ((secondDone = true), r));
    await new Promise((r) => setTimeout(r, 300));
    // B may not commit past A's uncommitted seq: nothing is visible, B is not answered yet.
    expect(secondDone).toBe(false);
    expect(await reader.eventsAfter('acme', 0, 10)).toEqual([]);
    release();
    const [r1, r2] = await Promise.all([first, second]);
    await expect.poll(() => seen.length).toBe(2);
    following = false;
    await follow;
    expect(r1.seq).toBeLessThan(r2.seq);
    expect(seen).toEqual([r1.seq, r2.seq]);
  });

  it('hands out every event once, in seq order, to a cursor following two instances appending at once', async () => {
    const url = await (await testPostgres()).createDatabase();
    const [a, b, reader] = await Promise.all([open(url), open(url), open(url)]);
    const seen: number[] = [];
    let cursor = 0;
    let done = false;
    const follow = (async () => {
      for (;;) {
        const page = await reader.eventsAfter('acme', cursor, 1000);
        for (const e of page) {
          seen.push(e.seq);
          cursor = e.seq;
        }
        if (done && page.length === 0) return;
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, n) => (n % 2 === 0 ? a : b).append(event('acme', n))),
    );
    done = true;
    await follow;
    expect(new Set(results.map((r) => r.seq)).size).toBe(400);
    expect(seen).toEqual(results.map((r) => r.seq).sort((x, y) => x - y));
  });

  it(
    'tells every instance of events and channel changes made by another, also after the database restarted',
    { timeout: 40_000 },
    async () => {
      const cluster = await testPostgres();
      const url = await cluster.createDatabase();
      const watcher = await open(url);
      const other = await open(url);
      const stored: string[] = [];
      let resyncs = 0;
      await watcher.watch({ stored: (c) => stored.push(c), resync: () => resyncs++ });

      await other.createChannel(channel('acme', 'Acme Payroll Ltd'));
      await expect.poll(async () => (await watcher.channel('acme'))?.owner).toBe('Acme Payroll Ltd');
      await other.append(event('acme', 1));
      await expect.poll(() => stored).toEqual(['acme']);
      // A rotated secret stops working on every instance, not only the one that rotated it.
      await other.replaceChannelCredentials('acme', Buffer.alloc(32, 9), Buffer.alloc(32, 8));
      await expect.poll(async () => (await watcher.channel('acme'))?.secretHash).toEqual(Buffer.alloc(32, 9));

      await cluster.restart();
      // The listener reconnects by itself; events from before it was back are looked for again.
      await expect.poll(() => resyncs, { timeout: 15_000 }).toBeGreaterThan(0);
      await expect
        .poll(
          async () =>
            other.append(event('acme', 2)).then(
              () => true,
              () => false,
            ),
          { timeout: 10_000 },
        )
        .toBe(true);
      await expect.poll(() => stored).toEqual(['acme', 'acme']);
      await other.removeChannel('acme');
      await expect.poll(async () => watcher.channel('acme')).toBeUndefined();
    },
  );
});

describe('relay migrate-store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-migrate-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('copies channels and undelivered events with their seqs and ids; new seqs continue after them', async () => {
    const sqlite = new SqliteRelayStore(dataDir);
    await sqlite.createChannel(channel('acme', 'Acme Payroll Ltd'));
    await sqlite.createChannel(channel('globex'));
    await sqlite.setC2bRules('acme', { shortcodes: ['600984'], maxAmount: 5000 });
    for (let n = 1; n <= 5; n++) await sqlite.append(event('acme', n));
    await sqlite.append(event('globex', 1));
    await sqlite.acknowledge('acme', 2, 1000);
    const before = {
      acme: await sqlite.eventsAfter('acme', 2, 100),
      globex: await sqlite.eventsAfter('globex', 0, 100),
      channels: await sqlite.channels(),
    };
    await sqlite.close();

    const url = await (await testPostgres()).createDatabase();
    expect(await migrateStore(dataDir, url)).toEqual({ channels: 2, undeliveredEvents: 4, highestSeq: 6 });
    const target = await open(url);
    expect(await target.channels()).toEqual(before.channels);
    expect(await target.eventsAfter('acme', 2, 100)).toEqual(before.acme);
    expect(await target.eventsAfter('globex', 0, 100)).toEqual(before.globex);
    expect(await target.eventsAfter('acme', 0, 100)).toEqual(before.acme); // the delivered ones stay behind
    expect(await target.highestSeq()).toBe(6);
    expect(await target.pendingCount()).toBe(4);
    // An identical callback arriving again after the move is still recognised.
    expect(await target.append(event('acme', 5))).toEqual({
      seq: before.acme.at(-1)!.seq,
      id: before.acme.at(-1)!.id,
      duplicate: true,
    });
    expect((await target.append(event('acme', 6))).seq).toBeGreaterThan(6);

    await expect(migrateStore(dataDir, url)).rejects.toThrow('already holds relay channels or events');
  });
});
