// The ledger's totals from the per-day table (migration 004) against the same totals read row by
// row: random movements, corrections and filters, including ranges that start and end mid-day.
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, migrateTo, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { ledgerTotals, scannedTotals, type LedgerFilter } from '../../../src/main/ledger/query';
import {
  correctTransaction,
  recordTransaction,
  type NewTransaction,
  type TransactionKind,
  type TransactionStatus,
} from '../../../src/main/ledger/transactions';
import type { Cents } from '../../../src/shared/money';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-day-totals-');
let db: ProfileDatabase | undefined;
afterEach(() => {
  if (db) closeDatabase(db);
  db = undefined;
});

/** A small deterministic generator; each test names its seed so a failure can be replayed. */
function generator(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state ^ (state >>> 15), 2246822507) + 0x6d2b79f5) >>> 0;
    return state % n;
  };
}

const kinds: TransactionKind[] = ['b2c_payment', 'c2b_payment', 'stk_payment', 'reversal', 'refund'];
const statuses: TransactionStatus[] = ['completed', 'failed'];
const start = Date.parse('2026-11-01T00:00:00.000Z');
const hour = 3_600_000;

function movement(pick: (n: number) => number, n: number): NewTransaction {
  return {
    receipt: `TD${String(n).padStart(8, '0')}`,
    occurredAt: new Date(start + pick(24 * 20) * hour + pick(3_600) * 1_000).toISOString(),
    direction: pick(2) === 0 ? 'out' : 'in',
    kind: kinds[pick(kinds.length)] as TransactionKind,
    status: statuses[pick(5) === 0 ? 1 : 0] as TransactionStatus,
    amountCents: ((1 + pick(50_000)) * 100) as Cents,
    chargeCents: pick(3) === 0 ? null : (pick(10_000) as Cents),
    chargeBasis: pick(2) === 0 ? 'estimated' : 'reported',
    source: 'manual',
  };
}

/** A statement charge row confirming the charge of ledger row `transactionId` (what matching writes). */
function confirmCharge(db: ProfileDatabase, transactionId: number, chargeCents: number): void {
  const importId = db
    .prepare(
      `INSERT INTO statement_imports (file_name, file_sha256, account, rows_read, rows_new, problems, gaps, imported_by, imported_at)
         VALUES ('charges.csv', ?, 'Charges Paid Account', 1, 1, '[]', '[]', 'accountant', '2026-12-01T00:00:00.000Z')`,
    )
    .run('a'.repeat(64)).lastInsertRowid as number;
  const rowId = db
    .prepare(
      `INSERT INTO statement_rows (account, receipt, entry, completed_at, details, status, paid_in_cents, withdrawn_cents, import_id, line)
       VALUES ('Charges Paid Account', ?, 'charge', '2026-11-02T08:00:00.000Z', 'Business Payment Charge', 'Completed', 0, ?, ?, 1)`,
    )
    .run(`TC${transactionId}`, chargeCents, importId).lastInsertRowid as number;
  db.prepare(
    'INSERT INTO confirmed_charges (transaction_id, statement_row_id, charge_cents, confirmed_at) VALUES (?, ?, ?, ?)',
  ).run(transactionId, rowId, chargeCents, '2026-12-01T00:00:00.000Z');
}

function randomFilter(pick: (n: number) => number): LedgerFilter {
  const filter: LedgerFilter = {};
  const a = start - 2 * hour + pick(24 * 22) * hour + pick(60) * 60_000;
  const b = a + (1 + pick(24 * 8)) * hour + pick(60) * 60_000;
  if (pick(4) !== 0) filter.from = new Date(a).toISOString();
  if (pick(4) !== 0) filter.to = new Date(b).toISOString();
  if (pick(3) === 0) filter.kinds = kinds.filter(() => pick(2) === 0);
  if (pick(3) === 0) filter.statuses = [statuses[pick(2)] as TransactionStatus];
  if (pick(3) === 0) filter.direction = pick(2) === 0 ? 'in' : 'out';
  return filter;
}

describe('ledger day totals', () => {
  for (const seed of [1, 2, 3]) {
    it(`agree with a row-by-row scan for every filter, with corrections (seed ${seed})`, () => {
      db = openDatabase(temp.path(`totals-${seed}.sqlite`));
      const pick = generator(seed);
      const open = db;
      const ids = open.transaction(() =>
        Array.from({ length: 600 }, (_, n) => recordTransaction(open, movement(pick, n)).id),
      )();
      // The statement confirms some charges (a different figure from the estimate), before and
      // after corrections; corrections move rows across days, kinds, statuses and amounts, and some
      // correct a correction.
      const current = [...ids];
      const confirmed = new Set<number>();
      const confirmSome = (): void => {
        for (let c = 0; c < 20; c += 1) {
          const id = current[pick(current.length)] as number;
          if (confirmed.has(id)) continue;
          confirmed.add(id);
          confirmCharge(open, id, pick(12_000));
        }
      };
      confirmSome();
      for (let k = 0; k < 80; k += 1) {
        if (k === 40) confirmSome();
        const at = pick(current.length);
        const fresh = movement(pick, 10_000 + k);
        const corrected = correctTransaction(
          open,
          current[at] as number,
          {
            occurredAt: fresh.occurredAt,
            kind: fresh.kind,
            status: fresh.status,
            amountCents: fresh.amountCents,
            chargeCents: fresh.chargeCents,
          },
          'the statement shows otherwise',
          'accountant',
        );
        current[at] = corrected.id;
      }
      confirmSome();
      expect(ledgerTotals(open, {}).count).toBe(600);
      const whole = ledgerTotals(open, {});
      expect(whole.estimatedChargesCents).toBeGreaterThan(0);
      expect(whole.estimatedChargesCents).toBeLessThan(whole.chargesCents);
      for (let q = 0; q < 300; q += 1) {
        const filter = randomFilter(pick);
        expect(ledgerTotals(open, filter), JSON.stringify(filter)).toEqual(scannedTotals(open, filter));
      }
    });
  }

  it('are built from the rows already in the ledger when the migration runs', () => {
    db = openDatabase(temp.path('backfill.sqlite'), { applyMigrations: false });
    migrateTo(db, 3);
    const insert = db.prepare(
      `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, charge_cents, source, corrects_id, correction_reason)
       VALUES (?, ?, 'out', 'b2c_payment', ?, ?, ?, 'b2c_result', ?, ?)`,
    );
    const first = insert.run(
      'TE00000001',
      '2026-11-02T08:00:00.000Z',
      'completed',
      150_000,
      1_300,
      null,
      null,
    ).lastInsertRowid;
    insert.run('TE00000002', '2026-11-02T09:00:00.000Z', 'completed', 250_000, null, null, null);
    // The first payment was recorded wrongly and corrected: only the correction counts.
    insert.run('TE00000001', '2026-11-03T08:00:00.000Z', 'failed', 150_000, 0, first, 'failed on the statement');
    migrateTo(db, 5);
    expect(ledgerTotals(db, {})).toEqual({
      count: 2,
      amountCents: 400_000,
      amountInCents: 0,
      amountOutCents: 400_000,
      chargesCents: 0,
      estimatedChargesCents: 0,
    });
    expect(ledgerTotals(db, { statuses: ['completed'] })).toEqual(scannedTotals(db, { statuses: ['completed'] }));
    expect(ledgerTotals(db, { from: '2026-11-03T00:00:00.000Z' }).count).toBe(1);
  });

  it('count the statement-confirmed charge and the estimate left when migration 005 runs', () => {
    db = openDatabase(temp.path('backfill-5.sqlite'), { applyMigrations: false });
    migrateTo(db, 4);
    const insert = db.prepare(
      `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, charge_cents, charge_basis, source)
       VALUES (?, ?, 'out', 'b2c_payment', 'completed', ?, ?, ?, 'b2c_result')`,
    );
    const estimated = Number(
      insert.run('TF00000001', '2026-11-02T08:00:00.000Z', 150_000, 1_300, 'estimated').lastInsertRowid,
    );
    insert.run('TF00000002', '2026-11-02T09:00:00.000Z', 250_000, 1_500, 'estimated');
    insert.run('TF00000003', '2026-11-02T10:00:00.000Z', 50_000, 700, 'reported');
    // The statement says the first payment's charge was KES 15, not the KES 13 estimate.
    confirmCharge(db, estimated, 1_500);
    migrateTo(db, 5);
    const totals = ledgerTotals(db, {});
    expect(totals.chargesCents).toBe(1_500 + 1_500 + 700);
    expect(totals.estimatedChargesCents).toBe(1_500);
    expect(totals).toEqual(scannedTotals(db, {}));
    // After the migration, a confirmation keeps the day totals right by itself.
    confirmCharge(db, estimated + 1, 1_400);
    expect(ledgerTotals(db, {})).toMatchObject({ chargesCents: 1_500 + 1_400 + 700, estimatedChargesCents: 0 });
    expect(ledgerTotals(db, {})).toEqual(scannedTotals(db, {}));
  });
});
