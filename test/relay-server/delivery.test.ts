import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  openEvent,
  post,
  pull,
  startTestRelay,
  stopTestPostgres,
  storedCount,
  storeKinds,
  type TestChannel,
  type TestRelay,
} from './helpers';

async function ack(url: string, token: string, upTo: string): Promise<{ status: number; acknowledged?: number }> {
  const res = await request(`${url}/v1/ack`, {
    method: 'POST',
    body: JSON.stringify({ upTo }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  });
  return { status: res.statusCode, ...((await res.body.json()) as { acknowledged?: number }) };
}

afterAll(stopTestPostgres);

describe.each(storeKinds)('the relay on the %s store', (kind) => {
  describe('delivery to the desktop', () => {
    let t: TestRelay;
    let acme: TestChannel;
    beforeAll(async () => {
      t = await startTestRelay({ storeKind: kind });
      acme = await t.channel('acme');
    });
    afterAll(() => t.stop());

    it('returns stored events at once, oldest first, sealed with what arrived', async () => {
      for (let i = 1; i <= 3; i++)
        expect(
          (
            await post(`${acme.callbackBaseUrl}/b2c-result`, `{"n":${i}}`, {
              'content-type': 'application/json',
              'user-agent': 'daraja',
              cookie: 'c=1',
            })
          ).status,
        ).toBe(200);
      const started = performance.now();
      const page = await pull(t.relay.url, acme.pullToken, '?after=0&wait=30');
      expect(performance.now() - started).toBeLessThan(1000);
      expect(page.events.map((e) => openEvent(acme, e).body)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
      expect(page.cursor).toBe(page.events[2]?.cursor);
      const first = openEvent(acme, page.events[0]!);
      expect(first.kind).toBe('b2c-result');
      expect(first.sourceIp).toBe('127.0.0.1');
      expect(first.headers['user-agent']).toBe('daraja');
      expect(first.headers.cookie).toBeUndefined();
      expect(Date.parse(first.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
      // Paging: limit and after.
      const one = await pull(t.relay.url, acme.pullToken, `?after=${page.events[0]!.cursor}&limit=1`);
      expect(one.events.map((e) => openEvent(acme, e).body)).toEqual(['{"n":2}']);
      const none = await pull(t.relay.url, acme.pullToken, `?after=${page.cursor}`);
      expect(none).toMatchObject({ status: 200, events: [], cursor: page.cursor });
    });

    it('refuses to acknowledge by a cursor from another history, and hands out everything again for one', async () => {
      const page = await pull(t.relay.url, acme.pullToken, '?after=0&limit=1000');
      const last = page.events.at(-1)!;
      const [seq, tag] = last.cursor.split('.');
      expect(tag).toMatch(/^[0-9a-f]{16}$/);
      const pendingBefore = await t.relay.store.pendingCount();
      // The same seq naming another event (a restored relay reused it), and a seq this relay never gave out.
      const foreign = `${seq}.${'0'.repeat(16)}`;
      const ahead = `${Number(seq) + 1000}.${tag}`;
      for (const cursor of [foreign, ahead]) {
        expect(await ack(t.relay.url, acme.pullToken, cursor)).toMatchObject({ status: 409 });
        const again = await pull(t.relay.url, acme.pullToken, `?after=${cursor}&limit=1000`);
        expect(again.events.map((e) => e.id)).toEqual(page.events.map((e) => e.id));
        expect(again.cursor).toBe(page.cursor);
      }
      expect(await t.relay.store.pendingCount()).toBe(pendingBefore);
      // Its own cursor, and a bare seq it gave out, are honoured as before.
      expect((await pull(t.relay.url, acme.pullToken, `?after=${last.cursor}`)).events).toEqual([]);
      expect((await pull(t.relay.url, acme.pullToken, `?after=${seq}`)).events).toEqual([]);
    });

    it('a waiting long-poll wakes when a callback arrives', async () => {
      const { cursor } = await pull(t.relay.url, acme.pullToken, '?after=0&limit=1000');
      const waiting = pull(t.relay.url, acme.pullToken, `?after=${cursor}&wait=30`);
      // Post only once the poll is parked, so the test proves the wake-up, not a lucky race.
      await expect.poll(() => waitingCount(t)).toBeGreaterThan(0);
      const sent = performance.now();
      await post(`${acme.callbackBaseUrl}/stk`, '{"woke":true}');
      const page = await waiting;
      expect(performance.now() - sent).toBeLessThan(1000);
      expect(page.events.map((e) => openEvent(acme, e).body)).toEqual(['{"woke":true}']);
    });

    it('a long-poll with nothing new ends after its wait', async () => {
      const { cursor } = await pull(t.relay.url, acme.pullToken, '?after=0&limit=1000');
      const page = await pull(t.relay.url, acme.pullToken, `?after=${cursor}&wait=1`);
      expect(page).toMatchObject({ status: 200, events: [], cursor });
    });

    it('stores a repeated identical body once, but the same body of another kind separately', async () => {
      const before = await storedCount(t.relay, 'acme');
      const body = '{"Result":{"ConversationID":"AG_dup"}}';
      const answers = await Promise.all([1, 2, 3].map(() => post(`${acme.callbackBaseUrl}/b2c-result`, body)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(await storedCount(t.relay, 'acme')).toBe(before + 1);
      await post(`${acme.callbackBaseUrl}/b2c-timeout`, body);
      expect(await storedCount(t.relay, 'acme')).toBe(before + 2);
    });

    it('acknowledged events are pruned after retention; unacknowledged ones never', async () => {
      const page = await pull(t.relay.url, acme.pullToken, '?after=0&limit=1000');
      const middle = page.events[2]!;
      const acked = await ack(t.relay.url, acme.pullToken, middle.cursor);
      expect(acked).toEqual({ status: 200, acknowledged: 3 });
      expect(await ack(t.relay.url, acme.pullToken, middle.cursor)).toEqual({ status: 200, acknowledged: 0 });
      expect((await ack(t.relay.url, acme.pullToken, 'abc')).status).toBe(400);
      // Retention 7 days: nothing acknowledged is old enough yet.
      expect(await t.relay.prune()).toBe(0);
      expect(await storedCount(t.relay, 'acme')).toBe(page.events.length);
      const metrics = await (await request(`${t.relay.url}/metrics`)).body.text();
      expect(metrics).toContain('relay_events_delivered_total{channel="acme"} 3');
      expect(metrics).toContain(`relay_events_pending ${page.events.length - 3}`);
      expect(metrics).toContain(`relay_channel_events_pending{channel="acme"} ${page.events.length - 3}`);
      expect(metrics).toContain('relay_callbacks_duplicate_total 2');
    });
  });

  describe('retention', () => {
    it('prunes acknowledged events once older than the retention period, on its timer', async () => {
      const t = await startTestRelay({ storeKind: kind, retentionMs: 0, pruneIntervalMs: 20 });
      try {
        const acme = await t.channel('acme');
        for (let i = 0; i < 4; i++) await post(`${acme.callbackBaseUrl}/b2c-result`, `{"i":${i}}`);
        const page = await pull(t.relay.url, acme.pullToken, '?after=0');
        await ack(t.relay.url, acme.pullToken, page.events[1]!.cursor);
        await expect.poll(() => storedCount(t.relay, 'acme')).toBe(2);
        const rest = await pull(t.relay.url, acme.pullToken, `?after=0`);
        expect(rest.events.map((e) => openEvent(acme, e).body)).toEqual(['{"i":2}', '{"i":3}']);
      } finally {
        await t.stop();
      }
    });
  });

  describe('health and closing', () => {
    it('answers /healthz, and close() ends a parked long-poll instead of waiting a minute', async () => {
      const t = await startTestRelay({ storeKind: kind });
      const acme = await t.channel('acme');
      const health = await request(`${t.relay.url}/healthz`);
      expect(await health.body.json()).toEqual({ status: 'ok' });
      const parked = pull(t.relay.url, acme.pullToken, '?wait=60').catch(() => undefined);
      await expect.poll(() => waitingCount(t)).toBeGreaterThan(0);
      const started = performance.now();
      await t.stop();
      await parked;
      expect(performance.now() - started).toBeLessThan(5000);
    });
  });
});

function waitingCount(t: TestRelay): number {
  return t.relay.waiting();
}
