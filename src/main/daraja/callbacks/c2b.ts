// C2B validation and confirmation posts (REFERENCE §7.3): flat JSON, every value a string, the
// payer's number plain, masked or hashed depending on the API version.
import type { C2bPaymentFields, MsisdnKind, ParseResult } from './events';
import { cents, instant, looseObject, optionalText, requiredText, text } from './fields';
import { fromZodError } from './outcome';

const c2bDocument = looseObject({
  TransactionType: optionalText,
  TransID: requiredText,
  TransTime: instant,
  TransAmount: cents,
  BusinessShortCode: requiredText,
  BillRefNumber: optionalText,
  InvoiceNumber: optionalText,
  OrgAccountBalance: optionalText,
  ThirdPartyTransID: optionalText,
  MSISDN: text,
  FirstName: optionalText,
  MiddleName: optionalText,
  LastName: optionalText,
});

/** True when the body has the flat C2B shape (a TransID and a TransAmount). */
export function looksLikeC2b(body: Record<string, unknown>): boolean {
  const keys = new Set(Object.keys(body).map((key) => key.toLowerCase()));
  return keys.has('transid') && keys.has('transamount');
}

/** Blank OrgAccountBalance means validation (nothing has moved yet), REFERENCE §7.3. */
export function looksLikeConfirmation(fields: C2bPaymentFields): boolean {
  return fields.orgAccountBalanceCents !== null;
}

export function msisdnKindOf(msisdn: string): MsisdnKind {
  if (/^254\d{9}$/.test(msisdn)) return 'plain';
  if (/^[0-9a-f]{64}$/i.test(msisdn)) return 'hashed';
  if (msisdn.includes('*')) return 'masked';
  return 'other';
}

export function parseC2bPayment(body: unknown): { ok: true; fields: C2bPaymentFields } | (ParseResult & { ok: false }) {
  const parsed = c2bDocument.safeParse(body);
  if (!parsed.success) return fromZodError(parsed.error);
  const values = parsed.data;
  let orgAccountBalanceCents: number | null = null;
  if (values.OrgAccountBalance !== null) {
    const balance = cents.safeParse(values.OrgAccountBalance);
    if (!balance.success) return fromZodError(balance.error, ['OrgAccountBalance']);
    orgAccountBalanceCents = balance.data;
  }
  return {
    ok: true,
    fields: {
      transactionType: values.TransactionType,
      receipt: values.TransID,
      transTime: values.TransTime,
      amountCents: values.TransAmount,
      businessShortCode: values.BusinessShortCode,
      billRef: values.BillRefNumber,
      invoiceNumber: values.InvoiceNumber,
      orgAccountBalanceCents,
      thirdPartyTransId: values.ThirdPartyTransID,
      msisdn: values.MSISDN,
      msisdnKind: msisdnKindOf(values.MSISDN),
      firstName: values.FirstName,
      middleName: values.MiddleName,
      lastName: values.LastName,
    },
  };
}
