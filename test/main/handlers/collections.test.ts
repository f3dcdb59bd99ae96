// Money coming in through the contract, on a demo profile whose simulator loses answers, drops and
// repeats callbacks: every payment request pushed once, every receipt recorded once and only when
// the simulator really collected it; a customer's Pay Bill payment arrives through the demo's
// relay and is recorded once M-Pesa confirms it; and who may ask, read and check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collection } from '../../../src/simulator';
import { testApi, type TestApi } from './helpers';

let t: TestApi;

beforeAll(async () => {
  t = await testApi({
    core: {
      simulator: {
        seed: 21,
        faults: { dropCallback: 0.3, duplicateCallback: 0.3, errorAfter: 0.2, callbackDelayMs: { min: 5, max: 40 } },
      },
      engine: { resultTimeoutMs: 500 },
      moneyIn: {
        stkQueryGapsMs: [300, 300, 300, 300],
        checkGapsMs: [200, 200, 200],
        checkWaitMs: 2000,
        stkQueriesPerMinute: 120,
      },
    },
    balanceOnOpen: false,
  });
  await t.call('profiles.create', { kind: 'demo' });
});
afterAll(async () => {
  await t?.stop();
});

async function simulator<T>(path: string, init?: RequestInit): Promise<T> {
  const { demoSimulatorUrl } = await t.call('app.info', {});
  return (await (await fetch(new URL(path, demoSimulatorUrl ?? 'http://invalid'), init)).json()) as T;
}

async function settled(ids: number[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { requests } = await t.call('collections.list', {});
    if (requests.filter((r) => ids.includes(r.id)).every((r) => !r.waiting)) return;
    if (Date.now() > deadline) throw new Error('requests still waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('payment requests through the contract, faults on', () => {
  it('pushes each request once and records each receipt once, only what the simulator collected', async () => {
    // Twelve requests, so the simulator's faults strike some of their callbacks on every run.
    const phones = Array.from({ length: 12 }, (_, i) => `2547110001${String(i + 1).padStart(2, '0')}`);
    const ids: number[] = [];
    for (const [i, phone] of phones.entries()) {
      const request = await t.call('collections.request', {
        phone,
        amountCents: (100 + i) * 100,
        accountReference: `INV-${i + 1}`,
      });
      ids.push(request.id);
    }
    await settled(ids);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const collected = await simulator<Collection[]>('/simulator/collections');
    const stats = await simulator<{
      requests: Record<string, number>;
      callbacks: { dropped: number; duplicated: number };
    }>('/simulator/stats');
    // The faults really struck: callbacks were dropped or repeated (each run strikes differently:
    // which callbacks exist depends on which answers were lost).
    expect(stats.callbacks.dropped + stats.callbacks.duplicated).toBeGreaterThan(0);
    expect(stats.requests['/mpesa/stkpush/v1/processrequest']).toBe(phones.length);
    const { requests, received } = await t.call('collections.list', {});
    const receipts = received.map((r) => r.receipt);
    expect(new Set(receipts).size).toBe(receipts.length);
    for (const row of received) {
      const truth = collected.filter((c) => c.receipt === row.receipt);
      expect(truth).toHaveLength(1);
      expect(truth[0]?.amountCents).toBe(row.amountCents);
    }
    for (const request of requests.filter((r) => ids.includes(r.id))) {
      const paidBySimulator = collected.filter((c) => c.msisdn === request.phone);
      if (request.state === 'paid') {
        expect(paidBySimulator.map((c) => c.receipt)).toEqual([request.receipt]);
        expect(receipts).toContain(request.receipt);
      } else if (request.state === 'paid_no_receipt') expect(paidBySimulator).toHaveLength(1);
      else if (request.state !== 'unknown') expect(paidBySimulator).toEqual([]);
    }
    const ledger = await t.call('ledger.list', { filter: { kinds: ['stk_payment'] } });
    expect(ledger.total).toBe(requests.filter((r) => ids.includes(r.id) && r.state === 'paid').length);
  });

  it('records a customer’s Pay Bill payment that came through the demo relay, once M-Pesa confirms it', async () => {
    await simulator('/simulator/faults', { method: 'POST', body: JSON.stringify({ dropCallback: 0, errorAfter: 0 }) });
    const paid = await simulator<{ receipt: string }>('/simulator/c2b/pay', {
      method: 'POST',
      body: JSON.stringify({ msisdn: '0711000201', amount: 1200, accountNumber: 'HOUSE-4' }),
    });
    const deadline = Date.now() + 15_000;
    let row;
    while (row === undefined && Date.now() < deadline) {
      row = (await t.call('collections.list', {})).received.find((r) => r.receipt === paid.receipt);
      if (row === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(row).toMatchObject({
      kind: 'c2b_payment',
      amountCents: 1200_00,
      accountReference: 'HOUSE-4',
      phone: '254711000201',
    });
  });
});

describe('who may do what', () => {
  it('lets only the admin ask customers to pay and register the URLs; the accountant reads and checks', async () => {
    const cast = await t.people();
    await expect(
      t.callAs(cast.officer, 'collections.request', {
        phone: '0711000301',
        amountCents: 100_00,
        accountReference: 'X',
      }),
    ).rejects.toThrow(/admin/i);
    await expect(t.callAs(cast.approver, 'collections.registerUrls', {})).rejects.toThrow(/admin/i);
    await expect(t.callAs(cast.accountant, 'collections.list', {})).resolves.toHaveProperty('requests');
    const registered = await t.callAs(cast.admin, 'collections.registerUrls', {});
    expect(registered).toMatchObject({ registered: true, shortcode: '600992' });
    expect(registered.words).toMatch(/M-Pesa will send payments to shortcode 600992/);
  });

  it('lets the accountant, not the officer, settle an M-Pesa Express result nobody could confirm', async () => {
    const cast = await t.people();
    const db = t.api.session.require().db;
    const inboxId = Number(
      db
        .prepare(
          `INSERT INTO inbox (received_at, source, kind, body, flag, reason) VALUES ('2026-12-01T10:10:10.000Z', 'test', 'stk', '{}', 'unmatched', 'M-Pesa''s lookup did not find receipt TL1NOTSEEN')`,
        )
        .run().lastInsertRowid,
    );
    await expect(
      t.callAs(cast.officer, 'collections.settleSuccess', { inboxId, note: 'Not on the statement' }),
    ).rejects.toThrow(/admin|accountant/i);
    const settled = await t.callAs(cast.accountant, 'collections.settleSuccess', {
      inboxId,
      note: 'Not on the statement',
    });
    expect(settled).toEqual({ inboxId, settledAt: expect.any(String) });
    const { entries } = await t.callAs(cast.accountant, 'inbox.list', { show: 'needs_action' });
    expect(entries.map((e) => e.id)).not.toContain(inboxId);
    await expect(
      t.callAs(cast.accountant, 'collections.settleSuccess', { inboxId, note: 'Not on the statement' }),
    ).rejects.toThrow(/nothing waiting for a person/);
  });

  it('refuses an account reference M-Pesa would cut, with words beside the field', async () => {
    const cast = await t.people();
    await expect(
      t.callAs(cast.admin, 'collections.request', {
        phone: '0711000301',
        amountCents: 100_00,
        accountReference: 'A-REFERENCE-TOO-LONG',
      }),
    ).rejects.toThrow(/at most 12 characters/);
  });
});
