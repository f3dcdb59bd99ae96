// Daraja's synchronous refusals (OAuth, tokens, methods, paths, payloads, fields) and the
// /simulator/* control paths a separate process is driven through.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { DarajaCaller, startReceiver, type CallbackReceiver } from './helpers';

let simulator: RunningSimulator;
let receiver: CallbackReceiver;
let daraja: DarajaCaller;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 3, faults: { callbackDelayMs: { min: 0, max: 2 } } });
  receiver = await startReceiver();
  daraja = new DarajaCaller(simulator);
});

afterAll(async () => {
  await simulator.close();
  await receiver.close();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const answer = await request(`${simulator.baseUrl}${path}`, { headers });
  return { status: answer.statusCode, text: await answer.body.text() };
}

describe('OAuth refusals', () => {
  it('wrong secret → 400.008.01, wrong grant type → 400.008.02, no Basic header → 400.008.01', async () => {
    const wrongSecret = await daraja.oauth(simulator.credentials.consumerKey, 'guess');
    expect(wrongSecret).toMatchObject({
      status: 400,
      body: { errorCode: '400.008.01', errorMessage: 'Invalid Authentication passed' },
    });
    const wrongGrant = await daraja.oauth(undefined, undefined, 'client_credentials%20');
    expect(wrongGrant).toMatchObject({
      status: 400,
      body: { errorCode: '400.008.02', errorMessage: 'Invalid grant type passed' },
    });
    const none = await get('/oauth/v1/generate?grant_type=client_credentials');
    expect(none.status).toBe(400);
    expect(JSON.parse(none.text)).toMatchObject({ errorCode: '400.008.01' });
  });

  it('POST to OAuth is not allowed', async () => {
    const answer = await request(`${simulator.baseUrl}/oauth/v1/generate?grant_type=client_credentials`, {
      method: 'POST',
    });
    expect(answer.statusCode).toBe(405);
    expect(await answer.body.json()).toMatchObject({ errorCode: '405.001', errorMessage: 'POST Method Not Allowed' });
  });
});

describe('business API refusals', () => {
  it('no bearer header → 404.001.04; GET → 405.001; unknown path → 404.001.01', async () => {
    const noHeader = await request(`${simulator.baseUrl}/mpesa/accountbalance/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noHeader.statusCode).toBe(404);
    expect(await noHeader.body.json()).toMatchObject({
      errorCode: '404.001.04',
      errorMessage: 'Invalid Authentication Header',
    });
    const viaGet = await get('/mpesa/b2c/v3/paymentrequest', { authorization: `Bearer ${await daraja.accessToken()}` });
    expect(viaGet.status).toBe(405);
    expect(JSON.parse(viaGet.text)).toMatchObject({ errorCode: '405.001', errorMessage: 'GET Method Not Allowed' });
    const nowhere = await daraja.post('/mpesa/b2c/v9/paymentrequest', {});
    expect(nowhere).toMatchObject({ status: 404, body: { errorCode: '404.001.01' } });
  });

  it('malformed JSON → 400.002.05; wrong content type reads as missing fields → 400.002.02', async () => {
    const malformed = await daraja.post('/mpesa/b2c/v3/paymentrequest', null, { raw: '{"Amount": 10,' });
    expect(malformed).toMatchObject({
      status: 400,
      body: { errorCode: '400.002.05', errorMessage: 'Invalid Request Payload' },
    });
    const plain = await daraja.post('/mpesa/b2c/v3/paymentrequest', daraja.b2cRequest(receiver), {
      contentType: 'text/plain',
    });
    expect(plain).toMatchObject({
      status: 400,
      body: { errorCode: '400.002.02', errorMessage: 'Bad Request - Invalid OriginatorConversationID' },
    });
  });

  it.each([
    ['Amount', { Amount: 'ten' }],
    ['Amount', { Amount: '10.50' }],
    ['PartyB', { PartyB: '0705912645' }],
    ['CommandID', { CommandID: 'PayEveryone' }],
    ['ResultURL', { ResultURL: 'not a url' }],
    ['Remarks', { Remarks: 'x' }],
    ['InitiatorName', { InitiatorName: undefined }],
  ])('names the bad field: %s', async (field, overrides) => {
    const answer = await daraja.post('/mpesa/b2c/v3/paymentrequest', daraja.b2cRequest(receiver, overrides));
    expect(answer).toMatchObject({
      status: 400,
      body: { errorCode: '400.002.02', errorMessage: `Bad Request - Invalid ${field}` },
    });
    expect(simulator.payments()).toEqual([]);
  });

  it('a refused request does not use up its OriginatorConversationID', async () => {
    const id = crypto.randomUUID();
    expect(
      (
        await daraja.post(
          '/mpesa/b2c/v3/paymentrequest',
          daraja.b2cRequest(receiver, { OriginatorConversationID: id, Amount: 'x' }),
        )
      ).status,
    ).toBe(400);
    expect(
      (await daraja.post('/mpesa/b2c/v3/paymentrequest', daraja.b2cRequest(receiver, { OriginatorConversationID: id })))
        .status,
    ).toBe(200);
    await simulator.callbacksIdle();
    expect(simulator.payments().filter((p) => p.originatorConversationId === id)).toHaveLength(1);
  });
});

describe('/simulator control paths', () => {
  it('serves the certificate the credentials are encrypted against', async () => {
    const pem = await get('/simulator/certificate');
    expect(pem.text).toBe(simulator.certificatePem);
    const certificate = new crypto.X509Certificate(pem.text);
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('sets faults, adds customers and reports payments and stats', async () => {
    const faults = await request(`${simulator.baseUrl}/simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ latencyMs: { min: 1, max: 3 }, dropCallback: 0.25 }),
    });
    expect(await faults.body.json()).toMatchObject({
      latencyMs: { min: 1, max: 3 },
      dropCallback: 0.25,
      errorBefore: 0,
      callbackDelayMs: { min: 0, max: 2 },
      tokenTtlSeconds: 3599,
      spikeArrestPerSecond: null,
    });
    const bad = await request(`${simulator.baseUrl}/simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ errorAfter: 2 }),
    });
    expect(bad.statusCode).toBe(400);
    await bad.body.dump();
    await request(`${simulator.baseUrl}/simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ latencyMs: { min: 0, max: 0 }, dropCallback: 0 }),
    }).then((r) => r.body.dump());

    const added = await request(`${simulator.baseUrl}/simulator/customers`, {
      method: 'POST',
      body: JSON.stringify([{ msisdn: '254722111222', name: 'Achieng Otieno' }]),
    });
    expect(await added.body.json()).toEqual({ added: 1 });
    const pay = await daraja.post(
      '/mpesa/b2c/v3/paymentrequest',
      daraja.b2cRequest(receiver, { PartyB: '254722111222', Amount: '750', ResultURL: receiver.url('/ctl') }),
    );
    expect(pay.status).toBe(200);
    await receiver.waitFor(1, '/ctl');
    const payments = JSON.parse((await get('/simulator/payments')).text) as Array<Record<string, unknown>>;
    expect(payments).toContainEqual(
      expect.objectContaining({
        party: '254722111222',
        amountCents: 750_00,
        chargeCents: 5_00,
        originatorConversationId: pay.body.OriginatorConversationID,
      }),
    );
    const stats = JSON.parse((await get('/simulator/stats')).text) as {
      tokenRequests: number;
      requests: Record<string, number>;
    };
    expect(stats.tokenRequests).toBeGreaterThanOrEqual(1);
    expect(stats.requests['/mpesa/b2c/v3/paymentrequest']).toBeGreaterThanOrEqual(1);
  });
});
