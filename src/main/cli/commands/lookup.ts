// `lookup <receipt>`: asks M-Pesa about any receipt by Transaction Status and prints what it said,
// in words, beside the ledger's row; with --record, money this business received that the ledger
// lacks is recorded from M-Pesa's stored answer (an accountant or an admin, by --user).
import { formatDateTime, formatMoney } from '../../../shared/format';
import { defaultResultTimeoutMs, openProfileApp } from '../../composition/open-profile-app';
import { lookupReceipt, receiptLookupView, type ReceiptLookupView } from '../../lookups/receipt-lookup';
import { recordLookedUpPayment } from '../../lookups/record-lookup';
import type { SecretStore } from '../../secrets/secret-store';
import { openProfileAppAs, readingPerson } from '../acting';
import { warnOfAuditCheck } from '../audit-alarm';
import { line, table, type CliIo } from '../output';
import { requireUserOption } from '../sign-in';
import { defaultProfileName, parseCommand, positiveNumber, UsageError } from '../usage';

export const lookupHelp = `Usage: npm run cli -- lookup <receipt> [--json] [--record --user <name>] [--profile <name>]

Asks M-Pesa about any receipt (Transaction Status) and prints what it said: completed or not, the
amount, who paid whom, when, the reason type and charges, and whether the ledger has the receipt.
A non-zero answer speaks about the question, not about a payment. The question is kept: an answer
that comes after the wait is kept with it.
  --record            record money this business received that the ledger lacks, from M-Pesa's
                      own answer (an accountant or an admin, by --user)
  --user <name>       who asks, signed in with MSHAHARA_PASSWORD or a password asked without echo
                      (needed with --record)
  --base-url <url>    demo: a simulator already running
  --wait <s>          how long to wait for the answer (default: 5 s demo, 60 s otherwise)
  --json              the answer as JSON
`;

const receiptPattern = /^[A-Za-z0-9]{8,12}$/;

function printView(view: ReceiptLookupView, io: CliIo): void {
  line(io.out, `Receipt ${view.receipt} (lookup #${view.lookupId}):`);
  line(io.out, view.headline);
  if (view.state === 'answered') {
    const rows: string[][] = [
      ['completed', view.completed === true ? 'yes' : 'no'],
      ['amount', view.amountCents === null ? '—' : formatMoney(view.amountCents)],
      ['paid by', view.debitParty ?? '—'],
      ['paid to', view.creditParty ?? '—'],
      ['when', view.finalisedAt === null ? '—' : formatDateTime(view.finalisedAt)],
      ['reason type', view.reasonType ?? '—'],
      ['charges', view.chargesCents === null ? '—' : formatMoney(view.chargesCents)],
    ];
    line(io.out, table(rows));
  }
  for (const note of view.notes) line(io.out, note);
}

export async function lookupCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      'base-url': { type: 'string' },
      wait: { type: 'string' },
      json: { type: 'boolean' },
      record: { type: 'boolean' },
      user: { type: 'string' },
    },
    lookupHelp,
  );
  if (values.help === true) {
    io.out.write(lookupHelp);
    return 0;
  }
  const [receipt, ...extra] = positionals;
  if (receipt === undefined) throw new UsageError('Name the receipt to look up', lookupHelp);
  if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, lookupHelp);
  if (!receiptPattern.test(receipt))
    throw new UsageError(`"${receipt}" is not an M-Pesa receipt: 10 letters and digits, like QKL1ABC2DE`, lookupHelp);
  const waitSeconds = positiveNumber(values.wait, '--wait', lookupHelp);
  const profile = values.profile ?? defaultProfileName;
  const options = {
    secrets: deps.secrets,
    startEngine: false,
    ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
  };
  const recording = values.record === true;
  // The engine is not started: a lookup must not resume a payroll run as a side effect.
  const opened = recording
    ? await openProfileAppAs(
        profile,
        options,
        io,
        requireUserOption(values.user, 'lookup --record', lookupHelp),
        'lookup --record',
      )
    : null;
  const app = opened?.app ?? (await openProfileApp(profile, options));
  try {
    let actor = opened?.caller.username ?? 'command line';
    if (opened === null) {
      await warnOfAuditCheck(app, io);
      if (values.user !== undefined)
        actor = (await readingPerson(app.db, app.profile.name, deps.secrets, io, values.user, 'lookup')).username;
    }
    const waitMs = waitSeconds === undefined ? defaultResultTimeoutMs(app.profile) : waitSeconds * 1000;
    const shortcode = app.profile.shortcode;
    let view = await lookupReceipt(app, { receipt, actor, shortcode, waitMs });
    let recorded: number | null = null;
    if (recording) {
      recorded = recordLookedUpPayment(app.db, view.lookupId, shortcode, actor).id;
      view = receiptLookupView(app.db, view.lookupId, shortcode);
    }
    if (values.json === true) line(io.out, JSON.stringify({ ...view, recordedTransactionId: recorded }, null, 2));
    else {
      printView(view, io);
      if (recorded !== null) line(io.out, `Recorded as money received: ledger row #${recorded}.`);
    }
    return view.state === 'refused' ? 1 : 0;
  } finally {
    await app.close();
  }
}
