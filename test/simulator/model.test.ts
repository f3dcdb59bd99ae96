// The simulated organisation behaves like M-Pesa: balances move by amount and tariff charge, unknown
// customers, limits, funds, duplicate IDs and wrong initiator passwords fail the way Daraja fails.
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultStatusNotFound,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/simulator/index';
import { DarajaCaller, resultOf, resultParameters, startReceiver, type CallbackReceiver } from './helpers';

const running: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function setup(
  options: SimulatorOptions = {},
): Promise<{ simulator: RunningSimulator; receiver: CallbackReceiver; daraja: DarajaCaller }> {
  const simulator = await startSimulator({
    seed: 11,
    ...options,
    faults: { callbackDelayMs: { min: 0, max: 2 }, ...options.faults },
  });
  const receiver = await startReceiver();
  running.push(simulator, receiver);
  return { simulator, receiver, daraja: new DarajaCaller(simulator) };
}

async function balances(daraja: DarajaCaller, receiver: CallbackReceiver): Promise<Record<string, number>> {
  const before = receiver.received.filter((c) => c.path === '/balance/result').length;
  await daraja.post('/mpesa/accountbalance/v1/query', daraja.queryRequest('balance', receiver));
  const callbacks = await receiver.waitFor(before + 1, '/balance/result');
  const value = String(resultParameters(callbacks.at(-1)?.body).AccountBalance);
  return Object.fromEntries(
    value.split('&').map((account) => {
      const [name = '', , current = '0'] = account.split('|');
      return [name, Math.round(Number(current) * 100)];
    }),
  );
}

async function pay(
  daraja: DarajaCaller,
  receiver: CallbackReceiver,
  overrides: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const path = `/b2c/${String(overrides.OriginatorConversationID ?? Math.random())}`;
  const answer = await daraja.post(
    '/mpesa/b2c/v3/paymentrequest',
    daraja.b2cRequest(receiver, { ResultURL: receiver.url(path), ...overrides }),
  );
  expect(answer.status).toBe(200);
  const [callback] = await receiver.waitFor(1, path);
  return resultOf(callback?.body);
}

describe('simulated organisation', () => {
  it('moves Utility by the amount and Charges Paid by the tariff charge', async () => {
    const { simulator, receiver, daraja } = await setup({ floatCents: 100_000_00 });
    const opening = await balances(daraja, receiver);
    expect(opening['Utility Account']).toBe(100_000_00);
    const result = await pay(daraja, receiver, { Amount: '2000' }); // 1,501–2,500 band: KES 9
    expect(result.ResultCode).toBe(0);
    const after = await balances(daraja, receiver);
    expect(after['Utility Account']).toBe(100_000_00 - 2000_00);
    expect(after['Charges Paid Account']).toBe(-9_00);
    expect(resultParameters({ Result: result }).B2CUtilityAccountAvailableFunds).toBe(98_000);
    expect(simulator.payments()).toEqual([
      expect.objectContaining({
        party: '254705912645',
        amountCents: 2000_00,
        chargeCents: 9_00,
        commandId: 'SalaryPayment',
        receipt: result.TransactionID,
      }),
    ]);
  });

  it('refuses an unknown number with 2040 and pays nobody', async () => {
    const { simulator, receiver, daraja } = await setup();
    const result = await pay(daraja, receiver, { PartyB: '254712000111' });
    expect(result.ResultCode).toBe(2040);
    expect(result.ResultDesc).toBe(
      "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.",
    );
    expect(result).not.toHaveProperty('ResultParameters');
    expect(String(result.TransactionID)).toMatch(/^[A-Z0-9]{3}0000000$/);
    expect(simulator.payments()).toEqual([]);
  });

  it('with an open registry pays any Safaricom number under a stable made-up name', async () => {
    const { simulator, receiver, daraja } = await setup({ openRegistry: true });
    const first = await pay(daraja, receiver, { PartyB: '254712000111' });
    const second = await pay(daraja, receiver, { PartyB: '254712000111' });
    expect(first.ResultCode).toBe(0);
    expect(resultParameters({ Result: first }).ReceiverPartyPublicName).toBe(
      resultParameters({ Result: second }).ReceiverPartyPublicName,
    );
    expect(String(resultParameters({ Result: first }).ReceiverPartyPublicName)).toMatch(
      /^254712000111 - [A-Z]+ [A-Z]+$/,
    );
    expect(simulator.payments()).toHaveLength(2);
    expect((await pay(daraja, receiver, { PartyB: '254733000111' })).ResultCode).toBe(2040); // not Safaricom
  });

  it('customers added later are registered', async () => {
    const { simulator, receiver, daraja } = await setup();
    simulator.addCustomers([{ msisdn: '0722000333', name: 'Wanjiku Kamau' }]);
    const result = await pay(daraja, receiver, { PartyB: '254722000333' });
    expect(resultParameters({ Result: result }).ReceiverPartyPublicName).toBe('254722000333 - WANJIKU KAMAU');
  });

  it('applies the B2C limits: below KES 10 → 2, above KES 250,000 → 3', async () => {
    const { simulator, receiver, daraja } = await setup();
    expect((await pay(daraja, receiver, { Amount: '9' })).ResultCode).toBe(2);
    expect((await pay(daraja, receiver, { Amount: '250001' })).ResultCode).toBe(3);
    expect((await pay(daraja, receiver, { Amount: '10' })).ResultCode).toBe(0);
    expect(simulator.payments().map((p) => p.amountCents)).toEqual([10_00]);
  });

  it('answers 1 when the Utility account cannot cover the payment', async () => {
    const { simulator, receiver, daraja } = await setup({ floatCents: 1500_00 });
    expect((await pay(daraja, receiver, { Amount: '1000' })).ResultCode).toBe(0);
    const refused = await pay(daraja, receiver, { Amount: '1000' });
    expect(refused.ResultCode).toBe(1);
    expect(refused.ResultDesc).toBe('The balance is insufficient for the transaction.');
    expect(simulator.payments()).toHaveLength(1);
  });

  it('refuses a reused OriginatorConversationID synchronously and pays once', async () => {
    const { simulator, receiver, daraja } = await setup();
    const request = daraja.b2cRequest(receiver, { ResultURL: receiver.url('/b2c/dup') });
    expect((await daraja.post('/mpesa/b2c/v3/paymentrequest', request)).status).toBe(200);
    const again = await daraja.post('/mpesa/b2c/v3/paymentrequest', request);
    expect(again.status).toBe(500);
    expect(again.body).toMatchObject({
      errorCode: '500.002.1001',
      errorMessage: 'Duplicate OriginatorConversationID.',
    });
    await receiver.waitFor(1, '/b2c/dup');
    await simulator.callbacksIdle();
    expect(receiver.received.filter((c) => c.path === '/b2c/dup')).toHaveLength(1);
    expect(simulator.payments()).toHaveLength(1);
  });

  it('answers a wrong initiator password or name with a 2001 result, not a sync error', async () => {
    const { simulator, receiver, daraja } = await setup();
    expect((await pay(daraja, receiver, { SecurityCredential: daraja.credential('Safaricom999!*') })).ResultCode).toBe(
      2001,
    );
    expect((await pay(daraja, receiver, { InitiatorName: 'someoneelse' })).ResultCode).toBe(2001);
    expect((await pay(daraja, receiver, { SecurityCredential: 'bm90IGVuY3J5cHRlZA==' })).ResultCode).toBe(2001);
    expect(simulator.payments()).toEqual([]);
  });

  it('v1 makes its own OriginatorConversationID and pays', async () => {
    const { simulator, receiver, daraja } = await setup();
    const body = daraja.b2cRequest(receiver, { ResultURL: receiver.url('/b2c/v1') });
    delete body.OriginatorConversationID;
    const answer = await daraja.post('/mpesa/b2c/v1/paymentrequest', body);
    expect(String(answer.body.OriginatorConversationID)).toMatch(
      /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\d{7}$/,
    );
    const [callback] = await receiver.waitFor(1, '/b2c/v1');
    expect(resultOf(callback?.body).OriginatorConversationID).toBe(answer.body.OriginatorConversationID);
    expect(simulator.payments()[0]?.originatorConversationId).toBe(answer.body.OriginatorConversationID);
  });

  it('Transaction Status finds a payment by receipt and by OriginatorConversationID, and says when it has none', async () => {
    const { receiver, daraja } = await setup();
    const id = 'payroll-7-attempt-1';
    const paid = await pay(daraja, receiver, { OriginatorConversationID: id, Amount: '300' });
    const ask = async (path: string, overrides: Record<string, unknown>): Promise<Record<string, unknown>> => {
      await daraja.post(
        '/mpesa/transactionstatus/v1/query',
        daraja.queryRequest('status', receiver, { ResultURL: receiver.url(path), ...overrides }),
      );
      const [callback] = await receiver.waitFor(1, path);
      return resultOf(callback?.body);
    };
    const byReceipt = await ask('/s/1', { TransactionID: paid.TransactionID });
    const byId = await ask('/s/2', { OriginalConversationID: id });
    for (const found of [byReceipt, byId]) {
      expect(found.ResultCode).toBe(0);
      const p = resultParameters({ Result: found });
      expect(p).toMatchObject({
        ReceiptNo: paid.TransactionID,
        OriginatorConversationID: id,
        Amount: '300',
        TransactionStatus: 'Completed',
        ReasonType: 'Salary Payment via API',
        DebitPartyCharges: 'Fee For B2C Payment|KES|5.00',
      });
    }
    const unknown = await ask('/s/3', { OriginalConversationID: 'never-sent' });
    expect(unknown).toMatchObject({
      ResultCode: defaultStatusNotFound.resultCode,
      ResultDesc: defaultStatusNotFound.resultDesc,
    });
    expect(defaultStatusNotFound).toEqual({ resultCode: 'SFC_IC0003', resultDesc: 'The operator does not exist.' });
    expect(unknown).not.toHaveProperty('ResultParameters');
  });

  it('Transaction Status answers a processed but failed B2C with its original failure, not "not found"', async () => {
    const { simulator, receiver, daraja } = await setup();
    const id = 'payroll-8-attempt-1';
    const refused = await pay(daraja, receiver, { OriginatorConversationID: id, PartyB: '254799000001' });
    expect(refused.ResultCode).toBe(2040);
    await daraja.post(
      '/mpesa/transactionstatus/v1/query',
      daraja.queryRequest('status', receiver, { ResultURL: receiver.url('/s/f'), OriginalConversationID: id }),
    );
    const [callback] = await receiver.waitFor(1, '/s/f');
    const status = resultOf(callback?.body);
    expect(status).toMatchObject({ ResultCode: 2040, ResultDesc: refused.ResultDesc });
    expect(status).not.toHaveProperty('ResultParameters');
    expect(simulator.payments()).toEqual([]);
  });
});
