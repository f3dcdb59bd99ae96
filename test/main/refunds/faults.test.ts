// Refunds paid exactly once against the simulator playing every fault it knows for B2C: answers
// lost after M-Pesa paid, Result callbacks dropped and duplicated. A refund goes through the same
// payout engine as payroll, so its evidence rules are the engine's: the simulator's own record
// shows each payer refunded once, and the ledger's refund rows equal it, linked both ways.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorFaults } from '../../../src/simulator';
import { verifyAuditChain } from '../../../src/main/ledger/audit';
import { refundView, refundsForTransaction } from '../../../src/main/refunds/read';
import { requestRefund } from '../../../src/main/refunds/refunds';
import { approveAndSend } from '../../../src/main/refunds/send';
import { seedPeople, type TestPeople } from '../../helpers/people';
import { harness, type Harness } from '../payroll/engine/harness';
import { received } from './received';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const payers = Array.from({ length: 6 }, (_, i) => `2547${String(20_000_000 + i + 1).slice(-8)}`);

interface Scenario {
  h: Harness;
  people: TestPeople;
  refunds: Array<{ id: number; original: number; phone: string; amountCents: number }>;
}

/** Six customers' payments in the ledger, each refunded in part, asked for and approved; faults on before sending. */
async function refundsUnder(seed: number, faults: Partial<SimulatorFaults>): Promise<Scenario> {
  h = await harness({
    seed,
    customers: payers.map((msisdn) => ({ msisdn, name: 'NICHOLAS SONGOK' })),
    engine: { resultTimeoutMs: 300, statusQueryRate: 40, maxStatusQueries: 30 },
  });
  const people = await seedPeople(h.db);
  const refunds = payers.map((phone, i) => {
    const original = received(h!.db, {
      kind: i % 2 === 0 ? 'stk_payment' : 'c2b_payment',
      phone: i % 2 === 0 ? phone : null,
      partyDisplay: i % 2 === 0 ? null : `${phone.slice(0, 4)} ***** ${phone.slice(-3)}`,
      amountCents: 2000_00,
    });
    const amountCents = (500 + i * 100) * 100;
    const id = requestRefund(
      h!.db,
      {
        transactionId: original.id,
        amountCents,
        reason: 'Charged twice',
        phone: i % 2 === 0 ? null : `0${phone.slice(3)}`,
      },
      { name: people.admin.username, accountId: people.admin.accountId },
    );
    return { id, original: original.id, phone, amountCents };
  });
  await h.engine.start();
  h.sim.setFaults(faults);
  // The approval sends it; one whose float check lost its balance answer to the faults is still
  // approved, and the approver's next approval sends it (as the Refunds screen offers).
  const approver = { name: people.approver.username, accountId: people.approver.accountId };
  for (const refund of refunds) {
    let outcome = await approveAndSend(h.db, h.engine, refund.id, approver);
    for (let again = 0; !outcome.sent && again < 5; again++)
      outcome = await approveAndSend(h.db, h.engine, refund.id, approver);
    expect(outcome, `refund #${refund.id}`).toMatchObject({ sent: true });
  }
  for (const refund of refunds) await h.engine.waitUntilFinal(refundView(h.db, refund.id).runId);
  await h.sim.callbacksIdle();
  return { h, people, refunds };
}

/** The simulator's record: each payer refunded once, by the amount asked; the ledger's refund rows equal it. */
function refundedExactlyOnce({ h, refunds }: Scenario): void {
  const payments = h.sim.payments();
  for (const refund of refunds) {
    const toPayer = payments.filter((p) => p.party === refund.phone);
    expect(
      toPayer.map((p) => p.amountCents),
      refund.phone,
    ).toEqual([refund.amountCents]);
  }
  expect(payments).toHaveLength(refunds.length);
  const rows = h.db
    .prepare(
      `SELECT receipt, amount_cents, phone, kind, direction FROM transactions WHERE direction = 'out' ORDER BY id`,
    )
    .all() as Array<{ receipt: string; amount_cents: number; phone: string; kind: string }>;
  expect(rows.map((r) => r.kind)).toEqual(refunds.map(() => 'refund'));
  expect(new Map(rows.map((r) => [r.receipt, [r.phone, r.amount_cents]]))).toEqual(
    new Map(payments.map((p) => [p.receipt, [p.party, p.amountCents]])),
  );
  for (const refund of refunds) {
    const view = refundView(h.db, refund.id);
    expect(view.state).toBe('paid');
    const paid = payments.find((p) => p.party === refund.phone)!;
    expect(view.refundReceipt).toBe(paid.receipt);
    // Linked both ways: the original lists the refund; the refund's ledger row names the original.
    const original = refundsForTransaction(h.db, refund.original);
    expect(original.refunds.map((r) => r.id)).toEqual([refund.id]);
    expect(original.refundable).toMatchObject({
      paidCents: refund.amountCents,
      leftCents: 2000_00 - refund.amountCents,
    });
    const back = refundsForTransaction(h.db, view.refundTransactionId!);
    expect(back.refundOf).toMatchObject({ refundId: refund.id, transactionId: refund.original });
  }
  expect(verifyAuditChain(h.db)).toMatchObject({ ok: true });
}

describe('refunds under faults', () => {
  it('pays each refund once when M-Pesa pays but its answer is lost', async () => {
    const s = await refundsUnder(31, { errorAfter: 1 });
    refundedExactlyOnce(s);
    // Every answer was lost: the payments were found by Transaction Status, never sent twice.
    const attempts = s.h.db.prepare('SELECT state, attempt_number FROM payout_attempts').all() as Array<{
      state: string;
      attempt_number: number;
    }>;
    expect(attempts.filter((a) => a.attempt_number > 1)).toEqual([]);
    expect(s.h.engine.counters().unknown).toBeGreaterThanOrEqual(s.refunds.length);
  }, 30_000);

  it('pays each refund once through dropped and duplicated Result callbacks', async () => {
    const s = await refundsUnder(47, { dropCallback: 0.5, duplicateCallback: 1 });
    refundedExactlyOnce(s);
    expect(s.h.sim.stats().callbacks.dropped).toBeGreaterThan(0);
    expect(s.h.sim.stats().callbacks.duplicated).toBeGreaterThan(0);
    // The copies were kept and recognised, never recorded as money twice.
    const copies = s.h.db.prepare(`SELECT count(*) AS n FROM inbox WHERE flag = 'duplicate'`).get() as { n: number };
    expect(copies.n).toBeGreaterThan(0);
  }, 30_000);
});
