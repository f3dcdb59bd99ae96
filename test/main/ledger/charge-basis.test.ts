// Charges on every payment, estimated then confirmed: a run paid against the simulator (which here
// charges KES 1.50 more than the bundled tariff, as the withdrawal-charge option or a newer tariff
// would) carries the tariff's estimate on every ledger row; once the Charges Paid statement is
// imported, every payment carries what M-Pesa took. The ledger, its detail, its totals, the
// dashboard, the run and the exports agree and say which is which. The same rows carry the run
// title, pay period and payroll reference, and a search finds them by either, without case or accents.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardSummary } from '../../../src/main/dashboard/summary';
import { exportLedger, exportRunResults } from '../../../src/main/ledger/export';
import { listTransactions, type LedgerFilter } from '../../../src/main/ledger/query';
import { ledgerDetail, ledgerRows } from '../../../src/main/ledger/rows';
import { estimateCharge } from '../../../src/main/payroll/charges';
import { runSummary } from '../../../src/main/payroll/run-summary';
import { importStatement } from '../../../src/main/statements/import';
import { tempFolder } from '../db/temp-folder';
import { approvedRun, harness, worker, type Harness } from '../payroll/engine/harness';

const temp = tempFolder('mshahara-charge-basis-');
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const extraCents = 150;
const workers = [worker(1, 2_500_00), worker(2, 12_000_00), worker(3, 48_000_00), worker(4, 900_00)];
const registered = ['WAMBŨI NJERI', 'OTIENO OCHIENG', 'AKINYI ODHIAMBO', 'KAMAU MWANGI'];

async function paidRun(): Promise<{ h: Harness; runId: number }> {
  const setup = await harness({
    customers: workers.map((w, i) => ({ msisdn: w.phone, name: registered[i] ?? 'NAME' })),
    faults: { chargeExtraCents: extraCents },
  });
  const runId = approvedRun(setup.db, workers, 'Mshahara wa Novemba');
  setup.db.prepare("UPDATE payroll_runs SET period = '2026-11' WHERE id = ?").run(runId);
  setup.db.prepare("UPDATE payroll_items SET remarks = 'NOV-' || line_number WHERE run_id = ?").run(runId);
  await setup.engine.start();
  await setup.engine.startRun(runId, 'officer');
  expect((await setup.engine.waitUntilFinal(runId)).counts.paid).toBe(workers.length);
  return { h: setup, runId };
}

const rowsOf = (db: Harness['db'], filter: LedgerFilter = {}) =>
  ledgerRows(db, listTransactions(db, filter, { by: 'amount', order: 'asc' }, { limit: 100 }).rows);

async function csvRecords(path: string): Promise<Record<string, string>[]> {
  return parse(readFileSync(path, 'utf8').slice(1), { columns: true }) as Record<string, string>[];
}

describe('charges on every payment', () => {
  it('are the tariff estimate until the statement confirms what M-Pesa took, and every view says which', async () => {
    const paid = await paidRun();
    h = paid.h;
    const { db, sim } = h;
    const estimates = workers.map((w) => estimateCharge(w.amountCents)).sort((a, b) => a - b);
    const estimateTotal = estimates.reduce((a, b) => a + b, 0);

    // Paid: every row carries the estimate and says so.
    const before = rowsOf(db);
    expect(before.map((r) => r.chargeBasis)).toEqual(['estimated', 'estimated', 'estimated', 'estimated']);
    expect(before.map((r) => r.chargeCents)).toEqual(
      [...workers].sort((a, b) => a.amountCents - b.amountCents).map((w) => estimateCharge(w.amountCents)),
    );
    expect(listTransactions(db).totals).toMatchObject({
      chargesCents: estimateTotal,
      estimatedChargesCents: estimateTotal,
    });
    expect(runSummary(db, paid.runId).charges).toEqual({
      estimatedCents: estimateTotal,
      recordedCents: estimateTotal,
      confirmedCents: 0,
      stillEstimatedCents: estimateTotal,
    });
    expect(dashboardSummary(db).month).toMatchObject({
      paidCount: 4,
      chargesCents: estimateTotal,
      estimatedChargesCents: estimateTotal,
    });
    const estimatedCsv = temp.path('estimated.csv');
    await exportLedger(db, estimatedCsv, { format: 'csv' });
    expect((await csvRecords(estimatedCsv)).map((r) => r['Charge basis'])).toEqual(before.map(() => 'estimated'));

    // The Charges Paid statement: one charge row per payment, each KES 1.50 above the tariff.
    const answer = await request(`${sim.baseUrl}/simulator/statement?account=charges&format=csv`);
    const name = /filename="([^"]+)"/.exec(String(answer.headers['content-disposition']))?.[1] ?? '';
    const imported = await importStatement(db, {
      fileName: name,
      bytes: Buffer.from(await answer.body.arrayBuffer()),
      actor: 'accountant',
      now: new Date().toISOString(),
    });
    expect(imported.buckets.charge.count).toBe(4);
    const taken = new Map(sim.payments().map((p) => [p.receipt, p.chargeCents]));
    const takenTotal = [...taken.values()].reduce((a, b) => a + b, 0);
    expect(takenTotal).toBe(estimateTotal + 4 * extraCents);

    const after = rowsOf(db);
    expect(after.map((r) => r.chargeBasis)).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed']);
    expect(after.map((r) => r.chargeCents)).toEqual(after.map((r) => taken.get(r.receipt ?? '')));
    expect(listTransactions(db).totals).toMatchObject({ chargesCents: takenTotal, estimatedChargesCents: 0 });
    expect(runSummary(db, paid.runId).charges).toEqual({
      estimatedCents: estimateTotal,
      recordedCents: takenTotal,
      confirmedCents: takenTotal,
      stillEstimatedCents: 0,
    });
    expect(dashboardSummary(db).month).toMatchObject({ chargesCents: takenTotal, estimatedChargesCents: 0 });
    const first = after[0];
    if (first === undefined) throw new Error('a row');
    expect(ledgerDetail(db, first.id).transaction).toMatchObject({
      chargeBasis: 'confirmed',
      chargeCents: taken.get(first.receipt ?? ''),
    });

    // The exports say the same: the ledger (CSV and XLSX, whose totals row carries the charges) and the run.
    const csv = temp.path('confirmed.csv');
    await exportLedger(db, csv, { format: 'csv', sort: { by: 'amount', order: 'asc' } });
    const records = await csvRecords(csv);
    expect(records.map((r) => [r.Receipt, r['Charge (KES)'], r['Charge basis']])).toEqual(
      after.map((r) => [r.receipt, ((taken.get(r.receipt ?? '') ?? 0) / 100).toFixed(2), 'confirmed']),
    );
    const xlsx = temp.path('confirmed.xlsx');
    await exportLedger(db, xlsx, { format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    const sheet = workbook.getWorksheet('Ledger');
    expect(sheet?.getRow(6).getCell(1).value).toBe('Paid out (4 rows in all)');
    expect(sheet?.getRow(6).getCell(7).value).toBe(takenTotal / 100);
    const runCsv = temp.path('run.csv');
    await exportRunResults(db, paid.runId, runCsv, 'csv');
    const byReceipt = (a: unknown[], b: unknown[]): number => String(a[0]).localeCompare(String(b[0]));
    expect((await csvRecords(runCsv)).map((r) => [r.Receipt, r['Charge (KES)'], r.Charge]).sort(byReceipt)).toEqual(
      sim
        .payments()
        .map((p) => [p.receipt, (p.chargeCents / 100).toFixed(2), 'confirmed'])
        .sort(byReceipt),
    );
  });
});

describe('the payroll behind each payment', () => {
  it('is on every ledger row, in the filters, the search and the exports', async () => {
    const paid = await paidRun();
    h = paid.h;
    const { db } = h;
    const rows = rowsOf(db);
    expect(rows.map((r) => [r.runId, r.runTitle, r.runPeriod])).toEqual(
      rows.map(() => [paid.runId, 'Mshahara wa Novemba', '2026-11']),
    );
    expect(rows.map((r) => r.reference).sort()).toEqual(['NOV-1', 'NOV-2', 'NOV-3', 'NOV-4']);

    // Filter by run; search by run title and by reference, without case or accents.
    expect(rowsOf(db, { runId: paid.runId })).toHaveLength(4);
    expect(rowsOf(db, { runId: paid.runId + 1 })).toHaveLength(0);
    expect(listTransactions(db, { runId: paid.runId }).totals.count).toBe(4);
    expect(rowsOf(db, { search: 'NOVEMBA' })).toHaveLength(4);
    expect(rowsOf(db, { search: 'nov-3' }).map((r) => r.phone)).toEqual([workers[2]?.phone]);
    expect(rowsOf(db, { search: 'nov-3', runId: paid.runId })).toHaveLength(1);
    // The registered name M-Pesa gave is 'WAMBŨI NJERI': found as typed, with or without the accent.
    expect(rowsOf(db, { search: 'Wambũi' }).map((r) => r.partyName)).toEqual(['WAMBŨI NJERI']);
    expect(rowsOf(db, { search: 'wambui' }).map((r) => r.partyName)).toEqual(['WAMBŨI NJERI']);
    expect(listTransactions(db, { search: 'wambui' }).totals.count).toBe(1);

    const csv = temp.path('payroll.csv');
    await exportLedger(db, csv, { format: 'csv', filter: { search: 'nov-2' } });
    expect((await csvRecords(csv)).map((r) => [r.Run, r['Pay period'], r['Payroll reference'], r.Phone])).toEqual([
      ['Mshahara wa Novemba', '2026-11', 'NOV-2', workers[1]?.phone],
    ]);
  });
});
