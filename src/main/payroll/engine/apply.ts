// Applies stored callbacks (inbox rows) to payout attempts and balance snapshots. Callbacks are
// evidence, not commands (docs/money-safety.md): a Result moves an attempt only when it matches a
// known attempt (one ID found, the other not contradicting) and its amount and party match what that
// attempt asked for; anything else is flagged with a reason and changes nothing. A Transaction
// Status answer speaks about the payment only with ResultCode 0; every other code is about the
// query. Applying the same callback twice changes nothing.
import { describeResultCode } from '../../../shared/daraja/codes';
import {
  parseCallback,
  type B2cResultEvent,
  type BalanceResultEvent,
  type CallbackKind,
  type QueueTimeoutEvent,
  type StatusResultEvent,
} from '../../daraja/callbacks';
import type { ProfileDatabase } from '../../db';
import { appendAudit } from '../../ledger/audit';
import { applyLookupAnswer } from '../../lookups/apply-answer';
import { trackConfirmation } from '../../collections/received-checks';
import { applyStkCallback } from '../../collections/stk-callback';
import { applyReversalResult, applyReversalTimeout } from '../../reversals/apply-result';
import {
  attemptByConversationId,
  attemptById,
  attemptByOriginatorId,
  backToCreated,
  markAcknowledged,
  markNeedsAttention,
  markUnknown,
  openAttemptStates,
  type Attempt,
} from './attempts';
import { checkParty } from './party';
import {
  recordFinding,
  markInbox,
  settleFailed,
  settlePaid,
  type InboxFlag,
  type PaymentEvidence,
  type ReportedBalance,
} from './settle';
import { queryByAnswer, recordQueryAnswer, notFoundAnswersSinceSend, type StatusQuery } from './status-queries';

/** What applying one entry changed, so the engine knows what to do next. */
export type ApplyResult =
  | { kind: 'settled'; attemptId: number }
  | { kind: 'resend'; attemptId: number }
  | { kind: 'throttled'; attemptId: number }
  | { kind: 'status-unanswered'; attemptId: number }
  | { kind: 'unknown'; attemptId: number }
  | { kind: 'attention'; attemptId: number }
  | { kind: 'finding'; attemptId: number }
  | { kind: 'balance'; conversationId: string; ok: boolean }
  | { kind: 'flagged'; flag: InboxFlag }
  | { kind: 'recorded' }
  /** An answer to a Transaction Status question about no payout attempt (src/main/lookups/). */
  | { kind: 'lookup-answered'; lookupId: number }
  /** A customer's C2B confirmation, kept until Transaction Status confirms it (src/main/collections/). */
  | { kind: 'checking' }
  | { kind: 'not-mine' }
  | { kind: 'already-done' };

/** What the rules need to know that is not in the database. */
export interface EvidencePolicy {
  /** How long after a send a Result may take; a "not found" to a query asked sooner counts for nothing. */
  resultTimeoutMs: number;
  /** Transaction Status ResultCodes read as "M-Pesa has no such transaction" (REFERENCE §15.12). */
  notFoundCodes: readonly string[];
  /** Same-ID re-sends allowed for one attempt; past them a person decides. */
  maxResends: number;
}

function policyNotFound(code: string): boolean {
  return defaultNotFoundCodes.includes(code);
}

/** Mshahara's defaults: R000002 (Reversal's "invalid original", the only documented not-found) and SFC_IC0003. */
export const defaultNotFoundCodes: readonly string[] = ['R000002', 'SFC_IC0003'];

export const defaultEvidencePolicy: Omit<EvidencePolicy, 'resultTimeoutMs'> = {
  notFoundCodes: defaultNotFoundCodes,
  maxResends: 2,
};

/** The callback kinds the payout engine reads; every kind gets an outcome here or a flag. */
export const engineKinds: readonly CallbackKind[] = [
  'b2c-result',
  'b2c-timeout',
  'balance-result',
  'status-result',
  'timeout',
  'reversal-result',
  'stk',
  'c2b-validation',
  'c2b-confirmation',
];

/** TransactionStatus values (with ResultCode 0) that say the payment failed (REFERENCE §15.15: only "Completed" is documented). */
const failedTransactionStatuses = new Set(['failed', 'declined', 'cancelled', 'canceled', 'expired']);

interface InboxRow {
  id: number;
  kind: CallbackKind;
  body: string;
  applied: number;
  flag: string | null;
}

/** For readers outside the engine: the longest result timeout Mshahara uses, so a "not found" is read conservatively. */
const conservativePolicy: EvidencePolicy = { resultTimeoutMs: 60_000, ...defaultEvidencePolicy };

export function applyInboxEntry(
  db: ProfileDatabase,
  inboxId: number,
  nowIso: string,
  policy: EvidencePolicy = conservativePolicy,
): ApplyResult {
  const row = db.prepare('SELECT id, kind, body, applied, flag FROM inbox WHERE id = ?').get(inboxId) as
    InboxRow | undefined;
  if (!row || row.applied === 1 || row.flag !== null) return { kind: 'already-done' };
  if (!engineKinds.includes(row.kind)) return { kind: 'not-mine' };
  const parsed = parseCallback(row.body, row.kind);
  if (!parsed.ok) return flag(db, row.id, 'malformed', parsed.error.reason, nowIso);
  const event = parsed.event;
  switch (event.type) {
    case 'b2c-result':
      return applyB2cResult(db, row.id, event, nowIso);
    case 'status-result':
      return applyStatusResult(db, row.id, event, nowIso, policy);
    case 'balance-result':
      return applyBalanceResult(db, row.id, event, nowIso);
    case 'queue-timeout':
      return row.kind === 'timeout'
        ? applyQueryTimeout(db, row.id, event, nowIso)
        : applyQueueTimeout(db, row.id, event, nowIso);
    case 'reversal-result': {
      // Reversals keep their own evidence rules (src/main/reversals/apply-result.ts).
      const applied = applyReversalResult(db, row.id, event, nowIso);
      return applied.kind === 'reversal-flagged' ? { kind: 'flagged', flag: 'unmatched' } : { kind: 'recorded' };
    }
    case 'stk-callback':
      return applyStkCallback(db, row.id, event, nowIso);
    case 'c2b-validation':
      return recordOutcome(
        db,
        row.id,
        'A customer payment was validated; the money arrives as its confirmation',
        nowIso,
      );
    case 'c2b-confirmation':
      // A claim, not money: recorded only once Transaction Status confirms it (collections/received-checks.ts).
      return trackConfirmation(db, row.id, event, nowIso);
    default: {
      const never: never = event;
      throw new Error(`unhandled callback ${String(never)}`);
    }
  }
}

function flag(db: ProfileDatabase, inboxId: number, which: InboxFlag, reason: string, nowIso: string): ApplyResult {
  db.transaction(() => {
    markInbox(db, inboxId, { applied: false, flag: which, reason }, nowIso);
    appendAudit(db, {
      actor: 'system',
      action: 'inbox.flagged',
      entity: 'inbox',
      entityId: inboxId,
      details: { flag: which, reason },
    });
  }).immediate();
  return { kind: 'flagged', flag: which };
}

function applied(db: ProfileDatabase, inboxId: number, reason: string, nowIso: string): void {
  markInbox(db, inboxId, { applied: true, reason }, nowIso);
}

function recordOutcome(db: ProfileDatabase, inboxId: number, reason: string, nowIso: string): ApplyResult {
  db.transaction(() => applied(db, inboxId, reason, nowIso)).immediate();
  return { kind: 'recorded' };
}

type Match = { attempt: Attempt } | { conflict: string } | null;

/**
 * The attempt a Result is about: found by our OriginatorConversationID or by Daraja's
 * ConversationID (Daraja may not echo ours, REFERENCE §15.2), and the other ID must not point
 * elsewhere. A Result naming two different attempts, or a ConversationID other than the one
 * Daraja gave the attempt, is a conflict and settles nothing.
 */
function matchResult(db: ProfileDatabase, originatorId: string | null, conversationId: string | null): Match {
  const byOriginator = originatorId ? attemptByOriginatorId(db, originatorId) : null;
  const byConversation = conversationId ? attemptByConversationId(db, conversationId) : null;
  if (byOriginator && byConversation && byOriginator.id !== byConversation.id) {
    return {
      conflict: `OriginatorConversationID ${String(originatorId)} is attempt ${byOriginator.id} but ConversationID ${String(conversationId)} is attempt ${byConversation.id}`,
    };
  }
  const attempt = byOriginator ?? byConversation;
  if (!attempt) return null;
  if (conversationId && attempt.conversationId && attempt.conversationId !== conversationId) {
    return {
      conflict: `Attempt ${attempt.id} was given ConversationID ${attempt.conversationId}, but this Result names ${conversationId}`,
    };
  }
  return { attempt };
}

const openStates = new Set<string>(openAttemptStates);

function applyB2cResult(db: ProfileDatabase, inboxId: number, event: B2cResultEvent, nowIso: string): ApplyResult {
  const match = matchResult(db, event.originatorConversationId, event.conversationId);
  if (match === null)
    return flag(
      db,
      inboxId,
      'unmatched',
      `No payout attempt has OriginatorConversationID ${event.originatorConversationId} or ConversationID ${event.conversationId}`,
      nowIso,
    );
  if ('conflict' in match) return flag(db, inboxId, 'unmatched', match.conflict, nowIso);
  const attempt = match.attempt;
  // Any Result about this ID means Daraja saw it: it is never re-sent on a "not found" again.
  markAcknowledged(db, attempt.id, event.conversationId);
  if (event.resultCode === '0') {
    return applySuccess(db, inboxId, attempt, nowIso, {
      source: 'b2c_result',
      receipt: event.receipt,
      amountCents: event.amountCents,
      reportedMsisdn: event.receiverMsisdn,
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
  if (entry.class === 'throttled') {
    // M-Pesa turned it away unprocessed because of load: slow down and send the SAME ID again,
    // so Daraja's duplicate check still stands between us and a second payment.
    if (attempt.state === 'accepted' || attempt.state === 'unknown' || attempt.state === 'sending') {
      const moved = db
        .transaction(() => {
          const ok = backToCreated(db, attempt.id, `Result ${event.resultCode}: ${event.resultDesc}`, nowIso, [
            'accepted',
            'unknown',
            'sending',
          ]);
          applied(
            db,
            inboxId,
            `M-Pesa was busy (${event.resultCode}) and did not process it; sent again with the same ID, more slowly`,
            nowIso,
          );
          return ok;
        })
        .immediate();
      return moved ? { kind: 'throttled', attemptId: attempt.id } : { kind: 'already-done' };
    }
    return flag(
      db,
      inboxId,
      'late',
      `Throttling result ${event.resultCode} for attempt ${attempt.id}, which is ${attempt.state}`,
      nowIso,
    );
  }
  if (entry.class === 'duplicate' || entry.class === 'pending') {
    // M-Pesa has it already or will process it later: not a failure. Ask Transaction Status.
    db.transaction(() => {
      if (attempt.state === 'accepted' || attempt.state === 'sending')
        markUnknown(db, attempt.id, `Result ${event.resultCode}: ${event.resultDesc}`, nowIso, ['accepted', 'sending']);
      applied(
        db,
        inboxId,
        `Result ${event.resultCode} does not settle the payment; Mshahara asks Transaction Status`,
        nowIso,
      );
    }).immediate();
    return { kind: 'unknown', attemptId: attempt.id };
  }
  if (attempt.state === 'sending') {
    // A same-ID re-send is on the wire: its own answer (or Transaction Status) settles it.
    return flag(
      db,
      inboxId,
      'late',
      `Failure ${event.resultCode} arrived while attempt ${attempt.id} is being sent again`,
      nowIso,
    );
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
  return accounts.flatMap(([account, availableCents]) =>
    availableCents === null ? [] : [{ account, availableCents }],
  );
}

/** What a result reports before it is checked against the attempt: any of these may be missing. */
type SuccessEvidence = Omit<PaymentEvidence, 'inboxId' | 'receipt' | 'amountCents' | 'phone'> & {
  receipt: string | null;
  amountCents: number | null;
  reportedMsisdn: string | null;
};

function applySuccess(
  db: ProfileDatabase,
  inboxId: number,
  attempt: Attempt,
  nowIso: string,
  e: SuccessEvidence,
): ApplyResult {
  if (e.receipt === null) return flag(db, inboxId, 'malformed', 'A success without an M-Pesa receipt', nowIso);
  if (e.amountCents !== attempt.amountCents) {
    return flag(
      db,
      inboxId,
      'amount_mismatch',
      `Reports ${String(e.amountCents)} cents paid; attempt ${attempt.id} sent ${attempt.amountCents}`,
      nowIso,
    );
  }
  const party = checkParty(attempt.phone, e.reportedMsisdn, e.partyDisplay);
  if (party !== 'match') {
    return flag(
      db,
      inboxId,
      'party_mismatch',
      `Reports ${e.partyDisplay ?? e.reportedMsisdn ?? 'no number'} paid; attempt ${attempt.id} paid ${attempt.phone}`,
      nowIso,
    );
  }
  const evidence: PaymentEvidence = {
    inboxId,
    ...e,
    receipt: e.receipt,
    amountCents: e.amountCents,
    phone: attempt.phone,
  };
  const receiptOwner = db
    .prepare('SELECT attempt_id FROM transactions WHERE receipt = ? AND corrects_id IS NULL')
    .get(e.receipt) as { attempt_id: number | null } | undefined;
  if (receiptOwner) {
    if (receiptOwner.attempt_id === attempt.id || attempt.receipt === e.receipt)
      return flag(
        db,
        inboxId,
        'duplicate',
        `Receipt ${e.receipt} is already recorded for attempt ${attempt.id}`,
        nowIso,
      );
    return flag(db, inboxId, 'duplicate', `Receipt ${e.receipt} is already in the ledger for another payment`, nowIso);
  }
  if (attempt.state === 'succeeded') {
    // Two receipts for one attempt: the money moved twice. It goes into the ledger, marked.
    recordFinding(
      db,
      attempt,
      evidence,
      'second_receipt',
      `A second receipt ${e.receipt} for a payment already made with ${String(attempt.receipt)}`,
      nowIso,
    );
    return { kind: 'finding', attemptId: attempt.id };
  }
  if (!openStates.has(attempt.state)) {
    const cancelled = attempt.resultCode === 'mshahara.cancelled';
    recordFinding(
      db,
      attempt,
      evidence,
      cancelled ? 'paid_after_cancel' : 'paid_after_failure',
      `M-Pesa paid receipt ${e.receipt} for a payment Mshahara had recorded as ${cancelled ? 'cancelled before sending' : attempt.state}`,
      nowIso,
    );
    return { kind: 'finding', attemptId: attempt.id };
  }
  // Money another attempt of the same line already moved (its own success, or a contradiction recorded in the ledger).
  const otherPaid = db
    .prepare(
      `SELECT t.attempt_id AS id, t.receipt FROM transactions t JOIN payout_attempts a ON a.id = t.attempt_id
        WHERE a.item_id = ? AND a.id <> ? AND t.kind IN ('b2c_payment', 'refund') AND t.corrects_id IS NULL LIMIT 1`,
    )
    .get(attempt.itemId, attempt.id) as { id: number; receipt: string } | undefined;
  db.transaction(() => {
    settlePaid(db, attempt, evidence, nowIso, otherPaid ? 'paid_twice' : null);
    if (otherPaid) {
      // This attempt's own success, but the line was already paid by another: paid twice.
      const settledAttempt = attemptById(db, attempt.id) ?? attempt;
      recordFinding(
        db,
        settledAttempt,
        null,
        'paid_twice',
        `Paid twice: receipt ${e.receipt} and receipt ${otherPaid.receipt} (attempt ${otherPaid.id}) for the same line`,
        nowIso,
      );
    }
  }).immediate();
  return { kind: 'settled', attemptId: attempt.id };
}

function applyFailure(
  db: ProfileDatabase,
  inboxId: number,
  attempt: Attempt,
  code: string,
  desc: string,
  via: string,
  nowIso: string,
): ApplyResult {
  if (attempt.state === 'failed' || attempt.state === 'rejected') {
    return flag(db, inboxId, 'duplicate', `Attempt ${attempt.id} is already settled as ${attempt.state}`, nowIso);
  }
  if (attempt.state === 'succeeded') {
    if (attempt.resultCode === 'mshahara.resolved') {
      // Recorded as paid on a person's word, and now M-Pesa says it failed: the ledger row may be money that never moved.
      db.transaction(() => {
        markInbox(
          db,
          inboxId,
          { applied: true, reason: `M-Pesa reports failure ${code} for a payment a person recorded as paid` },
          nowIso,
        );
        recordFinding(
          db,
          attempt,
          null,
          'failure_after_payment',
          `M-Pesa reports failure ${code} (${desc}) for a payment recorded as paid by hand with receipt ${String(attempt.receipt)}`,
          nowIso,
        );
      }).immediate();
      return { kind: 'finding', attemptId: attempt.id };
    }
    // The ledger already shows the money; a failure report cannot take it back.
    return flag(
      db,
      inboxId,
      'late',
      `Failure ${code} reported for attempt ${attempt.id}, which was paid (receipt ${String(attempt.receipt)}); the payment stands`,
      nowIso,
    );
  }
  settleFailed(db, attempt, inboxId, code, desc, via, nowIso);
  return { kind: 'settled', attemptId: attempt.id };
}

// ---- Transaction Status ----------------------------------------------------------------------

function applyStatusResult(
  db: ProfileDatabase,
  inboxId: number,
  event: StatusResultEvent,
  nowIso: string,
  policy: EvidencePolicy,
): ApplyResult {
  // The query this answers: Daraja names it by the ConversationID it gave the query.
  const query = queryByAnswer(db, event.conversationId, event.originatorConversationId);
  // A question about no payout attempt (a lookup, a check) is answered, never taken as a payout's evidence.
  if (!query) {
    const lookup = applyLookupAnswer(db, inboxId, event, nowIso);
    if (lookup !== null) return { kind: 'lookup-answered', lookupId: lookup.id };
  }
  const named = event.transactionOriginatorConversationId;
  // Mshahara sends the payment's OriginatorConversationID as the query's Occasion; Daraja echoes it.
  const asked = event.reference.Occasion ?? null;
  const queriedAttempt = query
    ? attemptById(db, query.attemptId)
    : asked !== null
      ? attemptByOriginatorId(db, asked)
      : null;
  const namedAttempt = named !== null ? attemptByOriginatorId(db, named) : null;

  // An answer about a receipt a person gave (resolving a payment by hand): recorded on the query.
  if (query?.byReceipt) return applyReceiptAnswer(db, inboxId, event, query, queriedAttempt, nowIso);

  if (queriedAttempt && named !== null && named !== queriedAttempt.originatorConversationId) {
    if (query) recordQueryAnswer(db, query.id, 'other_payment', event.resultCode, inboxId, nowIso);
    return flag(
      db,
      inboxId,
      'unmatched',
      `The query was about ${queriedAttempt.originatorConversationId} but the answer names ${named}`,
      nowIso,
    );
  }
  const attempt = queriedAttempt ?? namedAttempt;
  if (!attempt)
    return flag(
      db,
      inboxId,
      'unmatched',
      `No payout attempt or status query matches this answer (ConversationID ${event.conversationId})`,
      nowIso,
    );

  if (event.resultCode === '0') {
    const status = (event.transactionStatus ?? '').trim();
    if (status.toLowerCase() === 'completed') {
      if (query) recordQueryAnswer(db, query.id, 'paid', event.resultCode, inboxId, nowIso);
      const result = applySuccess(db, inboxId, attempt, nowIso, statusEvidence(event));
      // The payment's own ConversationID, learned once its evidence was accepted (its synchronous answer may have been lost).
      if (result.kind === 'settled' && event.transactionConversationId !== null)
        markAcknowledged(db, attempt.id, event.transactionConversationId);
      return result;
    }
    if (failedTransactionStatuses.has(status.toLowerCase()) && named === attempt.originatorConversationId) {
      if (query) recordQueryAnswer(db, query.id, 'failed', event.resultCode, inboxId, nowIso);
      if (attempt.state === 'created' || attempt.state === 'sending') {
        return flag(db, inboxId, 'late', `Failure reported while attempt ${attempt.id} is being sent again`, nowIso);
      }
      return applyFailure(
        db,
        inboxId,
        attempt,
        `TS:${status}`,
        `Transaction Status: ${status}`,
        'status_result',
        nowIso,
      );
    }
    // Daraja knows the payment (it answered about it by name): never re-sent on a "not found" again.
    if (named === attempt.originatorConversationId) markAcknowledged(db, attempt.id, null);
    return unanswered(
      db,
      inboxId,
      query,
      attempt,
      event,
      `Transaction Status says "${status || 'no status'}"; not final`,
      nowIso,
    );
  }
  if (policy.notFoundCodes.includes(event.resultCode))
    return applyNotFound(db, inboxId, query, attempt, event, nowIso, policy);
  return unanswered(
    db,
    inboxId,
    query,
    attempt,
    event,
    `Transaction Status could not answer (${event.resultCode} ${event.resultDesc}); it is about the query, not the payment`,
    nowIso,
  );
}

/** What a "Completed" Transaction Status answer reports about the payment, before it is checked against the attempt. */
function statusEvidence(event: StatusResultEvent): SuccessEvidence {
  return {
    source: 'status_result',
    receipt: event.receipt,
    amountCents: event.amountCents,
    reportedMsisdn: event.creditPartyMsisdn,
    registeredName: event.creditPartyName,
    partyDisplay: event.creditPartyPublicName,
    occurredAt: event.finalisedAt,
    chargeCents: event.debitPartyChargesCents,
    utilityBalanceCents: null,
    reportedBalances: [],
    resultCode: event.resultCode,
    resultDesc: event.resultDesc,
  };
}

function unanswered(
  db: ProfileDatabase,
  inboxId: number,
  query: StatusQuery | null,
  attempt: Attempt,
  event: StatusResultEvent,
  reason: string,
  nowIso: string,
): ApplyResult {
  db.transaction(() => {
    if (query) recordQueryAnswer(db, query.id, 'unanswered', event.resultCode, inboxId, nowIso);
    applied(db, inboxId, reason, nowIso);
  }).immediate();
  return { kind: 'status-unanswered', attemptId: attempt.id };
}

/**
 * "M-Pesa has no such transaction". It may also mean "not processed yet" (REFERENCE §15.12), so it
 * moves money only when every condition holds: it answers a query Mshahara recorded, asked at least
 * the result timeout after the attempt's last send; Daraja never acknowledged the attempt; it is
 * the second such answer since that send; the attempt has re-sends left. Then the SAME attempt is
 * sent again with the same OriginatorConversationID, so Daraja's duplicate check still guards it.
 */
function applyNotFound(
  db: ProfileDatabase,
  inboxId: number,
  query: StatusQuery | null,
  attempt: Attempt,
  event: StatusResultEvent,
  nowIso: string,
  policy: EvidencePolicy,
): ApplyResult {
  const code = event.resultCode;
  if (!query)
    return unanswered(
      db,
      inboxId,
      null,
      attempt,
      event,
      `"No such transaction" (${code}) that answers no query Mshahara recorded: it counts for nothing`,
      nowIso,
    );
  return db
    .transaction((): ApplyResult => {
      recordQueryAnswer(db, query.id, 'not_found', code, inboxId, nowIso);
      const current = attemptById(db, attempt.id) ?? attempt;
      const why = notFoundBlocker(current, query, policy);
      if (why !== null) {
        applied(db, inboxId, `"No such transaction" (${code}) for attempt ${attempt.id}: ${why}`, nowIso);
        return { kind: 'status-unanswered', attemptId: attempt.id };
      }
      const answers = notFoundAnswersSinceSend(db, current, policy.resultTimeoutMs);
      if (answers < 2) {
        applied(
          db,
          inboxId,
          `First "no such transaction" (${code}) since attempt ${attempt.id} was sent; asking once more before sending it again`,
          nowIso,
        );
        return { kind: 'status-unanswered', attemptId: attempt.id };
      }
      const unread = unreadResultSince(db, current);
      if (unread !== null) {
        markNeedsAttention(
          db,
          attempt.id,
          `M-Pesa says it has no such payment, but ${unread} arrived since it was sent and could not be matched: a person decides`,
          nowIso,
        );
        applied(
          db,
          inboxId,
          `"No such transaction" (${code}) for attempt ${attempt.id}, but an unmatched result may be about it: a person decides`,
          nowIso,
        );
        return { kind: 'attention', attemptId: attempt.id };
      }
      if (current.resends >= policy.maxResends) {
        markNeedsAttention(
          db,
          attempt.id,
          `M-Pesa still says it has no such payment after ${current.resends} re-send(s) with the same ID`,
          nowIso,
        );
        applied(
          db,
          inboxId,
          `"No such transaction" (${code}) again after ${current.resends} re-send(s): a person decides`,
          nowIso,
        );
        return { kind: 'attention', attemptId: attempt.id };
      }
      backToCreated(db, attempt.id, `Transaction Status: no such transaction (${code}), twice`, nowIso, ['unknown'], {
        resend: true,
      });
      applied(
        db,
        inboxId,
        `M-Pesa twice said it has no such transaction; attempt ${attempt.id} is sent again with the same ID`,
        nowIso,
      );
      return { kind: 'resend', attemptId: attempt.id };
    })
    .immediate();
}

/**
 * A success Result of the same amount to the same number, or a queue timeout, that arrived after
 * the attempt was last sent and matched no attempt (Daraja may send its own
 * OriginatorConversationID, and the ConversationID was never learned): it may be this payment, so
 * no re-send goes out while it is unread.
 */
function unreadResultSince(db: ProfileDatabase, attempt: Attempt): string | null {
  if (attempt.sentAt === null) return null;
  const rows = db
    .prepare(
      `SELECT id, kind, body FROM inbox WHERE kind IN ('b2c-result', 'b2c-timeout') AND flag = 'unmatched' AND received_at >= ? ORDER BY id LIMIT 500`,
    )
    .all(attempt.sentAt) as Array<{ id: number; kind: CallbackKind; body: string }>;
  for (const row of rows) {
    const parsed = parseCallback(row.body, row.kind);
    if (!parsed.ok) continue;
    const event = parsed.event;
    // A queue timeout names no amount or number: it may be this payment, processed after all.
    if (event.type === 'queue-timeout') return `a queue timeout (callback #${row.id})`;
    // A failure moved no money, so a re-send after it can pay at most once.
    if (event.type !== 'b2c-result' || event.resultCode !== '0') continue;
    if (
      event.amountCents === attempt.amountCents &&
      checkParty(attempt.phone, event.receiverMsisdn, event.receiverPartyPublicName) !== 'mismatch'
    ) {
      return `a payment of the same amount to the same number (callback #${row.id})`;
    }
  }
  return null;
}

/** Why a "not found" cannot lead to a re-send of this attempt, or null when it can. */
function notFoundBlocker(attempt: Attempt, query: StatusQuery, policy: EvidencePolicy): string | null {
  if (attempt.state !== 'unknown') return `the attempt is ${attempt.state}, so nothing is re-sent`;
  if (attempt.needsAttention) return 'it is on the needs-attention list: a person decides';
  if (attempt.acknowledged)
    return 'Daraja acknowledged this payment, so "not found" may only mean "not processed yet"; it is never re-sent';
  if (query.attemptSentAt !== attempt.sentAt) return 'the query was asked before the attempt was last sent';
  if (attempt.sentAt !== null && Date.parse(query.askedAt) < Date.parse(attempt.sentAt) + policy.resultTimeoutMs)
    return 'the query was asked too soon after the send to count';
  return null;
}

/** The answer to a query about a receipt a person gave: recorded on the query for the person's check. */
function applyReceiptAnswer(
  db: ProfileDatabase,
  inboxId: number,
  event: StatusResultEvent,
  query: StatusQuery,
  attempt: Attempt | null,
  nowIso: string,
): ApplyResult {
  const completed = event.resultCode === '0' && (event.transactionStatus ?? '').toLowerCase() === 'completed';
  if (!attempt || !completed) {
    // ResultCode 0 with another status (failed, reversed, pending): the receipt proves no payment.
    const answer = event.resultCode === '0' ? 'failed' : policyNotFound(event.resultCode) ? 'not_found' : 'unanswered';
    db.transaction(() => {
      recordQueryAnswer(db, query.id, answer, event.resultCode, inboxId, nowIso);
      applied(
        db,
        inboxId,
        `Receipt ${String(query.byReceipt)}: M-Pesa answered ${event.resultCode} ${event.resultDesc}`,
        nowIso,
      );
    }).immediate();
    return { kind: 'status-unanswered', attemptId: query.attemptId };
  }
  // Without the payment's own ID, only its time can tell it from an older payment of the same amount.
  const createdAt = (
    db.prepare('SELECT created_at FROM payout_attempts WHERE id = ?').get(attempt.id) as { created_at: string }
  ).created_at;
  const older =
    event.transactionOriginatorConversationId === null &&
    (event.finalisedAt === null || event.finalisedAt.getTime() < Date.parse(createdAt) - 60_000);
  if (
    older ||
    (event.transactionOriginatorConversationId !== null &&
      event.transactionOriginatorConversationId !== attempt.originatorConversationId)
  ) {
    db.transaction(() => {
      recordQueryAnswer(db, query.id, 'other_payment', event.resultCode, inboxId, nowIso);
      applied(
        db,
        inboxId,
        `Receipt ${String(query.byReceipt)} belongs to another payment (${event.transactionOriginatorConversationId ?? 'completed before this one was sent'})`,
        nowIso,
      );
    }).immediate();
    return { kind: 'status-unanswered', attemptId: attempt.id };
  }
  recordQueryAnswer(db, query.id, 'paid', event.resultCode, inboxId, nowIso);
  return applySuccess(db, inboxId, attempt, nowIso, statusEvidence(event));
}

/** A status query that waited too long in Daraja's queue: the query went unanswered; it is asked again. */
function applyQueryTimeout(
  db: ProfileDatabase,
  inboxId: number,
  event: QueueTimeoutEvent,
  nowIso: string,
): ApplyResult {
  const query = queryByAnswer(db, event.conversationId, event.originatorConversationId);
  if (!query) {
    const lookup = applyLookupAnswer(db, inboxId, event, nowIso);
    if (lookup !== null) return { kind: 'lookup-answered', lookupId: lookup.id };
    if (applyReversalTimeout(db, inboxId, event, nowIso) !== null) return { kind: 'recorded' };
  }
  if (query) {
    db.transaction(() => {
      recordQueryAnswer(db, query.id, 'unanswered', event.resultCode ?? 'timeout', inboxId, nowIso);
      applied(
        db,
        inboxId,
        `Status query about attempt ${query.attemptId} timed out in M-Pesa's queue; Mshahara asks again`,
        nowIso,
      );
    }).immediate();
    return { kind: 'status-unanswered', attemptId: query.attemptId };
  }
  // Posted to the query timeout address but about a payment (some integrations share one address).
  const match = matchResult(db, event.originatorConversationId, event.conversationId);
  if (match && 'attempt' in match) return applyQueueTimeout(db, inboxId, event, nowIso);
  return recordOutcome(
    db,
    inboxId,
    'A queue timeout for a request Mshahara does not know (a balance check, or a query from before a restart); nothing to settle',
    nowIso,
  );
}

function applyQueueTimeout(
  db: ProfileDatabase,
  inboxId: number,
  event: QueueTimeoutEvent,
  nowIso: string,
): ApplyResult {
  const match = matchResult(db, event.originatorConversationId, event.conversationId);
  if (match === null) return flag(db, inboxId, 'unmatched', 'A queue timeout for no known payout attempt', nowIso);
  if ('conflict' in match) return flag(db, inboxId, 'unmatched', match.conflict, nowIso);
  const attempt = match.attempt;
  db.transaction(() => {
    markAcknowledged(db, attempt.id, event.conversationId);
    markUnknown(db, attempt.id, 'Daraja reported a queue timeout', nowIso, ['accepted', 'sending']);
    applied(db, inboxId, `Queue timeout for attempt ${attempt.id}; Mshahara asks Transaction Status`, nowIso);
  }).immediate();
  return { kind: 'unknown', attemptId: attempt.id };
}

// ---- other kinds -----------------------------------------------------------------------------

function applyBalanceResult(
  db: ProfileDatabase,
  inboxId: number,
  event: BalanceResultEvent,
  nowIso: string,
): ApplyResult {
  const ok = event.resultCode === '0';
  db.transaction(() => {
    const insert = db.prepare(
      `INSERT INTO balance_snapshots (observed_at, account, currency, current_cents, available_cents, reserved_cents, uncleared_cents, conversation_id, inbox_id, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const observedAt = (event.completedAt ?? new Date(nowIso)).toISOString();
    if (ok) {
      for (const account of event.accounts) {
        insert.run(
          observedAt,
          account.name,
          account.currency,
          account.currentCents,
          account.availableCents ?? account.currentCents,
          account.reservedCents,
          account.unclearedCents,
          event.conversationId,
          inboxId,
          nowIso,
        );
      }
    }
    applied(
      db,
      inboxId,
      ok
        ? `Balances of ${event.accounts.length} accounts recorded`
        : `Balance query failed: ${event.resultCode} ${event.resultDesc}`,
      nowIso,
    );
  }).immediate();
  return { kind: 'balance', conversationId: event.conversationId, ok };
}
