// A person's lookup of any receipt, against the simulator over HTTP: the answer in words, the
// ledger's row beside it, money received that the ledger lacks recorded from the stored answer
// only and once per receipt, and a payment out never recorded from here.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { applyInboxEntry } from '../../../src/main/payroll/engine/apply';
import { lookupReceipt, receiptLookupView } from '../../../src/main/lookups/receipt-lookup';
import { moneyBackReason } from '../../../src/main/lookups/money-back';
import { recordLookedUpPayment } from '../../../src/main/lookups/record-lookup';
import { storedStatusAnswer } from '../../../src/main/lookups/status-lookups';
import { approvedRun, attempts, customersFor, harness, worker, type Harness } from '../payroll/engine/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const customer = { msisdn: '254708374149', name: 'JOHN DOE' };

function partsOf(current: Harness): Parameters<typeof lookupReceipt>[0] {
  return { db: current.db, client: current.client, source: current.receiver };
}

function shortcodeOf(current: Harness): string {
  return current.sim.credentials.shortcode;
}

function ledgerRows(current: Harness, receipt: string): Array<Record<string, unknown>> {
  return current.db
    .prepare(
      'SELECT direction, kind, status, amount_cents, phone, party_name, source, inbox_id FROM transactions WHERE receipt = ?',
    )
    .all(receipt) as Array<Record<string, unknown>>;
}

/** A customer pays the business's Pay Bill; its confirmation is stored but not applied (no engine runs). */
async function customerPaid(current: Harness, amountCents: number): Promise<{ receipt: string; inboxId: number }> {
  const registered = await current.client.registerC2bUrls(
    {
      responseType: 'Completed',
      confirmationUrl: current.receiver.callbackUrl('c2b-confirmation'),
      validationUrl: current.receiver.callbackUrl('c2b-validation'),
    },
    'v1',
  );
  expect(registered.kind).toBe('accepted');
  const simulated = await current.client.simulateC2b({ amountCents, msisdn: customer.msisdn, billRefNumber: 'INV-7' });
  expect(simulated.kind).toBe('accepted');
  await current.sim.callbacksIdle();
  const row = current.db
    .prepare("SELECT id, body FROM inbox WHERE kind = 'c2b-confirmation' ORDER BY id DESC LIMIT 1")
    .get() as { id: number; body: string } | undefined;
  if (row === undefined) throw new Error('the confirmation did not arrive');
  return { receipt: (JSON.parse(row.body) as { TransID: string }).TransID, inboxId: row.id };
}

async function paidOut(current: Harness, workers = [worker(1, 2500_00)]): Promise<string> {
  const runId = approvedRun(current.db, workers);
  await current.engine.start();
  await current.engine.startRun(runId, 'amina');
  await current.engine.waitUntilFinal(runId);
  await current.engine.stop();
  const receipt = attempts(current.db)[0]?.receipt;
  if (!receipt) throw new Error('the payment was not made');
  return receipt;
}

describe('lookupReceipt', () => {
  it('answers a payment out in words, with the ledger’s row beside it', async () => {
    h = await harness({ customers: customersFor([worker(1)]) });
    const receipt = await paidOut(h);
    const view = await lookupReceipt(partsOf(h), { receipt, actor: 'chebet', shortcode: shortcodeOf(h), waitMs: 5000 });
    expect(view).toMatchObject({
      state: 'answered',
      completed: true,
      direction: 'out',
      amountCents: 2500_00,
      recordable: false,
      askedBy: 'chebet',
    });
    expect(view.headline).toMatch(/^Completed: KES 2,500\.00 from 600992 - .* to /);
    expect(view.ledger).toMatchObject({ kind: 'b2c_payment', direction: 'out', amountCents: 2500_00 });
    expect(view.notes.join(' ')).toContain(`row #${view.ledger?.transactionId}`);
    expect(view.chargesCents).not.toBeNull();
  });

  it('says M-Pesa has no such receipt, and that the code speaks about the question', async () => {
    h = await harness();
    const view = await lookupReceipt(partsOf(h), {
      receipt: 'QZZ0000000',
      actor: 'chebet',
      shortcode: shortcodeOf(h),
      waitMs: 5000,
    });
    expect(view.state).toBe('no_such_receipt');
    expect(view.headline).toContain('M-Pesa has no such receipt');
    expect(view.notes[0]).toContain('speaks about the question, not about a payment');
    expect(view.completed).toBeNull();
    expect(view.recordable).toBe(false);
  });

  it('keeps a question M-Pesa has not answered yet, and shows the answer once it comes', async () => {
    h = await harness({ customers: customersFor([worker(1)]) });
    const receipt = await paidOut(h);
    h.sim.setFaults({ callbackDelayMs: { min: 600, max: 600 } });
    const view = await lookupReceipt(partsOf(h), { receipt, actor: 'chebet', shortcode: shortcodeOf(h), waitMs: 50 });
    expect(view.state).toBe('waiting');
    expect(view.headline).toContain('has not answered yet: it is kept and shown when it comes');
    // The answer arrives after the wait; the engine (as after a restart) ties it to the question.
    await h.sim.callbacksIdle();
    const engine = h.newEngine();
    await engine.start();
    await engine.stop();
    const later = receiptLookupView(h.db, view.lookupId, shortcodeOf(h));
    expect(later).toMatchObject({ state: 'answered', completed: true, amountCents: 2500_00 });
  });
});

describe('recording money received that a lookup found', () => {
  it('records it once from the stored answer, and a later confirmation is only a copy', async () => {
    h = await harness({ customers: [customer] });
    const paid = await customerPaid(h, 1234_00);
    expect(ledgerRows(h, paid.receipt)).toHaveLength(0);
    const view = await lookupReceipt(partsOf(h), {
      receipt: paid.receipt.toLowerCase(),
      actor: 'chebet',
      shortcode: shortcodeOf(h),
      waitMs: 5000,
    });
    expect(view).toMatchObject({ state: 'answered', completed: true, direction: 'in', recordable: true, ledger: null });
    expect(view.notes.join(' ')).toContain('can be recorded as money received');

    const row = recordLookedUpPayment(h.db, view.lookupId, shortcodeOf(h), 'chebet');
    const answerInbox = (
      h.db.prepare('SELECT inbox_id FROM status_lookups WHERE id = ?').get(view.lookupId) as {
        inbox_id: number;
      }
    ).inbox_id;
    expect(ledgerRows(h, paid.receipt)).toEqual([
      {
        direction: 'in',
        kind: 'c2b_payment',
        status: 'completed',
        amount_cents: 1234_00,
        phone: '254708374149',
        party_name: 'JOHN DOE',
        source: 'status_result',
        inbox_id: answerInbox,
      },
    ]);
    const audit = h.db
      .prepare("SELECT actor, entity_id FROM audit_log WHERE action = 'ledger.recorded_from_lookup'")
      .all() as Array<{ actor: string; entity_id: string }>;
    expect(audit).toEqual([{ actor: 'chebet', entity_id: String(row.id) }]);

    // A second record is refused; the view now names the ledger's row.
    expect(() => recordLookedUpPayment(h!.db, view.lookupId, shortcodeOf(h!), 'chebet')).toThrow(
      /already has receipt .* not recorded twice/,
    );
    const again = receiptLookupView(h.db, view.lookupId, shortcodeOf(h));
    expect(again).toMatchObject({ recordable: false, ledger: { transactionId: row.id } });

    // The customer's confirmation, applied later, is recognised as a copy: still one row.
    const applied = applyInboxEntry(h.db, paid.inboxId, new Date().toISOString());
    expect(applied.kind).not.toBe('recorded');
    const flag = (h.db.prepare('SELECT flag FROM inbox WHERE id = ?').get(paid.inboxId) as { flag: string }).flag;
    expect(flag).toBe('duplicate');
    expect(ledgerRows(h, paid.receipt)).toHaveLength(1);
  });

  it('refuses a second lookup’s record of the same receipt', async () => {
    h = await harness({ customers: [customer] });
    const paid = await customerPaid(h, 500_00);
    const parts = partsOf(h);
    const request = { receipt: paid.receipt, actor: 'chebet', shortcode: shortcodeOf(h), waitMs: 5000 };
    const first = await lookupReceipt(parts, request);
    const second = await lookupReceipt(parts, request);
    recordLookedUpPayment(h.db, first.lookupId, shortcodeOf(h), 'chebet');
    expect(() => recordLookedUpPayment(h!.db, second.lookupId, shortcodeOf(h!), 'wanjiru')).toThrow(
      /not recorded twice/,
    );
    expect(ledgerRows(h, paid.receipt)).toHaveLength(1);
  });

  it('never records a payment out the ledger lacks, and says where it belongs', async () => {
    h = await harness({ customers: customersFor([worker(1)]) });
    // Money paid out by M-Pesa that no payout of Mshahara's recorded (its result stored, not applied).
    const sent = await h.client.b2cPayment({
      originatorConversationId: 'outside-ledger-1',
      commandId: 'BusinessPayment',
      amountCents: 800_00,
      party: worker(1).phone,
      remarks: 'Paid outside Mshahara',
      resultUrl: h.receiver.callbackUrl('b2c-result'),
      queueTimeoutUrl: h.receiver.callbackUrl('b2c-timeout'),
    });
    expect(sent.kind).toBe('accepted');
    await h.sim.callbacksIdle();
    const receipt = h.sim.payments()[0]?.receipt;
    if (!receipt) throw new Error('the payment was not made');
    const view = await lookupReceipt(partsOf(h), { receipt, actor: 'chebet', shortcode: shortcodeOf(h), waitMs: 5000 });
    expect(view).toMatchObject({
      state: 'answered',
      completed: true,
      direction: 'out',
      ledger: null,
      recordable: false,
    });
    expect(view.notes.join(' ')).toContain('needs-attention list');
    expect(() => recordLookedUpPayment(h!.db, view.lookupId, shortcodeOf(h!), 'chebet')).toThrow(/paid out/);
    expect(ledgerRows(h, receipt)).toHaveLength(0);
  });

  it('refuses to record money this business did not receive, or an answer that is no answer', async () => {
    h = await harness();
    const view = await lookupReceipt(partsOf(h), {
      receipt: 'QZZ0000000',
      actor: 'chebet',
      shortcode: shortcodeOf(h),
      waitMs: 5000,
    });
    expect(() => recordLookedUpPayment(h!.db, view.lookupId, shortcodeOf(h!), 'chebet')).toThrow(/nothing to record/);
    expect((h.db.prepare('SELECT COUNT(*) AS n FROM transactions').get() as { n: number }).n).toBe(0);
  });

  it('under M-Pesa’s faults records nothing on a guess, and a copied answer records once', async () => {
    h = await harness({ customers: [customer] });
    const paid = await customerPaid(h, 900_00);
    const request = { receipt: paid.receipt, actor: 'chebet', shortcode: shortcodeOf(h), waitMs: 1500 };

    // The answer is lost: the question waits, nothing can be recorded.
    h.sim.setFaults({ dropCallback: 1 });
    const lost = await lookupReceipt(partsOf(h), request);
    expect(lost).toMatchObject({ state: 'waiting', recordable: false });
    expect(() => recordLookedUpPayment(h!.db, lost.lookupId, shortcodeOf(h!), 'chebet')).toThrow(/nothing to record/);

    // M-Pesa answers about the question itself (2028, 17, 100000010): never taken as the payment's outcome.
    h.sim.setFaults({ dropCallback: 0, statusUnavailable: 1 });
    const unavailable = await lookupReceipt(partsOf(h), { ...request, waitMs: 5000 });
    expect(unavailable).toMatchObject({ state: 'no_such_receipt', completed: null, recordable: false });
    expect(unavailable.notes[0]).toContain('speaks about the question');
    expect(unavailable.headline).toMatch(/^M-Pesa answered about the question, not about a payment: \w+/);

    // Every answer arrives twice: recorded once, the copy tied to the question as a copy.
    h.sim.setFaults({ statusUnavailable: 0, duplicateCallback: 1 });
    const copied = await lookupReceipt(partsOf(h), { ...request, waitMs: 5000 });
    await h.sim.callbacksIdle();
    expect(copied.recordable).toBe(true);
    recordLookedUpPayment(h.db, copied.lookupId, shortcodeOf(h), 'chebet');
    expect(() => recordLookedUpPayment(h!.db, copied.lookupId, shortcodeOf(h!), 'chebet')).toThrow(
      /not recorded twice/,
    );
    expect(ledgerRows(h, paid.receipt)).toHaveLength(1);
    const flagged = h.db.prepare('SELECT COUNT(*) AS n FROM inbox WHERE flag IS NOT NULL').get() as { n: number };
    expect(flagged.n).toBe(0);
  });
});

describe('money coming back from a payment this business made', () => {
  function ledgerCount(current: Harness): number {
    return (current.db.prepare('SELECT COUNT(*) AS n FROM transactions').get() as { n: number }).n;
  }

  it('is never recorded from a lookup as a customer’s payment, whatever M-Pesa calls it', async () => {
    const paidWorkers = [worker(1, 2500_00), worker(2, 1800_00)];
    h = await harness({ customers: customersFor(paidWorkers) });
    await paidOut(h, paidWorkers);
    const [first, second] = h.sim.payments();
    if (first === undefined || second === undefined) throw new Error('the payments were not made');
    const rowsBefore = ledgerCount(h);
    // Both salaries are reversed on the M-Pesa portal. Daraja documents no ReasonType for a
    // reversal: one says "Reversal", the other carries the original's reason.
    const named = h.sim.reverseOnPortal(first.receipt);
    const unnamed = h.sim.reverseOnPortal(second.receipt, 'Salary Payment via API');
    if (named === null || unnamed === null) throw new Error('the portal reversals were not made');

    for (const [reversal, why] of [
      [named, /M-Pesa names this transaction a reversal/],
      [unnamed, /The payer is a number this business has paid/],
    ] as const) {
      const view = await lookupReceipt(partsOf(h), {
        receipt: reversal.receipt,
        actor: 'chebet',
        shortcode: shortcodeOf(h),
        waitMs: 5000,
      });
      // M-Pesa's answer reads as money in from the worker's number...
      expect(view).toMatchObject({ state: 'answered', completed: true, direction: 'in', ledger: null });
      expect(view.debitParty).toContain(reversal.msisdn);
      // ...yet it is not offered, and recording it is refused with the way to settle it.
      expect(view.recordable).toBe(false);
      expect(view.notes.join(' ')).toMatch(why);
      expect(view.notes.join(' ')).toContain('Import the M-Pesa statement that covers it');
      expect(() => recordLookedUpPayment(h!.db, view.lookupId, shortcodeOf(h!), 'chebet')).toThrow(why);
      expect(ledgerRows(h, reversal.receipt)).toHaveLength(0);
    }
    // Nothing a refund could start from was written: each worker was paid once and no more.
    expect(ledgerCount(h)).toBe(rowsBefore);
  });

  it('knows a paid number behind M-Pesa’s mask or hash, and lets a stranger’s payment through', async () => {
    const paidWorker = worker(3, 2500_00);
    h = await harness({ customers: [...customersFor([paidWorker]), customer] });
    await paidOut(h, [paidWorker]);
    const paid = await customerPaid(h, 700_00);
    const view = await lookupReceipt(partsOf(h), {
      receipt: paid.receipt,
      actor: 'chebet',
      shortcode: shortcodeOf(h),
      waitMs: 5000,
    });
    expect(view.recordable).toBe(true);
    const inboxId = (
      h.db.prepare('SELECT inbox_id FROM status_lookups WHERE id = ?').get(view.lookupId) as { inbox_id: number }
    ).inbox_id;
    const answer = storedStatusAnswer(h.db, inboxId);
    if (answer === null) throw new Error('the answer was not stored');
    const as = (debitPartyName: string) => ({ ...answer, debitPartyName, reasonType: 'Pay Bill' });
    const masked = `${paidWorker.phone.slice(0, 4)} ***** ${paidWorker.phone.slice(-3)} - JANE WANJIRU`;
    const hashed = createHash('sha256').update(paidWorker.phone).digest('hex');
    expect(moneyBackReason(h.db, as(masked))).toMatch(/as M-Pesa shows it, fits a number this business has paid/);
    expect(moneyBackReason(h.db, as(hashed))).toMatch(/fits a number this business has paid/);
    // The customer's own number, clear or masked, was never paid: nothing holds it back.
    expect(moneyBackReason(h.db, answer)).toBeNull();
    expect(moneyBackReason(h.db, as('2547 ***** 149 - JOHN DOE'))).toBeNull();
  });
});
