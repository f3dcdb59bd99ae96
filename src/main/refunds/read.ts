// Refunds as the screens and the command line read them: each with its original payment, who asked
// and who approved, what it waits for, and once paid its own ledger row; and a ledger row's refunds
// (what is left to refund of a payment in, or which payment a refund returned).
import type { LedgerRefunds, RefundStateName, RefundView } from '../../shared/contract/refunds';
import { NotFoundError } from '../../shared/errors';
import { foldForSearch } from '../../shared/search-fold';
import type { ProfileDatabase } from '../db';
import { approvalState } from '../payroll/approvals';
import { failedOnAPersonsWord } from './holds';
import { originalRow, refundTotals, refusalOf } from './originals';
import { payerShown } from './payer';

interface ViewRow {
  id: number;
  state: RefundStateName;
  amount_cents: number;
  phone: string;
  phone_evidence: 'clear' | 'masked' | 'hashed';
  reason: string;
  transaction_id: number;
  run_id: number;
  item_id: number;
  asked_at: string;
  declined_at: string | null;
  decline_reason: string | null;
  updated_at: string;
  asked_by_username: string;
  asked_by_name: string;
  declined_by_name: string | null;
  payer_name: string;
  o_receipt: string | null;
  o_amount_cents: number;
  o_occurred_at: string;
  o_party_display: string | null;
  r_id: number | null;
  r_receipt: string | null;
  r_occurred_at: string | null;
  failure: string | null;
  needs_attention: number;
  failed_on_word_of: string | null;
}

const viewSelect = `
  SELECT f.*, asker.username AS asked_by_username, asker.display_name AS asked_by_name,
         decider.display_name AS declined_by_name, i.name AS payer_name,
         o.receipt AS o_receipt, o.amount_cents AS o_amount_cents, o.occurred_at AS o_occurred_at,
         o.party_display AS o_party_display,
         paid.id AS r_id, paid.receipt AS r_receipt, paid.occurred_at AS r_occurred_at,
         (SELECT a.result_desc FROM payout_attempts a WHERE a.item_id = f.item_id AND a.state IN ('failed', 'rejected')
           ORDER BY a.id DESC LIMIT 1) AS failure,
         EXISTS (SELECT 1 FROM payout_attempts a WHERE a.item_id = f.item_id AND a.needs_attention = 1
                   AND a.state IN ('created', 'sending', 'accepted', 'unknown')) AS needs_attention,
         (SELECT group_concat(DISTINCT a.resolved_by) FROM payout_attempts a
           WHERE a.item_id = f.item_id AND a.state = 'failed' AND a.result_code = '${failedOnAPersonsWord}'
             AND a.resolved_by IS NOT NULL) AS failed_on_word_of
    FROM refunds f
    JOIN accounts asker ON asker.id = f.asked_by
    LEFT JOIN accounts decider ON decider.id = f.declined_by
    JOIN payroll_items i ON i.id = f.item_id
    JOIN transactions o ON o.id = f.transaction_id
    LEFT JOIN transactions paid ON paid.id = (
      SELECT t.id FROM transactions t JOIN payout_attempts a ON a.id = t.attempt_id
       WHERE a.item_id = f.item_id AND t.corrects_id IS NULL AND t.status = 'completed' ORDER BY t.id LIMIT 1)`;

function waitingFor(db: ProfileDatabase, row: ViewRow): { approvedBy: string[]; words: string | null } {
  const state = approvalState(db, row.run_id);
  const approvedBy = state.approvals.filter((a) => a.counts).map((a) => a.approverName);
  if (row.state !== 'awaiting_approval') return { approvedBy, words: null };
  const missing = Math.max(1, state.approvalsNeeded - state.approvalsCounted);
  const who = missing === 1 ? 'one approval by an approver' : `${missing} approvals by different approvers`;
  return { approvedBy, words: `${who} other than ${row.asked_by_name}` };
}

function wordOf(row: ViewRow): string[] {
  return row.failed_on_word_of === null ? [] : row.failed_on_word_of.split(',');
}

function statusOf(row: ViewRow, waiting: string | null): string {
  switch (row.state) {
    case 'awaiting_approval':
      return `Waiting for ${waiting ?? 'approval'}`;
    case 'approved':
      return 'Approved, not sent yet: an approver sends it by approving it again';
    case 'sending':
      return row.needs_attention === 1
        ? 'Sent; M-Pesa has not said whether it was paid: a payroll officer settles it under Needs attention'
        : 'Being sent to the customer';
    case 'paid':
      return row.r_receipt === null ? 'Paid' : `Paid: receipt ${row.r_receipt}`;
    case 'failed':
      return row.failed_on_word_of === null
        ? `Failed${row.failure === null ? '' : `: ${row.failure}`}; nothing was paid, and the amount can be refunded again`
        : `Recorded as failed by ${wordOf(row).join(', ')}, not by M-Pesa: M-Pesa may yet say it was paid, so its amount stays held against the receipt. ` +
            `Once the M-Pesa statement shows it was not paid, an approver other than ${[row.asked_by_name, ...wordOf(row)].join(' and ')} may send it again`;
    case 'declined':
      return `Declined by ${row.declined_by_name ?? 'an approver'}: ${row.decline_reason ?? ''}`;
    case 'cancelled':
      return 'Cancelled before it was sent; nothing was paid';
  }
}

function toView(db: ProfileDatabase, row: ViewRow): RefundView {
  const waiting = waitingFor(db, row);
  return {
    id: row.id,
    state: row.state,
    status: statusOf(row, waiting.words),
    amountCents: row.amount_cents,
    phone: row.phone,
    phoneEvidence: row.phone_evidence,
    payerName: row.payer_name,
    reason: row.reason,
    original: {
      transactionId: row.transaction_id,
      receipt: row.o_receipt,
      amountCents: row.o_amount_cents,
      occurredAt: row.o_occurred_at,
      partyDisplay: row.o_party_display,
    },
    askedBy: row.asked_by_username,
    askedByName: row.asked_by_name,
    askedAt: row.asked_at,
    approvedBy: waiting.approvedBy,
    waitingFor: waiting.words,
    declinedByName: row.declined_by_name,
    declineReason: row.decline_reason,
    refundReceipt: row.r_receipt,
    refundTransactionId: row.r_id,
    paidAt: row.r_occurred_at,
    failure: row.state === 'failed' ? row.failure : null,
    needsAttention: row.needs_attention === 1,
    failedOnWordOf: row.state === 'failed' ? wordOf(row) : [],
    runId: row.run_id,
    itemId: row.item_id,
    updatedAt: row.updated_at,
  };
}

export function refundView(db: ProfileDatabase, refundId: number): RefundView {
  const row = db.prepare(`${viewSelect} WHERE f.id = ?`).get(refundId) as ViewRow | undefined;
  if (row === undefined) throw new NotFoundError(`There is no refund #${refundId}`);
  return toView(db, row);
}

export interface RefundFilter {
  state?: RefundStateName;
  /** Any part of the receipt, the payer's name or number, the reason or who asked; case and accents ignored. */
  search?: string;
  limit?: number;
  offset?: number;
}

/** Refunds, newest first. Refunds are few: the search folds each row's words as the screens do. */
export function listRefunds(db: ProfileDatabase, filter: RefundFilter = {}): { refunds: RefundView[]; total: number } {
  const rows = db
    .prepare(
      `${viewSelect} ${filter.state === undefined ? '' : 'WHERE f.state = @state'} ORDER BY f.asked_at DESC, f.id DESC`,
    )
    .all(filter.state === undefined ? {} : { state: filter.state }) as ViewRow[];
  const needle = foldForSearch(filter.search ?? '').trim();
  const found =
    needle === ''
      ? rows
      : rows.filter((row) =>
          foldForSearch(
            [row.o_receipt, row.r_receipt, row.payer_name, row.phone, row.reason, row.asked_by_name, `#${row.id}`]
              .filter((part) => part !== null)
              .join(' '),
          ).includes(needle),
        );
  const offset = filter.offset ?? 0;
  return {
    refunds: found.slice(offset, offset + (filter.limit ?? 100)).map((row) => toView(db, row)),
    total: found.length,
  };
}

/** A ledger row's refunds: what is left of a payment in, or which payment a refund returned. */
export function refundsForTransaction(db: ProfileDatabase, transactionId: number): LedgerRefunds {
  const row = originalRow(db, { transactionId });
  const refundOf = db
    .prepare(
      `SELECT f.id AS refundId, o.id AS transactionId, o.receipt
         FROM transactions t JOIN payout_attempts a ON a.id = t.attempt_id
         JOIN refunds f ON f.item_id = a.item_id JOIN transactions o ON o.id = f.transaction_id
        WHERE t.id = ?`,
    )
    .get(transactionId) as LedgerRefunds['refundOf'] | undefined;
  const ids = db
    .prepare('SELECT id FROM refunds WHERE transaction_id = ? ORDER BY id DESC')
    .all(transactionId) as Array<{
    id: number;
  }>;
  const received = row.direction === 'in' && (row.kind === 'c2b_payment' || row.kind === 'stk_payment');
  let refundable: LedgerRefunds['refundable'] = null;
  if (received) {
    const totals = refundTotals(db, row);
    const shown = payerShown(row);
    const refusal = refusalOf(db, row);
    refundable = {
      originalCents: totals.originalCents,
      paidCents: totals.paidCents,
      heldCents: totals.heldCents,
      leftCents: refusal === null ? totals.leftCents : 0,
      refusal:
        refusal?.message ??
        (shown.kind === 'none'
          ? "M-Pesa showed no number for this payment's payer, so Mshahara cannot tell who to refund."
          : null),
      payer: {
        kind: shown.kind,
        shown:
          shown.kind === 'masked'
            ? shown.mask
            : shown.kind === 'clear'
              ? shown.phone
              : shown.kind === 'hashed'
                ? 'coded'
                : null,
      },
    };
  }
  return { refundable, refunds: ids.map((r) => refundView(db, r.id)), refundOf: refundOf ?? null };
}
