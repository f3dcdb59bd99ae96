// The failed-payments report as a file for accountants: CSV or XLSX, streamed row by row through
// the ledger's export writers (formula-safe cells, KES amounts, Nairobi date cells), on a read-only
// connection so a long export never holds up the payout engine.
import type { Writable } from 'node:stream';
import type { ProfileDatabase } from '../db';
import { onReadConnection, writeCsv, writeXlsx, type ExportFormat, type ExportTable } from '../ledger/export';
import { iterateFailedPayments, type FailedPaymentsFilter } from './failed-payments';

const kes = (cents: number): number => cents / 100;

/** Per failed try: when, which run and line, who, how much, why, and what became of the line. */
export function failedPaymentsTable(db: ProfileDatabase, filter: FailedPaymentsFilter): ExportTable {
  return {
    header: [
      'Failed at (Nairobi)',
      'Run',
      'Run title',
      'Period',
      'Reference',
      'Name',
      'Phone',
      'Amount (KES)',
      'Try',
      'Result code',
      'Reason',
      'What to do',
      'What happened next',
      'Paid on try',
      'Receipt',
      'Paid at (Nairobi)',
    ],
    amountColumns: new Set([7]),
    dateColumns: new Set([0, 15]),
    rows: (function* () {
      for (const row of iterateFailedPayments(db, filter)) {
        yield [
          row.failedAt,
          row.runId,
          row.runTitle,
          row.runPeriod,
          row.reference,
          row.name,
          row.phone,
          kes(row.amountCents),
          row.attemptNumber,
          row.reason.code,
          row.reason.message,
          row.reason.action,
          row.next.words,
          row.next.outcome === 'paid' ? row.next.attemptNumber : null,
          row.next.receipt,
          row.next.paidAt,
        ];
      }
    })(),
  };
}

export async function exportFailedPayments(
  db: ProfileDatabase,
  output: string | Writable,
  options: { format: ExportFormat; filter: FailedPaymentsFilter },
): Promise<void> {
  return onReadConnection(db, async (reader) => {
    const table = failedPaymentsTable(reader, options.filter);
    switch (options.format) {
      case 'csv':
        return writeCsv(table, output);
      case 'xlsx':
        return writeXlsx(table, output, 'Failed payments');
      default: {
        const unknown: never = options.format;
        throw new Error(`Unknown export format ${String(unknown)}`);
      }
    }
  });
}
