// `reverse <receipt> --reason <text> [--yes]`: the admin asks for a customer's payment to be
// reversed (nothing moves: exit 3 while it waits, naming who must approve); `reversals approve
// <id>`: an approver approves, and the approval that meets the policy sends it and waits for
// M-Pesa's outcome; `reversals list`. Every rule is the reversals domain's (src/main/reversals/).
import { NotFoundError } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { formatKesWithCurrency } from '../../../shared/money';
import { defaultResultTimeoutMs } from '../../composition/open-profile-app';
import { findByReceipt } from '../../ledger/transactions';
import { approveReversal, requestReversal, waitingWords } from '../../reversals/requests';
import { portalRouteWords, reversalRefusal } from '../../reversals/rules';
import { recoverReversals, sendReversal } from '../../reversals/send';
import { listReversals, requireReversalView } from '../../reversals/views';
import type { SecretStore } from '../../secrets/secret-store';
import { openProfileAppAs, readingPerson } from '../acting';
import { openProfileForCommand } from '../open-profile';
import { line, table, type CliIo } from '../output';
import { requireUserOption } from '../sign-in';
import { defaultProfileName, exitCodes, parseCommand, positiveNumber, UsageError } from '../usage';

export const reverseHelp = `Usage: npm run cli -- reverse <receipt> --reason <text> [--yes] --user <admin> [--json] [--profile <name>]
       npm run cli -- reversals approve <id> --user <approver> [--wait <s>] [--json]
       npm run cli -- reversals list --user <name> [--json]
       npm run cli -- reversals recover --user <approver> [--wait <s>] [--json]

Reverses money a customer paid in (Pay Bill, Buy Goods, M-Pesa Express), the whole amount. The admin
asks; an approver other than them approves, and the approval that meets the approval policy sends
it to M-Pesa. A payment to a customer cannot be reversed through M-Pesa's API:
${portalRouteWords}
  --reason <text>   why it is reversed (kept with the request and in the audit log)
  --yes             ask for it; without it, only shows what would be asked
  --wait <s>        how long to wait for M-Pesa's result (default: 5 s demo, 60 s otherwise)
  --json            the reversal as JSON
Exit code 3: the reversal waits for approval.
"reversals recover" settles what a stop or a crash left in flight, on evidence only: a reversal
left sending becomes unknown, an approved one is sent, results stored meanwhile are applied, and
an unsettled one is asked about by Transaction Status or put on the approvers' work list.
`;

type Deps = { secrets: () => SecretStore };

export async function reverseCommand(args: string[], io: CliIo, deps: Deps): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      reason: { type: 'string' },
      yes: { type: 'boolean' },
      json: { type: 'boolean' },
      user: { type: 'string' },
      'base-url': { type: 'string' },
    },
    reverseHelp,
  );
  if (values.help === true) {
    io.out.write(reverseHelp);
    return exitCodes.ok;
  }
  const receipt = positionals[0]?.trim().toUpperCase();
  if (receipt === undefined || receipt === '')
    throw new UsageError('Name the receipt of the payment to reverse.', reverseHelp);
  if (values.reason === undefined || values.reason.trim() === '')
    throw new UsageError('Say why it is reversed: --reason <text>.', reverseHelp);
  const user = requireUserOption(values.user, 'reverse', reverseHelp);
  const { app, caller } = await openProfileAppAs(
    values.profile ?? defaultProfileName,
    {
      secrets: deps.secrets,
      startEngine: false,
      ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
    },
    io,
    user,
    'reverse --yes',
  );
  try {
    const original = findByReceipt(app.db, receipt);
    if (original === undefined) throw new NotFoundError(`There is no payment ${receipt} in the ledger.`);
    if (values.yes !== true) {
      const refusal = reversalRefusal(app.db, original);
      line(
        io.out,
        `Payment ${receipt}: ${formatKesWithCurrency(original.amountCents)} from ${original.partyName ?? original.partyDisplay ?? 'a customer'}.`,
      );
      line(io.out, refusal === null ? 'Add --yes to ask for it to be reversed (the whole amount).' : refusal.message);
      return refusal === null ? exitCodes.ok : exitCodes.error;
    }
    const reversal = requestReversal(app.db, { transactionId: original.id, reason: values.reason }, caller);
    const view = requireReversalView(app.db, reversal.id, caller);
    if (values.json === true) line(io.out, JSON.stringify(view, null, 2));
    else
      line(
        io.out,
        `Asked to reverse ${receipt} (${formatKesWithCurrency(reversal.amountCents)}): reversal #${reversal.id}. Nothing was sent.`,
      );
    line(
      io.err,
      `${waitingWords(app.db, reversal)} Run "npm run cli -- reversals approve ${reversal.id} --user <approver>".`,
    );
    return exitCodes.approvalNeeded;
  } finally {
    await app.close();
  }
}

export async function reversalsCommand(args: string[], io: CliIo, deps: Deps): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommand(
    rest,
    { json: { type: 'boolean' }, user: { type: 'string' }, wait: { type: 'string' }, 'base-url': { type: 'string' } },
    reverseHelp,
  );
  if (values.help === true || sub === undefined) {
    io.out.write(reverseHelp);
    return exitCodes.ok;
  }
  const profile = values.profile ?? defaultProfileName;
  if (sub === 'list') {
    const user = requireUserOption(values.user, 'reversals list', reverseHelp);
    const opened = await openProfileForCommand(profile, { io, secrets: deps.secrets });
    try {
      const caller = await readingPerson(opened.db, opened.profile.name, deps.secrets, io, user, 'reversals list');
      const listed = listReversals(opened.db, 'all', caller);
      if (values.json === true) line(io.out, JSON.stringify(listed, null, 2));
      else if (listed.reversals.length === 0) line(io.out, 'No reversals yet.');
      else
        line(
          io.out,
          table(
            listed.reversals.map((r) => [
              `#${r.id}`,
              r.originalReceipt,
              formatKesWithCurrency(r.amountCents),
              formatDateTime(r.requestedAt),
              r.requestedBy,
              r.stateWords,
            ]),
          ),
        );
      return exitCodes.ok;
    } finally {
      opened.close();
    }
  }
  if (sub === 'recover') {
    const user = requireUserOption(values.user, 'reversals recover', reverseHelp);
    const waitSeconds = positiveNumber(values.wait, '--wait', reverseHelp);
    const { app, caller } = await openProfileAppAs(
      profile,
      {
        secrets: deps.secrets,
        startEngine: false,
        ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
      },
      io,
      user,
      'reversals recover',
    );
    try {
      const waitMs = waitSeconds === undefined ? defaultResultTimeoutMs(app.profile) : waitSeconds * 1000;
      await recoverReversals(app, { resultWaitMs: waitMs, statusWaitMs: waitMs });
      const listed = listReversals(app.db, 'all', caller);
      if (values.json === true) line(io.out, JSON.stringify(listed, null, 2));
      else for (const r of listed.reversals) line(io.out, `#${r.id} ${r.originalReceipt}: ${r.stateWords}`);
      return exitCodes.ok;
    } finally {
      await app.close();
    }
  }
  if (sub !== 'approve') throw new UsageError(`Unknown reversals command "${sub}".`, reverseHelp);
  const id = Number(positionals[0]);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new UsageError('Name the reversal to approve by its number.', reverseHelp);
  const user = requireUserOption(values.user, 'reversals approve', reverseHelp);
  const waitSeconds = positiveNumber(values.wait, '--wait', reverseHelp);
  const { app, caller } = await openProfileAppAs(
    profile,
    {
      secrets: deps.secrets,
      startEngine: false,
      ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
    },
    io,
    user,
    'reversals approve',
  );
  try {
    const outcome = approveReversal(app.db, id, caller);
    if (outcome.kind === 'waiting') {
      line(io.out, `Approved by ${caller.username}. ${waitingWords(app.db, outcome.reversal)}`);
      return exitCodes.approvalNeeded;
    }
    const waitMs = waitSeconds === undefined ? defaultResultTimeoutMs(app.profile) : waitSeconds * 1000;
    await sendReversal(app, id, caller.username, { resultWaitMs: waitMs, statusWaitMs: waitMs });
    const view = requireReversalView(app.db, id, caller);
    if (values.json === true) line(io.out, JSON.stringify(view, null, 2));
    else line(io.out, `Reversal #${id} of ${view.originalReceipt}: ${view.stateWords}`);
    return view.state === 'succeeded'
      ? exitCodes.ok
      : view.state === 'failed' || view.state === 'rejected'
        ? exitCodes.error
        : exitCodes.ok;
  } finally {
    await app.close();
  }
}
