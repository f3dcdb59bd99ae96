// A receipt a person enters for a payment request, against the simulator: one payment never pays
// two requests, nor is recorded twice, whichever door recorded it first, and two people entering
// the same receipt at once for two requests record it once.
import { afterEach, describe, expect, it } from 'vitest';
import { recordEnteredReceipt } from '../../../src/main/collections/receipt-entry';
import { requestById } from '../../../src/main/collections/requests';
import { eventually, moneyInHarness, receivedRows, type MoneyInHarness } from './support';

let h: MoneyInHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const paying = '254708374141';

/** A request whose push answer was lost: a person may give its receipt. */
function unknownRequest(current: MoneyInHarness): number {
  return Number(
    current.db
      .prepare(
        `INSERT INTO collection_requests (phone, amount_cents, account_reference, description, asked_by, asked_at, state, updated_at)
         VALUES (?, 15000, 'INV-22', 'INV-22', 'wanjiru', '2026-12-01T10:00:00Z', 'unknown', '2026-12-01T10:00:00Z')`,
      )
      .run(paying).lastInsertRowid,
  );
}

function partsOf(current: MoneyInHarness) {
  return { db: current.db, client: current.client, source: current.receiver, waitMs: 5000 };
}

describe('a receipt a person enters for a payment request', () => {
  it('is refused when it already pays another request, naming that request', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    await h.engine.start();
    h.worker.start();
    const sent = await h.request({ phone: paying, amountCents: 150_00 });
    const paid = await eventually(() => {
      const r = requestById(h!.db, sent.id);
      return r?.state === 'paid' ? r : undefined;
    });
    const lost = unknownRequest(h);
    await expect(recordEnteredReceipt(partsOf(h), lost, paid.receipt!, 'wanjiru')).rejects.toThrow(
      new RegExp(
        `Receipt ${paid.receipt} already pays payment request #${sent.id} .*one payment cannot pay two requests`,
      ),
    );
    expect(requestById(h.db, lost)).toMatchObject({ state: 'unknown', receipt: null, transactionId: null });
    expect(receivedRows(h.db)).toHaveLength(1);
    expect(h.sim.collections()).toHaveLength(1);
  });

  it('is refused when the ledger holds it already as a customer’s payment, naming the row', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }] });
    await h.engine.start();
    h.worker.start();
    const receipt = await h.customerPays(paying, 150);
    const row = await eventually(() => receivedRows(h!.db).find((r) => r.receipt === receipt));
    const lost = unknownRequest(h);
    await expect(recordEnteredReceipt(partsOf(h), lost, receipt, 'wanjiru')).rejects.toThrow(
      new RegExp(`Receipt ${receipt} is already in the ledger \\(row #${row.id}: a customer's payment of KES 150.00`),
    );
    expect(requestById(h.db, lost)).toMatchObject({ state: 'unknown', receipt: null });
    expect(receivedRows(h.db)).toHaveLength(1);
  });

  it('records a receipt for a request M-Pesa said was declined, once confirmed, for a person to look at', async () => {
    const cancelling = '254708374146';
    h = await moneyInHarness({ customers: [{ msisdn: cancelling, name: 'PETER OTIENO' }], registerC2b: false });
    await h.engine.start();
    h.worker.start();
    const sent = await h.request({ phone: cancelling, amountCents: 150_00 });
    await eventually(() => (requestById(h!.db, sent.id)?.state === 'declined' ? true : undefined));
    // The customer paid by Pay Bill instead, and tells the admin the receipt.
    const receipt = await h.customerPays(cancelling, 150);
    await eventually(() => (h!.sim.collections().some((c) => c.receipt === receipt) ? true : undefined));
    const paid = await recordEnteredReceipt(partsOf(h), sent.id, receipt, 'wanjiru');
    expect(paid).toMatchObject({ state: 'paid', receipt });
    expect(paid.attention).toBe(
      `M-Pesa first said the customer did not pay (The customer cancelled the prompt), then wanjiru gave receipt ${receipt}, which M-Pesa confirmed. The money is recorded as received; check with the customer.`,
    );
    expect(receivedRows(h.db)).toEqual([expect.objectContaining({ receipt, amount_cents: 150_00, phone: cancelling })]);
  });

  it('pays one request only when two people enter the same receipt for two requests at once', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    await h.engine.start();
    h.worker.start(); // keeps the business's shortcodes
    const receipt = await h.customerPays(paying, 150);
    await eventually(() => (h!.sim.collections().some((c) => c.receipt === receipt) ? true : undefined));
    const first = unknownRequest(h);
    const second = unknownRequest(h);
    // Both pass the first look (nothing recorded yet) and wait for M-Pesa together.
    const outcomes = await Promise.allSettled([
      recordEnteredReceipt(partsOf(h), first, receipt, 'wanjiru'),
      recordEnteredReceipt(partsOf(h), second, receipt, 'chebet'),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect(String(refused?.status === 'rejected' ? refused.reason : '')).toMatch(
      new RegExp(`Receipt ${receipt} already pays payment request #(${first}|${second})`),
    );
    const states = [first, second].map((id) => requestById(h!.db, id)?.state).sort();
    expect(states).toEqual(['paid', 'unknown']);
    expect(receivedRows(h.db)).toEqual([expect.objectContaining({ receipt, source: 'status_result' })]);
  });
});
