// Waiting between tries: exponential backoff with full jitter, and `retrying`, which repeats a Daraja
// call only while its outcome says repeating is safe (transient or throttled).
import type { CallOutcome } from './classify';

export interface BackoffPolicy {
  /** First ceiling, in ms; the n-th retry waits a random time in [0, min(maxMs, baseMs·2^n)). */
  baseMs: number;
  maxMs: number;
  /** Throttled answers ask for a longer pause: their ceiling is multiplied by this. */
  throttledFactor?: number;
  /** Replaceable for tests; defaults to Math.random. */
  random?: () => number;
}

export interface RetryPolicy extends BackoffPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  /** Replaceable for tests; defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Told about each retry before its pause (for logs and progress). */
  onRetry?: (info: { attempt: number; delayMs: number; outcome: CallOutcome<unknown> }) => void;
}

export const defaultRetryPolicy: RetryPolicy = { baseMs: 250, maxMs: 30_000, throttledFactor: 4, maxAttempts: 5 };

/** Full-jitter backoff ("Exponential Backoff And Jitter", AWS): spreads retries so clients do not stampede. */
export function backoff(retry: number, policy: BackoffPolicy, throttled = false): number {
  const random = policy.random ?? Math.random;
  const factor = throttled ? (policy.throttledFactor ?? 1) : 1;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * factor * 2 ** Math.max(0, retry));
  return Math.floor(random() * ceiling);
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` until it is accepted or its outcome says retrying is unsafe or pointless. Only
 * transient and throttled outcomes are retried: unknown, duplicate and definitive come back at once,
 * because repeating a payment whose answer was lost could pay twice.
 */
export async function retrying<T>(
  call: () => Promise<CallOutcome<T>>,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<CallOutcome<T>> {
  const sleep = policy.sleep ?? sleepFor;
  for (let attempt = 1; ; attempt++) {
    const outcome = await call();
    if (outcome.kind !== 'transient' && outcome.kind !== 'throttled') return outcome;
    if (attempt >= policy.maxAttempts) return outcome;
    const delayMs = backoff(attempt - 1, policy, outcome.kind === 'throttled');
    policy.onRetry?.({ attempt, delayMs, outcome });
    await sleep(delayMs);
  }
}
