// Reversals against the simulator over HTTP: the rules refused in words, approval by someone
// other than the asker, the Reversal sent once whatever the faults (lost answers, dropped and
// duplicated callbacks), each answer M-Pesa may give about the amount, and the ledger equal to
// the simulator's record of what it reversed.
import { afterEach, describe, expect, it } from 'vitest';
import type { DarajaClient } from '../../../src/main/daraja';
import { recordTransaction } from '../../../src/main/ledger/transactions';
import { approveReversal, declineReversal, requestReversal } from '../../../src/main/reversals/requests';
import { portalRouteWords } from '../../../src/main/reversals/rules';
import { recoverReversals, resolveReversal, sendReversal, type ReversalParts } from '../../../src/main/reversals/send';
import { moveReversal, reversalById, reversedOriginal } from '../../../src/main/reversals/store';
import type { TestPeople } from '../../helpers/people';
import type { Harness, HarnessOptions } from '../payroll/engine/harness';
import { askedAndApproved, customer, reversalHarness, receivedPayment, recordReceived, reversalRows } from './support';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const options = { resultWaitMs: 1500, statusWaitMs: 3000 };

async function setUp(extra: HarnessOptions = {}): Promise<{ h: Harness; people: TestPeople; parts: ReversalParts }> {
  const opened = await reversalHarness(extra);
  h = opened.h;
  return opened;
}

/** The money check: M-Pesa reversed the original once, and the ledger says exactly that. */
function reversedOnce(current: Harness, receipt: string, transactionId: number): void {
  const made = current.sim.reversals().filter((r) => r.originalReceipt === receipt);
  expect(made).toHaveLength(1);
  const rows = reversalRows(current.db);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ receipt: made[0]?.receipt, amount_cents: made[0]?.amountCents, direction: 'out' });
  expect(reversedOriginal(current.db, transactionId)).toMatchObject({ reversalTransactionId: rows[0]?.id });
}

describe('asking for a reversal', () => {
  it('refuses a payment to a customer with the M-Pesa Org portal route, and other rows in words', async () => {
    const { h, people } = await setUp();
    const b2c = h.db
      .transaction(() =>
        recordTransaction(h.db, {
          receipt: 'QBC1234567',
          occurredAt: new Date().toISOString(),
          direction: 'out',
          kind: 'b2c_payment',
          status: 'completed',
          amountCents: 1000_00,
          source: 'b2c_result',
        }),
      )
      .immediate();
    expect(() => requestReversal(h.db, { transactionId: b2c.id, reason: 'Wrong person' }, people.admin)).toThrow(
      portalRouteWords,
    );
    const failed = h.db
      .transaction(() =>
        recordTransaction(h.db, {
          receipt: 'QFA1234567',
          occurredAt: new Date().toISOString(),
          direction: 'in',
          kind: 'stk_payment',
          status: 'failed',
          amountCents: 500_00,
          source: 'stk_callback',
        }),
      )
      .immediate();
    expect(() => requestReversal(h.db, { transactionId: failed.id, reason: 'x' }, people.admin)).toThrow(
      /did not complete, so no money came in/,
    );
    const paid = recordReceived(h.db, 'QRC1234567', 700_00, customer.msisdn, null);
    expect(() => requestReversal(h.db, { transactionId: paid, reason: '  ' }, people.admin)).toThrow(
      /Say why this payment is being reversed/,
    );
    requestReversal(h.db, { transactionId: paid, reason: 'Customer asked' }, people.admin);
    expect(() => requestReversal(h.db, { transactionId: paid, reason: 'Again' }, people.admin)).toThrow(
      /already asked for .* must be settled first/,
    );
    expect(h.db.prepare('SELECT count(*) AS n FROM reversals').get()).toEqual({ n: 1 });
  });

  it('the asker cannot approve; another approver can; a decline closes it and nothing is sent', async () => {
    const { h, people } = await setUp();
    const paid = recordReceived(h.db, 'QRC7654321', 700_00, customer.msisdn, null);
    const asked = requestReversal(h.db, { transactionId: paid, reason: 'Customer asked' }, people.admin);
    expect(() => approveReversal(h.db, asked.id, people.admin)).toThrow(/approver role/);
    expect(() => approveReversal(h.db, asked.id, people.officer)).toThrow(/approver role/);
    expect(() => declineReversal(h.db, asked.id, people.approver, '')).toThrow(/Say why/);
    const declined = declineReversal(h.db, asked.id, people.approver, 'Not our customer');
    expect(declined).toMatchObject({ state: 'rejected', declineReason: 'Not our customer' });
    expect(() => approveReversal(h.db, asked.id, people.secondApprover)).toThrow(/not waiting for approval/);
    expect(h.sim.reversals()).toHaveLength(0);
    // Declined is closed: a new request may be made.
    expect(requestReversal(h.db, { transactionId: paid, reason: 'Asked again' }, people.admin).state).toBe('draft');
  });

  it('needs two approvers other than the asker when the policy says three people', async () => {
    const { h, people } = await setUp();
    h.db
      .prepare(`INSERT INTO settings (key, value) VALUES ('approval_policy', ?)`)
      .run(JSON.stringify({ people: 3, aboveCents: null }));
    const paid = recordReceived(h.db, 'QRC1111111', 700_00, customer.msisdn, null);
    const asked = requestReversal(h.db, { transactionId: paid, reason: 'Customer asked' }, people.admin);
    expect(approveReversal(h.db, asked.id, people.approver)).toMatchObject({ kind: 'waiting', missing: 1 });
    expect(() => approveReversal(h.db, asked.id, people.approver)).toThrow(/already approved/);
    expect(approveReversal(h.db, asked.id, people.secondApprover).kind).toBe('approved');
  });
});

describe('sending a reversal', () => {
  it('reverses a received payment once and links it both ways in the ledger', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 1500_00);
    const id = askedAndApproved(h, people, transactionId);
    const done = await sendReversal(parts, id, people.approver.username, options);
    expect(done).toMatchObject({ state: 'succeeded', reportedAmountCents: 1500_00, needsAttention: false });
    reversedOnce(h, receipt, transactionId);
    expect(reversalRows(h.db)[0]).toMatchObject({ reversal_id: id, source: 'reversal_result' });
    expect(h.sim.collection(receipt)?.reversedBy).toBe(done.reversalReceipt);
    expect(() => requestReversal(h.db, { transactionId, reason: 'Again' }, people.admin)).toThrow(
      /was already reversed; it cannot be reversed twice/,
    );
  });

  it('says R000002 in words when M-Pesa does not know the receipt', async () => {
    const { h, people, parts } = await setUp();
    const paid = recordReceived(h.db, 'QZZ0000001', 400_00, customer.msisdn, null);
    const id = askedAndApproved(h, people, paid);
    const done = await sendReversal(parts, id, people.approver.username, options);
    expect(done).toMatchObject({ state: 'failed', resultCode: 'R000002' });
    expect(done.outcomeWords).toBe(
      'M-Pesa does not know this receipt as a payment to this business, so nothing was reversed. If the receipt is right, compare its amount with the M-Pesa statement: M-Pesa may give this answer when the amount asked differs from the payment’s.',
    );
    expect(reversalRows(h.db)).toHaveLength(0);
    expect(reversedOriginal(h.db, paid)).toBeNull();
  });

  it('settles a lost answer from the late Result, and copies of the Result change nothing', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 900_00);
    h.sim.setFaults({ errorAfter: 1, duplicateCallback: 1 });
    const id = askedAndApproved(h, people, transactionId);
    const done = await sendReversal(parts, id, people.approver.username, options);
    expect(done.state).toBe('succeeded');
    await h.sim.callbacksIdle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    reversedOnce(h, receipt, transactionId);
  });

  it('asks Transaction Status when the Result is dropped, and records what it answers', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 800_00);
    h.sim.setFaults({ dropCallback: 1 });
    const id = askedAndApproved(h, people, transactionId);
    // Transaction Status's own answer must arrive: drop only the Reversal's Result.
    const sent = sendReversal(parts, id, people.approver.username, options);
    await new Promise((resolve) => setTimeout(resolve, 400));
    h.sim.setFaults({ dropCallback: 0 });
    const done = await sent;
    expect(done).toMatchObject({ state: 'succeeded', needsAttention: false });
    reversedOnce(h, receipt, transactionId);
    expect(reversalRows(h.db)[0]?.source).toBe('status_result');
  });

  it('puts a lost answer with no Result on the work list; sending again is told "already reversed" and counts once', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 600_00);
    h.sim.setFaults({ errorAfter: 1, dropCallback: 1 });
    const id = askedAndApproved(h, people, transactionId);
    const first = await sendReversal(parts, id, people.approver.username, options);
    expect(first).toMatchObject({ state: 'unknown', needsAttention: true });
    expect(first.attentionReason).toMatch(/answer to the request was lost/);
    h.sim.setFaults({ errorAfter: 0, dropCallback: 0 });
    const again = await resolveReversal(parts, id, people.approver, { kind: 'send_again' }, options);
    expect(again).toMatchObject({ state: 'succeeded', alreadyReversed: true, resultCode: 'R000001' });
    expect(again.outcomeWords).toMatch(/^M-Pesa says this payment was already reversed/);
    expect(h.sim.reversals().filter((r) => r.originalReceipt === receipt)).toHaveLength(1);
    expect(reversedOriginal(h.db, transactionId)).toMatchObject({
      via: 'already_reversed',
      reversalTransactionId: null,
    });
    // Its money is not counted until its receipt is known (the statement), and never twice.
    expect(reversalRows(h.db)).toHaveLength(0);
    expect(() => requestReversal(h.db, { transactionId, reason: 'Again' }, people.admin)).toThrow(/already reversed/);
  });

  it('refuses an approver who is not one, and settles nothing already final', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId } = await receivedPayment(h, 300_00);
    const id = askedAndApproved(h, people, transactionId);
    await sendReversal(parts, id, people.approver.username, options);
    await expect(resolveReversal(parts, id, people.approver, { kind: 'send_again' }, options)).rejects.toThrow(
      /nothing to settle/,
    );
    await expect(sendReversal(parts, id, 'baraka', options)).rejects.toThrow(/cannot be sent now/);
    expect(reversalById(h.db, id)?.sends).toBe(1);
  });
});

describe('the amount M-Pesa reverses (unconfirmed)', () => {
  for (const rule of ['whole', 'must-match', 'as-asked'] as const) {
    it(`asks for the whole amount and is reversed once when M-Pesa's rule is "${rule}"`, async () => {
      const { h, people, parts } = await setUp({ faults: { reversalAmount: rule } });
      const { transactionId, receipt } = await receivedPayment(h, 1200_00);
      const id = askedAndApproved(h, people, transactionId);
      const done = await sendReversal(parts, id, people.approver.username, options);
      expect(done).toMatchObject({ state: 'succeeded', reportedAmountCents: 1200_00, needsAttention: false });
      reversedOnce(h, receipt, transactionId);
    });
  }

  it('records the amount M-Pesa reported when it differs from the original, and puts it on the work list', async () => {
    // A Daraja that reverses what it is asked, and a request that (by some fault) asked for half.
    const halving = (base: DarajaClient): DarajaClient =>
      Object.assign(Object.create(base) as DarajaClient, {
        reversal: (request: Parameters<DarajaClient['reversal']>[0]) =>
          base.reversal({ ...request, amountCents: Math.floor(Number(request.amountCents) / 200) * 100 }),
      });
    const { h, people, parts } = await setUp({ faults: { reversalAmount: 'as-asked' }, client: halving });
    const { transactionId, receipt } = await receivedPayment(h, 1000_00);
    const id = askedAndApproved(h, people, transactionId);
    const done = await sendReversal(parts, id, people.approver.username, options);
    expect(done).toMatchObject({ state: 'succeeded', reportedAmountCents: 500_00, needsAttention: true });
    expect(done.attentionReason).toMatch(/M-Pesa reversed KES 500\.00, but the original payment was KES 1,000\.00/);
    reversedOnce(h, receipt, transactionId);
    expect(reversalRows(h.db)[0]?.amount_cents).toBe(500_00);
  });
});

describe("M-Pesa refuses an amount other than the original's (must-match)", () => {
  it('records it as not reversed, in words that name the amount, and M-Pesa reversed nothing', async () => {
    // A Daraja that refuses an Amount other than the original's, and a request that (by some
    // fault: a ledger amount that differs from M-Pesa's) asked for half.
    const halving = (base: DarajaClient): DarajaClient =>
      Object.assign(Object.create(base) as DarajaClient, {
        reversal: (request: Parameters<DarajaClient['reversal']>[0]) =>
          base.reversal({ ...request, amountCents: Math.floor(Number(request.amountCents) / 200) * 100 }),
      });
    const { h, people, parts } = await setUp({ faults: { reversalAmount: 'must-match' }, client: halving });
    const { transactionId, receipt } = await receivedPayment(h, 1000_00);
    const id = askedAndApproved(h, people, transactionId);
    const done = await sendReversal(parts, id, people.approver.username, options);
    expect(done).toMatchObject({ state: 'failed', resultCode: 'R000002', needsAttention: false });
    expect(done.outcomeWords).toMatch(/amount asked differs/);
    expect(h.sim.reversals()).toHaveLength(0);
    expect(h.sim.collection(receipt)?.reversedBy).toBeNull();
    expect(reversalRows(h.db)).toHaveLength(0);
    expect(reversedOriginal(h.db, transactionId)).toBeNull();
  });
});

describe('after a crash', () => {
  it('sends an approved reversal that never left, and never re-sends one that may have', async () => {
    const { h, people, parts } = await setUp();
    const approvedOnly = await receivedPayment(h, 200_00);
    const leftSending = await receivedPayment(h, 300_00);
    const first = askedAndApproved(h, people, approvedOnly.transactionId);
    const second = askedAndApproved(h, people, leftSending.transactionId);
    // As a SIGKILL leaves it: the move to sending committed, and nothing known of what followed.
    moveReversal(h.db, second, 'sending', new Date().toISOString(), { sent: true });
    await recoverReversals(parts, options);
    expect(reversalById(h.db, first)).toMatchObject({ state: 'succeeded', sends: 1 });
    reversedOnce(h, approvedOnly.receipt, approvedOnly.transactionId);
    expect(reversalById(h.db, second)).toMatchObject({ state: 'unknown', sends: 1, needsAttention: true });
    expect(h.sim.reversals().filter((r) => r.originalReceipt === leftSending.receipt)).toHaveLength(0);
  });
});
