// A run through the contract while the demo simulator loses answers, drops and repeats callbacks:
// everyone is still paid exactly once. Then a forged callback lands in the inbox as something a
// person must look at, and settling it asks M-Pesa instead of paying anyone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../../src/simulator';
import { payrollCsv, testApi, type TestApi } from './helpers';

let t: TestApi;
const people = 25;

beforeAll(async () => {
  t = await testApi({
    core: {
      simulator: {
        seed: 11,
        faults: { dropCallback: 0.3, duplicateCallback: 0.2, errorAfter: 0.1, callbackDelayMs: { min: 5, max: 40 } },
      },
      // Ask Transaction Status soon after a missing answer, so the test is quick.
      engine: { resultTimeoutMs: 300, statusQueryRate: 50 },
    },
  });
  await t.call('profiles.create', { kind: 'demo' });
});
afterAll(async () => {
  await t?.stop();
});

async function simulatorPayments(): Promise<PaymentRecord[]> {
  const { demoSimulatorUrl } = await t.call('app.info', {});
  return (await (
    await fetch(new URL('/simulator/payments', demoSimulatorUrl ?? 'http://invalid'))
  ).json()) as PaymentRecord[];
}

describe('faults on', () => {
  it('pays every person exactly once, by the simulator’s own record', async () => {
    const file = payrollCsv(people);
    const run = await t.call('runs.createFromFile', {
      title: 'Faulty November',
      fileName: 'faulty.csv',
      contentBase64: file.contentBase64,
    });
    await t.call('runs.approve', { runId: run.id });
    const ended = t.next('run.ended', (e) => e.runId === run.id);
    await t.call('runs.start', { runId: run.id });
    expect(await ended).toMatchObject({ displayStatus: 'completed', paidCount: people, failedCount: 0 });

    const { items } = await t.call('runs.results', { runId: run.id });
    const paid = await simulatorPayments();
    // One payment per person, of the right amount, and the same receipts on both sides.
    expect(paid).toHaveLength(people);
    expect(paid.map((p) => `${p.party}:${p.amountCents}:${p.receipt}`).sort()).toEqual(
      items.map((i) => `${i.phone}:${i.amountCents}:${i.receipt}`).sort(),
    );
    const ledger = await t.call('ledger.list', { filter: { kinds: ['b2c_payment'], statuses: ['completed'] } });
    expect(ledger.total).toBe(people);
    // The faults really struck: answers were lost and callbacks dropped and repeated.
    const { demoSimulatorUrl } = await t.call('app.info', {});
    const stats = (await (await fetch(new URL('/simulator/stats', demoSimulatorUrl ?? 'http://invalid'))).json()) as {
      callbacks: { dropped: number; duplicated: number };
    };
    expect(stats.callbacks.dropped).toBeGreaterThan(0);
    expect(stats.callbacks.duplicated).toBeGreaterThan(0);
  }, 60_000);

  it("acts on each payment's result once however often it arrived", async () => {
    // A repeated body is stored once by the relay; a second report of the same payment (its B2C
    // result and a status answer, say) reaches the inbox and must change nothing.
    const { entries } = await t.call('inbox.list', { limit: 500 });
    const appliedIds = entries
      .filter((entry) => entry.applied && entry.kind === 'b2c-result')
      .map((entry) => /"OriginatorConversationID"\s*:\s*"([^"]+)"/.exec(entry.body)?.[1]);
    expect(appliedIds.length).toBeGreaterThan(0);
    expect(new Set(appliedIds).size).toBe(appliedIds.length);
    const repeats = entries.filter((entry) => entry.flag === 'duplicate' || entry.flag === 'late');
    expect(repeats.every((entry) => !entry.applied && !entry.canSettle)).toBe(true);
    const ledger = await t.call('ledger.list', { filter: { kinds: ['b2c_payment'] } });
    expect(ledger.total).toBe(people);
  });
});

describe('inbox', () => {
  it('flags a forged success for a payment Mshahara never made; settling it asks M-Pesa and pays no one', async () => {
    // Faults off from here: the status answer this test waits for must not be dropped.
    const { demoSimulatorUrl } = await t.call('app.info', {});
    await fetch(new URL('/simulator/faults', demoSimulatorUrl ?? 'http://invalid'), {
      method: 'POST',
      body: JSON.stringify({ dropCallback: 0, duplicateCallback: 0, errorAfter: 0 }),
    });

    const ledgerBefore = (await t.call('ledger.list', {})).total;
    const real = (await t.call('inbox.list', { limit: 500 })).entries.find(
      (entry) => entry.kind === 'b2c-result' && entry.applied,
    );
    if (real === undefined) throw new Error('no applied B2C result to copy');
    const forged = real.body
      .replace(/"OriginatorConversationID"\s*:\s*"[^"]+"/, '"OriginatorConversationID":"FORGED-0001"')
      .replace(/"ConversationID"\s*:\s*"[^"]+"/, '"ConversationID":"AG_FORGED_0001"')
      .replace(/"TransactionID"\s*:\s*"[^"]+"/, '"TransactionID":"ZZZ0FORGED"');

    // Through the real route: the demo relay's hook, pulled by the relay client into the inbox.
    const flaggedNow = t.next('inbox.changed', (e) => e.needsAction > 0);
    const core = t.api.session.require();
    const posted = await fetch(core.source.callbackUrl('b2c-result'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: forged,
    });
    expect(posted.ok).toBe(true);
    await flaggedNow;

    const needing = await t.call('inbox.list', { show: 'needs_action' });
    const entry = needing.entries.find((e) => e.body.includes('FORGED-0001'));
    expect(entry).toMatchObject({ flag: 'unmatched', applied: false, canSettle: true, reference: 'ZZZ0FORGED' });
    if (entry === undefined) return;

    expect((await t.call('dashboard.summary', {})).needsAttention.inbox).toBe(1);

    const settled = await t.call('inbox.settle', { id: entry.id });
    expect(settled).toMatchObject({ settled: true, entry: { id: entry.id, flag: 'unmatched', canSettle: false } });
    expect(settled.message).toMatch(/M-Pesa has no such transaction/);
    expect(settled.entry.settledAt).not.toBeNull();
    // Nothing paid, nothing recorded, nothing left for a person.
    expect((await t.call('ledger.list', {})).total).toBe(ledgerBefore);
    expect((await t.call('inbox.list', { show: 'needs_action' })).total).toBe(0);
    expect((await t.call('dashboard.summary', {})).needsAttention.inbox).toBe(0);
    await expect(t.call('inbox.settle', { id: entry.id })).rejects.toThrow(/nothing a status query could settle/);
  }, 30_000);

  it('refuses to settle a callback that was applied', async () => {
    const applied = (await t.call('inbox.list', { limit: 500 })).entries.find((entry) => entry.applied);
    if (applied === undefined) throw new Error('no applied callback');
    await expect(t.call('inbox.settle', { id: applied.id })).rejects.toThrow(/nothing a status query could settle/);
  });
});
