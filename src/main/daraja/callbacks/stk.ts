// M-Pesa Express (STK Push) callbacks (REFERENCE §6.2): `{"Body":{"stkCallback":{...}}}`, with
// CallbackMetadata items only on success and some items (Balance) without a Value.
import { z } from 'zod';
import { parseKenyanPhone } from '../../../shared/phone';
import type { ParseResult, StkCallbackEvent } from './events';
import { cents, instant, looseObject, oneOrMany, requiredText, resultCode, text } from './fields';
import { fromZodError } from './outcome';

const item = looseObject({ Name: text, Value: z.unknown().optional() });

const stkDocument = looseObject({
  Body: looseObject({
    stkCallback: looseObject({
      MerchantRequestID: requiredText,
      CheckoutRequestID: requiredText,
      ResultCode: resultCode,
      ResultDesc: text.optional(),
      CallbackMetadata: looseObject({ Item: oneOrMany(item).nullish() }).nullish(),
    }),
  }),
});

const metadata = looseObject({
  Amount: cents.optional(),
  MpesaReceiptNumber: text.optional(),
  TransactionDate: instant.optional(),
  PhoneNumber: text.optional(),
});

/** True when the body has the STK callback shape, whatever its contents. */
export function looksLikeStk(body: Record<string, unknown>): boolean {
  const outer = Object.entries(body).find(([key]) => key.toLowerCase() === 'body')?.[1];
  return (
    typeof outer === 'object' && outer !== null && Object.keys(outer).some((key) => key.toLowerCase() === 'stkcallback')
  );
}

// Older callbacks prefixed descriptions: "[STK_CB - ]Request cancelled by user", "[MpesaCB - ]…".
function withoutPrefix(description: string): string {
  return description.replace(/^(\s*\[[A-Za-z_]+\s*-\s*\]\s*)+/, '').trim();
}

export function stkCallbackEvent(body: unknown): ParseResult {
  const parsed = stkDocument.safeParse(body);
  if (!parsed.success) return fromZodError(parsed.error);
  const callback = parsed.data.Body.stkCallback;
  const items: Record<string, unknown> = {};
  for (const entry of callback.CallbackMetadata?.Item ?? []) {
    if (entry.Value === undefined || entry.Value === null) continue;
    if (!(entry.Name in items)) items[entry.Name] = entry.Value;
  }
  const values = metadata.safeParse(items);
  if (!values.success) return fromZodError(values.error, ['Body', 'stkCallback', 'CallbackMetadata', 'Item']);
  // Kept as Daraja wrote it when it is not a Kenyan number (a masked one, say): it is evidence.
  const rawPhone = values.data.PhoneNumber;
  const normalised = rawPhone === undefined || rawPhone === '' ? null : parseKenyanPhone(rawPhone);
  const phone = normalised === null ? null : normalised.ok ? normalised.msisdn : (rawPhone ?? null);
  return {
    ok: true,
    event: {
      type: 'stk-callback',
      merchantRequestId: callback.MerchantRequestID,
      checkoutRequestId: callback.CheckoutRequestID,
      resultCode: callback.ResultCode,
      resultDesc: withoutPrefix(callback.ResultDesc ?? ''),
      amountCents: values.data.Amount ?? null,
      receipt: values.data.MpesaReceiptNumber || null,
      transactionDate: values.data.TransactionDate ?? null,
      phone,
    } satisfies StkCallbackEvent,
  };
}
