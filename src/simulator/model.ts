// The simulated organisation and its customers: account balances in cents, registered customers,
// B2C payments with limits and tariff charges, collections (C2B/STK) and their reversals.
import limits from '../../resources/b2c-limits.json';
import tariff from '../../resources/b2c-tariff-2023.json';
import { parseSafaricomPhone } from '../shared/phone';
import { formatDarajaTime } from '../shared/time';
import type { Identifiers } from './identifiers';

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
const openRegistryLastNames = ['KAMAU', 'WANJIRU', 'OTIENO', 'ACHIENG', 'MUTUA', 'WAMBUI', 'KIPROTICH', 'NJERI', 'OMONDI', 'CHEBET'];

export class OrganisationModel {
  readonly balances: Balances;
  private readonly customers = new Map<string, string>();
  private readonly paymentsMade: PaymentRecord[] = [];
  private readonly collections = new Map<string, Collection>();
  private readonly paymentsByReceipt = new Map<string, PaymentRecord>();
  private readonly paymentsByOriginatorId = new Map<string, PaymentRecord>();
  private readonly usedOriginatorIds = new Set<string>();
  /** B2C requests M-Pesa processed and refused, so Transaction Status can tell them apart from ones it never saw. */
  private readonly failuresByOriginatorId = new Map<string, { resultCode: number; resultDesc: string }>();

  constructor(
    private readonly ids: Identifiers,
    readonly shortcode: string,
    floatCents: number,
    private readonly openRegistry: boolean,
  ) {
    this.balances = { utilityCents: floatCents, workingCents: 0, chargesPaidCents: 0, settlementCents: 0 };
  }

  addCustomer(msisdn: string, name: string): void {
    this.customers.set(msisdn, name.trim().toUpperCase());
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

  /** v3 OriginatorConversationIDs are single-use; returns false when it was seen before. */
  claimOriginatorId(id: string): boolean {
    if (this.usedOriginatorIds.has(id)) return false;
    this.usedOriginatorIds.add(id);
    return true;
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
  payCustomer(input: { msisdn: string; amountCents: number; commandId: string; originatorConversationId: string; conversationId: string; at: Date }): PaymentOutcome {
    const fail = (code: keyof typeof b2cResultDescriptions): PaymentOutcome => ({ ok: false, resultCode: code, resultDesc: b2cResultDescriptions[code] });
    const name = this.customerName(input.msisdn);
    if (name === null) return fail(2040);
    if (input.amountCents < limits.b2c.minPerTransactionCents) return fail(2);
    if (input.amountCents > limits.b2c.maxPerTransactionCents) return fail(3);
    if (this.receivedToday(input.msisdn, input.at) + input.amountCents > limits.b2c.maxDailyValueCents) return fail(4);
    if (this.balances.utilityCents < input.amountCents) return fail(1);
    const chargeCents = this.chargeFor(input.amountCents);
    this.balances.utilityCents -= input.amountCents;
    this.balances.chargesPaidCents -= chargeCents;
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
    this.paymentsMade.push(record);
    this.paymentsByReceipt.set(record.receipt, record);
    this.paymentsByOriginatorId.set(record.originatorConversationId, record);
    return { ok: true, record, balances: { ...this.balances }, customerName: name };
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
  recordFailure(originatorConversationId: string, resultCode: number, resultDesc: string): void {
    this.failuresByOriginatorId.set(originatorConversationId, { resultCode, resultDesc });
  }

  findFailure(originatorConversationId: string): { resultCode: number; resultDesc: string } | null {
    return this.failuresByOriginatorId.get(originatorConversationId) ?? null;
  }

  /** A customer pays the organisation; collections land in the Utility account. */
  collect(input: { msisdn: string; amountCents: number; kind: Collection['kind']; at: Date; receipt?: string }): Collection {
    const collection: Collection = { receipt: input.receipt ?? this.ids.receipt(input.at), msisdn: input.msisdn, amountCents: input.amountCents, completedAt: input.at, kind: input.kind, reversedBy: null };
    this.balances.utilityCents += input.amountCents;
    this.collections.set(collection.receipt, collection);
    return collection;
  }

  findCollection(receipt: string): Collection | null {
    return this.collections.get(receipt) ?? null;
  }

  /** Reverses a collection: the money goes back to the customer from the Utility account. */
  reverse(receipt: string, at: Date): ReversalOutcome {
    if (this.paymentsByReceipt.has(receipt)) {
      // REFERENCE §5: B2C payments cannot be reversed over the API (portal only).
      return { ok: false, resultCode: 2028, resultDesc: b2cResultDescriptions[2028] };
    }
    const collection = this.collections.get(receipt);
    if (!collection) return { ok: false, resultCode: 'R000002', resultDesc: 'The OriginalTransactionID is invalid.' };
    if (collection.reversedBy !== null) return { ok: false, resultCode: 'R000001', resultDesc: 'The transaction has already been reversed.' };
    if (this.balances.utilityCents < collection.amountCents) return { ok: false, resultCode: 1, resultDesc: b2cResultDescriptions[1] };
    this.balances.utilityCents -= collection.amountCents;
    collection.reversedBy = this.ids.receipt(at);
    return { ok: true, receipt: collection.reversedBy, collection, customerName: this.customerName(collection.msisdn) ?? '', utilityCents: this.balances.utilityCents };
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
