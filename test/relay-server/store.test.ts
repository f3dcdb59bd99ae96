// The embedded relay store on its own: event ids, acknowledgements, duplicates, that the
// statements on the commit path read only what they need (their cost must not grow with the
// number of delivered events a relay keeps for its retention period), and that a relay.sqlite
// from an earlier build still opens.
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { StoreKind } from '../../src/relay-server/open-store';
import { PgRelayStore } from '../../src/relay-server/pg-store';
import { pendingCountSql, writerSql } from '../../src/relay-server/sqlite-writer';
import { SqliteRelayStore, sqliteMigrations } from '../../src/relay-server/sqlite-store';
import type { RelayStore } from '../../src/relay-server/store';
import { stopTestPostgres, storeKinds, testPostgres } from './helpers';

const folders: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relay-store-'));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(stopTestPostgres);

/** Where a store of this kind keeps its data: a folder, or a database of its own. */
async function place(kind: StoreKind): Promise<string> {
  return kind === 'sqlite' ? folder() : (await testPostgres()).createDatabase();
}

function openAt(kind: StoreKind, at: string): Promise<RelayStore> {
  return kind === 'sqlite' ? Promise.resolve(new SqliteRelayStore(at)) : PgRelayStore.open(at);
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

describe.each(storeKinds)('the %s relay store', (kind) => {
  it('gives events ids unique to this database, kept across restarts and new after a fresh start', async () => {
    const dir = await place(kind);
    let store = await openAt(kind, dir);
    const first = await Promise.all([1, 2, 3].map((n) => store.append(event('acme', n))));
    await store.close();
    store = await openAt(kind, dir);
    const later = await store.append(event('acme', 4));
    const listed = await store.eventsAfter('acme', 0, 10);
    await store.close();

    expect(first.map((r) => r.seq)).toEqual([1, 2, 3]);
    for (const { id } of first) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(listed.map((e) => e.id)).toEqual([...first.map((r) => r.id), later.id]);
    expect(new Set(listed.map((e) => e.id)).size).toBe(4);

    // The relay wiped and started on an empty folder: seq starts at 1 again, the ids do not repeat.
    const fresh = await openAt(kind, await place(kind));
    const again = await fresh.append(event('acme', 1));
    await fresh.close();
    expect(again.seq).toBe(1);
    expect(again.id).not.toBe(first[0]?.id);
  });

  it('knows the highest seq it ever gave out, also after acknowledged events are pruned', async () => {
    const store = await openAt(kind, await place(kind));
    expect(await store.highestSeq()).toBe(0);
    for (let n = 1; n <= 4; n++) await store.append(event('acme', n));
    await store.acknowledge('acme', 4, 1000);
    expect(await store.prune(2000)).toBe(4);
    expect(await store.eventsAfter('acme', 0, 10)).toEqual([]);
    expect(await store.highestSeq()).toBe(4);
    expect((await store.append(event('acme', 5))).seq).toBe(5);
    await store.close();
  });

  it('stores an identical event once and answers with the first one', async () => {
    const store = await openAt(kind, await place(kind));
    const [a, b] = await Promise.all([store.append(event('acme', 1)), store.append(event('acme', 1))]);
    const other = await store.append(event('globex', 1));
    const acme = await store.eventsAfter('acme', 0, 10);
    await store.close();
    expect(a).toMatchObject({ duplicate: false });
    expect(b).toEqual({ ...a, duplicate: true });
    expect(acme).toHaveLength(1);
    expect(other.duplicate).toBe(false);
  });

  it('marks delivered exactly the acknowledged events of that channel, once', async () => {
    const store = await openAt(kind, await place(kind));
    for (let n = 1; n <= 5; n++) await store.append(event('acme', n));
    await store.append(event('globex', 1));
    const upTo = (await store.eventsAfter('acme', 0, 3)).at(-1)!.seq;

    expect(await store.acknowledge('acme', upTo, Date.now())).toBe(3);
    expect(await store.acknowledge('acme', upTo, Date.now())).toBe(0);
    expect(await store.pendingCount()).toBe(3); // two of acme, one of globex
    expect(await store.acknowledge('acme', Number.MAX_SAFE_INTEGER, Date.now())).toBe(2);
    expect(await store.pendingCount()).toBe(1);
    await store.close();
  });
});

describe('the SQLite relay store', () => {
  it('acknowledges and counts pending through the undelivered-only index, finds duplicates by key', () => {
    const dir = folder();
    const store = new SqliteRelayStore(dir);
    const db = new Database(join(dir, 'relay.sqlite'), { readonly: true });
    const plan = (sql: string, ...params: unknown[]): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join('; ');
    try {
      expect(plan(writerSql.acknowledge, 1, 'acme', 10)).toMatch(
        /USING INDEX events_pending \(channel=\? AND seq<\?\)/,
      );
      expect(plan(pendingCountSql)).toMatch(/events_pending/);
      expect(plan(writerSql.existing, 'acme', Buffer.alloc(32))).toMatch(
        /USING (COVERING )?INDEX events_dedup \(channel=\? AND dedup=\?\)/,
      );
    } finally {
      db.close();
    }
    return store.close();
  });
});

describe('the relay.sqlite file', () => {
  it('is readable and writable by the relay alone, also when it was created readable by others', async () => {
    const dir = folder();
    const store = new SqliteRelayStore(dir);
    await store.append(event('acme', 1));
    expect(statSync(join(dir, 'relay.sqlite')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'relay.sqlite-wal')).mode & 0o777).toBe(0o600);
    await store.close();

    const older = folder();
    new Database(join(older, 'relay.sqlite')).close();
    chmodSync(join(older, 'relay.sqlite'), 0o644);
    await new SqliteRelayStore(older).close();
    expect(statSync(join(older, 'relay.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('records its schema version, and refuses a file from a newer relay without touching it', async () => {
    const dir = folder();
    await new SqliteRelayStore(dir).close();
    const db = new Database(join(dir, 'relay.sqlite'));
    expect(db.pragma('user_version', { simple: true })).toBe(sqliteMigrations.length);
    db.pragma(`user_version = ${sqliteMigrations.length + 1}`);
    db.close();
    expect(() => new SqliteRelayStore(dir)).toThrow(
      `relay.sqlite has schema version ${sqliteMigrations.length + 1}, newer than this relay knows (${sqliteMigrations.length})`,
    );
    const after = new Database(join(dir, 'relay.sqlite'), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(sqliteMigrations.length + 1);
    after.close();
  });
});

describe('a relay.sqlite from before C2B rules', () => {
  /** The channels table as relays without C2B rules created it. */
  function oldRelayFile(dir: string): void {
    const db = new Database(join(dir, 'relay.sqlite'));
    db.exec(`CREATE TABLE channels (
      id TEXT PRIMARY KEY, public_key TEXT NOT NULL, secret_hash BLOB NOT NULL, token_hash BLOB NOT NULL, created_at TEXT NOT NULL
    ) STRICT`);
    db.prepare('INSERT INTO channels VALUES (?, ?, ?, ?, ?)').run(
      'acme',
      'PEM',
      Buffer.alloc(32, 1),
      Buffer.alloc(32, 2),
      '2026-01-05T08:00:00.000Z',
    );
    db.close();
  }

  it('opens with its channels intact and no rules, takes rules, and keeps them across restarts', async () => {
    const dir = folder();
    oldRelayFile(dir);
    let store = new SqliteRelayStore(dir);
    expect(await store.channel('acme')).toEqual({
      id: 'acme',
      owner: null,
      publicKeyPem: 'PEM',
      secretHash: Buffer.alloc(32, 1),
      tokenHash: Buffer.alloc(32, 2),
      createdAt: '2026-01-05T08:00:00.000Z',
      c2bRules: null,
    });
    expect(await store.setC2bRules('acme', { shortcodes: ['600984'], maxAmount: 5000 })).toBe(true);
    expect(await store.setC2bRules('nobody', { maxAmount: 1 })).toBe(false);
    await store.close();

    // Opened again (the column is there now), by two stores at once as the relay and the CLI do.
    store = new SqliteRelayStore(dir);
    const beside = new SqliteRelayStore(dir);
    expect((await store.channel('acme'))?.c2bRules).toEqual({ shortcodes: ['600984'], maxAmount: 5000 });
    expect(await beside.setC2bRules('acme', null)).toBe(true);
    await beside.close();
    // The other connection's commit reaches the cached channels within 20 ms.
    await expect.poll(async () => (await store.channel('acme'))?.c2bRules).toBeNull();
    await store.close();
  });
});
