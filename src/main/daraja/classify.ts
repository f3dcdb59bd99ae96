// Turns what came back from Daraja (an answer, an error envelope, or a network failure) into one of
// six outcomes. The rule that protects money: if a payment request may have reached M-Pesa and
// the answer is lost, the outcome is `unknown`, never failed and never retried blindly.
import { DarajaError } from '../../shared/errors';
import {
  actionLabels,
  describeSyncError,
  type CodeEntry,
  type SuggestedAction,
  type SyncClass,
} from '../../shared/daraja/codes';
import { errorEnvelope } from './schemas';
import type { HttpResult } from './http';

export type CallOutcome<T> =
  | { kind: 'accepted'; value: T }
  | { kind: 'transient'; error: DarajaError }
  | { kind: 'throttled'; error: DarajaError }
  | { kind: 'definitive'; error: DarajaError }
  | { kind: 'duplicate'; error: DarajaError }
  | { kind: 'unknown'; error: DarajaError };

export type FailedOutcome = Exclude<CallOutcome<never>, { kind: 'accepted' }>;
export type OutcomeKind = CallOutcome<unknown>['kind'];

/** What a refused or lost call means, plus whether the token was the problem (refresh and retry once). */
export interface Classified {
  outcome: FailedOutcome;
  tokenRejected: boolean;
}

/**
 * Error answers from Daraja that say the request was turned away before any processing, so even a
 * payment request may be repeated. Any other 5xx on a payment may hide a processed payment.
 */
const notProcessedCodes = new Set(['00.002.1001', '500.001.1001', '500.003.02', '500.003.03']);

export function failed(
  kind: FailedOutcome['kind'],
  code: string,
  message: string,
  action: SuggestedAction,
): FailedOutcome {
  return { kind, error: new DarajaError(message, { code, action }) };
}

/** The plain message for a catalog entry; for a refused field, names the field (never echoes tokens). */
function messageFor(entry: CodeEntry<SyncClass>, errorMessage: string): string {
  if (entry.code === '400.002.02') {
    const field = /Invalid\s+([A-Za-z]+)/.exec(errorMessage)?.[1];
    if (field) return `${entry.explanation} (${field})`;
  }
  return entry.explanation;
}

/** A catalog-classified Daraja error answer (a documented errorCode). */
export function classifyErrorEnvelope(
  code: string,
  errorMessage: string,
  httpStatus: number,
  moneyMoving: boolean,
): Classified {
  const entry = describeSyncError(code, errorMessage);
  const message = messageFor(entry, errorMessage);
  const error = new DarajaError(message, { code: entry.code, action: entry.action });
  const tokenRejected = entry.tokenRejected === true;
  const kind = entry.class === 'accepted' ? 'definitive' : entry.class;
  if (moneyMoving && httpStatus >= 500 && kind === 'transient' && !notProcessedCodes.has(entry.code)) {
    // "Internal Server Error" after a payment request: M-Pesa may have paid. Find out, don't repeat.
    return {
      outcome: failed(
        'unknown',
        entry.code,
        `${entry.explanation} The payment may have gone through; Mshahara will check before paying again.`,
        'check_status',
      ),
      tokenRejected,
    };
  }
  return { outcome: { kind, error }, tokenRejected };
}

/**
 * Classifies a response that is not a clean acceptance, or a network failure.
 * `moneyMoving` is true for calls that move money (B2C, Reversal, STK Push): for those, an answer
 * lost after the request went out is `unknown`; for queries it is simply `transient`.
 */
export function classifyFailure(result: HttpResult, moneyMoving: boolean): Classified {
  switch (result.kind) {
    case 'failure': {
      if (!result.sent) {
        return {
          outcome: failed(
            'transient',
            'network.unreachable',
            'Mshahara could not reach M-Pesa; nothing was sent.',
            'retry',
          ),
          tokenRejected: false,
        };
      }
      if (moneyMoving) {
        return {
          outcome: failed(
            'unknown',
            'network.answer_lost',
            'The request reached M-Pesa but its answer was lost; the payment may have gone through.',
            'check_status',
          ),
          tokenRejected: false,
        };
      }
      return {
        outcome: failed('transient', 'network.answer_lost', 'The answer from M-Pesa was lost on the way.', 'retry'),
        tokenRejected: false,
      };
    }
    case 'response': {
      const envelope = errorEnvelope.safeParse(result.json);
      if (envelope.success)
        return classifyErrorEnvelope(envelope.data.errorCode, envelope.data.errorMessage, result.status, moneyMoving);
      const apigeeText =
        typeof result.json === 'object' && result.json !== null ? JSON.stringify(result.json) : result.text;
      if (/no apiproduct match/i.test(apigeeText))
        return classifyErrorEnvelope('', 'Invalid API call as no apiproduct match found', result.status, moneyMoving);
      return { outcome: classifyBareStatus(result.status, moneyMoving), tokenRejected: result.status === 401 };
    }
    default: {
      const never: never = result;
      throw new Error(`unhandled HTTP result ${String(never)}`);
    }
  }
}

/** An HTTP error without a Daraja envelope (a proxy page, an empty body). */
function classifyBareStatus(status: number, moneyMoving: boolean): FailedOutcome {
  const code = `http.${status}`;
  if (status === 429) return failed('throttled', code, 'M-Pesa asked Mshahara to slow down.', 'wait_and_retry');
  if (status >= 500 || status === 408) {
    return moneyMoving
      ? failed(
          'unknown',
          code,
          `M-Pesa answered with an error (HTTP ${status}) after receiving the request; the payment may have gone through.`,
          'check_status',
        )
      : failed('transient', code, `M-Pesa answered with an error (HTTP ${status}).`, 'retry');
  }
  if (status >= 200 && status < 300) {
    return moneyMoving
      ? failed(
          'unknown',
          'response.unreadable',
          'M-Pesa accepted the request but its answer could not be read; the payment may have gone through.',
          'check_status',
        )
      : failed('transient', 'response.unreadable', 'The answer from M-Pesa could not be read.', 'retry');
  }
  return failed('definitive', code, `M-Pesa refused the request (HTTP ${status}).`, 'call_safaricom');
}

/** The sentence for an action, for screens and logs. */
export function describeAction(action: string | undefined): string {
  return action !== undefined && action in actionLabels
    ? actionLabels[action as SuggestedAction]
    : actionLabels.call_safaricom;
}
