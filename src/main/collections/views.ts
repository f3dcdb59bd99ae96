// Money coming in as the screens and the CLI show it: each payment request with its state in the
// admin's words, the money received (C2B and STK rows of the ledger), and the customers' payments
// that wait for M-Pesa or for a person.
import { unconfirmedSuccesses, type UnconfirmedSuccessView } from './unconfirmed';
import { NotFoundError } from '../../shared/errors';
import type { Cents } from '../../shared/money';
import type { ProfileDatabase } from '../db';
import { checkByInbox, checksWhere, type CheckState, type ReceivedCheck } from './received-checks';
import { refuseAskingAgain } from './request-payment';
import { requestById, requestsWhere, type CollectionRequest, type RequestState } from './requests';

export interface RequestView {
  id: number;
  phone: string;
  amountCents: Cents;
  accountReference: string;
  askedBy: string;
  askedAt: string;
  state: RequestState;
  /** Where it stands, in the admin's words ("Waiting for the customer to enter their PIN…"). */
  status: string;
  /** Why, or what to do, when there is more to say. */
  note: string | null;
  receipt: string | null;
  transactionId: number | null;
  checkoutRequestId: string | null;
  againOf: number | null;
  /** Asked again already, as this request. */
  askedAgainAs: number | null;
  canAskAgain: boolean;
  /** A person may give the receipt (paid without one, or never answered). */
  canEnterReceipt: boolean;
  /** Words for a person to look at it (M-Pesa said declined, then paid); null when nothing. */
  attention: string | null;
  /** The customer's answer is still to come. */
  waiting: boolean;
}

export function statusWords(request: CollectionRequest): string {
  switch (request.state) {
    case 'asked':
      return 'Sending the prompt to the customer’s phone…';
    case 'sent':
      return 'Waiting for the customer to enter their PIN…';
    case 'paid':
      return `Paid: receipt ${request.receipt ?? ''}`.trim();
    case 'paid_no_receipt':
      return 'Paid, the receipt not yet received';
    case 'declined':
      return request.note ?? 'The customer did not pay';
    case 'refused':
      return 'M-Pesa did not take the request: no prompt was sent';
    case 'unknown':
      return 'M-Pesa may have sent the prompt: waiting to hear';
    case 'needs_person':
      return 'No answer from M-Pesa: waits for you';
    default: {
      const never: never = request.state;
      throw new Error(`unhandled state ${String(never)}`);
    }
  }
}

const askableAgain: readonly RequestState[] = ['unknown', 'refused', 'declined', 'needs_person'];

function mayAskAgain(db: ProfileDatabase, request: CollectionRequest): boolean {
  try {
    refuseAskingAgain(db, request);
    return true;
  } catch {
    return false;
  }
}

function viewOf(db: ProfileDatabase, request: CollectionRequest): RequestView {
  const again = db.prepare('SELECT id FROM collection_requests WHERE again_of = ?').get(request.id) as
    { id: number } | undefined;
  return {
    id: request.id,
    phone: request.phone,
    amountCents: request.amountCents,
    accountReference: request.accountReference,
    askedBy: request.askedBy,
    askedAt: request.askedAt,
    state: request.state,
    status: statusWords(request),
    note: request.state === 'declined' ? null : request.note,
    receipt: request.receipt,
    transactionId: request.transactionId,
    checkoutRequestId: request.checkoutRequestId,
    againOf: request.againOf,
    askedAgainAs: again?.id ?? null,
    canAskAgain: again === undefined && askableAgain.includes(request.state) && mayAskAgain(db, request),
    canEnterReceipt: ['paid_no_receipt', 'unknown', 'needs_person', 'declined'].includes(request.state),
    attention: request.attention,
    waiting: request.state === 'asked' || request.state === 'sent',
  };
}

export function requestView(db: ProfileDatabase, id: number): RequestView {
  const request = requestById(db, id);
  if (request === null) throw new NotFoundError(`No payment request #${id}.`);
  return viewOf(db, request);
}

export interface ReceivedView {
  id: number;
  receipt: string | null;
  occurredAt: string;
  kind: 'c2b_payment' | 'stk_payment';
  amountCents: Cents;
  phone: string | null;
  partyName: string | null;
  partyDisplay: string | null;
  accountReference: string | null;
}

export interface WaitingCheckView {
  inboxId: number;
  receipt: string;
  amountCents: Cents;
  state: CheckState;
  words: string;
  tries: number;
  receivedAt: string;
  canCheckAgain: boolean;
}

function checkWords(state: CheckState, note: string | null): string {
  switch (state) {
    case 'checking':
      return 'Asking M-Pesa whether this payment is real…';
    case 'needs_person':
      return note ?? 'M-Pesa has not confirmed this payment: nothing was recorded';
    case 'unmatched':
    case 'amount_mismatch':
    case 'other_receiver':
      return note ?? 'M-Pesa contradicts this payment: nothing was recorded';
    case 'recorded':
      return 'Recorded';
    case 'duplicate':
      return 'A copy of a payment already recorded';
    default: {
      const never: never = state;
      throw new Error(`unhandled state ${String(never)}`);
    }
  }
}

function waitingViewOf(check: ReceivedCheck): WaitingCheckView {
  return {
    inboxId: check.inboxId,
    receipt: check.receipt,
    amountCents: check.amountCents,
    state: check.state,
    words: checkWords(check.state, check.note),
    tries: check.tries,
    receivedAt: check.createdAt,
    canCheckAgain: check.state === 'needs_person' || check.state === 'unmatched',
  };
}

export function waitingView(db: ProfileDatabase, inboxId: number): WaitingCheckView {
  const check = checkByInbox(db, inboxId);
  if (check === null) throw new NotFoundError(`No customer payment #${inboxId} waits for a check.`);
  return waitingViewOf(check);
}

export interface MoneyInOverview {
  requests: RequestView[];
  received: ReceivedView[];
  waiting: WaitingCheckView[];
  unconfirmed: UnconfirmedSuccessView[];
}

export function moneyInOverview(db: ProfileDatabase, limit = 100): MoneyInOverview {
  const requests = requestsWhere(db, '1 ORDER BY id DESC LIMIT ?', limit).map((r) => viewOf(db, r));
  const received = db
    .prepare(
      `SELECT id, receipt, occurred_at, kind, amount_cents, phone, party_name, party_display, account_reference
         FROM transactions WHERE direction = 'in' AND kind IN ('c2b_payment', 'stk_payment') AND corrects_id IS NULL
        ORDER BY occurred_at DESC, id DESC LIMIT ?`,
    )
    .all(limit) as Array<{
    id: number;
    receipt: string | null;
    occurred_at: string;
    kind: 'c2b_payment' | 'stk_payment';
    amount_cents: number;
    phone: string | null;
    party_name: string | null;
    party_display: string | null;
    account_reference: string | null;
  }>;
  const waiting = checksWhere(db, `state NOT IN ('recorded', 'duplicate') ORDER BY inbox_id DESC LIMIT ?`, limit).map(
    waitingViewOf,
  );
  return {
    requests,
    received: received.map((row) => ({
      id: row.id,
      receipt: row.receipt,
      occurredAt: row.occurred_at,
      kind: row.kind,
      amountCents: row.amount_cents as Cents,
      phone: row.phone,
      partyName: row.party_name,
      partyDisplay: row.party_display,
      accountReference: row.account_reference,
    })),
    waiting,
    unconfirmed: unconfirmedSuccesses(db, limit),
  };
}
