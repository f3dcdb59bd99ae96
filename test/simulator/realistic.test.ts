// The realistic switches: every behaviour REFERENCE leaves unconfirmed, played the way that makes a
// payout engine pay twice if it trusts the wrong thing. Each test asserts what M-Pesa did (who was
// paid, how often) beside what the caller was told.
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  asyncThrottleAnswers,
  defaultFaults,
  queueTimeoutAnswer,
  realisticFaults,
  startSimulator,
  statusUnavailableAnswers,
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
    seed: 17,
    openRegistry: true,
    ...options,
    faults: { callbackDelayMs: { min: 0, max: 2 }, ...options.faults },
  });
  const receiver = await startReceiver();
  running.push(simulator, receiver);
  return { simulator, receiver, daraja: new DarajaCaller(simulator) };
}

async function status(
  daraja: DarajaCaller,
  receiver: CallbackReceiver,
  path: string,
  query: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  await daraja.post(
    '/mpesa/transactionstatus/v1/query',
    daraja.queryRequest('status', receiver, { ResultURL: receiver.url(path), ...query }),
  );
  const [callback] = await receiver.waitFor(1, path);
  return resultOf(callback?.body);
}

const b2c = '/mpesa/b2c/v3/paymentrequest';

describe('processing lag and Transaction Status "not found"', () => {
  it('accepts at once, pays only after the lag; before then the ID is taken and Transaction Status answers "not found"', async () => {
    const { simulator, receiver, daraja } = await setup({
      faults: { processingLagMs: { min: 400, max: 400 }, statusNotFoundCode: 'R000002' },
    });
    const id = 'lagged-1';
    const answer = await daraja.post(
      b2c,
      daraja.b2cRequest(receiver, { OriginatorConversationID: id, ResultURL: receiver.url('/lag/result') }),
    );
    expect(answer.status).toBe(200);
    expect(simulator.payments()).toEqual([]);
    expect(simulator.pendingPayments()).toBe(1);

    // The ID was claimed at acceptance: a re-send now is a duplicate, not a second payment.
    const again = await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: id }));
    expect(again.body.errorCode).toBe('500.002.1001');

    // Three "not found" codes over the three control paths: option, setFaults, HTTP.
    const early1 = await status(daraja, receiver, '/lag/s1', { OriginalConversationID: id });
    expect(early1).toMatchObject({ ResultCode: 'R000002', ResultDesc: 'The OriginalTransactionID is invalid.' });
    simulator.setFaults({ statusNotFoundCode: 'SFC_IC0003' });
    const early2 = await status(daraja, receiver, '/lag/s2', { OriginalConversationID: id });
    expect(early2).toMatchObject({ ResultCode: 'SFC_IC0003', ResultDesc: 'The operator does not exist.' });
    await request(`${simulator.baseUrl}/simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ statusNotFoundCode: '25', statusNotFoundDesc: 'Invalid request parameters' }),
    }).then((r) => r.body.dump());
    const early3 = await status(daraja, receiver, '/lag/s3', { OriginalConversationID: id });
    expect(early3).toMatchObject({ ResultCode: 25, ResultDesc: 'Invalid request parameters' });
    for (const early of [early1, early2, early3]) expect(early).not.toHaveProperty('ResultParameters');
    expect(simulator.payments()).toEqual([]);

    const [result] = await receiver.waitFor(1, '/lag/result');
    expect(resultOf(result?.body).ResultCode).toBe(0);
    const paid = simulator.payments();
    expect(paid.map((p) => p.originatorConversationId)).toEqual([id]);
    expect(new Date(paid[0]?.completedAt ?? 0).getTime()).toBeGreaterThan(Date.now() - 5_000);
    const late = await status(daraja, receiver, '/lag/s4', { OriginalConversationID: id });
    expect(late.ResultCode).toBe(0);
    expect(resultParameters({ Result: late }).ReceiptNo).toBe(paid[0]?.receipt);
    const byReceipt = await status(daraja, receiver, '/lag/s5', { TransactionID: paid[0]?.receipt });
    expect(byReceipt.ResultCode).toBe(0);
    await simulator.callbacksIdle();
    expect(simulator.payments()).toHaveLength(1);
  });

  it('answers "not found" by receipt too while nothing was processed, and never for a payment made', async () => {
    for (const code of ['SFC_IC0003', 'R000002', '2001']) {
      const { daraja, receiver } = await setup({ faults: { statusNotFoundCode: code } });
      const answer = await status(daraja, receiver, `/nf/${code}`, { TransactionID: 'SKZ0000XYZ' });
      expect(String(answer.ResultCode)).toBe(code);
      expect(answer).not.toHaveProperty('ResultParameters');
    }
  });

  it('refuses a "not found" code of 0 or nonsense, naming the field', async () => {
    const { simulator } = await setup();
    expect(() => simulator.setFaults({ statusNotFoundCode: '0' })).toThrow(/statusNotFoundCode/);
    expect(() => simulator.setFaults({ processingLagMs: { min: 5, max: 1 } })).toThrow(/processingLagMs/);
    expect(() => simulator.setFaults({ failPayee: 2 })).toThrow(/failPayee/);
    expect(simulator.faults().statusNotFoundCode).toBe('SFC_IC0003');
  });
});

describe('Transaction Status for a refused payment', () => {
  it('answers its failure code, "not found", or ResultCode 0 with TransactionStatus "Failed", as chosen', async () => {
    const { simulator, receiver, daraja } = await setup({ faults: { failPayee: 1 } });
    await daraja.post(
      b2c,
      daraja.b2cRequest(receiver, {
        OriginatorConversationID: 'refused-1',
        PartyB: '254712345678',
        Amount: '450',
        ResultURL: receiver.url('/rf/result'),
      }),
    );
    const [callback] = await receiver.waitFor(1, '/rf/result');
    const refused = resultOf(callback?.body);
    expect([2040, 4]).toContain(refused.ResultCode);
    expect(simulator.faults().statusForFailed).toBe('result-code');
    expect(await status(daraja, receiver, '/rf/s1', { OriginalConversationID: 'refused-1' })).toMatchObject({
      ResultCode: refused.ResultCode,
      ResultDesc: refused.ResultDesc,
    });
    simulator.setFaults({ statusForFailed: 'not-found' });
    const notFound = await status(daraja, receiver, '/rf/s2', { OriginalConversationID: 'refused-1' });
    expect(notFound).toMatchObject({ ResultCode: 'SFC_IC0003' });
    expect(notFound).not.toHaveProperty('ResultParameters');
    simulator.setFaults({ statusForFailed: 'failed-status' });
    const failed = await status(daraja, receiver, '/rf/s3', { OriginalConversationID: 'refused-1' });
    expect(failed.ResultCode).toBe(0);
    expect(resultParameters({ Result: failed })).toMatchObject({
      TransactionStatus: 'Failed',
      OriginatorConversationID: 'refused-1',
      Amount: '450',
      CreditPartyName: expect.stringMatching(/^254712345678 - [A-Z]+ [A-Z]+$/),
    });
    expect(String(resultParameters({ Result: failed }).ReceiptNo)).toMatch(/0000000$/);
    expect(() => simulator.setFaults({ statusForFailed: 'maybe' as 'not-found' })).toThrow(/statusForFailed/);
    expect(simulator.payments()).toEqual([]);
  });
});

describe('Transaction Status unavailable', () => {
  it('answers 2028, 17 or 100000010 about the query, without parameters, even for a completed payment', async () => {
    const { simulator, receiver, daraja } = await setup();
    await daraja.post(
      b2c,
      daraja.b2cRequest(receiver, { OriginatorConversationID: 'paid-1', ResultURL: receiver.url('/su/result') }),
    );
    await receiver.waitFor(1, '/su/result');
    simulator.setFaults({ statusUnavailable: 1 });
    const codes = new Set<unknown>();
    for (let i = 0; i < 15; i += 1) {
      const answer = await status(daraja, receiver, `/su/${i}`, { OriginalConversationID: 'paid-1' });
      expect(answer).not.toHaveProperty('ResultParameters');
      expect(statusUnavailableAnswers.find((a) => a.resultCode === answer.ResultCode)?.resultDesc).toBe(
        answer.ResultDesc,
      );
      codes.add(answer.ResultCode);
    }
    expect([...codes].sort()).toEqual([17, 2028, 100000010].sort());
    simulator.setFaults({ statusUnavailable: 0 });
    expect((await status(daraja, receiver, '/su/after', { OriginalConversationID: 'paid-1' })).ResultCode).toBe(0);
    expect(simulator.payments()).toHaveLength(1);
  });
});

describe('OriginatorConversationID not echoed', () => {
  it("Results carry Daraja's own ID and the sync answer's ConversationID; status parameters name the caller's", async () => {
    const { simulator, receiver, daraja } = await setup({ faults: { echoOriginatorId: false } });
    const answer = await daraja.post(
      b2c,
      daraja.b2cRequest(receiver, { OriginatorConversationID: 'mine-1', ResultURL: receiver.url('/ne/result') }),
    );
    expect(answer.body.OriginatorConversationID).toBe('mine-1');
    const [callback] = await receiver.waitFor(1, '/ne/result');
    const result = resultOf(callback?.body);
    expect(result.OriginatorConversationID).not.toBe('mine-1');
    expect(String(result.OriginatorConversationID)).toMatch(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\d{7}$/);
    expect(result.ConversationID).toBe(answer.body.ConversationID);
    expect(simulator.payments()[0]?.originatorConversationId).toBe('mine-1');
    const byId = await status(daraja, receiver, '/ne/s', { OriginalConversationID: 'mine-1' });
    expect(byId.OriginatorConversationID).not.toBe('mine-1');
    expect(resultParameters({ Result: byId }).OriginatorConversationID).toBe('mine-1');
  });
});

describe('duplicate window', () => {
  it('refuses a re-sent ID inside the window and pays it again as a new payment after it', async () => {
    let clock = new Date('2026-03-02T09:00:00Z').getTime();
    const { simulator, receiver, daraja } = await setup({
      now: () => new Date(clock),
      faults: { duplicateWindowSeconds: 60 },
    });
    const send = async (): Promise<Record<string, unknown>> =>
      (await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: 'window-1', Amount: '500' })))
        .body;
    expect((await send()).ResponseCode).toBe('0');
    clock += 59_000;
    expect((await send()).errorCode).toBe('500.002.1001');
    clock += 2_000;
    expect((await send()).ResponseCode).toBe('0');
    await receiver.waitFor(2, '/b2c/result');
    await simulator.callbacksIdle();
    const paid = simulator.payments();
    expect(paid.map((p) => p.originatorConversationId)).toEqual(['window-1', 'window-1']);
    expect(new Set(paid.map((p) => p.receipt)).size).toBe(2);
  });

  it('remembers an ID for ever by default', async () => {
    let clock = new Date('2026-03-02T09:00:00Z').getTime();
    const { simulator, receiver, daraja } = await setup({
      now: () => new Date(clock),
      faults: { tokenTtlSeconds: 1000 * 86_400 },
    });
    expect(defaultFaults.duplicateWindowSeconds).toBeNull();
    expect((await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: 'kept-1' }))).status).toBe(
      200,
    );
    clock += 400 * 86_400_000;
    expect(
      (await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: 'kept-1' }))).body.errorCode,
    ).toBe('500.002.1001');
    await simulator.callbacksIdle();
    expect(simulator.payments()).toHaveLength(1);
  });
});

describe('queue timeout', () => {
  it('posts a Result envelope to QueueTimeOutURL instead of a Result; half were paid anyway and keep their ID, half are released', async () => {
    const { simulator, receiver, daraja } = await setup({ faults: { queueTimeout: 1, echoOriginatorId: false } });
    const ids = Array.from({ length: 12 }, (_, i) => `qt-${i}`);
    const conversations = new Map<string, unknown>();
    for (const id of ids)
      conversations.set(
        id,
        (await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: id }))).body.ConversationID,
      );
    const timeouts = await receiver.waitFor(12, '/b2c/timeout');
    await simulator.callbacksIdle();
    expect(receiver.received.filter((c) => c.path === '/b2c/result')).toEqual([]);
    for (const t of timeouts) {
      const result = resultOf(t.body);
      expect(result).toMatchObject({
        ResultCode: queueTimeoutAnswer.resultCode,
        ResultDesc: queueTimeoutAnswer.resultDesc,
      });
      expect(result).not.toHaveProperty('ResultParameters');
      expect([...conversations.values()]).toContain(result.ConversationID);
      expect(ids).not.toContain(result.OriginatorConversationID); // no-echo applies to timeouts too
    }
    const paidIds = simulator.payments().map((p) => p.originatorConversationId);
    expect(paidIds.length).toBeGreaterThan(0);
    expect(paidIds.length).toBeLessThan(12);
    expect(simulator.stats().b2c).toMatchObject({
      accepted: 12,
      queueTimeouts: 12,
      queueTimeoutsProcessed: paidIds.length,
    });

    simulator.setFaults({ queueTimeout: 0 });
    for (const id of ids) {
      const again = await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: id }));
      if (paidIds.includes(id)) expect(again.body.errorCode).toBe('500.002.1001');
      else expect(again.status).toBe(200);
    }
    await simulator.callbacksIdle();
    // Everyone paid exactly once: the processed ones by the first request, the rest by the re-send.
    expect(
      simulator
        .payments()
        .map((p) => p.originatorConversationId)
        .sort(),
    ).toEqual([...ids].sort());
  });
});

describe('asynchronous throttling', () => {
  it('answers a throttling Result, moves no money, and releases the ID so a same-ID re-send is paid once', async () => {
    const { simulator, receiver, daraja } = await setup({ faults: { asyncThrottle: 1 } });
    const ids = Array.from({ length: 12 }, (_, i) => `th-${i}`);
    for (const id of ids)
      expect((await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: id }))).status).toBe(200);
    const results = await receiver.waitFor(12, '/b2c/result');
    const codes = new Set(results.map((r) => resultOf(r.body).ResultCode));
    expect([...codes].sort()).toEqual(asyncThrottleAnswers.map((a) => a.resultCode).sort());
    for (const r of results) expect(resultOf(r.body)).not.toHaveProperty('ResultParameters');
    expect(simulator.payments()).toEqual([]);
    expect(simulator.failures()).toEqual([]);
    const before = simulator.balances();

    const throttled = await status(daraja, receiver, '/th/s', { OriginalConversationID: 'th-0' });
    expect(throttled.ResultCode).toBe('SFC_IC0003');

    simulator.setFaults({ asyncThrottle: 0 });
    for (const id of ids)
      expect(
        (await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: id, Amount: '100' }))).status,
      ).toBe(200);
    await receiver.waitFor(24, '/b2c/result');
    await simulator.callbacksIdle();
    expect(
      simulator
        .payments()
        .map((p) => p.originatorConversationId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(simulator.balances().utilityCents).toBe(before.utilityCents - 12 * 100_00);
  });
});

describe('masked party names', () => {
  it('names the customer 2547****149 or 0708374149 in success Results and status answers, never wrongly', async () => {
    const { simulator, receiver, daraja } = await setup({
      customers: [{ msisdn: '254708374149', name: 'John Doe' }],
      faults: { maskedParty: 1 },
    });
    const names = new Set<string>();
    for (let i = 0; i < 10; i += 1) {
      await daraja.post(
        b2c,
        daraja.b2cRequest(receiver, {
          OriginatorConversationID: `mp-${i}`,
          PartyB: '254708374149',
          Amount: '100',
          ResultURL: receiver.url(`/mp/${i}`),
        }),
      );
      const [callback] = await receiver.waitFor(1, `/mp/${i}`);
      names.add(String(resultParameters(callback?.body).ReceiverPartyPublicName));
      const answer = await status(daraja, receiver, `/mp/s${i}`, { OriginalConversationID: `mp-${i}` });
      names.add(String(resultParameters({ Result: answer }).CreditPartyName));
    }
    expect([...names].sort()).toEqual(['0708374149 - JOHN DOE', '2547****149 - JOHN DOE']);
    simulator.setFaults({ maskedParty: 0 });
    await daraja.post(
      b2c,
      daraja.b2cRequest(receiver, {
        OriginatorConversationID: 'mp-full',
        PartyB: '254708374149',
        Amount: '100',
        ResultURL: receiver.url('/mp/full'),
      }),
    );
    const [full] = await receiver.waitFor(1, '/mp/full');
    expect(resultParameters(full?.body).ReceiverPartyPublicName).toBe('254708374149 - JOHN DOE');
    expect(simulator.payments()).toHaveLength(11);
  });
});

describe('payees who fail', () => {
  const phones = Array.from({ length: 40 }, (_, i) => `2547120${String(100000 + i).slice(1)}`);

  async function payEveryone(
    daraja: DarajaCaller,
    receiver: CallbackReceiver,
    round: string,
    only: string[] = phones,
  ): Promise<Map<string, Record<string, unknown>>> {
    const outcomes = new Map<string, Record<string, unknown>>();
    for (const phone of only) {
      const path = `/fp/${round}/${phone}`;
      await daraja.post(
        b2c,
        daraja.b2cRequest(receiver, {
          OriginatorConversationID: `${round}-${phone}`,
          PartyB: phone,
          Amount: '250',
          ResultURL: receiver.url(path),
        }),
      );
      const [callback] = await receiver.waitFor(1, path);
      outcomes.set(phone, resultOf(callback?.body));
    }
    return outcomes;
  }

  it('fails a seeded share of payees on their first payment (2040 or 4), records it, and pays them on a new ID', async () => {
    const { simulator, receiver, daraja } = await setup({ faults: { failPayee: 0.3 } });
    const first = await payEveryone(daraja, receiver, 'first');
    const failed = [...first].filter(([, r]) => r.ResultCode !== 0);
    expect(failed.length).toBeGreaterThan(3);
    expect(failed.length).toBeLessThan(25);
    expect(new Set(failed.map(([, r]) => r.ResultCode))).toEqual(new Set([2040, 4]));
    expect(
      simulator.failures().map((f) => ({ id: f.originatorConversationId, party: f.party, code: f.resultCode })),
    ).toEqual(failed.map(([phone, r]) => ({ id: `first-${phone}`, party: phone, code: r.ResultCode })));
    expect(
      simulator
        .payments()
        .map((p) => p.party)
        .sort(),
    ).toEqual(phones.filter((p) => !failed.some(([f]) => f === p)).sort());
    const overHttp = await request(`${simulator.baseUrl}/simulator/failures`);
    expect(await overHttp.body.json()).toEqual(simulator.failures());

    // "Retry failed": a new OriginatorConversationID for each failed payee is paid.
    const retry = await payEveryone(
      daraja,
      receiver,
      'retry',
      failed.map(([phone]) => phone),
    );
    expect([...retry.values()].every((r) => r.ResultCode === 0)).toBe(true);
    const perPayee = new Map<string, number>();
    for (const p of simulator.payments()) perPayee.set(p.party, (perPayee.get(p.party) ?? 0) + 1);
    expect([...perPayee.values()].every((n) => n === 1)).toBe(true);
    expect(perPayee.size).toBe(40);

    // The same seed picks the same payees, whatever the order of requests.
    const twin = await setup({ faults: { failPayee: 0.3 } });
    const reversed = await payEveryone(twin.daraja, twin.receiver, 'twin', [...phones].reverse());
    expect(new Set([...reversed].filter(([, r]) => r.ResultCode !== 0).map(([p]) => p))).toEqual(
      new Set(failed.map(([p]) => p)),
    );
  });
});

describe('callback retries', () => {
  it('does not retry a callback by default, as Daraja', async () => {
    const { simulator, receiver, daraja } = await setup();
    receiver.answer('/down', 503, { error: 'down' });
    await daraja.post(b2c, daraja.b2cRequest(receiver, { ResultURL: receiver.url('/down') }));
    await simulator.callbacksIdle();
    expect(receiver.received.filter((c) => c.path === '/down')).toHaveLength(1);
    expect(simulator.stats().callbacks).toMatchObject({ retried: 0, failed: 1, delivered: 0 });
    expect(simulator.payments()).toHaveLength(1);
  });
});

describe('realistic preset', () => {
  it('turns every switch on at the documented rates, keeps the lag under 2 s, and can be changed while running', async () => {
    const { simulator } = await setup({ realistic: true, faults: { statusNotFoundCode: 'R000002' } });
    expect(simulator.faults()).toMatchObject({ ...realisticFaults, statusNotFoundCode: 'R000002' });
    expect(realisticFaults).toMatchObject({
      processingLagMs: { min: 100, max: 1500 },
      statusUnavailable: 0.03,
      echoOriginatorId: false,
      duplicateWindowSeconds: 86_400,
      queueTimeout: 0.01,
      asyncThrottle: 0.01,
      maskedParty: 0.3,
      failPayee: 0.02,
      statusNotFoundCode: 'SFC_IC0003',
    });
    expect(realisticFaults.processingLagMs?.max).toBeLessThan(2000);
    simulator.setRealistic(false);
    expect(simulator.faults()).toMatchObject({
      processingLagMs: { min: 0, max: 0 },
      echoOriginatorId: true,
      failPayee: 0,
      duplicateWindowSeconds: null,
      statusNotFoundCode: 'SFC_IC0003',
    });
    const answer = await request(`${simulator.baseUrl}/simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ preset: 'realistic', maskedParty: 0 }),
    });
    expect(await answer.body.json()).toMatchObject({ ...realisticFaults, maskedParty: 0 });
    const bad = await request(`${simulator.baseUrl}/simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ preset: 'chaos' }),
    });
    expect(bad.statusCode).toBe(400);
    await bad.body.dump();
  });

  it('pays every accepted request at most once under the preset, and the ground truth adds up', async () => {
    const { simulator, receiver, daraja } = await setup({
      realistic: true,
      faults: { processingLagMs: { min: 5, max: 60 } },
    });
    const before = simulator.balances();
    const ids = Array.from({ length: 60 }, (_, i) => `real-${i}`);
    for (const id of ids)
      await daraja.post(
        b2c,
        daraja.b2cRequest(receiver, {
          OriginatorConversationID: id,
          PartyB: `2547130${String(100000 + Number(id.slice(5))).slice(1)}`,
          Amount: '100',
        }),
      );
    await simulator.callbacksIdle();
    const paid = simulator.payments();
    expect(new Set(paid.map((p) => p.originatorConversationId)).size).toBe(paid.length);
    const spent = paid.reduce((sum, p) => sum + p.amountCents, 0);
    expect(simulator.balances().utilityCents).toBe(before.utilityCents - spent);
    const stats = simulator.stats().b2c;
    expect(stats.accepted).toBe(60);
    expect(paid.length + simulator.failures().length).toBe(stats.processed);
  });
});

describe('decision streams', () => {
  it('new switches do not reshuffle identifiers or the other faults of the same seed', async () => {
    const run = async (
      faults: SimulatorOptions['faults'],
    ): Promise<{ receipts: string[]; conversations: unknown[]; dropped: number }> => {
      const { simulator, receiver, daraja } = await setup({ seed: 99, faults: { dropCallback: 0.4, ...faults } });
      const conversations: unknown[] = [];
      for (let i = 0; i < 10; i += 1)
        conversations.push(
          (await daraja.post(b2c, daraja.b2cRequest(receiver, { OriginatorConversationID: `s-${i}`, Amount: '100' })))
            .body.ConversationID,
        );
      await simulator.callbacksIdle();
      return {
        receipts: simulator.payments().map((p) => p.receipt),
        conversations,
        dropped: simulator.stats().callbacks.dropped,
      };
    };
    const plain = await run({});
    const switched = await run({
      maskedParty: 1,
      statusUnavailable: 0.5,
      duplicateWindowSeconds: 30,
      echoOriginatorId: false,
      failPayee: 0.01,
    });
    expect(switched).toEqual(plain);
    expect(plain.dropped).toBeGreaterThan(0);
  });
});
