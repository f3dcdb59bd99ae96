// M-Pesa Express answers that come in an awkward order, against the simulator: a callback faster
// than its push's answer after a person asked again, a push answer lost for the request asked
// again, a restart between, a success whose IDs no request has and M-Pesa does not know, and a
// payment M-Pesa first said was declined. Each payment is recorded once, for the request it
// answers, and never marks two requests paid.
import { afterEach, describe, expect, it } from 'vitest';
import type { DarajaClient } from '../../../src/main/daraja';
import { listInbox } from '../../../src/main/callback-sources/inbox/entries';
import { markRequestChecked } from '../../../src/main/collections/checked';
import { askAgain, type RequestPaymentParts } from '../../../src/main/collections/request-payment';
import { requestById, type CollectionRequest } from '../../../src/main/collections/requests';
import { settleStkSuccess } from '../../../src/main/collections/settle-success';
import { moneyInOverview, requestView } from '../../../src/main/collections/views';
import { eventually, inboxOf, moneyInHarness, postCallback, receivedRows, type MoneyInHarness } from './support';

let h: MoneyInHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const paying = '254708374141';

function stkPushes(current: MoneyInHarness): number {
  return current.sim.stats().requests['/mpesa/stkpush/v1/processrequest'] ?? 0;
}

function statusQuestions(current: MoneyInHarness): number {
  return current.sim.stats().requests['/mpesa/transactionstatus/v1/query'] ?? 0;
}

/** A request whose push a crash interrupted before it left: unknown, no IDs, never reached M-Pesa. */
function lostRequest(current: MoneyInHarness, state: 'unknown' | 'asked', againOf: number | null = null): number {
  return Number(
    current.db
      .prepare(
        `INSERT INTO collection_requests (phone, amount_cents, account_reference, description, asked_by, asked_at, state, again_of, updated_at)
         VALUES (?, 15000, 'INV-22', 'INV-22', 'wanjiru', '2026-12-01T10:00:00Z', ?, ?, '2026-12-01T10:00:00Z')`,
      )
      .run(paying, state, againOf).lastInsertRowid,
  );
}

function partsOf(current: MoneyInHarness): RequestPaymentParts {
  return { db: current.db, client: current.client, source: current.receiver, firstQueryAfterMs: 400 };
}

function paidState(current: MoneyInHarness, id: number): CollectionRequest | undefined {
  const r = requestById(current.db, id);
  return r?.state === 'paid' ? r : undefined;
}

describe('a success whose IDs no request has yet', () => {
  it('waits for the push answer of the request asked again, instead of going to the first request', async () => {
    let holdPushAnswer = false;
    h = await moneyInHarness({
      customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }],
      registerC2b: false,
      client: (base) => {
        const wrapped = Object.create(base) as DarajaClient;
        wrapped.stkPush = async (request) => {
          const answer = await base.stkPush(request);
          // The push's answer is slow on the way back: the customer pays and the callback is
          // stored and looked at before Mshahara hears the push was accepted.
          if (holdPushAnswer)
            await eventually(() =>
              inboxOf(h!.db, 'stk').some((e) => e.applied === 1 || e.flag !== null) ? true : undefined,
            );
          return answer;
        };
        return wrapped;
      },
    });
    const first = lostRequest(h, 'unknown');
    await h.engine.start();
    h.worker.start();
    holdPushAnswer = true;
    const again = await askAgain(partsOf(h), first, 'wanjiru');
    // The early callback is applied as soon as the push answer gives the request its IDs.
    expect(again).toMatchObject({ againOf: first, state: 'paid' });
    const paid = await eventually(() => paidState(h!, again.id));
    const truth = h.sim.collections();
    expect(truth).toHaveLength(1);
    expect(paid).toMatchObject({ receipt: truth[0]?.receipt, checkoutRequestId: again.checkoutRequestId });
    // The first request keeps no IDs of another and is still unknown: its own push never left.
    expect(requestById(h.db, first)).toMatchObject({ state: 'unknown', checkoutRequestId: null, receipt: null });
    expect(receivedRows(h.db)).toEqual([expect.objectContaining({ receipt: truth[0]?.receipt, amount_cents: 150_00 })]);
    expect(stkPushes(h)).toBe(1);
    await expect(askAgain(partsOf(h), again.id, 'wanjiru')).rejects.toThrow(/has paid this request/);
  });

  it('goes to the request asked again when its push answer was lost too, once M-Pesa confirms the receipt', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    const first = lostRequest(h, 'unknown');
    await h.engine.start();
    h.worker.start();
    h.sim.setFaults({ errorAfter: 1 });
    const again = await askAgain(partsOf(h), first, 'wanjiru');
    h.sim.setFaults({ errorAfter: 0 });
    expect(again.state).toBe('unknown');
    const paid = await eventually(() => paidState(h!, again.id));
    const truth = h.sim.collections();
    expect(truth).toHaveLength(1);
    expect(paid.receipt).toBe(truth[0]?.receipt);
    expect(statusQuestions(h)).toBeGreaterThanOrEqual(1);
    expect(requestById(h.db, first)).toMatchObject({ state: 'unknown', receipt: null, checkoutRequestId: null });
    expect(receivedRows(h.db)).toHaveLength(1);
    expect(stkPushes(h)).toBe(1);
    await expect(askAgain(partsOf(h), first, 'wanjiru')).rejects.toThrow(/already asked again/);
    await expect(askAgain(partsOf(h), again.id, 'wanjiru')).rejects.toThrow(/has paid this request/);
  });

  it('is applied at the next start when Mshahara stopped while the request asked again was on its way', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    const first = lostRequest(h, 'unknown');
    const again = lostRequest(h, 'asked', first);
    await h.engine.start();
    // The prompt reached the customer while Mshahara was down; its callback is stored and waits.
    const pushed = await h.client.stkPush({
      phone: paying,
      amountCents: 150_00,
      accountReference: 'INV-22',
      transactionDesc: 'INV-22',
      callbackUrl: h.receiver.callbackUrl('stk'),
    });
    expect(pushed.kind).toBe('accepted');
    await eventually(() => (inboxOf(h!.db, 'stk')[0]?.flag === 'unmatched' ? true : undefined));
    expect(receivedRows(h.db)).toEqual([]);
    h.worker.start();
    const paid = await eventually(() => paidState(h!, again));
    expect(paid.receipt).toBe(h.sim.collections()[0]?.receipt);
    expect(requestById(h.db, first)?.state).toBe('unknown');
    expect(receivedRows(h.db)).toHaveLength(1);
  });

  it('keeps a success M-Pesa’s lookup does not find flagged for a person, asks again for a while, and never asks the customer again', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    const lost = lostRequest(h, 'unknown');
    await h.engine.start();
    h.worker.start();
    await postCallback(h, 'stk', {
      Body: {
        stkCallback: {
          MerchantRequestID: '29115-34620561-1',
          CheckoutRequestID: 'ws_CO_01122026101010000001',
          ResultCode: 0,
          ResultDesc: 'The service request is processed successfully.',
          CallbackMetadata: {
            Item: [
              { Name: 'Amount', Value: 150 },
              { Name: 'MpesaReceiptNumber', Value: 'TL1FORGED1' },
              { Name: 'TransactionDate', Value: 20261201101010 },
              { Name: 'PhoneNumber', Value: Number(paying) },
            ],
          },
        },
      },
    });
    // M-Pesa's "not found" proves nothing (the receipt may not be visible to the lookup yet): it is
    // asked about again on the schedule (three asks on the quick one), and then left to a person.
    const flagged = await eventually(() => {
      const entry = inboxOf(h!.db, 'stk')[0];
      return statusQuestions(h!) === 3 && entry?.reason?.includes('did not find receipt TL1FORGED1') === true
        ? entry
        : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(statusQuestions(h)).toBe(3);
    expect(flagged).toMatchObject({ applied: 0, flag: 'unmatched' });
    expect(flagged.reason).toMatch(/The customer may still have paid: look the receipt up on the M-Pesa portal/);
    expect(h.db.prepare('SELECT settled_at FROM inbox WHERE id = ?').get(flagged.id)).toEqual({ settled_at: null });
    // On the inbox work list, with its words, until a person settles it.
    const work = listInbox(h.db, 'needs_action', { limit: 50, offset: 0 });
    expect(work.rows.map((r) => r.id)).toContain(flagged.id);
    // And on the Money in screen, where the admin who would ask again sees it.
    expect(moneyInOverview(h.db).unconfirmed).toEqual([
      expect.objectContaining({ inboxId: flagged.id, receipt: 'TL1FORGED1', words: flagged.reason }),
    ]);
    expect(receivedRows(h.db)).toEqual([]);
    expect(requestById(h.db, lost)).toMatchObject({ state: 'unknown', checkoutRequestId: null });
    await expect(askAgain(partsOf(h), lost, 'wanjiru')).rejects.toThrow(/still confirming/);
    expect(stkPushes(h)).toBe(0);

    // A person looks it up, says what they found, and settles it: then the customer may be asked again.
    settleStkSuccess(h.db, flagged.id, 'chebet', 'No such receipt on the M-Pesa portal statement');
    expect(listInbox(h.db, 'needs_action', { limit: 50, offset: 0 }).rows.map((r) => r.id)).not.toContain(flagged.id);
    expect(moneyInOverview(h.db).unconfirmed).toEqual([]);
    expect(
      h.db
        .prepare(`SELECT actor, details FROM audit_log WHERE action = 'inbox.settled' AND entity_id = ?`)
        .get(String(flagged.id)),
    ).toMatchObject({ actor: 'chebet', details: expect.stringContaining('No such receipt on the M-Pesa portal') });
    expect(() => settleStkSuccess(h!.db, flagged.id, 'chebet', 'Again')).toThrow(/nothing waiting for a person/);
    const again = await askAgain(partsOf(h), lost, 'wanjiru');
    expect(again.againOf).toBe(lost);
    expect(stkPushes(h)).toBe(1);
    expect(statusQuestions(h)).toBe(3);
    expect(receivedRows(h.db)).toEqual([]);
  });

  it('flags a success whose receipt M-Pesa knows for another amount, records nothing, and lets a person ask again', async () => {
    h = await moneyInHarness({ customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }], registerC2b: false });
    const lost = lostRequest(h, 'unknown');
    await h.engine.start();
    h.worker.start();
    const realReceipt = await h.customerPays(paying, 200); // a real payment, of KES 200
    await eventually(() => (h!.sim.collections().some((c) => c.receipt === realReceipt) ? true : undefined));
    await postCallback(h, 'stk', {
      Body: {
        stkCallback: {
          MerchantRequestID: '29115-34620561-2',
          CheckoutRequestID: 'ws_CO_01122026101010000002',
          ResultCode: 0,
          ResultDesc: 'The service request is processed successfully.',
          CallbackMetadata: {
            Item: [
              { Name: 'Amount', Value: 150 },
              { Name: 'MpesaReceiptNumber', Value: realReceipt },
              { Name: 'TransactionDate', Value: 20261201101010 },
              { Name: 'PhoneNumber', Value: Number(paying) },
            ],
          },
        },
      },
    });
    const flagged = await eventually(() => {
      const entry = inboxOf(h!.db, 'stk')[0];
      return entry?.flag === 'amount_mismatch' ? entry : undefined;
    });
    expect(flagged.reason).toBe(
      `Receipt ${realReceipt} is for KES 200.00, the request for KES 150.00: nothing was recorded`,
    );
    expect(receivedRows(h.db)).toEqual([]);
    expect(requestById(h.db, lost)).toMatchObject({ state: 'unknown', receipt: null });
    expect((await askAgain(partsOf(h), lost, 'wanjiru')).againOf).toBe(lost);
  });
});

describe('a payment after M-Pesa said the customer did not pay', () => {
  it('is recorded once, shows paid, waits for a person, and the request cannot be asked again', async () => {
    h = await moneyInHarness({
      customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }],
      registerC2b: false,
      faults: { stkLatePayMs: 1500 },
    });
    await h.engine.start();
    h.worker.start();
    const sent = await h.request({ phone: paying });
    await eventually(() => (requestById(h!.db, sent.id)?.state === 'declined' ? true : undefined));
    expect(h.sim.collections()).toEqual([]);
    const paid = await eventually(() => paidState(h!, sent.id));
    const truth = h.sim.collections();
    expect(truth).toHaveLength(1);
    expect(paid.receipt).toBe(truth[0]?.receipt);
    expect(paid.attention).toMatch(/M-Pesa first said the customer did not pay .*then that they paid/);
    expect(receivedRows(h.db)).toEqual([
      expect.objectContaining({ receipt: truth[0]?.receipt, kind: 'stk_payment', amount_cents: 150_00 }),
    ]);
    expect(inboxOf(h.db, 'stk')).toEqual([expect.objectContaining({ applied: 1, flag: null })]);
    const view = requestView(h.db, sent.id);
    expect(view).toMatchObject({ state: 'paid', canAskAgain: false, attention: paid.attention });
    await expect(askAgain(partsOf(h), sent.id, 'wanjiru')).rejects.toThrow(/has paid this request/);
    expect(stkPushes(h)).toBe(1);

    // The admin talks to the customer and marks it checked: the words leave the request and the
    // audit log keeps them with the note; the money stays recorded once.
    markRequestChecked(h.db, sent.id, 'wanjiru', 'Customer confirms one payment of KES 150');
    expect(requestView(h.db, sent.id)).toMatchObject({ state: 'paid', attention: null, receipt: paid.receipt });
    const checked = h.db
      .prepare(`SELECT actor, details FROM audit_log WHERE action = 'collection.checked' AND entity_id = ?`)
      .all(String(sent.id)) as Array<{ actor: string; details: string }>;
    expect(checked.map((c) => ({ actor: c.actor, ...(JSON.parse(c.details) as object) }))).toEqual([
      { actor: 'wanjiru', words: paid.attention, note: 'Customer confirms one payment of KES 150' },
    ]);
    expect(() => markRequestChecked(h!.db, sent.id, 'wanjiru', 'Again')).toThrow(/nothing waiting for a look/);
    expect(receivedRows(h.db)).toHaveLength(1);
  });

  it('records both payments when the customer paid the first prompt late and the one asked again; no third prompt', async () => {
    h = await moneyInHarness({
      customers: [{ msisdn: paying, name: 'GRACE WANJIKU' }],
      registerC2b: false,
      faults: { stkLatePayMs: 2500 },
    });
    await h.engine.start();
    h.worker.start();
    const first = await h.request({ phone: paying });
    await eventually(() => (requestById(h!.db, first.id)?.state === 'declined' ? true : undefined));
    const again = await askAgain(partsOf(h), first.id, 'wanjiru');
    const both = await eventually(() => {
      const a = paidState(h!, first.id);
      const b = paidState(h!, again.id);
      return a !== undefined && b !== undefined ? { a, b } : undefined;
    }, 12_000);
    const truth = h.sim.collections();
    expect(truth).toHaveLength(2);
    expect(new Set([both.a.receipt, both.b.receipt])).toEqual(new Set(truth.map((c) => c.receipt)));
    expect(both.a.attention).toMatch(new RegExp(`asked again as payment request #${again.id}`));
    expect(receivedRows(h.db)).toHaveLength(2);
    await expect(askAgain(partsOf(h), again.id, 'wanjiru')).rejects.toThrow(/has paid/);
    expect(stkPushes(h)).toBe(2);
  });
});
