import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { post, pull, startTestRelay, storedCount, type TestChannel, type TestRelay } from './helpers';

describe('per-address rate limits and the metrics token', () => {
  let t: TestRelay;
  let acme: TestChannel;
  beforeAll(async () => {
    t = await startTestRelay({ rateLimit: { hooksPerMinute: 3, pullPerMinute: 2 }, metricsToken: 'metrics-token-for-tests' });
    acme = await t.channel('acme');
  });
  afterAll(() => t.stop());

  it('refuses callbacks past the per-minute limit and stores none of them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(`${acme.callbackBaseUrl}/b2c-result`, `{"i":${i}}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await storedCount(t.relay, 'acme')).toBe(3);
  });

  it('limits pulls separately from callbacks', async () => {
    expect((await pull(t.relay.url, acme.pullToken)).status).toBe(200);
    expect((await pull(t.relay.url, acme.pullToken)).status).toBe(200);
    expect((await pull(t.relay.url, acme.pullToken)).status).toBe(429);
  });

  it('shows metrics only with the metrics token, counting refusals by reason', async () => {
    const open = await request(`${t.relay.url}/metrics`);
    expect(open.statusCode).toBe(401);
    await open.body.dump();
    const res = await request(`${t.relay.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-for-tests' } });
    const text = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(text).toContain('relay_requests_rejected_total{reason="rate-limited"} 3');
    expect(text).toContain('relay_callbacks_received_total{kind="b2c-result"} 3');
    expect(text).not.toContain('metrics-token-for-tests');
  });
});
