// C2B confirmations are claims, checked by Transaction Status before they are money: a customer's
// Pay Bill payment recorded once whatever copies arrive, forged confirmations flagged with words
// and never recorded, a confirmation stored while nothing checked it checked after a restart, and
// one with no usable answer left for a person who may check again.
import { afterEach, describe, expect, it } from 'vitest';
import { checkAgain, checkByInbox } from '../../../src/main/collections/received-checks';
import { eventually, inboxOf, moneyInHarness, postCallback, receivedRows, type MoneyInHarness } from './support';

let h: MoneyInHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const customer = { msisdn: '254708374149', name: 'JOHN DOE' };

function confirmation(receipt: string, amount: string, shortcode: string): Record<string, string> {
  return {
    TransactionType: 'Pay Bill',
    TransID: receipt,
    TransTime: '20261201110500',
    TransAmount: amount,
    BusinessShortCode: shortcode,
    BillRefNumber: 'ACC-1',
    InvoiceNumber: '',
    OrgAccountBalance: '1000.00',
    ThirdPartyTransID: '',
    MSISDN: '2547 ***** 149',
    FirstName: 'JOHN',
    MiddleName: '',
    LastName: 'DOE',
  };
}

describe('customer payments to the Pay Bill', () => {
  it('records a confirmation once M-Pesa confirms it, once whatever copies arrive', async () => {
    h = await moneyInHarness({ customers: [customer], faults: { duplicateCallback: 1 } });
    await h.engine.start();
    h.worker.start();
    const receipt = await h.customerPays(customer.msisdn, 750, 'HOUSE-12');
    const row = await eventually(() => receivedRows(h!.db)[0]);
    await h.sim.callbacksIdle();
    await eventually(() => (inboxOf(h!.db, 'c2b-confirmation').length === 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.sim.collections().map((c) => [c.receipt, c.amountCents])).toEqual([[receipt, 750_00]]);
    expect(receivedRows(h.db)).toEqual([
      {
        id: row.id,
        receipt,
        kind: 'c2b_payment',
        source: 'c2b_confirmation',
        amount_cents: 750_00,
        phone: customer.msisdn,
        party_display: `${customer.msisdn} - JOHN DOE`,
        account_reference: 'HOUSE-12',
      },
    ]);
    expect(inboxOf(h.db, 'c2b-confirmation').map((e) => e.flag)).toEqual([null, 'duplicate']);
  });

  it('records nothing before M-Pesa confirms it', async () => {
    h = await moneyInHarness({ customers: [customer] });
    await h.engine.start(); // the engine keeps the claim; no worker asks M-Pesa
    await h.customerPays(customer.msisdn, 300);
    const [entry] = await eventually(() => {
      const entries = inboxOf(h!.db, 'c2b-confirmation');
      return entries.length === 1 ? entries : undefined;
    });
    expect(entry).toMatchObject({
      applied: 0,
      flag: null,
      reason: expect.stringMatching(/asks M-Pesa before recording/),
    });
    expect(checkByInbox(h.db, entry!.id)?.state).toBe('checking');
    expect(receivedRows(h.db)).toEqual([]);
  });

  it('checks a confirmation stored before a restart once the worker starts again', async () => {
    h = await moneyInHarness({ customers: [customer] });
    const receipt = await h.customerPays(customer.msisdn, 420);
    await eventually(() => (inboxOf(h!.db, 'c2b-confirmation').length === 1 ? true : undefined));
    expect(receivedRows(h.db)).toEqual([]);
    // The next start: no engine has applied it; the worker keeps it and checks it.
    h.worker.start();
    const row = await eventually(() => receivedRows(h!.db)[0]);
    expect(row).toMatchObject({ receipt, amount_cents: 420_00, kind: 'c2b_payment' });
  });

  it('acts on an answer that comes after the check stopped waiting', async () => {
    h = await moneyInHarness({
      customers: [customer],
      faults: { callbackDelayMs: { min: 150, max: 200 } },
      schedule: { checkWaitMs: 1, checkGapsMs: [60_000] },
    });
    await h.engine.start();
    h.worker.start();
    const receipt = await h.customerPays(customer.msisdn, 610);
    const [entry] = await eventually(() => {
      const entries = inboxOf(h!.db, 'c2b-confirmation');
      return entries.length === 1 && checkByInbox(h!.db, entries[0]!.id)?.tries === 1 ? entries : undefined;
    });
    await h.worker.stop(); // nothing waits for the answer any more; the engine applies it when it comes
    const row = await eventually(() => receivedRows(h!.db)[0]);
    expect(row).toMatchObject({ receipt, amount_cents: 610_00 });
    expect(checkByInbox(h.db, entry!.id)?.state).toBe('recorded');
  });

  it('leaves a confirmation with no usable answer for a person, who may check again', async () => {
    h = await moneyInHarness({ customers: [customer], faults: { statusUnavailable: 1 } });
    await h.engine.start();
    h.worker.start();
    const receipt = await h.customerPays(customer.msisdn, 900);
    const [entry] = await eventually(() => {
      const entries = inboxOf(h!.db, 'c2b-confirmation');
      return entries.length === 1 ? entries : undefined;
    });
    const waiting = await eventually(() => {
      const check = checkByInbox(h!.db, entry!.id);
      return check?.state === 'needs_person' ? check : undefined;
    });
    expect(waiting.tries).toBe(3);
    expect(waiting.note).toMatch(/answered about the question, not the payment.*Nothing was recorded/);
    expect(receivedRows(h.db)).toEqual([]);
    h.sim.setFaults({ statusUnavailable: 0 });
    checkAgain(h.db, entry!.id, 'wanjiru', new Date().toISOString());
    const row = await eventually(() => receivedRows(h!.db)[0]);
    expect(row).toMatchObject({ receipt, amount_cents: 900_00 });
    expect(checkByInbox(h.db, entry!.id)?.state).toBe('recorded');
  });
});

describe('forged C2B confirmations', () => {
  it('flags an unknown receipt and a wrong amount with words, and records neither', async () => {
    h = await moneyInHarness({ customers: [customer] });
    const shortcode = h.sim.credentials.shortcode;
    const real = await h.customerPays(customer.msisdn, 200);
    await eventually(() => (inboxOf(h!.db, 'c2b-confirmation').length === 1 ? true : undefined));
    await postCallback(h, 'c2b-confirmation', confirmation('TL1NOSUCH1', '5000.00', shortcode));
    await postCallback(h, 'c2b-confirmation', confirmation(real, '20000.00', shortcode));
    await h.engine.start();
    h.worker.start();
    const entries = await eventually(() => {
      const all = inboxOf(h!.db, 'c2b-confirmation');
      return all.length === 3 && all.every((e) => e.applied === 1 || e.flag !== null) ? all : undefined;
    });
    expect(entries.map((e) => [e.applied, e.flag])).toEqual([
      [1, null],
      [0, 'unmatched'],
      [0, 'amount_mismatch'],
    ]);
    expect(entries[1]?.reason).toBe('M-Pesa has no such payment: nothing was recorded');
    expect(entries[2]?.reason).toMatch(/says KES 20,000.00, M-Pesa says KES 200.00: nothing was recorded/);
    expect(receivedRows(h.db)).toEqual([expect.objectContaining({ receipt: real, amount_cents: 200_00 })]);
  });

  it('records the payer M-Pesa names, never a clear number a confirmation claims', async () => {
    h = await moneyInHarness({ customers: [customer], registerC2b: false });
    const shortcode = h.sim.credentials.shortcode;
    const real = await h.customerPays(customer.msisdn, 300);
    await eventually(() => (h!.sim.collections().some((c) => c.receipt === real) ? true : undefined));
    // Someone who learned the receipt and amount posts the confirmation first, with their own number.
    await postCallback(h, 'c2b-confirmation', {
      ...confirmation(real, '300.00', shortcode),
      MSISDN: '254722000999',
      FirstName: 'MALLORY',
      LastName: '',
    });
    await h.engine.start();
    h.worker.start();
    const row = await eventually(() => receivedRows(h!.db)[0]);
    expect(row).toMatchObject({ receipt: real, amount_cents: 300_00, phone: customer.msisdn });
    expect(JSON.stringify(receivedRows(h.db))).not.toContain('254722000999');
  });
});
