// M-Pesa Express: STK Push and STK Push Query (REFERENCE §6). Simulated customers answer the
// prompt according to the last digit of their number, so tests can pick an outcome.
import {
  DarajaRejection,
  invalidField,
  optionalText,
  requireAmountCents,
  requireDigits,
  requireMsisdn,
  requireOneOf,
  requireText,
  requireUrl,
  type DarajaAnswer,
  type RequestBody,
  type SimulatorContext,
} from './context';
import { compactTimeNumber } from './results';

/**
 * What the customer does with the prompt, by the last digit of PhoneNumber:
 * 0-5 pays; 6 cancels (1032); 7 does not answer (1037); 8 enters a wrong PIN (2001);
 * 9 has too little money (1). A number that is not a registered customer cannot be reached (1037).
 */
export const stkOutcomes: Record<string, { resultCode: number; resultDesc: string }> = {
  pay: { resultCode: 0, resultDesc: 'The service request is processed successfully.' },
  '6': { resultCode: 1032, resultDesc: 'Request cancelled by user' },
  '7': { resultCode: 1037, resultDesc: 'DS timeout user cannot be reached' },
  '8': { resultCode: 2001, resultDesc: 'The initiator information is invalid.' },
  '9': { resultCode: 1, resultDesc: 'The balance is insufficient for the transaction.' },
  tooLong: { resultCode: 1025, resultDesc: 'An error occurred while sending a push request' },
};

interface StkSession {
  merchantRequestId: string;
  checkoutRequestId: string;
  result: { resultCode: number; resultDesc: string } | null;
}

const sessions = new WeakMap<SimulatorContext, Map<string, StkSession>>();

function sessionsOf(ctx: SimulatorContext): Map<string, StkSession> {
  let map = sessions.get(ctx);
  if (!map) {
    map = new Map();
    sessions.set(ctx, map);
  }
  return map;
}

function checkPassword(ctx: SimulatorContext, body: RequestBody): void {
  const shortcode = requireDigits(body, 'BusinessShortCode');
  const password = requireText(body, 'Password');
  const timestamp = requireText(body, 'Timestamp');
  if (!/^\d{14}$/.test(timestamp)) throw invalidField('Timestamp');
  if (shortcode !== ctx.credentials.stkShortcode) throw new DarajaRejection('500.001.1001', 'Merchant does not exist');
  const expected = Buffer.from(`${shortcode}${ctx.credentials.passkey}${timestamp}`, 'utf8').toString('base64');
  if (password !== expected) throw new DarajaRejection('500.001.1001', 'Wrong credentials');
}

export function stkPush(ctx: SimulatorContext, body: RequestBody): DarajaAnswer {
  checkPassword(ctx, body);
  requireOneOf(body, 'TransactionType', ['CustomerPayBillOnline', 'CustomerBuyGoodsOnline']);
  const amountCents = requireAmountCents(body);
  requireMsisdn(body, 'PartyA');
  requireDigits(body, 'PartyB');
  const phone = requireMsisdn(body, 'PhoneNumber');
  const callbackUrl = requireUrl(body, 'CallBackURL');
  const accountReference = requireText(body, 'AccountReference');
  const description = optionalText(body, 'TransactionDesc');
  const at = ctx.now();
  const session: StkSession = {
    merchantRequestId: ctx.ids.darajaOriginatorId(),
    checkoutRequestId: ctx.ids.checkoutRequestId(at, phone),
    result: null,
  };
  sessionsOf(ctx).set(session.checkoutRequestId, session);

  // The customer answers the prompt after the callback delay; the query says "being processed" until then.
  ctx.callbacks.later(ctx.faults.callbackDelayMs(), () => {
    const answeredAt = ctx.now();
    const lastDigit = phone.slice(-1);
    const registered = ctx.model.customerName(phone) !== null;
    const outcome =
      accountReference.length > 12 || description.length > 13
        ? stkOutcomes.tooLong
        : !registered
          ? stkOutcomes['7']
          : (stkOutcomes[lastDigit] ?? stkOutcomes.pay);
    if (!outcome) return;
    const latePayMs = ctx.faults.current().stkLatePayMs;
    if (outcome.resultCode === 0 && latePayMs !== null) {
      // The prompt times out first (the query says so; no callback), then the customer pays after all.
      session.result = stkOutcomes['7'] ?? null;
      ctx.callbacks.later(latePayMs, () => pay(ctx.now()));
      return;
    }
    session.result = outcome;
    const header = {
      MerchantRequestID: session.merchantRequestId,
      CheckoutRequestID: session.checkoutRequestId,
      ResultCode: outcome.resultCode,
      ResultDesc: outcome.resultDesc,
    };
    if (outcome.resultCode !== 0) {
      ctx.callbacks.schedule(callbackUrl, { Body: { stkCallback: header } }, 'stk callback', 0);
      return;
    }
    pay(answeredAt);
  });

  function pay(answeredAt: Date): void {
    const outcome = stkOutcomes.pay;
    if (!outcome) return;
    session.result = outcome;
    const header = {
      MerchantRequestID: session.merchantRequestId,
      CheckoutRequestID: session.checkoutRequestId,
      ResultCode: outcome.resultCode,
      ResultDesc: outcome.resultDesc,
    };
    const collection = ctx.model.collect({ msisdn: phone, amountCents, kind: 'stk', at: answeredAt });
    const metadata = {
      Item: [
        { Name: 'Amount', Value: amountCents / 100 },
        { Name: 'MpesaReceiptNumber', Value: collection.receipt },
        { Name: 'Balance' },
        { Name: 'TransactionDate', Value: compactTimeNumber(answeredAt) },
        { Name: 'PhoneNumber', Value: Number(phone) },
      ],
    };
    ctx.callbacks.schedule(
      callbackUrl,
      { Body: { stkCallback: { ...header, CallbackMetadata: metadata } } },
      'stk callback',
      0,
    );
  }

  return {
    status: 200,
    body: {
      MerchantRequestID: session.merchantRequestId,
      CheckoutRequestID: session.checkoutRequestId,
      ResponseCode: '0',
      ResponseDescription: 'Success. Request accepted for processing',
      CustomerMessage: 'Success. Request accepted for processing',
    },
  };
}

export function stkQuery(ctx: SimulatorContext, body: RequestBody): DarajaAnswer {
  checkPassword(ctx, body);
  const checkoutRequestId = requireText(body, 'CheckoutRequestID');
  const session = sessionsOf(ctx).get(checkoutRequestId);
  if (!session) throw invalidField('CheckoutRequestID');
  if (session.result === null)
    throw new DarajaRejection('500.001.1001', 'The transaction is being processed', checkoutRequestId);
  return {
    status: 200,
    body: {
      ResponseCode: '0',
      // "successsfully" with three s is how Daraja really spells it (REFERENCE §6.3).
      ResponseDescription: 'The service request has been accepted successsfully',
      MerchantRequestID: session.merchantRequestId,
      CheckoutRequestID: session.checkoutRequestId,
      ResultCode: String(session.result.resultCode),
      ResultDesc: session.result.resultDesc,
    },
  };
}
