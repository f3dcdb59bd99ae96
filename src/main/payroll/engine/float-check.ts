// The float check before a run starts: can the B2C utility account cover every payment plus the
// estimated charges? The balance comes from an Account Balance result (a callback, as a snapshot).
import type { DarajaClient } from '../../daraja';
import type { ProfileDatabase } from '../../db';
import type { CallbackSource } from '../../inbox/source';
import { ConflictError, UnavailableError } from '../../../shared/errors';
import { formatKesWithCurrency } from '../../../shared/money';
import { estimateRunCharges, type RunChargeEstimate } from '../charges';

/** What the run's unsent items need: amounts and estimated charges. */
export function runFloatNeed(db: ProfileDatabase, runId: number): RunChargeEstimate {
  const items = db.prepare(`SELECT amount_cents AS amountCents FROM payroll_items WHERE run_id = ? AND state IN ('draft', 'queued')`).all(runId) as Array<{ amountCents: number }>;
  return estimateRunCharges(items);
}

/** Utility available from the snapshot the given balance query produced, or null if it has not arrived. */
export function utilityFromQuery(db: ProfileDatabase, conversationId: string): number | null {
  const row = db
    .prepare(`SELECT available_cents FROM balance_snapshots WHERE conversation_id = ? AND account = 'Utility Account' ORDER BY id DESC LIMIT 1`)
    .get(conversationId) as { available_cents: number } | undefined;
  return row?.available_cents ?? null;
}

/** Refuses with the shortfall named when the float cannot cover the run. */
export function requireFloat(availableCents: number, need: RunChargeEstimate): void {
  if (availableCents >= need.totalWithChargesCents) return;
  const short = need.totalWithChargesCents - availableCents;
  throw new ConflictError(
    `The B2C utility account holds ${formatKesWithCurrency(availableCents)} but this run needs ${formatKesWithCurrency(need.totalWithChargesCents)} ` +
      `(${formatKesWithCurrency(need.amountCents)} in payments + ${formatKesWithCurrency(need.chargesCents)} estimated charges): short by ${formatKesWithCurrency(short)}. Top up the float first.`,
  );
}

/**
 * Asks Account Balance and waits for its result callback (applied into balance_snapshots by the
 * engine). A lost balance callback is harmless: ask again, a few times, before giving up.
 */
export async function queryUtilityBalance(
  db: ProfileDatabase,
  client: DarajaClient,
  source: CallbackSource,
  waitMs: number,
  arrival: (conversationId: string) => { arrived: Promise<void>; forget: () => void },
): Promise<number> {
  for (let tryNumber = 1; tryNumber <= 3; tryNumber++) {
    const outcome = await client.accountBalance({
      remarks: 'Float check before a payroll run',
      resultUrl: source.callbackUrl('balance-result'),
      queueTimeoutUrl: source.callbackUrl('timeout'),
    });
    if (outcome.kind === 'definitive') throw outcome.error;
    if (outcome.kind !== 'accepted') continue;
    const conversationId = outcome.value.conversationId;
    const { arrived, forget } = arrival(conversationId);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (utilityFromQuery(db, conversationId) === null) {
        await Promise.race([arrived, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      }
    } finally {
      clearTimeout(timer);
      forget();
    }
    const available = utilityFromQuery(db, conversationId);
    if (available !== null) return available;
  }
  throw new UnavailableError('M-Pesa did not report the account balance; the run was not started. Try again in a moment.');
}
