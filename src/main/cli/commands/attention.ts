// `runs attention [<run>]` and `runs resolve <item>`: the needs-attention work list — payments no
// evidence settled, each with what is missing — and a person's verdict on one, checked by
// Transaction Status where M-Pesa answers. Both open the engine without sending any payment.
import { formatKesWithCurrency } from '../../../shared/money';
import { formatMsisdn } from '../../../shared/phone';
import { openProfileApp, type ProfileAppOptions } from '../../composition/open-profile-app';
import { ProfileInUseError } from '../../composition/profile-lock';
import type { ProfileDatabase } from '../../db';
import { listAttention, listFindings, type AttentionItem, type Finding, type Resolution } from '../../payroll/engine';
import { getRun } from '../../payroll/runs';
import type { SecretStore } from '../../secrets/secret-store';
import { line, type CliIo } from '../output';
import { exitCodes } from '../usage';
import { warnOfAuditCheck } from '../audit-alarm';
import { openProfileAppAs } from '../acting';
import { openProfileForCommand } from '../open-profile';

export interface WorkList {
  attention: AttentionItem[];
  findings: Finding[];
}

function workList(db: ProfileDatabase, runId: number | undefined): WorkList {
  if (runId !== undefined) getRun(db, runId); // a missing run is a not-found error, not an empty list
  return { attention: listAttention(db, runId), findings: listFindings(db, runId) };
}

/**
 * The work list, fresh: with the profile free, the engine starts without sending (stored callbacks
 * applied, overdue payments asked after) before the list is read. While another program holds the
 * profile, that program keeps it current and the list is read as stored.
 */
export async function attentionCommand(
  profile: string,
  runId: number | undefined,
  json: boolean,
  io: CliIo,
  deps: { secrets: () => SecretStore; tuning: Pick<ProfileAppOptions, 'baseUrl'> },
): Promise<number> {
  let list: WorkList;
  try {
    const app = await openProfileApp(profile, { secrets: deps.secrets, sendPayments: false, ...deps.tuning });
    try {
      await warnOfAuditCheck(app, io);
      list = workList(app.db, runId);
    } finally {
      await app.close();
    }
  } catch (error) {
    if (!(error instanceof ProfileInUseError)) throw error;
    line(
      io.err,
      `${error.holder === null ? 'Another program' : error.holder.program} has the profile open; this is the list as it has stored it.`,
    );
    const opened = await openProfileForCommand(profile, { io, secrets: deps.secrets });
    try {
      list = workList(opened.db, runId);
    } finally {
      opened.close();
    }
  }
  if (json) {
    line(io.out, JSON.stringify(list, null, 2));
    return exitCodes.ok;
  }
  printWorkList(list, runId, io);
  return exitCodes.ok;
}

export function printWorkList(list: WorkList, runId: number | undefined, io: CliIo): void {
  const where = runId === undefined ? '' : ` in payroll run #${runId}`;
  if (list.attention.length === 0) line(io.out, `Nothing waits for a person${where}.`);
  else
    line(
      io.out,
      `${list.attention.length} payment${list.attention.length === 1 ? '' : 's'} wait${list.attention.length === 1 ? 's' : ''} for a person${where}:`,
    );
  for (const item of list.attention) {
    line(
      io.out,
      `  item #${item.itemId} (run #${item.runId}): ${item.workerName} ${formatMsisdn(item.phone)} ${formatKesWithCurrency(item.amountCents)}`,
    );
    line(
      io.out,
      `    attempt #${item.attemptId}, OriginatorConversationID ${item.originatorConversationId}${item.conversationId === null ? '' : `, ConversationID ${item.conversationId}`}, since ${item.since}`,
    );
    line(io.out, `    why: ${item.reason}`);
    line(io.out, `    missing: ${item.missing}`);
  }
  if (list.attention.length > 0) {
    line(
      io.out,
      'Settle one with: runs resolve <item> --paid <receipt> --reason <text>, or runs resolve <item> --failed --reason <text>',
    );
  }
  if (list.findings.length > 0) {
    line(
      io.out,
      `${list.findings.length} finding${list.findings.length === 1 ? '' : 's'}: money that moved against the record${where}:`,
    );
    for (const f of list.findings) {
      line(
        io.out,
        `  item #${f.itemId} (run #${f.runId}): ${f.workerName} ${formatMsisdn(f.phone)} ${formatKesWithCurrency(f.amountCents)}${f.receipt === null ? '' : `, receipt ${f.receipt}`}: ${f.detail}`,
      );
    }
  }
}

/** `runs resolve <item>`: paid with a receipt, or failed, each with a reason; the engine checks and records. */
export async function resolveCommand(
  profile: string,
  itemId: number,
  resolution: Resolution,
  io: CliIo,
  deps: {
    secrets: () => SecretStore;
    tuning: Pick<ProfileAppOptions, 'baseUrl' | 'resultTimeoutMs'>;
    /** Who settles it (--user, already required): signed in and checked before anything is asked. */
    user: string;
  },
): Promise<number> {
  // The engine is not started: its own re-queries would race the person's check for the same
  // item. Only this item is asked about; the answer is applied by the engine's own rules.
  const { app, caller } = await openProfileAppAs(
    profile,
    { secrets: deps.secrets, sendPayments: false, startEngine: false, ...deps.tuning },
    io,
    deps.user,
    'runs resolve',
  );
  try {
    line(
      io.err,
      resolution.outcome === 'paid'
        ? `Asking M-Pesa about receipt ${resolution.receipt.trim().toUpperCase()}…`
        : 'Asking M-Pesa once more whether it was paid…',
    );
    const outcome = await app.engine.resolveItem(itemId, resolution, caller.username);
    line(
      io.out,
      `Item #${outcome.itemId}: ${outcome.outcome}${outcome.checked === 'confirmed' ? ' (confirmed by M-Pesa)' : ' (unchecked)'}. ${outcome.message}`,
    );
    return exitCodes.ok;
  } finally {
    await app.close();
  }
}
