// `reconcile show|finish <period>`: the reconciliation of one account for a month or range of days
// (balances, ledger figure, cleared total, difference, buckets); finish ticks the rows that
// matched and locks the period when the difference is zero. `--export` writes the report.
import { formatKesWithCurrency } from '../../../shared/money';
import {
  finishReconciliation,
  reconciliationHistory,
  showReconciliation,
  tickMatched,
  type Reconciliation,
} from '../../statements/reconcile';
import { exportReconciliation } from '../../statements/report';
import { line, table, type CliIo } from '../output';
import { bucketTable } from './statement';
import { defaultProfileName, parseCommand, UsageError } from '../usage';
import { actingPerson } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { requireUserOption } from '../sign-in';
import type { SecretStore } from '../../secrets/secret-store';
import { formatCount, formatDateTime, formatNumber } from '../../../shared/format';

export const reconcileHelp = `Usage: npm run cli -- reconcile show <period> [--account <name>] [--json] [--profile <name>]
       npm run cli -- reconcile finish <period> --user <accountant> [--account <name>] [--json]
       npm run cli -- reconcile history [--json]

<period> is a month (2026-12) or days (2026-12-01..2026-12-15), in Nairobi time.
  show      the statement's opening and closing balance, the ledger's figure, the cleared total,
            the difference, the buckets and the rows only in the ledger
  finish    ticks every matched, charge and reversal row, then finishes when the difference is
            zero: the reconciled rows are locked for good (exit 1 and the reason otherwise)
  history   every reconciliation finished, who finished it and when
  --user <name>             finish: who finishes it, an accountant, signed in with
                            MSHAHARA_PASSWORD or a password asked without echo
  --account <name>          default "Utility Account"
  --export <file>           also write the report (.csv or .xlsx by the name)
  --json                    the whole reconciliation as JSON
`;

export async function reconcileCommand(
  args: string[],
  io: CliIo,
  deps: { secrets: () => SecretStore },
): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { account: { type: 'string' }, json: { type: 'boolean' }, export: { type: 'string' }, user: { type: 'string' } },
    reconcileHelp,
  );
  if (values.help === true) {
    io.out.write(reconcileHelp);
    return 0;
  }
  const [subcommand, period, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, reconcileHelp);
  if (subcommand !== 'show' && subcommand !== 'finish' && subcommand !== 'history') {
    throw new UsageError(
      subcommand === undefined
        ? 'reconcile needs a subcommand: show, finish or history'
        : `Unknown reconcile subcommand "${subcommand}"`,
      reconcileHelp,
    );
  }
  if (subcommand !== 'history' && period === undefined)
    throw new UsageError(`reconcile ${subcommand} needs a period, e.g. 2026-12`, reconcileHelp);
  const account = values.account ?? 'Utility Account';
  // Finishing ticks rows and locks the period: an accountant does it, by name. Reading needs nobody.
  const user = subcommand === 'finish' ? requireUserOption(values.user, 'reconcile finish', reconcileHelp) : undefined;
  if (user === undefined && values.user !== undefined)
    throw new UsageError(`reconcile ${subcommand} only reads: it takes no --user`, reconcileHelp);
  // Looking needs no lock; finishing writes and holds the profile.
  const opened = await openProfileForCommand(values.profile ?? defaultProfileName, {
    io,
    secrets: deps.secrets,
    exclusive: subcommand === 'finish',
  });
  try {
    const db = opened.db;
    if (subcommand === 'history') {
      const history = reconciliationHistory(db);
      if (values.json === true) line(io.out, JSON.stringify(history, null, 2));
      else if (history.length === 0) line(io.out, 'No reconciliation yet.');
      else
        line(
          io.out,
          table([
            ['#', 'account', 'period', 'closing', 'locked rows', 'by', 'at'],
            ...history.map((h) => [
              String(h.id),
              h.account,
              h.period,
              formatKesWithCurrency(h.closingBalanceCents),
              formatNumber(h.lockedRows),
              h.finishedBy ?? '',
              h.finishedAt === null ? '' : formatDateTime(h.finishedAt),
            ]),
          ]),
        );
      return 0;
    }
    const now = new Date().toISOString();
    let view: Reconciliation;
    if (user !== undefined) {
      const actor = (await actingPerson(db, opened.profile.name, deps.secrets, io, user, 'reconcile finish')).username;
      tickMatched(db, { account, period: period as string, actor, now });
      view = finishReconciliation(db, { account, period: period as string, actor, now });
    } else {
      view = showReconciliation(db, account, period as string);
    }
    if (values.export !== undefined)
      await exportReconciliation(view, values.export, values.export.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv');
    if (values.json === true) line(io.out, JSON.stringify(view, null, 2));
    else printView(view, io);
    return 0;
  } finally {
    opened.close();
  }
}

function printView(v: Reconciliation, io: CliIo): void {
  line(
    io.out,
    `${v.account}, ${v.period}: ${v.state === 'finished' ? `reconciled by ${v.finishedBy ?? '?'} on ${v.finishedAt === null ? '?' : formatDateTime(v.finishedAt)}` : v.state.replace('_', ' ')}`,
  );
  line(
    io.out,
    table([
      ['opening balance', formatKesWithCurrency(v.openingBalanceCents)],
      ['closing balance', formatKesWithCurrency(v.closingBalanceCents)],
      ['statement movement', formatKesWithCurrency(v.statementNetCents)],
      ['ledger movement', formatKesWithCurrency(v.ledgerNetCents)],
      ['cleared', formatKesWithCurrency(v.clearedCents)],
      ['difference', formatKesWithCurrency(v.differenceCents)],
    ]),
  );
  line(io.out, bucketTable(v.buckets));
  for (const r of v.rows.filter((row) => row.serious !== null))
    line(
      io.out,
      `Paid by M-Pesa, recorded as failed: ${r.receipt} ${r.otherParty ?? ''} ${formatKesWithCurrency(r.withdrawnCents)}`,
    );
  if (v.onlyInLedger.length > 0)
    line(
      io.out,
      `${formatCount(v.onlyInLedger.length, 'ledger row')} of the period ${v.onlyInLedger.length === 1 ? 'is' : 'are'} not on the statement: ${v.onlyInLedger
        .slice(0, 10)
        .map((t) => t.receipt ?? `#${t.id}`)
        .join(', ')}${v.onlyInLedger.length > 10 ? ', …' : ''}`,
    );
}
