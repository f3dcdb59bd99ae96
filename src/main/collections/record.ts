// Money received becomes one ledger row per receipt, whichever route reported it first (an STK
// callback, a checked C2B confirmation). The ledger's unique receipt index refuses a second row;
// here a second report is told apart from a first, so it can be marked a copy, not an error.
import type { Cents } from '../../shared/money';
import type { Msisdn } from '../../shared/phone';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { recordTransaction } from '../ledger/transactions';

export interface ReceivedMoney {
  receipt: string;
  occurredAt: string;
  kind: 'c2b_payment' | 'stk_payment';
  /** 'status_result' when a person's receipt was confirmed by Transaction Status. */
  source: 'c2b_confirmation' | 'stk_callback' | 'status_result';
  amountCents: Cents;
  phone: Msisdn | null;
  partyName: string | null;
  partyDisplay: string | null;
  accountReference: string | null;
  inboxId: number;
}

/** The ledger row already holding this receipt, if any. */
export function ledgerRowForReceipt(db: ProfileDatabase, receipt: string): number | null {
  const row = db.prepare('SELECT id FROM transactions WHERE receipt = ? AND corrects_id IS NULL').get(receipt) as
    { id: number } | undefined;
  return row?.id ?? null;
}

/** Writes the received money once; answers the row and whether this call wrote it. Call inside a transaction. */
export function recordReceived(
  db: ProfileDatabase,
  money: ReceivedMoney,
  nowIso: string,
): { transactionId: number; first: boolean } {
  const existing = ledgerRowForReceipt(db, money.receipt);
  if (existing !== null) return { transactionId: existing, first: false };
  const inserted = recordTransaction(db, {
    receipt: money.receipt,
    occurredAt: money.occurredAt,
    recordedAt: nowIso,
    direction: 'in',
    kind: money.kind,
    status: 'completed',
    amountCents: money.amountCents,
    phone: money.phone,
    partyName: money.partyName,
    partyDisplay: money.partyDisplay,
    accountReference: money.accountReference,
    inboxId: money.inboxId,
    source: money.source,
  });
  appendAudit(db, {
    actor: 'system',
    action: 'ledger.received',
    entity: 'transaction',
    entityId: inserted.id,
    details: { receipt: money.receipt, amountCents: money.amountCents, inboxId: money.inboxId, kind: money.kind },
  });
  return { transactionId: inserted.id, first: true };
}

/** A plain Kenyan MSISDN at the start of what M-Pesa showed ("254708374149 - JOHN DOE"), or null. */
export function phoneIn(display: string | null): Msisdn | null {
  const match = /^\s*(254[17]\d{8})\b/.exec(display ?? '');
  return match?.[1] === undefined ? null : (match[1] as Msisdn);
}

/** The name after the number in what M-Pesa showed ("254708374149 - JOHN DOE" → "JOHN DOE"). */
export function nameIn(display: string | null): string | null {
  if (display === null) return null;
  const dash = display.indexOf(' - ');
  const name = (dash >= 0 ? display.slice(dash + 3) : display).trim();
  return name === '' || /^[\d*\s]+$/.test(name) ? null : name;
}
