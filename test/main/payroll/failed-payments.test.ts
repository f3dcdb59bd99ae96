// The failed-payments report: runs paid against the simulator with numbers it refuses, some paid on
// a retry, and the report read back — each failed try once, with its reason, the totals, and what
// became of each line; then the same report exported as CSV and XLSX and parsed back.
import { retryAsTwoPeople } from '../../helpers/retry';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { failedPayments, type FailedPaymentsFilter } from '../../../src/main/payroll/failed-payments';
import { exportFailedPayments } from '../../../src/main/payroll/failed-payments-export';
import { describeResultCode } from '../../../src/shared/daraja/codes';
import { nairobiDay, nairobiWallClock } from '../../../src/shared/time';
import { tempFolder } from '../db/temp-folder';
import { approvedRun, attempts, customersFor, harness, worker, type Harness, type Worker } from './engine/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const folder = tempFolder('mshahara-failed-');
const notRegistered = describeResultCode('2040').explanation;

const everything = (db: Harness['db'], filter: FailedPaymentsFilter = {}) =>
  failedPayments(db, filter, { limit: 500, offset: 0 });

/** Pays November (four lines, two numbers M-Pesa refuses), retries it once one of them registers, and pays December. */
async function paidWithFailures() {
  const paid1 = worker(1, 1500_00);
  const paid2 = worker(2, 2500_00);
  const registersLater = worker(3, 3000_00);
  const neverRegistered: Worker = { ...worker(4, 4000_00), name: 'Wambũi Njeri' };
  const december: Worker = { ...worker(5, 5000_00), name: 'Otieno Ochieng' };
  h = await harness({ customers: customersFor([paid1, paid2]) });
  const { db, engine, sim } = h;
  const november = approvedRun(db, [paid1, paid2, registersLater, neverRegistered], 'November salaries');
  db.prepare(`UPDATE payroll_runs SET period = '2026-11' WHERE id = ?`).run(november);
  db.prepare(`UPDATE payroll_items SET remarks = 'NOV-' || line_number WHERE run_id = ?`).run(november);
  await engine.start();
  await engine.startRun(november, 'owner');
  await engine.waitUntilFinal(november);

  sim.addCustomers(customersFor([registersLater]));
  expect(await retryAsTwoPeople(db, engine, november)).toBe(2);
  await engine.waitUntilFinal(november);

  const bonus = approvedRun(db, [december], 'December bonus');
  await engine.startRun(bonus, 'owner');
  await engine.waitUntilFinal(bonus);
  return { november, bonus, paid1, paid2, registersLater, neverRegistered, december };
}

describe('failed-payments report', () => {
  it('lists each failed try once, with the reason, what happened next and the totals', async () => {
    const { november, bonus, registersLater, neverRegistered, december } = await paidWithFailures();
    const db = h!.db;
    const report = everything(db);

    const failedInDb = attempts(db).filter((a) => a.state === 'failed' || a.state === 'rejected');
    expect(failedInDb).toHaveLength(4);
    expect(report.rows.map((r) => r.attemptId).sort((a, b) => a - b)).toEqual(failedInDb.map((a) => a.id));
    expect(report.total).toBe(4);
    // Newest first.
    const times = report.rows.map((r) => r.failedAt!);
    expect([...times].sort().reverse()).toEqual(times);

    for (const row of report.rows) {
      expect(row.reason).toMatchObject({ code: '2040', message: notRegistered });
      expect(row.reason.action).toBe("Check the worker's phone number, then try again.");
    }

    const receiptFor = h!.sim.payments().find((p) => p.party === registersLater.phone)!.receipt;
    const retried = report.rows.find((r) => r.phone === registersLater.phone)!;
    expect(retried).toMatchObject({
      runId: november,
      runTitle: 'November salaries',
      runPeriod: '2026-11',
      reference: 'NOV-3',
      name: registersLater.name,
      amountCents: 3000_00,
      attemptNumber: 1,
      next: { outcome: 'paid', attemptNumber: 2, receipt: receiptFor },
    });
    expect(retried.next.words).toContain(`Paid on try 2, receipt ${receiptFor}`);

    const unpaid = report.rows.filter((r) => r.phone === neverRegistered.phone);
    expect(unpaid.map((r) => [r.attemptNumber, r.next.outcome, r.next.receipt])).toEqual([
      [2, 'unpaid', null],
      [1, 'unpaid', null],
    ]);
    expect(unpaid[1]!.next.words).toBe('Still unpaid: try 2 failed too');
    expect(unpaid[0]!.next.words).toBe('Still unpaid: not tried again yet');

    expect(report.rows.find((r) => r.phone === december.phone)).toMatchObject({
      runId: bonus,
      runTitle: 'December bonus',
      next: { outcome: 'unpaid' },
    });

    // Three failed tries in November and one in December; the lines still unpaid count once each.
    expect(report.totals).toEqual({
      failedTries: 4,
      failedCents: 3000_00 + 4000_00 * 2 + 5000_00,
      unpaidLines: 2,
      unpaidCents: 4000_00 + 5000_00,
    });
  }, 30_000);

  it('filters by run, by Nairobi day and by a search that ignores case and accents, and pages', async () => {
    const { november, bonus, neverRegistered, december } = await paidWithFailures();
    const db = h!.db;

    const novemberOnly = everything(db, { runId: november });
    expect(novemberOnly.rows.map((r) => r.runId)).toEqual([november, november, november]);
    expect(novemberOnly.totals).toMatchObject({ failedTries: 3, unpaidLines: 1, unpaidCents: 4000_00 });
    expect(everything(db, { runId: bonus }).rows.map((r) => r.phone)).toEqual([december.phone]);

    expect(everything(db, { search: 'WAMBUI' }).rows.map((r) => r.phone)).toEqual([
      neverRegistered.phone,
      neverRegistered.phone,
    ]);
    expect(everything(db, { search: 'december' }).rows.map((r) => r.phone)).toEqual([december.phone]);
    expect(everything(db, { search: 'nov-3' }).rows).toHaveLength(1);
    // A phone number as people write it.
    const written = `0${december.phone.slice(3, 6)} ${december.phone.slice(6, 9)} ${december.phone.slice(9)}`;
    expect(everything(db, { search: written }).rows.map((r) => r.phone)).toEqual([december.phone]);

    const today = nairobiDay();
    expect(everything(db, { from: today, to: today }).total).toBe(4);
    const tomorrow = nairobiDay(Date.now() + 86_400_000);
    const yesterday = nairobiDay(Date.now() - 86_400_000);
    expect(everything(db, { from: tomorrow }).total).toBe(0);
    expect(everything(db, { to: yesterday }).total).toBe(0);

    const all = everything(db).rows.map((r) => r.attemptId);
    const pages = [0, 2].flatMap((offset) => failedPayments(db, {}, { limit: 2, offset }).rows.map((r) => r.attemptId));
    expect(pages).toEqual(all);
    expect(failedPayments(db, {}, { limit: 2, offset: 2 }).totals.failedTries).toBe(4);
  }, 30_000);

  it('exports the report as CSV and as XLSX with real date cells', async () => {
    await paidWithFailures();
    const db = h!.db;
    const report = everything(db);

    const csvPath = folder.path('failed.csv');
    await exportFailedPayments(db, csvPath, { format: 'csv', filter: {} });
    const text = readFileSync(csvPath, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const records = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(4);
    const retried = records.find((r) => r['Paid on try'] === '2')!;
    expect(retried).toMatchObject({
      'Run title': 'November salaries',
      Reference: 'NOV-3',
      'Amount (KES)': '3000.00',
      Try: '1',
      'Result code': '2040',
      Reason: notRegistered,
    });
    expect(retried['What happened next']).toMatch(/^Paid on try 2, receipt /);
    expect(retried['Failed at (Nairobi)']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(records.filter((r) => r['What happened next']!.startsWith('Still unpaid'))).toHaveLength(3);

    const xlsxPath = folder.path('failed.xlsx');
    await exportFailedPayments(db, xlsxPath, { format: 'xlsx', filter: {} });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsxPath);
    const sheet = workbook.getWorksheet('Failed payments')!;
    expect(sheet.rowCount).toBe(5);
    const first = sheet.getRow(2);
    expect(first.getCell(1).value).toBeInstanceOf(Date);
    expect((first.getCell(1).value as Date).getTime()).toBe(nairobiWallClock(report.rows[0]!.failedAt!).getTime());
    expect(first.getCell(8).value).toBe(report.rows[0]!.amountCents / 100);
    const paidRow = [2, 3, 4, 5].map((n) => sheet.getRow(n)).find((row) => row.getCell(14).value === 2)!;
    expect(paidRow.getCell(16).value).toBeInstanceOf(Date);
  }, 30_000);
});

describe('failed-payments report on stored tries', () => {
  it('counts a Nairobi day from 21:00 UTC the day before, and leaves out tries that never left', () => {
    const db = openDatabase(folder.path('days.sqlite'));
    try {
      const runId = Number(
        db
          .prepare(
            `INSERT INTO payroll_runs (title, state, approved_at) VALUES ('Run', 'completed', '2026-11-30T00:00:00Z')`,
          )
          .run().lastInsertRowid,
      );
      const item = (phone: string) =>
        Number(
          db
            .prepare(
              `INSERT INTO payroll_items (run_id, name, phone, amount_cents, state) VALUES (?, 'A', ?, 100000, 'failed')`,
            )
            .run(runId, phone).lastInsertRowid,
        );
      const attempt = (itemId: number, phone: string, state: string, code: string, finishedAt: string) =>
        db
          .prepare(
            `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, result_code, finished_at)
             VALUES (?, 1, ?, ?, 100000, 'SalaryPayment', ?, ?, ?)`,
          )
          .run(itemId, `O-${phone}`, phone, state, code, finishedAt);
      attempt(item('254700000001'), '254700000001', 'failed', '2040', '2026-11-30T20:59:59.000Z'); // 30 Nov, 23:59:59 in Nairobi
      attempt(item('254700000002'), '254700000002', 'rejected', '400.002.02', '2026-11-30T21:00:00.000Z'); // 1 Dec, 00:00
      attempt(item('254700000003'), '254700000003', 'rejected', 'mshahara.cancelled', '2026-11-30T22:00:00.000Z');

      const december = failedPayments(db, { from: '2026-12-01', to: '2026-12-01' }, { limit: 10, offset: 0 });
      expect(december.rows.map((r) => r.phone)).toEqual(['254700000002']);
      expect(december.rows[0]!.reason.code).toBe('400.002.02');
      const november = failedPayments(db, { to: '2026-11-30' }, { limit: 10, offset: 0 });
      expect(november.rows.map((r) => r.phone)).toEqual(['254700000001']);
      // A cancelled run's unsent payment was never refused by M-Pesa: it is not a failure.
      expect(failedPayments(db, {}, { limit: 10, offset: 0 }).totals).toEqual({
        failedTries: 2,
        failedCents: 200000,
        unpaidLines: 2,
        unpaidCents: 200000,
      });
    } finally {
      closeDatabase(db);
    }
  });
  it('says what came of each line: retry waiting, with M-Pesa, cancelled, or paid after all', () => {
    const db = openDatabase(folder.path('next.sqlite'));
    try {
      const runId = Number(
        db
          .prepare(
            `INSERT INTO payroll_runs (title, state, approved_at) VALUES ('Run', 'running', '2026-11-30T00:00:00Z')`,
          )
          .run().lastInsertRowid,
      );
      const line = (phone: string, state: string) =>
        Number(
          db
            .prepare(
              `INSERT INTO payroll_items (run_id, name, phone, amount_cents, state) VALUES (?, 'A', ?, 100000, ?)`,
            )
            .run(runId, phone, state).lastInsertRowid,
        );
      const attempt = (itemId: number, n: number, phone: string, state: string) =>
        Number(
          db
            .prepare(
              `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, result_code, finished_at)
               VALUES (?, ?, ?, ?, 100000, 'SalaryPayment', ?, ?, ?)`,
            )
            .run(
              itemId,
              n,
              `O-${phone}-${n}`,
              phone,
              state,
              state === 'failed' ? '2040' : null,
              '2026-11-30T08:00:00.000Z',
            ).lastInsertRowid,
        );
      attempt(line('254700000011', 'queued'), 1, '254700000011', 'failed');
      const sending = line('254700000012', 'paying');
      attempt(sending, 1, '254700000012', 'failed');
      attempt(sending, 2, '254700000012', 'accepted');
      attempt(line('254700000013', 'cancelled'), 1, '254700000013', 'failed');
      // M-Pesa reported the try failed, then its payment turned up: the ledger row points at that try.
      const paidAfterAll = attempt(line('254700000014', 'paid'), 1, '254700000014', 'failed');
      db.prepare(
        `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, phone, attempt_id, source)
         VALUES ('SKU9ZZ0001', '2026-11-30T09:00:00.000Z', 'out', 'b2c_payment', 'completed', 100000, '254700000014', ?, 'status_result')`,
      ).run(paidAfterAll);

      const next = Object.fromEntries(
        failedPayments(db, {}, { limit: 10, offset: 0 }).rows.map((row) => [row.phone, row.next]),
      );
      expect(next['254700000011']).toMatchObject({
        outcome: 'retry_waiting',
        words: 'Retry approved, waiting to be sent',
      });
      expect(next['254700000012']).toMatchObject({
        outcome: 'retry_sending',
        attemptNumber: 2,
        words: 'Try 2 is with M-Pesa',
      });
      expect(next['254700000013']).toMatchObject({ outcome: 'cancelled' });
      expect(next['254700000014']).toMatchObject({
        outcome: 'paid',
        attemptNumber: 1,
        receipt: 'SKU9ZZ0001',
        paidAt: '2026-11-30T09:00:00.000Z',
      });
      expect(next['254700000014']!.words).toBe('Paid after all on this try, receipt SKU9ZZ0001 (30 Nov 2026, 12:00)');
      // Only the line whose final state is failed would count as unpaid: none here.
      expect(failedPayments(db, {}, { limit: 10, offset: 0 }).totals).toMatchObject({ failedTries: 4, unpaidLines: 0 });
    } finally {
      closeDatabase(db);
    }
  });
});
