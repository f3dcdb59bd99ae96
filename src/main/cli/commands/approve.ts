// `runs approve <run>`: an approver approves a payroll run from the command line, through the same
// approveRun as the screens (never the run's maker, unless one person suffices; never twice by the
// same person). Every possible double payment is printed first and must be acknowledged with
// --acknowledge-warnings. Also the words `pay` prints when a run still waits for approval: which
// run, who must approve it, and the command that does.
import { refuseRefundRun } from '../../refunds/links';
import { ConflictError } from '../../../shared/errors';
import { formatCount, formatDateTime } from '../../../shared/format';
import { formatKesWithCurrency } from '../../../shared/money';
import type { ProfileDatabase } from '../../db';
import { approvalState, type ApprovalState } from '../../payroll/approvals';
import { findDuplicatePayments, type DuplicatePaymentWarning } from '../../payroll/duplicates';
import { approveRun, type ApprovalOutcome } from '../../payroll/run-approval';
import type { SecretStore } from '../../secrets/secret-store';
import { accountRowById, listAccounts } from '../../users/account-rows';
import { actingPerson, runActorOf } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { line, type CliIo } from '../output';
import { exitCodes } from '../usage';

/** How a person types the command line, in every hint this prints. */
const cliPrefix = 'npm run cli --';

function usernameOf(db: ProfileDatabase, accountId: number | null): string | null {
  return accountId === null ? null : (accountRowById(db, accountId)?.username ?? null);
}

/** "a", "a and b", "a, b and c". */
function andList(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Enabled approvers whose approval would count now: not the maker (unless one person suffices), not counted yet. */
function possibleApprovers(db: ProfileDatabase, state: ApprovalState): string[] {
  const counted = new Set(state.approvals.filter((a) => a.counts).map((a) => a.approverAccountId));
  return listAccounts(db)
    .filter((a) => a.disabledAt === null && a.roles.includes('approver') && !counted.has(a.id))
    .filter((a) => state.peopleNeeded === 1 || a.id !== state.makerAccountId)
    .map((a) => a.username);
}

/**
 * What a run that cannot be sent yet waits for, line by line: who must approve it (by name, with
 * the command to run), who approved already, approvals voided by a change, and who could approve.
 */
export function approvalNeededLines(db: ProfileDatabase, runId: number): string[] {
  const state = approvalState(db, runId);
  if (state.blocker === null) return [];
  const maker = usernameOf(db, state.makerAccountId);
  if (maker === null) return [state.blocker];
  const counted = state.approvals.filter((a) => a.counts);
  const missing = state.approvalsNeeded - state.approvalsCounted;
  const command = `"${cliPrefix} runs approve ${runId} --user <approver>"`;
  const lines: string[] = [];
  if (state.peopleNeeded === 1) {
    lines.push(
      `Payroll run #${runId} needs approval by someone with the Approver role (single person: ${maker} may give it if they hold it): run ${command}.`,
    );
  } else {
    const others = andList([maker, ...counted.map((a) => a.approverUsername)]);
    const who = missing === 1 ? 'an approver' : `${missing} different approvers`;
    lines.push(`Payroll run #${runId} needs approval by ${who} other than ${others}: run ${command}.`);
  }
  for (const a of counted) lines.push(`  approved by ${a.approverUsername} on ${formatDateTime(a.approvedAt)}`);
  for (const a of state.approvals.filter((x) => !x.counts && x.voidReason !== null))
    lines.push(`  ${a.approverUsername}'s approval no longer counts: ${a.voidReason}`);
  const candidates = possibleApprovers(db, state);
  lines.push(
    candidates.length > 0
      ? `  Who can approve it: ${andList(candidates)}.`
      : `  Nobody here can approve it yet: an admin adds an approver with "${cliPrefix} users add <name> --role approver --user <admin>".`,
  );
  return lines;
}

/** Every possible double payment of the run, one line each, to stderr; returns them. */
export function printDuplicateWarnings(db: ProfileDatabase, runId: number, io: CliIo): DuplicatePaymentWarning[] {
  const warnings = findDuplicatePayments(db, runId);
  if (warnings.length === 0) return warnings;
  line(io.err, `Payroll run #${runId} has ${formatCount(warnings.length, 'possible double payment')}:`);
  for (const w of warnings) line(io.err, `  row ${w.lineNumber ?? '?'}: ${w.message}`);
  return warnings;
}

/** Refuses an approval while warnings stand unacknowledged: nothing is recorded. */
export function requireAcknowledged(
  runId: number,
  warnings: readonly DuplicatePaymentWarning[],
  acknowledged: boolean,
  flag: string,
): void {
  if (warnings.length === 0 || acknowledged) return;
  throw new ConflictError(
    `Nothing approved: check each possible double payment listed above, then run again with ${flag} to acknowledge ${warnings.length === 1 ? 'it' : `all ${warnings.length}`} and approve payroll run #${runId}.`,
    { code: 'warnings_not_acknowledged' },
  );
}

/** The outcome of an approval in words: who approved, and whether the run is ready or waits for more. */
export function printApproval(db: ProfileDatabase, outcome: ApprovalOutcome, approver: string, io: CliIo): void {
  const { run, approvals } = outcome;
  line(
    io.out,
    `${approver} approved payroll run #${run.id} "${run.title}": ${formatCount(approvals.now.itemCount, 'person', 'people')}, ${formatKesWithCurrency(approvals.now.totalCents)}.`,
  );
  if (run.state === 'approved') {
    const who = andList(approvals.approvals.filter((a) => a.counts).map((a) => a.approverUsername));
    line(
      io.out,
      `It holds every approval it needs (${who}) and is ready to send: the payroll officer runs "${cliPrefix} runs start ${run.id} --user <officer>" (or pay with its file again).`,
    );
    return;
  }
  for (const text of approvalNeededLines(db, run.id))
    line(io.out, text.replace(/^Payroll run #\d+ needs/, 'It still needs'));
}

export interface ApproveOptions {
  profile: string;
  runId: number;
  user: string;
  acknowledgeWarnings: boolean;
  json: boolean;
  io: CliIo;
  secrets: () => SecretStore;
}

/** `runs approve <run> --user <approver>`: records the approval and says what the run waits for now. */
export async function approveCommand(options: ApproveOptions): Promise<number> {
  const { io, runId } = options;
  // Approving changes the run: one program at a time holds the profile.
  const opened = await openProfileForCommand(options.profile, { io, secrets: options.secrets, exclusive: true });
  try {
    const { db } = opened;
    const caller = await actingPerson(db, opened.profile.name, options.secrets, io, options.user, 'runs approve');
    refuseRefundRun(db, runId, 'approved');
    const warnings = printDuplicateWarnings(db, runId, io);
    requireAcknowledged(runId, warnings, options.acknowledgeWarnings, '--acknowledge-warnings');
    // --acknowledge-warnings acknowledges exactly the warnings listed above, by key: one that
    // appeared since is not among them, and the domain refuses the approval for it.
    const outcome = approveRun(
      db,
      runId,
      runActorOf(caller),
      warnings.map((w) => w.key),
    );
    if (options.json) {
      line(io.out, JSON.stringify({ run: outcome.run, approvals: outcome.approvals, warnings }, null, 2));
      return exitCodes.ok;
    }
    printApproval(db, outcome, caller.username, io);
    return exitCodes.ok;
  } finally {
    opened.close();
  }
}
