// Every error path the simulator can produce, and how the client classifies it. The money rule
// under test: an answer lost after a payment was processed is `unknown`, never a failure.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { DarajaClient, retrying, type B2cPaymentRequest, type CallOutcome } from '../../../src/main/daraja';
import { resultOf, startCallbackReceiver, type CallbackReceiver } from './callback-receiver';

let sim: RunningSimulator;
let receiver: CallbackReceiver;
let client: DarajaClient;

const profile = () => ({
  name: 'faults',
  baseUrl: sim.baseUrl,
  ...sim.credentials,
  certificatePem: sim.certificatePem,
});
const payment = (id: string, amountCents = 100_00): B2cPaymentRequest => ({
  originatorConversationId: id,
  commandId: 'SalaryPayment',
  amountCents,
  party: '254705912645',
  remarks: 'Salary',
  resultUrl: receiver.url('/b2c/result'),
  queueTimeoutUrl: receiver.url('/b2c/timeout'),
});
const paidFor = (id: string) => sim.payments().filter((p) => p.originatorConversationId === id);
const kinds = (outcomes: CallOutcome<unknown>[]) => outcomes.map((o) => o.kind);

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 7, faults: { callbackDelayMs: { min: 0, max: 5 } } });
  receiver = await startCallbackReceiver();
  client = new DarajaClient(profile());
});

afterEach(() => sim.setFaults({ errorBefore: 0, errorAfter: 0, spikeArrestPerSecond: null }));

afterAll(async () => {
  await client.close();
  await sim.close();
  await receiver.close();
});

describe('Daraja errors, classified', () => {
  it('refuses wrong consumer credentials as definitive, naming no secret, and pays nothing', async () => {
    const wrong = new DarajaClient({ ...profile(), consumerSecret: 'definitely-wrong-secret' });
    const outcome = await wrong.b2cPayment(payment('bad-credentials-1'));
    await wrong.close();
    expect(outcome.kind).toBe('definitive');
    if (outcome.kind !== 'definitive') return;
    expect(outcome.error).toMatchObject({ code: '400.008.01', action: 'check_credentials' });
    expect(JSON.stringify(outcome.error.toJSON()) + outcome.error.message).not.toMatch(
      /definitely-wrong-secret|Safaricom999/,
    );
    expect(paidFor('bad-credentials-1')).toHaveLength(0);
  });

  it('reports an invalid field (400.002.02) as definitive and names the field', async () => {
    const misconfigured = new DarajaClient({ ...profile(), shortcode: 'SHORTCODE' });
    const outcome = await misconfigured.b2cPayment(payment('invalid-field-1'));
    await misconfigured.close();
    expect(outcome.kind).toBe('definitive');
    if (outcome.kind !== 'definitive') return;
    expect(outcome.error.code).toBe('400.002.02');
    expect(outcome.error.message).toContain('(PartyA)');
    expect(paidFor('invalid-field-1')).toHaveLength(0);
  });

  it('answers a reused OriginatorConversationID with `duplicate` and pays once', async () => {
    expect((await client.b2cPayment(payment('dup-1'))).kind).toBe('accepted');
    const again = await client.b2cPayment(payment('dup-1'));
    expect(again.kind).toBe('duplicate');
    if (again.kind === 'duplicate') expect(again.error.code).toBe('500.002.1001');
    expect(paidFor('dup-1')).toHaveLength(1);
  });

  it('classifies spike arrest as throttled; throttled payments are not paid', async () => {
    await client.accountBalance({ resultUrl: receiver.url('/balance'), queueTimeoutUrl: receiver.url('/t') }); // token in hand
    sim.setFaults({ spikeArrestPerSecond: 3 });
    const ids = Array.from({ length: 12 }, (_, i) => `spike-${i}`);
    const outcomes = await Promise.all(ids.map((id) => client.b2cPayment(payment(id))));
    // The limit counts per clock second, so a burst may straddle two windows.
    expect(kinds(outcomes).filter((k) => k === 'accepted').length).toBeLessThanOrEqual(6);
    expect(new Set(kinds(outcomes))).toEqual(new Set(['accepted', 'throttled']));
    outcomes.forEach((o, i) => expect(paidFor(ids[i]!), o.kind).toHaveLength(o.kind === 'accepted' ? 1 : 0));
    const throttledOutcome = outcomes.find((o) => o.kind === 'throttled');
    if (throttledOutcome?.kind === 'throttled') expect(throttledOutcome.error.code).toBe('500.003.02');
  });

  it('retries a throttled payment with backoff until it gets through, paying it once', async () => {
    sim.setFaults({ spikeArrestPerSecond: 2 });
    const burst = await Promise.all(
      ['retry-a', 'retry-b', 'retry-c'].map((id) =>
        retrying(() => client.b2cPayment(payment(id)), { baseMs: 100, maxMs: 800, maxAttempts: 30 }),
      ),
    );
    expect(kinds(burst)).toEqual(['accepted', 'accepted', 'accepted']);
    for (const id of ['retry-a', 'retry-b', 'retry-c']) expect(paidFor(id)).toHaveLength(1);
  });

  it('classifies an error before processing as transient for a query', async () => {
    sim.setFaults({ errorBefore: 1 });
    const outcome = await client.accountBalance({
      resultUrl: receiver.url('/balance'),
      queueTimeoutUrl: receiver.url('/t'),
    });
    expect(outcome.kind).toBe('transient');
    if (outcome.kind === 'transient') expect(outcome.error).toMatchObject({ code: '500.003.1001', action: 'retry' });
  });

  it('does not call a payment failed when the 5xx came before processing: unknown, and nothing was paid', async () => {
    // Daraja answers "500.003.1001 Internal Server Error" whether or not it processed the payment,
    // so the client cannot tell this from a lost answer; Transaction Status settles it.
    sim.setFaults({ errorBefore: 1 });
    const outcome = await client.b2cPayment(payment('before-1'));
    expect(outcome.kind).toBe('unknown');
    expect(paidFor('before-1')).toHaveLength(0);
    sim.setFaults({ errorBefore: 0 });
    const status = await client.transactionStatus({
      originatorConversationId: 'before-1',
      resultUrl: receiver.url('/status'),
      queueTimeoutUrl: receiver.url('/t'),
    });
    expect(status.kind).toBe('accepted');
    if (status.kind !== 'accepted') return;
    const answer = await receiver.waitFor(
      '/status',
      (b) => resultOf(b).OriginatorConversationID === status.value.originatorConversationId,
    );
    expect(Number(resultOf(answer.body).ResultCode)).not.toBe(0);
  });

  it('classifies answers lost after processing as unknown — never failed — and the money really moved', async () => {
    sim.setFaults({ errorAfter: 1 });
    const ids = Array.from({ length: 8 }, (_, i) => `lost-answer-${i}`);
    const outcomes = await Promise.all(ids.map((id) => client.b2cPayment(payment(id, 300_00))));
    expect(kinds(outcomes)).toEqual(ids.map(() => 'unknown'));
    for (const outcome of outcomes) if (outcome.kind === 'unknown') expect(outcome.error.action).toBe('check_status');
    for (const id of ids) {
      expect(paidFor(id)).toEqual([expect.objectContaining({ amountCents: 300_00, party: '254705912645' })]);
      const callback = await receiver.waitFor('/b2c/result', (b) => resultOf(b).OriginatorConversationID === id);
      expect(Number(resultOf(callback.body).ResultCode)).toBe(0);
    }
    // Sending again with the same ID (as the engine does once Daraja is reachable) cannot pay twice.
    sim.setFaults({ errorAfter: 0 });
    expect((await client.b2cPayment(payment('lost-answer-0', 300_00))).kind).toBe('duplicate');
    expect(paidFor('lost-answer-0')).toHaveLength(1);
  });

  it('calls a lost answer to a query transient, not unknown', async () => {
    sim.setFaults({ errorAfter: 1 });
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        client.accountBalance({ resultUrl: receiver.url('/balance'), queueTimeoutUrl: receiver.url('/t') }),
      ),
    );
    expect(kinds(outcomes)).toEqual(['transient', 'transient', 'transient', 'transient']);
  });
});
