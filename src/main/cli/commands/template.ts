// `template`: the payroll file template (the columns the import reads, two example rows) as CSV or
// XLSX, to fill in and import with `pay` or `workers import`. Needs no profile.
import { writeFile } from 'node:fs/promises';
import { payrollTemplateCsv, payrollTemplateXlsx } from '../../payroll/template';
import { line, type CliIo } from '../output';
import { parseCommand, UsageError } from '../usage';

export const templateHelp = `Usage: npm run cli -- template --format csv|xlsx [--out <file>]

Writes the payroll file template: name, phone, amount, reference, national_id, department, with two
example rows. Fill it in (reference and the last two columns are optional) and import it.
  --format csv|xlsx   the file format (xlsx needs --out)
  --out <file>        where to write (default: CSV to standard output)
`;

export async function templateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { format: { type: 'string' }, out: { type: 'string', short: 'o' } },
    templateHelp,
  );
  if (values.help === true) {
    io.out.write(templateHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected "${positionals.join(' ')}"`, templateHelp);
  const format = values.format ?? (values.out?.toLowerCase().endsWith('.xlsx') === true ? 'xlsx' : 'csv');
  if (format !== 'csv' && format !== 'xlsx')
    throw new UsageError('template takes --format csv or --format xlsx', templateHelp);
  if (format === 'xlsx' && values.out === undefined)
    throw new UsageError('An XLSX template needs --out <file>', templateHelp);
  if (values.out === undefined) {
    io.out.write(payrollTemplateCsv());
    return 0;
  }
  await writeFile(values.out, format === 'csv' ? payrollTemplateCsv() : await payrollTemplateXlsx());
  line(io.err, `Template written to ${values.out}.`);
  return 0;
}
