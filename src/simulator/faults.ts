// Fault injection: latency, spike arrest, errors before/after processing, dropped, duplicated and
// delayed callbacks, token lifetime, and the switches for what Daraja leaves unconfirmed (processing
// lag, Transaction Status "not found" and "unavailable", echoed IDs, the duplicate check's memory,
// queue timeouts, asynchronous throttling, masked names, payees who fail). Decisions come from seeded
// generators, one stream per kind of decision, so runs reproduce and a new switch shifts no other.
import { createRandom, deriveSeed, type Random } from './random';

export interface Range {
  min: number;
  max: number;
}

export interface SimulatorFaults {
  latencyMs: Range;
  spikeArrestPerSecond: number | null;
  errorBefore: number;
  errorAfter: number;
  dropCallback: number;
  duplicateCallback: number;
  callbackDelayMs: Range;
  tokenTtlSeconds: number;
  /** A B2C is accepted at once and processed (money moved, Result scheduled) this much later. */
  processingLagMs: Range;
  /** What Transaction Status answers for an OriginatorConversationID (or receipt) it has not processed. */
  statusNotFoundCode: string;
  /** Its ResultDesc; null takes the known description of the code (statusNotFoundDescriptions). */
  statusNotFoundDesc: string | null;
  /** Rate of Transaction Status answers about the query itself (2028 / 17 / 100000010), whatever the payment did. */
  statusUnavailable: number;
  /** B2C Results (and QueueTimeout payloads) carry the caller's OriginatorConversationID; false: Daraja's own. */
  echoOriginatorId: boolean;
  /** How long the v3 duplicate check remembers a used OriginatorConversationID; null: for ever. */
  duplicateWindowSeconds: number | null;
  /** Rate of accepted B2C requests answered by a QueueTimeout payload instead of a Result. */
  queueTimeout: number;
  /** Rate of accepted B2C requests answered by a throttling Result (nothing paid, ID released). */
  asyncThrottle: number;
  /** Share of success Results / status answers whose party name is masked (`2547****149`, `0708374149`). */
  maskedParty: number;
  /** Share of payees (by MSISDN, seeded) whose first processed payment fails definitively (2040 or 4). */
  failPayee: number;
  /**
   * What Transaction Status answers for a B2C M-Pesa processed and refused (REFERENCE §15.15):
   * 'result-code' its failure code, no parameters; 'not-found' the "not found" answer;
   * 'failed-status' ResultCode 0 with the parameters and TransactionStatus "Failed".
   */
  statusForFailed: StatusForFailed;
  /**
   * Shillings (in cents) M-Pesa charges on each B2C payment beyond the bundled 2023 tariff: the
   * "withdrawal charges paid" option, a newer tariff, or the sandbox's own figures (REFERENCE §12).
   * What Mshahara estimates from the tariff then differs from what the statement confirms.
   */
  chargeExtraCents: number;
  /**
   * What a Reversal does with its Amount (REFERENCE §5, §15 item 11: unconfirmed): 'whole' reverses
   * the whole original whatever was asked; 'must-match' refuses an Amount other than the
   * original's; 'as-asked' reverses the amount asked (a part, when less), and reports it.
   */
  reversalAmount: ReversalAmount;
  /**
   * M-Pesa Express: null, each customer answers the prompt once. A number: each customer who would
   * pay first lets the prompt time out, so STK Push Query answers 1037 (no callback says so), and
   * pays this many milliseconds later: the callback then says paid, with a receipt. Whether a
   * decline the query reports is final is not documented; this plays the answer that it is not.
   */
  stkLatePayMs: number | null;
}

export const reversalAmountChoices = ['whole', 'must-match', 'as-asked'] as const;
export type ReversalAmount = (typeof reversalAmountChoices)[number];

/**
 * The Result for a refused amount under 'must-match': no source documents one (REFERENCE §15 item
 * 11), so the simulator answers with the one refusal §5 documents for a Reversal's original,
 * R000002 "The OriginalTransactionID is invalid." Mshahara must be safe under it: nothing moved.
 */
export const reversalAmountRefused = {
  resultCode: 'R000002',
  resultDesc: 'The OriginalTransactionID is invalid.',
} as const;

export const statusForFailedChoices = ['result-code', 'not-found', 'failed-status'] as const;
export type StatusForFailed = (typeof statusForFailedChoices)[number];

export const defaultFaults: SimulatorFaults = {
  latencyMs: { min: 0, max: 0 },
  spikeArrestPerSecond: null,
  errorBefore: 0,
  errorAfter: 0,
  dropCallback: 0,
  duplicateCallback: 0,
  callbackDelayMs: { min: 50, max: 200 },
  tokenTtlSeconds: 3599,
  processingLagMs: { min: 0, max: 0 },
  statusNotFoundCode: 'SFC_IC0003',
  statusNotFoundDesc: null,
  statusUnavailable: 0,
  echoOriginatorId: true,
  duplicateWindowSeconds: null,
  queueTimeout: 0,
  asyncThrottle: 0,
  maskedParty: 0,
  failPayee: 0,
  statusForFailed: 'result-code',
  chargeExtraCents: 0,
  reversalAmount: 'whole',
  stkLatePayMs: null,
};

/** The Transaction Status "not found" answer by default: the one failure REFERENCE §4 documents. */
export const defaultStatusNotFound = { resultCode: 'SFC_IC0003', resultDesc: 'The operator does not exist.' } as const;

/** Descriptions for the "not found" codes a caller may choose; others get a generic one. */
export const statusNotFoundDescriptions: Record<string, string> = {
  SFC_IC0003: defaultStatusNotFound.resultDesc,
  R000002: 'The OriginalTransactionID is invalid.',
  '2001': 'The initiator information is invalid.',
  '17': 'Internal Failure',
  '25': 'Invalid request parameters',
};

/**
 * `--realistic`: every unconfirmed Daraja behaviour on at once, at the rates src/simulator/README.md
 * documents. The lag stays under 2 s so demo and crash runs keep moving.
 */
export const realisticFaults: Readonly<Partial<SimulatorFaults>> = Object.freeze({
  processingLagMs: { min: 100, max: 1500 },
  statusNotFoundCode: defaultStatusNotFound.resultCode,
  statusNotFoundDesc: null,
  statusUnavailable: 0.03,
  echoOriginatorId: false,
  duplicateWindowSeconds: 86_400,
  queueTimeout: 0.01,
  asyncThrottle: 0.01,
  maskedParty: 0.3,
  failPayee: 0.02,
});

/** The switches a preset sets: `realistic` (README's defaults) or `clean` (every unconfirmed behaviour off). */
export function presetFaults(preset: unknown): Partial<SimulatorFaults> {
  if (preset === 'realistic') return realisticFaults;
  if (preset === 'clean') {
    const {
      processingLagMs,
      statusNotFoundCode,
      statusNotFoundDesc,
      statusUnavailable,
      echoOriginatorId,
      duplicateWindowSeconds,
      queueTimeout,
      asyncThrottle,
      maskedParty,
      failPayee,
      statusForFailed,
      chargeExtraCents,
      reversalAmount,
    } = defaultFaults;
    return {
      processingLagMs,
      statusNotFoundCode,
      statusNotFoundDesc,
      statusUnavailable,
      echoOriginatorId,
      duplicateWindowSeconds,
      queueTimeout,
      asyncThrottle,
      maskedParty,
      failPayee,
      statusForFailed,
      chargeExtraCents,
      reversalAmount,
    };
  }
  throw new RangeError(`Unknown preset ${JSON.stringify(preset)}: use "realistic" or "clean"`);
}

/** Codes Transaction Status gives about the query itself (REFERENCE §15 item 13). */
export const statusUnavailableAnswers = [
  { resultCode: 2028, resultDesc: 'The request is not permitted according to product assignment.' },
  { resultCode: 17, resultDesc: 'Internal Failure' },
  { resultCode: 100000010, resultDesc: 'Insufficient permissions' },
] as const;

/** Throttling as an asynchronous Result (REFERENCE §2.6, G2 and gateway codes). */
export const asyncThrottleAnswers = [
  { resultCode: 26, resultDesc: 'System busy. Traffic blocking condition is in place.' },
  { resultCode: 100000002, resultDesc: 'Throttling error' },
  { resultCode: 100000011, resultDesc: 'Request rate exceeded' },
] as const;

/** The QueueTimeOutURL payload's code and description: invented (REFERENCE §2.7), documented in the README. */
export const queueTimeoutAnswer = {
  resultCode: 'SVC0403',
  resultDesc: 'The request timed out while waiting in the queue.',
} as const;

/** Definitive failures for payees picked by fail-payee: half not a registered customer, half over the daily limit. */
export const failPayeeCodes = [2040, 4] as const;

/** How a success names the customer: `254708374149 - NAME`, `2547****149 - NAME` or `0708374149 - NAME`. */
export type PartyForm = 'full' | 'masked' | 'local';

export function partyName(msisdn: string, name: string, form: PartyForm): string {
  switch (form) {
    case 'full':
      return `${msisdn} - ${name}`;
    case 'masked':
      return `${msisdn.slice(0, 4)}****${msisdn.slice(-3)} - ${name}`;
    case 'local':
      return `0${msisdn.slice(3)} - ${name}`;
    default: {
      const unreachable: never = form;
      throw new Error(`unknown party form ${String(unreachable)}`);
    }
  }
}

/** How a processed request loses its answer when error-after strikes. */
export type LostAnswer = 'server-error' | 'connection-destroyed';

function checkRate(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new RangeError(`${name} must be a rate between 0 and 1, got ${value}`);
  return value;
}

function checkRange(name: string, value: Range): Range {
  if (!Number.isFinite(value.min) || !Number.isFinite(value.max) || value.min < 0 || value.max < value.min) {
    throw new RangeError(`${name} must be a range with 0 <= min <= max, got ${JSON.stringify(value)}`);
  }
  return { min: value.min, max: value.max };
}

/** Merges a partial update into the faults in force, refusing nonsense values. */
export function mergeFaults(current: SimulatorFaults, update: Partial<SimulatorFaults>): SimulatorFaults {
  const next: SimulatorFaults = { ...current };
  if (update.latencyMs !== undefined) next.latencyMs = checkRange('latencyMs', update.latencyMs);
  if (update.callbackDelayMs !== undefined)
    next.callbackDelayMs = checkRange('callbackDelayMs', update.callbackDelayMs);
  if (update.spikeArrestPerSecond !== undefined) {
    const v = update.spikeArrestPerSecond;
    if (v !== null && (!Number.isInteger(v) || v < 1))
      throw new RangeError(`spikeArrestPerSecond must be a positive integer or null, got ${v}`);
    next.spikeArrestPerSecond = v;
  }
  if (update.errorBefore !== undefined) next.errorBefore = checkRate('errorBefore', update.errorBefore);
  if (update.errorAfter !== undefined) next.errorAfter = checkRate('errorAfter', update.errorAfter);
  if (update.dropCallback !== undefined) next.dropCallback = checkRate('dropCallback', update.dropCallback);
  if (update.duplicateCallback !== undefined)
    next.duplicateCallback = checkRate('duplicateCallback', update.duplicateCallback);
  if (update.tokenTtlSeconds !== undefined) {
    const v = update.tokenTtlSeconds;
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`tokenTtlSeconds must be a positive integer, got ${v}`);
    next.tokenTtlSeconds = v;
  }
  if (update.processingLagMs !== undefined)
    next.processingLagMs = checkRange('processingLagMs', update.processingLagMs);
  if (update.statusNotFoundCode !== undefined) {
    const v = update.statusNotFoundCode;
    if (typeof v !== 'string' || !/^[A-Za-z0-9_]{1,32}$/.test(v) || v === '0')
      throw new RangeError(`statusNotFoundCode must be a non-zero result code such as SFC_IC0003, got ${String(v)}`);
    next.statusNotFoundCode = v;
  }
  if (update.statusNotFoundDesc !== undefined) {
    const v = update.statusNotFoundDesc;
    if (v !== null && (typeof v !== 'string' || v.trim() === ''))
      throw new RangeError('statusNotFoundDesc must be a non-empty text or null');
    next.statusNotFoundDesc = v;
  }
  if (update.statusUnavailable !== undefined)
    next.statusUnavailable = checkRate('statusUnavailable', update.statusUnavailable);
  if (update.echoOriginatorId !== undefined) {
    if (typeof update.echoOriginatorId !== 'boolean')
      throw new RangeError(`echoOriginatorId must be true or false, got ${String(update.echoOriginatorId)}`);
    next.echoOriginatorId = update.echoOriginatorId;
  }
  if (update.duplicateWindowSeconds !== undefined) {
    const v = update.duplicateWindowSeconds;
    if (v !== null && (!Number.isFinite(v) || v <= 0))
      throw new RangeError(`duplicateWindowSeconds must be a positive number of seconds or null (for ever), got ${v}`);
    next.duplicateWindowSeconds = v;
  }
  if (update.queueTimeout !== undefined) next.queueTimeout = checkRate('queueTimeout', update.queueTimeout);
  if (update.asyncThrottle !== undefined) next.asyncThrottle = checkRate('asyncThrottle', update.asyncThrottle);
  if (update.maskedParty !== undefined) next.maskedParty = checkRate('maskedParty', update.maskedParty);
  if (update.failPayee !== undefined) next.failPayee = checkRate('failPayee', update.failPayee);
  if (update.chargeExtraCents !== undefined) {
    const v = update.chargeExtraCents;
    if (!Number.isSafeInteger(v) || v < 0)
      throw new RangeError(`chargeExtraCents must be a whole number of cents, 0 or more, got ${String(v)}`);
    next.chargeExtraCents = v;
  }
  if (update.statusForFailed !== undefined) {
    const v = statusForFailedChoices.find((c) => c === update.statusForFailed);
    if (v === undefined)
      throw new RangeError(
        `statusForFailed must be one of ${statusForFailedChoices.join(', ')}, got ${String(update.statusForFailed)}`,
      );
    next.statusForFailed = v;
  }
  if (update.stkLatePayMs !== undefined) {
    const v = update.stkLatePayMs;
    if (v !== null && (!Number.isSafeInteger(v) || v < 0))
      throw new RangeError(`stkLatePayMs must be a whole number of milliseconds or null, got ${String(v)}`);
    next.stkLatePayMs = v;
  }
  if (update.reversalAmount !== undefined) {
    const v = reversalAmountChoices.find((c) => c === update.reversalAmount);
    if (v === undefined)
      throw new RangeError(
        `reversalAmount must be one of ${reversalAmountChoices.join(', ')}, got ${String(update.reversalAmount)}`,
      );
    next.reversalAmount = v;
  }
  return next;
}

/** What happens to an accepted B2C request, decided when it is accepted. */
export type B2cFate =
  | { kind: 'process' }
  | { kind: 'queue-timeout'; processed: boolean }
  | { kind: 'throttle'; resultCode: number; resultDesc: string };

/** Stream numbers for deriveSeed: 1 identifiers, 2 the original faults; each new decision its own. */
const streams = { lag: 10, fate: 11, status: 12, party: 13 } as const;

/** A decision from a seed and a text (fail-payee by MSISDN), the same whatever the order of requests. */
function hashedRandom(seed: number, text: string): Random {
  let h = deriveSeed(seed, 14);
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return createRandom(h);
}

export class FaultInjector {
  private faults: SimulatorFaults;
  /** Requests counted per app in the current one-second window. */
  private readonly windows = new Map<string, { second: number; count: number }>();

  private readonly lagRandom: Random;
  private readonly fateRandom: Random;
  private readonly statusRandom: Random;
  private readonly partyRandom: Random;

  constructor(
    private readonly random: Random,
    initial: Partial<SimulatorFaults> = {},
    private readonly seed = 0,
  ) {
    this.faults = mergeFaults(defaultFaults, initial);
    this.lagRandom = createRandom(deriveSeed(seed, streams.lag));
    this.fateRandom = createRandom(deriveSeed(seed, streams.fate));
    this.statusRandom = createRandom(deriveSeed(seed, streams.status));
    this.partyRandom = createRandom(deriveSeed(seed, streams.party));
  }

  current(): SimulatorFaults {
    return {
      ...this.faults,
      latencyMs: { ...this.faults.latencyMs },
      callbackDelayMs: { ...this.faults.callbackDelayMs },
      processingLagMs: { ...this.faults.processingLagMs },
    };
  }

  set(update: Partial<SimulatorFaults>): SimulatorFaults {
    this.faults = mergeFaults(this.faults, update);
    return this.current();
  }

  latencyMs(): number {
    const { min, max } = this.faults.latencyMs;
    return max === 0 ? 0 : this.random.between(min, max);
  }

  callbackDelayMs(): number {
    const { min, max } = this.faults.callbackDelayMs;
    return this.random.between(min, max);
  }

  /** Apigee's Spike Arrest: true when this request goes over the per-second rate for the app. */
  spikeArrested(app: string, nowMs: number): boolean {
    const limit = this.faults.spikeArrestPerSecond;
    if (limit === null) return false;
    const second = Math.floor(nowMs / 1000);
    const window = this.windows.get(app);
    if (!window || window.second !== second) {
      this.windows.set(app, { second, count: 1 });
      return 1 > limit;
    }
    window.count += 1;
    return window.count > limit;
  }

  failBefore(): boolean {
    return this.random.chance(this.faults.errorBefore);
  }

  /** Null when the answer goes out; otherwise how it is lost after the work was done. */
  loseAnswer(): LostAnswer | null {
    if (!this.random.chance(this.faults.errorAfter)) return null;
    return this.random.chance(0.5) ? 'server-error' : 'connection-destroyed';
  }

  dropCallback(): boolean {
    return this.random.chance(this.faults.dropCallback);
  }

  duplicateCallback(): boolean {
    return this.random.chance(this.faults.duplicateCallback);
  }

  tokenTtlSeconds(): number {
    return this.faults.tokenTtlSeconds;
  }

  processingLagMs(): number {
    const { min, max } = this.faults.processingLagMs;
    return max === 0 ? 0 : this.lagRandom.between(min, max);
  }

  /** Queue timeout (half of them processed anyway), asynchronous throttling, or ordinary processing. */
  b2cFate(): B2cFate {
    if (this.fateRandom.chance(this.faults.queueTimeout))
      return { kind: 'queue-timeout', processed: this.fateRandom.chance(0.5) };
    if (this.fateRandom.chance(this.faults.asyncThrottle)) {
      const answer =
        asyncThrottleAnswers[this.fateRandom.between(0, asyncThrottleAnswers.length - 1)] ?? asyncThrottleAnswers[0];
      return { kind: 'throttle', resultCode: answer.resultCode, resultDesc: answer.resultDesc };
    }
    return { kind: 'process' };
  }

  /** Null when Transaction Status answers; otherwise the code it gives about the query. */
  statusUnavailable(): { resultCode: number; resultDesc: string } | null {
    if (!this.statusRandom.chance(this.faults.statusUnavailable)) return null;
    const answer =
      statusUnavailableAnswers[this.statusRandom.between(0, statusUnavailableAnswers.length - 1)] ??
      statusUnavailableAnswers[0];
    return { resultCode: answer.resultCode, resultDesc: answer.resultDesc };
  }

  /** The "not found" answer in force; an all-digit code is sent as a number, as Daraja sends G2 codes. */
  statusNotFound(): { resultCode: number | string; resultDesc: string } {
    const code = this.faults.statusNotFoundCode;
    const resultDesc =
      this.faults.statusNotFoundDesc ?? statusNotFoundDescriptions[code] ?? 'The transaction could not be found.';
    return { resultCode: /^\d+$/.test(code) ? Number(code) : code, resultDesc };
  }

  statusForFailed(): StatusForFailed {
    return this.faults.statusForFailed;
  }

  reversalAmount(): ReversalAmount {
    return this.faults.reversalAmount;
  }

  echoOriginatorId(): boolean {
    return this.faults.echoOriginatorId;
  }

  duplicateWindowMs(): number | null {
    const seconds = this.faults.duplicateWindowSeconds;
    return seconds === null ? null : seconds * 1000;
  }

  /** How this answer names the customer: mostly in full; masked-party picks one of the two other forms. */
  partyForm(): PartyForm {
    if (!this.partyRandom.chance(this.faults.maskedParty)) return 'full';
    return this.partyRandom.chance(0.5) ? 'masked' : 'local';
  }

  /** The definitive failure of a payee picked by fail-payee (same payees for the same seed), or null. */
  payeeFailure(msisdn: string): (typeof failPayeeCodes)[number] | null {
    if (this.faults.failPayee <= 0) return null;
    const random = hashedRandom(this.seed, msisdn);
    if (!(random.next() < this.faults.failPayee)) return null;
    return random.next() < 0.5 ? failPayeeCodes[0] : failPayeeCodes[1];
  }
}
