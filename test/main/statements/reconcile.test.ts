// Reconciling December's Utility statement: the difference goes to zero as rows are ticked and
// decided, finishing needs zero, and a finished reconciliation's rows refuse any change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardSummary } from '../../../src/main/dashboard/summary';
import type { Resolution } from '../../../src/main/payroll/engine/attention';
import { addToLedger, confirmProposal, markElsewhere } from '../../../src/main/statements/decide';
import { importStatement } from '../../../src/main/statements/import';
import { periodRange } from '../../../src/main/statements/period';
import {
  finishReconciliation,
  reconciliationHistory,
  showReconciliation,
  tickMatched,
  tickRows,
} from '../../../src/main/statements/reconcile';
import { tempFolder } from '../db/temp-folder';
import { closeDatabase, seededLedger } from './ledger-seed';

const temp = tempFolder('mshahara-reconcile-');
const file = 'ORG_600000_Utility Account_Completed_20261201235959.csv';
const bytes = readFileSync(join(import.meta.dirname, '../../fixtures/statements', file));
const now = '2026-12-02T06:00:00.000Z';
const account = 'Utility Account';

describe('reconcile', () => {
  it('periods are Nairobi months or day ranges', () => {
    expect(periodRange('2026-12')).toEqual({
      period: '2026-12',
      from: '2026-11-30T21:00:00.000Z',
      to: '2026-12-31T21:00:00.000Z',
    });
    expect(periodRange('2026-12-01..2026-12-15')).toMatchObject({
      from: '2026-11-30T21:00:00.000Z',
      to: '2026-12-15T21:00:00.000Z',
    });
    expect(() => periodRange('December')).toThrow(/month like 2026-12/);
  });

  it('ticks to a difference of zero, finishes, and the locked rows refuse a change', async () => {
    const db = seededLedger(temp.path('ledger.sqlite'));
    await importStatement(db, { fileName: file, bytes, actor: 'Wanjiku', now });
    const byReceipt = (receipt: string) =>
      showReconciliation(db, account, '2026-12').rows.find((r) => r.receipt === receipt)!;

    let view = showReconciliation(db, account, '2026-12');
    expect(view).toMatchObject({
      state: 'not_started',
      openingBalanceCents: 100_000_00,
      closingBalanceCents: 105_500_00,
      statementNetCents: 5_500_00,
      clearedCents: 0,
      differenceCents: 5_500_00,
    });
    // The ledger's own figure for December: three payments out (1,500 + 2,500 + 500).
    expect(view.ledgerNetCents).toBe(-4_500_00);
    expect(view.onlyInLedger.map((r) => r.receipt)).toEqual(['SLA1000009']);

    expect(tickMatched(db, { account, period: '2026-12', actor: 'Wanjiku', now })).toBe(1);
    view = showReconciliation(db, account, '2026-12');
    expect(view.differenceCents).toBe(5_500_00 + 1_500_00);
    expect(() => finishReconciliation(db, { account, period: '2026-12', actor: 'Wanjiku', now })).toThrow(
      /difference is KES 7,000.00, not zero: 3 rows are not ticked/,
    );

    // Mary's payment in came straight to the paybill: the accountant adds it to the ledger.
    addToLedger(db, { rowId: byReceipt('SLA1000003').statementRowId, kind: 'c2b_payment', actor: 'Wanjiku', now });
    expect(byReceipt('SLA1000003')).toMatchObject({
      bucket: 'matched',
      settlement: 'added_to_ledger',
      ledger: { amountCents: 10_000_00, direction: 'in' },
    });
    // Peter's payment Mshahara recorded as failed cannot be "settled" by a proposal: it is a finding.
    const peter = byReceipt('SLA1000004');
    expect(peter.serious).toBe('paid_but_recorded_failed');
    const never = async (): Promise<never> => {
      throw new Error('must not be called');
    };
    await expect(
      confirmProposal(db, never, {
        rowId: peter.statementRowId,
        attemptId: peter.proposals[0]!.attemptId,
        actor: 'Wanjiku',
        now,
      }),
    ).rejects.toThrow(/finding for a person/);
    // The dashboard raises it until a person settles the row.
    expect(dashboardSummary(db).needsAttention).toMatchObject({ paidButRecordedFailed: 1 });
    expect(dashboardSummary(db).needsAttention.total).toBeGreaterThanOrEqual(1);
    markElsewhere(db, {
      rowId: peter.statementRowId,
      note: 'Paid twice to Peter; refund requested',
      actor: 'Wanjiku',
      now,
    });
    expect(dashboardSummary(db).needsAttention.paidButRecordedFailed).toBe(0);
    tickMatched(db, { account, period: '2026-12', actor: 'Wanjiku', now });
    tickRows(db, {
      rowIds: [byReceipt('SLA1000002').statementRowId, peter.statementRowId],
      ticked: true,
      actor: 'Wanjiku',
      now,
    });
    view = showReconciliation(db, account, '2026-12');
    expect([view.clearedCents, view.differenceCents]).toEqual([5_500_00, 0]);

    const finished = finishReconciliation(db, { account, period: '2026-12', actor: 'Wanjiku', now });
    expect(finished).toMatchObject({ state: 'finished', finishedBy: 'Wanjiku', differenceCents: 0 });
    expect(finished.rows.every((r) => r.locked)).toBe(true);
    expect(() => tickRows(db, { rowIds: [peter.statementRowId], ticked: false, actor: 'Wanjiku', now })).toThrow(
      /reconciled and locked/,
    );
    expect(() =>
      markElsewhere(db, { rowId: peter.statementRowId, note: 'changed my mind', actor: 'Wanjiku', now }),
    ).toThrow(/reconciled and locked/);
    expect(() =>
      db.prepare('UPDATE statement_matches SET ticked = 0 WHERE statement_row_id = ?').run(peter.statementRowId),
    ).toThrow(/reconciled and locked/);
    expect(() => finishReconciliation(db, { account, period: '2026-12', actor: 'Wanjiku', now })).toThrow(
      /was reconciled by Wanjiku/,
    );
    // Importing the statement again changes nothing that is locked.
    await importStatement(db, { fileName: file, bytes, actor: 'Wanjiku', now });
    expect(showReconciliation(db, account, '2026-12').rows.map((r) => [r.receipt, r.ticked, r.locked])).toEqual(
      finished.rows.map((r) => [r.receipt, true, true]),
    );
    expect(reconciliationHistory(db)).toMatchObject([
      {
        account,
        period: '2026-12',
        state: 'finished',
        lockedRows: 4,
        closingBalanceCents: 105_500_00,
        finishedBy: 'Wanjiku',
      },
    ]);
    closeDatabase(db);
  });

  it("a proposal for a payment waiting on a person goes through the engine's resolve path", async () => {
    // Peter's attempt this time has no answer at all and waits on the needs-attention list.
    const db = seededLedger(temp.path('ledger.sqlite'), 'unknown');
    await importStatement(db, { fileName: file, bytes, actor: 'Wanjiku', now });
    const peter = showReconciliation(db, account, '2026-12').rows.find((r) => r.receipt === 'SLA1000004')!;
    expect(peter.serious).toBeNull();
    expect(peter.proposals).toMatchObject([{ state: 'unknown', needsAttention: true }]);
    const calls: Array<{ itemId: number; resolution: Resolution; actor: string }> = [];
    const outcome = await confirmProposal(
      db,
      async (itemId, resolution, actor) => {
        calls.push({ itemId, resolution, actor });
        return { itemId, outcome: 'paid', checked: 'confirmed', message: 'paid' };
      },
      { rowId: peter.statementRowId, attemptId: peter.proposals[0]!.attemptId, actor: 'Wanjiku', now },
    );
    expect(outcome.outcome).toBe('paid');
    expect(calls).toEqual([
      {
        itemId: peter.proposals[0]!.itemId,
        resolution: { outcome: 'paid', receipt: 'SLA1000004', reason: `On the M-Pesa statement: ${file}, line 8` },
        actor: 'Wanjiku',
      },
    ]);
    closeDatabase(db);
  });
});
