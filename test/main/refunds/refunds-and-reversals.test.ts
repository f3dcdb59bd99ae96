// Money received goes back once: by a refund or by a reversal, never both. Each side refuses the
// other in the core, in words, whichever was asked first, and a reversal M-Pesa reported some
// other way (the portal, "already reversed") holds refunds too.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { correctTransaction } from '../../../src/main/ledger/transactions';
import { declineRefund, requestRefund } from '../../../src/main/refunds/refunds';
import { declineReversal, requestReversal } from '../../../src/main/reversals/requests';
import { recordReversedOriginal } from '../../../src/main/reversals/store';
import { ConflictError } from '../../../src/shared/errors';
import { seedPeople, type TestPeople } from '../../helpers/people';
import { tempFolder } from '../db/temp-folder';
import { received } from './received';

const temp = tempFolder('mshahara-refund-reversal-');
let db: ProfileDatabase;
let people: TestPeople;

beforeEach(async () => {
  db = openDatabase(temp.path(`${Date.now()}-${Math.random()}.sqlite`));
  people = await seedPeople(db);
});
afterEach(() => closeDatabase(db));

const asAdmin = () => ({ name: people.admin.username, accountId: people.admin.accountId });
const stkPayment = () => received(db, { kind: 'stk_payment', phone: '254708374149', amountCents: 2500_00 });

function refusalOf(act: () => unknown): ConflictError {
  try {
    act();
  } catch (error) {
    if (error instanceof ConflictError) return error;
    throw error;
  }
  throw new Error('it was not refused');
}

describe('a refund and a reversal of the same payment', () => {
  it('refuses a reversal while a refund is open, and again once it is paid out', () => {
    const payment = stkPayment();
    requestRefund(db, { receipt: payment.receipt, amountCents: 1000_00, reason: 'Wrong size', phone: null }, asAdmin());
    const refused = refusalOf(() =>
      requestReversal(db, { transactionId: payment.id, reason: 'Paid twice' }, { accountId: people.admin.accountId }),
    );
    expect(refused.message).toMatch(/Refund #1 of this payment is open/);
    expect(db.prepare('SELECT count(*) AS n FROM reversals').get()).toEqual({ n: 0 });
  });

  it('lets the reversal be asked for once the refund is declined', () => {
    const payment = stkPayment();
    const refundId = requestRefund(
      db,
      { receipt: payment.receipt, amountCents: 1000_00, reason: 'Wrong size', phone: null },
      asAdmin(),
    );
    declineRefund(db, refundId, { name: people.approver.username, accountId: people.approver.accountId }, 'Not ours');
    const reversal = requestReversal(
      db,
      { transactionId: payment.id, reason: 'Paid twice' },
      { accountId: people.admin.accountId },
    );
    expect(reversal.state).toBe('draft');
  });

  it('refuses a refund while a reversal is open, and after the payment was reversed on the portal', () => {
    const payment = stkPayment();
    const reversal = requestReversal(
      db,
      { transactionId: payment.id, reason: 'Paid twice' },
      { accountId: people.admin.accountId },
    );
    const ask = () =>
      requestRefund(db, { receipt: payment.receipt, amountCents: 500_00, reason: 'Part back', phone: null }, asAdmin());
    expect(refusalOf(ask).message).toMatch(/reversal .* is under way/);
    declineReversal(db, reversal.id, { accountId: people.approver.accountId }, 'Not ours');
    db.transaction(() =>
      recordReversedOriginal(
        db,
        { originalId: payment.id, reversalTransactionId: null, reversalId: null, via: 'portal' },
        new Date().toISOString(),
      ),
    )();
    expect(refusalOf(ask).message).toMatch(/was reversed/);
    expect(db.prepare('SELECT count(*) AS n FROM refunds').get()).toEqual({ n: 0 });
  });
});

describe('a corrected payment', () => {
  it('is one payment with its correction: a refund of the original holds a reversal of the correction', () => {
    const payment = stkPayment();
    requestRefund(
      db,
      { receipt: payment.receipt, amountCents: 2500_00, reason: 'Order cancelled', phone: null },
      asAdmin(),
    );
    const correction = correctTransaction(
      db,
      payment.id,
      { partyName: 'JOHN KAMAU' },
      'The name as on the statement',
      'chebet',
    );
    const refused = refusalOf(() =>
      requestReversal(
        db,
        { transactionId: correction.id, reason: 'Paid twice' },
        { accountId: people.admin.accountId },
      ),
    );
    expect(refused.message).toMatch(/Refund #1 of this payment is open/);
    expect(db.prepare('SELECT count(*) AS n FROM reversals').get()).toEqual({ n: 0 });
  });
});
