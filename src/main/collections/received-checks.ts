// A C2B confirmation is a claim that a customer paid, checked before it is money (the
// received_checks table; this file is its only writer). Each confirmation is kept with its
// receipt and amount, asked about by Transaction Status (worker.ts), and settled here by the
// answer, whenever it arrives: recorded only when M-Pesa says the payment completed, for the same
// amount, to this business; flagged when M-Pesa contradicts it; left for a person otherwise.
import { NotFoundError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';

import { parseCallback } from '../daraja/callbacks';
import type { C2bConfirmationEvent } from '../daraja/callbacks/events';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { answerSaysCompleted, type StatusAnswer } from '../lookups/status-lookups';
import { markInbox } from '../payroll/engine/settle';
import { ledgerRowForReceipt, nameIn, phoneIn, recordReceived } from './record';

export const checkStates = [
  'checking',
  'recorded',
  'duplicate',
  'amount_mismatch',
  'unmatched',
  'other_receiver',
  'needs_person',
] as const;
export type CheckState = (typeof checkStates)[number];

/** Transaction Status codes read as "M-Pesa has no such transaction" (the payout engine's defaultNotFoundCodes). */
const notFoundCodes: readonly string[] = ['R000002', 'SFC_IC0003'];

/** States a later answer may still settle: still asked, left for a person, or said unknown. */
const openStates: readonly CheckState[] = ['checking', 'needs_person', 'unmatched'];

export interface ReceivedCheck {
  inboxId: number;
  receipt: string;
  amountCents: Cents;
  state: CheckState;
  tries: number;
  nextCheckAt: string;
  note: string | null;
  transactionId: number | null;
  createdAt: string;
  updatedAt: string;
}

interface CheckRow {
  inbox_id: number;
  receipt: string;
  amount_cents: number;
  state: CheckState;
  tries: number;
  next_check_at: string;
  note: string | null;
  transaction_id: number | null;
  created_at: string;
  updated_at: string;
}

function checkOf(row: CheckRow): ReceivedCheck {
  return {
    inboxId: row.inbox_id,
    receipt: row.receipt,
    amountCents: row.amount_cents as Cents,
    state: row.state,
    tries: row.tries,
    nextCheckAt: row.next_check_at,
    note: row.note,
    transactionId: row.transaction_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function checkByInbox(db: ProfileDatabase, inboxId: number): ReceivedCheck | null {
  const row = db.prepare('SELECT * FROM received_checks WHERE inbox_id = ?').get(inboxId) as CheckRow | undefined;
  return row === undefined ? null : checkOf(row);
}

export function checksWhere(db: ProfileDatabase, where: string, ...params: unknown[]): ReceivedCheck[] {
  return (db.prepare(`SELECT * FROM received_checks WHERE ${where}`).all(...params) as CheckRow[]).map(checkOf);
}

/** The shortcodes this business receives money on, kept by the worker from the profile (settings). */
const shortcodesKey = 'money_in_shortcodes';

export function rememberShortcodes(db: ProfileDatabase, shortcodes: readonly string[]): void {
  db.prepare(
    `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(shortcodesKey, JSON.stringify([...new Set(shortcodes)]));
}

export function ownShortcodes(db: ProfileDatabase): string[] {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(shortcodesKey) as
    { value: string } | undefined;
  if (row === undefined) return [];
  const parsed: unknown = JSON.parse(row.value);
  return Array.isArray(parsed) ? parsed.filter((code): code is string => typeof code === 'string') : [];
}

export type TrackResult = { kind: 'checking' } | { kind: 'flagged'; flag: 'duplicate' };

/**
 * Keeps a confirmation for checking (nothing is recorded yet). A copy of a confirmation already in
 * the ledger or already being checked is marked a copy. Applying the same entry again changes nothing.
 */
export function trackConfirmation(
  db: ProfileDatabase,
  inboxId: number,
  event: C2bConfirmationEvent,
  nowIso: string,
): TrackResult {
  return db
    .transaction((): TrackResult => {
      if (checkByInbox(db, inboxId) !== null) return { kind: 'checking' };
      const inLedger = ledgerRowForReceipt(db, event.receipt) !== null;
      const sameClaim = db
        .prepare(
          `SELECT inbox_id FROM received_checks WHERE receipt = ? AND amount_cents = ? AND state IN ('checking', 'recorded', 'needs_person') LIMIT 1`,
        )
        .get(event.receipt, event.amountCents) as { inbox_id: number } | undefined;
      const copy = inLedger || sameClaim !== undefined;
      db.prepare(
        `INSERT INTO received_checks (inbox_id, receipt, amount_cents, state, next_check_at, note, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        inboxId,
        event.receipt,
        event.amountCents,
        copy ? 'duplicate' : 'checking',
        nowIso,
        copy ? 'A copy of a confirmation already received' : null,
        nowIso,
        nowIso,
      );
      if (copy) {
        markInbox(
          db,
          inboxId,
          {
            applied: false,
            flag: 'duplicate',
            reason: inLedger
              ? `A copy: receipt ${event.receipt} is already in the ledger`
              : `A copy of the confirmation of receipt ${event.receipt}, already being checked`,
          },
          nowIso,
        );
        return { kind: 'flagged', flag: 'duplicate' };
      }
      db.prepare('UPDATE inbox SET reason = ?, processed_at = ? WHERE id = ? AND applied = 0 AND flag IS NULL').run(
        `A customer says they paid ${formatKesWithCurrency(event.amountCents)} (receipt ${event.receipt}); Mshahara asks M-Pesa before recording it`,
        nowIso,
        inboxId,
      );
      return { kind: 'checking' };
    })
    .immediate();
}

function confirmationOf(db: ProfileDatabase, inboxId: number): C2bConfirmationEvent | null {
  const row = db.prepare('SELECT kind, body FROM inbox WHERE id = ?').get(inboxId) as
    { kind: string; body: string } | undefined;
  if (row === undefined || row.kind !== 'c2b-confirmation') return null;
  const parsed = parseCallback(row.body, 'c2b-confirmation');
  return parsed.ok && parsed.event.type === 'c2b-confirmation' ? parsed.event : null;
}

function setState(
  db: ProfileDatabase,
  inboxId: number,
  state: CheckState,
  change: { note: string | null; transactionId?: number | null },
  nowIso: string,
): void {
  db.prepare(
    `UPDATE received_checks SET state = ?, note = ?, transaction_id = COALESCE(?, transaction_id), updated_at = ? WHERE inbox_id = ?`,
  ).run(state, change.note, change.transactionId ?? null, nowIso, inboxId);
}

function shortcodeIn(name: string | null): string | null {
  return /^\s*(\d{5,7})\b/.exec(name ?? '')?.[1] ?? null;
}

export type CheckOutcome = 'recorded' | 'copy' | 'flagged' | 'needs_person' | 'no_answer';

/**
 * Settles a confirmation by what Transaction Status answered about its receipt (null: the question
 * timed out). Called inside the transaction that ties the answer to its question, so an answer that
 * arrives after the wait or after a restart is acted on the same way.
 */
export function settleReceivedCheck(
  db: ProfileDatabase,
  inboxId: number,
  answer: StatusAnswer | null,
  nowIso: string,
): CheckOutcome {
  const check = checkByInbox(db, inboxId);
  if (check === null || !openStates.includes(check.state) || answer === null) return 'no_answer';
  const event = confirmationOf(db, inboxId);
  if (event === null) return 'no_answer';
  const flagged = (
    state: CheckState,
    flag: 'amount_mismatch' | 'unmatched' | 'party_mismatch',
    words: string,
  ): CheckOutcome => {
    setState(db, inboxId, state, { note: words }, nowIso);
    markInbox(db, inboxId, { applied: false, flag, reason: words }, nowIso);
    appendAudit(db, {
      actor: 'system',
      action: 'received.flagged',
      entity: 'inbox',
      entityId: inboxId,
      details: { receipt: check.receipt, flag, reason: words },
    });
    return 'flagged';
  };

  if (answer.resultCode !== '0') {
    if (notFoundCodes.includes(answer.resultCode))
      return flagged('unmatched', 'unmatched', 'M-Pesa has no such payment: nothing was recorded');
    return 'no_answer'; // a code about the question, not the payment (REFERENCE §15.13)
  }
  if (!answerSaysCompleted(answer)) {
    const words = `M-Pesa says this payment is "${answer.transactionStatus ?? 'of no status'}": nothing was recorded; look it up on the M-Pesa portal`;
    setState(db, inboxId, 'needs_person', { note: words }, nowIso);
    return 'needs_person';
  }
  if (answer.receipt !== null && answer.receipt !== check.receipt)
    return flagged(
      'unmatched',
      'unmatched',
      `M-Pesa answered about another receipt (${answer.receipt}): nothing was recorded`,
    );
  if (answer.amountCents === null || answer.amountCents !== check.amountCents)
    return flagged(
      'amount_mismatch',
      'amount_mismatch',
      `The confirmation says ${formatKesWithCurrency(check.amountCents)}, M-Pesa says ${answer.amountCents === null ? 'no amount' : formatKesWithCurrency(answer.amountCents)}: nothing was recorded`,
    );
  const receiver = shortcodeIn(answer.creditPartyName);
  if (receiver === null || !ownShortcodes(db).includes(receiver))
    return flagged(
      'other_receiver',
      'party_mismatch',
      `M-Pesa says this payment went to ${answer.creditPartyName ?? 'nobody named'}, not to this business: nothing was recorded`,
    );
  const confirmationName = [event.firstName, event.middleName, event.lastName]
    .filter((part) => part !== null && part !== '')
    .join(' ');
  const recorded = recordReceived(
    db,
    {
      receipt: check.receipt,
      occurredAt: event.transTime.toISOString(),
      kind: 'c2b_payment',
      source: 'c2b_confirmation',
      amountCents: check.amountCents,
      // The payer's number only as M-Pesa's answer gives it: a claim's clear number is the claim's
      // word (real v1/v2 confirmations mask or hash it), and a refund pays the number recorded here.
      phone: phoneIn(answer.debitPartyName),
      partyName: nameIn(answer.debitPartyName) ?? (confirmationName === '' ? null : confirmationName),
      partyDisplay: answer.debitPartyName ?? event.msisdn,
      accountReference: event.billRef,
      inboxId,
    },
    nowIso,
  );
  if (!recorded.first) {
    setState(
      db,
      inboxId,
      'duplicate',
      { note: 'Already in the ledger', transactionId: recorded.transactionId },
      nowIso,
    );
    markInbox(
      db,
      inboxId,
      { applied: false, flag: 'duplicate', reason: `A copy: receipt ${check.receipt} is already in the ledger` },
      nowIso,
    );
    return 'copy';
  }
  setState(db, inboxId, 'recorded', { note: null, transactionId: recorded.transactionId }, nowIso);
  markInbox(
    db,
    inboxId,
    {
      applied: true,
      reason: `Received ${formatKesWithCurrency(check.amountCents)} from a customer, confirmed by M-Pesa: receipt ${check.receipt}`,
    },
    nowIso,
  );
  return 'recorded';
}

/** Counts a try that brought no usable answer; past the last one the confirmation waits for a person. */
export function noteCheckTry(
  db: ProfileDatabase,
  inboxId: number,
  words: string,
  nextCheckAt: string | null,
  nowIso: string,
): void {
  db.transaction(() => {
    const check = checkByInbox(db, inboxId);
    if (check === null || check.state !== 'checking') return;
    db.prepare(
      'UPDATE received_checks SET tries = tries + 1, next_check_at = COALESCE(?, next_check_at), note = ?, updated_at = ? WHERE inbox_id = ?',
    ).run(nextCheckAt, words, nowIso, inboxId);
    if (nextCheckAt !== null) return;
    setState(
      db,
      inboxId,
      'needs_person',
      { note: `${words}. Nothing was recorded: check again, or look it up on the M-Pesa portal` },
      nowIso,
    );
    appendAudit(db, {
      actor: 'system',
      action: 'received.needs_person',
      entity: 'inbox',
      entityId: inboxId,
      details: { receipt: check.receipt, tries: check.tries + 1, reason: words },
    });
  }).immediate();
}

/** A person asks for the check again: it goes back to the worker's queue at once. */
export function checkAgain(db: ProfileDatabase, inboxId: number, actor: string, nowIso: string): ReceivedCheck {
  return db
    .transaction(() => {
      const check = checkByInbox(db, inboxId);
      if (check === null) throw new NotFoundError(`No customer payment #${inboxId} waits for a check.`);
      if (!openStates.includes(check.state) || check.state === 'checking') return check;
      db.prepare(
        `UPDATE received_checks SET state = 'checking', tries = 0, next_check_at = ?, note = NULL, updated_at = ? WHERE inbox_id = ?`,
      ).run(nowIso, nowIso, inboxId);
      appendAudit(db, {
        actor,
        action: 'received.check_again',
        entity: 'inbox',
        entityId: inboxId,
        details: { receipt: check.receipt },
      });
      return checkByInbox(db, inboxId);
    })
    .immediate() as ReceivedCheck;
}
