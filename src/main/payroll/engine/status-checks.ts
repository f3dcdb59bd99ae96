// Transaction Status for payments nobody can vouch for: attempts `unknown` (lost answer, crash,
// queue timeout) and `accepted` ones whose callback is overdue. Queries have their own small rate;
// the answers come back as callbacks (apply.ts). After `maxQueries` queries that went unanswered
// while this process was listening, the attempt waits for a person: it is never re-sent on a guess
// (DESIGN §4 invariant 3). A query cut short by a crash or a restart is not counted: its answer went
// to a process that is gone, which says nothing about the payment.
import type { DarajaClient } from '../../daraja';
import { backoff, type BackoffPolicy } from '../../daraja/backoff';
import type { ProfileDatabase } from '../../db';
import type { CallbackSource } from '../../inbox/source';
import { logger } from '../../log';
import { attemptsWhere, countUnansweredStatusQuery, markNeedsAttention, recordStatusQuerySent, type Attempt } from './attempts';
import { SendRate, takeFromAll } from './rate';

export interface StatusChecksOptions {
  db: ProfileDatabase;
  client: DarajaClient;
  source: CallbackSource;
  now: () => number;
  ratePerSecond: number;
  /** The app's whole Daraja budget, shared with payments (Spike Arrest counts every call). */
  sharedRate: SendRate;
  /** How long an answer may take before the attempt is asked about again. */
  resultTimeoutMs: number;
  maxQueries: number;
  retryBackoff: BackoffPolicy;
  onQuerySent: () => void;
  /** A query's synchronous answer was recorded. */
  onAnswer: () => void;
}

const log = logger('payout');

export class StatusChecks {
  readonly #o: StatusChecksOptions;
  readonly #rate: SendRate;
  readonly #inFlight = new Set<number>();
  /** When each attempt was last asked about (ms); in memory, so a restart asks again at once. */
  readonly #askedAt = new Map<number, number>();
  /** Attempts whose last query Daraja accepted in this process and whose answer is still awaited. */
  readonly #awaiting = new Set<number>();

  constructor(options: StatusChecksOptions) {
    this.#o = options;
    this.#rate = new SendRate({ ratePerSecond: options.ratePerSecond, now: options.now });
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The attempt settled or changed course: its next question, if any, starts afresh. */
  forget(attemptId: number): void {
    this.#askedAt.delete(attemptId);
    this.#awaiting.delete(attemptId);
  }

  /** Sends the queries that are due; returns ms until the next one may be. */
  start(): number {
    const { db, resultTimeoutMs } = this.#o;
    const now = this.#o.now();
    let next = Infinity;
    const overdue = new Date(now - resultTimeoutMs).toISOString();
    // Two simple queries so each reads the (state, accepted_at) index, not every attempt ever made.
    const due = [
      ...attemptsWhere(db, `a.state = 'unknown' AND a.needs_attention = 0 ORDER BY a.id LIMIT 500`),
      ...attemptsWhere(db, `a.state = 'accepted' AND a.accepted_at <= ? AND a.needs_attention = 0 ORDER BY a.id LIMIT 500`, overdue),
    ];
    for (const attempt of due) {
      if (this.#inFlight.has(attempt.id)) continue;
      const asked = this.#askedAt.get(attempt.id);
      if (asked !== undefined && now - asked < resultTimeoutMs) {
        next = Math.min(next, asked + resultTimeoutMs - now);
        continue;
      }
      let unanswered = attempt.statusQueries;
      if (this.#awaiting.delete(attempt.id)) {
        unanswered = countUnansweredStatusQuery(db, attempt.id, new Date(now).toISOString(), 'no answer within the result timeout');
      }
      if (unanswered >= this.#o.maxQueries) {
        markNeedsAttention(db, attempt.id, `No answer after ${unanswered} Transaction Status queries`, new Date(now).toISOString());
        continue;
      }
      const wait = takeFromAll(this.#rate, this.#o.sharedRate);
      if (wait > 0) return Math.min(next, wait);
      void this.#ask(attempt);
    }
    // The next accepted attempt whose callback becomes overdue.
    const row = db.prepare(`SELECT MIN(accepted_at) AS at FROM payout_attempts WHERE state = 'accepted' AND accepted_at > ? AND needs_attention = 0`).get(overdue) as { at: string | null };
    if (row.at !== null) next = Math.min(next, Math.max(1, Date.parse(row.at) + resultTimeoutMs - now));
    return next;
  }

  /** Transaction Status on the attempt's OriginatorConversationID; the answer arrives as a callback. */
  async #ask(attempt: Attempt): Promise<void> {
    const { db, client, source, now, resultTimeoutMs, retryBackoff } = this.#o;
    this.#inFlight.add(attempt.id);
    this.#askedAt.set(attempt.id, now());
    // Turned away before Daraja looked at it: ask again after a short pause, not a full timeout.
    const askSoon = (throttled: boolean): void => void this.#askedAt.set(attempt.id, now() - resultTimeoutMs + backoff(1, retryBackoff, throttled));
    try {
      const outcome = await client.transactionStatus({
        originatorConversationId: attempt.originatorConversationId,
        // Daraja echoes Occasion in the result: it ties the answer to this attempt.
        occasion: attempt.originatorConversationId,
        remarks: 'Payment status check',
        resultUrl: source.callbackUrl('status-result'),
        queueTimeoutUrl: source.callbackUrl('timeout'),
      });
      switch (outcome.kind) {
        case 'accepted':
          this.#o.sharedRate.succeeded();
          this.#o.onQuerySent();
          this.#awaiting.add(attempt.id);
          recordStatusQuerySent(db, attempt.id);
          break;
        case 'throttled':
          this.#o.sharedRate.throttled();
          askSoon(true);
          break;
        case 'transient':
        case 'unknown':
        case 'duplicate':
          askSoon(false);
          break;
        case 'definitive':
          // A refused query tells nothing about the payment; it counts toward "needs attention".
          countUnansweredStatusQuery(db, attempt.id, new Date(now()).toISOString(), `query refused: ${outcome.error.code ?? 'no code'}`);
          break;
        default: {
          const never: never = outcome;
          throw new Error(`unhandled outcome ${String(never)}`);
        }
      }
    } catch (error) {
      log.error({ attemptId: attempt.id, err: error instanceof Error ? error.message : String(error) }, 'status query failed');
    } finally {
      this.#inFlight.delete(attempt.id);
      this.#o.onAnswer();
    }
  }
}
