// `refund <receipt>` and `refunds approve|decline|list|show`: refunds of received money from the
// command line, through the same domain functions as the screens (src/main/refunds/). The admin
// asks (exit 3: it waits for an approver); an approver other than them approves, which sends it
// through the payout engine and waits for M-Pesa's answer; or declines it with a reason.
import { formatDateTime } from '../../../shared/format';
import { formatKesWithCurrency, MoneyError, parseKes } from '../../../shared/money';
import { formatMsisdn } from '../../../shared/phone';
import type { RefundView } from '../../../shared/contract/refunds';
import { refundStates, type RefundStateName } from '../../../shared/contract/refunds';
import type { ProfileDatabase } from '../../db';
import { listRefunds, refundView } from '../../refunds/read';
import { declineRefund, requestRefund } from '../../refunds/refunds';
import { originalRow } from '../../refunds/originals';
import { approveAndSend, type RefundSendOutcome } from '../../refunds/send';
import type { SecretStore } from '../../secrets/secret-store';
import { listAccounts } from '../../users/account-rows';
import { actingPerson, openProfileAppAs, runActorOf } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { line, table, type CliIo } from '../output';
import { askYesNo } from '../prompt';
import { requireUserOption } from '../sign-in';
import { defaultProfileName, exitCodes, integerOption, parseCommand, UsageError } from '../usage';
import { tuningFrom } from './run-control';

const cliPrefix = 'npm run cli --';

export const refundHelp = `Usage: npm run cli -- refund <receipt> --amount <kes> --reason <text> --user <admin> [--phone <number>] [--yes] [--json] [--profile <name>]

Asks for a refund of a customer's payment (a C2B or STK receipt in the ledger) by B2C to the
number that paid. Part of the payment may be refunded; the refunds of one receipt never add up
to more than it. Nothing is sent: an approver other than you approves it with
"refunds approve <refund>", which sends it. Exit 3: the refund waits for that approval.

  --amount <kes>     how much goes back, in whole shillings ("1,500" or 1500)
  --reason <text>    why, for the approver and the audit log
  --phone <number>   the customer's full number, when M-Pesa showed it masked or coded: it is
                     checked against what M-Pesa showed, and refused when it does not fit
  --yes              ask without the confirmation question; with no terminal to ask on, nothing
                     is done without it (exit 1)
  --json             the refund as JSON on stdout
  --user <name>      the admin asking (password from MSHAHARA_PASSWORD or asked without echo)
`;

export const refundsHelp = `Usage: npm run cli -- refunds <subcommand> [options] [--profile <name>]

  refunds list [--state <state>] [--json]   refunds, newest first (states: ${refundStates.join(', ')})
  refunds show <refund> [--json]            one refund: the payment it returns, who asked and
                                            approved, and its receipt once paid
  refunds approve <refund> --user <approver>
                                            approves it (never the admin who asked); the approval
                                            that meets the approval policy sends it, then waits for
                                            M-Pesa's answer and prints the refund's receipt. Exit 3
                                            while it needs another approver. Also sends again a
                                            refund recorded as failed on a person's word (not by
                                            them or the asker): only once the M-Pesa statement
                                            shows it was not paid
  refunds decline <refund> --reason <text> --user <approver>
                                            declines a refund not yet sent; the amount is free again

  --base-url <url>, --rate <n>, --concurrency <n>, --result-timeout <s>   approve: as for pay
`;

function refundLines(refund: RefundView): string[] {
  const lines = [
    `Refund #${refund.id}: ${formatKesWithCurrency(refund.amountCents)} to ${refund.payerName} (${formatMsisdn(refund.phone)}) of receipt ${refund.original.receipt ?? `#${refund.original.transactionId}`} (${formatKesWithCurrency(refund.original.amountCents)} received ${formatDateTime(refund.original.occurredAt)}).`,
    `  ${refund.status}.`,
    `  Asked by ${refund.askedByName} on ${formatDateTime(refund.askedAt)}: ${refund.reason}`,
  ];
  if (refund.approvedBy.length > 0) lines.push(`  Approved by ${refund.approvedBy.join(', ')}.`);
  return lines;
}

function possibleApprovers(db: ProfileDatabase, refund: RefundView): string[] {
  return listAccounts(db)
    .filter((a) => a.disabledAt === null && a.roles.includes('approver') && a.username !== refund.askedBy)
    .map((a) => a.username);
}

function printWaiting(db: ProfileDatabase, refund: RefundView, io: CliIo): void {
  line(
    io.err,
    `Refund #${refund.id} needs ${refund.waitingFor ?? 'approval'}: run "${cliPrefix} refunds approve ${refund.id} --user <approver>".`,
  );
  const who = possibleApprovers(db, refund);
  line(io.err, who.length > 0 ? `  Who can approve it: ${who.join(', ')}.` : '  Nobody here can approve it yet.');
}

const refundOptions = {
  amount: { type: 'string' },
  reason: { type: 'string' },
  phone: { type: 'string' },
  user: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
} as const;

/** `refund <receipt> --amount <kes> --reason <text> --user <admin>`: asks; exit 3 while it waits for approval. */
export async function refundCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(args, refundOptions, refundHelp);
  if (values.help === true) {
    io.out.write(refundHelp);
    return exitCodes.ok;
  }
  const [receipt, ...extra] = positionals;
  if (receipt === undefined || extra.length > 0)
    throw new UsageError('refund takes one receipt (the customer’s M-Pesa receipt in the ledger)', refundHelp);
  if (values.amount === undefined) throw new UsageError('refund needs --amount <kes>', refundHelp);
  let amountCents: number;
  try {
    amountCents = parseKes(values.amount);
  } catch (error) {
    if (error instanceof MoneyError) throw new UsageError(`--amount: ${error.message}`, refundHelp);
    throw error;
  }
  const reason = values.reason?.trim();
  if (reason === undefined || reason === '')
    throw new UsageError('refund needs --reason <text>: why the money goes back, for the approver', refundHelp);
  const user = requireUserOption(values.user, 'refund', refundHelp);
  const profile = values.profile ?? defaultProfileName;
  if (values.yes !== true) {
    if (io.input.isTTY !== true) {
      line(io.err, 'Nothing done: refund needs --yes when there is no terminal to ask on.');
      return exitCodes.error;
    }
    const opened = await openProfileForCommand(profile, { io, secrets: deps.secrets });
    let question: string;
    try {
      const original = originalRow(opened.db, { receipt });
      question = `Ask for a refund of ${formatKesWithCurrency(amountCents)} of receipt ${original.receipt ?? receipt} (${formatKesWithCurrency(original.amount_cents)} from ${original.party_name ?? original.party_display ?? 'the customer'})?`;
    } finally {
      opened.close();
    }
    if (!(await askYesNo(question, io.input, io.err))) {
      line(io.out, 'Nothing asked.');
      return exitCodes.ok;
    }
  }
  const opened = await openProfileForCommand(profile, { io, secrets: deps.secrets, exclusive: true });
  try {
    const { db } = opened;
    const caller = await actingPerson(db, opened.profile.name, deps.secrets, io, user, 'refund');
    const id = requestRefund(db, { receipt, amountCents, reason, phone: values.phone ?? null }, runActorOf(caller));
    const refund = refundView(db, id);
    if (values.json === true) line(io.out, JSON.stringify(refund, null, 2));
    else for (const text of refundLines(refund)) line(io.out, text);
    printWaiting(db, refund, io);
    return exitCodes.approvalNeeded;
  } finally {
    opened.close();
  }
}

const refundsOptions = {
  user: { type: 'string' },
  reason: { type: 'string' },
  state: { type: 'string' },
  json: { type: 'boolean' },
  'base-url': { type: 'string' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  'result-timeout': { type: 'string' },
} as const;

const subcommands = ['list', 'show', 'approve', 'decline'] as const;

export async function refundsCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values, positionals } = parseCommand(args, refundsOptions, refundsHelp);
  if (values.help === true) {
    io.out.write(refundsHelp);
    return exitCodes.ok;
  }
  const [subcommand, id, ...extra] = positionals;
  if (subcommand === undefined || !(subcommands as readonly string[]).includes(subcommand))
    throw new UsageError(`refunds needs a subcommand: ${subcommands.join(', ')}`, refundsHelp);
  if (extra.length > 0) throw new UsageError(`Unexpected "${extra.join(' ')}"`, refundsHelp);
  const only = (allowed: ReadonlyArray<keyof typeof refundsOptions>): void => {
    for (const flag of Object.keys(refundsOptions) as Array<keyof typeof refundsOptions>)
      if (values[flag] !== undefined && !allowed.includes(flag))
        throw new UsageError(`refunds ${subcommand} does not take --${flag}`, refundsHelp);
  };
  const refundId = (): number => {
    if (id === undefined) throw new UsageError(`refunds ${subcommand} takes one refund number`, refundsHelp);
    return integerOption(id, 'refund number', refundsHelp, 1) as number;
  };
  const profile = values.profile ?? defaultProfileName;
  switch (subcommand) {
    case 'list': {
      only(['state', 'json']);
      if (id !== undefined) throw new UsageError('refunds list takes no refund number', refundsHelp);
      const state = values.state;
      if (state !== undefined && !(refundStates as readonly string[]).includes(state))
        throw new UsageError(`--state is one of ${refundStates.join(', ')}`, refundsHelp);
      const opened = await openProfileForCommand(profile, { io, secrets: deps.secrets });
      try {
        const { refunds, total } = listRefunds(opened.db, {
          ...(state === undefined ? {} : { state: state as RefundStateName }),
          limit: 500,
        });
        if (values.json === true) {
          line(io.out, JSON.stringify({ refunds, total }, null, 2));
          return exitCodes.ok;
        }
        if (refunds.length === 0) {
          line(io.out, 'No refunds.');
          return exitCodes.ok;
        }
        line(
          io.out,
          table([
            ['refund', 'receipt', 'amount', 'to', 'state', 'asked by'],
            ...refunds.map((r) => [
              `#${r.id}`,
              r.original.receipt ?? '',
              formatKesWithCurrency(r.amountCents),
              `${r.payerName} (${formatMsisdn(r.phone)})`,
              r.state === 'paid' && r.refundReceipt !== null ? `paid ${r.refundReceipt}` : r.state.replace('_', ' '),
              r.askedBy,
            ]),
          ]),
        );
        return exitCodes.ok;
      } finally {
        opened.close();
      }
    }
    case 'show': {
      only(['json']);
      const opened = await openProfileForCommand(profile, { io, secrets: deps.secrets });
      try {
        const refund = refundView(opened.db, refundId());
        if (values.json === true) line(io.out, JSON.stringify(refund, null, 2));
        else for (const text of refundLines(refund)) line(io.out, text);
        return exitCodes.ok;
      } finally {
        opened.close();
      }
    }
    case 'decline': {
      only(['user', 'reason', 'json']);
      const reason = values.reason?.trim();
      if (reason === undefined || reason === '')
        throw new UsageError('refunds decline needs --reason <text>: the admin reads it', refundsHelp);
      const user = requireUserOption(values.user, 'refunds decline', refundsHelp);
      const opened = await openProfileForCommand(profile, { io, secrets: deps.secrets, exclusive: true });
      try {
        const caller = await actingPerson(opened.db, opened.profile.name, deps.secrets, io, user, 'refunds decline');
        declineRefund(opened.db, refundId(), runActorOf(caller), reason);
        const refund = refundView(opened.db, refundId());
        if (values.json === true) line(io.out, JSON.stringify(refund, null, 2));
        else for (const text of refundLines(refund)) line(io.out, text);
        return exitCodes.ok;
      } finally {
        opened.close();
      }
    }
    case 'approve': {
      only(['user', 'json', 'base-url', 'rate', 'concurrency', 'result-timeout']);
      return approveRefundCommand(profile, refundId(), values, io, deps);
    }
    default:
      throw new UsageError(`Unknown refunds subcommand "${subcommand}"`, refundsHelp);
  }
}

/** `refunds approve <refund>`: the approval that meets the policy sends it; waits for M-Pesa's answer. */
async function approveRefundCommand(
  profile: string,
  refundId: number,
  values: {
    user?: string;
    json?: boolean;
    'base-url'?: string;
    rate?: string;
    concurrency?: string;
    'result-timeout'?: string;
  },
  io: CliIo,
  deps: { secrets: () => SecretStore },
): Promise<number> {
  const user = requireUserOption(values.user, 'refunds approve', refundsHelp);
  const { app, caller } = await openProfileAppAs(
    profile,
    { secrets: deps.secrets, ...tuningFrom(values, refundsHelp) },
    io,
    user,
    'refunds approve',
  );
  try {
    const print = (refund: RefundView, outcome: RefundSendOutcome): void => {
      if (values.json === true) line(io.out, JSON.stringify({ refund, ...outcome }, null, 2));
      else for (const text of refundLines(refund)) line(io.out, text);
    };
    const waitForAnswer = async (runId: number): Promise<number> => {
      await app.engine.waitUntilFinal(runId);
      const refund = refundView(app.db, refundId);
      print(refund, { sent: true, notSent: null });
      return refund.state === 'paid' ? exitCodes.ok : exitCodes.error;
    };
    const before = refundView(app.db, refundId);
    if (before.state === 'sending') {
      // Approved and sent by an earlier program that stopped or crashed: the engine resumed its
      // run when it started, on evidence; wait for it as that program would have.
      line(io.err, `Refund #${refundId} was already sent; waiting for M-Pesa's answer.`);
      return await waitForAnswer(before.runId);
    }
    const outcome = await approveAndSend(app.db, app.engine, refundId, runActorOf(caller));
    if (!outcome.sent) {
      const refund = refundView(app.db, refundId);
      print(refund, outcome);
      if (outcome.notSent !== null) {
        line(io.err, outcome.notSent);
        return exitCodes.error;
      }
      printWaiting(app.db, refund, io);
      return exitCodes.approvalNeeded;
    }
    line(io.err, `Sending refund #${refundId}; waiting for M-Pesa's answer.`);
    return await waitForAnswer(before.runId);
  } finally {
    await app.close();
  }
}
