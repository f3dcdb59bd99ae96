// Refunds through the contract on a real demo profile (simulator and relay in this process): the
// admin asks, the roles are kept apart (the officer cannot ask, the admin cannot approve, the
// approver who was also the asker cannot either), the approver's approval sends it, and the
// simulator's own record shows the payer refunded once, the ledger agreeing and linked both ways.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../../src/simulator';
import { recordTransaction } from '../../../src/main/ledger/transactions';
import { testApi, type TestApi } from './helpers';
import type { TestPeople } from '../../helpers/people';

let t: TestApi;
let people: TestPeople;
let originalId = 0;

beforeAll(async () => {
  t = await testApi({ core: { simulator: { seed: 11 } } });
  await t.call('profiles.create', { kind: 'demo' });
  people = await t.people();
  const db = t.api.session.require().db;
  originalId = db.transaction(
    () =>
      recordTransaction(db, {
        receipt: 'QKH94M1Z11',
        occurredAt: '2026-11-20T09:15:00.000Z',
        direction: 'in',
        kind: 'c2b_payment',
        status: 'completed',
        amountCents: 2500_00,
        phone: null,
        partyName: 'NICHOLAS SONGOK',
        partyDisplay: '2547 ***** 149',
        source: 'c2b_confirmation',
      }).id,
  )();
});
afterAll(async () => {
  await t?.stop();
});

async function simulatorPayments(): Promise<PaymentRecord[]> {
  const { demoSimulatorUrl } = await t.call('app.info', {});
  const response = await fetch(new URL('/simulator/payments', demoSimulatorUrl ?? 'http://invalid'));
  return (await response.json()) as PaymentRecord[];
}

async function refusal(promise: Promise<unknown>): Promise<{ kind: string; message: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return (error as { contractError: { kind: string; message: string; code?: string } }).contractError;
  }
  throw new Error('expected a refusal');
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('refunds through the contract', () => {
  let refundId = 0;

  it('lets only the admin ask, and checks the number against the mask', async () => {
    const input = { transactionId: originalId, amountCents: 1000_00, reason: 'Paid for the wrong order' };
    expect((await refusal(t.callAs(people.officer, 'refunds.request', input))).kind).toBe('forbidden');
    const noNumber = await refusal(t.callAs(people.admin, 'refunds.request', input));
    expect(noNumber.message).toContain("type the customer's full number");
    const wrong = await refusal(t.callAs(people.admin, 'refunds.request', { ...input, phone: '0708374148' }));
    expect(wrong).toMatchObject({ kind: 'validation', code: 'number_mismatch' });
    const over = await refusal(
      t.callAs(people.admin, 'refunds.request', { ...input, amountCents: 3000_00, phone: '0708374149' }),
    );
    expect(over.message).toContain('KES 2,500.00 of KES 2,500.00 is left');
    const refund = await t.callAs(people.admin, 'refunds.request', { ...input, phone: '0708374149' });
    expect(refund).toMatchObject({
      state: 'awaiting_approval',
      phone: '254708374149',
      phoneEvidence: 'masked',
      askedBy: people.admin.username,
      waitingFor: 'one approval by an approver other than Wanjiru Kamau',
    });
    refundId = refund.id;
    expect((await t.call('runs.list', {})).runs.map((r) => r.id)).not.toContain(refund.runId);
  });

  it('keeps the approval from the admin and from the asker, whatever roles they hold', async () => {
    expect((await refusal(t.callAs(people.admin, 'refunds.approve', { refundId }))).kind).toBe('forbidden');
    const db = t.api.session.require().db;
    db.prepare("INSERT INTO account_roles (account_id, role) VALUES (?, 'approver')").run(people.admin.accountId);
    const asker = { ...people.admin, roles: [...people.admin.roles, 'approver' as const] };
    const own = await refusal(t.callAs(asker, 'refunds.approve', { refundId }));
    expect(own).toMatchObject({ kind: 'conflict', code: 'maker_cannot_approve' });
    db.prepare("DELETE FROM account_roles WHERE account_id = ? AND role = 'approver'").run(people.admin.accountId);
    expect(await simulatorPayments()).toEqual([]);
  });

  it('keeps the payroll doors shut on a refund’s run: it is decided under Refunds only', async () => {
    const { runId } = await t.call('refunds.detail', { refundId });
    for (const [person, method] of [
      [people.approver, 'runs.approve'],
      [people.officer, 'runs.start'],
      [people.officer, 'runs.pause'],
      [people.officer, 'runs.cancel'],
    ] as const) {
      const refused = await refusal(t.callAs(person, method, { runId }));
      expect(refused, method).toMatchObject({ kind: 'conflict', code: 'refund_run' });
      expect(refused.message).toContain(`pays refund #${refundId}`);
    }
    expect((await t.call('refunds.detail', { refundId })).state).toBe('awaiting_approval');
    expect(await simulatorPayments()).toEqual([]);
  });

  it('sends it on the approver’s approval and records it paid once, linked both ways', async () => {
    const approved = await t.callAs(people.approver, 'refunds.approve', { refundId });
    expect(approved).toMatchObject({ sent: true, notSent: null });
    const paid = await until(
      () => t.call('refunds.detail', { refundId }),
      (r) => r.state === 'paid',
    );
    expect(paid.state).toBe('paid');
    const payments = await simulatorPayments();
    expect(payments.map((p) => [p.party, p.amountCents])).toEqual([['254708374149', 1000_00]]);
    expect(paid.refundReceipt).toBe(payments[0]?.receipt);
    const original = await t.callAs(people.admin, 'refunds.forTransaction', { transactionId: originalId });
    expect(original.refundable).toMatchObject({ paidCents: 1000_00, leftCents: 1500_00, refusal: null });
    expect(original.refunds.map((r) => r.id)).toEqual([refundId]);
    const back = await t.callAs(people.admin, 'refunds.forTransaction', { transactionId: paid.refundTransactionId! });
    expect(back.refundOf).toEqual({ refundId, transactionId: originalId, receipt: 'QKH94M1Z11' });
    const row = await t.callAs(people.admin, 'ledger.detail', { id: paid.refundTransactionId! });
    expect(row.transaction).toMatchObject({ kind: 'refund', direction: 'out', amountCents: 1000_00 });
    // Approving again sends nothing more.
    expect((await refusal(t.callAs(people.approver, 'refunds.approve', { refundId }))).code).toBe(
      'not_awaiting_approval',
    );
    expect(await simulatorPayments()).toHaveLength(1);
  });

  it('lets an approver decline, which frees the amount again', async () => {
    const refund = await t.callAs(people.admin, 'refunds.request', {
      transactionId: originalId,
      amountCents: 1500_00,
      reason: 'Rest of the order',
      phone: '254708374149',
    });
    const declined = await t.callAs(people.approver, 'refunds.decline', {
      refundId: refund.id,
      reason: 'The customer collected the goods',
    });
    expect(declined).toMatchObject({ state: 'declined', declinedByName: 'Baraka Mwangi' });
    const listed = await t.callAs(people.accountant, 'refunds.list', { state: 'declined' });
    expect(listed.refunds.map((r) => r.id)).toEqual([refund.id]);
    const left = await t.callAs(people.admin, 'refunds.forTransaction', { transactionId: originalId });
    expect(left.refundable?.leftCents).toBe(1500_00);
    expect(await simulatorPayments()).toHaveLength(1);
  });
});
