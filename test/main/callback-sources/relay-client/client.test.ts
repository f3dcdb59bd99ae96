// RelayClient against the real relay: offline catch-up in arrival order, at-least-once delivery
// made exactly-once, restart from the stored cursor, prompt long-poll pickup, retry after failures,
// and events that cannot be opened kept as evidence without stopping the channel.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../../src/main/db';
import { relayCursor } from '../../../../src/main/callback-sources/inbox/store';
import { RelayClient, type RelayClientOptions } from '../../../../src/main/callback-sources/relay-client/client';
import { startRelay } from '../../../../src/relay-server/server';
import { originOf, Reachability } from '../../../../src/main/daraja/reachability';
import {
  b2cResultBody,
  postCallback,
  postMany,
  seqOf,
  startDesktopProxy,
  startTestRelay,
  storedCount,
  type DesktopProxy,
  type TestRelay,
} from './harness';

const root = mkdtempSync(join(tmpdir(), 'mshahara-relay-client-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let folder = 0;
let relay: TestRelay;
let proxy: DesktopProxy;
let db: ProfileDatabase;
const clients: RelayClient[] = [];

beforeEach(async () => {
  const dir = join(root, String(++folder));
  relay = await startTestRelay(join(dir, 'relay'));
  proxy = await startDesktopProxy(relay.relay.url);
  db = openDatabase(join(dir, 'profile.db'));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.stop()));
  await proxy.close();
  await relay.relay.close();
  closeDatabase(db);
});

function newClient(options: Partial<RelayClientOptions> = {}): RelayClient {
  const client = new RelayClient({
    db,
    relayUrl: proxy.url,
    channel: relay.channel.channel,
    pullToken: relay.channel.pullToken,
    privateKeyPem: relay.privateKeyPem,
    callbackBaseUrl: relay.channel.callbackBaseUrl,
    waitSeconds: 20,
    retry: { baseMs: 5, maxMs: 50 },
    ...options,
  });
  clients.push(client);
  return client;
}

interface InboxRow {
  id: number;
  event_id: string;
  kind: string;
  source: string;
  body: string;
}

const inbox = (): InboxRow[] =>
  db.prepare('SELECT id, event_id, kind, source, body FROM inbox ORDER BY id').all() as InboxRow[];

/** The relay's delivery order: event ids by sequence, straight from its store. */
async function relayOrder(): Promise<string[]> {
  return (await relay.relay.store.eventsAfter(relay.channel.channel, 0, 100_000)).map((event) => event.id);
}

/** Resolves when the client has moved on to a pull after `cursor`: everything before it is stored and acknowledged. */
const pulledAfter = (seq: string) =>
  proxy.waitFor((seen) => seen.path === '/v1/events' && seqOf(seen.query.get('after')) === seq);

/** A desktop run that stores the `count` events the relay holds, acknowledges them, and stops. */
async function storeAllThenStop(count: number): Promise<void> {
  const client = newClient();
  const told = storedCount((l) => client.onStored(l), count);
  await client.start();
  await told;
  await pulledAfter(String(count));
  await client.stop();
}

describe('RelayClient', () => {
  it('catches up on 1,000 callbacks that arrived while the desktop was off: each stored once, in arrival order', async () => {
    await postMany(relay.channel.callbackBaseUrl, 0, 1000, 25);
    const order = await relayOrder();
    expect(order).toHaveLength(1000);

    const client = newClient({ batchSize: 300 });
    const told = storedCount((l) => client.onStored(l), 1000);
    await client.start();
    const ids = await told;
    await pulledAfter('1000');

    const rows = inbox();
    expect(rows).toHaveLength(1000);
    expect(rows.map((r) => r.event_id)).toEqual(order);
    expect(ids).toEqual(rows.map((r) => r.id));
    expect(new Set(rows.map((r) => r.body)).size).toBe(1000);
    expect(rows.every((r) => r.kind === 'b2c-result' && r.source === 'relay:acme-payroll')).toBe(true);
    expect(seqOf(relayCursor(db, 'acme-payroll'))).toBe('1000');
    expect(seqOf(db.prepare('SELECT acked_cursor FROM relay_cursor').pluck().get())).toBe('1000');
    expect(await relay.relay.store.pendingCount()).toBe(0);
    expect(client.stats()).toMatchObject({ stored: 1000, redelivered: 0, unreadable: 0 });
  });

  it('stores nothing twice when the relay delivers again what is already stored', async () => {
    await postMany(relay.channel.callbackBaseUrl, 0, 50);
    await storeAllThenStop(50);

    // A desktop whose cursor went back (a crash between store and cursor is impossible here, but a
    // profile restored from an older copy of its cursor is not): the relay sends all 50 again.
    db.prepare("UPDATE relay_cursor SET cursor = '0', acked_cursor = NULL").run();
    await postMany(relay.channel.callbackBaseUrl, 50, 5);
    const second = newClient();
    const notified: number[] = [];
    second.onStored((ids) => notified.push(...ids));
    await second.start();
    await pulledAfter('55');

    const rows = inbox();
    expect(rows).toHaveLength(55);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(55);
    expect(notified).toEqual(rows.slice(50).map((r) => r.id));
    expect(second.stats()).toMatchObject({ stored: 5, redelivered: 50 });
    expect(seqOf(relayCursor(db, 'acme-payroll'))).toBe('55');
  });

  it('gets what arrived after the relay went back in time (restored from a backup, or replaced) below its cursor', async () => {
    await postMany(relay.channel.callbackBaseUrl, 0, 5);
    await storeAllThenStop(5);

    // The relay now stands below the desktop's cursor: its next events get seqs the desktop has
    // already passed. Asked for events after a cursor it never gave out, it hands out all it holds.
    db.prepare("UPDATE relay_cursor SET cursor = '900'").run();
    await postMany(relay.channel.callbackBaseUrl, 5, 3);
    const second = newClient();
    const notified: number[] = [];
    second.onStored((ids) => notified.push(...ids));
    await second.start();
    await pulledAfter('8');

    const rows = inbox();
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => r.event_id)).toEqual(await relayOrder());
    expect(rows.slice(5).map((r) => r.body)).toEqual([5, 6, 7].map((n) => b2cResultBody(n)));
    expect(notified).toEqual(rows.slice(5).map((r) => r.id));
    expect(second.stats()).toMatchObject({ stored: 3, redelivered: 5 });
  });

  it('gets every event stored after the relay was restored from an older backup, though their seqs repeat', async () => {
    const relayDir = join(root, String(folder), 'relay');
    const backup = join(root, String(folder), 'relay-backup.sqlite');
    await postMany(relay.channel.callbackBaseUrl, 0, 3);
    // The operator's nightly copy, taken while the relay runs.
    const live = new Database(join(relayDir, 'relay.sqlite'), { readonly: true });
    await live.backup(backup);
    live.close();
    await postMany(relay.channel.callbackBaseUrl, 3, 2);
    await storeAllThenStop(5);

    // The relay's disk is lost; it is restored from the copy and started again at the same address.
    const { port } = relay.relay;
    await relay.relay.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(relayDir, `relay.sqlite${suffix}`), { force: true });
    copyFileSync(backup, join(relayDir, 'relay.sqlite'));
    relay = {
      ...relay,
      relay: await startRelay({
        dataDir: relayDir,
        port,
        allowlist: null,
        rateLimit: { hooksPerMinute: null, pullPerMinute: null },
      }),
    };
    // Seqs 4 and 5 now belong to other callbacks than the ones the desktop stored under them.
    // Posted one at a time, so the relay's order (which the inbox keeps) is the order of n.
    await postMany(relay.channel.callbackBaseUrl, 10, 4, 1);
    expect(seqOf(relayCursor(db, 'acme-payroll'))).toBe('5');

    const second = newClient();
    const toldAgain = storedCount((l) => second.onStored(l), 4);
    await second.start();
    await toldAgain;
    await pulledAfter('7');

    const rows = inbox();
    expect(rows).toHaveLength(9);
    expect(rows.slice(5).map((r) => r.body)).toEqual([10, 11, 12, 13].map((n) => b2cResultBody(n)));
    expect(new Set(rows.map((r) => r.body)).size).toBe(9);
    expect(second.stats()).toMatchObject({ stored: 4, redelivered: 3 });
    // Everything the restored relay holds is now stored here and acknowledged.
    await expect.poll(() => relay.relay.store.pendingCount()).toBe(0);
  });

  it("keeps the relay's answer to a C2B validation as the inbox entry's reason", async () => {
    expect(
      await postCallback(
        relay.channel.callbackBaseUrl,
        'c2b-validation',
        '{"TransID":"TK1","TransAmount":"5.00","BusinessShortCode":"600984"}',
      ),
    ).toBe(200);
    const client = newClient();
    const told = storedCount((l) => client.onStored(l), 1);
    await client.start();
    await told;
    expect(db.prepare(`SELECT kind, reason FROM inbox`).all()).toEqual([
      { kind: 'c2b-validation', reason: 'The relay accepted this payment (no C2B rules for this channel)' },
    ]);
  });

  it('survives lost acknowledgements: nothing is lost or doubled, and a later acknowledgement covers them', async () => {
    proxy.loseAcks = 3;
    await postMany(relay.channel.callbackBaseUrl, 0, 30);
    const client = newClient({ batchSize: 10 });
    const told = storedCount((l) => client.onStored(l), 30);
    await client.start();
    await told;
    await pulledAfter('30');
    expect(proxy.seen.filter((s) => s.path === '/v1/ack')).toHaveLength(3);
    expect(db.prepare('SELECT acked_cursor FROM relay_cursor').pluck().get()).toBeNull();
    expect(await relay.relay.store.pendingCount()).toBe(30);
    await client.stop();

    const before = proxy.seen.length;
    const restarted = newClient();
    await restarted.start();
    await proxy.waitFor((seen) => proxy.seen.indexOf(seen) >= before && seen.path === '/v1/events');
    expect(proxy.seen.slice(before).map((s) => s.path)).toEqual(['/v1/ack', '/v1/events']);
    expect(seqOf(db.prepare('SELECT acked_cursor FROM relay_cursor').pluck().get())).toBe('30');
    expect(await relay.relay.store.pendingCount()).toBe(0);
    expect(inbox()).toHaveLength(30);
    expect(restarted.stats()).toMatchObject({ stored: 0, redelivered: 0 });
  });

  it('resumes from its stored cursor after a restart', async () => {
    await postMany(relay.channel.callbackBaseUrl, 0, 100);
    const client = newClient();
    const told = storedCount((l) => client.onStored(l), 100);
    await client.start();
    await told;
    await client.stop();
    const storedBeforeRestart = relayCursor(db, 'acme-payroll');

    await postMany(relay.channel.callbackBaseUrl, 100, 100);
    const before = proxy.seen.length;
    const restarted = newClient();
    const toldAgain = storedCount((l) => restarted.onStored(l), 100);
    await restarted.start();
    await toldAgain;

    const firstPullAfterRestart = proxy.seen.slice(before).find((s) => s.path === '/v1/events');
    expect(firstPullAfterRestart?.query.get('after')).toBe(storedBeforeRestart);
    expect(seqOf(storedBeforeRestart)).toBe('100');
    const rows = inbox();
    expect(rows).toHaveLength(200);
    expect(rows.map((r) => r.event_id)).toEqual(await relayOrder());
    expect(restarted.stats().redelivered).toBe(0);
  });

  it('picks up a new callback during a long poll at once, not at the end of the wait', async () => {
    const client = newClient({ waitSeconds: 30 });
    await client.start();
    await proxy.waitFor((seen) => seen.path === '/v1/events');
    const told = storedCount((l) => client.onStored(l), 1);
    const sentAt = performance.now();
    expect(await postCallback(relay.channel.callbackBaseUrl, 'b2c-result', b2cResultBody(7))).toBe(200);
    const [id] = await told;
    const latencyMs = performance.now() - sentAt;
    expect(latencyMs).toBeLessThan(2_000);
    expect(inbox()).toEqual([expect.objectContaining({ id, body: b2cResultBody(7) })]);
    // One long poll was open and answered by the callback: no polling loop behind it.
    expect(proxy.seen.filter((s) => s.path === '/v1/events').length).toBeLessThanOrEqual(3);
  });

  it('keeps retrying while the relay is unreachable, then delivers everything once', async () => {
    proxy.down = true;
    const client = newClient();
    await client.start();
    await proxy.waitFor(() => proxy.seen.length >= 3);
    expect(client.stats()).toMatchObject({ state: 'retrying', lastError: expect.stringContaining('503') });
    expect(client.stats().failedPulls).toBeGreaterThanOrEqual(2);

    await postMany(relay.channel.callbackBaseUrl, 0, 10);
    const told = storedCount((l) => client.onStored(l), 10);
    proxy.down = false;
    await told;
    expect(inbox()).toHaveLength(10);
    expect(client.stats().state).toBe('connected');
  });

  it('tells the unreachable banner while pulls fail, and clears it once the relay answers', async () => {
    const reachability = new Reachability();
    const report = (reached: boolean, reason: string | null) =>
      reachability.report('relay', originOf(proxy.url), reached, reason);
    proxy.down = true;
    const client = newClient({ onReach: report });
    await client.start();
    await proxy.waitFor(() => proxy.seen.length >= 2);
    expect(reachability.unreachable()).toEqual([
      expect.objectContaining({ target: 'relay', host: originOf(proxy.url), reason: expect.stringContaining('503') }),
    ]);
    const back = new Promise<void>((resolve) => reachability.onChange((down) => down.length === 0 && resolve()));
    proxy.down = false;
    await back;
    expect(reachability.unreachable()).toEqual([]);
  });

  it('stores nothing with a wrong pull token and says the token was refused', async () => {
    await postMany(relay.channel.callbackBaseUrl, 0, 3);
    const client = newClient({ pullToken: 'f'.repeat(64) });
    await client.start();
    await proxy.waitFor(() => proxy.seen.length >= 2);
    expect(client.stats().lastError).toMatch(/refused this desktop's token/);
    expect(inbox()).toHaveLength(0);
  });

  it('keeps an event that cannot be opened in the audit log and goes on with the rest', async () => {
    await postMany(relay.channel.callbackBaseUrl, 0, 3, 1);
    // Someone with the relay's disk alters the middle event's ciphertext.
    const relayDb = new Database(join(root, String(folder), 'relay', 'relay.sqlite'));
    const middle = relayDb.prepare('SELECT seq, id, sealed FROM events ORDER BY seq LIMIT 1 OFFSET 1').get() as {
      seq: number;
      id: string;
      sealed: string;
    };
    const envelope = JSON.parse(middle.sealed) as { ct: string };
    const ct = Buffer.from(envelope.ct, 'base64');
    ct[0] = (ct[0] ?? 0) ^ 0xff;
    relayDb
      .prepare('UPDATE events SET sealed = ? WHERE seq = ?')
      .run(JSON.stringify({ ...envelope, ct: ct.toString('base64') }), middle.seq);
    relayDb.close();

    const client = newClient();
    const told = storedCount((l) => client.onStored(l), 2);
    await client.start();
    await told;
    await pulledAfter('3');

    const rows = inbox();
    expect(rows.map((r) => r.body)).toEqual([b2cResultBody(0), b2cResultBody(2)]);
    expect(rows.map((r) => r.event_id)).not.toContain(middle.id);
    const audit = db
      .prepare("SELECT entity_id, details FROM audit_log WHERE action = 'relay_event.unreadable'")
      .all() as { entity_id: string; details: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]?.entity_id).toBe(middle.id);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      channel: 'acme-payroll',
      reason: expect.stringMatching(/authentication failed/),
      sealed: expect.objectContaining({ v: 1 }),
    });
    expect(client.stats()).toMatchObject({ stored: 2, unreadable: 1 });
    expect(seqOf(relayCursor(db, 'acme-payroll'))).toBe('3');
  });

  it('gives the callback URL of each kind on its channel', () => {
    const client = newClient();
    expect(client.callbackUrl('b2c-timeout')).toBe(`${relay.channel.callbackBaseUrl}/b2c-timeout`);
    expect(client.callbackUrl('c2b-confirmation')).toBe(`${relay.channel.callbackBaseUrl}/c2b-confirmation`);
  });
});
