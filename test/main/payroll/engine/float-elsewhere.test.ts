// The float check counts what other runs will still take: a second run that fits the float on its
// own but not beside an approved, unsent first run is refused at review and at start, not later.
import { afterEach, describe, expect, it } from 'vitest';
import { floatCheck } from '../../../../src/main/payroll/float';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../../src/main/db';
import { committedElsewhere, requireFloat, runFloatNeed } from '../../../../src/main/payroll/engine';
import { ConflictError } from '../../../../src/shared/errors';
import { tempFolder } from '../../db/temp-folder';

const folder = tempFolder('mshahara-float-');
let db: ProfileDatabase | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

function run(db: ProfileDatabase, id: number, state: string, itemState: string, amountsKes: number[]): void {
  db.prepare(`INSERT INTO payroll_runs (id, title, state, approved_at) VALUES (?, ?, ?, ?)`).run(
    id,
    `Run ${id}`,
    state,
    state === 'draft' ? null : new Date().toISOString(),
  );
  amountsKes.forEach((kes, i) =>
    db
      .prepare(
        `INSERT INTO payroll_items (run_id, line_number, name, phone, amount_cents, state) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(id, i + 1, `Worker ${id}-${i}`, `2547${String(id * 1000 + i).padStart(8, '0')}`, kes * 100, itemState),
  );
}

describe('the float check beside other runs', () => {
  it('counts approved runs not yet sent, queued lines of running runs and payments in flight, but not paid lines', () => {
    db = openDatabase(folder.path('float.sqlite'));
    run(db, 1, 'approved', 'draft', [30_000, 30_000]);
    run(db, 2, 'running', 'queued', [10_000]);
    run(db, 3, 'running', 'paying', [5_000]);
    run(db, 4, 'completed', 'paid', [90_000]);
    run(db, 5, 'approved', 'draft', [40_000]);
    const elsewhere = committedElsewhere(db, 5);
    expect(elsewhere.amountCents).toBe((30_000 + 30_000 + 10_000 + 5_000) * 100);
    expect(elsewhere.count).toBe(4);

    db.prepare(
      `INSERT INTO balance_snapshots (observed_at, account, available_cents) VALUES (?, 'Utility Account', ?)`,
    ).run(new Date().toISOString(), 100_000_00);
    // On its own run 5 fits (KES 40,000 + charges in KES 100,000); beside the others it does not.
    const own = runFloatNeed(db, 5);
    expect(own.totalWithChargesCents).toBeLessThan(100_000_00);
    const check = floatCheck(db, own.totalWithChargesCents, 5);
    expect(check.enough).toBe(false);
    expect(check.message).toMatch(/besides KES 75,\d{3}\.\d{2} that other approved or running runs will take/);
    expect(() => requireFloat(100_000_00, own, elsewhere)).toThrow(ConflictError);
    expect(() => requireFloat(100_000_00, own)).not.toThrow();
  });
});
