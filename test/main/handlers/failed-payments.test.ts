// The failed-payments report through the contract, on a demo profile whose simulator refuses some
// payees' first payment: the refused tries are listed with their reason, a retry that pays them
// shows as "paid on try 2" with the receipt, and the export carries the same rows.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeResultCode } from '../../../src/shared/daraja/codes';
import { payrollCsv, testApi, type TestApi } from './helpers';

let t: TestApi;

beforeAll(async () => {
  t = await testApi({
    core: {
      // Roughly half the payees' first payment fails for good (2040 or 4); a new try pays them.
      simulator: { seed: 3, faults: { failPayee: 0.5, callbackDelayMs: { min: 0, max: 10 } } },
      engine: { resultTimeoutMs: 300, statusQueryRate: 50 },
    },
  });
  await t.call('profiles.create', { kind: 'demo' });
});
afterAll(async () => {
  await t?.stop();
});

describe('reports.failedPayments', () => {
  it('lists the refused tries, then shows them paid on the retry, and exports the same rows', async () => {
    const file = payrollCsv(12);
    const run = await t.call('runs.createFromFile', {
      title: 'Refused November',
      fileName: 'refused.csv',
      contentBase64: file.contentBase64,
    });
    await t.call('runs.approve', { runId: run.id });
    const ended = t.next('run.ended', (e) => e.runId === run.id);
    await t.call('runs.start', { runId: run.id });
    const first = await ended;
    expect(first.failedCount).toBeGreaterThan(0);

    const report = await t.call('reports.failedPayments', { filter: { runId: run.id } });
    expect(report.total).toBe(first.failedCount);
    const results = await t.call('runs.results', { runId: run.id, show: 'failed' });
    expect(report.rows.map((row) => row.itemId).sort()).toEqual(results.items.map((item) => item.itemId).sort());
    for (const row of report.rows) {
      expect(row).toMatchObject({ runTitle: 'Refused November', attemptNumber: 1, reference: 'November pay' });
      expect(row.reason.message).toBe(describeResultCode(row.reason.code ?? '').explanation);
      expect(['2040', '4']).toContain(row.reason.code);
      expect(row.next).toMatchObject({ outcome: 'unpaid', words: 'Still unpaid: not tried again yet' });
    }
    const refusedCents = report.rows.reduce((sum, row) => sum + row.amountCents, 0);
    expect(report.totals).toEqual({
      failedTries: first.failedCount,
      failedCents: refusedCents,
      unpaidLines: first.failedCount,
      unpaidCents: refusedCents,
    });

    const retried = t.next('run.ended', (e) => e.runId === run.id);
    // The officer asks; an approver other than the one who asked approves.
    await t.call('runs.requestRetry', { runId: run.id });
    await t.call('runs.approveRetry', { runId: run.id });
    expect(await retried).toMatchObject({ failedCount: 0 });
    const after = await t.call('reports.failedPayments', { filter: { runId: run.id } });
    const paid = await t.call('runs.results', { runId: run.id, show: 'paid' });
    const receipts = new Map(paid.items.map((item) => [item.itemId, item.receipt]));
    expect(after.total).toBe(first.failedCount);
    for (const row of after.rows) {
      expect(row.next).toMatchObject({ outcome: 'paid', attemptNumber: 2, receipt: receipts.get(row.itemId) });
      expect(row.next.receipt).toMatch(/^[A-Z0-9]{10}$/);
    }
    expect(after.totals).toMatchObject({ unpaidLines: 0, unpaidCents: 0 });

    const exported = await t.call('reports.failedPaymentsExport', { filter: { runId: run.id }, format: 'csv' });
    expect(exported.rows).toBe(first.failedCount);
    const records = parse(
      Buffer.from(exported.contentBase64 ?? '', 'base64')
        .toString('utf8')
        .slice(1),
      {
        columns: true,
      },
    ) as Record<string, string>[];
    expect(records.map((record) => record.Receipt).sort()).toEqual(after.rows.map((row) => row.next.receipt).sort());
  }, 60_000);

  it('refuses an end day before the start day', async () => {
    await expect(
      t.call('reports.failedPayments', { filter: { from: '2026-12-02', to: '2026-12-01' } }),
    ).rejects.toThrow('The start date must be on or before the end date');
  });
});
