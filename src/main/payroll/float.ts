// The float as the screens show it: the accounts of the latest Account Balance answer, and whether
// the utility account can pay a given total. Read from balance_snapshots (written by the engine).
import type { FloatView, MethodOutput } from '../../shared/contract';
import { formatKesWithCurrency } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { committedElsewhere } from './engine/float-check';

interface SnapshotRow {
  account: string;
  available_cents: number;
  current_cents: number | null;
  reserved_cents: number | null;
  uncleared_cents: number | null;
  observed_at: string;
  conversation_id: string | null;
  inbox_id: number | null;
}

/**
 * The accounts of the most recent balance answer (one answer lists every account): an Account
 * Balance result, or the balances a B2C result reports after its payment. M-Pesa's times have
 * one-second resolution and results arrive out of order, so among answers from the same second
 * the one with the lowest utility balance is the latest: within a payroll, payments only lower it.
 */
export function latestFloat(db: ProfileDatabase): FloatView {
  const latest = db
    .prepare(
      `SELECT observed_at, conversation_id, inbox_id FROM balance_snapshots
        WHERE observed_at = (SELECT MAX(observed_at) FROM balance_snapshots)
        ORDER BY CASE WHEN account = 'Utility Account' THEN available_cents END ASC NULLS LAST, id DESC LIMIT 1`,
    )
    .get() as Pick<SnapshotRow, 'observed_at' | 'conversation_id' | 'inbox_id'> | undefined;
  if (latest === undefined) return { accounts: [], observedAt: null, utilityAvailableCents: null };
  // Rows of one answer share its inbox row (or, failing that, its time): never mix two answers.
  const rows = (
    latest.inbox_id !== null
      ? db.prepare('SELECT * FROM balance_snapshots WHERE inbox_id = ? ORDER BY id').all(latest.inbox_id)
      : db.prepare('SELECT * FROM balance_snapshots WHERE observed_at = ? ORDER BY id').all(latest.observed_at)
  ) as SnapshotRow[];
  const accounts = rows.map((row) => ({
    account: row.account,
    availableCents: row.available_cents,
    currentCents: row.current_cents,
    reservedCents: row.reserved_cents,
    unclearedCents: row.uncleared_cents,
  }));
  const utility = accounts.find((account) => /utility/i.test(account.account));
  return { accounts, observedAt: latest.observed_at, utilityAvailableCents: utility?.availableCents ?? null };
}

export interface FloatAccount {
  account: string;
  currency: string;
  availableCents: number;
  currentCents: number | null;
  reservedCents: number | null;
  unclearedCents: number | null;
  observedAt: string;
}

/** The accounts one Account Balance answer reported, by the query's ConversationID. */
export function floatAccountsOfAnswer(db: ProfileDatabase, conversationId: string): FloatAccount[] {
  const rows = db
    .prepare(
      `SELECT account, currency, available_cents, current_cents, reserved_cents, uncleared_cents, observed_at
         FROM balance_snapshots WHERE conversation_id = ? ORDER BY id`,
    )
    .all(conversationId) as Array<SnapshotRow & { currency: string }>;
  return rows.map((a) => ({
    account: a.account,
    currency: a.currency,
    availableCents: a.available_cents,
    currentCents: a.current_cents,
    reservedCents: a.reserved_cents,
    unclearedCents: a.uncleared_cents,
    observedAt: a.observed_at,
  }));
}

export type FloatCheck = MethodOutput<'runs.review'>['floatCheck'];

/**
 * Compares what a run needs, beside what other approved or running runs will still take, with the
 * last known utility balance; the engine checks again, live, on start.
 */
export function floatCheck(db: ProfileDatabase, requiredCents: number, exceptRunId: number | null = null): FloatCheck {
  const float = latestFloat(db);
  const available = float.utilityAvailableCents;
  if (available === null) {
    return {
      requiredCents,
      availableCents: null,
      enough: null,
      observedAt: null,
      message: 'No balance from M-Pesa yet: Mshahara asks for it before sending.',
    };
  }
  const others = committedElsewhere(db, exceptRunId).totalWithChargesCents;
  const enough = available >= requiredCents + others;
  const besides =
    others > 0 ? `, besides ${formatKesWithCurrency(others)} that other approved or running runs will take` : '';
  const message = enough
    ? `The utility account holds ${formatKesWithCurrency(available)}; this run needs ${formatKesWithCurrency(requiredCents)} with charges${besides}.`
    : `The utility account holds ${formatKesWithCurrency(available)} but this run needs ${formatKesWithCurrency(requiredCents)} with charges${besides}: short by ${formatKesWithCurrency(requiredCents + others - available)}. Top up the float first.`;
  return { requiredCents, availableCents: available, enough, observedAt: float.observedAt, message };
}
