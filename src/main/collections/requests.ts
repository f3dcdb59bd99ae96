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

/**
 * Where each state may go. A paid request is final; an unknown one learns from a callback that
 * finds it. A declined one may still turn out paid: M-Pesa's word that money moved outranks an
 * earlier answer that it would not (the request then waits for a person's look, `attention`).
 */
export const requestTransitions: Record<RequestState, readonly RequestState[]> = {
  asked: ['sent', 'refused', 'unknown'],
  sent: ['paid', 'paid_no_receipt', 'declined', 'needs_person'],
  unknown: ['paid', 'declined'],
  needs_person: ['paid', 'paid_no_receipt', 'declined'],
  paid_no_receipt: ['paid'],
  declined: ['paid'],
  refused: [],
  paid: [],
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
  /** Words for a person who should look at it (M-Pesa said it was declined, then paid); null when nothing. */
  attention: string | null;
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
  attention: string | null;
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
    attention: row.attention,
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

/** The request a person asked again as, if any. */
export function askedAgainAs(db: ProfileDatabase, id: number): CollectionRequest | null {
  const row = db.prepare('SELECT * FROM collection_requests WHERE again_of = ?').get(id) as RequestRow | undefined;
  return row === undefined ? null : requestOf(row);
}

/**
 * Every request of the asked-again chain `request` belongs to, up to the first asked and down to the
 * last asked again, in order: one thing the customer was asked to pay, however many prompts.
 */
export function chainOf(db: ProfileDatabase, request: CollectionRequest): CollectionRequest[] {
  let first = request;
  for (let up = request.againOf, steps = 0; up !== null && steps < 1000; steps += 1) {
    const before = requestById(db, up);
    if (before === null) break;
    first = before;
    up = before.againOf;
  }
  const chain = [first];
  for (let next = askedAgainAs(db, first.id); next !== null && chain.length < 1000; next = askedAgainAs(db, next.id))
    chain.push(next);
  return chain;
}

/** The request a receipt already pays, if any: one receipt never pays two requests. */
export function requestPaidBy(db: ProfileDatabase, receipt: string): CollectionRequest | null {
  const row = db.prepare('SELECT * FROM collection_requests WHERE receipt = ? ORDER BY id LIMIT 1').get(receipt) as
    RequestRow | undefined;
  return row === undefined ? null : requestOf(row);
}

/**
 * Which request a success whose IDs match no request may answer: only a push whose answer was lost
 * (`unknown`, no IDs on record) for this phone and amount. None while a push for them is still on
 * its way (`asked`: the success may be its own, its answer not yet stored), and never a request
 * asked again as one that may still hear (an `asked` or `unknown` child: the success may be the
 * child's). Null unless exactly one request is left.
 */
export function lostPushFor(db: ProfileDatabase, phone: string, amountCents: number): CollectionRequest | null {
  const inFlight = db
    .prepare(`SELECT 1 FROM collection_requests WHERE state = 'asked' AND phone = ? AND amount_cents = ? LIMIT 1`)
    .get(phone, amountCents);
  if (inFlight !== undefined) return null;
  const rows = db
    .prepare(
      `SELECT * FROM collection_requests r
        WHERE r.state = 'unknown' AND r.phone = ? AND r.amount_cents = ? AND r.checkout_request_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM collection_requests c WHERE c.again_of = r.id AND c.state IN ('asked', 'unknown'))
        ORDER BY r.id`,
    )
    .all(phone, amountCents) as RequestRow[];
  return rows.length === 1 && rows[0] !== undefined ? requestOf(rows[0]) : null;
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
  attention?: string | null;
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
  attention: 'attention',
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

/** Clears the words a request left for a person, once they looked; false when there were none. */
export function clearAttention(db: ProfileDatabase, id: number, nowIso: string): boolean {
  return (
    db
      .prepare('UPDATE collection_requests SET attention = NULL, updated_at = ? WHERE id = ? AND attention IS NOT NULL')
      .run(nowIso, id).changes === 1
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
