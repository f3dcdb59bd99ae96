// `statement import <file>`: reads an M-Pesa portal statement (CSV or XLSX), stores each receipt
// once and prints the buckets with counts and totals, the unreadable rows and the balance breaks.
import { basename } from 'node:path';
import { formatKesWithCurrency } from '../../../shared/money';
import { openProfileDatabase } from '../../composition/profile-database';
import { importStatement, type StatementImportResult } from '../../statements/import';
import { buckets, type BucketSummary } from '../../statements/match';
import { bucketTitles } from '../../statements/report';
import { readInputFile } from '../input-file';
import { line, table, type CliIo } from '../output';
import { defaultProfileName, parseCommand, UsageError } from '../usage';
import { warnIfAuditChainBroken } from '../audit-alarm';
import { formatCount, formatNumber } from '../../../shared/format';

export const statementHelp = `Usage: npm run cli -- statement import <file> [--account <name>] [--json] [--profile <name>]

Imports an M-Pesa organisation-portal statement (CSV or XLSX, one account per file), stores each
receipt once (importing it again or an overlapping statement adds nothing twice), and matches every
row against the ledger. Prints the buckets with counts and totals, every row that could not be
read (with its line) and every break in the statement's balance column.
  --account <name>   the account, when neither the file nor its name says (e.g. "Utility Account")
  --json             the whole result as JSON
`;

export async function statementCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { account: { type: 'string' }, json: { type: 'boolean' } },
    statementHelp,
  );
  if (values.help === true) {
    io.out.write(statementHelp);
    return 0;
  }
  const [subcommand, file, ...extra] = positionals;
  if (subcommand !== 'import')
    throw new UsageError(
      subcommand === undefined
        ? 'statement needs a subcommand: import'
        : `Unknown statement subcommand "${subcommand}"`,
      statementHelp,
    );
  if (file === undefined) throw new UsageError('statement import needs a file', statementHelp);
  if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, statementHelp);
  const bytes = readInputFile(file);
  // Importing writes (rows, buckets, confirmed charges): one program at a time holds the profile.
  const opened = openProfileDatabase(values.profile ?? defaultProfileName, undefined, { exclusive: true });
  try {
    warnIfAuditChainBroken(opened.db, io);
    const result = await importStatement(opened.db, {
      fileName: basename(file),
      bytes,
      actor: io.env['USER'] ?? 'command line',
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
