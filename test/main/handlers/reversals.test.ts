// Reversals through the contract on a demo profile: the admin asks from the ledger row of a
// customer's payment, the approver's approval sends it and the answer says what happened; the
// roles stay apart; the ledger reader sees the payment as reversed, and a payment to a customer
// gets the portal's route instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTransaction } from '../../../src/main/ledger/transactions';
import { testApi, type TestApi } from './helpers';

let t: TestApi;

beforeAll(async () => {
  t = await testApi({ core: { simulator: { seed: 5, faults: { callbackDelayMs: { min: 5, max: 20 } } } } });
  await t.call('profiles.create', { kind: 'demo' });
});
afterAll(async () => {
  await t?.stop();
});

/** A customer pays by Pay Bill through the demo's M-Pesa; answers the ledger row once it is recorded. */
async function customerPays(amountCents: number): Promise<{ id: number; receipt: string }> {
  const app = t.api.session.require();
  const registered = await app.client.registerC2bUrls(
    {
      responseType: 'Completed',
      confirmationUrl: app.source.callbackUrl('c2b-confirmation'),
      validationUrl: app.source.callbackUrl('c2b-validation'),
    },
    'v1',
  );
  expect(registered.kind).toBe('accepted');
  const before = (await t.call('ledger.list', { filter: { kinds: ['c2b_payment'] } })).total;
  const paid = await app.client.simulateC2b({ amountCents, msisdn: '254712345678', billRefNumber: 'ACC-1' });
  expect(paid.kind).toBe('accepted');
  for (let i = 0; i < 400; i += 1) {
    const { rows, total } = await t.call('ledger.list', { filter: { kinds: ['c2b_payment'] } });
    if (total > before && rows[0]?.receipt) return { id: rows[0].id, receipt: rows[0].receipt };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the payment did not reach the ledger');
}

describe('reversals over the contract', () => {
  it('asks, approves by another person, reverses once and shows the original as reversed', async () => {
    const people = await t.people();
    const original = await customerPays(450_00);
    const before = await t.callAs(people.admin, 'reversals.forTransaction', { transactionId: original.id });
    expect(before).toMatchObject({ refusal: null, reversal: null, reversedBy: null, reverses: null });
    await expect(
      t.callAs(people.approver, 'reversals.request', { transactionId: original.id, reason: 'x' }),
    ).rejects.toThrow(/Admin/);
    const asked = await t.callAs(people.admin, 'reversals.request', {
      transactionId: original.id,
      reason: 'Paid the wrong business',
    });
    expect(asked.message).toMatch(/needs one approver other than Wanjiru Kamau/);
    expect(asked.reversal).toMatchObject({ state: 'draft', canApprove: false });
    await expect(t.callAs(people.admin, 'reversals.approve', { id: asked.reversal.id })).rejects.toThrow(/Approver/);
    const seen = await t.callAs(people.approver, 'reversals.detail', { id: asked.reversal.id });
    expect(seen.reversal).toMatchObject({ canApprove: true, canDecline: true });
    const approved = await t.callAs(people.approver, 'reversals.approve', { id: asked.reversal.id });
    expect(approved.reversal.state).toBe('succeeded');
    const after = await t.callAs(people.accountant, 'reversals.forTransaction', { transactionId: original.id });
    expect(after.reversedBy).toMatchObject({ via: 'api', receipt: approved.reversal.reversalReceipt });
    expect(after.refusal?.code).toBe('already_reversed');
    const reversalRow = await t.call('ledger.list', { filter: { kinds: ['reversal'] } });
    expect(reversalRow.rows.map((r) => [r.receipt, r.amountCents, r.direction])).toEqual([
      [approved.reversal.reversalReceipt, 450_00, 'out'],
    ]);
    const received = await t.call('ledger.list', { filter: { kinds: ['c2b_payment'] } });
    expect(received.rows.find((r) => r.id === original.id)?.reversedBy).toEqual({
      receipt: approved.reversal.reversalReceipt,
    });
    const reversalId = reversalRow.rows[0]?.id ?? 0;
    expect(await t.callAs(people.accountant, 'reversals.forTransaction', { transactionId: reversalId })).toMatchObject({
      reverses: { transactionId: original.id, receipt: original.receipt },
      refusal: { code: 'not_reversible' },
    });
    const listed = await t.callAs(people.auditor, 'reversals.list', { show: 'all' });
    expect(listed.reversals.map((r) => r.id)).toEqual([asked.reversal.id]);
  });

  it('gives the portal route for a payment to a customer, and a decline closes a request', async () => {
    const people = await t.people();
    const db = t.api.session.require().db;
    const b2c = db
      .transaction(() =>
        recordTransaction(db, {
          receipt: 'QBP1234567',
          occurredAt: new Date().toISOString(),
          direction: 'out',
          kind: 'b2c_payment',
          status: 'completed',
          amountCents: 100_00,
          source: 'b2c_result',
        }),
      )
      .immediate();
    const shown = await t.callAs(people.admin, 'reversals.forTransaction', { transactionId: b2c.id });
    expect(shown.refusal?.message).toMatch(/^M-Pesa does not allow reversing a payment to a customer through its API/);
    await expect(
      t.callAs(people.admin, 'reversals.request', { transactionId: b2c.id, reason: 'Wrong person' }),
    ).rejects.toThrow(/M-Pesa Org portal/);
    const original = await customerPays(120_00);
    const asked = await t.callAs(people.admin, 'reversals.request', { transactionId: original.id, reason: 'Test' });
    const declined = await t.callAs(people.approver, 'reversals.decline', {
      id: asked.reversal.id,
      reason: 'Customer withdrew the request',
    });
    expect(declined.reversal).toMatchObject({ state: 'rejected', declineReason: 'Customer withdrew the request' });
    expect(declined.message).toBe('Declined by Baraka Mwangi: Customer withdrew the request');
  });
});
