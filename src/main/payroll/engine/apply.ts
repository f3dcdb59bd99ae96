// Applies stored callbacks (inbox rows) to payout attempts and balance snapshots. Callbacks are
// evidence, not commands (DESIGN §4 invariant 4): a Result moves an attempt only when it matches a
// known attempt and its amount and party match what that attempt asked for; anything else is
// flagged with a reason and changes nothing. Applying the same callback twice changes nothing.
import { describeResultCode } from '../../../shared/daraja/codes';
import { parseCallback, type B2cResultEvent, type BalanceResultEvent, type CallbackKind, type QueueTimeoutEvent, type StatusResultEvent } from '../../daraja/callbacks';
import type { ProfileDatabase } from '../../db';
import { appendAudit } from '../../ledger/audit';
import { attemptByConversationId, attemptByOriginatorId, backToCreated, markUnknown, openAttemptStates, type Attempt } from './attempts';
import { holdContradiction, markInbox, settleFailed, settlePaid, type InboxFlag, type PaymentEvidence, type ReportedBalance } from './settle';

/** What applying one entry changed, so the engine knows what to do next. */
export type ApplyResult =
  | { kind: 'settled'; attemptId: number }
  | { kind: 'resend'; attemptId: number }
  | { kind: 'status-unanswered'; attemptId: number }
  | { kind: 'unknown'; attemptId: number }
  | { kind: 'balance'; conversationId: string; ok: boolean }
  | { kind: 'flagged'; flag: InboxFlag }
  | { kind: 'not-mine' }
  | { kind: 'already-done' };

/** The callback kinds the payout engine reads; others (C2B, STK, reversals) belong to other parts. */
export const engineKinds: readonly CallbackKind[] = ['b2c-result', 'b2c-timeout', 'balance-result', 'status-result'];

/**
 * Codes a Transaction Status result may carry about the query itself (who asked), not about the
 * payment queried; they settle nothing and the engine asks again.
 */
const queryLevelCodes = new Set(['2001', '18', '20', '21', '8006', 'SFC_IC0003', '100000007']);

interface InboxRow {
  id: number;
  kind: CallbackKind;
  body: string;
  applied: number;
  flag: string | null;
}

export function applyInboxEntry(db: ProfileDatabase, inboxId: number, nowIso: string): ApplyResult {
  const row = db.prepare('SELECT id, kind, body, applied, flag FROM inbox WHERE id = ?').get(inboxId) as InboxRow | undefined;
  if (!row || row.applied === 1 || row.flag !== null) return { kind: 'already-done' };
  if (!engineKinds.includes(row.kind)) return { kind: 'not-mine' };
  const parsed = parseCallback(row.body, row.kind);
  if (!parsed.ok) return flag(db, row.id, 'malformed', parsed.error.reason, nowIso);
  const event = parsed.event;
  switch (event.type) {
    case 'b2c-result':
      return applyB2cResult(db, row.id, event, nowIso);
    case 'status-result':
      return applyStatusResult(db, row.id, event, nowIso);
    case 'balance-result':
      return applyBalanceResult(db, row.id, event, nowIso);
    case 'queue-timeout':
      return applyQueueTimeout(db, row.id, event, nowIso);
    case 'reversal-result':
    case 'stk-callback':
    case 'c2b-validation':
    case 'c2b-confirmation':
      return flag(db, row.id, 'malformed', `A ${event.type} arrived on the ${row.kind} address`, nowIso);
    default: {
      const never: never = event;
      throw new Error(`unhandled callback ${String(never)}`);
    }
  }
}

function flag(db: ProfileDatabase, inboxId: number, which: InboxFlag, reason: string, nowIso: string): ApplyResult {
  db.transaction(() => {
    markInbox(db, inboxId, { applied: false, flag: which, reason }, nowIso);
    appendAudit(db, { actor: 'system', action: 'inbox.flagged', entity: 'inbox', entityId: inboxId, details: { flag: which, reason } });
  }).immediate();
  return { kind: 'flagged', flag: which };
}

function applied(db: ProfileDatabase, inboxId: number, reason: string, nowIso: string): void {
  markInbox(db, inboxId, { applied: true, reason }, nowIso);
}

function findAttempt(db: ProfileDatabase, originatorId: string | null, conversationId: string | null): Attempt | null {
  const byOriginator = originatorId ? attemptByOriginatorId(db, originatorId) : null;
  if (byOriginator) return byOriginator;
  return conversationId ? attemptByConversationId(db, conversationId) : null;
}

const openStates = new Set<string>(openAttemptStates);

function applyB2cResult(db: ProfileDatabase, inboxId: number, event: B2cResultEvent, nowIso: string): ApplyResult {
  const attempt = findAttempt(db, event.originatorConversationId, event.conversationId);
  if (!attempt) return flag(db, inboxId, 'unmatched', `No payout attempt has OriginatorConversationID ${event.originatorConversationId} or ConversationID ${event.conversationId}`, nowIso);
  if (event.resultCode === '0') {
    return applySuccess(db, inboxId, attempt, nowIso, {
      source: 'b2c_result',
      receipt: event.receipt,
      amountCents: event.amountCents,
      phone: event.receiverMsisdn,
      registeredName: event.receiverName,
      partyDisplay: event.receiverPartyPublicName,
      occurredAt: event.completedAt,
      chargeCents: null,
      utilityBalanceCents: event.utilityAvailableCents,
      reportedBalances: reportedBalances(event),
      resultCode: event.resultCode,
      resultDesc: event.resultDesc,
    });
  }
  const entry = describeResultCode(event.resultCode);
  if (entry.class === 'duplicate' || entry.class === 'pending') {
    // M-Pesa has it already or will process it later: not a failure. Ask Transaction Status.
    if (attempt.state === 'accepted' || attempt.state === 'sending') {
      markUnknown(db, attempt.id, `Result ${event.resultCode}: ${event.resultDesc}`, nowIso, ['accepted', 'sending']);
    }
    applied(db, inboxId, `Result ${event.resultCode} does not settle the payment; Mshahara asks Transaction Status`, nowIso);
    return { kind: 'unknown', attemptId: attempt.id };
  }
  return applyFailure(db, inboxId, attempt, event.resultCode, event.resultDesc, 'b2c_result', nowIso);
}

/** A B2C result carries the float after the payment: the dashboard shows it without a query. */
function reportedBalances(event: B2cResultEvent): ReportedBalance[] {
  const accounts: Array<[string, number | null]> = [
    ['Utility Account', event.utilityAvailableCents],
    ['Working Account', event.workingAvailableCents],
    ['Charges Paid Account', event.chargesPaidAvailableCents],
  ];
  return accounts.flatMap(([account, availableCents]) => (availableCents === null ? [] : [{ account, availableCents }]));
}

/** What a result reports before it is checked against the attempt: any of these may be missing. */
type SuccessEvidence = Omit<PaymentEvidence, 'inboxId' | 'receipt' | 'amountCents' | 'phone'> & {
  receipt: string | null;
  amountCents: number | null;
  phone: string | null;
};

function applySuccess(db: ProfileDatabase, inboxId: number, attempt: Attempt, nowIso: string, e: SuccessEvidence): ApplyResult {
  if (e.receipt === null) return flag(db, inboxId, 'malformed', 'A success without an M-Pesa receipt', nowIso);
  if (e.amountCents !== attempt.amountCents) {
    return flag(db, inboxId, 'amount_mismatch', `Reports ${String(e.amountCents)} cents paid; attempt ${attempt.id} sent ${attempt.amountCents}`, nowIso);
  }
  if (e.phone !== attempt.phone) {
    return flag(db, inboxId, 'party_mismatch', `Reports ${e.phone ?? 'no number'} paid; attempt ${attempt.id} paid ${attempt.phone}`, nowIso);
  }
  if (attempt.state === 'succeeded') {
    const same = attempt.receipt === e.receipt;
    if (!same) {
      // Two receipts for one attempt: the money may have moved twice. A person must look.
      holdContradiction(db, attempt, inboxId, `A second receipt ${e.receipt} for an attempt already paid with ${String(attempt.receipt)}`, nowIso);
      return { kind: 'flagged', flag: 'late' };
    }
    return flag(db, inboxId, 'duplicate', `Receipt ${e.receipt} is already recorded for attempt ${attempt.id}`, nowIso);
  }
  if (!openStates.has(attempt.state)) {
    holdContradiction(db, attempt, inboxId, `Receipt ${e.receipt} reported for attempt ${attempt.id}, which was settled as ${attempt.state}`, nowIso);
    return { kind: 'flagged', flag: 'late' };
  }
  const receiptOwner = db.prepare('SELECT attempt_id FROM transactions WHERE receipt = ? AND corrects_id IS NULL').get(e.receipt) as { attempt_id: number | null } | undefined;
  if (receiptOwner) return flag(db, inboxId, 'duplicate', `Receipt ${e.receipt} is already in the ledger`, nowIso);
  settlePaid(db, attempt, { inboxId, ...e, receipt: e.receipt, amountCents: e.amountCents, phone: e.phone }, nowIso);
  return { kind: 'settled', attemptId: attempt.id };
}

function applyFailure(db: ProfileDatabase, inboxId: number, attempt: Attempt, code: string, desc: string, via: string, nowIso: string): ApplyResult {
  if (attempt.state === 'failed' || attempt.state === 'rejected') {
    return flag(db, inboxId, 'duplicate', `Attempt ${attempt.id} is already settled as ${attempt.state}`, nowIso);
  }
  if (attempt.state === 'succeeded') {
    holdContradiction(db, attempt, inboxId, `Failure ${code} reported for attempt ${attempt.id}, which was paid (receipt ${String(attempt.receipt)})`, nowIso);
    return { kind: 'flagged', flag: 'late' };
  }
  settleFailed(db, attempt, inboxId, code, desc, via, nowIso);
  return { kind: 'settled', attemptId: attempt.id };
}

function applyStatusResult(db: ProfileDatabase, inboxId: number, event: StatusResultEvent, nowIso: string): ApplyResult {
  // Mshahara sends the payment's OriginatorConversationID as the query's Occasion, which Daraja
  // echoes; the parameters, when present, must name the same payment.
  const asked = event.reference.Occasion ?? null;
  const named = event.transactionOriginatorConversationId;
  if (asked !== null && named !== null && asked !== named) {
    return flag(db, inboxId, 'unmatched', `The query was about ${asked} but the answer names ${named}`, nowIso);
  }
  const key = named ?? asked;
  const attempt = key === null ? null : attemptByOriginatorId(db, key);
  if (!attempt) return flag(db, inboxId, 'unmatched', `No payout attempt has OriginatorConversationID ${String(key)}`, nowIso);

  if (event.resultCode === '0') {
    if (event.transactionStatus !== 'Completed') {
      db.transaction(() => applied(db, inboxId, `Transaction Status says "${String(event.transactionStatus)}"; not final yet`, nowIso)).immediate();
      return { kind: 'status-unanswered', attemptId: attempt.id };
    }
    return applySuccess(db, inboxId, attempt, nowIso, {
      source: 'status_result',
      receipt: event.receipt,
      amountCents: event.amountCents,
      phone: event.creditPartyMsisdn,
      registeredName: event.creditPartyName,
      partyDisplay: event.creditPartyPublicName,
      occurredAt: event.finalisedAt,
      chargeCents: event.debitPartyChargesCents,
      utilityBalanceCents: null,
      reportedBalances: [],
      resultCode: event.resultCode,
      resultDesc: event.resultDesc,
    });
  }
  if (event.resultCode === 'R000002') {
    // Daraja never processed it: send the SAME attempt again, same OriginatorConversationID
    // (invariant 3), so Daraja's duplicate check still guards against a second payment.
    if (attempt.state === 'unknown' || attempt.state === 'accepted') {
      const moved = db
        .transaction(() => {
          const ok = backToCreated(db, attempt.id, 'Transaction Status: no such transaction', nowIso, ['unknown', 'accepted']);
          applied(db, inboxId, `M-Pesa has no such transaction; attempt ${attempt.id} is sent again with the same ID`, nowIso);
          return ok;
        })
        .immediate();
      return moved ? { kind: 'resend', attemptId: attempt.id } : { kind: 'already-done' };
    }
    return flag(db, inboxId, attempt.state === 'created' || attempt.state === 'sending' ? 'duplicate' : 'late', `No-such-transaction answer for attempt ${attempt.id}, which is ${attempt.state}`, nowIso);
  }
  const entry = describeResultCode(event.resultCode);
  if (queryLevelCodes.has(event.resultCode) || entry.class !== 'failed') {
    db.transaction(() => applied(db, inboxId, `Transaction Status could not answer (${event.resultCode} ${event.resultDesc})`, nowIso)).immediate();
    return { kind: 'status-unanswered', attemptId: attempt.id };
  }
  if (attempt.state === 'created' || attempt.state === 'sending') {
    // A re-send is on its way; its own answer settles it.
    return flag(db, inboxId, 'late', `Failure reported while attempt ${attempt.id} is being sent again`, nowIso);
  }
  return applyFailure(db, inboxId, attempt, event.resultCode, event.resultDesc, 'status_result', nowIso);
}

function applyQueueTimeout(db: ProfileDatabase, inboxId: number, event: QueueTimeoutEvent, nowIso: string): ApplyResult {
  const attempt = findAttempt(db, event.originatorConversationId, event.conversationId);
  if (!attempt) return flag(db, inboxId, 'unmatched', 'A queue timeout for no known payout attempt', nowIso);
  db.transaction(() => {
    markUnknown(db, attempt.id, 'Daraja reported a queue timeout', nowIso, ['accepted', 'sending']);
    applied(db, inboxId, `Queue timeout for attempt ${attempt.id}; Mshahara asks Transaction Status`, nowIso);
  }).immediate();
  return { kind: 'unknown', attemptId: attempt.id };
}

function applyBalanceResult(db: ProfileDatabase, inboxId: number, event: BalanceResultEvent, nowIso: string): ApplyResult {
  const ok = event.resultCode === '0';
  db.transaction(() => {
    const insert = db.prepare(
      `INSERT INTO balance_snapshots (observed_at, account, currency, current_cents, available_cents, reserved_cents, uncleared_cents, conversation_id, inbox_id, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const observedAt = (event.completedAt ?? new Date(nowIso)).toISOString();
    if (ok) {
      for (const account of event.accounts) {
        insert.run(observedAt, account.name, account.currency, account.currentCents, account.availableCents ?? account.currentCents, account.reservedCents, account.unclearedCents, event.conversationId, inboxId, nowIso);
      }
    }
    applied(db, inboxId, ok ? `Balances of ${event.accounts.length} accounts recorded` : `Balance query failed: ${event.resultCode} ${event.resultDesc}`, nowIso);
  }).immediate();
  return { kind: 'balance', conversationId: event.conversationId, ok };
}
