// `runs retry <run>`: the run screen's Retry failed, and like it two people's work. A payroll
// officer asks (requestRetry: the failed lines the retry plan lists now) and nothing is sent; an
// approver other than the one who asked then runs the same command and approves that request
// (the engine's approveRequestedRetry), after which the lines are sent again and the command pays
// and waits like `pay`. Whether --user asks or approves is read from the profile: an open request
// and the approver role mean approving; anything else is asking. Either way sign-in and the
// contract's access check come first, and the domain refuses the asker who tries to approve.
import { formatCount, formatDateTime } from '../../../shared/format';
import { formatKesWithCurrency } from '../../../shared/money';
import { formatMsisdn } from '../../../shared/phone';
import type { ProfileDatabase } from '../../db';
import { openRetryRequest, requestRetry, type RetryRequest } from '../../payroll/retry-requests';
import { retryPlan } from '../../payroll/run-results';
import { accessRefusal } from '../../transports/access';
import { accountRowByName, rolesOf } from '../../users/account-rows';
import { openProfileAppAs, runActorOf, type ChangingCommand } from '../acting';
import { line, table } from '../output';
import { exitCodes } from '../usage';
import { followRun } from './pay';
import { confirmed, read, type RunCommandContext } from './run-control';

/** How a person types the command line, in every hint this prints. */
const cliPrefix = 'npm run cli --';

/**
 * Whether `username` would approve the open request or ask: approving when someone asked and they
 * hold a role that may approve. Only a guess from the profile (nothing is trusted yet): sign-in
 * and the access check of the chosen half decide, and the domain refuses the asker.
 */
function retryHalf(db: ProfileDatabase, username: string, open: RetryRequest | null): ChangingCommand {
  if (open === null) return 'runs retry (ask)';
  const account = accountRowByName(db, username);
  if (account === undefined) return 'runs retry (ask)';
  const person = {
    accountId: account.id,
    username: account.username,
    displayName: account.display_name,
    roles: rolesOf(db, account.id),
  };
  return accessRefusal('runs.approveRetry', person) === null ? 'runs retry (approve)' : 'runs retry (ask)';
}

/** `runs retry <run>`: asks for the failed payments to be sent again, or approves the open request. */
export async function retryCommand(ctx: RunCommandContext): Promise<number> {
  const { io, runId } = ctx;
  const seen = await read(ctx, (db) => {
    const open = openRetryRequest(db, runId);
    return { plan: retryPlan(db, runId), open, half: retryHalf(db, ctx.user, open) };
  });
  const { plan, open, half } = seen;
  if (plan.items.length === 0) {
    line(
      io.out,
      `Nothing to retry in payroll run #${runId}: no payment failed on M-Pesa's evidence (payments waiting for a person are never retried; see "runs attention ${runId}").`,
    );
    return exitCodes.ok;
  }
  line(
    io.out,
    `Retry failed for payroll run #${runId}: ${formatCount(plan.count, 'payment')}, ${formatKesWithCurrency(plan.amountCents)} and about ${formatKesWithCurrency(plan.chargesCents)} in charges.`,
  );
  line(
    io.out,
    table(
      plan.items
        .slice(0, 20)
        .map((item) => [
          `  #${item.itemId}`,
          item.name,
          formatMsisdn(item.phone),
          formatKesWithCurrency(item.amountCents),
          item.failure?.message ?? '',
        ]),
    ),
  );
  if (plan.items.length > 20) line(io.out, `  … and ${plan.items.length - 20} more (see "runs show ${runId} --json")`);
  return half === 'runs retry (approve)' && open !== null ? approveHalf(ctx, open) : askHalf(ctx);
}

/** The officer's half: the request is recorded, nothing is sent, and the approver is told what to run. */
async function askHalf(ctx: RunCommandContext): Promise<number> {
  const { io, runId } = ctx;
  // Nothing is sent: the engine stays stopped, so no other run's payments go out on the way.
  const { app, caller } = await openProfileAppAs(
    ctx.profile,
    { secrets: ctx.secrets, startEngine: false, ...ctx.tuning },
    io,
    ctx.user,
    'runs retry (ask)',
  );
  try {
    const request = requestRetry(app.db, runId, runActorOf(caller));
    line(
      io.out,
      `${request.requestedByUsername} asked for ${formatCount(request.count, 'payment')} of payroll run #${runId} (${formatKesWithCurrency(request.amountCents)}) to be sent again. Nothing was sent.`,
    );
    line(
      io.err,
      `An approver other than ${request.requestedByUsername} approves it: run "${cliPrefix} runs retry ${runId} --user <approver>".`,
    );
    return exitCodes.approvalNeeded;
  } finally {
    await app.close();
  }
}

/** The approver's half: confirmed, approved through the engine (never by the asker), then paid and followed. */
async function approveHalf(ctx: RunCommandContext, open: RetryRequest): Promise<number> {
  const { io, runId } = ctx;
  line(
    io.out,
    `${open.requestedByName} (${open.requestedByUsername}) asked on ${formatDateTime(open.requestedAt)} for ${formatCount(open.count, 'payment')}, ${formatKesWithCurrency(open.amountCents)}, to be sent again.`,
  );
  line(io.out, 'Each is sent again as a new payment, with a new OriginatorConversationID.');
  const answer = await confirmed(
    ctx,
    `Approve sending ${open.count === 1 ? 'this payment' : `these ${formatCount(open.count, 'payment')}`} again?`,
    'runs retry',
  );
  if (answer === 'cannot-ask') return exitCodes.error;
  if (answer === 'no') {
    line(io.out, 'Nothing sent.');
    return exitCodes.ok;
  }
  // The engine starts once the retry is approved: a refusal (the asker, a changed list) sends nothing.
  const { app, caller } = await openProfileAppAs(
    ctx.profile,
    { secrets: ctx.secrets, startEngine: false, ...ctx.tuning },
    io,
    ctx.user,
    'runs retry (approve)',
  );
  try {
    const queued = app.engine.approveRequestedRetry(runId, runActorOf(caller));
    line(io.err, `Retry approved: ${formatCount(queued, 'payment')} queued again.`);
    await app.engine.start();
    return await followRun(app, runId, io);
  } finally {
    await app.close();
  }
}
