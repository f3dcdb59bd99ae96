// The simulated organisation and its customers: account balances in cents, registered customers,
// B2C payments with limits and tariff charges, collections (C2B/STK) and their reversals.
import limits from '../../resources/b2c-limits.json';
import tariff from '../../resources/b2c-tariff-2023.json';
import { parseSafaricomPhone } from '../shared/phone';
import { formatDarajaTime } from '../shared/time';
import type { Identifiers } from './identifiers';
import type { PendingB2c, SimulatorStore, StoredState } from './store';

export interface PaymentRecord {
  receipt: string;
  originatorConversationId: string;
  conversationId: string;
  party: string;
  amountCents: number;
  chargeCents: number;
  completedAt: string /* ISO */;
  commandId: string;
}

/** A B2C request M-Pesa processed and refused: its definitive failure (ground truth, like payments). */
export interface FailureRecord {
  originatorConversationId: string;
  conversationId: string;
  party: string;
  amountCents: number;
  commandId: string;
  resultCode: number;
  resultDesc: string;
  at: string /* ISO */;
}

export interface Balances {
  utilityCents: number;
  workingCents: number;
  chargesPaidCents: number;
  settlementCents: number;
}

/** Money received from a customer (C2B simulate or STK Push); these, unlike B2C, can be reversed. */
export interface Collection {
  receipt: string;
  msisdn: string;
  amountCents: number;
  completedAt: Date;
  kind: 'c2b' | 'stk';
  reversedBy: string | null;
  /** How much the reversal sent back, when it was not the whole (reversalAmount 'as-asked'); kept in memory only. */
  reversedCents?: number;
}

/** One reversal M-Pesa made: over the API (with Daraja's OriginatorConversationID) or on the portal. */
export interface ReversalRecord {
  receipt: string;
  originalReceipt: string;
  amountCents: number;
  msisdn: string;
  at: Date;
  /** Daraja's OriginatorConversationID of the request; null for a reversal made on the portal. */
  originatorConversationId: string | null;
  /** The original was money in (a collection) or out (a B2C payment, reversed on the portal). */
  original: 'collection' | 'payment';
  /**
   * The ReasonType Transaction Status gives it. Daraja documents none for a reversal (REFERENCE
   * §4, §15), so a portal reversal may be given another: 'Reversal' unless a test says otherwise.
   */
  reasonType?: string;
}

export type PaymentOutcome =
  | { ok: true; record: PaymentRecord; balances: Balances; customerName: string }
  | { ok: false; resultCode: number; resultDesc: string };

export type ReversalOutcome =
  | { ok: true; receipt: string; collection: Collection; customerName: string; utilityCents: number }
  | { ok: false; resultCode: number | string; resultDesc: string };

export const b2cResultDescriptions = {
  0: 'The service request is processed successfully.',
  1: 'The balance is insufficient for the transaction.',
  2: 'Declined due to limit rule: less than the minimum transaction amount.',
  3: 'Declined due to limit rule: greater than the maximum transaction amount.',
  4: 'Declined due to limit rule: would exceed daily transfer limit.',
  2001: 'The initiator information is invalid.',
  2028: 'The request is not permitted according to product assignment.',
  2040: "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.",
} as const;

const openRegistryFirstNames = ['JOHN', 'MARY', 'PETER', 'GRACE', 'JAMES', 'FAITH', 'DAVID', 'MERCY', 'JOSEPH', 'ANN'];
const openRegistryLastNames = [
  'KAMAU',
  'WANJIRU',
  'OTIENO',
  'ACHIENG',
  'MUTUA',
  'WAMBUI',
  'KIPROTICH',
  'NJERI',
  'OMONDI',
  'CHEBET',
];

export class OrganisationModel {
  readonly balances: Balances;
  private readonly customers = new Map<string, string>();
  private readonly paymentsMade: PaymentRecord[] = [];
  private readonly collections = new Map<string, Collection>();
  private readonly paymentsByReceipt = new Map<string, PaymentRecord>();
  private readonly paymentsByOriginatorId = new Map<string, PaymentRecord>();
  /** Used v3 OriginatorConversationIDs and when each was claimed (ms), for the duplicate window. */
  private readonly usedOriginatorIds = new Map<string, number>();
  /** B2C requests M-Pesa processed and refused, so Transaction Status can tell them apart from ones it never saw. */
  private readonly failuresMade: FailureRecord[] = [];
  private readonly failuresByOriginatorId = new Map<string, FailureRecord>();
  /** Payees with at least one processed B2C (paid or refused), for fail-payee's "first payment". */
  private readonly processedParties = new Set<string>();
  /** B2C requests accepted and not processed yet, by ConversationID. */
  private readonly pendingB2c = new Map<string, PendingB2c>();

  constructor(
    private readonly ids: Identifiers,
    readonly shortcode: string,
    floatCents: number,
    private readonly openRegistry: boolean,
    private readonly store: SimulatorStore | null = null,
  ) {
    this.balances = { utilityCents: floatCents, workingCents: 0, chargesPaidCents: 0, settlementCents: 0 };
  }

  /** Takes back what a simulator on the same state file knew (balances, payments, IDs, receipts). */
  restore(state: StoredState): void {
    if (state.balances !== null) Object.assign(this.balances, state.balances);
    for (const c of state.customers) this.customers.set(c.msisdn, c.name);
    for (const p of state.payments) this.remember(p);
    for (const f of state.failures) this.rememberFailure(f);
    for (const c of state.collections) this.collections.set(c.receipt, c);
    for (const c of state.claims) this.usedOriginatorIds.set(c.id, c.claimedAtMs);
    for (const p of state.pending) this.pendingB2c.set(p.conversationId, p);
  }

  /** Runs a change as one transaction of the state file (or just runs it when there is none). */
  atomically<T>(work: () => T): T {
    return this.store === null ? work() : this.store.transaction(work);
  }

  private saveBalances(): void {
    this.store?.saveBalances(this.balances);
  }

  addCustomer(msisdn: string, name: string): void {
    const upper = name.trim().toUpperCase();
    if (this.customers.get(msisdn) === upper) return;
    this.customers.set(msisdn, upper);
    this.store?.saveCustomer(msisdn, upper);
  }

  /** The registered name, or null when the number is not an M-Pesa customer of this simulator. */
  customerName(msisdn: string): string | null {
    const known = this.customers.get(msisdn);
    if (known !== undefined) return known;
    if (!this.openRegistry || !parseSafaricomPhone(msisdn).ok) return null;
    // Deterministic from the number so the same person keeps the same name across runs.
    const n = Number(msisdn.slice(-6));
    return `${openRegistryFirstNames[n % 10] ?? 'JOHN'} ${openRegistryLastNames[Math.floor(n / 10) % 10] ?? 'KAMAU'}`;
  }

  /**
   * v3 OriginatorConversationIDs are single-use while remembered; returns false when it was claimed
   * less than `windowMs` ago (null: remembered for ever). Past the window it is claimed afresh.
   */
  claimOriginatorId(id: string, atMs: number, windowMs: number | null = null): boolean {
    const claimedAt = this.usedOriginatorIds.get(id);
    if (claimedAt !== undefined && (windowMs === null || atMs - claimedAt < windowMs)) return false;
    this.usedOriginatorIds.set(id, atMs);
    this.store?.saveClaim(id, atMs);
    return true;
  }

  /** Forgets a claim: the request was not processed (throttled, timed out in the queue), so a re-send is new. */
  releaseOriginatorId(id: string, claimedAtMs: number): void {
    // A later request may have claimed it afresh (past the duplicate window): that claim stays.
    if (this.usedOriginatorIds.get(id) !== claimedAtMs) return;
    this.usedOriginatorIds.delete(id);
    this.store?.deleteClaim(id);
  }

  /** The used IDs and their claim times, oldest first. */
  claimedOriginatorIds(): Array<{ id: string; claimedAtMs: number }> {
    return [...this.usedOriginatorIds].map(([id, claimedAtMs]) => ({ id, claimedAtMs }));
  }

  addPending(p: PendingB2c): void {
    this.pendingB2c.set(p.conversationId, p);
    this.store?.savePending(p);
  }

  /** Takes a pending request out for processing; null when it was processed already. */
  takePending(conversationId: string): PendingB2c | null {
    const p = this.pendingB2c.get(conversationId);
    if (p === undefined) return null;
    this.pendingB2c.delete(conversationId);
    this.store?.deletePending(conversationId);
    return p;
  }

  pending(): PendingB2c[] {
    return [...this.pendingB2c.values()].map((p) => ({ ...p }));
  }

  /** True when this payee has had a B2C processed (paid or refused) before. */
  hasProcessedFor(msisdn: string): boolean {
    return this.processedParties.has(msisdn);
  }

  chargeFor(amountCents: number): number {
    const band = tariff.registered.find((b) => amountCents >= b.fromCents && amountCents <= b.toCents);
    return band?.chargeCents ?? 0;
  }

  /** Customer's B2C receipts today (Nairobi day), for the daily transfer limit. */
  private receivedToday(msisdn: string, at: Date): number {
    const day = formatDarajaTime(at).slice(0, 8);
    return this.paymentsMade
      .filter((p) => p.party === msisdn && formatDarajaTime(new Date(p.completedAt)).slice(0, 8) === day)
      .reduce((sum, p) => sum + p.amountCents, 0);
  }

  /**
   * Pays a customer from the Utility account. The tariff charge is booked to the Charges Paid
   * account (negative, as in Daraja's samples); insufficient funds means Utility < amount.
   */
  payCustomer(input: {
    msisdn: string;
    amountCents: number;
    commandId: string;
    originatorConversationId: string;
    conversationId: string;
    at: Date;
    /** Charged beyond the tariff (faults.chargeExtraCents). */
    extraChargeCents?: number;
  }): PaymentOutcome {
    return this.atomically(() => this.pay(input));
  }

  private pay(input: {
    msisdn: string;
    amountCents: number;
    commandId: string;
    originatorConversationId: string;
    conversationId: string;
    at: Date;
    extraChargeCents?: number;
  }): PaymentOutcome {
    const fail = (code: keyof typeof b2cResultDescriptions): PaymentOutcome => ({
      ok: false,
      resultCode: code,
      resultDesc: b2cResultDescriptions[code],
    });
    const name = this.customerName(input.msisdn);
    if (name === null) return fail(2040);
    if (input.amountCents < limits.b2c.minPerTransactionCents) return fail(2);
    if (input.amountCents > limits.b2c.maxPerTransactionCents) return fail(3);
    if (this.receivedToday(input.msisdn, input.at) + input.amountCents > limits.b2c.maxDailyValueCents) return fail(4);
    if (this.balances.utilityCents < input.amountCents) return fail(1);
    const chargeCents = this.chargeFor(input.amountCents) + (input.extraChargeCents ?? 0);
    this.balances.utilityCents -= input.amountCents;
    this.balances.chargesPaidCents -= chargeCents;
    this.saveBalances();
    const record: PaymentRecord = {
      receipt: this.ids.receipt(input.at),
      originatorConversationId: input.originatorConversationId,
      conversationId: input.conversationId,
      party: input.msisdn,
      amountCents: input.amountCents,
      chargeCents,
      completedAt: input.at.toISOString(),
      commandId: input.commandId,
    };
    this.remember(record);
    this.store?.savePayment(record);
    return { ok: true, record, balances: { ...this.balances }, customerName: name };
  }

  private remember(record: PaymentRecord): void {
    this.paymentsMade.push(record);
    this.paymentsByReceipt.set(record.receipt, record);
    this.paymentsByOriginatorId.set(record.originatorConversationId, record);
    this.processedParties.add(record.party);
  }

  private rememberFailure(record: FailureRecord): void {
    this.failuresMade.push(record);
    this.failuresByOriginatorId.set(record.originatorConversationId, record);
    this.processedParties.add(record.party);
  }

  payments(): PaymentRecord[] {
    return this.paymentsMade.map((p) => ({ ...p }));
  }

  findPayment(query: { receipt?: string; originatorConversationId?: string }): PaymentRecord | null {
    if (query.receipt) return this.paymentsByReceipt.get(query.receipt) ?? null;
    if (query.originatorConversationId) return this.paymentsByOriginatorId.get(query.originatorConversationId) ?? null;
    return null;
  }

  /** Remembers a processed B2C request that failed (its ResultCode and ResultDesc). */
  recordFailure(record: FailureRecord): void {
    this.rememberFailure({ ...record });
    this.store?.saveFailure(record);
  }

  findFailure(originatorConversationId: string): FailureRecord | null {
    return this.failuresByOriginatorId.get(originatorConversationId) ?? null;
  }

  failures(): FailureRecord[] {
    return this.failuresMade.map((f) => ({ ...f }));
  }

  /** A customer pays the organisation; collections land in the Utility account. */
  collect(input: {
    msisdn: string;
    amountCents: number;
    kind: Collection['kind'];
    at: Date;
    receipt?: string;
  }): Collection {
    const collection: Collection = {
      receipt: input.receipt ?? this.ids.receipt(input.at),
      msisdn: input.msisdn,
      amountCents: input.amountCents,
      completedAt: input.at,
      kind: input.kind,
      reversedBy: null,
    };
    return this.atomically(() => {
      this.balances.utilityCents += input.amountCents;
      this.collections.set(collection.receipt, collection);
      this.saveBalances();
      this.store?.saveCollection(collection);
      return collection;
    });
  }

  /** Ground truth: every payment received from a customer (C2B, STK), in the order it was made. */
  collectionsMade(): Collection[] {
    return [...this.collections.values()].map((c) => ({ ...c }));
  }

  findCollection(receipt: string): Collection | null {
    return this.collections.get(receipt) ?? null;
  }

  private readonly reversalRecords: ReversalRecord[] = [];

  /** Ground truth: every reversal made in this process, in order. */
  reversals(): ReversalRecord[] {
    return this.reversalRecords.map((r) => ({ ...r }));
  }

  /** Notes Daraja's OriginatorConversationID of the request that made a reversal, so Transaction Status finds it. */
  noteReversal(record: ReversalRecord): void {
    this.reversalRecords.push(record);
  }

  findReversal(key: { originatorConversationId: string } | { receipt: string }): ReversalRecord | null {
    return (
      this.reversalRecords.find((r) =>
        'receipt' in key ? r.receipt === key.receipt : r.originatorConversationId === key.originatorConversationId,
      ) ?? null
    );
  }

  /**
   * A B2C payment reversed on the M-Pesa Org portal (REFERENCE §5): the money comes back to the
   * Utility account, and the statement shows it linked to the payment. Null when there is no such
   * payment or it was reversed already.
   */
  reverseOnPortal(paymentReceipt: string, at: Date, reasonType?: string): ReversalRecord | null {
    const payment = this.paymentsByReceipt.get(paymentReceipt);
    if (payment === undefined) return null;
    if (this.reversalRecords.some((r) => r.originalReceipt === paymentReceipt)) return null;
    const record: ReversalRecord = {
      receipt: this.ids.receipt(at),
      originalReceipt: paymentReceipt,
      amountCents: payment.amountCents,
      msisdn: payment.party,
      at,
      originatorConversationId: null,
      original: 'payment',
      ...(reasonType === undefined ? {} : { reasonType }),
    };
    this.atomically(() => {
      this.balances.utilityCents += payment.amountCents;
      this.saveBalances();
    });
    this.reversalRecords.push(record);
    return record;
  }

  /** Reverses a collection: the money goes back to the customer from the Utility account (the whole, or `amountCents`). */
  reverse(receipt: string, at: Date, amountCents?: number): ReversalOutcome {
    if (this.paymentsByReceipt.has(receipt)) {
      // REFERENCE §5: B2C payments cannot be reversed over the API (portal only).
      return { ok: false, resultCode: 2028, resultDesc: b2cResultDescriptions[2028] };
    }
    const collection = this.collections.get(receipt);
    if (!collection) return { ok: false, resultCode: 'R000002', resultDesc: 'The OriginalTransactionID is invalid.' };
    if (collection.reversedBy !== null)
      return { ok: false, resultCode: 'R000001', resultDesc: 'The transaction has already been reversed.' };
    const back = amountCents === undefined ? collection.amountCents : Math.min(amountCents, collection.amountCents);
    if (this.balances.utilityCents < back) return { ok: false, resultCode: 1, resultDesc: b2cResultDescriptions[1] };
    const reversedBy = this.ids.receipt(at);
    this.atomically(() => {
      this.balances.utilityCents -= back;
      collection.reversedBy = reversedBy;
      if (back !== collection.amountCents) collection.reversedCents = back;
      this.saveBalances();
      this.store?.saveCollection(collection);
    });
    return {
      ok: true,
      receipt: reversedBy,
      collection,
      customerName: this.customerName(collection.msisdn) ?? '',
      utilityCents: this.balances.utilityCents,
    };
  }
}

/** Cents as Daraja's two-decimal amount string without separators: -154000 → "-1540.00". */
export function centsToDecimalString(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Cents as a JSON number of shillings (8959269.6), as B2C results carry funds. */
export function centsToShillings(cents: number): number {
  return cents / 100;
}
