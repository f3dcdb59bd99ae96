// The float check before a run starts: can the B2C utility account cover every payment plus the
// estimated charges? The balance comes from an Account Balance result (a callback, as a snapshot).
import type { DarajaClient } from '../../daraja';
import type { ProfileDatabase } from '../../db';
import type { CallbackSource } from '../../callback-sources/inbox/source';
import { ConflictError, UnavailableError } from '../../../shared/errors';
import { formatKesWithCurrency } from '../../../shared/money';
import { estimateRunCharges, type RunChargeEstimate } from '../charges';
import { askAccountBalance } from './balance-query';

/** What the run's unsent items need: amounts and estimated charges. */
export function runFloatNeed(db: ProfileDatabase, runId: number): RunChargeEstimate {
  const items = db
    .prepare(`SELECT amount_cents AS amountCents FROM payroll_items WHERE run_id = ? AND state IN ('draft', 'queued')`)
    .all(runId) as Array<{ amountCents: number }>;
  return estimateRunCharges(items);
}

/**
 * What other runs will still take from the float: lines of approved runs not yet started, lines
 * queued in running or paused runs, and payments with M-Pesa not yet answered (the balance M-Pesa
 * last reported may not show them). A second run must fit beside them, not only on its own.
 */
export function committedElsewhere(db: ProfileDatabase, exceptRunId: number | null): RunChargeEstimate {
  const items = db
    .prepare(
      `SELECT i.amount_cents AS amountCents FROM payroll_items i JOIN payroll_runs r ON r.id = i.run_id
        WHERE r.id IS NOT ?
          AND ((r.state = 'approved' AND i.state = 'draft') OR (r.state IN ('running', 'paused') AND i.state = 'queued') OR i.state = 'paying')`,
    )
    .all(exceptRunId) as Array<{ amountCents: number }>;
  return estimateRunCharges(items);
}

/** Utility available from the snapshot the given balance query produced, or null if it has not arrived. */
export function utilityFromQuery(db: ProfileDatabase, conversationId: string): number | null {
  const row = db
    .prepare(
      `SELECT available_cents FROM balance_snapshots WHERE conversation_id = ? AND account = 'Utility Account' ORDER BY id DESC LIMIT 1`,
    )
    .get(conversationId) as { available_cents: number } | undefined;
  return row?.available_cents ?? null;
}

/** Refuses with the shortfall named when the float cannot cover the run beside what other runs will take. */
export function requireFloat(availableCents: number, need: RunChargeEstimate, elsewhere?: RunChargeEstimate): void {
  const others = elsewhere?.totalWithChargesCents ?? 0;
  if (availableCents >= need.totalWithChargesCents + others) return;
  const short = need.totalWithChargesCents + others - availableCents;
  const besides =
    others > 0 ? `, besides ${formatKesWithCurrency(others)} that other approved or running runs will take,` : '';
  throw new ConflictError(
    `The B2C utility account holds ${formatKesWithCurrency(availableCents)} but this run needs ${formatKesWithCurrency(need.totalWithChargesCents)} ` +
      `(${formatKesWithCurrency(need.amountCents)} in payments + ${formatKesWithCurrency(need.chargesCents)} estimated charges)${besides}: short by ${formatKesWithCurrency(short)}. Top up the float first.`,
  );
}

/**
 * The Utility balance M-Pesa reported most recently, if it reported one (a balance result, or the
 * balances a B2C result carries) after `since`; null otherwise.
 */
export function utilityReportedSince(db: ProfileDatabase, since: string): number | null {
  const row = db
    .prepare(
      `SELECT available_cents FROM balance_snapshots WHERE account = 'Utility Account' AND recorded_at >= ? ORDER BY observed_at DESC, id DESC LIMIT 1`,
    )
    .get(since) as { available_cents: number } | undefined;
  return row?.available_cents ?? null;
}

/**
 * Asks Account Balance and waits for its result callback (applied into balance_snapshots by the
 * engine, whose listener runs before the wait's). A lost balance callback is harmless: ask again, a few times, before giving up. A query
 * whose answer was lost may still have been processed, and its result arrive all the same: any
 * Utility balance M-Pesa reports after the check began is as good as the one asked for.
 */
export async function queryUtilityBalance(
  db: ProfileDatabase,
  client: DarajaClient,
  source: CallbackSource,
  waitMs: number,
): Promise<number> {
  const since = new Date().toISOString();
  // Whether a query may have reached M-Pesa without its answer reaching us (a balance query is
  // safe to repeat, so the client calls such a failure transient rather than unknown).
  let answerLost = false;
  const reportedAnyway = (): number | null => utilityReportedSince(db, since);
  for (let tryNumber = 1; tryNumber <= 3; tryNumber++) {
    const answer = await askAccountBalance(
      { db, client, source },
      { remarks: 'Float check before a payroll run', waitMs, answerKinds: ['balance-result'] },
    );
    if (answer.kind === 'refused') {
      if (answer.outcome === 'definitive') throw answer.error;
      if (answer.outcome === 'unknown' || answer.outcome === 'transient') answerLost = true;
      const reported = reportedAnyway();
      if (reported !== null) return reported;
      continue;
    }
    const available = utilityFromQuery(db, answer.conversationId) ?? reportedAnyway();
    if (available !== null) return available;
  }
  if (answerLost) {
    // The last query's answer may have been lost a moment ago; its result is still on its way.
    const late = await pollFor(reportedAnyway, waitMs);
    if (late !== null) return late;
  }
  throw new UnavailableError(
    'M-Pesa did not report the account balance; the run was not started. Try again in a moment.',
  );
}

/** Looks every 50 ms, for at most `ms`, until `read` gives a value. */
async function pollFor(read: () => number | null, ms: number): Promise<number | null> {
  const until = Date.now() + ms;
  for (let value = read(); ; value = read()) {
    if (value !== null || Date.now() >= until) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
