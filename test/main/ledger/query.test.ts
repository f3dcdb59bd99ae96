// Ledger queries on a real SQLite file: each filter proven by rows in and rows out, totals of the
// filtered set, current rows versus corrected ones, stable pagination by cursor and by offset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { listTransactions, type LedgerFilter } from '../../../src/main/ledger/query';
import {
  correctTransaction,
  findByReceipt,
  recordTransaction,
  type NewTransaction,
} from '../../../src/main/ledger/transactions';
import { ConflictError, InternalError, ValidationError } from '../../../src/shared/errors';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-ledger-');
let db: ProfileDatabase;

/** Ten movements over November 2026; receipts name them so a failing assertion reads plainly. */
const movements: NewTransaction[] = [
  {
    receipt: 'TKA0000001',
    occurredAt: '2026-11-01T06:00:00.000Z',
    direction: 'out',
    kind: 'b2c_payment',
    status: 'completed',
    amountCents: 2_500_000,
    chargeCents: 1_300,
    phone: '254712345678',
    partyName: 'Wanjiku Kamau',
    source: 'b2c_result',
  },
  {
    receipt: 'TKA0000002',
    occurredAt: '2026-11-02T06:00:00.000Z',
    direction: 'out',
    kind: 'b2c_payment',
    status: 'completed',
    amountCents: 1_850_000,
    chargeCents: 1_100,
    phone: '254722000111',
    partyName: 'Otieno Ochieng',
    source: 'b2c_result',
  },
  {
    receipt: null,
    occurredAt: '2026-11-03T06:00:00.000Z',
    direction: 'out',
    kind: 'b2c_payment',
    status: 'failed',
    amountCents: 500_000,
    chargeCents: null,
    phone: '254110123456',
    partyName: 'Akinyi Njeri',
    source: 'b2c_result',
  },
  {
    receipt: 'TKB0000004',
    occurredAt: '2026-11-04T06:00:00.000Z',
    direction: 'in',
    kind: 'c2b_payment',
    status: 'completed',
    amountCents: 120_000,
    chargeCents: 0,
    phone: null,
    partyName: 'GRACE WANJIKU',
    partyDisplay: '2547 ***** 126',
    source: 'c2b_confirmation',
  },
  {
    receipt: 'TKB0000005',
    occurredAt: '2026-11-05T06:00:00.000Z',
    direction: 'in',
    kind: 'stk_payment',
    status: 'completed',
    amountCents: 30_000,
    chargeCents: 0,
    phone: '254799888777',
    partyName: 'Baraka Mwita',
    source: 'stk_callback',
  },
  {
    receipt: 'TKC0000006',
    occurredAt: '2026-11-06T06:00:00.000Z',
    direction: 'out',
    kind: 'b2c_payment',
    status: 'completed',
    amountCents: 15_000_000,
    chargeCents: 1_300,
    phone: '254745000222',
    partyName: '=cmd|calc',
    source: 'b2c_result',
  },
  {
    receipt: 'TKC0000007',
    occurredAt: '2026-11-07T06:00:00.000Z',
    direction: 'out',
    kind: 'reversal',
    status: 'completed',
    amountCents: 30_000,
    chargeCents: 0,
    phone: '254799888777',
    partyName: 'Baraka Mwita',
    source: 'reversal_result',
  },
  {
    receipt: 'TKD0000008',
    occurredAt: '2026-11-08T06:00:00.000Z',
    direction: 'out',
    kind: 'b2c_payment',
    status: 'completed',
    amountCents: 2_500_000,
    chargeCents: 1_300,
    phone: '254712345678',
    partyName: 'Wanjiku Kamau',
    source: 'b2c_result',
  },
  {
    receipt: 'TKD0000009',
    occurredAt: '2026-11-09T06:00:00.000Z',
    direction: 'out',
    kind: 'b2c_payment',
    status: 'completed',
    amountCents: 1_000,
    chargeCents: 0,
    phone: '254712999000',
    partyName: 'Kiprop 50% Cheruiyot',
    source: 'b2c_result',
  },
  {
    receipt: 'TKE0000010',
    occurredAt: '2026-11-10T06:00:00.000Z',
    direction: 'out',
    kind: 'b2c_payment',
    status: 'completed',
    amountCents: 1_850_000,
    chargeCents: 1_100,
    phone: '254722000111',
    partyName: 'Otieno Ochieng',
    source: 'b2c_result',
  },
];

beforeAll(() => {
  db = openDatabase(temp.path('ledger.sqlite'));
  db.transaction(() => {
    for (const m of movements) recordTransaction(db, m);
  })();
});
afterAll(() => closeDatabase(db));

/** Which movements (by position in the list above, 1-based) a filter returns, newest first. */
function found(filter: LedgerFilter): number[] {
  return listTransactions(db, filter, { by: 'time', order: 'desc' }, { limit: 100 }).rows.map(
    (r) => movements.findIndex((m) => m.occurredAt === r.occurredAt) + 1,
  );
}

describe('ledger filters', () => {
  it('lists everything newest first without a filter', () => {
    expect(found({})).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('date range: start inclusive, end exclusive', () => {
    expect(found({ from: '2026-11-03T06:00:00.000Z', to: '2026-11-06T06:00:00.000Z' })).toEqual([5, 4, 3]);
    expect(() => found({ from: '2026-11-06T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' })).toThrow(ValidationError);
  });

  it('kind, status and direction', () => {
    expect(found({ kinds: ['c2b_payment', 'stk_payment'] })).toEqual([5, 4]);
    expect(found({ kinds: ['reversal'] })).toEqual([7]);
    expect(found({ statuses: ['failed'] })).toEqual([3]);
    expect(found({ direction: 'in' })).toEqual([5, 4]);
    expect(found({ statuses: ['completed'], kinds: ['b2c_payment'], from: '2026-11-05T00:00:00.000Z' })).toEqual([
      10, 9, 8, 6,
    ]);
  });

  it('amount range, both ends inclusive', () => {
    expect(found({ minAmountCents: 1_850_000, maxAmountCents: 2_500_000 })).toEqual([10, 8, 2, 1]);
    expect(found({ maxAmountCents: 30_000 })).toEqual([9, 7, 5]);
  });

  it('search by receipt, whole or its start, in any case', () => {
    expect(found({ search: 'TKD0000008' })).toEqual([8]);
    expect(found({ search: 'tkb' })).toEqual([5, 4]);
    expect(found({ search: 'TKZ' })).toEqual([]);
  });

  it('search by phone in any Kenyan format, whole or its start', () => {
    for (const phone of ['0712 345 678', '+254712345678', '254712345678', '712345678', '0712-345-678']) {
      expect(found({ search: phone })).toEqual([8, 1]);
    }
    expect(found({ search: '0712' })).toEqual([9, 8, 1]);
    expect(found({ search: '0799 888 777', kinds: ['stk_payment'] })).toEqual([5]);
  });

  it('search by any part of the name, in any case, with wildcards taken literally', () => {
    expect(found({ search: 'wanjiku' })).toEqual([8, 4, 1]);
    expect(found({ search: 'OCHIENG' })).toEqual([10, 2]);
    expect(found({ search: 'njer' })).toEqual([3]);
    expect(found({ search: '50%' })).toEqual([9]);
    expect(found({ search: '%' })).toEqual([9]);
    expect(found({ search: 'nobody at all' })).toEqual([]);
    expect(found({ search: 'wanjiku', from: '2026-11-02T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' })).toEqual([4]);
  });
});

describe('ledger totals', () => {
  it('counts and sums the whole filtered set, not the page', () => {
    const listing = listTransactions(
      db,
      { kinds: ['b2c_payment'], statuses: ['completed'] },
      { by: 'time', order: 'desc' },
      { limit: 2 },
    );
    expect(listing.rows).toHaveLength(2);
    expect(listing.totals).toEqual({
      count: 6,
      amountCents: 2_500_000 + 1_850_000 + 15_000_000 + 2_500_000 + 1_000 + 1_850_000,
      amountInCents: 0,
      amountOutCents: 23_701_000,
      chargesCents: 1_300 + 1_100 + 1_300 + 1_300 + 0 + 1_100,
      estimatedChargesCents: 0,
    });
    expect(listTransactions(db, { direction: 'in' }).totals).toMatchObject({
      count: 2,
      amountInCents: 150_000,
      amountOutCents: 0,
    });
  });

  it('totals a searched set the same on every page, by offset or by cursor, and past the end', () => {
    const expected = {
      count: 3,
      amountCents: 2_500_000 + 120_000 + 2_500_000,
      amountInCents: 120_000,
      amountOutCents: 5_000_000,
      chargesCents: 2_600,
      estimatedChargesCents: 0,
    };
    const first = listTransactions(db, { search: 'wanjiku' }, { by: 'amount', order: 'desc' }, { limit: 1 });
    expect(first.totals).toEqual(expected);
    expect(
      listTransactions(db, { search: 'wanjiku' }, { by: 'amount', order: 'desc' }, { limit: 1, offset: 2 }).totals,
    ).toEqual(expected);
    expect(
      listTransactions(db, { search: 'wanjiku' }, { by: 'amount', order: 'desc' }, { limit: 1, offset: 9 }).totals,
    ).toEqual(expected);
    if (first.next === null) throw new Error('more pages');
    expect(
      listTransactions(db, { search: 'wanjiku' }, { by: 'amount', order: 'desc' }, { limit: 1, after: first.next })
        .totals,
    ).toEqual(expected);
    expect(listTransactions(db, { search: 'nobody at all' }).totals).toEqual({
      count: 0,
      amountCents: 0,
      amountInCents: 0,
      amountOutCents: 0,
      chargesCents: 0,
      estimatedChargesCents: 0,
    });
  });
});

describe('pagination', () => {
  it('walks every row exactly once by cursor, by time and by amount, in both orders', () => {
    for (const sort of [
      { by: 'time', order: 'desc' },
      { by: 'time', order: 'asc' },
      { by: 'amount', order: 'desc' },
      { by: 'amount', order: 'asc' },
    ] as const) {
      const whole = listTransactions(db, {}, sort, { limit: 100 }).rows.map((r) => r.id);
      const walked: number[] = [];
      let page = listTransactions(db, {}, sort, { limit: 3 });
      walked.push(...page.rows.map((r) => r.id));
      while (page.next !== null) {
        page = listTransactions(db, {}, sort, { limit: 3, after: page.next });
        walked.push(...page.rows.map((r) => r.id));
      }
      expect(walked).toEqual(whole);
      expect(new Set(walked).size).toBe(10);
    }
    // Equal amounts (two of 2,500,000 and two of 1,850,000) are ordered by id, so pages never overlap.
    const byAmount = listTransactions(db, {}, { by: 'amount', order: 'desc' }, { limit: 100 }).rows.map(
      (r) => r.amountCents,
    );
    expect(byAmount).toEqual([...byAmount].sort((a, b) => b - a));
  });

  it('pages by offset to the same rows as one long page', () => {
    const whole = listTransactions(db, {}, { by: 'time', order: 'desc' }, { limit: 100 }).rows.map((r) => r.id);
    const pages = [0, 4, 8].flatMap((offset) =>
      listTransactions(db, {}, { by: 'time', order: 'desc' }, { limit: 4, offset }).rows.map((r) => r.id),
    );
    expect(pages).toEqual(whole);
    expect(() => listTransactions(db, {}, undefined, { limit: 0 })).toThrow(ValidationError);
  });
});

describe('corrections', () => {
  it('shows only the current version unless asked, and totals count the corrected amount once', () => {
    const file = openDatabase(temp.path('corrections.sqlite'));
    try {
      const [original] = file.transaction(() => movements.slice(0, 2).map((m) => recordTransaction(file, m)))();
      if (original === undefined) throw new Error('recorded');
      const fixed = correctTransaction(
        file,
        original.id,
        { chargeCents: 1_100 },
        'Charge on the statement is KES 11',
        'Amina',
      );
      expect(fixed).toMatchObject({
        correctsId: original.id,
        receipt: 'TKA0000001',
        chargeCents: 1_100,
        amountCents: 2_500_000,
        source: 'manual',
      });
      const current = listTransactions(file, {});
      expect(current.rows.map((r) => r.receipt).sort()).toEqual(['TKA0000001', 'TKA0000002']);
      expect(current.rows.find((r) => r.receipt === 'TKA0000001')?.id).toBe(fixed.id);
      expect(current.totals).toMatchObject({ count: 2, amountCents: 4_350_000, chargesCents: 2_200 });
      expect(listTransactions(file, { includeCorrected: true }).totals.count).toBe(3);
      expect(findByReceipt(file, 'tka0000001')?.id).toBe(fixed.id);
      expect(() => correctTransaction(file, original.id, { amountCents: 1 }, 'again', 'Amina')).toThrow(ConflictError);
      expect(() => correctTransaction(file, fixed.id, {}, '  ', 'Amina')).toThrow(ValidationError);
      expect(file.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'transaction.corrected'").get()).toEqual({
        n: 1,
      });
    } finally {
      closeDatabase(file);
    }
  });

  it('refuses a ledger row outside a transaction and a time not in ISO UTC', () => {
    const file = openDatabase(temp.path('refusals.sqlite'));
    try {
      const first = movements[0] as NewTransaction;
      expect(() => recordTransaction(file, first)).toThrow(InternalError);
      expect(() =>
        file.transaction(() => recordTransaction(file, { ...first, occurredAt: '2026-11-01 09:00:00' }))(),
      ).toThrow(ValidationError);
      expect(file.prepare('SELECT count(*) AS n FROM transactions').get()).toEqual({ n: 0 });
    } finally {
      closeDatabase(file);
    }
  });
});
