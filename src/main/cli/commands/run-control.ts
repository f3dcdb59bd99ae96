// `runs start|cancel|pause|resume <run>` (retry is retry.ts): what the run screen's buttons do,
// through the same engine methods and the same rules, as the person given by --user (checked as the
// contract checks them, and named in the audit log). start and resume then pay and wait like `pay`;
// cancel asks first (--yes skips the question; with no terminal to ask on, it does nothing without it).
import { refuseRefundRun } from '../../refunds/links';
import { formatKesWithCurrency } from '../../../shared/money';
import type { ProfileAppOptions } from '../../composition/open-profile-app';
import type { ProfileDatabase } from '../../db';
import { getRun } from '../../payroll/runs';
import { runSummary } from '../../payroll/run-summary';
import { runDisplayLabels } from '../../payroll/status';
import type { SecretStore } from '../../secrets/secret-store';
import { line, type CliIo } from '../output';
import { askYesNo } from '../prompt';
import { exitCodes, integerOption, positiveNumber } from '../usage';
import { followRun, payRun } from './pay';
import { openProfileAppAs } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { approvalNeededLines } from './approve';
import { formatCount, formatNumber } from '../../../shared/format';

export interface RunCommandContext {
  profile: string;
  runId: number;
  yes: boolean;
  /** Who acts (--user, already required): signed in before anything changes. */
  user: string;
  io: CliIo;
  secrets: () => SecretStore;
  /** --base-url, --rate, --concurrency, --result-timeout as given (already checked). */
  tuning: Pick<ProfileAppOptions, 'baseUrl' | 'rate' | 'concurrency' | 'resultTimeoutMs'>;
}

/** The engine options a command line gives for this start; help is the command's usage. */
export function tuningFrom(
  values: { 'base-url'?: string; rate?: string; concurrency?: string; 'result-timeout'?: string },
  help: string,
): RunCommandContext['tuning'] {
  const rate = positiveNumber(values.rate, '--rate', help);
  const concurrency = integerOption(values.concurrency, '--concurrency', help, 1, 500);
  const resultTimeout = positiveNumber(values['result-timeout'], '--result-timeout', help);
  return {
    ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
    ...(rate === undefined ? {} : { rate }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(resultTimeout === undefined ? {} : { resultTimeoutMs: resultTimeout * 1000 }),
  };
}

/**
 * Yes when --yes was given or a person at the terminal says yes. With no terminal and no --yes
 * nothing can be confirmed: the caller does nothing and exits 1.
 */
export async function confirmed(
  ctx: RunCommandContext,
  question: string,
  flagHint: string,
): Promise<'yes' | 'no' | 'cannot-ask'> {
  if (ctx.yes) return 'yes';
  if (ctx.io.input.isTTY !== true) {
    line(ctx.io.err, `Nothing done: ${flagHint} needs --yes when there is no terminal to ask on.`);
    return 'cannot-ask';
  }
  return (await askYesNo(question, ctx.io.input, ctx.io.err)) ? 'yes' : 'no';
}

export async function read<T>(ctx: RunCommandContext, look: (db: ProfileDatabase) => T): Promise<T> {
  // Looking needs no lock: the question is asked before this command takes the profile.
  const opened = await openProfileForCommand(ctx.profile, { io: ctx.io, secrets: ctx.secrets });
  try {
    return look(opened.db);
  } finally {
    opened.close();
  }
}

/** `runs cancel <run>`: payments not yet sent are cancelled; those with M-Pesa are settled as they answer. */
export async function cancelCommand(ctx: RunCommandContext): Promise<number> {
  const { io, runId } = ctx;
  const summary = await read(ctx, (db) => runSummary(db, runId));
  const { run, counts, totals } = summary;
  const notSent = counts.draft + counts.queued;
  line(
    io.out,
    `Payroll run #${run.id} "${run.title}" is ${runDisplayLabels[summary.displayStatus].toLowerCase()}: ${formatNumber(counts.paid)} paid, ${formatNumber(notSent)} not sent yet, ${formatNumber(counts.paying)} with M-Pesa.`,
  );
  line(
    io.out,
    `Cancelling stops the ${notSent} not sent (${formatKesWithCurrency(totals.pendingCents)} with those in flight); payments already with M-Pesa cannot be called back and are recorded as they are answered.`,
  );
  const answer = await confirmed(ctx, `Cancel payroll run #${run.id}?`, 'runs cancel');
  if (answer === 'cannot-ask') return exitCodes.error;
  if (answer === 'no') {
    line(io.out, 'Nothing changed.');
    return exitCodes.ok;
  }
  // The engine is not started: cancelling must not send anything of this run or another first.
  const { app, caller } = await openProfileAppAs(
    ctx.profile,
    { secrets: ctx.secrets, startEngine: false, ...ctx.tuning },
    io,
    ctx.user,
    'runs cancel',
  );
  try {
    refuseRefundRun(app.db, runId, 'cancelled');
    const { cancelledItems } = app.engine.cancelRun(runId, caller.username);
    const after = runSummary(app.db, runId);
    line(
      io.out,
      `Payroll run #${runId} cancelled: ${cancelledItems} payment${cancelledItems === 1 ? '' : 's'} will not be sent.`,
    );
    if (after.counts.paying > 0) {
      line(
        io.out,
        `${after.counts.paying} already with M-Pesa: their outcome is recorded the next time the profile is open (pay, resume or the app).`,
      );
    }
    return exitCodes.ok;
  } finally {
    await app.close();
  }
}

/** `runs pause <run>`: nothing more of the run is sent until it is resumed. */
export async function pauseCommand(ctx: RunCommandContext): Promise<number> {
  const { app, caller } = await openProfileAppAs(
    ctx.profile,
    { secrets: ctx.secrets, startEngine: false, ...ctx.tuning },
    ctx.io,
    ctx.user,
    'runs pause',
  );
  try {
    refuseRefundRun(app.db, ctx.runId, 'paused');
    app.engine.pauseRun(ctx.runId, caller.username);
    const { counts } = runSummary(app.db, ctx.runId);
    line(
      ctx.io.out,
      `Payroll run #${ctx.runId} paused: ${formatCount(counts.queued, 'payment')} ${counts.queued === 1 ? 'waits' : 'wait'} to be sent. "runs resume ${ctx.runId}" goes on.`,
    );
    return exitCodes.ok;
  } finally {
    await app.close();
  }
}

/**
 * `runs resume <run>`: a paused run goes on; this command pays and waits like `pay`. A run left
 * running (its program stopped or crashed) is simply paid on: the engine resumes it when it starts.
 */
export async function resumeCommand(ctx: RunCommandContext): Promise<number> {
  const { app, caller } = await openProfileAppAs(
    ctx.profile,
    { secrets: ctx.secrets, ...ctx.tuning },
    ctx.io,
    ctx.user,
    'runs resume',
  );
  try {
    if (getRun(app.db, ctx.runId).state === 'running')
      line(ctx.io.err, `Payroll run #${ctx.runId} was left running; going on with it.`);
    else app.engine.resumeRun(ctx.runId, caller.username);
    return await followRun(app, ctx.runId, ctx.io);
  } finally {
    await app.close();
  }
}

/**
 * `runs start <run>`: the run screen's Send for a run that holds every approval it needs: checks
 * the float, sends, then pays and waits like `pay`. A run still waiting for approval sends nothing.
 */
export async function startCommand(ctx: RunCommandContext): Promise<number> {
  // The engine starts in payRun, once the run is known to be approved.
  const { app, caller } = await openProfileAppAs(
    ctx.profile,
    { secrets: ctx.secrets, startEngine: false, ...ctx.tuning },
    ctx.io,
    ctx.user,
    'runs start',
  );
  try {
    refuseRefundRun(app.db, ctx.runId, 'started');
    const run = getRun(app.db, ctx.runId);
    if (run.state === 'draft') {
      for (const text of approvalNeededLines(app.db, run.id)) line(ctx.io.err, text);
      line(ctx.io.err, 'Nothing was sent.');
      return exitCodes.approvalNeeded;
    }
    return await payRun(app, run, caller.username, ctx.io);
  } finally {
    await app.close();
  }
}
