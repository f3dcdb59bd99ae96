// What every simulator route shares: credentials, the organisation model, identifiers, faults,
// outgoing callbacks, and the helpers that turn bad input into Daraja's error envelope.
import type { B2cStats } from './b2c';
import type { CallbackSender } from './callbacks';
import type { FaultInjector } from './faults';
import type { Identifiers } from './identifiers';
import type { OrganisationModel } from './model';
import type { CredentialKeys } from './security';

export interface SimulatorCredentials {
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  initiatorName: string;
  initiatorPassword: string;
  passkey: string;
  stkShortcode: string;
}

export interface SimulatorContext {
  credentials: SimulatorCredentials;
  model: OrganisationModel;
  ids: Identifiers;
  faults: FaultInjector;
  callbacks: CallbackSender;
  /** What became of accepted B2C requests (processed, timed out in the queue, throttled). */
  b2cStats: B2cStats;
  keys: CredentialKeys;
  now(): Date;
  /** Where the simulator listens, for the internal URLs Daraja puts in ReferenceData. */
  baseUrl: string;
  log(message: string, fields: Record<string, unknown>): void;
}

/** A synchronous answer: HTTP status and JSON body. */
export interface DarajaAnswer {
  status: number;
  body: unknown;
}

export type RequestBody = Record<string, unknown>;

/** Thrown by handlers to answer with the `{requestId, errorCode, errorMessage}` envelope. */
export class DarajaRejection extends Error {
  constructor(
    readonly errorCode: string,
    readonly errorMessage: string,
    readonly requestId?: string,
  ) {
    super(`${errorCode} ${errorMessage}`);
  }
}

/** HTTP status is the first three digits of the errorCode (REFERENCE §10). */
export function errorAnswer(
  ctx: Pick<SimulatorContext, 'ids'>,
  errorCode: string,
  errorMessage: string,
  requestId?: string,
): DarajaAnswer {
  const status = Number(errorCode.slice(0, 3));
  return {
    status: Number.isInteger(status) && status >= 400 ? status : 500,
    body: { requestId: requestId ?? ctx.ids.requestId(), errorCode, errorMessage },
  };
}

export function invalidField(field: string): DarajaRejection {
  return new DarajaRejection('400.002.02', `Bad Request - Invalid ${field}`);
}

/** A non-empty string (numbers accepted, as Daraja takes both for most fields). */
export function requireText(body: RequestBody, field: string, options: { min?: number; max?: number } = {}): string {
  const value = body[field];
  if (typeof value !== 'string' && typeof value !== 'number') throw invalidField(field);
  const text = String(value).trim();
  if (text.length < (options.min ?? 1) || text.length > (options.max ?? 1000)) throw invalidField(field);
  return text;
}

export function optionalText(body: RequestBody, ...fields: string[]): string {
  for (const field of fields) {
    const value = body[field];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return '';
}

export function requireDigits(body: RequestBody, field: string, pattern: RegExp = /^\d{5,7}$/): string {
  const text = requireText(body, field);
  if (!pattern.test(text)) throw invalidField(field);
  return text;
}

export function requireMsisdn(body: RequestBody, field: string): string {
  return requireDigits(body, field, /^254\d{9}$/);
}

/** Whole shillings as a number or numeric string, at least 1; answered in cents. */
export function requireAmountCents(body: RequestBody, field = 'Amount'): number {
  const text = requireText(body, field);
  if (!/^\d+(\.0+)?$/.test(text)) throw invalidField(field);
  const shillings = Number(text);
  if (!Number.isSafeInteger(shillings) || shillings < 1) throw invalidField(field);
  return shillings * 100;
}

export function requireUrl(body: RequestBody, field: string): string {
  const text = requireText(body, field);
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField(field);
  } catch {
    throw invalidField(field);
  }
  return text;
}

export function requireOneOf<T extends string>(body: RequestBody, field: string, allowed: readonly T[]): T {
  const text = requireText(body, field);
  const found = allowed.find((a) => a === text);
  if (found === undefined) throw invalidField(field);
  return found;
}
