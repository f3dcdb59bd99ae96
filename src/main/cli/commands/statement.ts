// `statement import <file>`: reads an M-Pesa portal statement (CSV or XLSX), stores each receipt
// once and prints the buckets with counts and totals, the unreadable rows and the balance breaks.
// `statement float <account> <period>`: the account's float statement, or its export.
import { basename } from 'node:path';
import { xeroLinesPerFile } from '../../../shared/contract/reconcile';
import { formatKesWithCurrency } from '../../../shared/money';
import { importStatement, normaliseAccount, type StatementImportResult } from '../../statements/import';
import { exportFloatStatement, floatExportFormats, type FloatExportFormat } from '../../statements/float-export';
import { floatStatement, type FloatStatement } from '../../statements/float-statement';
import { buckets, type BucketSummary } from '../../statements/match';
import { bucketTitles } from '../../statements/report';
import { readInputFile } from '../input-file';
import { line, table, type CliIo } from '../output';
import { defaultProfileName, parseCommand, UsageError } from '../usage';
import { actingPerson } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { requireUserOption } from '../sign-in';
import type { SecretStore } from '../../secrets/secret-store';
import { formatCount, formatDateTime, formatNumber } from '../../../shared/format';

export const statementHelp = `Usage: npm run cli -- statement import <file> --user <accountant> [--account <name>] [--json] [--profile <name>]
       npm run cli -- statement float <account> <period> [--format csv|xlsx|xero|quickbooks [--out <file>]] [--json]

import  Imports an M-Pesa organisation-portal statement (CSV or XLSX, one account per file), stores
        each receipt once (importing it again or an overlapping statement adds nothing twice), and
        matches every row against the ledger. Prints the buckets with counts and totals, every row
        that could not be read (with its line) and every break in the statement's balance column.
  --user <name>      who imports it: an accountant, signed in with MSHAHARA_PASSWORD or a
                     password asked without echo
  --account <name>   the account, when neither the file nor its name says (e.g. "Utility Account")
  --json             the whole result as JSON

float   The float statement of an account ("Utility Account", or utility, charges, working) for a
        month (2026-12) or days (2026-12-01..2026-12-15), in Nairobi time, from the imported
        statements: opening balance, every movement with M-Pesa's running balance and the payroll
        run it paid, totals, closing balance, and whether they add up. Exits 1 when no imported
        statement covers the period (it says what to import) or when the balances do not add up.
  --format <format>  write it instead: csv, xlsx, xero (Xero's bank statement import) or
                     quickbooks (QuickBooks Online's bank upload, 3 columns); dates dd/mm/yyyy
  --out <file>       where to write (default: standard output; xlsx needs --out)
  --json             the whole float statement as JSON
`;

export async function statementCommand(
  args: string[],
  io: CliIo,
  deps: { secrets: () => SecretStore },
): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      account: { type: 'string' },
      json: { type: 'boolean' },
      format: { type: 'string' },
      out: { type: 'string' },
      user: { type: 'string' },
    },
    statementHelp,
  );
  if (values.help === true) {
    io.out.write(statementHelp);
    return 0;
  }
  const [subcommand, file, ...extra] = positionals;
  if (subcommand === 'float') {
    if (values.user !== undefined)
      throw new UsageError('statement float only reads: it takes no --user', statementHelp);
    return floatCommand(positionals.slice(1), { ...values, profile: values.profile ?? defaultProfileName }, io, deps);
  }
  if (subcommand !== 'import')
    throw new UsageError(
      subcommand === undefined
        ? 'statement needs a subcommand: import or float'
        : `Unknown statement subcommand "${subcommand}"`,
      statementHelp,
    );
  if (values.format !== undefined || values.out !== undefined)
    throw new UsageError('--format and --out belong to statement float', statementHelp);
  if (file === undefined) throw new UsageError('statement import needs a file', statementHelp);
  if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, statementHelp);
  const user = requireUserOption(values.user, 'statement import', statementHelp);
  const bytes = readInputFile(file);
  // Importing writes (rows, buckets, confirmed charges): one program at a time holds the profile.
  const opened = await openProfileForCommand(values.profile ?? defaultProfileName, {
    io,
    secrets: deps.secrets,
    exclusive: true,
  });
  try {
    const caller = await actingPerson(opened.db, opened.profile.name, deps.secrets, io, user, 'statement import');
    const result = await importStatement(opened.db, {
      fileName: basename(file),
      bytes,
      actor: caller.username,
      now: new Date().toISOString(),
      ...(values.account === undefined ? {} : { account: values.account }),
    });
    if (values.json === true) line(io.out, JSON.stringify(result, null, 2));
    else printImport(result, io);
    return 0;
  } finally {
    opened.close();
  }
}

function printImport(r: StatementImportResult, io: CliIo): void {
  line(
    io.out,
    `${r.account}: ${formatCount(r.rowsRead, 'row')} read, ${formatNumber(r.rowsNew)} new, ${formatNumber(r.rowsRepeated)} already imported.`,
  );
  line(io.out, bucketTable(r.buckets));
  if (r.buckets.serious > 0)
    line(
      io.out,
      `${formatCount(r.buckets.serious, 'payment')} on the statement ${r.buckets.serious === 1 ? 'was' : 'were'} recorded by Mshahara as failed: money left that the ledger says never did. Look at these first.`,
    );
  for (const p of r.problems) line(io.out, `Line ${p.line} not imported: ${p.reason}`);
  for (const g of r.gaps)
    line(
      io.out,
      `Balance break between ${g.after} and ${g.before}: ${formatKesWithCurrency(g.missingCents)} unaccounted for (a row missing from the export?)`,
    );
}

/** The buckets of a statement or a reconciliation: rows, paid in and withdrawn in each. */
export function bucketTable(summary: BucketSummary): string {
  return table([
    ['bucket', 'rows', 'paid in', 'withdrawn'],
    ...buckets.map((b) => [
      bucketTitles[b],
      formatNumber(summary[b].count),
      formatKesWithCurrency(summary[b].paidInCents),
      formatKesWithCurrency(summary[b].withdrawnCents),
    ]),
  ]);
}

async function floatCommand(
  args: string[],
  values: { profile: string; json?: boolean; format?: string; out?: string; account?: string },
  io: CliIo,
  deps: { secrets: () => SecretStore },
): Promise<number> {
  const [account, period, ...extra] = args;
  if (account === undefined || period === undefined)
    throw new UsageError('statement float needs an account and a period, e.g. utility 2026-12', statementHelp);
  if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, statementHelp);
  if (values.account !== undefined)
    throw new UsageError('statement float takes the account as its first word, not --account', statementHelp);
  const format = values.format;
  if (format !== undefined && !floatExportFormats.includes(format as FloatExportFormat))
    throw new UsageError(`--format is one of ${floatExportFormats.join(', ')}, got "${format}"`, statementHelp);
  if (format === undefined && values.out !== undefined)
    throw new UsageError('--out needs --format csv, xlsx, xero or quickbooks', statementHelp);
  if (format === 'xlsx' && values.out === undefined)
    throw new UsageError('An XLSX float statement needs --out <file>', statementHelp);
  if (format !== undefined && values.json === true)
    throw new UsageError('--json prints the float statement; --format writes it: choose one', statementHelp);
  // Reading needs no lock: it works beside the desktop app or a run being paid.
  const opened = await openProfileForCommand(values.profile, { io, secrets: deps.secrets });
  try {
    const view = floatStatement(opened.db, normaliseAccount(account), period);
    if (format !== undefined) {
      const rows = await exportFloatStatement(view, values.out ?? io.out, format as FloatExportFormat);
      if (values.out !== undefined) line(io.err, `Wrote ${values.out} (${formatCount(rows, 'movement')}).`);
      if (view.partly !== null) line(io.err, view.partly);
      if (format === 'xero' && rows > xeroLinesPerFile)
        line(
          io.err,
          `Xero imports up to ${formatNumber(xeroLinesPerFile)} lines a file: export shorter periods (days, e.g. 2026-12-01..2026-12-15).`,
        );
    } else if (values.json === true) line(io.out, JSON.stringify(view, null, 2));
    else printFloat(view, io);
    return view.covered && view.check?.adds === true && view.check.chains ? 0 : 1;
  } finally {
    opened.close();
  }
}

function printFloat(v: FloatStatement, io: CliIo): void {
  const last = new Date(Date.parse(v.to) - 1000).toISOString();
  line(io.out, `${v.account}, ${v.period} (${formatDateTime(v.from)} to ${formatDateTime(last)})`);
  if (!v.covered) {
    line(io.err, v.missing ?? 'No imported statement covers this period.');
    return;
  }
  if (v.partly !== null) line(io.err, v.partly);
  line(io.out, `Opening balance  ${formatKesWithCurrency(v.openingBalanceCents as number)}`);
  if (v.movements.length > 0)
    line(
      io.out,
      table([
        ['completed', 'receipt', 'details', 'other party', 'paid in', 'withdrawn', 'balance', 'payroll run'],
        ...v.movements.map((m) => [
          formatDateTime(m.completedAt),
          m.ledgerId === null ? `${m.receipt} *` : m.receipt,
          m.details,
          m.otherParty ?? '',
          m.paidInCents === 0 ? '' : formatKesWithCurrency(m.paidInCents),
          m.withdrawnCents === 0 ? '' : formatKesWithCurrency(m.withdrawnCents),
          m.balanceCents === null ? '' : formatKesWithCurrency(m.balanceCents),
          m.runTitle ?? '',
        ]),
      ]),
    );
  else line(io.out, 'No movements in this period.');
  line(
    io.out,
    `Paid in ${formatKesWithCurrency(v.paidInCents)}, withdrawn ${formatKesWithCurrency(v.withdrawnCents)}, ${formatCount(v.movements.length, 'movement')}.`,
  );
  line(io.out, `Closing balance  ${formatKesWithCurrency(v.closingBalanceCents as number)}`);
  if (v.check !== null) line(io.out, v.check.words);
  if (v.withoutLedgerRow > 0)
    line(
      io.out,
      `* ${formatCount(v.withoutLedgerRow, 'movement')} ${v.withoutLedgerRow === 1 ? 'has' : 'have'} no ledger row (paid outside Mshahara, a top-up, money received): see Reconcile.`,
    );
  line(io.out, `The ledger has ${formatCount(v.ledgerEntries, 'entry', 'entries')} in this period.`);
}
