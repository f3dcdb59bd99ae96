// A person's lookup of any M-Pesa receipt by Transaction Status (purpose 'lookup'): what M-Pesa
// said, in words, beside what the ledger holds under that receipt. The answer is read from the
// inbox where it is stored, so an answer that came late (after the wait, after a restart) reads the
// same. Money this business received that the ledger lacks may be recorded from the stored answer
// (record-lookup.ts); nothing here moves money.
import { NotFoundError } from '../../shared/errors';
import { formatKesWithCurrency, type Cents } from '../../shared/money';
import { formatDateTime } from '../../shared/format';
import { parseCallback } from '../daraja/callbacks';
import type { ProfileDatabase } from '../db';
import { askTransactionStatus, type AskStatusParts } from './ask-status';
import { moneyBackAdvice, moneyBackReason } from './money-back';
import {
  answerSaysCompleted,
  lookupById,
  storedStatusAnswer,
  type StatusAnswer,
  type StatusLookup,
} from './status-lookups';

/** Where the money went, seen from this business. */
export type LookupDirection = 'in' | 'out' | 'other';

export type LookupState =
  /** M-Pesa answered about the transaction (ResultCode 0). */
  | 'answered'
  /** M-Pesa answered with a non-zero code: about the question, not the payment. */
  | 'no_such_receipt'
  /** M-Pesa took the question and has not answered yet. */
  | 'waiting'
  /** M-Pesa's queue timed out on the question: nothing was learned. */
  | 'timed_out'
  /** M-Pesa refused the question. */
  | 'refused';

export interface LedgerMatch {
  transactionId: number;
  kind: string;
  direction: 'in' | 'out';
  status: string;
  amountCents: Cents;
}

export interface ReceiptLookupView {
  lookupId: number;
  receipt: string;
  askedBy: string;
  askedAt: string;
  state: LookupState;
  /** One sentence: what M-Pesa said. */
  headline: string;
  /** Further sentences: what it means, what to do. */
  notes: string[];
  resultCode: string | null;
  resultDesc: string | null;
  completed: boolean | null;
  /** M-Pesa's own status word ("Completed", "Reversed"). */
  transactionStatus: string | null;
  amountCents: Cents | null;
  chargesCents: Cents | null;
  debitParty: string | null;
  creditParty: string | null;
  reasonType: string | null;
  finalisedAt: string | null;
  direction: LookupDirection | null;
  ledger: LedgerMatch | null;
  /** Money this business received that the ledger lacks: it may be recorded from this answer. */
  recordable: boolean;
}

/** The codes M-Pesa gives for a receipt it cannot find (REFERENCE §4; R000002 from Reversal). */
const notFoundCodes = new Set(['SFC_IC0003', 'R000002']);

function desc(answer: StatusAnswer): string {
  return answer.resultDesc.trim().replace(/\.$/, '');
}

/** True when a party as M-Pesa names it ("600000 - Acme Ltd", or the bare shortcode) is this business. */
export function isThisBusiness(party: string | null, shortcode: string): boolean {
  if (party === null || shortcode === '') return false;
  const trimmed = party.trim();
  return trimmed === shortcode || trimmed.startsWith(`${shortcode} `) || trimmed.startsWith(`${shortcode}-`);
}

export function directionOf(answer: StatusAnswer, shortcode: string): LookupDirection {
  if (isThisBusiness(answer.creditPartyName, shortcode)) return 'in';
  if (isThisBusiness(answer.debitPartyName, shortcode)) return 'out';
  return 'other';
}

export function ledgerMatch(db: ProfileDatabase, receipt: string): LedgerMatch | null {
  const row = db
    .prepare(
      `SELECT id, kind, direction, status, amount_cents FROM transactions t
        WHERE receipt = ? AND NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)
        ORDER BY id DESC LIMIT 1`,
    )
    .get(receipt) as
    { id: number; kind: string; direction: 'in' | 'out'; status: string; amount_cents: number } | undefined;
  return row === undefined
    ? null
    : {
        transactionId: row.id,
        kind: row.kind,
        direction: row.direction,
        status: row.status,
        amountCents: row.amount_cents,
      };
}

/** The charge the answer reports (DebitPartyCharges), read from the stored body. */
function chargesOf(db: ProfileDatabase, inboxId: number): Cents | null {
  const row = db.prepare('SELECT body FROM inbox WHERE id = ?').get(inboxId) as { body: string } | undefined;
  if (row === undefined) return null;
  const parsed = parseCallback(row.body, 'status-result');
  return parsed.ok && parsed.event.type === 'status-result' ? parsed.event.debitPartyChargesCents : null;
}

const ledgerKindWords: Record<string, string> = {
  b2c_payment: 'a payment out',
  c2b_payment: 'money received',
  stk_payment: 'money received by payment request',
  reversal: 'a reversal',
  refund: 'a refund',
};

function ledgerWords(match: LedgerMatch): string {
  return `The ledger has this receipt: row #${match.transactionId}, ${ledgerKindWords[match.kind] ?? match.kind}, ${formatKesWithCurrency(match.amountCents)}, ${match.status}.`;
}

function blankView(
  lookup: StatusLookup,
  receipt: string,
  state: LookupState,
  headline: string,
  notes: string[],
): ReceiptLookupView {
  return {
    lookupId: lookup.id,
    receipt,
    askedBy: lookup.askedBy,
    askedAt: lookup.askedAt,
    state,
    headline,
    notes,
    resultCode: null,
    resultDesc: null,
    completed: null,
    transactionStatus: null,
    amountCents: null,
    chargesCents: null,
    debitParty: null,
    creditParty: null,
    reasonType: null,
    finalisedAt: null,
    direction: null,
    ledger: null,
    recordable: false,
  };
}

/** What the lookup stands at, read from what is stored: the same after a restart. */
export function receiptLookupView(db: ProfileDatabase, lookupId: number, shortcode: string): ReceiptLookupView {
  const lookup = lookupById(db, lookupId);
  if (lookup === null || lookup.purpose !== 'lookup' || lookup.receipt === null)
    throw new NotFoundError(`There is no lookup #${lookupId}.`);
  const receipt = lookup.receipt;
  const ledger = ledgerMatch(db, receipt);
  const ledgerNote = ledger === null ? [] : [ledgerWords(ledger)];
  if (lookup.refused !== null)
    return {
      ...blankView(lookup, receipt, 'refused', `M-Pesa refused the question about ${receipt}: ${lookup.refused}`, [
        'Nothing was learned about the payment. Check the receipt as written, and the connection, then ask again.',
        ...ledgerNote,
      ]),
      ledger,
    };
  if (lookup.inboxId === null)
    return {
      ...blankView(
        lookup,
        receipt,
        'waiting',
        'M-Pesa took the question but has not answered yet: it is kept and shown when it comes.',
        ledgerNote,
      ),
      ledger,
    };
  const answer = storedStatusAnswer(db, lookup.inboxId);
  if (answer === null)
    return {
      ...blankView(lookup, receipt, 'timed_out', 'M-Pesa’s queue timed out on the question: nothing was learned.', [
        'This says nothing about the payment. Ask again in a moment.',
        ...ledgerNote,
      ]),
      ledger,
    };
  const base = {
    ...blankView(lookup, receipt, 'answered', '', []),
    resultCode: answer.resultCode,
    resultDesc: answer.resultDesc,
    ledger,
  };
  if (answer.resultCode !== '0')
    return {
      ...base,
      state: 'no_such_receipt',
      headline: notFoundCodes.has(answer.resultCode)
        ? `M-Pesa has no such receipt to show: it answered ${answer.resultCode}, “${desc(answer)}”.`
        : `M-Pesa answered about the question, not about a payment: ${answer.resultCode}, “${desc(answer)}”.`,
      notes: [
        'That code speaks about the question, not about a payment: it does not prove the money never moved. ' +
          'A payment M-Pesa is still processing answers the same way. Check the receipt as written, ask again later, or look for it on the M-Pesa statement.',
        ...ledgerNote,
      ],
    };
  const completed = answerSaysCompleted(answer);
  const direction = directionOf(answer, shortcode);
  const amount =
    answer.amountCents === null ? 'an amount M-Pesa did not give' : formatKesWithCurrency(answer.amountCents);
  const when = answer.finalisedAt === null ? '' : ` on ${formatDateTime(answer.finalisedAt)}`;
  const headline = completed
    ? `Completed: ${amount} from ${answer.debitPartyName ?? 'a party M-Pesa did not name'} to ${answer.creditPartyName ?? 'a party M-Pesa did not name'}${when}.`
    : `Not completed: M-Pesa says this transaction is “${answer.transactionStatus ?? 'without a status'}” (${amount}${when}).`;
  const moneyBack = completed && direction === 'in' && ledger === null ? moneyBackReason(db, answer) : null;
  const recordable =
    completed &&
    direction === 'in' &&
    ledger === null &&
    moneyBack === null &&
    answer.amountCents !== null &&
    answer.finalisedAt !== null;
  const notes: string[] = [];
  if (ledger !== null) notes.push(ledgerWords(ledger));
  else if (!completed) notes.push('The ledger has no row with this receipt.');
  else if (moneyBack !== null) notes.push(moneyBack, moneyBackAdvice);
  else if (direction === 'in')
    notes.push(
      'This is money the business received, and the ledger has no row with this receipt: it can be recorded as money received.',
    );
  else if (direction === 'out')
    notes.push(
      'This is money the business paid out, and the ledger has no row with this receipt. It is not recorded from here: ' +
        'a payment out belongs to its payroll run, whose needs-attention list settles it by the payout rules.',
    );
  else notes.push('Neither party is this business’s shortcode: the ledger does not record it.');
  return {
    ...base,
    completed,
    transactionStatus: answer.transactionStatus,
    amountCents: answer.amountCents,
    chargesCents: chargesOf(db, lookup.inboxId),
    debitParty: answer.debitPartyName,
    creditParty: answer.creditPartyName,
    reasonType: answer.reasonType,
    finalisedAt: answer.finalisedAt,
    direction,
    headline,
    notes,
    recordable,
  };
}

export interface LookupReceiptRequest {
  receipt: string;
  actor: string;
  shortcode: string;
  waitMs: number;
}

/** Asks M-Pesa about a receipt (written before it leaves), waits a while, and says what is known. */
export async function lookupReceipt(parts: AskStatusParts, request: LookupReceiptRequest): Promise<ReceiptLookupView> {
  const receipt = request.receipt.trim().toUpperCase();
  const outcome = await askTransactionStatus(parts, {
    purpose: 'lookup',
    subjectId: null,
    about: { receipt },
    actor: request.actor,
    remarks: 'Receipt lookup',
    waitMs: request.waitMs,
  });
  return receiptLookupView(parts.db, outcome.lookupId, request.shortcode);
}
