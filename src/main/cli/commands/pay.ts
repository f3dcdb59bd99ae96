// `pay <file>`: one command from payroll file to everyone paid. Creates the run from the file,
// approves and starts it, and waits until every item is final, printing progress. Run again after
// a crash it finds the unfinished run made from the same file (by content hash) and resumes it:
// never a second run that would pay everyone twice. A payroll paid before, in any state (a
// cancelled, partly paid run too), is paid again only with --pay-again.
import { basename } from 'node:path';
import { ConflictError } from '../../../shared/errors';
import { formatKesWithCurrency } from '../../../shared/money';
import { openProfileApp, type ProfileApp } from '../../composition/open-profile-app';
import type { ProfileDatabase } from '../../db';
import type { ImportPreview } from '../../payroll/import';
import {
  findEarlierPayrolls,
  findPeoplePaidElsewhere,
  payrollFileSha256,
  type EarlierPayroll,
} from '../../payroll/duplicates';
import type { RunProgress } from '../../payroll/engine';
import { createRunFromFile, unfinishedRunFromFile, type PayrollRun } from '../../payroll/runs';
import { approvalState } from '../../payroll/approvals';
import type { SecretStore } from '../../secrets/secret-store';
import { line, type CliIo } from '../output';
import { defaultProfileName, integerOption, parseCommand, positiveNumber, UsageError } from '../usage';
import { readInputFile } from '../input-file';
import { warnOfAuditCheck } from '../audit-alarm';
import { formatCount, formatNumber } from '../../../shared/format';

export const payHelp = `Usage: npm run cli -- pay <file.csv|file.xlsx> [--yes] [--pay-again] [--rate N] [--profile <name>]

Pays everyone in a payroll file: creates the run, approves it, checks the float, sends every
payment and waits until each one is paid or failed, printing progress.
If it is interrupted (a crash, Ctrl-C, a power cut), run the same command again: it resumes the
same run, and nobody is paid twice.

  --yes                    pay without asking (without it, only the preview is shown)
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
`;

const actor = 'cli';

export async function payCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      yes: { type: 'boolean', short: 'y' },
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

  const content = readInputFile(file);
  const fileSha256 = payrollFileSha256(content);
  const app = await openProfileApp(values.profile ?? defaultProfileName, {
    secrets: deps.secrets,
    ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
    ...(rate === undefined ? {} : { rate }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(resultTimeoutSeconds === undefined ? {} : { resultTimeoutMs: resultTimeoutSeconds * 1000 }),
    ...(maxStatusQueries === undefined ? {} : { maxStatusQueries }),
  });
  try {
    await warnOfAuditCheck(app, io);
    let run = unfinishedRunFromFile(app.db, fileSha256);
    if (run === null) {
      // Loaded only for a new run: a restart that resumes one should not wait for the XLSX reader.
      const [{ previewFileFor }, { printPreview }] = await Promise.all([
        import('../../payroll/file-preview'),
        import('./workers'),
      ]);
      // The same reading as the screens: a saved worker's phone is a note, an amount far from
      // their usual pay is flagged, a layout mapped before is read the same way.
      const preview = await previewFileFor(app.db, content, 'payroll');
      printPreview(preview, io);
      // The same rule as the screens: a payroll run before (same file, or the same people and
      // amounts), in any state, is paid again only when asked for by name.
      const earlier = findEarlierPayrolls(app.db, {
        fileSha256,
        people: preview.valid.map((row) => ({ phone: row.msisdn, amountCents: row.amountCents })),
      });
      const payAgain = values['pay-again'] === true;
      if (earlier.length > 0 && !payAgain) throw new ConflictError(paidBeforeMessage(earlier));
      for (const e of earlier) line(io.err, `Paying again: ${e.message}`);
      printPeoplePaidElsewhere(app.db, preview, earlier, io);
      if (values.yes !== true) {
        line(io.out, 'Nothing sent. Run again with --yes to pay the valid rows.');
        return 0;
      }
      if (preview.valid.length === 0) throw new ConflictError('The file has no valid rows to pay.');
      run = createRunFromFile(
        app.db,
        { title: `Payroll from ${basename(file)}`, fileName: basename(file), fileSha256, preview, payAgain },
        { name: actor },
      );
    } else {
      line(io.err, `Resuming payroll run #${run.id} (${run.state}), made from this file.`);
    }
    return await payRun(app, run, io);
  } finally {
    await app.close();
  }
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

async function payRun(app: ProfileApp, run: PayrollRun, io: CliIo): Promise<number> {
  const { engine } = app;
  switch (run.state) {
    case 'draft':
      // Nobody moves money alone: a draft is sent only once approvers other than its maker approved it.
      throw new ConflictError(
        approvalState(app.db, run.id).blocker ?? `Payroll run #${run.id} is waiting for approval.`,
        {
          code: 'approval_needed',
        },
      );
    case 'approved':
      await engine.startRun(run.id, actor);
      break;
    case 'paused':
      engine.resumeRun(run.id, actor);
      break;
    case 'running':
      // The engine resumed it when it started (recovery first, then sending).
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
      `${c.failed} failed: see "runs show ${p.runId}"; "runs retry ${p.runId}" sends them again once you approve.`,
    );
  if (p.needsAttention > 0) {
    line(
      io.out,
      `${p.needsAttention} need attention: M-Pesa could not tell what became of them, so they were not sent again. See "runs attention ${p.runId}".`,
    );
  }
  return c.paid + c.cancelled === p.total ? 0 : 1;
}
