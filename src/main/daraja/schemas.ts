// The shapes of every Daraja call (zod 4): what Mshahara asks for (cents, MSISDNs, plain names) and
// what Daraja answers, read tolerantly (numbers as strings, misspelt keys) into clean typed values.
import { z } from 'zod';

// ---- tolerant readers for Daraja's answers -------------------------------------------------------

/** Daraja sends codes and IDs as strings or numbers; both read as trimmed text. */
export const looseText = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
/** A number that may arrive as a string ("3599"). */
export const looseNumber = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/),
  ])
  .transform((v) => Number(v));

// ---- what Mshahara asks for ---------------------------------------------------------------------

const msisdn = z.string().regex(/^254[17]\d{8}$/, 'a 12-digit Safaricom number like 254712345678');
const wholeShillingCents = z
  .number()
  .int()
  .positive()
  .refine((c) => c % 100 === 0, 'M-Pesa pays whole shillings');
const callbackUrl = z.url({ protocol: /^https?$/ });
const remarks = z.string().trim().min(2).max(100);

export const b2cPaymentRequest = z.object({
  /** Mshahara's own ID for this attempt, written to the database before the call. */
  originatorConversationId: z.string().trim().min(1).max(64),
  commandId: z.enum(['SalaryPayment', 'BusinessPayment', 'PromotionPayment']),
  amountCents: wholeShillingCents,
  party: msisdn,
  remarks,
  occasion: z.string().max(100).optional(),
  resultUrl: callbackUrl,
  queueTimeoutUrl: callbackUrl,
});
export type B2cPaymentRequest = z.input<typeof b2cPaymentRequest>;

export const accountBalanceRequest = z.object({
  remarks: remarks.default('Float check'),
  resultUrl: callbackUrl,
  queueTimeoutUrl: callbackUrl,
});
export type AccountBalanceRequest = z.input<typeof accountBalanceRequest>;

export const transactionStatusRequest = z
  .object({
    /** The M-Pesa receipt, when known. */
    receipt: z.string().trim().min(1).optional(),
    /** Or the OriginatorConversationID of the payment being checked. */
    originatorConversationId: z.string().trim().min(1).optional(),
    remarks: remarks.default('Status check'),
    occasion: z.string().max(100).optional(),
    resultUrl: callbackUrl,
    queueTimeoutUrl: callbackUrl,
  })
  .refine((r) => (r.receipt === undefined) !== (r.originatorConversationId === undefined), {
    message: 'Give either the receipt or the OriginatorConversationID, not both',
  });
export type TransactionStatusRequest = z.input<typeof transactionStatusRequest>;

export const reversalRequest = z.object({
  receipt: z.string().trim().min(1),
  amountCents: wholeShillingCents,
  /** The shortcode that received the money; the profile's shortcode when left out. */
  receiverParty: z
    .string()
    .regex(/^\d{5,7}$/)
    .optional(),
  remarks,
  occasion: z.string().max(100).optional(),
  resultUrl: callbackUrl,
  queueTimeoutUrl: callbackUrl,
});
export type ReversalRequest = z.input<typeof reversalRequest>;

export const stkPushRequest = z.object({
  phone: msisdn,
  amountCents: wholeShillingCents,
  accountReference: z.string().trim().min(1).max(12),
  transactionDesc: z.string().trim().min(1).max(13).optional(),
  transactionType: z.enum(['CustomerPayBillOnline', 'CustomerBuyGoodsOnline']).default('CustomerPayBillOnline'),
  /** The paybill or till receiving the money; the STK shortcode when left out. */
  partyB: z
    .string()
    .regex(/^\d{5,7}$/)
    .optional(),
  callbackUrl,
});
export type StkPushRequest = z.input<typeof stkPushRequest>;

export const stkQueryRequest = z.object({ checkoutRequestId: z.string().trim().min(1) });
export type StkQueryRequest = z.input<typeof stkQueryRequest>;

export const c2bRegisterRequest = z.object({
  /** What M-Pesa does when the validation URL does not answer in time. */
  responseType: z.enum(['Completed', 'Cancelled']),
  confirmationUrl: callbackUrl,
  validationUrl: callbackUrl,
  shortcode: z
    .string()
    .regex(/^\d{5,7}$/)
    .optional(),
});
export type C2bRegisterRequest = z.input<typeof c2bRegisterRequest>;

export const c2bSimulateRequest = z.object({
  commandId: z.enum(['CustomerPayBillOnline', 'CustomerBuyGoodsOnline']).default('CustomerPayBillOnline'),
  amountCents: wholeShillingCents,
  msisdn,
  billRefNumber: z.string().max(20).optional(),
  shortcode: z
    .string()
    .regex(/^\d{5,7}$/)
    .optional(),
  version: z.enum(['v1', 'v2']).default('v1'),
});
export type C2bSimulateRequest = z.input<typeof c2bSimulateRequest>;

// ---- what Daraja answers ------------------------------------------------------------------------

export const oauthResponse = z
  .object({ access_token: z.string().min(1), expires_in: looseNumber })
  .transform((r) => ({ accessToken: r.access_token, expiresInSeconds: r.expires_in }));
export type OauthToken = z.output<typeof oauthResponse>;

/** `{requestId, errorCode, errorMessage}` — every synchronous failure (REFERENCE §10). */
export const errorEnvelope = z
  .object({ requestId: looseText.optional(), errorCode: looseText, errorMessage: z.string().optional() })
  .transform((r) => ({ requestId: r.requestId, errorCode: r.errorCode, errorMessage: r.errorMessage ?? '' }));
export type ErrorEnvelope = z.output<typeof errorEnvelope>;

/** The four-key "accepted" answer of B2C, Account Balance, Transaction Status and Reversal. */
export const acceptedResponse = z
  .object({
    ConversationID: looseText,
    OriginatorConversationID: looseText.optional(),
    OriginatorCoversationID: looseText.optional(),
    ResponseCode: looseText,
    ResponseDescription: z.string().default(''),
  })
  .transform((r) => ({
    conversationId: r.ConversationID,
    originatorConversationId: r.OriginatorConversationID ?? r.OriginatorCoversationID ?? '',
    responseCode: r.ResponseCode,
    description: r.ResponseDescription,
  }));
export type Accepted = z.output<typeof acceptedResponse>;
export type B2cAccepted = Accepted;

export const stkPushResponse = z
  .object({
    MerchantRequestID: looseText,
    CheckoutRequestID: looseText,
    ResponseCode: looseText,
    ResponseDescription: z.string().default(''),
    CustomerMessage: z.string().default(''),
  })
  .transform((r) => ({
    merchantRequestId: r.MerchantRequestID,
    checkoutRequestId: r.CheckoutRequestID,
    responseCode: r.ResponseCode,
    description: r.ResponseDescription,
    customerMessage: r.CustomerMessage,
  }));
export type StkPushAccepted = z.output<typeof stkPushResponse>;

export const stkQueryResponse = z
  .object({
    ResponseCode: looseText,
    ResponseDescription: z.string().default(''),
    MerchantRequestID: looseText,
    CheckoutRequestID: looseText,
    ResultCode: looseText,
    ResultDesc: z.string().default(''),
  })
  .transform((r) => ({
    responseCode: r.ResponseCode,
    merchantRequestId: r.MerchantRequestID,
    checkoutRequestId: r.CheckoutRequestID,
    resultCode: r.ResultCode,
    resultDesc: r.ResultDesc,
  }));

/** C2B register/simulate: `OriginatorCoversationID` (sic), ResponseCode sometimes missing (v1). */
export const c2bResponse = z
  .object({
    OriginatorCoversationID: looseText.optional(),
    OriginatorConversationID: looseText.optional(),
    ConversationID: looseText.optional(),
    ResponseCode: looseText.optional(),
    ResponseDescription: z.string().default(''),
  })
  .transform((r) => ({
    originatorConversationId: r.OriginatorCoversationID ?? r.OriginatorConversationID ?? '',
    conversationId: r.ConversationID ?? '',
    responseCode: r.ResponseCode ?? '0',
    description: r.ResponseDescription,
  }));
export type C2bAccepted = z.output<typeof c2bResponse>;
