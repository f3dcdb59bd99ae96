// `workers import <file>`: shows the preview (valid rows, invalid rows with row and reason), and
// with --yes saves the valid rows as workers.
import { basename } from 'node:path';
import { formatKesWithCurrency } from '../../../shared/money';
import { previewFileFor } from '../../payroll/file-preview';
import { columnNames, type ColumnMapping, type ColumnName, type ImportPreview } from '../../payroll/import';
import { importWorkers } from '../../payroll/workers';
import type { SecretStore } from '../../secrets/secret-store';
import { readInputFile } from '../input-file';
import { line, type CliIo } from '../output';
import { defaultProfileName, parseCommand, UsageError } from '../usage';
import { actingPerson } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { requireUserOption } from '../sign-in';
import { formatCount } from '../../../shared/format';

export const workersHelp = `Usage: npm run cli -- workers import <file.csv|file.xlsx> [--yes --user <officer>] [--sheet <name>] [--map <meaning>=<column>,…] [--profile <name>]

Reads a worker file (name and phone; amount, reference, national ID, staff number and department
optional) and shows what would be imported: valid rows, and invalid rows with their row number and reason.
  --yes              save the valid rows as workers (otherwise only the preview is shown)
  --user <name>      who saves them, with --yes: a payroll officer, signed in with
                     MSHAHARA_PASSWORD or a password asked without echo
  --sheet <name>     the XLSX sheet to read (default: the first with name, phone and amount titles)
  --map <list>       columns whose titles Mshahara does not recognise, by number from 1:
                     e.g. --map phone=2,amount=5 (meanings: ${columnNames.join(', ')})
`;

/** "phone=2,amount=5" → { phone: 1, amount: 4 } (columns counted from 1 on the command line). */
export function parseMapping(text: string, help: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const [meaning, column] = part.split('=').map((p) => p.trim());
    if (!(columnNames as readonly string[]).includes(meaning ?? ''))
      throw new UsageError(`--map: "${meaning ?? ''}" is not one of ${columnNames.join(', ')}`, help);
    const n = Number(column);
    if (!Number.isInteger(n) || n < 1 || n > 256)
      throw new UsageError(`--map: ${meaning ?? ''} needs a column number from 1, got "${column ?? ''}"`, help);
    mapping[meaning as ColumnName] = n - 1;
  }
  return mapping;
}

export async function workersCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      yes: { type: 'boolean', short: 'y' },
      user: { type: 'string' },
      sheet: { type: 'string' },
      map: { type: 'string' },
    },
    workersHelp,
  );
  if (values.help === true) {
    io.out.write(workersHelp);
    return 0;
  }
  const [subcommand, file, ...extra] = positionals;
  if (subcommand !== 'import')
    throw new UsageError(
      subcommand === undefined ? 'workers needs a subcommand: import' : `Unknown workers subcommand "${subcommand}"`,
      workersHelp,
    );
  if (file === undefined || extra.length > 0)
    throw new UsageError('workers import takes exactly one file', workersHelp);

  const user = values.yes === true ? requireUserOption(values.user, 'workers import --yes', workersHelp) : undefined;
  const content = readInputFile(file);
  // Saving workers changes the profile: only while no other program holds it.
  const opened = await openProfileForCommand(values.profile ?? defaultProfileName, {
    io,
    secrets: deps.secrets,
    exclusive: values.yes === true,
  });
  try {
    const caller =
      user === undefined
        ? null
        : await actingPerson(opened.db, opened.profile.name, deps.secrets, io, user, 'workers import --yes');
    const preview = await previewFileFor(opened.db, content, 'workers', {
      sheet: values.sheet,
      mapping: values.map === undefined ? undefined : parseMapping(values.map, workersHelp),
    });
    printPreview(preview, io);
    if (caller === null) {
      line(
        io.out,
        preview.valid.length > 0
          ? 'Nothing saved. Run again with --yes to import the valid rows.'
          : 'Nothing to import.',
      );
      return preview.valid.length > 0 || preview.invalid.length === 0 ? 0 : 1;
    }
    const result = importWorkers(opened.db, preview, caller.username, basename(file));
    for (const refused of result.refused) line(io.err, `row ${refused.row}: not imported: ${refused.reason}`);
    line(io.out, `Imported ${formatCount(result.created.length, 'worker')}.`);
    return result.refused.length === 0 ? 0 : 1;
  } finally {
    opened.close();
  }
}

/**
 * The preview as a payroll officer reads it: totals, then each problem with its row, the flags to
 * look at, and notes on the file. line() writes every control character out, so no cell can rewrite this.
 */
export function printPreview(preview: ImportPreview, io: CliIo): void {
  line(
    io.out,
    `${preview.valid.length} valid row${preview.valid.length === 1 ? '' : 's'}, total ${formatKesWithCurrency(preview.totals.amountCents)}.`,
  );
  if (preview.invalid.length > 0) {
    line(io.out, `${formatCount(preview.invalid.length, 'invalid row')}:`);
    for (const rejected of preview.invalid) line(io.out, `  row ${rejected.row}: ${rejected.reason}`);
  }
  for (const warning of preview.warnings) line(io.out, `  row ${warning.row}: check: ${warning.message}`);
  for (const note of preview.notes) line(io.out, `Note: ${note}`);
}
