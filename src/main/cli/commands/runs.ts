// `runs show|approve|start|retry|cancel|pause|resume|attention|resolve`: a payroll run from the
// command line — what it paid (show; --json for scripts) and what the run screen's buttons do.
// Reading needs no lock and no --user; everything that changes a run takes the profile (one
// program at a time) and is done as the person given by --user, if their roles allow it.
import { formatKesWithCurrency } from '../../../shared/money';
import { listAttention } from '../../payroll/engine';
import { attemptsByItem } from '../../payroll/run-results';
import { listRunItems, type PayrollItem } from '../../payroll/runs';
import { runSummary, type RunSummary } from '../../payroll/run-summary';
import { runDisplayLabels } from '../../payroll/status';
import type { SecretStore } from '../../secrets/secret-store';
import { line, table, type CliIo } from '../output';
import { defaultProfileName, integerOption, parseCommand, UsageError } from '../usage';
import { attentionCommand, resolveCommand } from './attention';
import {
  cancelCommand,
  pauseCommand,
  resumeCommand,
  startCommand,
  tuningFrom,
  type RunCommandContext,
} from './run-control';
import { retryCommand } from './retry';
import { openProfileForCommand } from '../open-profile';
import { requireUserOption } from '../sign-in';
import { approveCommand } from './approve';
import { formatCount } from '../../../shared/format';

export const runsHelp = `Usage: npm run cli -- runs <subcommand> [options] [--profile <name>]

  runs show <run> [--json]          a run's status, counts, money, failures and the payments
                                    waiting for a person; --json: the run, its totals, every item
                                    with its attempts, and the work list, as JSON
  runs approve <run> --user <approver> [--acknowledge-warnings] [--json]
                                    approves a draft run as it is now (never its own maker); says
                                    whether it is ready to send or needs another approver. Every
                                    possible double payment is listed, and approving needs
                                    --acknowledge-warnings when there is any
  runs start <run> --user <officer> sends a run that holds every approval it needs (float checked
                                    first), then waits like pay; exit 3 while it waits for approval
  runs retry <run> [--yes]          Retry failed, as on the run screen, by two people: shows the
                                    payments that failed on M-Pesa's evidence; a payroll officer's
                                    run asks for them to be sent again and sends nothing (exit 3);
                                    then an approver other than the one who asked approves the
                                    request (asks first), each is sent again as a new payment,
                                    and it waits like pay
  runs cancel <run> [--yes]         stops the payments not sent yet (asks first)
  runs pause <run>                  sends nothing more of the run until it is resumed
  runs resume <run>                 goes on with a paused run (or one left running when its
                                    program stopped), then waits like pay
  runs attention [<run>] [--json]   the needs-attention work list (every run, or one): item,
                                    worker, phone, amount, the attempt's OriginatorConversationID,
                                    why, and what evidence is missing; also money that moved
                                    against the record
  runs resolve <item> --paid <receipt> --reason <text>
  runs resolve <item> --failed --reason <text>
                                    settles a payment on the work list: paid with the M-Pesa
                                    receipt (checked by Transaction Status where M-Pesa answers), or
                                    failed (M-Pesa is asked once more first); audited

  --user <name>         who acts, on every subcommand but show and attention: signed in with
                        MSHAHARA_PASSWORD or a password asked without echo, and refused unless
                        their role may do it (approve: Approver; retry: Payroll officer to ask,
                        Approver to approve; start, cancel, pause, resume, resolve: Payroll
                        officer)
  --yes                 approve a retry or cancel without asking; with no terminal to ask on,
                        they do nothing without it (exit 1)
  --base-url <url>      demo: a simulator already running (otherwise one starts in this process)
  --rate <n>, --concurrency <n>, --result-timeout <s>
                        retry and resume: as for pay

Reading (show; attention while another program has the profile open) runs beside the desktop
app or a pay. Everything else needs the profile to itself and says who has it open otherwise.
Exit codes: 0 done (everyone paid, for those that pay); 1 an error, a refusal, or payments failed
or waiting for a person; 2 the command line is wrong; 3 (start) the run waits for approval.
`;

const runsOptions = {
  json: { type: 'boolean' },
  user: { type: 'string' },
  'acknowledge-warnings': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  paid: { type: 'string' },
  failed: { type: 'boolean' },
  reason: { type: 'string' },
  'base-url': { type: 'string' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  'result-timeout': { type: 'string' },
} as const;

const subcommands = ['show', 'approve', 'start', 'retry', 'cancel', 'pause', 'resume', 'attention', 'resolve'] as const;

export async function runsCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(args, runsOptions, runsHelp);
  if (values.help === true) {
    io.out.write(runsHelp);
    return 0;
  }
  const [subcommand, id, ...extra] = positionals;
  if (subcommand === undefined) throw new UsageError(`runs needs a subcommand: ${subcommands.join(', ')}`, runsHelp);
  if (!(subcommands as readonly string[]).includes(subcommand))
    throw new UsageError(`Unknown runs subcommand "${subcommand}"`, runsHelp);
  if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, runsHelp);
  const profile = values.profile ?? defaultProfileName;
  const only = (allowed: ReadonlyArray<keyof typeof runsOptions>): void => {
    for (const flag of Object.keys(runsOptions) as Array<keyof typeof runsOptions>) {
      if (values[flag] !== undefined && !allowed.includes(flag))
        throw new UsageError(`runs ${subcommand} does not take --${flag}`, runsHelp);
    }
  };
  const runId = (what = 'run id'): number => {
    if (id === undefined) throw new UsageError(`runs ${subcommand} takes one ${what}`, runsHelp);
    return integerOption(id, what, runsHelp, 1) as number;
  };
  const engineFlags = ['base-url', 'rate', 'concurrency', 'result-timeout'] as const;
  // Everything but show and attention changes a run: it is done as someone, by name.
  const user = (): string => requireUserOption(values.user, `runs ${subcommand}`, runsHelp);
  const context = (): RunCommandContext => ({
    profile,
    runId: runId(),
    yes: values.yes === true,
    user: user(),
    io,
    secrets: deps.secrets,
    tuning: tuningFrom(values, runsHelp),
  });

  switch (subcommand) {
    case 'show':
      only(['json']);
      return showRun(profile, runId(), values.json === true, io, deps.secrets);
    case 'approve':
      only(['user', 'acknowledge-warnings', 'json']);
      return approveCommand({
        profile,
        runId: runId(),
        user: user(),
        acknowledgeWarnings: values['acknowledge-warnings'] === true,
        json: values.json === true,
        io,
        secrets: deps.secrets,
      });
    case 'start':
      only(['user', ...engineFlags]);
      return startCommand(context());
    case 'retry':
      only(['user', 'yes', ...engineFlags]);
      return retryCommand(context());
    case 'cancel':
      only(['user', 'yes', 'base-url']);
      return cancelCommand(context());
    case 'pause':
      only(['user', 'base-url']);
      return pauseCommand(context());
    case 'resume':
      only(['user', ...engineFlags]);
      return resumeCommand(context());
    case 'attention':
      only(['json', 'base-url']);
      return attentionCommand(profile, id === undefined ? undefined : runId(), values.json === true, io, {
        secrets: deps.secrets,
        tuning: tuningFrom(values, runsHelp),
      });
    case 'resolve': {
      only(['user', 'paid', 'failed', 'reason', 'base-url', 'result-timeout']);
      const itemId = runId('item id (see "runs attention")');
      if ((values.paid === undefined) === (values.failed !== true))
        throw new UsageError('runs resolve takes either --paid <receipt> or --failed', runsHelp);
      const reason = values.reason?.trim();
      if (reason === undefined || reason === '')
        throw new UsageError(
          'runs resolve needs --reason <text>: why you are sure, for whoever reads the audit log later',
          runsHelp,
        );
      const resolution =
        values.paid === undefined
          ? ({ outcome: 'failed', reason } as const)
          : ({ outcome: 'paid', receipt: values.paid, reason } as const);
      return resolveCommand(profile, itemId, resolution, io, {
        user: user(),
        secrets: deps.secrets,
        tuning: tuningFrom(values, runsHelp),
      });
    }
    default:
      throw new UsageError(`Unknown runs subcommand "${subcommand}"`, runsHelp);
  }
}

async function showRun(
  profile: string,
  runId: number,
  json: boolean,
  io: CliIo,
  secrets: () => SecretStore,
): Promise<number> {
  const opened = await openProfileForCommand(profile, { io, secrets });
  try {
    const summary = runSummary(opened.db, runId);
    const items = listRunItems(opened.db, runId);
    const attention = listAttention(opened.db, runId);
    if (json) {
      const attempts = attemptsByItem(opened.db, runId);
      const waiting = new Set(attention.map((a) => a.itemId));
      line(
        io.out,
        JSON.stringify(
          {
            ...summary,
            needsAttention: attention.length,
            attention,
            items: items.map((item) => ({
              ...item,
              needsAttention: waiting.has(item.id),
              attempts: attempts.get(item.id) ?? [],
            })),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    const { run, counts, totals } = summary;
    line(io.out, `Payroll run #${run.id} "${run.title}": ${runDisplayLabels[summary.displayStatus]}`);
    line(
      io.out,
      table([
        ['people', String(totals.count), formatKesWithCurrency(totals.amountCents)],
        ['paid', String(counts.paid), formatKesWithCurrency(totals.paidCents)],
        ['failed', String(counts.failed), formatKesWithCurrency(totals.failedCents)],
        ['pending', String(counts.draft + counts.queued + counts.paying), formatKesWithCurrency(totals.pendingCents)],
        ['cancelled', String(counts.cancelled), formatKesWithCurrency(totals.cancelledCents)],
        ['charges', '', chargesLine(summary.charges)],
      ]),
    );
    if (summary.nameMismatches > 0)
      line(
        io.out,
        `${formatCount(summary.nameMismatches, 'paid number')} ${summary.nameMismatches === 1 ? 'is' : 'are'} registered to a different name: check ${summary.nameMismatches === 1 ? 'it' : 'them'}.`,
      );
    const failed = items.filter((item: PayrollItem) => item.state === 'failed');
    for (const item of failed.slice(0, 20))
      line(io.out, `  failed: ${item.name} ${item.phone} ${formatKesWithCurrency(item.amountCents)}`);
    if (failed.length > 20) line(io.out, `  … and ${failed.length - 20} more (see --json)`);
    if (attention.length > 0) {
      line(
        io.out,
        `${attention.length} waiting for a person: M-Pesa has not said whether they were paid, so they are not sent again.`,
      );
      for (const item of attention.slice(0, 20))
        line(
          io.out,
          `  item #${item.itemId}: ${item.workerName} ${item.phone} ${formatKesWithCurrency(item.amountCents)}: ${item.reason}`,
        );
      if (attention.length > 20) line(io.out, `  … and ${attention.length - 20} more`);
      line(io.out, `See "runs attention ${run.id}" for what each lacks, and "runs resolve" to settle one.`);
    }
    return 0;
  } finally {
    opened.close();
  }
}

/** "KES 549.00 on paid payments (KES 500.00 confirmed by M-Pesa, KES 49.00 estimated); KES 600.00 for the whole run". */
function chargesLine(charges: RunSummary['charges']): string {
  return (
    `${formatKesWithCurrency(charges.recordedCents)} on paid payments (${formatKesWithCurrency(charges.confirmedCents)} confirmed by M-Pesa, ` +
    `${formatKesWithCurrency(charges.stillEstimatedCents)} estimated from the tariff); ${formatKesWithCurrency(charges.estimatedCents)} estimated for the whole run`
  );
}
