// The Daraja client for one profile: each call validates its request, sends it with a valid token
// (refreshing once if Daraja refuses the token), and returns a classified outcome, never a guess.
import type { z } from 'zod';
import { formatDarajaTime } from '../../shared/time';
import { toWholeShillings } from '../../shared/money';
import { logger } from '../log';
import { AccessTokens, type TokenResult } from './auth';
import { classifyErrorEnvelope, classifyFailure, failed, type CallOutcome } from './classify';
import { encryptSecurityCredential } from './credential';
import { DarajaHttp, type HttpOptions } from './http';
import * as s from './schemas';

export interface DarajaProfileConfig {
  name: string;
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** The B2C shortcode that pays (PartyA). */
  shortcode: string;
  initiatorName: string;
  initiatorPassword: string;
  /** Safaricom's certificate for this environment (or the simulator's). */
  certificatePem: string;
  stkShortcode?: string;
  passkey?: string;
}

export interface DarajaClientOptions extends HttpOptions {
  tokenSafetyMarginSeconds?: number;
  /** Milliseconds since the epoch; replaceable so tests can move time. */
  now?: () => number;
}

export type StkQueryResult =
  | { state: 'pending' }
  | {
      state: 'completed';
      resultCode: string;
      resultDesc: string;
      merchantRequestId: string;
      checkoutRequestId: string;
    };

interface CallSpec<T> {
  name: string;
  path: string;
  body: Record<string, unknown>;
  /** B2C, Reversal and STK Push: a lost answer may hide moved money. */
  moneyMoving: boolean;
  response: z.ZodType<T>;
  /** The answer's own success code (ResponseCode); anything else is a refusal. */
  responseCode?: (value: T) => string;
  /** A documented error answer that is really a result (STK Query "being processed"). */
  fromErrorAnswer?: (errorCode: string, errorMessage: string) => T | undefined;
}

const log = logger('daraja');

export class DarajaClient {
  private readonly http: DarajaHttp;
  private readonly tokens: AccessTokens;
  private readonly now: () => number;
  private credential: string | undefined;

  constructor(
    private readonly config: DarajaProfileConfig,
    options: DarajaClientOptions = {},
  ) {
    this.http = new DarajaHttp(config.baseUrl, options);
    this.now = options.now ?? Date.now;
    this.tokens = new AccessTokens(this.http, config.consumerKey, config.consumerSecret, {
      safetyMarginSeconds: options.tokenSafetyMarginSeconds,
      now: this.now,
    });
  }

  /** Token requests made so far by this profile. */
  get tokenRequests(): number {
    return this.tokens.requests;
  }

  /** Where this profile's Daraja is (scheme, host and port), for messages that name it. */
  get origin(): string {
    return this.http.origin;
  }

  /** Asks for an access token (or reuses the cached one): the connection test's proof of the key and secret. */
  accessToken(): Promise<TokenResult> {
    return this.tokens.get();
  }

  /** B2C v3: pays `party`. The OriginatorConversationID is the caller's, recorded before this call. */
  async b2cPayment(request: s.B2cPaymentRequest): Promise<CallOutcome<s.B2cAccepted>> {
    const r = this.validate(s.b2cPaymentRequest, request);
    if (!r.ok) return r.outcome;
    const credential = this.securityCredential();
    if (!credential.ok) return credential.outcome;
    return this.call({
      name: 'b2cPayment',
      path: '/mpesa/b2c/v3/paymentrequest',
      moneyMoving: true,
      response: s.acceptedResponse,
      responseCode: (v) => v.responseCode,
      body: {
        OriginatorConversationID: r.value.originatorConversationId,
        InitiatorName: this.config.initiatorName,
        SecurityCredential: credential.value,
        CommandID: r.value.commandId,
        Amount: String(toWholeShillings(r.value.amountCents)),
        PartyA: this.config.shortcode,
        PartyB: r.value.party,
        Remarks: r.value.remarks,
        QueueTimeOutURL: r.value.queueTimeoutUrl,
        ResultURL: r.value.resultUrl,
        ...(r.value.occasion === undefined ? {} : { Occassion: r.value.occasion }),
      },
    });
  }

  async accountBalance(request: s.AccountBalanceRequest): Promise<CallOutcome<s.Accepted>> {
    const r = this.validate(s.accountBalanceRequest, request);
    if (!r.ok) return r.outcome;
    const credential = this.securityCredential();
    if (!credential.ok) return credential.outcome;
    return this.call({
      name: 'accountBalance',
      path: '/mpesa/accountbalance/v1/query',
      moneyMoving: false,
      response: s.acceptedResponse,
      responseCode: (v) => v.responseCode,
      body: {
        Initiator: this.config.initiatorName,
        SecurityCredential: credential.value,
        CommandID: 'AccountBalance',
        PartyA: this.config.shortcode,
        IdentifierType: '4',
        Remarks: r.value.remarks,
        QueueTimeOutURL: r.value.queueTimeoutUrl,
        ResultURL: r.value.resultUrl,
      },
    });
  }

  /** Asks what became of a payment, by its receipt or by its OriginatorConversationID. */
  async transactionStatus(request: s.TransactionStatusRequest): Promise<CallOutcome<s.Accepted>> {
    const r = this.validate(s.transactionStatusRequest, request);
    if (!r.ok) return r.outcome;
    const credential = this.securityCredential();
    if (!credential.ok) return credential.outcome;
    return this.call({
      name: 'transactionStatus',
      path: '/mpesa/transactionstatus/v1/query',
      moneyMoving: false,
      response: s.acceptedResponse,
      responseCode: (v) => v.responseCode,
      body: {
        Initiator: this.config.initiatorName,
        SecurityCredential: credential.value,
        CommandID: 'TransactionStatusQuery',
        ...(r.value.receipt === undefined ? {} : { TransactionID: r.value.receipt }),
        ...(r.value.originatorConversationId === undefined
          ? {}
          : { OriginalConversationID: r.value.originatorConversationId }),
        PartyA: this.config.shortcode,
        IdentifierType: '4',
        ResultURL: r.value.resultUrl,
        QueueTimeOutURL: r.value.queueTimeoutUrl,
        Remarks: r.value.remarks,
        ...(r.value.occasion === undefined ? {} : { Occasion: r.value.occasion }),
      },
    });
  }

  async reversal(request: s.ReversalRequest): Promise<CallOutcome<s.Accepted>> {
    const r = this.validate(s.reversalRequest, request);
    if (!r.ok) return r.outcome;
    const credential = this.securityCredential();
    if (!credential.ok) return credential.outcome;
    return this.call({
      name: 'reversal',
      path: '/mpesa/reversal/v1/request',
      moneyMoving: true,
      response: s.acceptedResponse,
      responseCode: (v) => v.responseCode,
      body: {
        Initiator: this.config.initiatorName,
        SecurityCredential: credential.value,
        CommandID: 'TransactionReversal',
        TransactionID: r.value.receipt,
        Amount: String(toWholeShillings(r.value.amountCents)),
        ReceiverParty: r.value.receiverParty ?? this.config.shortcode,
        RecieverIdentifierType: '11', // sic: Daraja's spelling
        ResultURL: r.value.resultUrl,
        QueueTimeOutURL: r.value.queueTimeoutUrl,
        Remarks: r.value.remarks,
        ...(r.value.occasion === undefined ? {} : { Occasion: r.value.occasion }),
      },
    });
  }

  /** M-Pesa Express: prompts `phone` to pay. */
  async stkPush(request: s.StkPushRequest): Promise<CallOutcome<s.StkPushAccepted>> {
    const r = this.validate(s.stkPushRequest, request);
    if (!r.ok) return r.outcome;
    const stk = this.stkPassword();
    if (!stk.ok) return stk.outcome;
    return this.call({
      name: 'stkPush',
      path: '/mpesa/stkpush/v1/processrequest',
      moneyMoving: true,
      response: s.stkPushResponse,
      responseCode: (v) => v.responseCode,
      body: {
        BusinessShortCode: Number(stk.shortcode),
        Password: stk.password,
        Timestamp: stk.timestamp,
        TransactionType: r.value.transactionType,
        Amount: toWholeShillings(r.value.amountCents),
        PartyA: Number(r.value.phone),
        PartyB: Number(r.value.partyB ?? stk.shortcode),
        PhoneNumber: Number(r.value.phone),
        CallBackURL: r.value.callbackUrl,
        AccountReference: r.value.accountReference,
        TransactionDesc: r.value.transactionDesc ?? r.value.accountReference,
      },
    });
  }

  /** Where an M-Pesa Express prompt stands; `pending` while the customer has not answered. */
  async stkQuery(request: s.StkQueryRequest): Promise<CallOutcome<StkQueryResult>> {
    const r = this.validate(s.stkQueryRequest, request);
    if (!r.ok) return r.outcome;
    const stk = this.stkPassword();
    if (!stk.ok) return stk.outcome;
    return this.call<StkQueryResult>({
      name: 'stkQuery',
      path: '/mpesa/stkpushquery/v1/query',
      moneyMoving: false,
      response: s.stkQueryResponse.transform((v): StkQueryResult => ({ state: 'completed', ...v })),
      fromErrorAnswer: (code, message) =>
        code === '500.001.1001' && /being processed/i.test(message) ? { state: 'pending' } : undefined,
      body: {
        BusinessShortCode: stk.shortcode,
        Password: stk.password,
        Timestamp: stk.timestamp,
        CheckoutRequestID: r.value.checkoutRequestId,
      },
    });
  }

  async registerC2bUrls(request: s.C2bRegisterRequest, version: 'v1' | 'v2'): Promise<CallOutcome<s.C2bAccepted>> {
    const r = this.validate(s.c2bRegisterRequest, request);
    if (!r.ok) return r.outcome;
    return this.call({
      name: 'registerC2bUrls',
      path: `/mpesa/c2b/${version}/registerurl`,
      moneyMoving: false,
      response: s.c2bResponse,
      responseCode: (v) => v.responseCode,
      body: {
        ShortCode: r.value.shortcode ?? this.config.shortcode,
        ResponseType: r.value.responseType,
        ConfirmationURL: r.value.confirmationUrl,
        ValidationURL: r.value.validationUrl,
      },
    });
  }

  /** Sandbox only: makes a customer pay the shortcode, as if from a phone. */
  async simulateC2b(request: s.C2bSimulateRequest): Promise<CallOutcome<s.C2bAccepted>> {
    const r = this.validate(s.c2bSimulateRequest, request);
    if (!r.ok) return r.outcome;
    return this.call({
      name: 'simulateC2b',
      path: `/mpesa/c2b/${r.value.version}/simulate`,
      moneyMoving: false,
      response: s.c2bResponse,
      responseCode: (v) => v.responseCode,
      body: {
        ShortCode: Number(r.value.shortcode ?? this.config.shortcode),
        CommandID: r.value.commandId,
        Amount: toWholeShillings(r.value.amountCents),
        Msisdn: Number(r.value.msisdn),
        BillRefNumber: r.value.billRefNumber ?? '',
      },
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }

  // ---- the one path every call takes ------------------------------------------------------------

  private async call<T>(spec: CallSpec<T>): Promise<CallOutcome<T>> {
    const startedAt = performance.now();
    const body = JSON.stringify(spec.body);
    let outcome: CallOutcome<T> | undefined;
    // At most two sends: the second only after Daraja refused the token (nothing was processed).
    for (let send = 1; send <= 2 && outcome === undefined; send++) {
      const token = await this.tokens.get();
      if (!token.ok) {
        outcome = token.outcome;
        break;
      }
      const result = await this.http.send({
        method: 'POST',
        path: spec.path,
        headers: { authorization: `Bearer ${token.token}` },
        body,
      });
      if (result.kind === 'response') {
        const answer = this.read(spec, result.status, result.json);
        if (answer) {
          outcome = answer;
          break;
        }
      }
      const classified = classifyFailure(result, spec.moneyMoving);
      if (classified.tokenRejected && send === 1) {
        this.tokens.invalidate(token.token);
        log.info({ profile: this.config.name, call: spec.name }, 'access token refused; refreshing once');
        continue;
      }
      outcome = classified.outcome;
    }
    outcome ??= failed(
      'definitive',
      'mshahara.no_outcome',
      'Mshahara could not complete the request.',
      'call_safaricom',
    );
    const fields = {
      profile: this.config.name,
      call: spec.name,
      outcome: outcome.kind,
      ms: Math.round(performance.now() - startedAt),
    };
    if (outcome.kind === 'accepted') log.debug(fields, 'daraja call');
    else log.warn({ ...fields, code: outcome.error.code }, 'daraja call not accepted');
    return outcome;
  }

  /** An accepted value, a classified refusal read from the body, or undefined (classify as failure). */
  private read<T>(spec: CallSpec<T>, status: number, json: unknown): CallOutcome<T> | undefined {
    const envelope = s.errorEnvelope.safeParse(json);
    if (envelope.success) {
      const special = spec.fromErrorAnswer?.(envelope.data.errorCode, envelope.data.errorMessage);
      if (special !== undefined) return { kind: 'accepted', value: special };
      return undefined; // classifyFailure reads the envelope (and spots a refused token)
    }
    if (status < 200 || status >= 300) return undefined;
    const parsed = spec.response.safeParse(json);
    if (!parsed.success) return undefined;
    const code = spec.responseCode?.(parsed.data) ?? '0';
    if (code === '0') return { kind: 'accepted', value: parsed.data };
    const description =
      typeof json === 'object' && json !== null
        ? String((json as Record<string, unknown>).ResponseDescription ?? '')
        : '';
    return classifyErrorEnvelope(code, description, status, spec.moneyMoving).outcome;
  }

  private validate<S extends z.ZodType>(
    schema: S,
    request: unknown,
  ): { ok: true; value: z.output<S> } | { ok: false; outcome: CallOutcome<never> } {
    const parsed = schema.safeParse(request);
    if (parsed.success) return { ok: true, value: parsed.data };
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
    // Refused before sending: M-Pesa never saw it, so nothing can have been paid.
    return {
      ok: false,
      outcome: failed(
        'definitive',
        'mshahara.invalid_request',
        `The request was not sent because it is incomplete or wrong (${problems}).`,
        'fix_request',
      ),
    };
  }

  /** Encrypting is slow (RSA) and the result stays valid, so one credential serves the profile. */
  private securityCredential(): { ok: true; value: string } | { ok: false; outcome: CallOutcome<never> } {
    try {
      this.credential ??= encryptSecurityCredential(this.config.initiatorPassword, this.config.certificatePem);
      return { ok: true, value: this.credential };
    } catch (error) {
      // A missing password or unreadable certificate: a setup problem, found before anything is sent.
      const reason = error instanceof Error ? error.message : 'The SecurityCredential could not be made.';
      return { ok: false, outcome: failed('definitive', 'mshahara.security_credential', reason, 'check_credentials') };
    }
  }

  private stkPassword():
    { ok: true; shortcode: string; password: string; timestamp: string } | { ok: false; outcome: CallOutcome<never> } {
    const shortcode = this.config.stkShortcode;
    const passkey = this.config.passkey;
    if (!shortcode || !passkey) {
      return {
        ok: false,
        outcome: failed(
          'definitive',
          'mshahara.stk_not_configured',
          'M-Pesa Express is not set up for this profile (shortcode and passkey).',
          'check_credentials',
        ),
      };
    }
    const timestamp = formatDarajaTime(new Date(this.now()));
    const password = Buffer.from(`${shortcode}${passkey}${timestamp}`, 'utf8').toString('base64');
    return { ok: true, shortcode, password, timestamp };
  }
}
