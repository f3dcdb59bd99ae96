// Per-address limits: what fails the checks is counted and, past the limit, refused with 429;
// callbacks that pass the checks are never limited (Daraja does not retry a refused result);
// desktop pulls have their own limit; /metrics needs its token, or loopback without one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  post,
  pull,
  startTestRelay,
  stopTestPostgres,
  storedCount,
  storeKinds,
  type TestChannel,
  type TestRelay,
} from './helpers';

afterAll(stopTestPostgres);

describe.each(storeKinds)('per-address limits and the metrics token on the %s store', (kind) => {
  let t: TestRelay;
  let acme: TestChannel;
  beforeAll(async () => {
    t = await startTestRelay({
      storeKind: kind,
      rateLimit: { hooksPerMinute: 3, pullPerMinute: 2 },
      metricsToken: 'metrics-token-for-tests',
    });
    acme = await t.channel('acme');
  });
  afterAll(() => t.stop());

  it('never limits callbacks on a valid channel, however many come from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(`${acme.callbackBaseUrl}/b2c-result`, `{"i":${i}}`)).status);
    expect(statuses).toEqual(Array(12).fill(200));
    expect(await storedCount(t.relay, 'acme')).toBe(12);
  });

  it('counts refused callbacks per address and answers 429 past the limit, while valid ones still pass', async () => {
    const wrong = `${t.relay.url}/hooks/acme/${'0'.repeat(64)}/b2c-result`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(wrong, `{"w":${i}}`)).status);
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    expect((await post(`${acme.callbackBaseUrl}/b2c-result`, '{"after":1}')).status).toBe(200);
    expect(await storedCount(t.relay, 'acme')).toBe(13);
  });

  it('limits pulls separately from callbacks', async () => {
    expect((await pull(t.relay.url, acme.pullToken)).status).toBe(200);
    expect((await pull(t.relay.url, acme.pullToken)).status).toBe(200);
    expect((await pull(t.relay.url, acme.pullToken)).status).toBe(429);
  });

  it('shows metrics only with the metrics token, counting refusals by reason and callbacks by channel', async () => {
    // Refused: this address is already past its limit of refusals, so the answer is 429, not 401.
    const open = await request(`${t.relay.url}/metrics`);
    expect(open.statusCode).toBe(429);
    expect(await open.body.text()).not.toContain('relay_callbacks_received_total');
    const res = await request(`${t.relay.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-token-for-tests' },
    });
    const text = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(text).toContain('relay_requests_rejected_total{reason="wrong-secret"} 3');
    // Two callbacks, one pull, the metrics request without its token.
    expect(text).toContain('relay_requests_rejected_total{reason="rate-limited"} 4');
    expect(text).toContain('relay_callbacks_received_total{channel="acme",kind="b2c-result"} 13');
    expect(text).not.toContain('metrics-token-for-tests');
  });
});

describe('metrics without a token', () => {
  let t: TestRelay;
  beforeAll(async () => {
    // 127.0.0.1 is a trusted proxy: the forwarded address is the client's.
    t = await startTestRelay({ trustProxy: ['127.0.0.1'] });
  });
  afterAll(() => t.stop());

  it('are served on loopback only: a client from the internet is refused', async () => {
    const local = await request(`${t.relay.url}/metrics`);
    expect(local.statusCode).toBe(200);
    expect(await local.body.text()).toContain('relay_events_pending 0');
    const remote = await request(`${t.relay.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(remote.statusCode).toBe(401);
    expect(await remote.body.text()).not.toContain('relay_events_pending');
  });
});
