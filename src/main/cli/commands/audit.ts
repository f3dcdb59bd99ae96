// `audit verify`: checks the whole audit chain with the profile's key and names the first entry
// that does not hold (exit 1), for a script or an auditor. `audit list`: who did what and when,
// newest first, with the audit view's filters, as a table, JSON or an exported CSV/XLSX file.
// Both only read, but the audit log is the admin's and the auditor's to read, on the screens and
// here alike: --user signs in and is checked with the contract's audit.* rules.
import { formatCount, formatDateTime } from '../../../shared/format';
import { exportAuditLog } from '../../ledger/audit-export';
import { listAuditEntries, verifyAuditLog, type AuditFilter, type AuditViewEntry } from '../../ledger/audit-view';
import type { SecretStore } from '../../secrets/secret-store';
import { readingPerson, type ReadingCommand } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { requireUserOption } from '../sign-in';
import { line, table, type CliIo } from '../output';
import { defaultProfileName, exitCodes, integerOption, parseCommand, UsageError } from '../usage';
import { dayOption } from './failed-payments';

export const auditHelp = `Usage: npm run cli -- audit verify --user <auditor|admin> [--json] [--profile <name>]
       npm run cli -- audit list --user <auditor|admin> [--from dd/mm/yyyy] [--to dd/mm/yyyy] [--actor <username>]
                                 [--action <action>] [--entity <kind>] [--id <id>] [--search <text>]
                                 [--limit <n>] [--json] [--export <file.csv|file.xlsx>]

audit verify checks every entry of the audit log with the profile's key from the keychain and
names the first entry that does not hold; it exits 1 when the log was changed outside Mshahara.

audit list shows who did what and when, newest first.
  --user <name>        who reads it: an auditor or an admin, signed in with MSHAHARA_PASSWORD
                       or a password asked without echo (both commands)
  --from, --to <date>  Nairobi days, both included (03/11/2026 or 2026-11-03)
  --actor <username>   only what this person (or "system") did
  --action <action>    one action, e.g. payroll_run.approval_recorded
  --entity <kind>      what it was done to: payroll_run, worker, account, settings, ...
  --id <id>            which one of them
  --search <text>      words anywhere in the entry (case and accents ignored)
  --limit <n>          how many to show (default 50; --json and --export take them all)
  --export <file>      write the entries to a CSV or XLSX file (by its extension)
`;

export async function auditCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      json: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      actor: { type: 'string' },
      action: { type: 'string' },
      entity: { type: 'string' },
      id: { type: 'string' },
      search: { type: 'string' },
      limit: { type: 'string' },
      export: { type: 'string' },
      user: { type: 'string' },
    },
    auditHelp,
  );
  const [subcommand, ...extra] = positionals;
  if (values.help === true) {
    io.out.write(auditHelp);
    return exitCodes.ok;
  }
  if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, auditHelp);
  const profile = values.profile ?? defaultProfileName;
  const reader = (command: ReadingCommand): Reader => ({
    username: requireUserOption(values.user, `audit ${subcommand ?? ''}`.trim(), auditHelp),
    command,
    secrets: deps.secrets,
  });
  switch (subcommand) {
    case 'verify':
      return verify(profile, values.json === true, io, reader('audit verify'));
    case 'list': {
      const filter: AuditFilter = {
        from: dayOption(values.from, '--from'),
        to: dayOption(values.to, '--to'),
        actor: values.actor,
        action: values.action,
        entity: values.entity,
        entityId: values.id,
        search: values.search,
      };
      if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from)
        throw new UsageError('--to is before --from', auditHelp);
      if (values.json === true && values.export !== undefined)
        throw new UsageError('--json prints the entries; --export writes them: choose one', auditHelp);
      const limit = integerOption(values.limit, '--limit', auditHelp, 1) ?? 50;
      const who = reader(values.export === undefined ? 'audit list' : 'audit list --export');
      return list(profile, filter, { json: values.json === true, export: values.export, limit }, io, who);
    }
    default:
      throw new UsageError(
        subcommand === undefined
          ? 'audit needs a subcommand: verify or list'
          : `Unknown audit subcommand "${subcommand}"`,
        auditHelp,
      );
  }
}

/** Who reads the audit log (--user, already required), and which reading they ask for. */
interface Reader {
  username: string;
  command: ReadingCommand;
  secrets: () => SecretStore;
}

async function verify(profile: string, json: boolean, io: CliIo, reader: Reader): Promise<number> {
  // Reading needs no lock; the check reads one snapshot at a time beside a running app.
  const opened = await openProfileForCommand(profile, { io, secrets: reader.secrets, warnIfBroken: false });
  try {
    await readingPerson(opened.db, opened.profile.name, reader.secrets, io, reader.username, reader.command);
    const verdict = await verifyAuditLog(opened.db);
    if (json) line(io.out, JSON.stringify(verdict, null, 2));
    else if (verdict.ok)
      line(io.out, `The audit log holds: ${formatCount(verdict.entries, 'entry', 'entries')} checked.`);
    else {
      line(io.out, verdict.message);
      if (verdict.words !== null) line(io.out, `Entry ${verdict.entryId} now reads: ${verdict.words}.`);
    }
    return verdict.ok ? exitCodes.ok : exitCodes.error;
  } finally {
    opened.close();
  }
}

function who(entry: AuditViewEntry): string {
  return entry.actorName === null ? entry.actor : `${entry.actorName} (${entry.actor})`;
}

async function list(
  profile: string,
  filter: AuditFilter,
  options: { json: boolean; export: string | undefined; limit: number },
  io: CliIo,
  reader: Reader,
): Promise<number> {
  const opened = await openProfileForCommand(profile, { io, secrets: reader.secrets });
  try {
    await readingPerson(opened.db, opened.profile.name, reader.secrets, io, reader.username, reader.command);
    if (options.export !== undefined) {
      const format = options.export.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
      const count = await exportAuditLog(opened.db, options.export, { format, filter });
      line(io.err, `Audit log written to ${options.export} (${formatCount(count, 'entry', 'entries')}).`);
      return exitCodes.ok;
    }
    const limit = options.json ? Number.MAX_SAFE_INTEGER : options.limit;
    const page = listAuditEntries(opened.db, filter, { limit, offset: 0 });
    if (options.json) {
      line(io.out, JSON.stringify(page.entries, null, 2));
      return exitCodes.ok;
    }
    if (page.total === 0) {
      line(io.out, 'No audit entries match.');
      return exitCodes.ok;
    }
    line(
      io.out,
      table([
        ['Entry', 'When (Nairobi)', 'Who', 'What'],
        ...page.entries.map((e) => [
          String(e.id),
          formatDateTime(e.at),
          who(e),
          [e.words, ...e.changes.map((c) => `${c.field}: ${c.before} → ${c.after}`)].join('; '),
        ]),
      ]),
    );
    if (page.total > page.entries.length)
      line(
        io.err,
        `The newest ${formatCount(page.entries.length, 'entry', 'entries')} of ${page.total}; --limit shows more.`,
      );
    return exitCodes.ok;
  } finally {
    opened.close();
  }
}
