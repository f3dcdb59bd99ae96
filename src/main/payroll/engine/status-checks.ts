// Transaction Status for payments nobody can vouch for: attempts `unknown` (lost answer, crash,
// queue timeout, a "duplicate" answer) and `accepted` ones whose Result is overdue, each asked no
// sooner than the result timeout after its last send (M-Pesa may process a payment some time after
// accepting it). Every query is recorded before it leaves, so its answer is tied to it
// (status-queries.ts). Queries have their own small rate inside the app's Daraja budget.
//
// After `maxQueries` queries that went unanswered while answers were reaching this process, the
// attempt goes on a person's work list; it is never re-sent on a guess (docs/money-safety.md). The
// work list is asked about again on a slow backoff, and again after every restart, so an answer
// that comes late still settles it. A query whose answer could not arrive (this process stopped,
// or the engine holds sending because no callback at all is arriving) counts for nothing.
import type { DarajaClient } from '../../daraja';
import { backoff, type BackoffPolicy } from '../../daraja/backoff';
import type { ProfileDatabase } from '../../db';
import type { CallbackSource } from '../../callback-sources/inbox/source';
import { logger } from '../../log';
import {
  attemptsWhere,
  countUnansweredStatusQuery,
  markNeedsAttention,
  recordStatusQuerySent,
  type Attempt,
} from './attempts';
import { SendRate, takeFromAll } from './rate';
import { recordQueryAccepted, recordQueryAnswer, recordQueryAsked } from './status-queries';

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
  /** Longest wait between two queries about an attempt on the work list. */
  attentionMaxIntervalMs?: number;
  retryBackoff: BackoffPolicy;
  /** True while no answers at all are arriving (the engine holds sending): a missing answer then says nothing about one payment. */
  answersStopped: () => boolean;
  onQuerySent: () => void;
  /** A query's synchronous answer was recorded. */
  onAnswer: () => void;
}

const log = logger('payout');

export class StatusChecks {
  readonly #o: StatusChecksOptions;
  readonly #rate: SendRate;
  readonly #inFlight = new Set<number>();
  /** When each attempt was last asked about (ms); in memory, so a restart asks again once due. */
  readonly #askedAt = new Map<number, number>();
  /** Attempts whose last query Daraja accepted in this process, answer still awaited. */
  readonly #awaiting = new Set<number>();
  /** Queries made about each work-list attempt in this process (its backoff step). */
  readonly #attentionAsks = new Map<number, number>();

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
    this.#attentionAsks.delete(attemptId);
  }

  /** An answer came that settles nothing: the attempt is asked again a result timeout after this query. */
  answered(attemptId: number): void {
    this.#awaiting.delete(attemptId);
  }

  /** Sends the queries that are due; returns ms until the next one may be. */
  start(): number {
    const { db, resultTimeoutMs } = this.#o;
    const now = this.#o.now();
    let next = Infinity;
    const overdue = new Date(now - resultTimeoutMs).toISOString();
    // Simple queries so each reads the (state, accepted_at) index, not every attempt ever made.
    const due = [
      ...attemptsWhere(
        db,
        `a.state = 'unknown' AND a.needs_attention = 0 AND (a.sent_at IS NULL OR a.sent_at <= ?) ORDER BY a.id LIMIT 500`,
        overdue,
      ),
      ...attemptsWhere(
        db,
        `a.state = 'accepted' AND a.accepted_at <= ? AND a.needs_attention = 0 ORDER BY a.id LIMIT 500`,
        overdue,
      ),
      ...attemptsWhere(db, `a.state IN ('unknown', 'accepted') AND a.needs_attention = 1 ORDER BY a.id LIMIT 200`),
    ];
    for (const attempt of due) {
      if (this.#inFlight.has(attempt.id)) continue;
      const asked = this.#askedAt.get(attempt.id);
      const interval = attempt.needsAttention ? this.#attentionInterval(attempt.id) : resultTimeoutMs;
      if (asked !== undefined && now - asked < interval) {
        next = Math.min(next, asked + interval - now);
        continue;
      }
      if (!attempt.needsAttention) {
        let unanswered = attempt.statusQueries;
        // A missing answer says something about this payment only while answers are reaching us.
        if (this.#awaiting.delete(attempt.id) && !this.#o.answersStopped()) {
          unanswered = countUnansweredStatusQuery(
            db,
            attempt.id,
            new Date(now).toISOString(),
            'no answer within the result timeout',
          );
        }
        if (unanswered >= this.#o.maxQueries) {
          markNeedsAttention(
            db,
            attempt.id,
            `No answer after ${unanswered} Transaction Status queries`,
            new Date(now).toISOString(),
          );
          continue;
        }
      }
      const wait = takeFromAll(this.#rate, this.#o.sharedRate);
      if (wait > 0) return Math.min(next, wait);
      if (attempt.needsAttention) this.#attentionAsks.set(attempt.id, (this.#attentionAsks.get(attempt.id) ?? 0) + 1);
      void this.#ask(attempt);
    }
    // The next unknown attempt that becomes due, and the next accepted one whose Result becomes overdue.
    const row = db
      .prepare(
        `SELECT MIN(t) AS at FROM (
           SELECT MIN(accepted_at) AS t FROM payout_attempts WHERE state = 'accepted' AND accepted_at > ? AND needs_attention = 0
           UNION ALL SELECT MIN(sent_at) FROM payout_attempts WHERE state = 'unknown' AND sent_at > ? AND needs_attention = 0)`,
      )
      .get(overdue, overdue) as { at: string | null };
    if (row.at !== null) next = Math.min(next, Math.max(1, Date.parse(row.at) + resultTimeoutMs - now));
    return next;
  }

  /** Work-list attempts are asked about on a doubling interval, up to a ceiling (an hour by default). */
  #attentionInterval(attemptId: number): number {
    const asks = this.#attentionAsks.get(attemptId) ?? 0;
    const ceiling = this.#o.attentionMaxIntervalMs ?? 3_600_000;
    return Math.min(ceiling, this.#o.resultTimeoutMs * 2 ** Math.min(asks + 1, 20));
  }

  /** Transaction Status on the attempt's OriginatorConversationID; the answer arrives as a callback. */
  async #ask(attempt: Attempt): Promise<void> {
    const { db, client, source, now, resultTimeoutMs, retryBackoff } = this.#o;
    this.#inFlight.add(attempt.id);
    const askedAt = now();
    this.#askedAt.set(attempt.id, askedAt);
    // Turned away before Daraja looked at it: ask again after a short pause, not a full timeout.
    const askSoon = (throttled: boolean): void =>
      void this.#askedAt.set(attempt.id, now() - resultTimeoutMs + backoff(1, retryBackoff, throttled));
    let queryId: number | null = null;
    try {
      // Written before it leaves, so its answer can be tied to it.
      queryId = recordQueryAsked(db, attempt, new Date(askedAt).toISOString());
      const outcome = await client.transactionStatus({
        originatorConversationId: attempt.originatorConversationId,
        // Daraja echoes Occasion in the result: a second tie from the answer to this attempt.
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
          recordQueryAccepted(db, queryId, outcome.value.conversationId, outcome.value.originatorConversationId);
          recordStatusQuerySent(db, attempt.id);
          break;
        case 'throttled':
          this.#o.sharedRate.throttled();
          recordQueryAnswer(db, queryId, 'refused', outcome.error.code ?? null, null, new Date(now()).toISOString());
          askSoon(true);
          break;
        case 'transient':
        case 'unknown':
        case 'duplicate':
          // Asked again soon; each such refusal still counts, so a query Daraja never takes ends on the work list.
          recordQueryAnswer(db, queryId, 'refused', outcome.error.code ?? null, null, new Date(now()).toISOString());
          if (!attempt.needsAttention)
            countUnansweredStatusQuery(
              db,
              attempt.id,
              new Date(now()).toISOString(),
              `query not taken: ${outcome.error.code ?? outcome.kind}`,
            );
          askSoon(false);
          break;
        case 'definitive':
          // A refused query tells nothing about the payment; it counts toward the work list.
          recordQueryAnswer(db, queryId, 'refused', outcome.error.code ?? null, null, new Date(now()).toISOString());
          if (!attempt.needsAttention)
            countUnansweredStatusQuery(
              db,
              attempt.id,
              new Date(now()).toISOString(),
              `query refused: ${outcome.error.code ?? 'no code'}`,
            );
          break;
        default: {
          const never: never = outcome;
          throw new Error(`unhandled outcome ${String(never)}`);
        }
      }
    } catch (error) {
      log.error(
        { attemptId: attempt.id, queryId, err: error instanceof Error ? error.message : String(error) },
        'status query failed',
      );
    } finally {
      this.#inFlight.delete(attempt.id);
      this.#o.onAnswer();
    }
  }
}
