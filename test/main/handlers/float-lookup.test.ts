// The float's history, the low-float level and receipt lookups through the contract, as the
// screens call them, against the demo profile's in-process simulator: who may call each, the
// warning as set by the admin, and money received recorded once from M-Pesa's stored answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../src/shared/contract';
import { callContract, type CallFrom } from '../../../src/main/transports/dispatch';
import { customerPaidUnseen } from '../../helpers/customer-payment';
import type { TestPeople } from '../../helpers/people';
import { testApi, type TestApi } from './helpers';

let t: TestApi;
let people: TestPeople;

beforeAll(async () => {
  t = await testApi({ balanceOnOpen: false });
  await t.call('profiles.create', { kind: 'demo' });
  people = await t.people();
});
afterAll(async () => {
  await t?.stop();
});

async function as<M extends MethodName>(from: CallFrom, method: M, input: MethodInput<M>) {
  return callContract(t.api.handlers, method, input, from);
}

async function value<M extends MethodName>(from: CallFrom, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await as(from, method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
  return result.value as MethodOutput<M>;
}

function utility(observedAt: string, availableCents: number): void {
  t.api.session
    .require()
    .db.prepare(
      "INSERT INTO balance_snapshots (observed_at, account, available_cents) VALUES (?, 'Utility Account', ?)",
    )
    .run(observedAt, availableCents);
}

/** A customer pays the demo's Pay Bill; the confirmation never reaches Mshahara, so the ledger lacks it. */
function customerPaid(amountCents: number): Promise<string> {
  return customerPaidUnseen(t.api.session.require().client, { amountCents, msisdn: '254708374149', billRef: 'INV-9' });
}

describe('float.setWarningLevel, float.warning and float.history', () => {
  it('lets only the admin set the level, and warns everyone once the float is below it', async () => {
    for (const person of [people.officer, people.approver, people.accountant, people.auditor])
      expect(await as(person, 'float.setWarningLevel', { levelCents: 50_000_00 })).toMatchObject({
        ok: false,
        error: { kind: 'forbidden' },
      });
    expect(await value(people.officer, 'float.warning', {})).toEqual({ levelCents: null, warning: null });
    utility(new Date(Date.now() - 60_000).toISOString(), 12_400_00);
    const saved = await value(people.admin, 'float.setWarningLevel', { levelCents: 50_000_00 });
    expect(saved.levelCents).toBe(50_000_00);
    for (const person of [people.officer, people.approver, people.auditor]) {
      const seen = await value(person, 'float.warning', {});
      expect(seen.warning?.message).toBe(
        'The float is KES 12,400.00, below the warning level of KES 50,000.00 set in Settings. Top up the Utility account before the next run.',
      );
    }
    expect(await as(people.admin, 'float.setWarningLevel', { levelCents: 10_000_50 })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    expect((await value(people.admin, 'float.setWarningLevel', { levelCents: null })).warning).toBeNull();
  });

  it('answers the history of the Utility account per Nairobi day, for anyone signed in', async () => {
    utility('2026-11-10T05:10:00.000Z', 80_000_00);
    utility('2026-11-10T05:20:00.000Z', 30_000_00);
    const history = await value(people.auditor, 'float.history', {
      fromDay: '2026-11-10',
      toDay: '2026-11-10',
      maxPoints: 24,
    });
    expect(history.accounts[0]).toBe('Utility Account');
    expect(history.points.map((p) => [p.lowestCents, p.lastCents])).toEqual([[30_000_00, 30_000_00]]);
  });
});

describe('lookup.receipt, lookup.answer and lookup.record', () => {
  it('answers anyone signed in, and records money received once, for the accountant or the admin only', async () => {
    const receipt = await customerPaid(2_345_00);
    const found = await value(people.auditor, 'lookup.receipt', { receipt });
    expect(found).toMatchObject({
      state: 'answered',
      completed: true,
      direction: 'in',
      recordable: true,
      amountCents: 2_345_00,
    });
    expect(await value(people.officer, 'lookup.answer', { lookupId: found.lookupId })).toMatchObject({
      recordable: true,
    });

    for (const person of [people.officer, people.approver, people.auditor])
      expect(await as(person, 'lookup.record', { lookupId: found.lookupId })).toMatchObject({
        ok: false,
        error: { kind: 'forbidden' },
      });
    // Only the lookup's id crosses: an amount sent along is refused, never recorded.
    expect(
      await as(people.accountant, 'lookup.record', { lookupId: found.lookupId, amountCents: 1 } as never),
    ).toMatchObject({ ok: false, error: { kind: 'validation' } });

    const recorded = await value(people.accountant, 'lookup.record', { lookupId: found.lookupId });
    expect(recorded.lookup).toMatchObject({ recordable: false, ledger: { transactionId: recorded.transactionId } });
    const row = await value(people.accountant, 'ledger.detail', { id: recorded.transactionId });
    expect(row.transaction).toMatchObject({ receipt, direction: 'in', kind: 'c2b_payment', amountCents: 2_345_00 });

    expect(await as(people.admin, 'lookup.record', { lookupId: found.lookupId })).toMatchObject({
      ok: false,
      error: { kind: 'conflict', message: expect.stringContaining('not recorded twice') },
    });
    const rows = t.api.session
      .require()
      .db.prepare('SELECT COUNT(*) AS n FROM transactions WHERE receipt = ?')
      .get(receipt) as { n: number };
    expect(rows.n).toBe(1);
  });

  it('refuses what is not a receipt before asking M-Pesa', async () => {
    expect(await as(people.officer, 'lookup.receipt', { receipt: 'not a receipt' })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
  });
});
