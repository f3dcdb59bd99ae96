// `ledger export`: the ledger as CSV or XLSX, to a file or to stdout (CSV only: XLSX is binary),
// with the usual filters. Every cell is neutralised for spreadsheets by the export itself.
// `ledger failed`: the failed-payments report (failed-payments.ts).
import { exportLedger, type ExportFormat } from '../../ledger/export';
import type { LedgerFilter } from '../../ledger/query';
import { nairobiDayStart } from '../../../shared/time';
import { line, type CliIo } from '../output';
import { defaultProfileName, integerOption, parseCommand, UsageError } from '../usage';
import { dayOption, failedCommand, failedHelp } from './failed-payments';
import { openProfileForCommand } from '../open-profile';
import type { SecretStore } from '../../secrets/secret-store';

export const ledgerHelp = `Usage: npm run cli -- ledger export --format csv|xlsx [--out <file>] [--profile <name>]
       npm run cli -- ledger failed [--from dd/mm/yyyy] [--to dd/mm/yyyy] [--run <id>] [--export <file>] [--json]

Exports every current ledger row (payments out, collections in, reversals), newest first.
  --format csv|xlsx   the file format (xlsx needs --out)
  --out <file>        where to write (default: CSV to standard output)
  --from <date>       only rows on or after this time (a Nairobi day, e.g. 2026-11-01, or an ISO time)
  --to <date>         only rows before this time (a day: before that day starts in Nairobi)
  --search <text>     a receipt, a phone number or part of a name

ledger failed lists the payments M-Pesa refused (see ledger failed --help).
`;

export async function ledgerCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      from: { type: 'string' },
      to: { type: 'string' },
      search: { type: 'string' },
      run: { type: 'string' },
      export: { type: 'string' },
      json: { type: 'boolean' },
    },
    ledgerHelp,
  );
  const [subcommand, ...extra] = positionals;
  if (subcommand === 'failed') {
    if (values.help === true) {
      io.out.write(failedHelp);
      return 0;
    }
    if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, failedHelp);
    if (values.format !== undefined || values.out !== undefined)
      throw new UsageError('ledger failed takes --export <file> instead of --format and --out', failedHelp);
    return failedCommand(
      {
        profile: values.profile ?? defaultProfileName,
        from: dayOption(values.from, '--from'),
        to: dayOption(values.to, '--to'),
        run: integerOption(values.run, '--run', failedHelp, 1),
        search: values.search,
        export: values.export,
        json: values.json === true,
      },
      io,
      deps,
    );
  }
  if (values.help === true) {
    io.out.write(ledgerHelp);
    return 0;
  }
  if (subcommand !== 'export')
    throw new UsageError(
      subcommand === undefined
        ? 'ledger needs a subcommand: export or failed'
        : `Unknown ledger subcommand "${subcommand}"`,
      ledgerHelp,
    );
  if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, ledgerHelp);
  if (values.run !== undefined || values.export !== undefined || values.json === true)
    throw new UsageError('--run, --export and --json are for ledger failed', ledgerHelp);
  const format = values.format;
  if (format !== 'csv' && format !== 'xlsx')
    throw new UsageError('ledger export needs --format csv or --format xlsx', ledgerHelp);
  if (format === 'xlsx' && values.out === undefined)
    throw new UsageError('An XLSX export needs --out <file>', ledgerHelp);
  const filter: LedgerFilter = {
    ...(values.from === undefined ? {} : { from: isoTime(values.from, '--from') }),
    ...(values.to === undefined ? {} : { to: isoTime(values.to, '--to') }),
    ...(values.search === undefined ? {} : { search: values.search }),
  };

  const opened = await openProfileForCommand(values.profile ?? defaultProfileName, { io, secrets: deps.secrets });
  try {
    await exportLedger(opened.db, values.out ?? io.out, { format: format satisfies ExportFormat, filter });
    if (values.out !== undefined) line(io.err, `Ledger written to ${values.out}.`);
    return 0;
  } finally {
    opened.close();
  }
}

/** A bare day ("2026-11-01") is that day in Nairobi, as on every screen; a full ISO time is taken as written. */
export function isoTime(value: string, flag: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    return nairobiDayStart(value);
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new UsageError(`${flag} takes a date like 2026-11-01, got "${value}"`, ledgerHelp);
  return time.toISOString();
}
