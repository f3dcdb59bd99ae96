// `balance`: asks M-Pesa for the account balances (Account Balance) and waits for the result,
// which arrives as a callback, then prints each account.
import { DarajaError, UnavailableError } from '../../../shared/errors';
import { formatKesWithCurrency } from '../../../shared/money';
import { defaultResultTimeoutMs, openProfileApp } from '../../composition/open-profile-app';
import type { ProfileDatabase } from '../../db';
import { askAccountBalance } from '../../payroll/engine/balance-query';
import { parseCallback } from '../../daraja/callbacks';
import type { SecretStore } from '../../secrets/secret-store';
import { line, table, type CliIo } from '../output';
import { defaultProfileName, parseCommand, positiveNumber } from '../usage';
import { warnOfAuditCheck } from '../audit-alarm';

export const balanceHelp = `Usage: npm run cli -- balance [--profile <name>] [--json]

Asks M-Pesa for the balance of each account of the profile's shortcode (Utility, Working,
Charges Paid …) and prints them when M-Pesa's answer arrives.
  --base-url <url>     demo: a simulator already running
  --wait <s>           how long to wait for the answer (default: 5 s demo, 60 s otherwise)
  --json               the accounts as JSON
`;

interface AccountRow {
  account: string;
  currency: string;
  available_cents: number;
  current_cents: number | null;
  reserved_cents: number | null;
  uncleared_cents: number | null;
  observed_at: string;
}

export async function balanceCommand(args: string[], io: CliIo, deps: { secrets: () => SecretStore }): Promise<number> {
  const { values } = parseCommand(
    args,
    { 'base-url': { type: 'string' }, wait: { type: 'string' }, json: { type: 'boolean' } },
    balanceHelp,
  );
  if (values.help === true) {
    io.out.write(balanceHelp);
    return 0;
  }
  const waitSeconds = positiveNumber(values.wait, '--wait', balanceHelp);
  // The engine is not started: asking the balance must not resume a payroll run as a side effect.
  const app = await openProfileApp(values.profile ?? defaultProfileName, {
    secrets: deps.secrets,
    startEngine: false,
    ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
  });
  try {
    await warnOfAuditCheck(app, io);
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
    if (!balanceAnswered(app.db, answer.inboxId))
      throw new DarajaError(`M-Pesa refused the balance query: ${refusalReason(app.db, conversationId)}`);
    const accounts = app.db
      .prepare(
        `SELECT account, currency, available_cents, current_cents, reserved_cents, uncleared_cents, observed_at
             FROM balance_snapshots WHERE conversation_id = ? ORDER BY id`,
      )
      .all(conversationId) as AccountRow[];
    if (values.json === true) {
      line(
        io.out,
        JSON.stringify(
          accounts.map((a) => ({
            account: a.account,
            currency: a.currency,
            availableCents: a.available_cents,
            currentCents: a.current_cents,
            reservedCents: a.reserved_cents,
            unclearedCents: a.uncleared_cents,
            observedAt: a.observed_at,
          })),
          null,
          2,
        ),
      );
    } else {
      line(io.out, `Balances of shortcode ${app.profile.shortcode} (${app.profile.name}):`);
      line(
        io.out,
        table([
          ['account', 'available', 'reserved', 'uncleared'],
          ...accounts.map((a) => [
            a.account,
            formatKesWithCurrency(a.available_cents),
            formatKesWithCurrency(a.reserved_cents ?? 0),
            formatKesWithCurrency(a.uncleared_cents ?? 0),
          ]),
        ]),
      );
    }
    return 0;
  } finally {
    await app.close();
  }
}

/** Whether the balance result stored as `inboxId` reports balances (result code 0). */
function balanceAnswered(db: ProfileDatabase, inboxId: number): boolean {
  const row = db.prepare('SELECT body FROM inbox WHERE id = ?').get(inboxId) as { body: string };
  const parsed = parseCallback(row.body, 'balance-result');
  return parsed.ok && parsed.event.type === 'balance-result' && parsed.event.resultCode === '0';
}

function refusalReason(db: ProfileDatabase, conversationId: string): string {
  const row = db
    .prepare(`SELECT reason FROM inbox WHERE kind = 'balance-result' AND instr(body, ?) > 0 ORDER BY id DESC LIMIT 1`)
    .get(conversationId) as { reason: string | null } | undefined;
  return row?.reason ?? 'no reason given';
}
