import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { generateChannelKeyPair } from '../../src/relay-server/sealing';
import {
  post,
  pull,
  startTestRelay,
  stopTestPostgres,
  storedCount,
  storedText,
  storeKinds,
  type TestChannel,
  type TestRelay,
} from './helpers';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/daraja', name), 'utf8');
const safaricomIp = '196.201.214.200';

afterAll(stopTestPostgres);

describe.each(storeKinds)('the relay on the %s store', (kind) => {
  describe('relay refuses what it must not store', () => {
    let t: TestRelay;
    let acme: TestChannel;
    let other: TestChannel;
    beforeAll(async () => {
      t = await startTestRelay({ storeKind: kind, adminToken: 'admin-token-for-tests' });
      acme = await t.channel('acme');
      other = await t.channel('other');
    });
    afterAll(() => t.stop());

    const body = '{"Result":{"ResultCode":0}}';

    it('refuses a wrong secret or an unknown channel and stores nothing', async () => {
      const secret = acme.callbackBaseUrl.split('/').at(-1) ?? '';
      const wrongSecret = await post(`${t.relay.url}/hooks/acme/${'0'.repeat(64)}/b2c-result`, body);
      const otherSecret = await post(
        `${t.relay.url}/hooks/acme/${other.callbackBaseUrl.split('/').at(-1)}/b2c-result`,
        body,
      );
      const unknown = await post(`${t.relay.url}/hooks/nobody/${secret}/b2c-result`, body);
      const badKind = await post(`${acme.callbackBaseUrl}/not-a-kind`, body);
      expect([wrongSecret.status, otherSecret.status, unknown.status, badKind.status]).toEqual([404, 404, 404, 404]);
      expect(await storedCount(t.relay, 'acme')).toBe(0);
    });

    it('refuses oversize, non-JSON and wrong-content-type bodies and stores nothing', async () => {
      const big = JSON.stringify({ pad: 'x'.repeat(64 * 1024) });
      expect((await post(`${acme.callbackBaseUrl}/b2c-result`, big)).status).toBe(413);
      expect((await post(`${acme.callbackBaseUrl}/b2c-result`, '{"Result": ')).status).toBe(400);
      expect((await post(`${acme.callbackBaseUrl}/b2c-result`, '')).status).toBe(400);
      expect((await post(`${acme.callbackBaseUrl}/b2c-result`, body, { 'content-type': 'text/plain' })).status).toBe(
        415,
      );
      expect(
        (
          await post(`${acme.callbackBaseUrl}/b2c-result`, body, {
            'content-type': 'application/x-www-form-urlencoded',
          })
        ).status,
      ).toBe(415);
      expect(await storedCount(t.relay, 'acme')).toBe(0);
      // The same body, properly sent, is accepted: the refusals above were about the request, not the relay.
      const ok = await post(`${acme.callbackBaseUrl}/b2c-result`, body, {
        'content-type': 'application/json; charset=utf-8',
      });
      expect(ok).toEqual({ status: 200, json: { ResultCode: 0, ResultDesc: 'Accepted' } });
      expect(await storedCount(t.relay, 'acme')).toBe(1);
    });

    it('refuses a pull with no token, a wrong token, or another channel token for this channel', async () => {
      expect((await pull(t.relay.url, undefined)).status).toBe(401);
      expect((await pull(t.relay.url, 'f'.repeat(64))).status).toBe(401);
      const asOther = await pull(t.relay.url, other.pullToken);
      expect(asOther.status).toBe(200);
      expect(asOther.events).toHaveLength(0); // acme's event is not visible to other
      const ack = await request(`${t.relay.url}/v1/ack`, {
        method: 'POST',
        body: '{"upTo":"999"}',
        headers: { 'content-type': 'application/json' },
      });
      expect(ack.statusCode).toBe(401);
      await ack.body.dump();
    });

    it('registers a channel in one step only with the admin token', async () => {
      const { publicKeyPem } = generateChannelKeyPair();
      const send = (token: string | undefined, name: string) =>
        request(`${t.relay.url}/v1/channels`, {
          method: 'POST',
          body: JSON.stringify({ name, publicKey: publicKeyPem }),
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        }).then(async (r) => ({ status: r.statusCode, json: (await r.body.json()) as Record<string, string> }));
      expect((await send(undefined, 'shop')).status).toBe(401);
      expect((await send('wrong', 'shop')).status).toBe(401);
      const made = await send('admin-token-for-tests', 'shop');
      expect(made.status).toBe(201);
      expect(made.json.callbackBaseUrl).toMatch(new RegExp(`^${t.relay.url}/hooks/shop/[0-9a-f]{64}$`));
      expect((await send('admin-token-for-tests', 'shop')).status).toBe(409);
      expect((await send('admin-token-for-tests', 'my-mpesa')).status).toBe(400);
      expect((await post(`${made.json.callbackBaseUrl}/stk`, body)).status).toBe(200);
      expect((await pull(t.relay.url, made.json.pullToken)).events).toHaveLength(1);
    });

    it('stores no phone number, name or amount in plain text', async () => {
      for (const [file, kind] of [
        ['b2c-result-success.json', 'b2c-result'],
        ['stk-callback-success.json', 'stk'],
        ['c2b-confirmation.json', 'c2b-confirmation'],
        ['status-result.json', 'status-result'],
      ] as const) {
        expect((await post(`${acme.callbackBaseUrl}/${kind}`, fixture(file))).status).toBe(200);
      }
      // A distinctive amount, so a plain-text leak could not hide behind a common number.
      const withAmount = fixture('b2c-result-success.json').replace('"Value": 10\n', '"Value": 73519\n');
      expect(withAmount).toContain('73519');
      expect((await post(`${acme.callbackBaseUrl}/b2c-result`, withAmount)).status).toBe(200);
      const sample = fixture('b2c-result-success.json');
      expect(sample).toContain('254705912645');
      expect(sample).toContain('NICHOLAS');
      const bytes = await storedText(t);
      expect(bytes.length).toBeGreaterThan(10_000);
      for (const needle of [
        '254705912645',
        'NICHOLAS',
        'SONGOK',
        '73519',
        '8959269.6',
        'TransactionAmount',
        '"Amount"',
        'ReceiverPartyPublicName',
      ]) {
        expect(bytes, needle).not.toContain(needle);
      }
    });
  });

  describe('source address allowlist', () => {
    let t: TestRelay;
    let acme: TestChannel;
    beforeAll(async () => {
      t = await startTestRelay({ storeKind: kind, allowlist: [safaricomIp], trustProxy: ['127.0.0.1'] });
      acme = await t.channel('acme');
    });
    afterAll(() => t.stop());

    it('refuses an address not on the list and stores nothing', async () => {
      // 127.0.0.1 is a trusted proxy here, so the forwarded address is the one judged.
      const res = await post(`${acme.callbackBaseUrl}/b2c-result`, '{"a":1}', {
        'content-type': 'application/json',
        'x-forwarded-for': '203.0.113.9',
      });
      expect(res.status).toBe(403);
      expect(await storedCount(t.relay, 'acme')).toBe(0);
    });

    it('accepts a listed address forwarded by a trusted proxy, and records it', async () => {
      const res = await post(`${acme.callbackBaseUrl}/b2c-result`, '{"a":2}', {
        'content-type': 'application/json',
        'x-forwarded-for': safaricomIp,
      });
      expect(res.status).toBe(200);
      expect(await storedCount(t.relay, 'acme')).toBe(1);
    });
  });

  describe('X-Forwarded-For from an untrusted peer', () => {
    let t: TestRelay;
    let acme: TestChannel;
    beforeAll(async () => {
      t = await startTestRelay({ storeKind: kind, allowlist: [safaricomIp] });
      acme = await t.channel('acme');
    });
    afterAll(() => t.stop());

    it('is ignored: a forged Safaricom address does not pass the list', async () => {
      const res = await post(`${acme.callbackBaseUrl}/b2c-result`, '{"a":1}', {
        'content-type': 'application/json',
        'x-forwarded-for': safaricomIp,
      });
      expect(res.status).toBe(403);
      expect(await storedCount(t.relay, 'acme')).toBe(0);
    });
  });
});
