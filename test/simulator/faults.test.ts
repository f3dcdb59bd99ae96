// Fault injection: errors before and after processing, dropped and duplicated callbacks, spike
// arrest, token lifetime, callback retries, and the same seed giving the same run.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index';
import { DarajaCaller, resultOf, startReceiver, type CallbackReceiver } from './helpers';

const running: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function setup(
  options: SimulatorOptions = {},
): Promise<{ simulator: RunningSimulator; receiver: CallbackReceiver; daraja: DarajaCaller }> {
  const simulator = await startSimulator({
    seed: 5,
    ...options,
    faults: { callbackDelayMs: { min: 0, max: 2 }, ...options.faults },
  });
  const receiver = await startReceiver();
  running.push(simulator, receiver);
  return { simulator, receiver, daraja: new DarajaCaller(simulator) };
}

/** A B2C request whose HTTP answer may be lost: answers the status, or 'destroyed'. */
async function tryPay(
  daraja: DarajaCaller,
  receiver: CallbackReceiver,
  overrides: Record<string, unknown> = {},
): Promise<number | 'destroyed'> {
  try {
    return (await daraja.post('/mpesa/b2c/v3/paymentrequest', daraja.b2cRequest(receiver, overrides))).status;
  } catch {
    return 'destroyed';
  }
}

describe('faults', () => {
  it('error-after pays and sends the result, but the caller never sees the acceptance', async () => {
    const { simulator, receiver, daraja } = await setup({ faults: { errorAfter: 1 } });
    await daraja.accessToken();
    const outcomes: Array<number | 'destroyed'> = [];
    for (let i = 0; i < 6; i += 1)
      outcomes.push(await tryPay(daraja, receiver, { OriginatorConversationID: `after-${i}` }));
    expect(outcomes.every((o) => o === 500 || o === 'destroyed')).toBe(true);
    expect(new Set(outcomes).size).toBe(2); // both ways of losing the answer occur
    const results = await receiver.waitFor(6, '/b2c/result');
    expect(results.map((c) => resultOf(c.body).ResultCode)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(
      simulator
        .payments()
        .map((p) => p.originatorConversationId)
        .sort(),
    ).toEqual(['after-0', 'after-1', 'after-2', 'after-3', 'after-4', 'after-5']);
  });

  it('error-before refuses with a 5xx and processes nothing', async () => {
    const { simulator, receiver, daraja } = await setup();
    await daraja.accessToken();
    simulator.setFaults({ errorBefore: 1 });
    const answer = await daraja.post('/mpesa/b2c/v3/paymentrequest', daraja.b2cRequest(receiver));
    expect(answer.status).toBe(500);
    expect(answer.body.errorCode).toBe('500.003.1001');
    await simulator.callbacksIdle();
    expect(simulator.payments()).toEqual([]);
    expect(receiver.received).toEqual([]);
    // The ID was never used, so the retry is accepted and paid once.
  });

  it('drop-callback pays but never calls back; duplicate-callback calls back twice with the same result', async () => {
    const { simulator, receiver, daraja } = await setup({ faults: { dropCallback: 1 } });
    expect(
      (
        await daraja.post(
          '/mpesa/b2c/v3/paymentrequest',
          daraja.b2cRequest(receiver, { ResultURL: receiver.url('/dropped') }),
        )
      ).status,
    ).toBe(200);
    await simulator.callbacksIdle();
    expect(receiver.received).toEqual([]);
    expect(simulator.payments()).toHaveLength(1);
    expect(simulator.stats().callbacks.dropped).toBe(1);

    simulator.setFaults({ dropCallback: 0, duplicateCallback: 1 });
    await daraja.post(
      '/mpesa/b2c/v3/paymentrequest',
      daraja.b2cRequest(receiver, { ResultURL: receiver.url('/twice') }),
    );
    const twice = await receiver.waitFor(2, '/twice');
    await simulator.callbacksIdle();
    expect(receiver.received.filter((c) => c.path === '/twice')).toHaveLength(2);
    expect(twice[0]?.body).toEqual(twice[1]?.body);
    expect(simulator.payments()).toHaveLength(2);
    expect(simulator.stats().callbacks).toMatchObject({ duplicated: 1, delivered: 2 });
  });

  it('spike arrest refuses requests above the per-second rate and processes none of them', async () => {
    const frozen = new Date('2026-03-02T09:00:00.250Z');
    const { simulator, receiver, daraja } = await setup({ now: () => frozen });
    await daraja.accessToken();
    simulator.setFaults({ spikeArrestPerSecond: 3 });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => daraja.post('/mpesa/b2c/v3/paymentrequest', daraja.b2cRequest(receiver))),
    );
    const refused = answers.filter((a) => a.status === 500);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(refused).toHaveLength(5);
    expect(refused[0]?.body).toMatchObject({
      errorCode: '500.003.02',
      errorMessage: 'Error Occurred: Spike Arrest Violation',
    });
    await receiver.waitFor(3, '/b2c/result');
    await simulator.callbacksIdle();
    expect(simulator.payments()).toHaveLength(3);
  });

  it('tokens live for the configured TTL and are refused after it', async () => {
    let clock = new Date('2026-03-02T09:00:00Z').getTime();
    const { simulator, receiver, daraja } = await setup({
      now: () => new Date(clock),
      faults: { tokenTtlSeconds: 60 },
    });
    const issued = await daraja.oauth();
    expect(issued.body.expires_in).toBe('60');
    const token = String(issued.body.access_token);
    clock += 59_000;
    expect((await daraja.post('/mpesa/b2c/v3/paymentrequest', daraja.b2cRequest(receiver), { token })).status).toBe(
      200,
    );
    clock += 1_000;
    const expired = await daraja.post('/mpesa/b2c/v3/paymentrequest', daraja.b2cRequest(receiver), { token });
    expect(expired.status).toBe(404);
    expect(expired.body).toMatchObject({ errorCode: '404.001.03', errorMessage: 'Invalid Access Token' });
    await simulator.callbacksIdle();
    expect(simulator.payments()).toHaveLength(1);
    expect(simulator.stats().tokenRequests).toBe(1);
  });

  it('retries a callback while the receiver answers 5xx, then gives up and counts it', async () => {
    const { simulator, receiver, daraja } = await setup({ callbackRetries: 2, callbackRetryBaseMs: 1 });
    receiver.answer('/down', 503, { error: 'down' });
    await daraja.post(
      '/mpesa/b2c/v3/paymentrequest',
      daraja.b2cRequest(receiver, { ResultURL: receiver.url('/down') }),
    );
    await receiver.waitFor(3, '/down');
    await simulator.callbacksIdle();
    expect(receiver.received.filter((c) => c.path === '/down')).toHaveLength(3);
    expect(simulator.stats().callbacks).toMatchObject({ retried: 2, failed: 1, delivered: 0 });
  });

  it('the same seed gives the same identifiers and fault decisions; another seed does not', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const { simulator, receiver, daraja } = await setup({ seed, now: () => new Date('2026-03-02T09:00:00Z') });
      await daraja.accessToken();
      simulator.setFaults({ errorBefore: 0.5 });
      const trace: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        const answer = await daraja.post(
          '/mpesa/b2c/v3/paymentrequest',
          daraja.b2cRequest(receiver, { OriginatorConversationID: `seed-${i}` }),
        );
        trace.push(`${answer.status} ${String(answer.body.ConversationID ?? answer.body.requestId)}`);
      }
      await simulator.callbacksIdle();
      trace.push(...simulator.payments().map((p) => p.receipt));
      await simulator.close();
      await receiver.close();
      return trace;
    };
    const first = await run(42);
    expect(first.filter((t) => t.startsWith('500'))).not.toHaveLength(0);
    expect(first.filter((t) => t.startsWith('200'))).not.toHaveLength(0);
    expect(await run(42)).toEqual(first);
    expect(await run(43)).not.toEqual(first);
  });
});
