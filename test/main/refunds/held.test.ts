// A refund recorded as failed on a person's word, not M-Pesa's, still holds its amount: M-Pesa
// may yet say it was paid (payout rule 9), and a second refund on top of it would pay the customer
// twice. Only an approver other than the asker and the person who recorded the failure may send
// that same refund again. Against the simulator, whose record says who was paid.
import { afterEach, describe, expect, it } from 'vitest';
import { refundView, refundsForTransaction } from '../../../src/main/refunds/read';
import { approveRefund, requestRefund } from '../../../src/main/refunds/refunds';
import { approveAndSend } from '../../../src/main/refunds/send';
import type { SimulatorFaults } from '../../../src/simulator';
import { seedPeople, type TestPeople } from '../../helpers/people';
import { harness, type Harness } from '../payroll/engine/harness';
import { received } from './received';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const payer = '254720000101';

function as(person: { username: string; accountId: number }) {
  return { name: person.username, accountId: person.accountId };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

/**
 * A customer's KES 1,000 refunded in full; every M-Pesa callback (Result and status answer) is
 * lost, so the payment ends on the needs-attention list, and `recorder` records it as failed.
 */
async function refundFailedOnAPersonsWord(
  faults: Partial<SimulatorFaults>,
  recorder: (people: TestPeople) => string,
): Promise<{ h: Harness; people: TestPeople; refundId: number; original: number; receipt: string }> {
  h = await harness({
    customers: [{ msisdn: payer, name: 'NICHOLAS SONGOK' }],
    engine: { resultTimeoutMs: 100, maxStatusQueries: 2, attentionMaxIntervalMs: 3_600_000 },
  });
  const people = await seedPeople(h.db);
  const original = received(h.db, { kind: 'stk_payment', phone: payer, partyDisplay: null, amountCents: 1000_00 });
  const refundId = requestRefund(
    h.db,
    { transactionId: original.id, amountCents: 1000_00, reason: 'Charged twice' },
    as(people.admin),
  );
  await h.engine.start();
  // The float check's balance answer comes; M-Pesa pays a moment later, and from then on every
  // callback is lost.
  h.sim.setFaults({ processingLagMs: { min: 300, max: 300 }, ...faults });
  expect(await approveAndSend(h.db, h.engine, refundId, as(people.approver))).toMatchObject({ sent: true });
  h.sim.setFaults({ dropCallback: 1 });
  const { runId, itemId } = refundView(h.db, refundId);
  const waiting = await h.engine.waitUntilFinal(runId);
  expect(waiting.needsAttention).toBe(1);
  const outcome = await h.engine.resolveItem(
    itemId,
    { outcome: 'failed', reason: 'Not on the customer’s phone' },
    recorder(people),
  );
  expect(outcome).toMatchObject({ outcome: 'failed', checked: 'unchecked' });
  return { h, people, refundId, original: original.id, receipt: original.receipt };
}

describe('a refund failed on a person’s word', () => {
  it('keeps holding its amount, so a second refund cannot pay the customer twice', async () => {
    // M-Pesa paid the refund; only its answers were lost.
    const s = await refundFailedOnAPersonsWord({}, (people) => people.officer.username);
    expect(s.h.sim.payments().filter((p) => p.party === payer)).toHaveLength(1);

    const view = refundView(s.h.db, s.refundId);
    expect(view).toMatchObject({ state: 'failed', failedOnWordOf: [s.people.officer.username] });
    expect(view.status).toContain(`Recorded as failed by ${s.people.officer.username}, not by M-Pesa`);
    expect(view.status).toContain('its amount stays held against the receipt');
    expect(refundsForTransaction(s.h.db, s.original).refundable).toMatchObject({
      paidCents: 0,
      heldCents: 1000_00,
      leftCents: 0,
    });
    // The second refund the old rule let through, and the customer paid twice, is refused.
    expect(
      codeOf(() =>
        requestRefund(
          s.h.db,
          { transactionId: s.original, amountCents: 1000_00, reason: 'Try again' },
          as(s.people.admin),
        ),
      ),
    ).toBe('nothing_left');
    expect(s.h.sim.payments().filter((p) => p.party === payer)).toHaveLength(1);
  }, 30_000);

  it('is sent again only by an approver other than the asker and the recorder, and paid once', async () => {
    // M-Pesa refused the payment (the payee's first payment fails); its failure Result was lost.
    const s = await refundFailedOnAPersonsWord({ failPayee: 1 }, (people) => people.approver.username);
    expect(s.h.sim.payments().filter((p) => p.party === payer)).toEqual([]);

    expect(codeOf(() => approveRefund(s.h.db, s.refundId, as(s.people.admin)))).toBe('maker_cannot_approve');
    expect(codeOf(() => approveRefund(s.h.db, s.refundId, as(s.people.approver)))).toBe('recorder_cannot_send_again');
    expect(refundView(s.h.db, s.refundId).state).toBe('failed');

    s.h.sim.setFaults({ dropCallback: 0 });
    const again = await approveAndSend(s.h.db, s.h.engine, s.refundId, as(s.people.secondApprover));
    expect(again).toEqual({ sent: true, notSent: null });
    await s.h.engine.waitUntilFinal(refundView(s.h.db, s.refundId).runId);
    await s.h.sim.callbacksIdle();

    const paid = s.h.sim.payments().filter((p) => p.party === payer);
    expect(paid.map((p) => p.amountCents)).toEqual([1000_00]);
    const view = refundView(s.h.db, s.refundId);
    expect(view).toMatchObject({ state: 'paid', refundReceipt: paid[0]!.receipt, failedOnWordOf: [] });
    expect(refundsForTransaction(s.h.db, s.original).refundable).toMatchObject({
      paidCents: 1000_00,
      leftCents: 0,
    });
    const sentAgain = s.h.db
      .prepare(`SELECT actor FROM audit_log WHERE action = 'refund.sent_again' AND entity_id = ?`)
      .all(String(s.refundId));
    expect(sentAgain).toEqual([{ actor: s.people.secondApprover.username }]);
  }, 30_000);
});
