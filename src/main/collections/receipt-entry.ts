// A person enters the receipt of a request M-Pesa said was paid without naming it ("paid, the
// receipt not yet received"), or of one whose answer never came: the receipt is checked by
// Transaction Status before anything is recorded, and recorded only when M-Pesa says it completed,
// for the request's amount, from the request's phone, to this business. A receipt already in the
// ledger, or already paying another request, is refused: one payment never pays two requests. What
// was checked before M-Pesa was asked is checked again in the transaction that writes.
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { CallbackSource } from '../callback-sources/inbox/source';
import type { DarajaClient } from '../daraja';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { askTransactionStatus } from '../lookups/ask-status';
import { formatDateTime } from '../../shared/format';
import { ledgerRowForReceipt, recordReceived } from './record';
import { moveRequest, requestById, requestPaidBy, type CollectionRequest, type RequestState } from './requests';
import { chainPaid, declineWords } from './stk-callback';
import { stkReceiptProblem } from './stk-unmatched';

/** Requests a person may give a receipt for: paid without one, never answered, or said declined. */
const receiptStates: readonly RequestState[] = ['paid_no_receipt', 'unknown', 'needs_person', 'declined'];

/** Why this receipt may not pay this request, in words; null when it may. Read again where it is written. */
function receiptRefusal(db: ProfileDatabase, request: CollectionRequest, receipt: string): string | null {
  if (!receiptStates.includes(request.state))
    return request.state === 'paid'
      ? `Payment request #${request.id} is already recorded with receipt ${request.receipt ?? ''}.`
      : request.state === 'refused'
        ? `M-Pesa did not take payment request #${request.id}, so no prompt reached the customer: there is no receipt to record.`
        : `Payment request #${request.id} has no answer from the customer yet; wait for it.`;
  const holder = requestPaidBy(db, receipt);
  if (holder !== null && holder.id !== request.id)
    return `Receipt ${receipt} already pays payment request #${holder.id} (${formatKesWithCurrency(holder.amountCents)} from ${holder.phone}): one payment cannot pay two requests. Nothing was recorded.`;
  const row = ledgerRowForReceipt(db, receipt);
  if (row !== null) {
    const held = db.prepare('SELECT kind, amount_cents, occurred_at FROM transactions WHERE id = ?').get(row) as {
      kind: string;
      amount_cents: number;
      occurred_at: string;
    };
    return `Receipt ${receipt} is already in the ledger (row #${row}: ${ledgerKindWords(held.kind)} of ${formatKesWithCurrency(held.amount_cents as Cents)} on ${formatDateTime(held.occurred_at)}): one payment cannot be recorded twice. Nothing was recorded.`;
  }
  return null;
}

function ledgerKindWords(kind: string): string {
  switch (kind) {
    case 'c2b_payment':
      return "a customer's payment";
    case 'stk_payment':
      return "a customer's M-Pesa Express payment";
    default:
      return 'a payment';
  }
}

export async function recordEnteredReceipt(
  parts: { db: ProfileDatabase; client: DarajaClient; source: CallbackSource; waitMs: number },
  requestId: number,
  receiptText: string,
  actor: string,
): Promise<CollectionRequest> {
  const { db } = parts;
  const receipt = receiptText.trim().toUpperCase();
  if (!/^[A-Z0-9]{10}$/.test(receipt))
    throw new ValidationError('An M-Pesa receipt is 10 letters and digits, like QKH94M1Z11', { field: ['receipt'] });
  const request = requestById(db, requestId);
  if (request === null) throw new NotFoundError(`No payment request #${requestId}.`);
  const before = receiptRefusal(db, request, receipt);
  if (before !== null) throw new ConflictError(before);
  // Written before it leaves and tied to no inbox entry: the answer is acted on here, by the person waiting.
  const outcome = await askTransactionStatus(parts, {
    purpose: 'received_check',
    subjectId: null,
    about: { receipt },
    actor,
    remarks: 'Check of a payment request receipt',
    waitMs: parts.waitMs,
  });
  if (outcome.kind === 'refused') throw new UnavailableError(`M-Pesa refused the question: ${outcome.error.message}`);
  if (outcome.kind !== 'answered')
    throw new UnavailableError('M-Pesa has not answered about this receipt yet; nothing was recorded. Try again.');
  const answer = outcome.answer;
  if (answer.resultCode !== '0')
    throw new ValidationError(
      ['R000002', 'SFC_IC0003'].includes(answer.resultCode)
        ? `M-Pesa has no payment with receipt ${receipt}: nothing was recorded.`
        : `M-Pesa did not say (${answer.resultCode} ${answer.resultDesc}); nothing was recorded. Try again.`,
      { field: ['receipt'] },
    );
  const problem = stkReceiptProblem(db, answer, receipt, request);
  if (problem !== null) throw new ValidationError(`${problem.words}: nothing was recorded.`, { field: ['receipt'] });
  const nowIso = new Date().toISOString();
  db.transaction(() => {
    // While M-Pesa was asked, a callback, a lookup or another person may have recorded it.
    const current = requestById(db, request.id);
    const refusal = current === null ? `No payment request #${requestId}.` : receiptRefusal(db, current, receipt);
    if (refusal !== null || current === null) throw new ConflictError(refusal ?? `No payment request #${requestId}.`);
    const recorded = recordReceived(
      db,
      {
        receipt,
        occurredAt: answer.finalisedAt ?? nowIso,
        kind: 'stk_payment',
        source: 'status_result',
        amountCents: current.amountCents,
        phone: current.phone,
        partyName: null,
        partyDisplay: answer.debitPartyName ?? current.phone,
        accountReference: current.accountReference,
        inboxId: outcome.inboxId,
      },
      nowIso,
    );
    const declinedWords =
      current.state === 'declined'
        ? `M-Pesa first said the customer did not pay (${declineWords(current)}), then ${actor} gave receipt ${receipt}, which M-Pesa confirmed. The money is recorded as received; check with the customer.`
        : null;
    const words = [declinedWords, chainPaid(db, current)?.words ?? null].filter((w): w is string => w !== null);
    const declined = words.length === 0 ? null : words.join(' ');
    if (
      !moveRequest(
        db,
        current.id,
        'paid',
        {
          receipt,
          transactionId: recorded.transactionId,
          nextQueryAt: null,
          note: null,
          ...(declined === null ? {} : { attention: declined }),
        },
        nowIso,
      )
    )
      throw new ConflictError(`Payment request #${current.id} changed while M-Pesa was asked; nothing was recorded.`);
    appendAudit(db, {
      actor,
      action: 'collection.receipt_entered',
      entity: 'collection_request',
      entityId: current.id,
      details: { receipt, amountCents: current.amountCents },
    });
  }).immediate();
  const updated = requestById(db, request.id);
  if (updated === null) throw new NotFoundError(`No payment request #${requestId}.`);
  return updated;
}
