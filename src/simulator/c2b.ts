// C2B: URL registration (v1/v2) and simulated customer payments that POST validation and
// confirmation documents to the registered URLs (REFERENCE §7).
import crypto from 'node:crypto';
import { parseSafaricomPhone } from '../shared/phone';
import { formatDarajaTime } from '../shared/time';
import {
  invalidField,
  optionalText,
  requireAmountCents,
  requireDigits,
  requireMsisdn,
  requireOneOf,
  requireUrl,
  type DarajaAnswer,
  type RequestBody,
  type SimulatorContext,
} from './context';
import { centsToDecimalString } from './model';

type C2bVersion = 'v1' | 'v2';

interface Registration {
  version: C2bVersion;
  confirmationUrl: string;
  validationUrl: string | null;
  /** What happens when the validation URL cannot be reached. */
  responseType: 'Completed' | 'Cancelled';
}

const registrations = new WeakMap<SimulatorContext, Map<string, Registration>>();

function registrationsOf(ctx: SimulatorContext): Map<string, Registration> {
  let map = registrations.get(ctx);
  if (!map) {
    map = new Map();
    registrations.set(ctx, map);
  }
  return map;
}

/** Re-registering is allowed, as on the sandbox; the latest URLs win. */
export function c2bRegister(ctx: SimulatorContext, body: RequestBody, version: C2bVersion): DarajaAnswer {
  const shortcode = requireDigits(body, 'ShortCode');
  const responseType = requireOneOf(body, 'ResponseType', ['Completed', 'Cancelled', 'Canceled']);
  const confirmationUrl = requireUrl(body, 'ConfirmationURL');
  const validationUrl = optionalText(body, 'ValidationURL') === '' ? null : requireUrl(body, 'ValidationURL');
  registrationsOf(ctx).set(shortcode, {
    version,
    confirmationUrl,
    validationUrl,
    responseType: responseType === 'Completed' ? 'Completed' : 'Cancelled',
  });
  // Both versions answer with Daraja's misspelt "OriginatorCoversationID".
  return version === 'v2'
    ? {
        status: 200,
        body: {
          OriginatorCoversationID: ctx.ids.darajaOriginatorId(),
          ResponseCode: '0',
          ResponseDescription: 'Success',
        },
      }
    : { status: 200, body: { ConversationID: '', OriginatorCoversationID: '', ResponseDescription: 'success' } };
}

/** v2 masks the number ("2547 ***** 149"); v1 sends the lower-case hex SHA-256 of the MSISDN. */
function privateMsisdn(msisdn: string, version: C2bVersion): string {
  return version === 'v2'
    ? `${msisdn.slice(0, 4)} ***** ${msisdn.slice(-3)}`
    : crypto.createHash('sha256').update(msisdn).digest('hex');
}

function accepts(answer: unknown): boolean {
  if (answer === null || typeof answer !== 'object') return false;
  const code = (answer as { ResultCode?: unknown }).ResultCode;
  return code === 0 || code === '0';
}

export interface CustomerPayment {
  shortcode: string;
  commandId: 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';
  amountCents: number;
  msisdn: string;
  billRef: string;
  /** The version the confirmation is written in when no URL is registered for the shortcode. */
  version: C2bVersion;
}

/**
 * A customer pays the shortcode: validation (when registered) then, if accepted, the money moves
 * and the confirmation is POSTed to the registered URL, after the callback delay and subject to the
 * callback faults. Answers the receipt M-Pesa gives the payment (it exists from the start).
 */
export function customerPays(ctx: SimulatorContext, payment: CustomerPayment): string {
  const { shortcode, commandId, amountCents, msisdn, billRef, version } = payment;
  const at = ctx.now();
  const registration = registrationsOf(ctx).get(shortcode);
  const names = (ctx.model.customerName(msisdn) ?? '').split(' ').filter((n) => n !== '');
  const document = (balance: string, transId: string): Record<string, string> => ({
    TransactionType: commandId === 'CustomerPayBillOnline' ? 'Pay Bill' : 'Buy Goods',
    TransID: transId,
    TransTime: formatDarajaTime(at, 'compact'),
    TransAmount: centsToDecimalString(amountCents),
    BusinessShortCode: shortcode,
    BillRefNumber: commandId === 'CustomerPayBillOnline' ? billRef : '',
    InvoiceNumber: '',
    OrgAccountBalance: balance,
    ThirdPartyTransID: '',
    MSISDN: privateMsisdn(msisdn, registration?.version ?? version),
    FirstName: names[0] ?? '',
    MiddleName: names.length > 2 ? names.slice(1, -1).join(' ') : '',
    LastName: names.length > 1 ? (names[names.length - 1] ?? '') : '',
  });

  // The receipt exists from the start: validation and confirmation carry the same TransID.
  const receipt = ctx.ids.receipt(at);
  ctx.callbacks.later(ctx.faults.callbackDelayMs(), async () => {
    if (registration?.validationUrl) {
      let go: boolean;
      try {
        const answer = await ctx.callbacks.post(registration.validationUrl, document('', receipt));
        go = answer.status < 300 && accepts(answer.body);
      } catch {
        go = registration.responseType === 'Completed';
      }
      if (!go) return;
    }
    const collection = ctx.model.collect({ msisdn, amountCents, kind: 'c2b', at, receipt });
    if (registration)
      ctx.callbacks.schedule(
        registration.confirmationUrl,
        document(centsToDecimalString(ctx.model.balances.utilityCents), collection.receipt),
        'c2b confirmation',
        0,
      );
  });
  return receipt;
}

export function c2bSimulate(ctx: SimulatorContext, body: RequestBody, version: C2bVersion): DarajaAnswer {
  const shortcode = requireDigits(body, 'ShortCode');
  const commandId = requireOneOf(body, 'CommandID', ['CustomerPayBillOnline', 'CustomerBuyGoodsOnline']);
  const amountCents = requireAmountCents(body);
  const msisdn = requireMsisdn(body, 'Msisdn');
  if (!parseSafaricomPhone(msisdn).ok) throw invalidField('Msisdn');
  const billRef = optionalText(body, 'BillRefNumber');
  const at = ctx.now();
  customerPays(ctx, { shortcode, commandId, amountCents, msisdn, billRef, version });

  const originatorId = ctx.ids.darajaOriginatorId();
  return version === 'v2'
    ? {
        status: 200,
        body: {
          OriginatorCoversationID: originatorId,
          ResponseCode: '0',
          ResponseDescription: 'Accept the service request successfully.',
        },
      }
    : {
        status: 200,
        body: {
          ConversationID: ctx.ids.conversationId(at),
          OriginatorCoversationID: originatorId,
          ResponseDescription: 'Accept the service request successfully.',
        },
      };
}
