// Every Daraja call, made by the client against the real simulator over loopback HTTP, with the
// asynchronous results arriving at a real callback receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { DarajaClient, type CallOutcome } from '../../../src/main/daraja';
import { describeResultCode } from '../../../src/shared/daraja/codes';
import { parametersOf, resultOf, startCallbackReceiver, type CallbackReceiver } from './callback-receiver';

let sim: RunningSimulator;
let receiver: CallbackReceiver;
let client: DarajaClient;

function valueOf<T>(outcome: CallOutcome<T>): T {
  if (outcome.kind !== 'accepted')
    throw new Error(`expected accepted, got ${outcome.kind}: ${outcome.error.code} ${outcome.error.message}`);
  return outcome.value;
}

const urls = (name: string) => ({
  resultUrl: receiver.url(`/${name}/result`),
  queueTimeoutUrl: receiver.url(`/${name}/timeout`),
});
const byOriginatorId = (id: string) => (body: unknown) => resultOf(body).OriginatorConversationID === id;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 1, faults: { callbackDelayMs: { min: 0, max: 5 } } });
  receiver = await startCallbackReceiver();
  client = new DarajaClient({
    name: 'test',
    baseUrl: sim.baseUrl,
    ...sim.credentials,
    certificatePem: sim.certificatePem,
  });
});

afterAll(async () => {
  await client.close();
  await sim.close();
  await receiver.close();
});

describe('DarajaClient against the simulator', () => {
  it('pays a worker over B2C v3 under the caller’s OriginatorConversationID, exactly once', async () => {
    const accepted = valueOf(
      await client.b2cPayment({
        originatorConversationId: 'run1-item1-attempt1',
        commandId: 'SalaryPayment',
        amountCents: 1_500_00,
        party: '254705912645',
        remarks: 'November salary',
        occasion: 'Payroll',
        ...urls('b2c'),
      }),
    );
    expect(accepted.originatorConversationId).toBe('run1-item1-attempt1');
    expect(accepted.conversationId).toMatch(/^AG_\d{8}_/);

    const callback = await receiver.waitFor('/b2c/result', byOriginatorId('run1-item1-attempt1'));
    expect(Number(resultOf(callback.body).ResultCode)).toBe(0);
    const paid = sim.payments().filter((p) => p.originatorConversationId === 'run1-item1-attempt1');
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({
      party: '254705912645',
      amountCents: 1_500_00,
      conversationId: accepted.conversationId,
    });
    expect(parametersOf(callback.body).TransactionReceipt).toBe(paid[0]!.receipt);
  });

  it('asks for the account balance', async () => {
    const accepted = valueOf(await client.accountBalance(urls('balance')));
    const callback = await receiver.waitFor('/balance/result', byOriginatorId(accepted.originatorConversationId));
    expect(String(parametersOf(callback.body).AccountBalance)).toMatch(/Utility Account\|KES\|/);
  });

  it('asks the status of a payment by receipt and by OriginatorConversationID', async () => {
    valueOf(
      await client.b2cPayment({
        originatorConversationId: 'status-check-1',
        commandId: 'BusinessPayment',
        amountCents: 200_00,
        party: '254708374149',
        remarks: 'Bonus',
        ...urls('b2c'),
      }),
    );
    await receiver.waitFor('/b2c/result', byOriginatorId('status-check-1'));
    const receipt = sim.payments().find((p) => p.originatorConversationId === 'status-check-1')!.receipt;

    const byReceipt = valueOf(await client.transactionStatus({ receipt, ...urls('status') }));
    const byId = valueOf(
      await client.transactionStatus({ originatorConversationId: 'status-check-1', ...urls('status') }),
    );
    for (const accepted of [byReceipt, byId]) {
      const callback = await receiver.waitFor('/status/result', byOriginatorId(accepted.originatorConversationId));
      expect(Number(resultOf(callback.body).ResultCode)).toBe(0);
      expect(parametersOf(callback.body).ReceiptNo).toBe(receipt);
    }
  });

  it('refuses a request it cannot send correctly, without sending it', async () => {
    const before = sim.stats().requests['/mpesa/b2c/v3/paymentrequest'] ?? 0;
    const outcome = await client.b2cPayment({
      originatorConversationId: 'bad-1',
      commandId: 'SalaryPayment',
      amountCents: 100_50,
      party: '0712345678',
      remarks: 'x',
      ...urls('b2c'),
    });
    expect(outcome.kind).toBe('definitive');
    if (outcome.kind === 'definitive') expect(outcome.error.action).toBe('fix_request');
    expect(sim.stats().requests['/mpesa/b2c/v3/paymentrequest'] ?? 0).toBe(before);
  });

  it('registers C2B URLs (v1 and v2), takes a simulated customer payment and reverses it', async () => {
    for (const version of ['v1', 'v2'] as const) {
      const registered = await client.registerC2bUrls(
        {
          responseType: 'Completed',
          confirmationUrl: receiver.url(`/c2b/${version}/confirmation`),
          validationUrl: receiver.url(`/c2b/${version}/validation`),
        },
        version,
      );
      valueOf(registered);
    }
    valueOf(
      await client.simulateC2b({ amountCents: 250_00, msisdn: '254708374149', billRefNumber: 'INV-7', version: 'v2' }),
    );
    const confirmation = (await receiver.waitFor('/c2b/v2/confirmation')).body as {
      TransID: string;
      TransAmount: string;
      MSISDN: string;
    };
    expect(confirmation.TransAmount).toBe('250.00');
    expect(confirmation.MSISDN).toContain('*****');

    const reversal = valueOf(
      await client.reversal({
        receipt: confirmation.TransID,
        amountCents: 250_00,
        remarks: 'Paid by mistake',
        ...urls('reversal'),
      }),
    );
    const result = await receiver.waitFor('/reversal/result', byOriginatorId(reversal.originatorConversationId));
    expect(Number(resultOf(result.body).ResultCode)).toBe(0);
    expect(parametersOf(result.body).OriginalTransactionID).toBe(confirmation.TransID);
  });

  it('sends an M-Pesa Express prompt and follows it from pending to completed', async () => {
    sim.setFaults({ callbackDelayMs: { min: 400, max: 400 } });
    try {
      const push = valueOf(
        await client.stkPush({
          phone: '254705912645',
          amountCents: 10_00,
          accountReference: 'Loan 42',
          callbackUrl: receiver.url('/stk'),
        }),
      );
      expect(push.checkoutRequestId).toMatch(/^ws_CO_/);
      expect(valueOf(await client.stkQuery({ checkoutRequestId: push.checkoutRequestId }))).toEqual({
        state: 'pending',
      });

      const callback = await receiver.waitFor(
        '/stk',
        (b) =>
          (b as { Body: { stkCallback: { CheckoutRequestID: string } } }).Body.stkCallback.CheckoutRequestID ===
          push.checkoutRequestId,
      );
      expect((callback.body as { Body: { stkCallback: { ResultCode: number } } }).Body.stkCallback.ResultCode).toBe(0);
      const done = valueOf(await client.stkQuery({ checkoutRequestId: push.checkoutRequestId }));
      expect(done).toMatchObject({ state: 'completed', resultCode: '0', checkoutRequestId: push.checkoutRequestId });
    } finally {
      sim.setFaults({ callbackDelayMs: { min: 0, max: 5 } });
    }
  });

  it('refuses M-Pesa Express on a profile without a passkey, before sending', async () => {
    const bare = new DarajaClient({
      name: 'no-stk',
      baseUrl: sim.baseUrl,
      ...sim.credentials,
      passkey: undefined,
      certificatePem: sim.certificatePem,
    });
    const outcome = await bare.stkPush({
      phone: '254705912645',
      amountCents: 10_00,
      accountReference: 'x',
      callbackUrl: receiver.url('/stk'),
    });
    await bare.close();
    expect(outcome.kind === 'definitive' && outcome.error.code).toBe('mshahara.stk_not_configured');
  });

  it('refuses a payment when the certificate cannot be read, before sending', async () => {
    const broken = new DarajaClient({
      name: 'bad-cert',
      baseUrl: sim.baseUrl,
      ...sim.credentials,
      certificatePem: 'not a certificate',
    });
    const before = sim.stats().requests['/mpesa/b2c/v3/paymentrequest'] ?? 0;
    const outcome = await broken.b2cPayment({
      originatorConversationId: 'bad-cert-1',
      commandId: 'SalaryPayment',
      amountCents: 100_00,
      party: '254705912645',
      remarks: 'Salary',
      ...urls('b2c'),
    });
    await broken.close();
    expect(outcome.kind).toBe('definitive');
    if (outcome.kind === 'definitive')
      expect(outcome.error).toMatchObject({ code: 'mshahara.security_credential', action: 'check_credentials' });
    expect(sim.stats().requests['/mpesa/b2c/v3/paymentrequest'] ?? 0).toBe(before);
  });

  it('learns of a wrong initiator password from the result (2001), with the action to check credentials', async () => {
    const wrong = new DarajaClient({
      name: 'wrong-initiator',
      baseUrl: sim.baseUrl,
      ...sim.credentials,
      initiatorPassword: 'not-the-password',
      certificatePem: sim.certificatePem,
    });
    const outcome = await wrong.b2cPayment({
      originatorConversationId: 'wrong-initiator-1',
      commandId: 'SalaryPayment',
      amountCents: 100_00,
      party: '254705912645',
      remarks: 'Salary',
      ...urls('b2c'),
    });
    await wrong.close();
    expect(outcome.kind).toBe('accepted');
    const callback = await receiver.waitFor('/b2c/result', byOriginatorId('wrong-initiator-1'));
    const code = resultOf(callback.body).ResultCode;
    expect(Number(code)).toBe(2001);
    expect(describeResultCode(code)).toMatchObject({ class: 'failed', action: 'check_credentials' });
    expect(sim.payments().filter((p) => p.originatorConversationId === 'wrong-initiator-1')).toHaveLength(0);
  });

  it('gets a wrong STK passkey refused as definitive', async () => {
    const wrong = new DarajaClient({
      name: 'wrong-stk',
      baseUrl: sim.baseUrl,
      ...sim.credentials,
      passkey: 'not-the-passkey',
      certificatePem: sim.certificatePem,
    });
    const outcome = await wrong.stkPush({
      phone: '254705912645',
      amountCents: 10_00,
      accountReference: 'x',
      callbackUrl: receiver.url('/stk'),
    });
    await wrong.close();
    expect(outcome.kind).toBe('definitive');
    if (outcome.kind === 'definitive')
      expect(outcome.error).toMatchObject({ code: '500.001.1001', action: 'check_credentials' });
  });
});
