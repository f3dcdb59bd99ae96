// The float's history read for a chart: every balance M-Pesa reported, per account, over Nairobi
// days, downsampled in SQL so each bucket keeps its lowest and its last report.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { floatAccounts, floatHistory, floatReports } from '../../../src/main/float/history';
import { tempFolder } from '../db/temp-folder';

const folder = tempFolder('mshahara-float-');
let db: ProfileDatabase;
beforeEach(() => {
  db = openDatabase(folder.path('profile.sqlite'));
});
afterEach(() => closeDatabase(db));

function snapshot(observedAt: string, account: string, availableCents: number): void {
  db.prepare('INSERT INTO balance_snapshots (observed_at, account, available_cents) VALUES (?, ?, ?)').run(
    observedAt,
    account,
    availableCents,
  );
}

describe('floatHistory', () => {
  it('lists the Utility account first and reads the chosen one', () => {
    snapshot('2026-11-10T07:00:00.000Z', 'Working Account', 9_000_00);
    snapshot('2026-11-10T07:00:00.000Z', 'Utility Account', 50_000_00);
    snapshot('2026-11-10T07:00:00.000Z', 'Charges Paid Account', -300_00);
    expect(floatAccounts(db)).toEqual(['Utility Account', 'Charges Paid Account', 'Working Account']);
    const utility = floatHistory(db, { fromDay: '2026-11-10', toDay: '2026-11-10' });
    expect(utility.account).toBe('Utility Account');
    expect(utility.points.map((p) => p.lastCents)).toEqual([50_000_00]);
    const working = floatHistory(db, { account: 'Working Account', fromDay: '2026-11-10', toDay: '2026-11-10' });
    expect(working.points.map((p) => p.lastCents)).toEqual([9_000_00]);
  });

  it('keeps each bucket’s lowest and last balance, never smoothing a dip away', () => {
    // One Nairobi day in 24 buckets of an hour: three reports inside the same hour.
    snapshot('2026-11-10T05:10:00.000Z', 'Utility Account', 80_000_00);
    snapshot('2026-11-10T05:20:00.000Z', 'Utility Account', 12_400_00);
    snapshot('2026-11-10T05:50:00.000Z', 'Utility Account', 60_000_00);
    snapshot('2026-11-10T09:30:00.000Z', 'Utility Account', 55_000_00);
    const history = floatHistory(db, { fromDay: '2026-11-10', toDay: '2026-11-10', maxPoints: 24 });
    expect(history.bucketSeconds).toBe(3600);
    expect(history.points).toEqual([
      { at: '2026-11-10T05:50:00.000Z', lowestCents: 12_400_00, lastCents: 60_000_00, reports: 3 },
      { at: '2026-11-10T09:30:00.000Z', lowestCents: 55_000_00, lastCents: 55_000_00, reports: 1 },
    ]);
    expect(history.reports).toBe(4);
  });

  it('takes the lowest of the reports of one second as the last, as the dashboard does', () => {
    // Results arrive out of order; within a payroll each payment only lowers the float.
    snapshot('2026-11-10T06:00:00.000Z', 'Utility Account', 4_975_750_00);
    snapshot('2026-11-10T06:00:00.000Z', 'Utility Account', 4_988_000_00);
    const history = floatHistory(db, { fromDay: '2026-11-10', toDay: '2026-11-10' });
    expect(history.points).toEqual([
      { at: '2026-11-10T06:00:00.000Z', lowestCents: 4_975_750_00, lastCents: 4_975_750_00, reports: 2 },
    ]);
  });

  it('takes Nairobi days: a report at 22:00 UTC belongs to the next Nairobi day', () => {
    snapshot('2026-11-09T20:59:59.000Z', 'Utility Account', 1_00);
    snapshot('2026-11-09T21:00:00.000Z', 'Utility Account', 2_00);
    snapshot('2026-11-10T20:59:59.999Z', 'Utility Account', 3_00);
    snapshot('2026-11-10T21:00:00.000Z', 'Utility Account', 4_00);
    const history = floatHistory(db, { fromDay: '2026-11-10', toDay: '2026-11-10' });
    expect(history.points.map((p) => p.lastCents)).toEqual([2_00, 3_00]);
    expect(floatReports(db, { fromDay: '2026-11-10', toDay: '2026-11-10' }).map((r) => r.availableCents)).toEqual([
      2_00, 3_00,
    ]);
  });

  it('draws a 5,000-payment run as at most the points asked for, its lowest balance kept', () => {
    const start = Date.parse('2026-11-10T06:00:00.000Z');
    const insert = db.prepare(
      "INSERT INTO balance_snapshots (observed_at, account, available_cents) VALUES (?, 'Utility Account', ?)",
    );
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(new Date(start + i * 1000).toISOString(), 1_000_000_00 - i * 100_00);
    })();
    const history = floatHistory(db, { fromDay: '2026-11-10', toDay: '2026-11-10', maxPoints: 200 });
    expect(history.points.length).toBeLessThanOrEqual(200);
    expect(history.reports).toBe(5000);
    expect(Math.min(...history.points.map((p) => p.lowestCents))).toBe(1_000_000_00 - 4999 * 100_00);
    expect(history.points.at(-1)?.lastCents).toBe(1_000_000_00 - 4999 * 100_00);
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => floatHistory(db, { fromDay: '2026-11-10', toDay: '2026-11-09' })).toThrow(/must not end before/);
  });
});
