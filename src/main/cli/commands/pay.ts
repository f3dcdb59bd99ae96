// `pay <file>`: one command from payroll file to everyone paid. Creates the run from the file (its
// maker: the officer given by --user), sends it once it holds the approvals it needs, and waits
// until every item is final, printing progress. A run still waiting for approval ends the command
// with exit 3, naming the run and who must approve it; run again after the approval, it sends.
// Run again after a crash it finds the unfinished run made from the same file (by content hash)
// and resumes it: never a second run that would pay everyone twice. A payroll paid before, in any
// state (a cancelled, partly paid run too), is paid again only with --pay-again.
import { lowFloatWarning } from '../../float/warning';
import { basename } from 'node:path';
import type { Caller } from '../../../shared/contract/access';
import { ConflictError } from '../../../shared/errors';
import { formatKesWithCurrency } from '../../../shared/money';
import type { ProfileApp } from '../../composition/open-profile-app';
import type { ProfileDatabase } from '../../db';
import type { ImportPreview } from '../../payroll/import';
import {
  findEarlierPayrolls,
  findPeoplePaidElsewhere,
  payrollFileSha256,
  type EarlierPayroll,
} from '../../payroll/duplicates';
import type { RunProgress } from '../../payroll/engine';
import { approveRun } from '../../payroll/run-approval';
import { createRunFromFile, unfinishedRunFromFile, type PayrollRun } from '../../payroll/runs';
import { approvalState, requireApprovedForSending } from '../../payroll/approvals';
import type { SecretStore } from '../../secrets/secret-store';
import { accessRefusal } from '../../transports/access';
import { line, type CliIo } from '../output';
import { defaultProfileName, exitCodes, integerOption, parseCommand, positiveNumber, UsageError } from '../usage';
import { readInputFile } from '../input-file';
import { openProfileForCommand } from '../open-profile';
import { formatCount, formatNumber } from '../../../shared/format';
import { openProfileAppAs, runActorOf } from '../acting';
import { passwordVariable, requireUserOption } from '../sign-in';
import { approvalNeededLines, printDuplicateWarnings, requireAcknowledged } from './approve';

export const payHelp = `Usage: npm run cli -- pay <file.csv|file.xlsx> [--yes --user <officer>] [--pay-again] [--rate N] [--profile <name>]

Pays everyone in a payroll file: creates the run (you, --user, are its maker), and once it holds
the approvals it needs checks the float, sends every payment and waits until each one is paid or
failed, printing progress. Without --yes it only shows the preview, and needs no --user.
Nobody moves money alone: while the run waits for an approver other than you, pay sends nothing,
says which run and who must approve it ("runs approve <run> --user <approver>") and exits 3. Run
the same command again after the approval: it sends. With the profile's approvals set to 1 (single
person, chosen by an admin) pay approves the run itself when you hold the Approver role too.
If it is interrupted (a crash, Ctrl-C, a power cut), run the same command again: it resumes the
same run, and nobody is paid twice.

  --yes                    create and pay without asking (without it, only the preview is shown)
  --user <name>            who is paying: a payroll officer, signed in with ${passwordVariable}
                           or a password asked without echo; needed with --yes
  --acknowledge-warnings   single person only: approve although rows may be paid twice (they are
                           listed first)
  --rate <n>               payments per second (default: the profile's)
  --concurrency <n>        payments awaiting Daraja's answer at once (default: the profile's)
  --base-url <url>         demo: a simulator already running (otherwise one starts in this process)
  --result-timeout <s>     seconds to wait for M-Pesa's result before asking Transaction Status
  --max-status-queries <n> unanswered Transaction Status queries before a payment waits for a person
  --pay-again              make a new run although an earlier run, in any state, was made from
                           the same file or pays the same people the same amounts (without it,
                           pay lists those runs and sends nothing)

Before anything is sent, pay prints the rows that another run also pays (same number, same
amount, within 30 days), as the review screen does.
Exit codes: 0 everyone paid; 1 an error, a refusal, or payments failed or waiting for a person;
2 the command line is wrong; 3 the run waits for approval (nothing was sent).
`;

export async function payCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      yes: { type: 'boolean', short: 'y' },
      user: { type: 'string' },
      'acknowledge-warnings': { type: 'boolean' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      'base-url': { type: 'string' },
      'result-timeout': { type: 'string' },
      'pay-again': { type: 'boolean' },
      'max-status-queries': { type: 'string' },
    },
    payHelp,
  );
  if (values.help === true) {
    io.out.write(payHelp);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError('pay takes exactly one payroll file', payHelp);
  const rate = positiveNumber(values.rate, '--rate', payHelp);
  const concurrency = integerOption(values.concurrency, '--concurrency', payHelp, 1, 500);
  const resultTimeoutSeconds = positiveNumber(values['result-timeout'], '--result-timeout', payHelp);
  const maxStatusQueries = integerOption(values['max-status-queries'], '--max-status-queries', payHelp, 1, 1000);
  const payAgain = values['pay-again'] === true;

  const content = readInputFile(file);
  const fileSha256 = payrollFileSha256(content);
  const options = {
    secrets: deps.secrets,
    ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
    ...(rate === undefined ? {} : { rate }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(resultTimeoutSeconds === undefined ? {} : { resultTimeoutMs: resultTimeoutSeconds * 1000 }),
    ...(maxStatusQueries === undefined ? {} : { maxStatusQueries }),
    // Started only to send: a preview, or a run waiting for approval, resumes nothing.
    startEngine: false,
  };
  const profileName = values.profile ?? defaultProfileName;
  if (values.yes !== true) return previewOnly(profileName, content, fileSha256, payAgain, io, deps.secrets);
  const user = requireUserOption(values.user, 'pay --yes', payHelp);
  const { app, caller } = await openProfileAppAs(profileName, options, io, user, 'pay --yes');
  try {
    let run = unfinishedRunFromFile(app.db, fileSha256);
    if (run === null) {
      const preview = await previewAndCheck(app.db, content, fileSha256, payAgain, io);
      if (preview.valid.length === 0) throw new ConflictError('The file has no valid rows to pay.');
      run = createRunFromFile(
        app.db,
        {
          title: `Payroll from ${basename(file)}`,
          fileName: basename(file),
          fileSha256,
          preview,
          payAgain,
        },
        runActorOf(caller),
      );
      line(io.err, `Created payroll run #${run.id} with ${caller.username} as its maker.`);
    } else {
      line(io.err, `Resuming payroll run #${run.id} (${run.state}), made from this file.`);
    }
    if (run.state === 'draft') {
      const approved = approveAsSinglePerson(app.db, run, caller, values['acknowledge-warnings'] === true, io);
      if (approved === null) {
        for (const text of approvalNeededLines(app.db, run.id)) line(io.err, text);
        line(io.err, 'Nothing was sent. Run this command again once it is approved: it sends the run then.');
        return exitCodes.approvalNeeded;
      }
      run = approved;
    }
    return await payRun(app, run, caller.username, io);
  } finally {
    await app.close();
  }
}

/** `pay <file>` without --yes: the preview and the paid-before check, with nothing started or written, and no sign-in. */
async function previewOnly(
  profileName: string,
  content: Uint8Array,
  fileSha256: string,
  payAgain: boolean,
  io: CliIo,
  secrets: () => SecretStore,
): Promise<number> {
  // Reading needs no lock and no sign-in: a preview changes nothing.
  const opened = await openProfileForCommand(profileName, { io, secrets });
  try {
    const run = unfinishedRunFromFile(opened.db, fileSha256);
    if (run !== null) {
      line(io.out, `Payroll run #${run.id} (${run.state}) was made from this file and is not finished.`);
      line(io.out, 'Nothing sent. Run again with --yes --user <officer> to go on with it.');
      return 0;
    }
    await previewAndCheck(opened.db, content, fileSha256, payAgain, io);
    line(io.out, 'Nothing sent. Run again with --yes --user <officer> to pay the valid rows.');
    return 0;
  } finally {
    opened.close();
  }
}

/** The file read as the screens read it, the paid-before rule, and the rows another run also pays. */
async function previewAndCheck(
  db: ProfileDatabase,
  content: Uint8Array,
  fileSha256: string,
  payAgain: boolean,
  io: CliIo,
): Promise<ImportPreview> {
  // Loaded only for a new run: a restart that resumes one should not wait for the XLSX reader.
  const [{ previewFileFor }, { printPreview }] = await Promise.all([
    import('../../payroll/file-preview'),
    import('./workers'),
  ]);
  // The same reading as the screens: a saved worker's phone is a note, an amount far from
  // their usual pay is flagged, a layout mapped before is read the same way.
  const preview = await previewFileFor(db, content, 'payroll');
  printPreview(preview, io);
  // The same rule as the screens: a payroll run before (same file, or the same people and
  // amounts), in any state, is paid again only when asked for by name.
  const earlier = findEarlierPayrolls(db, {
    fileSha256,
    people: preview.valid.map((row) => ({ phone: row.msisdn, amountCents: row.amountCents })),
  });
  if (earlier.length > 0 && !payAgain) throw new ConflictError(paidBeforeMessage(earlier));
  for (const e of earlier) line(io.err, `Paying again: ${e.message}`);
  printPeoplePaidElsewhere(db, preview, earlier, io);
  return preview;
}

/**
 * Single person (the profile's policy lets the maker approve alone, as an admin chose): the maker
 * approves their own draft here when they hold the Approver role, after every possible double
 * payment was acknowledged. Returns the run approved, or null when it still waits for someone.
 */
function approveAsSinglePerson(
  db: ProfileDatabase,
  run: PayrollRun,
  caller: Caller,
  acknowledged: boolean,
  io: CliIo,
): PayrollRun | null {
  const state = approvalState(db, run.id);
  if (state.peopleNeeded !== 1 || state.makerAccountId !== caller.accountId) return null;
  if (accessRefusal('runs.approve', caller) !== null) return null;
  const warnings = printDuplicateWarnings(db, run.id, io);
  requireAcknowledged(run.id, warnings, acknowledged, '--acknowledge-warnings');
  const outcome = approveRun(
    db,
    run.id,
    runActorOf(caller),
    warnings.map((w) => w.key),
  );
  if (outcome.run.state !== 'approved') return null;
  line(
    io.err,
    `Single person: ${caller.username} approved payroll run #${run.id}, which they made, as the profile allows.`,
  );
  return outcome.run;
}

export function paidBeforeMessage(earlier: readonly EarlierPayroll[]): string {
  return [
    'Nothing sent: this payroll was paid before, or is being paid.',
    ...earlier.map((e) => `  ${e.message}`),
    'Paying it again pays these people again. If that is what you want, add --pay-again.',
  ].join('\n');
}

/** The duplicate-payment warnings the review screen shows, for the people of the file (stderr). */
function printPeoplePaidElsewhere(
  db: ProfileDatabase,
  preview: ImportPreview,
  earlier: readonly EarlierPayroll[],
  io: CliIo,
): void {
  const people = preview.valid.map((row) => ({
    lineNumber: row.row,
    name: row.name,
    phone: row.msisdn,
    amountCents: row.amountCents,
  }));
  // A run already named above as the same payroll would repeat every line; the rest are news.
  const named = new Set(earlier.map((e) => e.runId));
  const warnings = findPeoplePaidElsewhere(db, people).filter((w) => !named.has(w.otherRunId));
  if (warnings.length === 0) return;
  line(io.err, `${formatCount(warnings.length, 'possible double payment')}:`);
  for (const warning of warnings.slice(0, 50)) line(io.err, `  row ${warning.lineNumber ?? '?'}: ${warning.message}`);
  if (warnings.length > 50) line(io.err, `  … and ${formatNumber(warnings.length - 50)} more`);
}

/** Sends `run` (approved, paused or left running) as `actor`, then waits like followRun. */
export async function payRun(app: ProfileApp, run: PayrollRun, actor: string, io: CliIo): Promise<number> {
  const { engine } = app;
  // Beside the float check the engine makes before sending (which refuses a run the float cannot pay).
  const lowFloat = lowFloatWarning(app.db);
  if (lowFloat !== null) line(io.err, `Low float: ${lowFloat.message}`);
  switch (run.state) {
    case 'draft':
      // Nobody moves money alone: a draft is sent only once approvers other than its maker approved it.
      throw new ConflictError(
        approvalState(app.db, run.id).blocker ?? `Payroll run #${run.id} is waiting for approval.`,
        { code: 'approval_needed' },
      );
    case 'approved':
      requireApprovedForSending(app.db, run.id);
      await engine.start();
      await engine.startRun(run.id, actor);
      break;
    case 'paused':
      await engine.start();
      engine.resumeRun(run.id, actor);
      break;
    case 'running':
      // The engine resumes it as it starts (recovery first, then sending).
      await engine.start();
      break;
    case 'completed':
    case 'cancelled':
      throw new ConflictError(`Payroll run #${run.id} is ${run.state}.`);
    default: {
      const unexpected: never = run.state;
      throw new ConflictError(`Payroll run #${run.id} is in an unknown state ${String(unexpected)}.`);
    }
  }
  return followRun(app, run.id, io);
}

/**
 * Waits until every item of the run is paid, failed or cancelled, or waits for a person, printing
 * progress to stderr and the outcome to stdout. Exit 0 only when everyone was paid (or cancelled).
 */
export async function followRun(app: ProfileApp, runId: number, io: CliIo): Promise<number> {
  const { engine } = app;
  line(io.err, `Paying run #${runId}.`);
  let lastPrinted = 0;
  const stopProgress = engine.onProgress((progress) => {
    if (progress.runId !== runId || Date.now() - lastPrinted < 1000) return;
    lastPrinted = Date.now();
    line(io.err, progressLine(progress));
  });
  try {
    const final = await engine.waitUntilFinal(runId);
    line(io.err, progressLine(final));
    return reportFinal(final, io);
  } finally {
    stopProgress();
  }
}

export function progressLine(p: RunProgress): string {
  const c = p.counts;
  const rate = p.sentPerSecond > 0 ? `, ${p.sentPerSecond.toFixed(1)}/s` : '';
  const eta = p.etaSeconds !== null ? `, about ${Math.ceil(p.etaSeconds)} s left` : '';
  return `run #${p.runId}: ${formatNumber(c.paid)}/${formatNumber(p.total)} paid (${formatKesWithCurrency(p.paidCents)}), ${formatNumber(c.failed)} failed, ${formatNumber(c.paying)} paying, ${formatNumber(c.queued)} queued${rate}${eta}`;
}

function reportFinal(p: RunProgress, io: CliIo): number {
  const c = p.counts;
  line(
    io.out,
    `Payroll run #${p.runId}: ${formatNumber(c.paid)} of ${formatNumber(p.total)} paid, ${formatKesWithCurrency(p.paidCents)}.`,
  );
  if (c.failed > 0)
    line(
      io.out,
      `${c.failed} failed: see "runs show ${p.runId}"; "runs retry ${p.runId}" as the officer asks to send them again, and as an approver other than them approves it.`,
    );
  if (p.needsAttention > 0) {
    line(
      io.out,
      `${p.needsAttention} need attention: M-Pesa could not tell what became of them, so they were not sent again. See "runs attention ${p.runId}".`,
    );
  }
  return c.paid + c.cancelled === p.total ? 0 : 1;
}
