// Evidence about money in that must not be taken at its word, against the simulator: a receipt the
// ledger holds for another payment, a request read before another door paid it, money going back
// from a number this business paid, a payer M-Pesa shows only masked, and prompts asked again for
// the same thing. Each records a payment once, for the request it answers, or flags it for a person.
import { afterEach, describe, expect, it } from 'vitest';
import { askAgain, type RequestPaymentParts } from '../../../src/main/collections/request-payment';
import { recordEnteredReceipt } from '../../../src/main/collections/receipt-entry';
import { requestById } from '../../../src/main/collections/requests';
import { applyPaid } from '../../../src/main/collections/stk-callback';
import type { StkCallbackEvent } from '../../../src/main/daraja/callbacks/events';
import { recordTransaction } from '../../../src/main/ledger/transactions';
import type { Cents } from '../../../src/shared/money';
import { eventually, inboxOf, moneyInHarness, postCallback, receivedRows, type MoneyInHarness } from './support';

let h: MoneyInHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const paying = '254708374141';
const other = '254722000999';

function insertRequest(
  current: MoneyInHarness,
  fields: { state: string; againOf?: number; receipt?: string; checkout?: string; merchant?: string },
): number {
  return Number(
    current.db
      .prepare(
        `INSERT INTO collection_requests (phone, amount_cents, account_reference, description, asked_by, asked_at, state, again_of, receipt, checkout_request_id, merchant_request_id, updated_at)
         VALUES (?, 15000, 'INV-22', 'INV-22', 'wanjiru', '2026-12-01T10:00:00Z', ?, ?, ?, ?, ?, '2026-12-01T10:00:00Z')`,
      )
      .run(
        paying,
        fields.state,
        fields.againOf ?? null,
        fields.receipt ?? null,
        fields.checkout ?? null,
        fields.merchant ?? null,
      ).lastInsertRowid,
  );
}

function success(ids: { checkout: string; merchant: string }, receipt: string, phone = paying): unknown {
  return {
    Body: {
      stkCallback: {
        MerchantRequestID: ids.merchant,
        CheckoutRequestID: ids.checkout,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        CallbackMetadata: {
          Item: [
            { Name: 'Amount', Value: 150 },
            { Name: 'MpesaReceiptNumber', Value: receipt },
            { Name: 'TransactionDate', Value: 20261201101010 },
            { Name: 'PhoneNumber', Value: Number(phone) },
          ],
        },
      },
    },
  };
}

function partsOf(current: MoneyInHarness): RequestPaymentParts {
  return { db: current.db, client: current.client, source: current.receiver, firstQueryAfterMs: 400 };
}

function entryParts(current: MoneyInHarness) {
  return { db: current.db, client: current.client, source: current.receiver, waitMs: 5000 };
}

/** A customer pays KES 150 by Pay Bill; answers the receipt once M-Pesa holds it. */
async function paid(current: MoneyInHarness, msisdn: string): Promise<string> {
  const receipt = await current.customerPays(msisdn, 150);
  await eventually(() => (current.sim.collections().some((c) => c.receipt === receipt) ? true : undefined));
  return receipt;
}

/** This business paid `phone` KES 150 (a salary): money from that number may be it coming back. */
function paySalary(current: MoneyInHarness, phone: string): void {
  current.db.transaction(() =>
    recordTransaction(current.db, {
      receipt: 'TL1SALARY1',
      occurredAt: '2026-11-30T10:00:00.000Z',
      recordedAt: '2026-11-30T10:00:00.000Z',
      direction: 'out',
      kind: 'b2c_payment',
      status: 'completed',
      amountCents: 150_00 as Cents,
      phone,
      partyName: 'GRACE WANJIKU',
      partyDisplay: `${phone} - GRACE WANJIKU`,
      accountReference: null,
      inboxId: null,
      source: 'b2c_result',
    }),
  )();
}

function stkPushes(current: MoneyInHarness): number {
  return current.sim.stats().requests['/mpesa/stkpush/v1/processrequest'] ?? 0;
}

describe('one receipt, one request', () => {
  it('does not pay a request with a receipt the ledger holds for another payment', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }] });
    await h.engine.start();
    h.worker.start();
    const receipt = await h.customerPays(paying, 150);
    const row = await eventually(() => receivedRows(h!.db).find((r) => r.receipt === receipt));
    const sent = insertRequest(h, { state: 'sent', checkout: 'ws_CO_01122026101010000009', merchant: '29115-9' });
    await postCallback(h, 'stk', success({ checkout: 'ws_CO_01122026101010000009', merchant: '29115-9' }, receipt));
    const flagged = await eventually(() => inboxOf(h!.db, 'stk').find((e) => e.flag !== null));
    expect(flagged).toMatchObject({ applied: 0, flag: 'unmatched' });
    expect(flagged.reason).toMatch(new RegExp(`the ledger already holds that receipt \\(row #${row.id}\\)`));
    expect(requestById(h.db, sent)).toMatchObject({ state: 'sent', receipt: null, transactionId: null });
    expect(receivedRows(h.db)).toEqual([expect.objectContaining({ receipt, kind: 'c2b_payment' })]);
  });

  it('reads the request again where it writes: a request another door paid meanwhile is not paid twice', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    const id = insertRequest(h, { state: 'sent', checkout: 'ws_CO_1', merchant: '29115-1' });
    const seen = requestById(h.db, id)!;
    // Another door (the command line) pays it with its receipt after this one read it.
    h.db.prepare(`UPDATE collection_requests SET state = 'paid', receipt = 'TL1FIRST01' WHERE id = ?`).run(id);
    const inboxId = Number(
      h.db
        .prepare(
          `INSERT INTO inbox (received_at, source, kind, body) VALUES ('2026-12-01T10:10:10Z', 'test', 'stk', '{}')`,
        )
        .run().lastInsertRowid,
    );
    const event: StkCallbackEvent = {
      type: 'stk-callback',
      merchantRequestId: '29115-1',
      checkoutRequestId: 'ws_CO_1',
      resultCode: '0',
      resultDesc: 'ok',
      amountCents: 150_00 as Cents,
      receipt: 'TL1SECOND2',
      transactionDate: null,
      phone: paying,
    };
    expect(applyPaid(h.db, inboxId, event, seen, false, new Date().toISOString())).toEqual({
      kind: 'flagged',
      flag: 'unmatched',
    });
    expect(receivedRows(h.db)).toEqual([]);
    expect(requestById(h.db, id)).toMatchObject({ state: 'paid', receipt: 'TL1FIRST01' });
  });
});

describe('a receipt a person enters', () => {
  it('is refused when its payer is a number this business paid: it may be that payment reversed', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    await h.engine.start();
    paySalary(h, paying);
    // What reads as "Completed, from the number to the shortcode": the salary coming back.
    h.worker.start(); // keeps the business's shortcodes
    const receipt = await paid(h, paying);
    const lost = insertRequest(h, { state: 'unknown' });
    await expect(recordEnteredReceipt(entryParts(h), lost, receipt, 'wanjiru')).rejects.toThrow(
      /a number this business has paid: this may be that payment reversed on the M-Pesa portal.*nothing was recorded/,
    );
    expect(requestById(h.db, lost)).toMatchObject({ state: 'unknown', receipt: null });
    expect(receivedRows(h.db)).toEqual([]);
  });

  it('checks a payer M-Pesa shows masked or local against the request’s number', async () => {
    h = await moneyInHarness({
      customers: [
        { msisdn: paying, name: 'GRACE WANJIKU' },
        { msisdn: other, name: 'PETER OTIENO' },
      ],
      registerC2b: false,
      faults: { maskedParty: 1 },
    });
    await h.engine.start();
    h.worker.start(); // keeps the business's shortcodes
    const lost = insertRequest(h, { state: 'unknown' });
    const theirs = await paid(h, other);
    await expect(recordEnteredReceipt(entryParts(h), lost, theirs, 'wanjiru')).rejects.toThrow(
      /was paid from another number: nothing was recorded/,
    );
    expect(receivedRows(h.db)).toEqual([]);
    const own = await paid(h, paying);
    expect(await recordEnteredReceipt(entryParts(h), lost, own, 'wanjiru')).toMatchObject({
      state: 'paid',
      receipt: own,
    });
    expect(receivedRows(h.db)).toEqual([expect.objectContaining({ receipt: own, amount_cents: 150_00 })]);
  });

  it('nor is a lost push’s success recorded when its payer is a number this business paid', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    const lost = insertRequest(h, { state: 'unknown' });
    await h.engine.start();
    h.worker.start();
    paySalary(h, paying);
    const receipt = await paid(h, paying);
    await postCallback(h, 'stk', success({ checkout: 'ws_CO_01122026101010000005', merchant: '29115-5' }, receipt));
    const flagged = await eventually(() => inboxOf(h!.db, 'stk').find((e) => e.flag === 'party_mismatch'));
    expect(flagged.reason).toMatch(/a number this business has paid: this may be that payment reversed/);
    expect(requestById(h.db, lost)).toMatchObject({ state: 'unknown', receipt: null });
    expect(receivedRows(h.db)).toEqual([]);
  });
});

describe('prompts asked again for the same thing', () => {
  it('are not asked again while a success for the first one waits to be confirmed', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    const first = insertRequest(h, { state: 'unknown' });
    const again = insertRequest(h, { state: 'declined', againOf: first });
    await h.engine.start();
    await postCallback(
      h,
      'stk',
      success({ checkout: 'ws_CO_01122026101010000007', merchant: '29115-7' }, 'TL1LATE007'),
    );
    await eventually(() => (inboxOf(h!.db, 'stk')[0]?.flag === 'unmatched' ? true : undefined));
    await expect(askAgain(partsOf(h), again, 'wanjiru')).rejects.toThrow(/still confirming/);
    expect(stkPushes(h)).toBe(0);
  });

  it('leave words for a person when a second one of them is paid: the customer may have paid twice', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    const first = insertRequest(h, { state: 'paid', receipt: 'TL1FIRST01' });
    const again = insertRequest(h, { state: 'sent', againOf: first, checkout: 'ws_CO_8', merchant: '29115-8' });
    await h.engine.start();
    await postCallback(h, 'stk', success({ checkout: 'ws_CO_8', merchant: '29115-8' }, 'TL1AGAIN08'));
    const paid = await eventually(() => {
      const r = requestById(h!.db, again);
      return r?.state === 'paid' ? r : undefined;
    });
    expect(paid.receipt).toBe('TL1AGAIN08');
    expect(paid.attention).toBe(
      `The customer also paid payment request #${first}, asked for the same thing (KES 150.00, receipt TL1FIRST01): they may have paid twice; check with the customer.`,
    );
    expect(receivedRows(h.db)).toEqual([expect.objectContaining({ receipt: 'TL1AGAIN08' })]);
  });

  it('leave the same words when a person enters the receipt of the second one', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    await h.engine.start();
    h.worker.start(); // keeps the business's shortcodes
    const first = insertRequest(h, { state: 'paid', receipt: 'TL1FIRST01' });
    const again = insertRequest(h, { state: 'unknown', againOf: first });
    const receipt = await paid(h, paying);
    const recorded = await recordEnteredReceipt(entryParts(h), again, receipt, 'wanjiru');
    expect(recorded).toMatchObject({ state: 'paid', receipt });
    expect(recorded.attention).toBe(
      `The customer also paid payment request #${first}, asked for the same thing (KES 150.00, receipt TL1FIRST01): they may have paid twice; check with the customer.`,
    );
    expect(receivedRows(h.db)).toEqual([expect.objectContaining({ receipt, amount_cents: 150_00 })]);
  });
});
