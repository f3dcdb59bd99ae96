// Payment requests by M-Pesa Express against the simulator: the callback's live answer, the STK
// Push Query fallback when callbacks are lost, the lost push answer never pushed again, copies of a
// callback recorded once, and forged callbacks flagged, never recorded as money received.
import { afterEach, describe, expect, it } from 'vitest';
import { recordEnteredReceipt } from '../../../src/main/collections/receipt-entry';
import { askAgain } from '../../../src/main/collections/request-payment';
import { requestById } from '../../../src/main/collections/requests';
import { eventually, inboxOf, moneyInHarness, postCallback, receivedRows, type MoneyInHarness } from './support';

let h: MoneyInHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const paying = '254708374141'; // last digit 1: pays
const cancelling = '254708374146'; // 6: cancels

function stkPushes(current: MoneyInHarness): number {
  return current.sim.stats().requests['/mpesa/stkpush/v1/processrequest'] ?? 0;
}

describe('payment requests by M-Pesa Express', () => {
  it('records a paid request once from its callback, with the phone and account reference', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }] });
    await h.engine.start();
    h.worker.start();
    const sent = await h.request({ phone: '0708 374 141', amountCents: 150_00, accountReference: 'INV-22' });
    expect(sent.state).toBe('sent');
    const paid = await eventually(() => {
      const r = requestById(h!.db, sent.id);
      return r?.state === 'paid' ? r : undefined;
    });
    const collections = h.sim.collections();
    expect(collections).toHaveLength(1);
    expect(paid.receipt).toBe(collections[0]?.receipt);
    expect(receivedRows(h.db)).toEqual([
      expect.objectContaining({
        id: paid.transactionId,
        receipt: collections[0]?.receipt,
        kind: 'stk_payment',
        source: 'stk_callback',
        amount_cents: 150_00,
        phone: paying,
        account_reference: 'INV-22',
      }),
    ]);
  });

  it('says in words that the customer cancelled, and records nothing', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: cancelling, name: 'PETER OTIENO' }] });
    await h.engine.start();
    h.worker.start();
    const sent = await h.request({ phone: cancelling });
    const declined = await eventually(() => {
      const r = requestById(h!.db, sent.id);
      return r?.state === 'declined' ? r : undefined;
    });
    expect(declined.note).toBe('The customer cancelled the prompt.');
    expect(receivedRows(h.db)).toEqual([]);
    expect(h.sim.collections()).toEqual([]);
  });

  it('records a request once however many copies of its callback arrive', async () => {
    h = await moneyInHarness({
      customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }],
      faults: { duplicateCallback: 1 },
    });
    await h.engine.start();
    h.worker.start();
    const sent = await h.request({ phone: paying });
    await eventually(() => (requestById(h!.db, sent.id)?.state === 'paid' ? true : undefined));
    await h.sim.callbacksIdle();
    await eventually(() => (inboxOf(h!.db, 'stk').length === 2 ? true : undefined));
    expect(receivedRows(h.db)).toHaveLength(1);
    expect(h.sim.collections()).toHaveLength(1);
    expect(inboxOf(h.db, 'stk').map((e) => e.flag)).toEqual([null, 'duplicate']);
  });

  it('falls back to STK Push Query when the callback is lost: paid, the receipt not yet received, no ledger row', async () => {
    h = await moneyInHarness({
      customers: [
        { msisdn: paying, name: 'GRACE WANJIKU' },
        { msisdn: cancelling, name: 'PETER OTIENO' },
      ],
      faults: { dropCallback: 1 },
    });
    await h.engine.start();
    h.worker.start();
    const paid = await h.request({ phone: paying });
    const cancelled = await h.request({ phone: cancelling });
    const after = await eventually(() => {
      const a = requestById(h!.db, paid.id);
      const b = requestById(h!.db, cancelled.id);
      return a?.state === 'paid_no_receipt' && b?.state === 'declined' ? { a, b } : undefined;
    });
    expect(after.a.note).toMatch(/receipt is not yet received/);
    expect(after.b.note).toBe('The customer cancelled the prompt.');
    expect(h.sim.collections()).toHaveLength(1);
    expect(receivedRows(h.db)).toEqual([]);
    expect(h.sim.stats().requests['/mpesa/stkpushquery/v1/query']).toBeGreaterThanOrEqual(2);
  });

  it('records a receipt a person enters for a request paid without one, only when M-Pesa confirms it', async () => {
    const other = '254708374142';
    h = await moneyInHarness({
      customers: [
        { msisdn: paying, name: 'GRACE WANJIKU' },
        { msisdn: other, name: 'JOHN KAMAU' },
      ],
      faults: { dropCallback: 1 },
    });
    await h.engine.start();
    h.worker.start();
    const first = await h.request({ phone: paying, amountCents: 150_00 });
    const second = await h.request({ phone: other, amountCents: 400_00 });
    await eventually(() =>
      [first, second].every((r) => requestById(h!.db, r.id)?.state === 'paid_no_receipt') ? true : undefined,
    );
    const truth = h.sim.collections();
    const receiptOf = (phone: string) => truth.find((c) => c.msisdn === phone)?.receipt ?? '';
    h.sim.setFaults({ dropCallback: 0 }); // Transaction Status's answers arrive again
    const parts = { db: h.db, client: h.client, source: h.receiver, waitMs: 5000 };
    // The other customer's receipt is for another amount and number: refused, nothing recorded.
    await expect(recordEnteredReceipt(parts, first.id, receiptOf(other), 'wanjiru')).rejects.toThrow(
      /is for KES 400.00, the request for KES 150.00: nothing was recorded/,
    );
    await expect(recordEnteredReceipt(parts, first.id, 'QZZ0000000', 'wanjiru')).rejects.toThrow(
      /M-Pesa has no payment with receipt QZZ0000000/,
    );
    expect(receivedRows(h.db)).toEqual([]);
    const paid = await recordEnteredReceipt(parts, first.id, receiptOf(paying).toLowerCase(), 'wanjiru');
    expect(paid).toMatchObject({ state: 'paid', receipt: receiptOf(paying) });
    expect(receivedRows(h.db)).toEqual([
      expect.objectContaining({
        receipt: receiptOf(paying),
        kind: 'stk_payment',
        source: 'status_result',
        phone: paying,
      }),
    ]);
    await expect(recordEnteredReceipt(parts, first.id, receiptOf(paying), 'wanjiru')).rejects.toThrow(
      /already recorded/,
    );
  });

  it('keeps STK Push Queries within the profile-wide limit, and hands a request with no answer to a person', async () => {
    const silent = ['254708374117', '254708374127', '254708374137'];
    h = await moneyInHarness({
      customers: silent.map((msisdn) => ({ msisdn, name: 'JOHN KAMAU' })),
      faults: { dropCallback: 1, callbackDelayMs: { min: 60_000, max: 60_000 } },
      schedule: { stkQueriesPerMinute: 2, stkQueryGapsMs: [100, 100] },
    });
    await h.engine.start();
    h.worker.start();
    for (const phone of silent) await h.request({ phone });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Two queries in the minute, whatever is due: the third request waits its turn.
    expect(h.sim.stats().requests['/mpesa/stkpushquery/v1/query']).toBe(2);
    await h.worker.stop();
    const fast = h.newWorker({ stkQueriesPerMinute: 60, stkQueryGapsMs: [100, 100] });
    fast.start();
    const waiting = await eventually(() => {
      const states = silent.map((_, i) => requestById(h!.db, i + 1));
      return states.every((r) => r?.state === 'needs_person') ? states : undefined;
    });
    expect(waiting[0]?.note).toMatch(/has not said whether the customer paid/);
    expect(stkPushes(h)).toBe(3);
  });

  it('never pushes again when the push answer was lost; the callback that comes is recorded once M-Pesa confirms it', async () => {
    h = await moneyInHarness({
      customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }],
      faults: { errorAfter: 1 },
      registerC2b: false,
    });
    await h.engine.start();
    h.worker.start();
    const lost = await h.request({ phone: paying });
    expect(lost.state).toBe('unknown');
    expect(lost.note).toMatch(/M-Pesa may have sent the prompt/);
    h.sim.setFaults({ errorAfter: 0 }); // M-Pesa answers again: Transaction Status confirms the receipt
    const paid = await eventually(() => {
      const r = requestById(h!.db, lost.id);
      return r?.state === 'paid' ? r : undefined;
    });
    expect(h.sim.stats().requests['/mpesa/transactionstatus/v1/query']).toBeGreaterThanOrEqual(1);
    expect(stkPushes(h)).toBe(1);
    expect(h.sim.collections()).toHaveLength(1);
    expect(receivedRows(h.db)).toEqual([expect.objectContaining({ receipt: paid.receipt, kind: 'stk_payment' })]);
  });

  it('turns a request interrupted before its answer into unknown at the next start, without pushing it', async () => {
    h = await moneyInHarness();
    h.db
      .prepare(
        `INSERT INTO collection_requests (phone, amount_cents, account_reference, description, asked_by, asked_at, state, updated_at)
         VALUES ('254708374141', 15000, 'INV-1', 'INV-1', 'wanjiru', '2026-12-01T10:00:00Z', 'asked', '2026-12-01T10:00:00Z')`,
      )
      .run();
    h.worker.start();
    expect(requestById(h.db, 1)?.state).toBe('unknown');
    expect(stkPushes(h)).toBe(0);
  });

  it('asks again only when a person says so, as a new request pointing back; never for a paid one', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: cancelling, name: 'PETER OTIENO' }] });
    await h.engine.start();
    h.worker.start();
    const first = await h.request({ phone: cancelling });
    await eventually(() => (requestById(h!.db, first.id)?.state === 'declined' ? true : undefined));
    const parts = { db: h.db, client: h.client, source: h.receiver, firstQueryAfterMs: 400 };
    const again = await askAgain(parts, first.id, 'wanjiru');
    expect(again).toMatchObject({ againOf: first.id, phone: cancelling, state: 'sent' });
    await expect(askAgain(parts, first.id, 'wanjiru')).rejects.toThrow(/already asked again/);
    expect(stkPushes(h)).toBe(2);
  });
});

describe('forged M-Pesa Express callbacks', () => {
  it('flags a callback for no request, with a wrong amount or another phone, and records none of them', async () => {
    h = await moneyInHarness({
      customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }],
      faults: { callbackDelayMs: { min: 30_000, max: 30_000 } },
    });
    await h.engine.start();
    const sent = await h.request({ phone: paying, amountCents: 500_00 });
    const forged = (checkoutId: string, merchantId: string, amount: number, phone: string): unknown => ({
      Body: {
        stkCallback: {
          MerchantRequestID: merchantId,
          CheckoutRequestID: checkoutId,
          ResultCode: 0,
          ResultDesc: 'The service request is processed successfully.',
          CallbackMetadata: {
            Item: [
              { Name: 'Amount', Value: amount },
              { Name: 'MpesaReceiptNumber', Value: 'TL1FORGED1' },
              { Name: 'TransactionDate', Value: 20261201101010 },
              { Name: 'PhoneNumber', Value: Number(phone) },
            ],
          },
        },
      },
    });
    await postCallback(h, 'stk', forged('ws_CO_01122026000000000001', '12345-1-1', 500, paying));
    await postCallback(h, 'stk', forged(sent.checkoutRequestId!, sent.merchantRequestId!, 5000, paying));
    await postCallback(h, 'stk', forged(sent.checkoutRequestId!, sent.merchantRequestId!, 500, '254711000001'));
    const flags = await eventually(() => {
      const entries = inboxOf(h!.db, 'stk');
      return entries.length === 3 && entries.every((e) => e.flag !== null) ? entries : undefined;
    });
    expect(flags.map((e) => e.flag)).toEqual(['unmatched', 'amount_mismatch', 'party_mismatch']);
    expect(flags[0]?.reason).toMatch(/no payment request Mshahara made/);
    expect(receivedRows(h.db)).toEqual([]);
    expect(requestById(h.db, sent.id)?.state).toBe('sent');
  });
});
