// Money coming in: STK Push customers by last digit, STK Query while pending and after, C2B
// registration and payments with validation, and reversals of what came in.
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDarajaTime } from '../../src/shared/time';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index';
import { DarajaCaller, resultOf, resultParameters, startReceiver, type CallbackReceiver } from './helpers';

const running: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function setup(
  options: SimulatorOptions = {},
): Promise<{ simulator: RunningSimulator; receiver: CallbackReceiver; daraja: DarajaCaller }> {
  const simulator = await startSimulator({
    seed: 9,
    openRegistry: true,
    floatCents: 0,
    ...options,
    faults: { callbackDelayMs: { min: 0, max: 2 }, ...options.faults },
  });
  const receiver = await startReceiver();
  running.push(simulator, receiver);
  return { simulator, receiver, daraja: new DarajaCaller(simulator) };
}

function stkPush(
  daraja: DarajaCaller,
  simulator: RunningSimulator,
  receiver: CallbackReceiver,
  phone: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const timestamp = formatDarajaTime(new Date());
  return {
    BusinessShortCode: simulator.credentials.stkShortcode,
    Password: daraja.stkPassword(timestamp),
    Timestamp: timestamp,
    TransactionType: 'CustomerPayBillOnline',
    Amount: '150',
    PartyA: phone,
    PartyB: simulator.credentials.stkShortcode,
    PhoneNumber: phone,
    CallBackURL: receiver.url(`/stk/${phone}`),
    AccountReference: 'INV-22',
    TransactionDesc: 'Invoice 22',
    ...overrides,
  };
}

async function utilityCents(daraja: DarajaCaller, receiver: CallbackReceiver): Promise<number> {
  const path = `/balance/${crypto.randomUUID()}`;
  await daraja.post(
    '/mpesa/accountbalance/v1/query',
    daraja.queryRequest('balance', receiver, { ResultURL: receiver.url(path) }),
  );
  const [callback] = await receiver.waitFor(1, path);
  const utility = String(resultParameters(callback?.body).AccountBalance)
    .split('&')
    .find((a) => a.startsWith('Utility Account'));
  return Math.round(Number(utility?.split('|')[2]) * 100);
}

type StkCallback = {
  Body: {
    stkCallback: {
      CheckoutRequestID?: string;
      ResultCode: number;
      ResultDesc: string;
      CallbackMetadata?: { Item: Array<{ Name: string; Value?: unknown }> };
    };
  };
};

describe('STK Push', () => {
  it.each([
    ['254705912640', 0, 'The service request is processed successfully.'],
    ['254705912645', 0, 'The service request is processed successfully.'],
    ['254705912646', 1032, 'Request cancelled by user'],
    ['254705912647', 1037, 'DS timeout user cannot be reached'],
    ['254705912648', 2001, 'The initiator information is invalid.'],
    ['254705912649', 1, 'The balance is insufficient for the transaction.'],
  ])('customer %s answers %i', async (phone, code, desc) => {
    const { simulator, receiver, daraja } = await setup();
    const push = await daraja.post('/mpesa/stkpush/v1/processrequest', stkPush(daraja, simulator, receiver, phone));
    expect(push.status).toBe(200);
    const [callback] = await receiver.waitFor(1, `/stk/${phone}`);
    const stk = (callback?.body as StkCallback).Body.stkCallback;
    expect(stk).toMatchObject({ ResultCode: code, ResultDesc: desc });
    expect(stk.CallbackMetadata !== undefined).toBe(code === 0);
    expect(await utilityCents(daraja, receiver)).toBe(code === 0 ? 150_00 : 0);
    if (code === 0) {
      const items = Object.fromEntries(stk.CallbackMetadata?.Item.map((i) => [i.Name, i.Value]) ?? []);
      expect(items).toMatchObject({ Amount: 150, PhoneNumber: Number(phone) });
      expect(String(items.MpesaReceiptNumber)).toMatch(/^[A-Z0-9]{10}$/);
    }
  });

  it('a number that is not an M-Pesa customer cannot be reached (1037)', async () => {
    const { simulator, receiver, daraja } = await setup({ openRegistry: false });
    await daraja.post('/mpesa/stkpush/v1/processrequest', stkPush(daraja, simulator, receiver, '254711222333'));
    const [callback] = await receiver.waitFor(1, '/stk/254711222333');
    expect((callback?.body as StkCallback).Body.stkCallback.ResultCode).toBe(1037);
  });

  it('query says "being processed" while the customer has not answered', async () => {
    const { simulator, receiver, daraja } = await setup({ faults: { callbackDelayMs: { min: 60_000, max: 60_000 } } });
    const push = await daraja.post(
      '/mpesa/stkpush/v1/processrequest',
      stkPush(daraja, simulator, receiver, '254705912645'),
    );
    const timestamp = formatDarajaTime(new Date());
    const query = await daraja.post('/mpesa/stkpushquery/v1/query', {
      BusinessShortCode: simulator.credentials.stkShortcode,
      Password: daraja.stkPassword(timestamp),
      Timestamp: timestamp,
      CheckoutRequestID: push.body.CheckoutRequestID,
    });
    expect(query).toEqual({
      status: 500,
      body: {
        requestId: push.body.CheckoutRequestID,
        errorCode: '500.001.1001',
        errorMessage: 'The transaction is being processed',
      },
    });
    const unknown = await daraja.post('/mpesa/stkpushquery/v1/query', {
      BusinessShortCode: simulator.credentials.stkShortcode,
      Password: daraja.stkPassword(timestamp),
      Timestamp: timestamp,
      CheckoutRequestID: 'ws_CO_000',
    });
    expect(unknown).toMatchObject({
      status: 400,
      body: { errorCode: '400.002.02', errorMessage: 'Bad Request - Invalid CheckoutRequestID' },
    });
  });

  it('stk-late-pay: the query says the prompt timed out, then the customer pays and the callback says so', async () => {
    const { simulator, receiver, daraja } = await setup({ faults: { stkLatePayMs: 300 } });
    const phone = '254705912641';
    const push = await daraja.post('/mpesa/stkpush/v1/processrequest', stkPush(daraja, simulator, receiver, phone));
    const query = async (): Promise<unknown> => {
      const timestamp = formatDarajaTime(new Date());
      const answer = await daraja.post('/mpesa/stkpushquery/v1/query', {
        BusinessShortCode: simulator.credentials.stkShortcode,
        Password: daraja.stkPassword(timestamp),
        Timestamp: timestamp,
        CheckoutRequestID: push.body.CheckoutRequestID,
      });
      return answer.body.ResultCode;
    };
    // The customer's first answer is the timeout: nothing moved, and no callback says it.
    for (let i = 0; i < 50 && (await query()) === undefined; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(await query()).toBe('1037');
    expect(simulator.collections()).toEqual([]);
    const [callback] = await receiver.waitFor(1, `/stk/${phone}`);
    const stk = (callback?.body as StkCallback).Body.stkCallback;
    expect(stk.ResultCode).toBe(0);
    expect(stk.CheckoutRequestID).toBe(push.body.CheckoutRequestID);
    expect(simulator.collections()).toHaveLength(1);
    expect(await query()).toBe('0');
  });

  it('refuses a wrong password and an unknown shortcode synchronously', async () => {
    const { simulator, receiver, daraja } = await setup();
    const wrong = await daraja.post(
      '/mpesa/stkpush/v1/processrequest',
      stkPush(daraja, simulator, receiver, '254705912645', { Timestamp: '20200101000000' }),
    );
    expect(wrong).toMatchObject({
      status: 500,
      body: { errorCode: '500.001.1001', errorMessage: 'Wrong credentials' },
    });
    const merchant = await daraja.post(
      '/mpesa/stkpush/v1/processrequest',
      stkPush(daraja, simulator, receiver, '254705912645', { BusinessShortCode: '174380' }),
    );
    expect(merchant).toMatchObject({
      status: 500,
      body: { errorCode: '500.001.1001', errorMessage: 'Merchant does not exist' },
    });
    await simulator.callbacksIdle();
    expect(receiver.received).toEqual([]);
  });
});

describe('C2B', () => {
  const simulate = (
    daraja: DarajaCaller,
    simulator: RunningSimulator,
    version: 'v1' | 'v2',
    amount = 500,
  ): Promise<unknown> =>
    daraja.post(`/mpesa/c2b/${version}/simulate`, {
      ShortCode: simulator.credentials.shortcode,
      CommandID: 'CustomerPayBillOnline',
      Amount: amount,
      Msisdn: '254705912645',
      BillRefNumber: 'ACC-9',
    });

  it('v1 hashes the MSISDN, v2 masks it; confirmation carries the balance after payment', async () => {
    const { simulator, receiver, daraja } = await setup();
    const register = await daraja.post('/mpesa/c2b/v1/registerurl', {
      ShortCode: simulator.credentials.shortcode,
      ResponseType: 'Completed',
      ConfirmationURL: receiver.url('/v1/confirm'),
      ValidationURL: receiver.url('/v1/validate'),
    });
    expect(register.body).toEqual({ ConversationID: '', OriginatorCoversationID: '', ResponseDescription: 'success' });
    await simulate(daraja, simulator, 'v1');
    const [validation] = await receiver.waitFor(1, '/v1/validate');
    const [confirmation] = await receiver.waitFor(1, '/v1/confirm');
    const hash = crypto.createHash('sha256').update('254705912645').digest('hex');
    expect(validation?.body).toMatchObject({
      MSISDN: hash,
      OrgAccountBalance: '',
      TransAmount: '500.00',
      BillRefNumber: 'ACC-9',
      TransactionType: 'Pay Bill',
    });
    expect(confirmation?.body).toMatchObject({
      MSISDN: hash,
      OrgAccountBalance: '500.00',
      FirstName: 'NICHOLAS',
      MiddleName: 'JOHN',
      LastName: 'SONGOK',
    });
    expect((confirmation?.body as { TransID: string }).TransID).toBe((validation?.body as { TransID: string }).TransID);

    await daraja.post('/mpesa/c2b/v2/registerurl', {
      ShortCode: simulator.credentials.shortcode,
      ResponseType: 'Completed',
      ConfirmationURL: receiver.url('/v2/confirm'),
    });
    await simulate(daraja, simulator, 'v2', 20);
    const [v2] = await receiver.waitFor(1, '/v2/confirm');
    expect(v2?.body).toMatchObject({ MSISDN: '2547 ***** 645', OrgAccountBalance: '520.00', TransAmount: '20.00' });
  });

  it('a rejecting validation stops the payment; an unreachable one follows ResponseType', async () => {
    const { simulator, receiver, daraja } = await setup();
    receiver.answer('/validate', 200, { ResultCode: 'C2B00012', ResultDesc: 'Rejected' });
    await daraja.post('/mpesa/c2b/v2/registerurl', {
      ShortCode: simulator.credentials.shortcode,
      ResponseType: 'Completed',
      ConfirmationURL: receiver.url('/confirm'),
      ValidationURL: receiver.url('/validate'),
    });
    await simulate(daraja, simulator, 'v2');
    await receiver.waitFor(1, '/validate');
    await simulator.callbacksIdle();
    expect(receiver.received.filter((c) => c.path === '/confirm')).toEqual([]);
    expect(await utilityCents(daraja, receiver)).toBe(0);

    await daraja.post('/mpesa/c2b/v2/registerurl', {
      ShortCode: simulator.credentials.shortcode,
      ResponseType: 'Cancelled',
      ConfirmationURL: receiver.url('/confirm'),
      ValidationURL: 'http://127.0.0.1:1/closed',
    });
    await simulate(daraja, simulator, 'v2');
    await simulator.callbacksIdle();
    expect(receiver.received.filter((c) => c.path === '/confirm')).toEqual([]);

    await daraja.post('/mpesa/c2b/v2/registerurl', {
      ShortCode: simulator.credentials.shortcode,
      ResponseType: 'Completed',
      ConfirmationURL: receiver.url('/confirm'),
      ValidationURL: 'http://127.0.0.1:1/closed',
    });
    await simulate(daraja, simulator, 'v2');
    await receiver.waitFor(1, '/confirm');
    expect(await utilityCents(daraja, receiver)).toBe(500_00);
  });
});

describe('Reversal', () => {
  it('reverses a collection once, refuses it twice, refuses unknown and B2C receipts', async () => {
    const { simulator, receiver, daraja } = await setup({ floatCents: 1_000_00 });
    await daraja.post('/mpesa/c2b/v2/registerurl', {
      ShortCode: simulator.credentials.shortcode,
      ResponseType: 'Completed',
      ConfirmationURL: receiver.url('/confirm'),
    });
    await daraja.post('/mpesa/c2b/v2/simulate', {
      ShortCode: simulator.credentials.shortcode,
      CommandID: 'CustomerPayBillOnline',
      Amount: 300,
      Msisdn: '254705912645',
      BillRefNumber: 'A',
    });
    const [confirmation] = await receiver.waitFor(1, '/confirm');
    const receipt = (confirmation?.body as { TransID: string }).TransID;
    expect(await utilityCents(daraja, receiver)).toBe(1_300_00);

    const reverse = async (transactionId: string, path: string): Promise<Record<string, unknown>> => {
      await daraja.post(
        '/mpesa/reversal/v1/request',
        daraja.queryRequest('reversal', receiver, {
          TransactionID: transactionId,
          Amount: '300',
          ResultURL: receiver.url(path),
        }),
      );
      const [callback] = await receiver.waitFor(1, path);
      return resultOf(callback?.body);
    };
    const first = await reverse(receipt, '/r/1');
    expect(first.ResultCode).toBe(0);
    expect(resultParameters({ Result: first })).toMatchObject({
      OriginalTransactionID: receipt,
      Amount: 300,
      CreditPartyPublicName: '254705912645 - NICHOLAS JOHN SONGOK',
      DebitAccountBalance: 'Utility Account|KES|1000.00|1000.00|0.00|0.00',
    });
    expect(first.TransactionID).not.toBe(receipt);
    expect(await utilityCents(daraja, receiver)).toBe(1_000_00);
    expect(await reverse(receipt, '/r/2')).toMatchObject({
      ResultCode: 'R000001',
      ResultDesc: 'The transaction has already been reversed.',
    });
    expect(await reverse('ZZZ9999999', '/r/3')).toMatchObject({
      ResultCode: 'R000002',
      ResultDesc: 'The OriginalTransactionID is invalid.',
    });

    await daraja.post(
      '/mpesa/b2c/v3/paymentrequest',
      daraja.b2cRequest(receiver, { Amount: '100', ResultURL: receiver.url('/paid') }),
    );
    const [paid] = await receiver.waitFor(1, '/paid');
    expect(await reverse(String(resultOf(paid?.body).TransactionID), '/r/4')).toMatchObject({ ResultCode: 2028 });
    expect(simulator.payments()).toHaveLength(1);
    expect(await utilityCents(daraja, receiver)).toBe(900_00);
  });
});
