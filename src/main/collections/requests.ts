// The collection_requests table and its only writer: each M-Pesa Express (STK Push) payment request,
// from the moment it is written (before the push leaves) to the customer's answer. Every change
// goes through the state table below, so no door can move a request where it may not go.
import type { Cents } from '../../shared/money';
import type { Msisdn } from '../../shared/phone';
import type { ProfileDatabase } from '../db';

export const requestStates = [
  'asked',
  'sent',
  'refused',
  'unknown',
  'paid',
  'paid_no_receipt',
  'declined',
  'needs_person',
] as const;
export type RequestState = (typeof requestStates)[number];

/** Where each state may go. A paid request is final; an unknown one learns from a callback that finds it. */
export const requestTransitions: Record<RequestState, readonly RequestState[]> = {
  asked: ['sent', 'refused', 'unknown'],
  sent: ['paid', 'paid_no_receipt', 'declined', 'needs_person'],
  unknown: ['paid', 'declined'],
  needs_person: ['paid', 'paid_no_receipt', 'declined'],
  paid_no_receipt: ['paid'],
  refused: [],
  paid: [],
  declined: [],
};

/** The states a request may leave for `to`, for the UPDATE's guard. */
export function statesInto(to: RequestState): RequestState[] {
  return requestStates.filter((from) => requestTransitions[from].includes(to));
}

export interface CollectionRequest {
  id: number;
  phone: Msisdn;
  amountCents: Cents;
  accountReference: string;
  description: string;
  askedBy: string;
  askedAt: string;
  state: RequestState;
  merchantRequestId: string | null;
  checkoutRequestId: string | null;
  resultCode: string | null;
  resultDesc: string | null;
  receipt: string | null;
  transactionId: number | null;
  queries: number;
  nextQueryAt: string | null;
  note: string | null;
  againOf: number | null;
  updatedAt: string;
}

interface RequestRow {
  id: number;
  phone: string;
  amount_cents: number;
  account_reference: string;
  description: string;
  asked_by: string;
  asked_at: string;
  state: RequestState;
  merchant_request_id: string | null;
  checkout_request_id: string | null;
  result_code: string | null;
  result_desc: string | null;
  receipt: string | null;
  transaction_id: number | null;
  queries: number;
  next_query_at: string | null;
  note: string | null;
  again_of: number | null;
  updated_at: string;
}

function requestOf(row: RequestRow): CollectionRequest {
  return {
    id: row.id,
    phone: row.phone as Msisdn,
    amountCents: row.amount_cents as Cents,
    accountReference: row.account_reference,
    description: row.description,
    askedBy: row.asked_by,
    askedAt: row.asked_at,
    state: row.state,
    merchantRequestId: row.merchant_request_id,
    checkoutRequestId: row.checkout_request_id,
    resultCode: row.result_code,
    resultDesc: row.result_desc,
    receipt: row.receipt,
    transactionId: row.transaction_id,
    queries: row.queries,
    nextQueryAt: row.next_query_at,
    note: row.note,
    againOf: row.again_of,
    updatedAt: row.updated_at,
  };
}

export function requestById(db: ProfileDatabase, id: number): CollectionRequest | null {
  const row = db.prepare('SELECT * FROM collection_requests WHERE id = ?').get(id) as RequestRow | undefined;
  return row === undefined ? null : requestOf(row);
}

export function requestByCheckoutId(db: ProfileDatabase, checkoutRequestId: string): CollectionRequest | null {
  const row = db.prepare('SELECT * FROM collection_requests WHERE checkout_request_id = ?').get(checkoutRequestId) as
    RequestRow | undefined;
  return row === undefined ? null : requestOf(row);
}

export function requestByMerchantId(db: ProfileDatabase, merchantRequestId: string): CollectionRequest | null {
  const row = db.prepare('SELECT * FROM collection_requests WHERE merchant_request_id = ?').get(merchantRequestId) as
    RequestRow | undefined;
  return row === undefined ? null : requestOf(row);
}

/** Requests whose push answer was lost, for this phone and amount: a callback with unknown IDs may be theirs. */
export function unknownRequestsFor(db: ProfileDatabase, phone: string, amountCents: number): CollectionRequest[] {
  const rows = db
    .prepare(`SELECT * FROM collection_requests WHERE state = 'unknown' AND phone = ? AND amount_cents = ? ORDER BY id`)
    .all(phone, amountCents) as RequestRow[];
  return rows.map(requestOf);
}

export function requestsWhere(db: ProfileDatabase, where: string, ...params: unknown[]): CollectionRequest[] {
  const rows = db.prepare(`SELECT * FROM collection_requests WHERE ${where}`).all(...params) as RequestRow[];
  return rows.map(requestOf);
}

/** Written before the push leaves: the request exists whatever happens to the push. */
export function recordRequestAsked(
  db: ProfileDatabase,
  input: {
    phone: Msisdn;
    amountCents: Cents;
    accountReference: string;
    description: string;
    actor: string;
    at: string;
    againOf?: number | null;
  },
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO collection_requests (phone, amount_cents, account_reference, description, asked_by, asked_at, state, again_of, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'asked', ?, ?)`,
      )
      .run(
        input.phone,
        input.amountCents,
        input.accountReference,
        input.description,
        input.actor,
        input.at,
        input.againOf ?? null,
        input.at,
      ).lastInsertRowid,
  );
}

export interface RequestChange {
  merchantRequestId?: string;
  checkoutRequestId?: string;
  resultCode?: string | null;
  resultDesc?: string | null;
  receipt?: string | null;
  transactionId?: number | null;
  queries?: number;
  nextQueryAt?: string | null;
  note?: string | null;
}

const columnOf: Record<keyof RequestChange, string> = {
  merchantRequestId: 'merchant_request_id',
  checkoutRequestId: 'checkout_request_id',
  resultCode: 'result_code',
  resultDesc: 'result_desc',
  receipt: 'receipt',
  transactionId: 'transaction_id',
  queries: 'queries',
  nextQueryAt: 'next_query_at',
  note: 'note',
};

/** Moves a request to `to` when its state allows it; false when it had already moved on. */
export function moveRequest(
  db: ProfileDatabase,
  id: number,
  to: RequestState,
  change: RequestChange,
  nowIso: string,
): boolean {
  const from = statesInto(to);
  if (from.length === 0) return false;
  const keys = Object.keys(change) as Array<keyof RequestChange>;
  const sets = ['state = ?', 'updated_at = ?', ...keys.map((key) => `${columnOf[key]} = ?`)];
  const values = keys.map((key) => change[key] ?? null);
  return (
    db
      .prepare(
        `UPDATE collection_requests SET ${sets.join(', ')} WHERE id = ? AND state IN (${from.map(() => '?').join(', ')})`,
      )
      .run(to, nowIso, ...values, id, ...from).changes === 1
  );
}

/** Changes what a request keeps about its queries without moving it (still waiting). */
export function noteQuery(
  db: ProfileDatabase,
  id: number,
  change: { queries: number; nextQueryAt: string | null; note: string | null },
  nowIso: string,
): void {
  db.prepare(
    `UPDATE collection_requests SET queries = ?, next_query_at = ?, note = ?, updated_at = ? WHERE id = ? AND state = 'sent'`,
  ).run(change.queries, change.nextQueryAt, change.note, nowIso, id);
}
