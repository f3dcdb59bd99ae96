// Settling an attempt from evidence (a B2C Result or a Transaction Status result): attempt, item,
// ledger row, audit row and the inbox entry's outcome commit in ONE transaction (docs/money-safety.md#rule-15).
import type { ProfileDatabase } from '../../db';
import { appendAudit } from '../../ledger/audit';
import { recordTransaction } from '../../ledger/transactions';
import type { Attempt } from './attempts';
import { attemptGuard, failItem } from './attempts';
import { itemTransitions, stateGuard } from '../transitions';
import { estimatedChargeOrNull } from '../charges';
import { checkRegisteredName } from './names';
import { ledgerKindForItem } from '../../refunds/links';

export interface ReportedBalance {
  account: string;
  availableCents: number;
}

export interface PaymentEvidence {
  inboxId: number;
  source: 'b2c_result' | 'status_result';
  receipt: string;
  amountCents: number;
  phone: string;
  registeredName: string | null;
  partyDisplay: string | null;
  occurredAt: Date | null;
  chargeCents: number | null;
  utilityBalanceCents: number | null;
  reportedBalances: ReportedBalance[];
  resultCode: string;
  resultDesc: string;
}

/** Records the inbox entry's outcome; a flagged entry is kept for a person and never applied. */
export function markInbox(
  db: ProfileDatabase,
  inboxId: number,
  outcome: { applied: true; reason: string } | { applied: false; flag: InboxFlag; reason: string },
  nowIso: string,
): void {
  if (outcome.applied) {
    db.prepare('UPDATE inbox SET applied = 1, flag = NULL, reason = ?, processed_at = ? WHERE id = ?').run(
      outcome.reason,
      nowIso,
      inboxId,
    );
  } else {
    db.prepare('UPDATE inbox SET applied = 0, flag = ?, reason = ?, processed_at = ? WHERE id = ?').run(
      outcome.flag,
      outcome.reason,
      nowIso,
      inboxId,
    );
  }
}

export type InboxFlag = 'unmatched' | 'amount_mismatch' | 'party_mismatch' | 'duplicate' | 'malformed' | 'late';

/** attempt → succeeded, item → paid (with the name check), one ledger row, audit, inbox applied. Returns the ledger row's id. */
export function settlePaid(
  db: ProfileDatabase,
  attempt: Attempt,
  evidence: PaymentEvidence,
  nowIso: string,
  contradiction: FindingKind | null = null,
): number {
  return db
    .transaction(() => {
      const changed = db
        .prepare(
          `UPDATE payout_attempts SET state = 'succeeded', receipt = ?, result_code = ?, result_desc = ?, registered_name = ?,
           finished_at = ?, updated_at = ?, needs_attention = 0
         WHERE id = ? AND ${attemptGuard('succeeded')}`,
        )
        .run(
          evidence.receipt,
          evidence.resultCode,
          evidence.resultDesc,
          evidence.registeredName,
          nowIso,
          nowIso,
          attempt.id,
        ).changes;
      if (changed !== 1) throw new Error(`payout attempt ${attempt.id} is no longer open`);
      const nameCheck = checkRegisteredName(attempt.workerName, evidence.registeredName);
      // A cancelled item whose in-flight attempt paid anyway stays cancelled (final); the ledger still shows the money.
      db.prepare(
        `UPDATE payroll_items SET state = 'paid', registered_name = ?, name_check = ?, updated_at = ? WHERE id = ? AND ${stateGuard(itemTransitions, 'paid')}`,
      ).run(evidence.registeredName, nameCheck, nowIso, attempt.itemId);
      const ledgerId = insertPayment(db, attempt, evidence, nowIso, contradiction);
      const observedAt = (evidence.occurredAt ?? new Date(nowIso)).toISOString();
      const snapshot = db.prepare(
        `INSERT INTO balance_snapshots (observed_at, account, available_cents, conversation_id, inbox_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`,
      );
      for (const balance of evidence.reportedBalances)
        snapshot.run(
          observedAt,
          balance.account,
          balance.availableCents,
          attempt.conversationId,
          evidence.inboxId,
          nowIso,
        );
      markInbox(
        db,
        evidence.inboxId,
        { applied: true, reason: `Paid ${attempt.phone}: receipt ${evidence.receipt}` },
        nowIso,
      );
      appendAudit(db, {
        actor: 'system',
        action: 'payout_attempt.succeeded',
        entity: 'payout_attempt',
        entityId: attempt.id,
        details: {
          itemId: attempt.itemId,
          receipt: evidence.receipt,
          amountCents: evidence.amountCents,
          via: evidence.source,
          inboxId: evidence.inboxId,
          ledgerId,
          nameCheck,
        },
      });
      return ledgerId;
    })
    .immediate();
}

/**
 * One ledger row for money M-Pesa says it paid (inside the caller's transaction). A B2C Result
 * rarely names the charge, so the tariff's is written as an estimate; the statement confirms it.
 */
function insertPayment(
  db: ProfileDatabase,
  attempt: Attempt,
  evidence: PaymentEvidence,
  nowIso: string,
  contradiction: FindingKind | null,
): number {
  return recordTransaction(db, {
    receipt: evidence.receipt,
    occurredAt: (evidence.occurredAt ?? new Date(nowIso)).toISOString(),
    recordedAt: nowIso,
    direction: 'out',
    kind: ledgerKindForItem(db, attempt.itemId),
    status: 'completed',
    amountCents: evidence.amountCents,
    chargeCents: evidence.chargeCents ?? estimatedChargeOrNull(evidence.amountCents),
    phone: evidence.phone,
    partyName: evidence.registeredName,
    partyDisplay: evidence.partyDisplay,
    utilityBalanceCents: evidence.utilityBalanceCents,
    attemptId: attempt.id,
    inboxId: evidence.inboxId,
    source: evidence.source,
    contradiction,
    chargeBasis: evidence.chargeCents === null ? 'estimated' : 'reported',
  }).id;
}

export type FindingKind =
  'paid_after_failure' | 'second_receipt' | 'paid_twice' | 'paid_after_cancel' | 'failure_after_payment';

/**
 * Evidence that contradicts what Mshahara recorded. When it reports money (`evidence`), the money
 * moved: it is written to the ledger, marked with the kind, and the item shows it paid (a queued
 * retry of it is not sent). Either way a finding waits on a person's list, and the attempt is held
 * so no retry can be approved on top of it.
 */
export function recordFinding(
  db: ProfileDatabase,
  attempt: Attempt,
  evidence: PaymentEvidence | null,
  kind: FindingKind,
  detail: string,
  nowIso: string,
): void {
  db.transaction(() => {
    let transactionId: number | null = null;
    if (evidence !== null) {
      transactionId = insertPayment(db, attempt, evidence, nowIso, kind);
      if (kind === 'paid_after_failure') {
        // The line is paid: a retry of it must not go out. One waiting to be sent again that M-Pesa
        // cannot have processed is closed; one that may have been processed waits for a person.
        const others = db
          .prepare(
            `SELECT id, state, acknowledged, resends FROM payout_attempts WHERE item_id = ? AND id <> ? AND state IN ('created', 'sending', 'accepted', 'unknown')`,
          )
          .all(attempt.itemId, attempt.id) as Array<{
          id: number;
          state: string;
          acknowledged: number;
          resends: number;
        }>;
        for (const other of others) {
          if (other.state === 'created' && other.acknowledged === 0 && other.resends === 0) {
            db.prepare(
              `UPDATE payout_attempts SET state = 'rejected', result_code = 'mshahara.paid_already', result_desc = 'Not sent: an earlier attempt of this line was paid', finished_at = ?, updated_at = ? WHERE id = ? AND ${attemptGuard('rejected', ['created'])}`,
            ).run(nowIso, nowIso, other.id);
          } else {
            db.prepare(
              'UPDATE payout_attempts SET needs_attention = 1, attention_reason = ?, updated_at = ? WHERE id = ?',
            ).run(
              `An earlier attempt of this line was paid (receipt ${evidence.receipt}) while this one was out: it may pay the worker twice`,
              nowIso,
              other.id,
            );
          }
        }
        const stillOut = others.some((o) => !(o.state === 'created' && o.acknowledged === 0 && o.resends === 0));
        db.prepare(
          `UPDATE payroll_items SET state = 'paid', registered_name = ?, updated_at = ? WHERE id = ? AND ${stateGuard(itemTransitions, 'paid', stillOut ? ['failed', 'queued'] : ['failed', 'queued', 'paying'])}`,
        ).run(evidence.registeredName, nowIso, attempt.itemId);
      }
      markInbox(
        db,
        evidence.inboxId,
        {
          applied: true,
          reason: `Money moved against the record: ${detail}. In the ledger, marked; a person must look.`,
        },
        nowIso,
      );
    } else {
      const row = db
        .prepare('SELECT id FROM transactions WHERE attempt_id = ? AND corrects_id IS NULL ORDER BY id DESC LIMIT 1')
        .get(attempt.id) as { id: number } | undefined;
      transactionId = row?.id ?? null;
    }
    db.prepare(
      'UPDATE payout_attempts SET needs_attention = 1, attention_reason = coalesce(attention_reason, ?), updated_at = ? WHERE id = ?',
    ).run(detail, nowIso, attempt.id);
    const inserted = db
      .prepare(
        'INSERT INTO payout_findings (kind, attempt_id, item_id, transaction_id, inbox_id, detail, found_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(kind, attempt.id, attempt.itemId, transactionId, evidence?.inboxId ?? null, detail, nowIso);
    appendAudit(db, {
      actor: 'system',
      action: 'payout_attempt.contradicted',
      entity: 'payout_attempt',
      entityId: attempt.id,
      details: {
        kind,
        detail,
        findingId: Number(inserted.lastInsertRowid),
        transactionId,
        inboxId: evidence?.inboxId ?? null,
      },
    });
  }).immediate();
}

/** attempt → failed (M-Pesa processed and refused it), item → failed, audit, inbox applied. */
export function settleFailed(
  db: ProfileDatabase,
  attempt: Attempt,
  inboxId: number,
  code: string,
  desc: string,
  via: string,
  nowIso: string,
): void {
  db.transaction(() => {
    const changed = db
      .prepare(
        `UPDATE payout_attempts SET state = 'failed', result_code = ?, result_desc = ?, finished_at = ?, updated_at = ?, needs_attention = 0
         WHERE id = ? AND ${attemptGuard('failed')}`,
      )
      .run(code, desc, nowIso, nowIso, attempt.id).changes;
    if (changed !== 1) throw new Error(`payout attempt ${attempt.id} is no longer open`);
    failItem(db, attempt.id, nowIso);
    markInbox(db, inboxId, { applied: true, reason: `Payment to ${attempt.phone} failed: ${code} ${desc}` }, nowIso);
    appendAudit(db, {
      actor: 'system',
      action: 'payout_attempt.failed',
      entity: 'payout_attempt',
      entityId: attempt.id,
      details: { itemId: attempt.itemId, code, desc, via, inboxId },
    });
  }).immediate();
}
