// Identifiers as Daraja makes them (REFERENCE §0): ConversationIDs, Daraja-made
// OriginatorConversationIDs, request IDs, CheckoutRequestIDs and M-Pesa receipts.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { NAIROBI } from '../shared/time';
import type { Random } from './random';

const hex = '0123456789abcdef';
const receiptAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const dayDigits = '123456789ABCDEFGHIJKLMNOPQRSTUV'; // 1-9, then A=10 … V=31

function pick(random: Random, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(random.next() * alphabet.length)] ?? '0';
  return out;
}

function digits(random: Random, length: number): string {
  return pick(random, '0123456789', length);
}

function nairobi(instant: Date, layout: string): string {
  return format(new TZDate(instant.getTime(), NAIROBI), layout);
}

export class Identifiers {
  private readonly receiptsIssued = new Set<string>();

  constructor(
    private readonly random: Random,
    /** Told of every receipt issued (the state file keeps them, so none repeats after a restart). */
    private readonly onReceipt: (receipt: string) => void = () => undefined,
    /** Its own stream for the IDs no-echo puts in Results, so the switch shifts no other identifier. */
    private readonly resultRandom: Random = random,
  ) {}

  /** Receipts issued before a restart, never to be issued again. */
  restoreReceipts(receipts: Iterable<string>): void {
    for (const receipt of receipts) this.receiptsIssued.add(receipt);
  }

  /** `AG_20240706_2010364430d9bbdaf872`: date in Nairobi, then 20 hex characters. */
  conversationId(at: Date): string {
    return `AG_${nairobi(at, 'yyyyMMdd')}_${pick(this.random, hex, 20)}`;
  }

  /** Daraja's own IDs (v1 B2C, balance, status, reversal, STK MerchantRequestID): `53e3-4aa8-9fe0-8fb5e4092cdd3533373`. */
  darajaOriginatorId(): string {
    return `${pick(this.random, hex, 4)}-${pick(this.random, hex, 4)}-${pick(this.random, hex, 4)}-${pick(this.random, hex, 12)}${digits(this.random, 7)}`;
  }

  /** A Daraja-made OriginatorConversationID for a Result that does not echo the caller's (no-echo). */
  resultOriginatorId(): string {
    const r = this.resultRandom;
    return `${pick(r, hex, 4)}-${pick(r, hex, 4)}-${pick(r, hex, 4)}-${pick(r, hex, 12)}${digits(r, 7)}`;
  }

  /** Error envelope requestId, older style `1459-15094918-1`. */
  requestId(): string {
    return `${digits(this.random, 4)}-${digits(this.random, 8)}-${digits(this.random, 1)}`;
  }

  /** `ws_CO_` + ddMMyyyyHHmmss + 3 digits + last 9 digits of the MSISDN. */
  checkoutRequestId(at: Date, msisdn: string): string {
    return `ws_CO_${nairobi(at, 'ddMMyyyyHHmmss')}${digits(this.random, 3)}${msisdn.slice(-9)}`;
  }

  /** 10 upper-case alphanumerics: year letter (L=2017), month letter (A=Jan), day character, 7 more. */
  receipt(at: Date): string {
    for (;;) {
      const candidate = `${receiptPrefix(at)}${pick(this.random, receiptAlphabet, 7)}`;
      if (!this.receiptsIssued.has(candidate)) {
        this.receiptsIssued.add(candidate);
        this.onReceipt(candidate);
        return candidate;
      }
    }
  }

  /** Failed and non-monetary results carry a zero-padded placeholder such as `SG70000000`. */
  placeholderReceipt(at: Date): string {
    return `${receiptPrefix(at)}0000000`;
  }
}

export function receiptPrefix(at: Date): string {
  const local = new TZDate(at.getTime(), NAIROBI);
  const year = letters[(local.getFullYear() - 2006) % 26] ?? 'A';
  const month = letters[local.getMonth()] ?? 'A';
  const day = dayDigits[local.getDate() - 1] ?? '1';
  return `${year}${month}${day}`;
}
