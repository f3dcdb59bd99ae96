// Evidence about a reversal, wherever it comes from: its Result callback (matched by the
// ConversationID Daraja gave it, else its OriginatorConversationID, else the original receipt it
// names: one live reversal per original), a queue timeout, or a Transaction Status answer. A
// success writes one ledger row (kind 'reversal', money out, the reversal's own receipt, the
// amount M-Pesa reported) and marks the original reversed, in one transaction with the inbox
// entry's outcome and the audit row; copies change nothing (docs/money-safety.md#reversals).
import { formatKesWithCurrency } from '../../shared/money';
import type { QueueTimeoutEvent, ReversalResultEvent } from '../daraja/callbacks';
import { parseCallback } from '../daraja/callbacks';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { findByReceipt, getTransaction, recordTransaction } from '../ledger/transactions';
import { markInbox } from '../payroll/engine/settle';
import { reversalResultWords } from './rules';
import {
  inFlightStates,
  linkReversalReceipt,
  markReversalAttention,
  moveReversal,
  noteDarajaIds,
  recordReversedOriginal,
  reversalByDarajaIds,
  reversalById,
  reversalByOriginalReceipt,
  type Reversal,
} from './store';

export type ReversalApplied =
  | { kind: 'reversal-settled'; reversalId: number }
  | { kind: 'reversal-copy'; reversalId: number }
  | { kind: 'reversal-unknown'; reversalId: number }
  | { kind: 'reversal-flagged'; reason: string };

function flagged(db: ProfileDatabase, inboxId: number, reason: string, nowIso: string): ReversalApplied {
  db.transaction(() => {
    markInbox(db, inboxId, { applied: false, flag: 'unmatched', reason }, nowIso);
    appendAudit(db, {
      actor: 'system',
      action: 'inbox.flagged',
      entity: 'inbox',
      entityId: inboxId,
      details: { flag: 'unmatched', reason },
    });
  }).immediate();
  return { kind: 'reversal-flagged', reason };
}

/** The reversal a result is about, or why none could be found. */
export function matchResult(db: ProfileDatabase, event: ReversalResultEvent): Reversal | string {
  const byIds = reversalByDarajaIds(db, event.conversationId, event.originatorConversationId);
  if (byIds !== null) {
    if (event.originalTransactionId !== null && event.originalTransactionId !== byIds.originalReceipt)
      return `A reversal result names original ${event.originalTransactionId}, but its request was about ${byIds.originalReceipt}`;
    return byIds;
  }
  if (event.originalTransactionId !== null) {
    const byOriginal = reversalByOriginalReceipt(db, event.originalTransactionId);
    if (byOriginal !== null) return byOriginal;
  }
  return 'A reversal result, but Mshahara has asked for no reversal of that payment: check it on the M-Pesa portal';
}

/** One ledger row for a reversal's money, once per receipt; the original marked reversed. */
function recordReversalMoney(
  db: ProfileDatabase,
  reversal: Reversal,
  money: {
    receipt: string;
    amountCents: number;
    chargeCents: number | null;
    occurredAt: string;
    partyDisplay: string | null;
    inboxId: number | null;
    source: 'reversal_result' | 'status_result';
  },
  nowIso: string,
): number {
  const existing = findByReceipt(db, money.receipt);
  const original = getTransaction(db, reversal.transactionId);
  const row =
    existing ??
    recordTransaction(db, {
      receipt: money.receipt,
      occurredAt: money.occurredAt,
      recordedAt: nowIso,
      direction: 'out',
      kind: 'reversal',
      status: 'completed',
      amountCents: money.amountCents,
      chargeCents: money.chargeCents,
      chargeBasis: money.chargeCents === null ? null : 'reported',
      phone: original.phone,
      partyName: original.partyName,
      partyDisplay: money.partyDisplay ?? original.partyDisplay,
      accountReference: original.accountReference,
      reversalId: reversal.id,
      inboxId: money.inboxId,
      source: money.source,
    });
  if (
    !recordReversedOriginal(
      db,
      { originalId: original.id, reversalTransactionId: row.id, reversalId: reversal.id, via: 'api' },
      nowIso,
    )
  )
    linkReversalReceipt(db, original.id, row.id);
  return row.id;
}

/** Counts a reversal as made on evidence naming its receipt; inside the caller's transaction. */
export function succeed(
  db: ProfileDatabase,
  reversal: Reversal,
  evidence: {
    receipt: string;
    amountCents: number | null;
    chargeCents: number | null;
    completedAt: Date | null;
    partyDisplay: string | null;
    inboxId: number;
    source: 'reversal_result' | 'status_result';
    resultCode: string;
    resultDesc: string;
  },
  nowIso: string,
): void {
  const amount = evidence.amountCents ?? reversal.originalAmountCents;
  const transactionId = recordReversalMoney(
    db,
    reversal,
    {
      receipt: evidence.receipt,
      amountCents: amount,
      chargeCents: evidence.chargeCents,
      occurredAt: (evidence.completedAt ?? new Date(nowIso)).toISOString(),
      partyDisplay: evidence.partyDisplay,
      inboxId: evidence.inboxId,
      source: evidence.source,
    },
    nowIso,
  );
  const differs =
    evidence.amountCents === null
      ? `M-Pesa did not say how much it reversed; Mshahara recorded the original's ${formatKesWithCurrency(reversal.originalAmountCents)}: check the statement.`
      : evidence.amountCents !== reversal.originalAmountCents
        ? `M-Pesa reversed ${formatKesWithCurrency(evidence.amountCents)}, but the original payment was ${formatKesWithCurrency(reversal.originalAmountCents)}: recorded as M-Pesa reported it; check it with the customer and the statement.`
        : null;
  const moved = moveReversal(db, reversal.id, 'succeeded', nowIso, {
    reversalReceipt: evidence.receipt,
    resultCode: evidence.resultCode,
    resultDesc: evidence.resultDesc,
    reportedAmountCents: amount,
    outcomeWords: reversalResultWords('0', null),
    needsAttention: differs !== null,
    attentionReason: differs,
  });
  if (!moved) {
    // A success after Mshahara recorded it failed: the money moved all the same (as payouts' rule 9).
    markReversalAttention(
      db,
      reversal.id,
      `M-Pesa reversed it (receipt ${evidence.receipt}) after Mshahara had recorded it as ${reversal.state}: the money went back; check it.`,
      nowIso,
    );
  }
  appendAudit(db, {
    actor: 'system',
    action: 'reversal.succeeded',
    entity: 'reversal',
    entityId: reversal.id,
    details: {
      receipt: evidence.receipt,
      original: reversal.originalReceipt,
      amountCents: amount,
      transactionId,
      inboxId: evidence.inboxId,
      ...(differs === null ? {} : { attention: differs }),
    },
  });
}

/** A refusal of one of several sends: the reversal waits for a person, never failed on it alone. */
function noteSendRefused(
  db: ProfileDatabase,
  reversal: Reversal,
  code: string,
  words: string,
  inboxId: number,
  nowIso: string,
): void {
  const why = `M-Pesa refused one of the ${reversal.sends} sends (${code}: ${words}). An earlier send may have reversed it: check the M-Pesa statement for a reversal of ${reversal.originalReceipt} before deciding.`;
  // Its outcome is unknown: no send is in flight that Mshahara still waits for on its own.
  moveReversal(db, reversal.id, 'unknown', nowIso, {
    resultCode: code,
    resultDesc: words,
    needsAttention: true,
    attentionReason: why,
  });
  markReversalAttention(db, reversal.id, why, nowIso);
  markInbox(
    db,
    inboxId,
    { applied: true, reason: `Reversal #${reversal.id}: one of its sends was refused (${code}); a person decides` },
    nowIso,
  );
  appendAudit(db, {
    actor: 'system',
    action: 'reversal.send_refused',
    entity: 'reversal',
    entityId: reversal.id,
    details: { original: reversal.originalReceipt, resultCode: code, inboxId },
  });
}

/** Applies a reversal's Result callback. */
export function applyReversalResult(
  db: ProfileDatabase,
  inboxId: number,
  event: ReversalResultEvent,
  nowIso: string,
): ReversalApplied {
  const match = matchResult(db, event);
  if (typeof match === 'string') return flagged(db, inboxId, match, nowIso);
  return db
    .transaction((): ReversalApplied => {
      const reversal = reversalById(db, match.id) as Reversal;
      noteDarajaIds(db, reversal.id, {
        conversationId: event.conversationId,
        originatorId: event.originatorConversationId,
      });
      const code = event.resultCode;
      if (code === '0' && event.receipt !== null) {
        const known = findByReceipt(db, event.receipt);
        if (reversal.state === 'succeeded' && reversal.reversalReceipt === event.receipt) {
          markInbox(
            db,
            inboxId,
            { applied: true, reason: `A copy of reversal #${reversal.id}'s result; already recorded` },
            nowIso,
          );
          return { kind: 'reversal-copy', reversalId: reversal.id };
        }
        if (reversal.state === 'succeeded' && reversal.alreadyReversed) {
          // The first send's own result, after a second send was told "already reversed": its receipt at last.
          recordReversalMoney(
            db,
            reversal,
            {
              receipt: event.receipt,
              amountCents: event.amountCents ?? reversal.originalAmountCents,
              chargeCents: event.chargeCents,
              occurredAt: (event.completedAt ?? new Date(nowIso)).toISOString(),
              partyDisplay: event.creditPartyPublicName,
              inboxId,
              source: 'reversal_result',
            },
            nowIso,
          );
          db.prepare('UPDATE reversals SET reversal_receipt = coalesce(reversal_receipt, ?) WHERE id = ?').run(
            event.receipt,
            reversal.id,
          );
          markInbox(
            db,
            inboxId,
            { applied: true, reason: `Reversal #${reversal.id}: its receipt ${event.receipt}` },
            nowIso,
          );
          appendAudit(db, {
            actor: 'system',
            action: 'reversal.receipt_found',
            entity: 'reversal',
            entityId: reversal.id,
            details: { receipt: event.receipt, inboxId },
          });
          return { kind: 'reversal-settled', reversalId: reversal.id };
        }
        if (reversal.state === 'succeeded' || known !== undefined) {
          markInbox(
            db,
            inboxId,
            { applied: true, reason: `Reversal receipt ${event.receipt} is already in the ledger` },
            nowIso,
          );
          return { kind: 'reversal-copy', reversalId: reversal.id };
        }
        succeed(
          db,
          reversal,
          {
            receipt: event.receipt,
            amountCents: event.amountCents,
            chargeCents: event.chargeCents,
            completedAt: event.completedAt,
            partyDisplay: event.creditPartyPublicName,
            inboxId,
            source: 'reversal_result',
            resultCode: code,
            resultDesc: event.resultDesc,
          },
          nowIso,
        );
        markInbox(
          db,
          inboxId,
          {
            applied: true,
            reason: `Reversal #${reversal.id} of ${reversal.originalReceipt}: reversed, receipt ${event.receipt}`,
          },
          nowIso,
        );
        return { kind: 'reversal-settled', reversalId: reversal.id };
      }
      if (!inFlightStates.includes(reversal.state)) {
        markInbox(
          db,
          inboxId,
          {
            applied: true,
            reason: `Reversal #${reversal.id} was already settled (${reversal.state}); this answer (${code}) changes nothing`,
          },
          nowIso,
        );
        return { kind: 'reversal-copy', reversalId: reversal.id };
      }
      if (code === 'R000001' || code === '0') {
        // Already reversed: by this request's earlier send, or on the portal. Or reversed now, by a
        // Result that names no receipt (REFERENCE §5: ResultParameters may be missing). Counted
        // once; the reversal's own receipt is found on the statement (or in a late result).
        moveReversal(db, reversal.id, 'succeeded', nowIso, {
          resultCode: code,
          resultDesc: event.resultDesc,
          alreadyReversed: true,
          outcomeWords: reversalResultWords(code, event.resultDesc),
          needsAttention: false,
          attentionReason: null,
        });
        recordReversedOriginal(
          db,
          {
            originalId: reversal.transactionId,
            reversalTransactionId: null,
            reversalId: reversal.id,
            via: code === '0' ? 'api' : 'already_reversed',
          },
          nowIso,
        );
        markInbox(
          db,
          inboxId,
          {
            applied: true,
            reason:
              code === '0'
                ? `Reversal #${reversal.id}: M-Pesa reversed ${reversal.originalReceipt} and named no receipt; it is found on the statement`
                : `Reversal #${reversal.id}: M-Pesa says ${reversal.originalReceipt} was already reversed`,
          },
          nowIso,
        );
        appendAudit(db, {
          actor: 'system',
          action: 'reversal.already_reversed',
          entity: 'reversal',
          entityId: reversal.id,
          details: { original: reversal.originalReceipt, inboxId },
        });
        return { kind: 'reversal-settled', reversalId: reversal.id };
      }
      const words = reversalResultWords(code, event.resultDesc);
      if (reversal.sends > 1) {
        // One send's refusal says nothing of the others: an earlier send whose answer was lost may
        // have reversed it (the Utility account short, say, because it did). Calling the reversal
        // failed would free the payment for a refund or a new reversal; a person decides.
        noteSendRefused(db, reversal, code, words, inboxId, nowIso);
        return { kind: 'reversal-settled', reversalId: reversal.id };
      }
      moveReversal(db, reversal.id, 'failed', nowIso, {
        resultCode: code,
        resultDesc: event.resultDesc,
        outcomeWords: words,
        needsAttention: false,
        attentionReason: null,
      });
      markInbox(
        db,
        inboxId,
        { applied: true, reason: `Reversal #${reversal.id} of ${reversal.originalReceipt} failed: ${code}` },
        nowIso,
      );
      appendAudit(db, {
        actor: 'system',
        action: 'reversal.failed',
        entity: 'reversal',
        entityId: reversal.id,
        details: { original: reversal.originalReceipt, resultCode: code, inboxId },
      });
      return { kind: 'reversal-settled', reversalId: reversal.id };
    })
    .immediate();
}

/** A queue timeout about a reversal: it may still happen, so it becomes unknown; null when it is about none. */
export function applyReversalTimeout(
  db: ProfileDatabase,
  inboxId: number,
  event: QueueTimeoutEvent,
  nowIso: string,
): ReversalApplied | null {
  const reversal = reversalByDarajaIds(db, event.conversationId, event.originatorConversationId);
  if (reversal === null) return null;
  db.transaction(() => {
    const moved = moveReversal(db, reversal.id, 'unknown', nowIso);
    markInbox(
      db,
      inboxId,
      { applied: true, reason: `Reversal #${reversal.id} timed out in M-Pesa's queue; Mshahara looks for evidence` },
      nowIso,
    );
    if (moved)
      appendAudit(db, {
        actor: 'system',
        action: 'reversal.unknown',
        entity: 'reversal',
        entityId: reversal.id,
        details: { why: 'queue timeout', inboxId },
      });
  }).immediate();
  return { kind: 'reversal-unknown', reversalId: reversal.id };
}

/** Reads a stored inbox entry and applies it when it is about a reversal; for callers with no engine running. */
export function applyReversalEntry(db: ProfileDatabase, inboxId: number, nowIso: string): ReversalApplied | null {
  const row = db.prepare('SELECT kind, body, applied, flag FROM inbox WHERE id = ?').get(inboxId) as
    { kind: string; body: string; applied: number; flag: string | null } | undefined;
  if (row === undefined || row.applied === 1 || row.flag !== null) return null;
  if (row.kind !== 'reversal-result' && row.kind !== 'timeout') return null;
  const parsed = parseCallback(row.body, row.kind);
  if (!parsed.ok) return null;
  if (parsed.event.type === 'reversal-result') return applyReversalResult(db, inboxId, parsed.event, nowIso);
  if (parsed.event.type === 'queue-timeout') return applyReversalTimeout(db, inboxId, parsed.event, nowIso);
  return null;
}
