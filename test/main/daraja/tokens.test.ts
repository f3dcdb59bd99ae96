// OAuth tokens: `expires_in` as string or number, refresh before expiry, one token request for many
// concurrent calls, and one refresh-and-retry when Daraja refuses a token.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { DarajaClient } from '../../../src/main/daraja';
import { AccessTokens, refreshTime } from '../../../src/main/daraja/auth';
import { DarajaHttp } from '../../../src/main/daraja/http';
import { oauthResponse } from '../../../src/main/daraja/schemas';

describe('reading the OAuth answer', () => {
  it('accepts expires_in as a string or a number', () => {
    expect(oauthResponse.parse({ access_token: 'c9SQxWWhmdVRlyh0zh8gZDTkubVF', expires_in: '3599' })).toEqual({
      accessToken: 'c9SQxWWhmdVRlyh0zh8gZDTkubVF',
      expiresInSeconds: 3599,
    });
    expect(
      oauthResponse.parse({ access_token: 'c9SQxWWhmdVRlyh0zh8gZDTkubVF', expires_in: 3599 }).expiresInSeconds,
    ).toBe(3599);
    expect(oauthResponse.safeParse({ access_token: 'x', expires_in: 'soon' }).success).toBe(false);
  });

  it('refreshes a safety margin before expiry, never more than a tenth of the token life', () => {
    expect(refreshTime(0, 3599, 60)).toBe(3539_000);
    expect(refreshTime(1_000, 2, 60)).toBe(1_000 + 1_800);
  });
});

describe('a token whose expires_in is a number', () => {
  let server: Server;
  let issued = 0;
  let http: DarajaHttp;
  beforeAll(async () => {
    server = createServer((req, res) => {
      issued++;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: `token${issued}`, expires_in: 3599 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    http = new DarajaHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await http.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is cached until the margin before expiry, then refreshed once', async () => {
    let now = 1_000_000;
    const tokens = new AccessTokens(http, 'key', 'secret', { safetyMarginSeconds: 60, now: () => now });
    expect(await tokens.get()).toEqual({ ok: true, token: 'token1' });
    now += 3_538_000;
    expect(await tokens.get()).toEqual({ ok: true, token: 'token1' });
    now += 2_000;
    const many = await Promise.all(Array.from({ length: 10 }, () => tokens.get()));
    expect(new Set(many.map((t) => (t.ok ? t.token : 'failed')))).toEqual(new Set(['token2']));
    expect(issued).toBe(2);
  });
});

describe('tokens against the simulator', () => {
  let sim: RunningSimulator;
  const callbackUrls = { resultUrl: 'http://127.0.0.1:9/result', queueTimeoutUrl: 'http://127.0.0.1:9/timeout' };
  beforeAll(async () => {
    // Callbacks go to a closed port: these tests look only at the synchronous side.
    sim = await startSimulator({ port: 0, seed: 3, callbackRetries: 0 });
  });
  afterAll(() => sim.close());
  const profile = () => ({
    name: 'tokens',
    baseUrl: sim.baseUrl,
    ...sim.credentials,
    certificatePem: sim.certificatePem,
  });

  it('makes exactly one token request for 100 concurrent calls', async () => {
    const client = new DarajaClient(profile());
    const outcomes = await Promise.all(Array.from({ length: 100 }, () => client.accountBalance(callbackUrls)));
    await client.close();
    expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(100);
    expect(sim.stats().tokenRequests).toBe(1);
    expect(client.tokenRequests).toBe(1);
  });

  it('refreshes exactly once when the token (expires_in "2") nears expiry', async () => {
    sim.setFaults({ tokenTtlSeconds: 2 });
    let now = Date.now();
    const client = new DarajaClient(profile(), { now: () => now });
    const tokensBefore = sim.stats().tokenRequests;
    const balanceCalls = () => sim.stats().requests['/mpesa/accountbalance/v1/query'] ?? 0;
    const callsBefore = balanceCalls();
    expect((await client.accountBalance(callbackUrls)).kind).toBe('accepted');
    now += 1_500; // still inside the token's life (minus a tenth)
    expect((await client.accountBalance(callbackUrls)).kind).toBe('accepted');
    now += 500; // past it: the client renews before Daraja refuses
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => client.accountBalance(callbackUrls)));
    await client.close();
    sim.setFaults({ tokenTtlSeconds: 3599 });
    expect(outcomes.every((o) => o.kind === 'accepted')).toBe(true);
    expect(sim.stats().tokenRequests - tokensBefore).toBe(2);
    expect(balanceCalls() - callsBefore).toBe(22); // no call was refused and repeated
  });

  it('refreshes once and retries once when Daraja refuses an expired token, paying once', async () => {
    sim.setFaults({ tokenTtlSeconds: 1 });
    const frozen = Date.now();
    const client = new DarajaClient(profile(), { now: () => frozen }); // the client never sees its token age
    expect((await client.accountBalance(callbackUrls)).kind).toBe('accepted');
    sim.setFaults({ tokenTtlSeconds: 3599 });

    // Wait for the signal that the simulator has expired the client's token: a token issued
    // just after it, with the same one-second life, gets refused.
    const probeTtl = await probeTokenExpiry(sim);
    expect(probeTtl).toBe('404.001.03');

    const b2cCalls = () => sim.stats().requests['/mpesa/b2c/v3/paymentrequest'] ?? 0;
    const before = b2cCalls();
    const outcome = await client.b2cPayment({
      originatorConversationId: 'after-expiry-1',
      commandId: 'SalaryPayment',
      amountCents: 50_00,
      party: '254708374149',
      remarks: 'Salary',
      ...callbackUrls,
    });
    await client.close();
    expect(outcome.kind).toBe('accepted');
    expect(client.tokenRequests).toBe(2);
    expect(b2cCalls() - before).toBe(2);
    expect(sim.payments().filter((p) => p.originatorConversationId === 'after-expiry-1')).toHaveLength(1);
  });
});

/** Gets a one-second token and polls with it until the simulator refuses it; returns the errorCode. */
async function probeTokenExpiry(sim: RunningSimulator): Promise<string> {
  sim.setFaults({ tokenTtlSeconds: 1 });
  const basic = Buffer.from(`${sim.credentials.consumerKey}:${sim.credentials.consumerSecret}`).toString('base64');
  const oauth = await request(`${sim.baseUrl}/oauth/v1/generate?grant_type=client_credentials`, {
    headers: { authorization: `Basic ${basic}` },
  });
  const { access_token: token } = (await oauth.body.json()) as { access_token: string };
  sim.setFaults({ tokenTtlSeconds: 3599 });
  for (;;) {
    const answer = await request(`${sim.baseUrl}/mpesa/stkpushquery/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await answer.body.json()) as { errorCode?: string };
    if (body.errorCode === '404.001.03') return body.errorCode;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
