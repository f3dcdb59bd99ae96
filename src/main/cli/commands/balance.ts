// `balance`: asks M-Pesa for the account balances (Account Balance) and waits for the result,
// which arrives as a callback, then prints each account.
import { DarajaError, UnavailableError } from '../../../shared/errors';
import { formatKesWithCurrency } from '../../../shared/money';
import { defaultResultTimeoutMs } from '../../composition/open-profile-app';
import { balanceAnswerReportsBalances, balanceRefusalReason } from '../../callback-sources/inbox/entries';
import { askAccountBalance } from '../../payroll/engine/balance-query';
import { floatAccountsOfAnswer } from '../../payroll/float';
import type { SecretStore } from '../../secrets/secret-store';
import { line, table, type CliIo } from '../output';
import { defaultProfileName, parseCommand, positiveNumber } from '../usage';
import { openProfileAppAs } from '../acting';
import { requireUserOption } from '../sign-in';

export const balanceHelp = `Usage: npm run cli -- balance --user <name> [--profile <name>] [--json]

Asks M-Pesa for the balance of each account of the profile's shortcode (Utility, Working,
Charges Paid …) and prints them when M-Pesa's answer arrives. The answer is kept (it is the float
the dashboard and pay check), so it is asked as someone: a payroll officer, approver or accountant.
  --user <name>        who asks, signed in with MSHAHARA_PASSWORD or a password asked without echo
  --base-url <url>     demo: a simulator already running
  --wait <s>           how long to wait for the answer (default: 5 s demo, 60 s otherwise)
  --json               the accounts as JSON
`;

export async function balanceCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values } = parseCommand(
    args,
    { 'base-url': { type: 'string' }, wait: { type: 'string' }, json: { type: 'boolean' }, user: { type: 'string' } },
    balanceHelp,
  );
  if (values.help === true) {
    io.out.write(balanceHelp);
    return 0;
  }
  const waitSeconds = positiveNumber(values.wait, '--wait', balanceHelp);
  const user = requireUserOption(values.user, 'balance', balanceHelp);
  // The engine is not started: asking the balance must not resume a payroll run as a side effect.
  const { app } = await openProfileAppAs(
    values.profile ?? defaultProfileName,
    {
      secrets: deps.secrets,
      startEngine: false,
      ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
    },
    io,
    user,
    'balance',
  );
  try {
    const waitMs = waitSeconds === undefined ? defaultResultTimeoutMs(app.profile) : waitSeconds * 1000;
    // The engine is not running here, so the answer is applied as it arrives.
    const answer = await askAccountBalance(app, {
      remarks: 'Balance check',
      waitMs,
      answerKinds: ['balance-result'],
      applyAnswers: true,
    });
    if (answer.kind === 'refused') throw answer.error;
    const conversationId = answer.conversationId;
    if (answer.kind === 'no_answer')
      throw new UnavailableError(
        `M-Pesa accepted the balance query but its answer did not arrive within ${Math.round(waitMs / 1000)} s. Try again.`,
      );
    if (!balanceAnswerReportsBalances(app.db, answer.inboxId))
      throw new DarajaError(
        `M-Pesa refused the balance query: ${balanceRefusalReason(app.db, conversationId) ?? 'no reason given'}`,
      );
    const accounts = floatAccountsOfAnswer(app.db, conversationId);
    if (values.json === true) {
      line(io.out, JSON.stringify(accounts, null, 2));
    } else {
      line(io.out, `Balances of shortcode ${app.profile.shortcode} (${app.profile.name}):`);
      line(
        io.out,
        table([
          ['account', 'available', 'reserved', 'uncleared'],
          ...accounts.map((a) => [
            a.account,
            formatKesWithCurrency(a.availableCents),
            formatKesWithCurrency(a.reservedCents ?? 0),
            formatKesWithCurrency(a.unclearedCents ?? 0),
          ]),
        ]),
      );
    }
    return 0;
  } finally {
    await app.close();
  }
}
