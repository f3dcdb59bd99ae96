// The needs-attention work list: payments no evidence has settled after every allowed query or
// re-send, and findings (money that moved against the record). A person clears each: paid with a
// receipt (checked by Transaction Status where M-Pesa answers), or failed with a reason (after
// Transaction Status is asked once more whether it was paid). Every act is audited; the run
// completes only when nothing is open (docs/money-safety.md).
import type { DarajaClient } from '../../daraja';
import type { ProfileDatabase } from '../../db';
import type { CallbackSource } from '../../callback-sources/inbox/source';
import { appendAudit, lastAuditedAt } from '../../ledger/audit';
import { recordTransaction } from '../../ledger/transactions';
import { itemTransitions, stateGuard } from '../transitions';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors';
import { parseCallback, type CallbackKind } from '../../daraja/callbacks';
import {
  attemptById,
  attemptGuard,
  attemptsWhere,
  failItem,
  openAttemptStates,
  type Attempt,
  type AttemptState,
} from './attempts';
import {
  queryById,
  recordQueryAccepted,
  recordQueryAnswer,
  recordQueryAsked,
  type QueryAnswer,
} from './status-queries';
import { ledgerKindForItem } from '../../refunds/links';

export interface AttentionItem {
  itemId: number;
  runId: number;
  workerName: string;
  phone: string;
  amountCents: number;
  attemptId: number;
  originatorConversationId: string;
  conversationId: string | null;
  state: AttemptState;
  /** Why no evidence settled it. */
  reason: string;
  /** What evidence would settle it, in a person's words. */
  missing: string;
  /** When it was put on the list. */
  since: string;
}

export interface Finding {
  id: number;
  kind: string;
  itemId: number;
  runId: number;
  attemptId: number;
  workerName: string;
  phone: string;
  amountCents: number;
  transactionId: number | null;
  receipt: string | null;
  detail: string;
  foundAt: string;
}

export type Resolution = { outcome: 'paid'; receipt: string; reason: string } | { outcome: 'failed'; reason: string };

export interface ResolveOutcome {
  itemId: number;
  outcome: 'paid' | 'failed';
  /** confirmed: M-Pesa's own answer settled it; unchecked: recorded on the person's word. */
  checked: 'confirmed' | 'unchecked';
  message: string;
}

const openList = openAttemptStates.map((state) => `'${state}'`).join(', ');

/** 254710100000 → 0710 100 000, as a person reads it. */
function localPhone(msisdn: string): string {
  return /^254\d{9}$/.test(msisdn) ? `0${msisdn.slice(3, 6)} ${msisdn.slice(6, 9)} ${msisdn.slice(9)}` : msisdn;
}

function missingEvidence(attempt: Attempt): string {
  if (attempt.acknowledged) {
    return 'M-Pesa took this payment, but no Result and no Transaction Status answer said whether it was paid: find its receipt on the M-Pesa statement, or confirm with Safaricom that it failed.';
  }
  return 'No answer from M-Pesa ever reached Mshahara, so it may or may not have been paid: look for a payment to this number on the M-Pesa statement.';
}

export function listAttention(db: ProfileDatabase, runId?: number): AttentionItem[] {
  const attempts = attemptsWhere(
    db,
    `a.needs_attention = 1 AND a.state IN (${openList})${runId === undefined ? '' : ' AND i.run_id = ?'} ORDER BY a.updated_at, a.id`,
    ...(runId === undefined ? [] : [runId]),
  );
  return attempts.map((attempt) => ({
    itemId: attempt.itemId,
    runId: attempt.runId,
    workerName: attempt.workerName,
    phone: attempt.phone,
    amountCents: attempt.amountCents,
    attemptId: attempt.id,
    originatorConversationId: attempt.originatorConversationId,
    conversationId: attempt.conversationId,
    state: attempt.state,
    reason: attempt.attentionReason ?? 'No evidence settled this payment',
    missing: missingEvidence(attempt),
    since:
      lastAuditedAt(db, 'payout_attempt', attempt.id, 'payout_attempt.needs_attention') ??
      attempt.acceptedAt ??
      attempt.sentAt ??
      '',
  }));
}

/** Open findings: money that moved against what Mshahara recorded. */
export function listFindings(db: ProfileDatabase, runId?: number): Finding[] {
  const rows = db
    .prepare(
      `SELECT f.id, f.kind, f.item_id, i.run_id, f.attempt_id, i.name AS worker_name, a.phone, a.amount_cents, f.transaction_id, t.receipt, f.detail, f.found_at
       FROM payout_findings f JOIN payroll_items i ON i.id = f.item_id JOIN payout_attempts a ON a.id = f.attempt_id
       LEFT JOIN transactions t ON t.id = f.transaction_id
       WHERE f.cleared_at IS NULL${runId === undefined ? '' : ' AND i.run_id = ?'} ORDER BY f.id`,
    )
    .all(...(runId === undefined ? [] : [runId])) as Array<{
    id: number;
    kind: string;
    item_id: number;
    run_id: number;
    attempt_id: number;
    worker_name: string;
    phone: string;
    amount_cents: number;
    transaction_id: number | null;
    receipt: string | null;
    detail: string;
    found_at: string;
  }>;
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    itemId: r.item_id,
    runId: r.run_id,
    attemptId: r.attempt_id,
    workerName: r.worker_name,
    phone: r.phone,
    amountCents: r.amount_cents,
    transactionId: r.transaction_id,
    receipt: r.receipt,
    detail: r.detail,
    foundAt: r.found_at,
  }));
}

/** A person has looked at a finding (recovered the money, or accepted it): it leaves the list, audited. */
export function clearFinding(
  db: ProfileDatabase,
  findingId: number,
  note: string,
  actor: string,
  nowIso: string,
): void {
  if (note.trim().length < 3)
    throw new ValidationError('Say what was done about it (a note of at least 3 characters).');
  db.transaction(() => {
    const changed = db
      .prepare(
        'UPDATE payout_findings SET cleared_at = ?, cleared_by = ?, clearing_note = ? WHERE id = ? AND cleared_at IS NULL',
      )
      .run(nowIso, actor, note.trim(), findingId).changes;
    if (changed !== 1) throw new NotFoundError(`There is no open finding #${findingId}`);
    appendAudit(db, {
      actor,
      action: 'payout_finding.cleared',
      entity: 'payout_finding',
      entityId: findingId,
      details: { note: note.trim() },
    });
  }).immediate();
}

export interface ResolveDeps {
  db: ProfileDatabase;
  client: DarajaClient;
  source: CallbackSource;
  now: () => number;
  /** How long to wait for Transaction Status to answer. */
  waitMs: number;
  /** Applies a stored callback (the engine's own path), so the answer is read by the same rules. */
  apply: (inboxId: number) => void;
}

/** The attempt of an item that waits for a person, or a refusal saying what the item is. */
function attemptOnList(db: ProfileDatabase, itemId: number): Attempt {
  const item = db.prepare('SELECT id, state FROM payroll_items WHERE id = ?').get(itemId) as
    { id: number; state: string } | undefined;
  if (!item) throw new NotFoundError(`There is no payroll line #${itemId}`);
  const [attempt] = attemptsWhere(
    db,
    `a.item_id = ? AND a.needs_attention = 1 AND a.state IN (${openList}) ORDER BY a.id DESC LIMIT 1`,
    itemId,
  );
  if (!attempt)
    throw new ConflictError(
      `Line #${itemId} is not waiting for a person (it is ${item.state}); only payments on the needs-attention list can be resolved by hand.`,
    );
  return attempt;
}

/**
 * Asks Transaction Status (by receipt, or by the attempt's OriginatorConversationID) and waits for
 * the answer to be applied; returns the query's recorded answer, or null when none came in time.
 */
async function askAndWait(deps: ResolveDeps, attempt: Attempt, receipt: string | null): Promise<QueryAnswer | null> {
  const { db, client, source, now } = deps;
  const queryId = recordQueryAsked(db, attempt, new Date(now()).toISOString(), receipt);
  const off = source.onStored((ids) => {
    for (const id of ids) deps.apply(id);
  });
  try {
    const outcome = await client.transactionStatus({
      ...(receipt === null ? { originatorConversationId: attempt.originatorConversationId } : { receipt }),
      occasion: attempt.originatorConversationId,
      remarks: receipt === null ? 'Payment status check' : 'Receipt check',
      resultUrl: source.callbackUrl('status-result'),
      queueTimeoutUrl: source.callbackUrl('timeout'),
    });
    if (outcome.kind !== 'accepted') {
      recordQueryAnswer(db, queryId, 'refused', outcome.error.code ?? null, null, new Date(now()).toISOString());
      return null;
    }
    recordQueryAccepted(db, queryId, outcome.value.conversationId, outcome.value.originatorConversationId);
    const deadline = now() + deps.waitMs;
    for (;;) {
      // Answers stored before this listener existed (or by another route) are applied here too.
      const pending = db
        .prepare(
          `SELECT id FROM inbox WHERE kind = 'status-result' AND applied = 0 AND flag IS NULL AND instr(body, ?) > 0`,
        )
        .all(outcome.value.conversationId) as Array<{ id: number }>;
      for (const row of pending) deps.apply(row.id);
      const answer = queryById(db, queryId)?.answer ?? null;
      if (answer !== null || now() >= deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    off();
  }
}

function audit(db: ProfileDatabase, actor: string, attempt: Attempt, details: Record<string, unknown>): void {
  appendAudit(db, {
    actor,
    action: 'payout_attempt.resolved',
    entity: 'payout_attempt',
    entityId: attempt.id,
    details: { itemId: attempt.itemId, ...details },
  });
}

export async function resolveItem(
  deps: ResolveDeps,
  itemId: number,
  resolution: Resolution,
  actor: string,
): Promise<ResolveOutcome> {
  const { db } = deps;
  const reason = resolution.reason.trim();
  if (reason.length < 3)
    throw new ValidationError('Give a reason a colleague will understand later (at least 3 characters).');
  const attempt = attemptOnList(db, itemId);
  if (resolution.outcome === 'paid')
    return resolvePaid(deps, attempt, resolution.receipt.trim().toUpperCase(), reason, actor);
  return resolveFailed(deps, attempt, reason, actor);
}

async function resolvePaid(
  deps: ResolveDeps,
  attempt: Attempt,
  receipt: string,
  reason: string,
  actor: string,
): Promise<ResolveOutcome> {
  const { db, now } = deps;
  if (!/^[A-Z0-9]{10}$/.test(receipt))
    throw new ValidationError(
      `"${receipt}" is not an M-Pesa receipt: receipts are 10 letters and digits, like SKE52PAWR9.`,
    );
  const owner = db
    .prepare('SELECT id, attempt_id FROM transactions WHERE receipt = ? AND corrects_id IS NULL')
    .get(receipt) as { id: number; attempt_id: number | null } | undefined;
  if (owner)
    throw new ConflictError(
      `Receipt ${receipt} is already in the ledger (row #${owner.id}); one receipt pays one line.`,
    );
  const answer = await askAndWait(deps, attempt, receipt);
  const after = attemptById(db, attempt.id) ?? attempt;
  if (after.state === 'succeeded') {
    audit(db, actor, after, { outcome: 'paid', receipt: after.receipt, reason, checked: 'confirmed' });
    if (after.receipt !== receipt) {
      return {
        itemId: attempt.itemId,
        outcome: 'paid',
        checked: 'confirmed',
        message: `M-Pesa's own answer settled it as paid with receipt ${String(after.receipt)} (not ${receipt}).`,
      };
    }
    return {
      itemId: attempt.itemId,
      outcome: 'paid',
      checked: 'confirmed',
      message: `M-Pesa confirms receipt ${receipt}: paid ${localPhone(attempt.phone)}. Recorded.`,
    };
  }
  if (answer === 'other_payment')
    throw new ConflictError(
      `M-Pesa says receipt ${receipt} belongs to another payment, not this one. Check the receipt on the statement.`,
    );
  if (answer === 'failed')
    throw new ConflictError(
      `M-Pesa says receipt ${receipt} did not complete (failed or reversed): it is no evidence that this worker was paid.`,
    );
  if (answer === 'not_found')
    throw new ValidationError(`M-Pesa has no receipt ${receipt}. Check it on the M-Pesa statement and try again.`);
  if (answer === 'paid') {
    const flagged = db
      .prepare(
        `SELECT reason FROM inbox WHERE id = (SELECT inbox_id FROM status_queries WHERE attempt_id = ? AND by_receipt = ? ORDER BY id DESC LIMIT 1)`,
      )
      .get(attempt.id, receipt) as { reason: string | null } | undefined;
    throw new ConflictError(
      `M-Pesa's record of receipt ${receipt} does not match this payment${flagged?.reason ? `: ${flagged.reason}` : ''}.`,
    );
  }
  // No usable answer: recorded on the person's word, marked unchecked, in one transaction.
  const nowIso = new Date(now()).toISOString();
  db.transaction(() => {
    const changed = db
      .prepare(
        `UPDATE payout_attempts SET state = 'succeeded', receipt = ?, result_code = 'mshahara.resolved', result_desc = ?, resolved_by = ?, resolution = ?,
           needs_attention = 0, finished_at = ?, updated_at = ? WHERE id = ? AND ${attemptGuard('succeeded')}`,
      )
      .run(receipt, `Recorded as paid by ${actor}: ${reason}`, actor, reason, nowIso, nowIso, attempt.id).changes;
    if (changed !== 1)
      throw new ConflictError('The payment was settled while you were resolving it; look at it again.');
    db.prepare(
      `UPDATE payroll_items SET state = 'paid', updated_at = ? WHERE id = ? AND ${stateGuard(itemTransitions, 'paid')}`,
    ).run(nowIso, attempt.itemId);
    recordTransaction(db, {
      receipt,
      occurredAt: nowIso,
      recordedAt: nowIso,
      direction: 'out',
      kind: ledgerKindForItem(db, attempt.itemId),
      status: 'completed',
      amountCents: attempt.amountCents,
      phone: attempt.phone,
      attemptId: attempt.id,
      source: 'manual',
    });
    audit(db, actor, attempt, { outcome: 'paid', receipt, reason, checked: 'unchecked' });
  }).immediate();
  return {
    itemId: attempt.itemId,
    outcome: 'paid',
    checked: 'unchecked',
    message: `M-Pesa did not answer in time: recorded as paid with receipt ${receipt} on your word, marked unchecked.`,
  };
}

/**
 * Any callback Mshahara kept (flagged, so not applied) in which M-Pesa reported this payment made:
 * a success Result or a "Completed" status answer naming either of its IDs. A person's "failed"
 * must not stand against it.
 */
function reportedPaid(db: ProfileDatabase, attempt: Attempt): string | null {
  const ids = [attempt.originatorConversationId, attempt.conversationId].filter(
    (id): id is string => id !== null && id !== '',
  );
  for (const id of ids) {
    const rows = db
      .prepare(
        `SELECT id, kind, body, reason FROM inbox WHERE kind IN ('b2c-result', 'status-result') AND applied = 0 AND flag IS NOT NULL AND instr(body, ?) > 0 ORDER BY id LIMIT 50`,
      )
      .all(id) as Array<{ id: number; kind: CallbackKind; body: string; reason: string | null }>;
    for (const row of rows) {
      const parsed = parseCallback(row.body, row.kind);
      if (!parsed.ok) continue;
      const event = parsed.event;
      const paid =
        (event.type === 'b2c-result' && event.resultCode === '0') ||
        (event.type === 'status-result' &&
          event.resultCode === '0' &&
          (event.transactionStatus ?? '').toLowerCase() === 'completed');
      if (paid) return `callback #${row.id}${row.reason ? ` (${row.reason})` : ''}`;
    }
  }
  return null;
}

async function resolveFailed(
  deps: ResolveDeps,
  attempt: Attempt,
  reason: string,
  actor: string,
): Promise<ResolveOutcome> {
  const { db, now } = deps;
  // One more question before a person's "failed" lets a retry send new money.
  const answer = await askAndWait(deps, attempt, null);
  const after = attemptById(db, attempt.id) ?? attempt;
  if (after.state === 'succeeded') {
    audit(db, actor, after, { outcome: 'paid', reason, checked: 'confirmed', asked: 'failed' });
    return {
      itemId: attempt.itemId,
      outcome: 'paid',
      checked: 'confirmed',
      message: `M-Pesa shows this payment was made (receipt ${String(after.receipt)}): recorded as paid, not failed.`,
    };
  }
  if (after.state === 'failed') {
    audit(db, actor, after, { outcome: 'failed', reason, checked: 'confirmed' });
    return {
      itemId: attempt.itemId,
      outcome: 'failed',
      checked: 'confirmed',
      message: `M-Pesa confirms it failed (${String(after.resultCode)}). It can be retried.`,
    };
  }
  // M-Pesa said "paid" in an answer that did not match this payment (another amount, another
  // number): that is for a person to look into, never a failure a retry could pay again on top of.
  const evidence = answer === 'paid' ? 'its status answer just now' : reportedPaid(db, after);
  if (evidence !== null) {
    throw new ConflictError(
      `M-Pesa reported this payment as made (${evidence}), though not exactly as it was sent. It cannot be recorded as failed: look at the callback in the inbox and the M-Pesa statement, then record it as paid with its receipt.`,
    );
  }
  const nowIso = new Date(now()).toISOString();
  db.transaction(() => {
    const changed = db
      .prepare(
        `UPDATE payout_attempts SET state = 'failed', result_code = 'mshahara.resolved', result_desc = ?, resolved_by = ?, resolution = ?,
           needs_attention = 0, finished_at = ?, updated_at = ? WHERE id = ? AND ${attemptGuard('failed')}`,
      )
      .run(`Recorded as failed by ${actor}: ${reason}`, actor, reason, nowIso, nowIso, attempt.id).changes;
    if (changed !== 1)
      throw new ConflictError('The payment was settled while you were resolving it; look at it again.');
    failItem(db, attempt.id, nowIso);
    audit(db, actor, attempt, { outcome: 'failed', reason, checked: 'unchecked' });
  }).immediate();
  return {
    itemId: attempt.itemId,
    outcome: 'failed',
    checked: 'unchecked',
    message:
      'Recorded as failed on your word. A retry sends a new payment: approve it only if you are sure this one was not paid.',
  };
}
