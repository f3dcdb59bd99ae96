// `runs show <id>`: a payroll run's status, counts and money; --json prints the whole summary and
// every item with its attempts, for scripts.
import { formatKesWithCurrency } from '../../../shared/money';
import { openProfileDatabase } from '../../app/profile-database';
import type { ProfileDatabase } from '../../db';
import { listRunItems, runSummary, type PayrollItem } from '../../payroll/runs';
import { runDisplayLabels } from '../../payroll/status';
import { line, table, type CliIo } from '../output';
import { defaultProfileName, integerOption, parseCommand, UsageError } from '../usage';

export const runsHelp = `Usage: npm run cli -- runs show <run-id> [--json] [--profile <name>]

Shows a payroll run: its status, how many people are paid, failed or still pending, and the money.
  --json   the run, its totals and every item with its attempts, as JSON
`;

interface AttemptView {
  attemptNumber: number;
  originatorConversationId: string;
  state: string;
  receipt: string | null;
  resultCode: string | null;
  resultDesc: string | null;
}

export async function runsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, runsHelp);
  if (values.help === true) {
    io.out.write(runsHelp);
    return 0;
  }
  const [subcommand, id, ...extra] = positionals;
  if (subcommand !== 'show') throw new UsageError(subcommand === undefined ? 'runs needs a subcommand: show' : `Unknown runs subcommand "${subcommand}"`, runsHelp);
  if (id === undefined || extra.length > 0) throw new UsageError('runs show takes one run id', runsHelp);
  const runId = integerOption(id, 'run id', runsHelp, 1) as number;

  const opened = openProfileDatabase(values.profile ?? defaultProfileName);
  try {
    const summary = runSummary(opened.db, runId);
    const items = listRunItems(opened.db, runId);
    if (values.json === true) {
      const attempts = attemptsByItem(opened.db, runId);
      line(io.out, JSON.stringify({ ...summary, items: items.map((item) => ({ ...item, attempts: attempts.get(item.id) ?? [] })) }, null, 2));
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
        ['charges', '', `${formatKesWithCurrency(summary.charges.recordedCents)} recorded, ${formatKesWithCurrency(summary.charges.estimatedCents)} estimated`],
      ]),
    );
    if (summary.nameMismatches > 0) line(io.out, `${summary.nameMismatches} paid number(s) are registered to a different name: check them.`);
    const failed = items.filter((item: PayrollItem) => item.state === 'failed');
    for (const item of failed.slice(0, 20)) line(io.out, `  failed: ${item.name} ${item.phone} ${formatKesWithCurrency(item.amountCents)}`);
    if (failed.length > 20) line(io.out, `  … and ${failed.length - 20} more (see --json)`);
    return 0;
  } finally {
    opened.close();
  }
}

function attemptsByItem(db: ProfileDatabase, runId: number): Map<number, AttemptView[]> {
  const rows = db
    .prepare(
      `SELECT a.item_id, a.attempt_number, a.originator_conversation_id, a.state, a.receipt, a.result_code, a.result_desc
         FROM payout_attempts a JOIN payroll_items i ON i.id = a.item_id
        WHERE i.run_id = ? ORDER BY a.item_id, a.attempt_number`,
    )
    .all(runId) as Array<{
    item_id: number;
    attempt_number: number;
    originator_conversation_id: string;
    state: string;
    receipt: string | null;
    result_code: string | null;
    result_desc: string | null;
  }>;
  const byItem = new Map<number, AttemptView[]>();
  for (const row of rows) {
    const list = byItem.get(row.item_id) ?? [];
    list.push({
      attemptNumber: row.attempt_number,
      originatorConversationId: row.originator_conversation_id,
      state: row.state,
      receipt: row.receipt,
      resultCode: row.result_code,
      resultDesc: row.result_desc,
    });
    byItem.set(row.item_id, list);
  }
  return byItem;
}
