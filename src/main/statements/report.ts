// The reconciliation report an accountant files: the summary (balances, ledger figure, difference,
// who reconciled and when), the buckets with totals, every statement row with its ledger row,
// charge and differences, and the ledger rows missing from the statement. CSV or XLSX, written
// through the ledger's exporters, so every text cell is neutralised against formulas.
import type { Writable } from 'node:stream';
import { nairobiTime, writeCsv, writeXlsx, type ExportFormat, type ExportTable } from '../ledger/export';
import { buckets } from './match';
import type { Reconciliation } from './reconcile';

const kes = (cents: number | null): number | null => (cents === null ? null : cents / 100);

export const bucketTitles = {
  matched: 'Matched',
  difference: 'Matched with a difference',
  charge: 'Charge',
  reversal: 'Reversal',
  statement_only: 'Only in the statement',
} as const;

export function reconciliationTable(view: Reconciliation): ExportTable {
  const header = [
    'Section',
    'Item',
    'Amount (KES)',
    'Receipt',
    'Date (Nairobi)',
    'Details',
    'Other party',
    'Paid in (KES)',
    'Withdrawn (KES)',
    'Bucket',
    'Ledger receipt',
    'Ledger amount (KES)',
    'Confirmed charge (KES)',
    'Differences',
    'Finding',
    'Decision',
    'Note',
    'Ticked',
    'Locked',
  ];
  const blank = (): (string | number | null)[] => header.map(() => null);
  const summary = (item: string, amount: number | null, text: string | null = null): (string | number | null)[] => {
    const row = blank();
    row[0] = 'Summary';
    row[1] = item;
    row[2] = amount;
    row[5] = text;
    return row;
  };
  return {
    header,
    amountColumns: new Set([2, 7, 8, 11, 12]),
    rows: (function* () {
      yield summary('Account', null, view.account);
      yield summary('Period', null, `${view.period} (${nairobiTime(view.from)} to ${nairobiTime(view.to)})`);
      yield summary('Opening balance (statement)', kes(view.openingBalanceCents));
      yield summary('Closing balance (statement)', kes(view.closingBalanceCents));
      yield summary('Statement movement', kes(view.statementNetCents));
      yield summary('Ledger movement', kes(view.ledgerNetCents));
      yield summary('Cleared (ticked rows)', kes(view.clearedCents));
      yield summary('Difference', kes(view.differenceCents));
      yield summary('State', null, view.state);
      yield summary(
        'Reconciled by',
        null,
        view.finishedBy === null ? null : `${view.finishedBy} at ${nairobiTime(view.finishedAt as string)}`,
      );
      for (const bucket of buckets) {
        const totals = view.buckets[bucket];
        const row = blank();
        row[0] = 'Bucket';
        row[1] = `${bucketTitles[bucket]} (${totals.count})`;
        row[7] = kes(totals.paidInCents);
        row[8] = kes(totals.withdrawnCents);
        yield row;
      }
      for (const r of view.rows) {
        yield [
          'Statement row',
          bucketTitles[r.bucket],
          kes(r.paidInCents - r.withdrawnCents),
          r.receipt,
          nairobiTime(r.completedAt),
          r.details,
          r.otherParty,
          kes(r.paidInCents),
          kes(r.withdrawnCents),
          r.bucket,
          r.ledger?.receipt ?? null,
          kes(r.ledger?.amountCents ?? null),
          kes(r.confirmedChargeCents),
          r.differences.map((d) => `${d.field}: statement ${d.statement}, ledger ${d.ledger}`).join('; ') || null,
          r.serious,
          r.settlement,
          r.note,
          r.ticked ? 'yes' : 'no',
          r.locked ? 'yes' : 'no',
        ];
      }
      for (const t of view.onlyInLedger) {
        const row = blank();
        row[0] = 'Only in the ledger';
        row[1] = t.kind;
        row[2] = kes(t.direction === 'in' ? t.amountCents : -t.amountCents);
        row[3] = t.receipt;
        row[4] = nairobiTime(t.occurredAt);
        row[6] = [t.phone, t.partyName].filter((p) => p !== null).join(' ') || null;
        yield row;
      }
    })(),
  };
}

export async function exportReconciliation(
  view: Reconciliation,
  output: string | Writable,
  format: ExportFormat,
): Promise<void> {
  const table = reconciliationTable(view);
  return format === 'csv' ? writeCsv(table, output) : writeXlsx(table, output, 'Reconciliation');
}
