// M-Pesa Express successes no payment request holds that are still before a person: flagged (M-Pesa's
// lookup could not confirm them, or contradicted them), not recorded and not settled. The customer
// may have paid: until a person looks and settles one (settle-success.ts), asking them again for
// that phone and amount waits (stk-unmatched.ts `successWaitsFor`).
import type { Cents } from '../../shared/money';
import { parseCallback } from '../daraja/callbacks';
import type { ProfileDatabase } from '../db';

export interface UnconfirmedSuccessView {
  inboxId: number;
  receipt: string;
  phone: string | null;
  amountCents: Cents;
  receivedAt: string;
  /** Why it waits, in words. */
  words: string;
}

export function unconfirmedSuccesses(db: ProfileDatabase, limit = 100): UnconfirmedSuccessView[] {
  const rows = db
    .prepare(
      `SELECT id, body, reason, received_at FROM inbox
        WHERE kind = 'stk' AND applied = 0 AND flag IS NOT NULL AND flag <> 'duplicate' AND settled_at IS NULL
        ORDER BY id DESC LIMIT ?`,
    )
    .all(limit) as Array<{ id: number; body: string; reason: string | null; received_at: string }>;
  const views: UnconfirmedSuccessView[] = [];
  for (const row of rows) {
    const parsed = parseCallback(row.body, 'stk');
    if (!parsed.ok || parsed.event.type !== 'stk-callback') continue;
    const event = parsed.event;
    if (event.resultCode !== '0' || event.receipt === null || event.amountCents === null) continue;
    views.push({
      inboxId: row.id,
      receipt: event.receipt,
      phone: event.phone,
      amountCents: event.amountCents,
      receivedAt: row.received_at,
      words: row.reason ?? 'M-Pesa has not confirmed this payment: nothing was recorded',
    });
  }
  return views;
}
