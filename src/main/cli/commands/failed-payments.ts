// `ledger failed`: the failed-payments report on the command line — every try M-Pesa refused, why,
// and what became of the line — printed, as JSON, or written to a CSV or XLSX file.
import {
  failedPaymentsTotals,
  iterateFailedPayments,
  type FailedPayment,
  type FailedPaymentsFilter,
} from '../../payroll/failed-payments';
import { exportFailedPayments } from '../../payroll/failed-payments-export';
import { formatCount, formatDateTime, formatDay, parseDayInput } from '../../../shared/format';
import { formatKesWithCurrency } from '../../../shared/money';
import { formatMsisdn } from '../../../shared/phone';
import { openProfileForCommand } from '../open-profile';
import type { SecretStore } from '../../secrets/secret-store';
import { line, table, type CliIo } from '../output';
import { exitCodes, UsageError } from '../usage';

export const failedHelp = `Usage: npm run cli -- ledger failed [--from dd/mm/yyyy] [--to dd/mm/yyyy] [--run <id>] [--search <text>] [--export <file.csv|file.xlsx>] [--json] [--profile <name>]

Every payment M-Pesa refused, each try on its own line, newest first: when (Nairobi), the run,
the payroll reference, who, how much, which try, why in plain words, and what happened next
(paid on a later try with its receipt, retried, still unpaid, cancelled); then the totals.
  --from <day>        from this Nairobi day (dd/mm/yyyy, or yyyy-mm-dd)
  --to <day>          up to and including this Nairobi day
  --run <id>          one payroll run only
  --search <text>     part of a name, a phone number, a run title or a payroll reference
  --export <file>     write the report to a file instead (.csv or .xlsx by the name)
  --json              the rows and totals as JSON
`;

export interface FailedOptions {
  profile: string;
  from: string | undefined;
  to: string | undefined;
  run: number | undefined;
  search: string | undefined;
  export: string | undefined;
  json: boolean;
}

/** A day as a person types it (03/11/2026) or as the contract writes it (2026-11-03). */
export function dayOption(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const read = parseDayInput(iso ? `${iso[3]}/${iso[2]}/${iso[1]}` : value);
  if (!read.ok) throw new UsageError(`${flag}: ${read.reason}`, failedHelp);
  return read.day;
}

function rowCells(row: FailedPayment): string[] {
  return [
    row.failedAt === null ? '—' : formatDateTime(row.failedAt),
    `#${row.runId} ${row.runTitle}`,
    row.reference ?? '',
    row.name,
    formatMsisdn(row.phone),
    formatKesWithCurrency(row.amountCents),
    String(row.attemptNumber),
    row.reason.code === null ? row.reason.message : `${row.reason.message} (${row.reason.code})`,
    row.next.words,
  ];
}

function describeFilter(filter: FailedPaymentsFilter): string {
  const parts = [
    filter.from === undefined ? null : `from ${formatDay(filter.from)}`,
    filter.to === undefined ? null : `to ${formatDay(filter.to)}`,
    filter.runId === undefined ? null : `run #${filter.runId}`,
    filter.search === undefined ? null : `matching "${filter.search}"`,
  ].filter((part) => part !== null);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

export async function failedCommand(
  options: FailedOptions,
  io: CliIo,
  deps: { secrets: () => SecretStore },
): Promise<number> {
  const filter: FailedPaymentsFilter = {
    from: options.from,
    to: options.to,
    runId: options.run,
    search: options.search,
  };
  if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from)
    throw new UsageError('--to is before --from', failedHelp);
  const opened = await openProfileForCommand(options.profile, { io, secrets: deps.secrets });
  try {
    const totals = failedPaymentsTotals(opened.db, filter);
    if (options.export !== undefined) {
      const format = options.export.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
      await exportFailedPayments(opened.db, options.export, { format, filter });
      line(io.err, `Failed payments written to ${options.export} (${formatCount(totals.failedTries, 'row')}).`);
      return exitCodes.ok;
    }
    const rows = [...iterateFailedPayments(opened.db, filter)];
    if (options.json) {
      line(io.out, JSON.stringify({ totals, rows }, null, 2));
      return exitCodes.ok;
    }
    if (rows.length === 0) {
      line(io.out, `No failed payments${describeFilter(filter)}.`);
      return exitCodes.ok;
    }
    line(io.out, `Failed payments${describeFilter(filter)}:`);
    line(
      io.out,
      table([
        ['Failed at (Nairobi)', 'Run', 'Reference', 'Name', 'Phone', 'Amount', 'Try', 'Why', 'What happened next'],
        ...rows.map(rowCells),
      ]),
    );
    line(io.out);
    line(
      io.out,
      `${formatCount(totals.failedTries, 'failed try', 'failed tries')}, ${formatKesWithCurrency(totals.failedCents)}. ` +
        `Still unpaid: ${formatCount(totals.unpaidLines, 'payment')}, ${formatKesWithCurrency(totals.unpaidCents)}.`,
    );
    return exitCodes.ok;
  } finally {
    opened.close();
  }
}
