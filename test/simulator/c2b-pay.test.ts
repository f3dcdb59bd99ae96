// Customers who pay the Pay Bill on demand (POST /simulator/c2b/pay) and the STK shortcode and
// passkey flags: the payment is in the simulator's ground truth and its confirmation reaches the
// registered URL (dropped or repeated by the callback faults); an STK push is checked against the
// configured shortcode and passkey.
import { afterEach, describe, expect, it } from 'vitest';
import { formatDarajaTime } from '../../src/shared/time';
import { parseSimulatorArgs } from '../../src/simulator/cli-options';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index';
import { DarajaCaller, startReceiver, type CallbackReceiver } from './helpers';

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function setup(options: SimulatorOptions = {}): Promise<{ sim: RunningSimulator; receiver: CallbackReceiver }> {
  const sim = await startSimulator({
    seed: 3,
    openRegistry: true,
    ...options,
    faults: { callbackDelayMs: { min: 0, max: 2 }, ...options.faults },
  });
  const receiver = await startReceiver();
  running.push(sim, receiver);
  const daraja = new DarajaCaller(sim);
  await daraja.post('/mpesa/c2b/v2/registerurl', {
    ShortCode: sim.credentials.shortcode,
    ResponseType: 'Completed',
    ConfirmationURL: receiver.url('/confirm'),
    ValidationURL: receiver.url('/validate'),
  });
  return { sim, receiver };
}

async function pay(sim: RunningSimulator, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${sim.baseUrl}/simulator/c2b/pay`, { method: 'POST', body: JSON.stringify(body) });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

describe('POST /simulator/c2b/pay', () => {
  it('answers the receipt, keeps the payment in the ground truth and sends the confirmation', async () => {
    const { sim, receiver } = await setup();
    const answer = await pay(sim, { msisdn: '0711 000 555', amount: 1500, accountNumber: 'HOUSE-9' });
    expect(answer.status).toBe(200);
    const receipt = String(answer.body.receipt);
    expect(receipt).toMatch(/^[A-Z0-9]{10}$/);
    const [confirmation] = await receiver.waitFor(1, '/confirm');
    expect(confirmation?.body).toMatchObject({
      TransID: receipt,
      TransAmount: '1500.00',
      BillRefNumber: 'HOUSE-9',
      BusinessShortCode: sim.credentials.shortcode,
    });
    expect(sim.collections()).toEqual([
      expect.objectContaining({ receipt, msisdn: '254711000555', amountCents: 1500_00, kind: 'c2b' }),
    ]);
    const listed = (await (await fetch(`${sim.baseUrl}/simulator/collections`)).json()) as Array<{ receipt: string }>;
    expect(listed.map((c) => c.receipt)).toEqual([receipt]);
  });

  it('repeats the confirmation when the simulator duplicates callbacks; the money moves once', async () => {
    const { sim, receiver } = await setup({ faults: { duplicateCallback: 1 } });
    await pay(sim, { msisdn: '0711000556', amount: 10, accountNumber: 'A' });
    await receiver.waitFor(2, '/confirm');
    expect(sim.collections()).toHaveLength(1);
  });

  it('refuses what is not a payment, with words', async () => {
    const { sim } = await setup();
    expect((await pay(sim, { msisdn: '12', amount: 10, accountNumber: 'A' })).status).toBe(400);
    const cents = await pay(sim, { msisdn: '0711000556', amount: '10.50', accountNumber: 'A' });
    expect(cents).toMatchObject({ status: 400, body: { error: expect.stringMatching(/whole shillings/) } });
    expect(sim.collections()).toEqual([]);
  });
});

describe('STK shortcode and passkey', () => {
  it('takes --stk-shortcode and --stk-passkey, and refuses a shortcode that is not one', () => {
    const options = parseSimulatorArgs(['--stk-shortcode', '888777', '--stk-passkey', 'test-passkey']);
    expect(options).toMatchObject({ credentials: { stkShortcode: '888777', passkey: 'test-passkey' } });
    expect(() => parseSimulatorArgs(['--stk-shortcode', 'abc'])).toThrow(/--stk-shortcode takes 5 to 7 digits/);
  });

  it('accepts a push on the configured shortcode and passkey only', async () => {
    const { sim } = await setup({ credentials: { stkShortcode: '888777', passkey: 'test-passkey' } });
    const daraja = new DarajaCaller(sim);
    const timestamp = formatDarajaTime(new Date());
    const push = (shortcode: string, passkey: string) =>
      daraja.post('/mpesa/stkpush/v1/processrequest', {
        BusinessShortCode: shortcode,
        Password: Buffer.from(`${shortcode}${passkey}${timestamp}`).toString('base64'),
        Timestamp: timestamp,
        TransactionType: 'CustomerPayBillOnline',
        Amount: '10',
        PartyA: '254711000557',
        PartyB: shortcode,
        PhoneNumber: '254711000557',
        CallBackURL: 'http://127.0.0.1:9/stk',
        AccountReference: 'A',
        TransactionDesc: 'A',
      });
    expect((await push('888777', 'test-passkey')).status).toBe(200);
    expect((await push('174379', 'test-passkey')).body).toMatchObject({ errorMessage: 'Merchant does not exist' });
    expect((await push('888777', 'other')).body).toMatchObject({ errorMessage: 'Wrong credentials' });
  });
});
