// Every Daraja sample in test/fixtures/daraja is produced by the simulator over real HTTP, and the
// produced payload has the same keys and value types, field for field.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDarajaTime } from '../../src/shared/time';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';
import { DarajaCaller, resultParameters, shapeDifferences, startReceiver, type CallbackReceiver } from './helpers';

const sample = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/daraja/${name}.json`, import.meta.url), 'utf8'));

let simulator: RunningSimulator;
let receiver: CallbackReceiver;
let daraja: DarajaCaller;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 7, faults: { callbackDelayMs: { min: 0, max: 5 } } });
  receiver = await startReceiver();
  daraja = new DarajaCaller(simulator);
});

afterAll(async () => {
  await simulator.close();
  await receiver.close();
});

describe('simulator payloads match the Daraja samples', () => {
  it('oauth-response', async () => {
    const answer = await daraja.oauth();
    expect(answer.status).toBe(200);
    expect(shapeDifferences(sample('oauth-response'), answer.body)).toEqual([]);
    expect(answer.body.expires_in).toBe('3599');
    expect(String(answer.body.access_token)).toMatch(/^[A-Za-z0-9]{28}$/);
  });

  it('error-envelope', async () => {
    const answer = await daraja.post('/mpesa/b2c/v3/paymentrequest', daraja.b2cRequest(receiver), {
      token: 'notATokenThatWasIssued',
    });
    expect(answer.status).toBe(404);
    expect(shapeDifferences(sample('error-envelope'), answer.body)).toEqual([]);
    expect(answer.body).toMatchObject({ errorCode: '404.001.03', errorMessage: 'Invalid Access Token' });
  });

  it('b2c-sync-response and b2c-result-success', async () => {
    const request = daraja.b2cRequest(receiver, { ResultURL: receiver.url('/b2c/success') });
    const answer = await daraja.post('/mpesa/b2c/v3/paymentrequest', request);
    expect(answer.status).toBe(200);
    expect(shapeDifferences(sample('b2c-sync-response'), answer.body)).toEqual([]);
    expect(answer.body.OriginatorConversationID).toBe(request.OriginatorConversationID);
    expect(String(answer.body.ConversationID)).toMatch(
      new RegExp(`^AG_${formatDarajaTime(new Date()).slice(0, 8)}_[0-9a-f]{20}$`),
    );
    const [callback] = await receiver.waitFor(1, '/b2c/success');
    expect(shapeDifferences(sample('b2c-result-success'), callback?.body)).toEqual([]);
    const result = (callback?.body as { Result: Record<string, unknown> }).Result;
    expect(result.OriginatorConversationID).toBe(request.OriginatorConversationID);
    expect(result.ConversationID).toBe(answer.body.ConversationID);
    const parameters = resultParameters(callback?.body);
    expect(parameters.TransactionReceipt).toBe(result.TransactionID);
    expect(String(parameters.TransactionReceipt)).toMatch(/^[A-Z0-9]{10}$/);
    expect(String(parameters.TransactionCompletedDateTime)).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/);
    expect(parameters.ReceiverPartyPublicName).toBe('254705912645 - NICHOLAS JOHN SONGOK');
  });

  it('b2c-result-failure-2001', async () => {
    await daraja.post(
      '/mpesa/b2c/v3/paymentrequest',
      daraja.b2cRequest(receiver, {
        ResultURL: receiver.url('/b2c/fail'),
        SecurityCredential: daraja.credential('wrong password'),
      }),
    );
    const [callback] = await receiver.waitFor(1, '/b2c/fail');
    expect(shapeDifferences(sample('b2c-result-failure-2001'), callback?.body)).toEqual([]);
    expect((callback?.body as { Result: { ResultCode: number } }).Result.ResultCode).toBe(2001);
  });

  it('balance-result', async () => {
    const answer = await daraja.post('/mpesa/accountbalance/v1/query', daraja.queryRequest('balance', receiver));
    expect(shapeDifferences(sample('b2c-sync-response'), answer.body)).toEqual([]);
    const [callback] = await receiver.waitFor(1, '/balance/result');
    expect(shapeDifferences(sample('balance-result'), callback?.body)).toEqual([]);
    expect(String(resultParameters(callback?.body).AccountBalance)).toMatch(
      /^Working Account\|KES\|[-\d.]+\|[-\d.]+\|0\.00\|0\.00&Utility Account\|KES\|/,
    );
  });

  it('status-result', async () => {
    await daraja.post(
      '/mpesa/b2c/v3/paymentrequest',
      daraja.b2cRequest(receiver, { ResultURL: receiver.url('/b2c/for-status') }),
    );
    const [paid] = await receiver.waitFor(1, '/b2c/for-status');
    const receipt = (paid?.body as { Result: { TransactionID: string } }).Result.TransactionID;
    await daraja.post(
      '/mpesa/transactionstatus/v1/query',
      daraja.queryRequest('status', receiver, { TransactionID: receipt }),
    );
    const [callback] = await receiver.waitFor(1, '/status/result');
    expect(shapeDifferences(sample('status-result'), callback?.body)).toEqual([]);
    expect(resultParameters(callback?.body).ReceiptNo).toBe(receipt);
  });

  it('stk-push-sync-response, stk-callback-success and stk-query-response', async () => {
    const timestamp = formatDarajaTime(new Date());
    const c = simulator.credentials;
    const push = {
      BusinessShortCode: c.stkShortcode,
      Password: daraja.stkPassword(timestamp),
      Timestamp: timestamp,
      TransactionType: 'CustomerPayBillOnline',
      Amount: 1,
      PartyA: 254705912645,
      PartyB: c.stkShortcode,
      PhoneNumber: 254705912645,
      CallBackURL: receiver.url('/stk'),
      AccountReference: 'ref',
      TransactionDesc: 'desc',
    };
    const answer = await daraja.post('/mpesa/stkpush/v1/processrequest', push);
    expect(answer.status).toBe(200);
    expect(shapeDifferences(sample('stk-push-sync-response'), answer.body)).toEqual([]);
    expect(String(answer.body.CheckoutRequestID)).toMatch(/^ws_CO_\d{17}705912645$/);
    const [callback] = await receiver.waitFor(1, '/stk');
    expect(shapeDifferences(sample('stk-callback-success'), callback?.body)).toEqual([]);
    const query = await daraja.post('/mpesa/stkpushquery/v1/query', {
      BusinessShortCode: c.stkShortcode,
      Password: daraja.stkPassword(timestamp),
      Timestamp: timestamp,
      CheckoutRequestID: answer.body.CheckoutRequestID,
    });
    expect(query.status).toBe(200);
    expect(shapeDifferences(sample('stk-query-response'), query.body)).toEqual([]);
    expect(query.body).toMatchObject({
      ResultCode: '0',
      ResponseDescription: 'The service request has been accepted successsfully',
    });
  });

  it('c2b-confirmation and reversal-result', async () => {
    const shortcode = simulator.credentials.shortcode;
    const register = await daraja.post('/mpesa/c2b/v2/registerurl', {
      ShortCode: shortcode,
      ResponseType: 'Completed',
      ConfirmationURL: receiver.url('/c2b/confirm'),
    });
    expect(register.body).toMatchObject({ ResponseCode: '0', ResponseDescription: 'Success' });
    expect(register.body).toHaveProperty('OriginatorCoversationID');
    const simulate = await daraja.post('/mpesa/c2b/v2/simulate', {
      ShortCode: shortcode,
      CommandID: 'CustomerPayBillOnline',
      Amount: 5,
      Msisdn: 254705912645,
      BillRefNumber: 'INV-1',
    });
    expect(simulate.body).toMatchObject({
      ResponseCode: '0',
      ResponseDescription: 'Accept the service request successfully.',
    });
    const [confirmation] = await receiver.waitFor(1, '/c2b/confirm');
    expect(shapeDifferences(sample('c2b-confirmation'), confirmation?.body)).toEqual([]);
    const receipt = (confirmation?.body as { TransID: string }).TransID;
    await daraja.post(
      '/mpesa/reversal/v1/request',
      daraja.queryRequest('reversal', receiver, { TransactionID: receipt, Amount: '5' }),
    );
    const [callback] = await receiver.waitFor(1, '/reversal/result');
    expect(shapeDifferences(sample('reversal-result'), callback?.body)).toEqual([]);
    expect(resultParameters(callback?.body).OriginalTransactionID).toBe(receipt);
  });
});
