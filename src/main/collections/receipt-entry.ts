// A person enters the receipt of a request M-Pesa said was paid without naming it ("paid, the
// receipt not yet received"), or of one whose answer never came: the receipt is checked by
// Transaction Status before anything is recorded, and recorded only when M-Pesa says it completed,
// for the request's amount, from the request's phone, to this business.
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import type { CallbackSource } from '../callback-sources/inbox/source';
import type { DarajaClient } from '../daraja';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { askTransactionStatus } from '../lookups/ask-status';
import { answerSaysCompleted } from '../lookups/status-lookups';
import { ownShortcodes } from './received-checks';
import { phoneIn, recordReceived } from './record';
import { moveRequest, requestById, type CollectionRequest, type RequestState } from './requests';

/** Requests a person may give a receipt for: paid without one, or never answered. */
const receiptStates: readonly RequestState[] = ['paid_no_receipt', 'unknown', 'needs_person'];

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
  if (!receiptStates.includes(request.state))
    throw new ConflictError(
      request.state === 'paid'
        ? `Payment request #${request.id} is already recorded with receipt ${request.receipt ?? ''}.`
        : `Payment request #${request.id} was not paid by the customer; there is no receipt to record.`,
    );
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
  const refuse = (words: string): never => {
    throw new ValidationError(`${words}: nothing was recorded.`, { field: ['receipt'] });
  };
  if (!answerSaysCompleted(answer)) refuse(`M-Pesa says receipt ${receipt} is "${answer.transactionStatus ?? ''}"`);
  if (answer.amountCents !== request.amountCents)
    refuse(
      `Receipt ${receipt} is for ${answer.amountCents === null ? 'no amount' : formatKesWithCurrency(answer.amountCents)}, the request for ${formatKesWithCurrency(request.amountCents)}`,
    );
  const payer = phoneIn(answer.debitPartyName);
  if (payer !== null && payer !== request.phone) refuse(`Receipt ${receipt} was paid from another number`);
  const receiver = /^\s*(\d{5,7})\b/.exec(answer.creditPartyName ?? '')?.[1] ?? null;
  if (receiver === null || !ownShortcodes(db).includes(receiver))
    refuse(`Receipt ${receipt} was paid to ${answer.creditPartyName ?? 'nobody named'}, not to this business`);
  const nowIso = new Date().toISOString();
  db.transaction(() => {
    const recorded = recordReceived(
      db,
      {
        receipt,
        occurredAt: answer.finalisedAt ?? nowIso,
        kind: 'stk_payment',
        source: 'status_result',
        amountCents: request.amountCents as Cents,
        phone: request.phone,
        partyName: null,
        partyDisplay: answer.debitPartyName ?? request.phone,
        accountReference: request.accountReference,
        inboxId: outcome.inboxId,
      },
      nowIso,
    );
    moveRequest(
      db,
      request.id,
      'paid',
      { receipt, transactionId: recorded.transactionId, nextQueryAt: null, note: null },
      nowIso,
    );
    appendAudit(db, {
      actor,
      action: 'collection.receipt_entered',
      entity: 'collection_request',
      entityId: request.id,
      details: { receipt, amountCents: request.amountCents, alreadyInLedger: !recorded.first },
    });
  }).immediate();
  const updated = requestById(db, request.id);
  if (updated === null) throw new NotFoundError(`No payment request #${requestId}.`);
  return updated;
}
