// The dashboard's month and per-day figures count payments by their Nairobi day (UTC+3), read by
// time range from the ledger: a payment at 23:59 on 30 November in Nairobi is November's, one a
// minute later is December's, whatever the UTC date says.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { dashboardSummary } from '../../../src/main/dashboard/summary';
import { correctTransaction, recordTransaction } from '../../../src/main/ledger/transactions';
import type { Cents } from '../../../src/shared/money';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-dashboard-');
let db: ProfileDatabase | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

function pay(
  open: ProfileDatabase,
  receipt: string,
  occurredAt: string,
  amount: number,
  status: 'completed' | 'failed' = 'completed',
) {
  return open.transaction(() =>
    recordTransaction(open, {
      receipt,
      occurredAt,
      direction: 'out',
      kind: 'b2c_payment',
      status,
      amountCents: amount as Cents,
      chargeCents: 1_300 as Cents,
      source: 'b2c_result',
    }),
  )();
}

describe('dashboard summary', () => {
  it('counts this month and each day by Nairobi time, current rows only', () => {
    db = openDatabase(temp.path('dashboard.sqlite'));
    pay(db, 'TN00000001', '2026-11-30T20:59:59.999Z', 100_000); // 30 Nov, 23:59:59 in Nairobi
    pay(db, 'TN00000002', '2026-11-30T21:00:00.000Z', 200_000); // 1 Dec, 00:00 in Nairobi
    pay(db, 'TN00000003', '2026-12-15T20:30:00.000Z', 400_000); // 15 Dec, 23:30 in Nairobi
    pay(db, 'TN00000004', '2026-12-02T08:00:00.000Z', 800_000, 'failed');
    const wrong = pay(db, 'TN00000005', '2026-12-03T08:00:00.000Z', 1_600_000);
    // Recorded as paid, corrected to failed: December's paid total leaves it out.
    correctTransaction(db, wrong.id, { status: 'failed' }, 'failed on the statement', 'accountant');

    const summary = dashboardSummary(db, new Date('2026-12-15T21:30:00.000Z')); // 16 Dec, 00:30 in Nairobi
    expect(summary.month).toEqual({
      label: '2026-12',
      paidCount: 2,
      paidCents: 600_000,
      chargesCents: 2_600,
      estimatedChargesCents: 0,
    });
    const days = new Map(summary.payoutsPerDay.map((d) => [d.day, d]));
    expect(summary.payoutsPerDay).toHaveLength(30);
    expect(summary.payoutsPerDay.at(-1)?.day).toBe('2026-12-16');
    expect(days.get('2026-11-30')).toEqual({ day: '2026-11-30', count: 1, amountCents: 100_000 });
    expect(days.get('2026-12-01')).toEqual({ day: '2026-12-01', count: 1, amountCents: 200_000 });
    expect(days.get('2026-12-15')).toEqual({ day: '2026-12-15', count: 1, amountCents: 400_000 });
    expect(days.get('2026-12-03')).toEqual({ day: '2026-12-03', count: 0, amountCents: 0 });
    // Three paid and two failed in the last 30 Nairobi days.
    expect(summary.successRate).toBeCloseTo(3 / 5, 10);
  });
});
