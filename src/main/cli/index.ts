// `npm run cli -- <command>`: Mshahara without a window, for automation and for the crash test.
// Exit codes: 0 done, 1 an error with a readable message, 2 the command line itself is wrong,
// 3 a payroll run or a refund waits for approval by someone else (pay, runs start, refund).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MshaharaError } from '../../shared/errors';
import { nameThisProgram } from '../composition/profile-lock';
import { configureLogging } from '../log';
import { OnDemandKeychain } from './keychain';
import { line, processIo, type CliIo } from './output';
import { exitCodes, UsageError } from './usage';
import type { SecretStore } from '../secrets/secret-store';

export const mainHelp = `Usage: npm run cli -- <command> [options]

Commands:
  init             create a profile (demo, sandbox, production or custom); --admin <name>
                   creates its first admin, --approvals 1|2|3 sets who approves payroll runs
  users            add, list, disable accounts and reset passwords (admins only)
  workers import   import workers from a CSV or XLSX file
  pay              pay everyone in a payroll file once it is approved; run it again after
                   the approval, or after a crash to resume
  runs show        show a payroll run (--json for machines)
  runs approve     approve a payroll run (an approver other than its maker)
  runs start       send a payroll run that holds every approval it needs
  runs retry       ask to retry a run's failed payments (officer), or approve the
                   request and wait like pay (another approver)
  runs cancel      cancel a run's payments not sent yet; pause and resume a run
  runs attention   the payments waiting for a person, and what each lacks
  runs resolve     settle one of them: --paid <receipt> or --failed, with --reason
  ledger export    export the ledger as CSV or XLSX
  ledger failed    the payments M-Pesa refused, why, and what happened next
  balance          ask M-Pesa for the account balances
  lookup           ask M-Pesa about any receipt; --record money received the ledger lacks
  relay            set the profile up with the companion relay (key, register, save, show)
  template         write the payroll file template (CSV or XLSX) to fill in and import
  statement import import an M-Pesa statement (CSV or XLSX) and match it against the ledger
  statement float  an account's float statement for a period; export it for Xero or QuickBooks
  reconcile        show, finish or list reconciliations of an account for a period
  audit            check the audit log (verify) or list who did what (list, --export)
  refund           ask for a refund of a customer's payment (admin); an approver sends it
  refunds          list and show refunds; approve (which sends) or decline one (approver)
  collect          ask a customer to pay by M-Pesa Express and wait for the receipt
  collections list the payment requests, the money received and what waits;
                   checked: clear a request's "Look at this" with a note
  c2b register     register the profile's C2B URLs so customers' Pay Bill payments arrive
  profiles         back a profile up to one file sealed with a passphrase (backup), or make a
                   new profile from such a file (restore)

Every command takes --profile <name> (default: demo) and --help. Every command that changes
anything takes --user <name>: that person signs in (the password from MSHAHARA_PASSWORD or a
prompt without echo) and is refused unless their role may do it, as in the app. Reading and
exporting need no --user, except the audit log (an auditor or an admin, by --user).
Exit codes: 0 done; 1 an error or a refusal (the reason on stderr); 2 the command line is wrong;
3 a payroll run or a refund waits for approval (pay, runs start and refund say which and who
must approve it).
The data folder is MSHAHARA_DATA_DIR, or the system's application-data folder.
`;

export interface CliDependencies {
  /** The keychain; tests pass a private one. Created only when a command needs credentials. */
  secrets?: () => SecretStore;
}

export async function runCli(argv: string[], io: CliIo = processIo(), deps: CliDependencies = {}): Promise<number> {
  const [command, ...rest] = argv;
  let keychain: SecretStore | undefined;
  const secrets = deps.secrets ?? (() => (keychain ??= new OnDemandKeychain()));
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out.write(mainHelp);
        return command === undefined ? exitCodes.usage : exitCodes.ok;
      // Each command loads its own modules: a restart after a crash should be paying again in
      // well under a second, not waiting for XLSX and HTTP-server code it does not use.
      case 'init':
        return await (await import('./commands/init')).initCommand(rest, io, { secrets });
      case 'users':
        return await (await import('./commands/users')).usersCommand(rest, io, { secrets });
      case 'workers':
        return await (await import('./commands/workers')).workersCommand(rest, io, { secrets });
      case 'pay':
        return await (await import('./commands/pay')).payCommand(rest, io, { secrets });
      case 'runs':
        return await (await import('./commands/runs')).runsCommand(rest, io, { secrets });
      case 'ledger':
        return await (await import('./commands/ledger')).ledgerCommand(rest, io, { secrets });
      case 'balance':
        return await (await import('./commands/balance')).balanceCommand(rest, io, { secrets });
      case 'lookup':
        return await (await import('./commands/lookup')).lookupCommand(rest, io, { secrets });
      case 'relay':
        return await (await import('./commands/relay')).relayCommand(rest, io, { secrets });
      case 'template':
        return await (await import('./commands/template')).templateCommand(rest, io);
      case 'reverse':
        return await (await import('./commands/reverse')).reverseCommand(rest, io, { secrets });
      case 'reversals':
        return await (await import('./commands/reverse')).reversalsCommand(rest, io, { secrets });
      case 'statement':
        return await (await import('./commands/statement')).statementCommand(rest, io, { secrets });
      case 'reconcile':
        return await (await import('./commands/reconcile')).reconcileCommand(rest, io, { secrets });
      case 'audit':
        return await (await import('./commands/audit')).auditCommand(rest, io, { secrets });
      case 'refund':
        return await (await import('./commands/refunds')).refundCommand(rest, io, { secrets });
      case 'refunds':
        return await (await import('./commands/refunds')).refundsCommand(rest, io, { secrets });
      case 'collect':
        return await (await import('./commands/collect')).collectCommand(rest, io, { secrets });
      case 'collections':
        return await (await import('./commands/collect')).collectionsCommand(rest, io, { secrets });
      case 'c2b':
        return await (await import('./commands/collect')).c2bCommand(rest, io, { secrets });
      case 'profiles':
        return await (await import('./commands/profiles')).profilesCommand(rest, io, { secrets });
      default:
        throw new UsageError(`Unknown command "${command}"`, mainHelp);
    }
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    line(io.err, `Error: ${error.message}`);
    line(io.err);
    io.err.write(error.help);
    return exitCodes.usage;
  }
  if (error instanceof MshaharaError) {
    line(io.err, `Error: ${error.message}`);
    return exitCodes.error;
  }
  // An unexpected failure: say what happened in one line; the stack helps whoever reports it.
  line(io.err, `Error: ${error instanceof Error ? error.message : String(error)}`);
  if (io.env['MSHAHARA_DEBUG'] === '1' && error instanceof Error && error.stack !== undefined)
    line(io.err, error.stack);
  return exitCodes.error;
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // The CLI's own output is what a person reads; structured logs go to stderr only when asked.
  configureLogging({ level: process.env.MSHAHARA_LOG_LEVEL ?? 'silent' });
  // A reader that leaves early (`| head`) must not crash a command that is paying people: the
  // output is lost, the work goes on and ends as it would have.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  // What another program is told when this command holds the profile.
  nameThisProgram(`the command line ("${['npm run cli --', ...process.argv.slice(2, 4)].join(' ')}")`);
  const code = await runCli(process.argv.slice(2));
  // Every byte written must reach the reader before the process ends: a pipe takes 64 KiB at a
  // time and process.exit drops whatever is still queued, so a script reading a large run got a
  // cut JSON without an error. Then exit: handles (keep-alive sockets, timers) must not keep a
  // finished command alive.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

/**
 * Resolves once everything written to the stream so far has been handed to the operating system
 * (writes complete in order, so an empty write's callback comes after all of them). A reader that
 * went away (EPIPE, `| head`) ends the wait too: there is nobody left to deliver to.
 */
export function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) {
      resolve();
      return;
    }
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}
