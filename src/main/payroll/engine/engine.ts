// The payout engine: pays the items of running payroll runs exactly once (DESIGN §4). SQLite is the
// truth; this class only decides what to do next. Sends go out through an adaptive rate limit
// and a concurrency cap; callbacks arrive through a CallbackSource and are applied from the inbox;
// unknown outcomes are settled by Transaction Status, never by a guess.
import type { DarajaClient } from '../../daraja';
import { backoff, type BackoffPolicy } from '../../daraja/backoff';
import type { ProfileDatabase } from '../../db';
import type { CallbackSource } from '../../inbox/source';
import { logger } from '../../log';
import { UnavailableError } from '../../../shared/errors';
import { applyInboxEntry, engineKinds, type ApplyResult } from './apply';
import { attemptsWhere, backToCreated, countStatusQuery, markAccepted, markNeedsAttention, markRejected, markSending, markUnknown, openAttempt, type Attempt } from './attempts';
import { requireFloat, runFloatNeed, utilityFromQuery } from './float-check';
import { runIsSettled, runProgress, type RunProgress } from './progress';
import * as control from './run-control';
import { SendRate } from './rate';

export interface PayoutEngineOptions {
  db: ProfileDatabase;
  client: DarajaClient;
  source: CallbackSource;
  /** The paying B2C shortcode (for the record; the client carries it to Daraja). */
  shortcode: string;
  /** Payment requests per second (the token bucket's rate; AIMD never goes above it). */
  rate: number;
  /** Most payment requests waiting for an answer at once. */
  concurrency: number;
  /** Milliseconds since the epoch. */
  clock?: () => number;
  /** For OriginatorConversationIDs and jitter; seeded in tests. */
  random?: () => number;
  /** How long to wait for a Result (or a status result) before asking Transaction Status (again). */
  resultTimeoutMs: number;
  /** Transaction Status queries per second: their own small budget. */
  statusQueryRate: number;
  /** Queries without an answer before an attempt waits for a person. Default 8. */
  maxStatusQueries?: number;
  /** Waits between re-sends of a request Daraja turned away unprocessed. */
  retryBackoff?: BackoffPolicy;
}

export type ProgressListener = (progress: RunProgress) => void;

/** What the engine has seen since it started: for progress screens, logs and benchmarks. */
export interface EngineCounters {
  paymentRequests: number;
  accepted: number;
  throttled: number;
  transient: number;
  unknown: number;
  duplicate: number;
  rejected: number;
  statusQueries: number;
}

const log = logger('payout');
const progressIntervalMs = 100;

export class PayoutEngine {
  readonly #db: ProfileDatabase;
  readonly #client: DarajaClient;
  readonly #source: CallbackSource;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sendRate: SendRate;
  readonly #statusRate: SendRate;
  readonly #options: PayoutEngineOptions;
  readonly #maxStatusQueries: number;
  readonly #retryBackoff: BackoffPolicy;
  /** Attempts whose request is on the wire (payment or status query). */
  readonly #sending = new Set<number>();
  readonly #querying = new Set<number>();
  /** Not before this time (ms): re-sends after a turned-away request, next status query per attempt. */
  readonly #resendAt = new Map<number, { at: number; tries: number }>();
  readonly #queriedAt = new Map<number, number>();
  readonly #progressListeners = new Set<ProgressListener>();
  readonly #waiters: Array<{ runId: number; resolve: (p: RunProgress) => void }> = [];
  readonly #balanceWaiters = new Map<string, () => void>();
  readonly #sentTimes: number[] = [];
  readonly #lastProgressAt = new Map<number, number>();
  readonly #counters: EngineCounters = { paymentRequests: 0, accepted: 0, throttled: 0, transient: 0, unknown: 0, duplicate: 0, rejected: 0, statusQueries: 0 };
  #unsubscribe: (() => void) | null = null;
  #running = false;
  /** Something changed since progress was last reported. */
  #dirty = true;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: PayoutEngineOptions) {
    this.#options = options;
    this.#db = options.db;
    this.#client = options.client;
    this.#source = options.source;
    this.#now = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#sendRate = new SendRate({ ratePerSecond: options.rate, now: this.#now });
    this.#statusRate = new SendRate({ ratePerSecond: options.statusQueryRate, now: this.#now });
    this.#maxStatusQueries = options.maxStatusQueries ?? 8;
    this.#retryBackoff = options.retryBackoff ?? { baseMs: 200, maxMs: 10_000, throttledFactor: 2, random: this.#random };
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  }

  /** The send rate in force now (requests per second), after AIMD. */
  get currentRate(): number {
    return this.#sendRate.current;
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  /** Crash recovery, then applies every pending callback, then pays whatever runs are running. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#recover();
    this.#unsubscribe = this.#source.onStored((ids) => {
      for (const id of ids) this.#apply(id);
      this.#poke();
    });
    this.#scanInbox();
    this.#loop = this.#run();
  }

  /** Stops sending; resolves once every request on the wire has its answer recorded. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#poke();
    await this.#loop;
    while (this.#sending.size > 0 || this.#querying.size > 0) await this.#nextChange();
  }

  onProgress(listener: ProgressListener): () => void {
    this.#progressListeners.add(listener);
    return () => this.#progressListeners.delete(listener);
  }

  /** Checks the float (Account Balance), then starts paying an approved run. */
  async startRun(runId: number, actor: string): Promise<void> {
    const need = runFloatNeed(this.#db, runId);
    const available = await this.#queryUtilityBalance();
    requireFloat(available, need);
    control.beginRun(this.#db, runId, actor, this.#iso());
    this.#poke();
  }

  pauseRun(runId: number, actor: string): void {
    control.pauseRun(this.#db, runId, actor);
    this.#poke();
  }

  resumeRun(runId: number, actor: string): void {
    control.resumeRun(this.#db, runId, actor);
    this.#poke();
  }

  cancelRun(runId: number, actor: string): { cancelledItems: number } {
    const result = control.cancelRun(this.#db, runId, actor, this.#iso());
    this.#poke();
    return result;
  }

  approveRetry(runId: number, actor: string): number {
    const queued = control.approveRetry(this.#db, runId, actor, this.#iso());
    this.#poke();
    return queued;
  }

  /** Resolves when every item is paid, failed or cancelled, or waits for a person. */
  waitUntilFinal(runId: number): Promise<RunProgress> {
    const progress = runProgress(this.#db, runId);
    if (runIsSettled(progress)) return Promise.resolve(progress);
    return new Promise((resolve) => {
      this.#waiters.push({ runId, resolve });
      this.#poke();
    });
  }

  // ---- recovery and callbacks ----------------------------------------------------------------

  /**
   * After a crash: `created` attempts were never sent (or turned away unprocessed) and go out as
   * they are; `sending` ones may have reached M-Pesa and become unknown; `accepted` ones keep
   * waiting for their callback and are queried once overdue.
   */
  #recover(): void {
    const now = this.#iso();
    for (const attempt of attemptsWhere(this.#db, `a.state = 'sending'`)) markUnknown(this.#db, attempt.id, 'interrupted', now);
  }

  #scanInbox(): void {
    const kinds = engineKinds.map(() => '?').join(', ');
    const pending = this.#db.prepare(`SELECT id FROM inbox WHERE applied = 0 AND flag IS NULL AND kind IN (${kinds}) ORDER BY id`).all(...engineKinds) as Array<{ id: number }>;
    for (const { id } of pending) this.#apply(id);
  }

  #apply(inboxId: number): void {
    let result: ApplyResult;
    try {
      result = applyInboxEntry(this.#db, inboxId, this.#iso());
    } catch (error) {
      // Left pending: the next start applies it again. The raw body is safe in the inbox.
      log.error({ inboxId, err: error instanceof Error ? error.message : String(error) }, 'callback not applied');
      return;
    }
    switch (result.kind) {
      case 'settled':
        this.#queriedAt.delete(result.attemptId);
        this.#resendAt.delete(result.attemptId);
        break;
      case 'resend':
        this.#queriedAt.delete(result.attemptId);
        break;
      case 'unknown':
        this.#queriedAt.delete(result.attemptId);
        break;
      case 'status-unanswered':
        break;
      case 'balance':
        this.#balanceWaiters.get(result.conversationId)?.();
        break;
      case 'flagged':
      case 'not-mine':
      case 'already-done':
        break;
      default: {
        const never: never = result;
        throw new Error(`unhandled apply result ${String(never)}`);
      }
    }
  }

  // ---- the loop -------------------------------------------------------------------------------

  async #run(): Promise<void> {
    while (this.#running) {
      let delay: number;
      try {
        delay = this.#step();
      } catch (error) {
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'payout step failed');
        delay = 1000;
      }
      if (!this.#running) break;
      await this.#sleep(delay);
    }
  }

  /** Starts whatever may start now; returns ms until something new may be due. */
  #step(): number {
    let next = Infinity;
    next = Math.min(next, this.#startSends());
    next = Math.min(next, this.#startStatusQueries());
    this.#closeFinishedRuns();
    next = Math.min(next, this.#report());
    return next;
  }

  #startSends(): number {
    let next = Infinity;
    const free = this.#options.concurrency - this.#sending.size;
    if (free <= 0) return next;
    const now = this.#now();
    // Re-sends first (same attempt, same ID), then fresh items in run and line order.
    const resends = attemptsWhere(this.#db, `a.state = 'created' AND i.run_id IN (SELECT id FROM payroll_runs WHERE state = 'running') ORDER BY a.id LIMIT ?`, free + this.#sending.size + this.#resendAt.size);
    const work: Array<{ attempt?: Attempt; itemId?: number }> = [];
    for (const attempt of resends) {
      if (this.#sending.has(attempt.id)) continue;
      const wait = this.#resendAt.get(attempt.id);
      if (wait && wait.at > now) {
        next = Math.min(next, wait.at - now);
        continue;
      }
      work.push({ attempt });
    }
    if (work.length < free) {
      const items = this.#db
        .prepare(
          `SELECT i.id FROM payroll_items i JOIN payroll_runs r ON r.id = i.run_id
           WHERE r.state = 'running' AND i.state = 'queued' ORDER BY i.run_id, i.id LIMIT ?`,
        )
        .all(free - work.length) as Array<{ id: number }>;
      for (const item of items) work.push({ itemId: item.id });
    }
    for (const job of work) {
      if (this.#sending.size >= this.#options.concurrency) break;
      const wait = this.#sendRate.take();
      if (wait > 0) return Math.min(next, wait);
      let attempt: Attempt | null;
      if (job.attempt) {
        attempt = markSending(this.#db, job.attempt.id, this.#iso()) ? job.attempt : null;
      } else {
        attempt = openAttempt(this.#db, job.itemId!, this.#iso(), this.#random);
      }
      if (!attempt) continue;
      void this.#send(attempt);
    }
    return next;
  }

  /** One payment request. The attempt is committed as `sending` before this is called (invariant 1). */
  async #send(attempt: Attempt): Promise<void> {
    this.#sending.add(attempt.id);
    this.#sentTimes.push(this.#now());
    this.#counters.paymentRequests += 1;
    try {
      const outcome = await this.#client.b2cPayment({
        originatorConversationId: attempt.originatorConversationId,
        commandId: attempt.commandId,
        amountCents: attempt.amountCents,
        party: attempt.phone,
        remarks: remarksFor(attempt),
        resultUrl: this.#source.callbackUrl('b2c-result'),
        queueTimeoutUrl: this.#source.callbackUrl('b2c-timeout'),
      });
      const now = this.#iso();
      this.#counters[outcome.kind === 'definitive' ? 'rejected' : outcome.kind] += 1;
      switch (outcome.kind) {
        case 'accepted':
          this.#sendRate.succeeded();
          this.#resendAt.delete(attempt.id);
          markAccepted(this.#db, attempt.id, outcome.value.conversationId, now);
          this.#reapplyUnmatched(outcome.value.conversationId);
          break;
        case 'definitive':
          markRejected(this.#db, attempt.id, outcome.error.code ?? 'mshahara.refused', outcome.error.message, now);
          break;
        case 'unknown':
          markUnknown(this.#db, attempt.id, `${outcome.error.code}: ${outcome.error.message}`, now);
          break;
        case 'duplicate':
          // Daraja already has this OriginatorConversationID: whatever became of it, Transaction Status tells.
          markUnknown(this.#db, attempt.id, `Daraja already has this OriginatorConversationID (${outcome.error.code})`, now);
          break;
        case 'throttled':
        case 'transient': {
          if (outcome.kind === 'throttled') this.#sendRate.throttled();
          const tries = (this.#resendAt.get(attempt.id)?.tries ?? 0) + 1;
          const delay = backoff(tries - 1, this.#retryBackoff, outcome.kind === 'throttled');
          this.#resendAt.set(attempt.id, { at: this.#now() + delay, tries });
          backToCreated(this.#db, attempt.id, `${outcome.kind}: ${outcome.error.code}`, now);
          break;
        }
        default: {
          const never: never = outcome;
          throw new Error(`unhandled outcome ${String(never)}`);
        }
      }
    } catch (error) {
      // Something in Mshahara itself broke after the request may have left: treat it as unknown.
      log.error({ attemptId: attempt.id, err: error instanceof Error ? error.message : String(error) }, 'payment send failed');
      markUnknown(this.#db, attempt.id, 'Mshahara failed while waiting for the answer', this.#iso());
    } finally {
      this.#sending.delete(attempt.id);
      this.#poke();
    }
  }

  /** A Result that arrived before its ConversationID was recorded was flagged unmatched; look again. */
  #reapplyUnmatched(conversationId: string): void {
    const rows = this.#db
      .prepare(`SELECT id FROM inbox WHERE flag = 'unmatched' AND kind = 'b2c-result' AND instr(body, ?) > 0`)
      .all(conversationId) as Array<{ id: number }>;
    for (const row of rows) {
      this.#db.prepare(`UPDATE inbox SET flag = NULL, reason = NULL, processed_at = NULL WHERE id = ?`).run(row.id);
      this.#apply(row.id);
    }
  }

  #startStatusQueries(): number {
    let next = Infinity;
    const now = this.#now();
    const overdue = new Date(now - this.#options.resultTimeoutMs).toISOString();
    // Two simple queries so each reads the partial state index, not every attempt ever made.
    const candidates = [
      ...attemptsWhere(this.#db, `a.state = 'unknown' AND a.needs_attention = 0 ORDER BY a.id LIMIT 500`),
      ...attemptsWhere(this.#db, `a.state = 'accepted' AND a.accepted_at <= ? AND a.needs_attention = 0 ORDER BY a.id LIMIT 500`, overdue),
    ];
    for (const attempt of candidates) {
      if (this.#querying.has(attempt.id)) continue;
      const last = this.#queriedAt.get(attempt.id);
      if (last !== undefined && now - last < this.#options.resultTimeoutMs) {
        next = Math.min(next, last + this.#options.resultTimeoutMs - now);
        continue;
      }
      if (attempt.statusQueries >= this.#maxStatusQueries) {
        markNeedsAttention(this.#db, attempt.id, `No answer after ${attempt.statusQueries} Transaction Status queries`, this.#iso());
        continue;
      }
      const wait = this.#statusRate.take();
      if (wait > 0) return Math.min(next, wait);
      void this.#query(attempt);
    }
    if (candidates.length === 0) {
      // The next accepted attempt to become overdue.
      const row = this.#db.prepare(`SELECT MIN(accepted_at) AS at FROM payout_attempts WHERE state = 'accepted' AND needs_attention = 0`).get() as { at: string | null };
      if (row.at !== null) next = Math.min(next, Math.max(1, Date.parse(row.at) + this.#options.resultTimeoutMs - now));
    }
    return next;
  }

  /** Transaction Status on the attempt's OriginatorConversationID; the answer arrives as a callback. */
  async #query(attempt: Attempt): Promise<void> {
    this.#querying.add(attempt.id);
    this.#queriedAt.set(attempt.id, this.#now());
    try {
      const outcome = await this.#client.transactionStatus({
        originatorConversationId: attempt.originatorConversationId,
        // Daraja echoes Occasion in the result: it ties the answer to this attempt.
        occasion: attempt.originatorConversationId,
        remarks: 'Payment status check',
        resultUrl: this.#source.callbackUrl('status-result'),
        queueTimeoutUrl: this.#source.callbackUrl('timeout'),
      });
      switch (outcome.kind) {
        case 'accepted':
          this.#counters.statusQueries += 1;
          countStatusQuery(this.#db, attempt.id, this.#iso());
          break;
        case 'throttled':
          this.#statusRate.throttled();
          this.#queriedAt.set(attempt.id, this.#now() - this.#options.resultTimeoutMs + backoff(1, this.#retryBackoff, true));
          break;
        case 'transient':
        case 'unknown':
        case 'duplicate':
          this.#queriedAt.set(attempt.id, this.#now() - this.#options.resultTimeoutMs + backoff(1, this.#retryBackoff));
          break;
        case 'definitive':
          // A refused query tells nothing about the payment; it counts toward "needs attention".
          countStatusQuery(this.#db, attempt.id, this.#iso());
          break;
        default: {
          const never: never = outcome;
          throw new Error(`unhandled outcome ${String(never)}`);
        }
      }
    } catch (error) {
      log.error({ attemptId: attempt.id, err: error instanceof Error ? error.message : String(error) }, 'status query failed');
    } finally {
      this.#querying.delete(attempt.id);
      this.#poke();
    }
  }

  async #queryUtilityBalance(): Promise<number> {
    // A lost balance callback is harmless: ask again, a few times, before giving up.
    for (let tryNumber = 1; tryNumber <= 3; tryNumber++) {
      const outcome = await this.#client.accountBalance({
        remarks: 'Float check before a payroll run',
        resultUrl: this.#source.callbackUrl('balance-result'),
        queueTimeoutUrl: this.#source.callbackUrl('timeout'),
      });
      if (outcome.kind === 'definitive') throw outcome.error;
      if (outcome.kind !== 'accepted') continue;
      const conversationId = outcome.value.conversationId;
      const arrived = new Promise<void>((resolve) => this.#balanceWaiters.set(conversationId, resolve));
      if (utilityFromQuery(this.#db, conversationId) === null) {
        await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, this.#options.resultTimeoutMs).unref())]);
      }
      this.#balanceWaiters.delete(conversationId);
      const available = utilityFromQuery(this.#db, conversationId);
      if (available !== null) return available;
    }
    throw new UnavailableError('M-Pesa did not report the account balance; the run was not started. Try again in a moment.');
  }

  // ---- runs, progress, waiting ----------------------------------------------------------------

  #closeFinishedRuns(): void {
    // A cancelled run's attempt sent back to `created` (Daraja never processed it) is closed, not sent.
    const cancelledWithUnsent = this.#db
      .prepare(
        `SELECT DISTINCT i.run_id AS id FROM payout_attempts a CROSS JOIN payroll_items i ON i.id = a.item_id JOIN payroll_runs r ON r.id = i.run_id
         WHERE a.state = 'created' AND r.state = 'cancelled'`,
      )
      .all() as Array<{ id: number }>;
    for (const { id } of cancelledWithUnsent) control.closeUnsentAttempts(this.#db, id, this.#iso());
    // Only runs with nothing left open; the close itself re-checks inside its transaction.
    const running = this.#db
      .prepare(
        `SELECT r.id FROM payroll_runs r WHERE r.state = 'running'
           AND NOT EXISTS (SELECT 1 FROM payroll_items i WHERE i.run_id = r.id AND i.state IN ('draft', 'queued', 'paying'))`,
      )
      .all() as Array<{ id: number }>;
    for (const { id } of running) control.completeIfDone(this.#db, id, this.#iso());
  }

  /**
   * Progress events and waiters, at most every `progressIntervalMs` per run (counting items on
   * every step would cost more than paying them); returns when the next report is due.
   */
  #report(): number {
    const now = this.#now();
    let next = Infinity;
    if (!this.#dirty) return next;
    let skipped = false;
    while (this.#sentTimes.length > 0 && this.#sentTimes[0]! < now - 5000) this.#sentTimes.shift();
    const active = new Set<number>(this.#waiters.map((w) => w.runId));
    if (this.#progressListeners.size > 0) {
      const rows = this.#db.prepare(`SELECT id FROM payroll_runs WHERE state IN ('running', 'paused') OR finished_at >= ? OR cancelled_at >= ?`).all(new Date(now - 2000).toISOString(), new Date(now - 2000).toISOString()) as Array<{ id: number }>;
      for (const row of rows) active.add(row.id);
    }
    for (const runId of active) {
      const last = this.#lastProgressAt.get(runId) ?? 0;
      if (now - last < progressIntervalMs) {
        skipped = true;
        next = Math.min(next, last + progressIntervalMs - now);
        continue;
      }
      const progress = this.#progressOf(runId);
      const settled = runIsSettled(progress);
      this.#lastProgressAt.set(runId, now);
      for (const listener of this.#progressListeners) {
        try {
          listener(progress);
        } catch (error) {
          // A screen's bug must not stop payments.
          log.warn({ err: error instanceof Error ? error.message : String(error) }, 'progress listener failed');
        }
      }
      if (settled) {
        for (let i = this.#waiters.length - 1; i >= 0; i--) {
          const waiter = this.#waiters[i]!;
          if (waiter.runId !== runId) continue;
          this.#waiters.splice(i, 1);
          waiter.resolve(progress);
        }
      }
    }
    // Reported everything that changed; an idle engine then sleeps until the next event.
    if (!skipped) this.#dirty = false;
    return next;
  }

  #progressOf(runId: number): RunProgress {
    const progress = runProgress(this.#db, runId);
    const windowMs = Math.min(5000, Math.max(1, this.#sentTimes.length > 0 ? this.#now() - this.#sentTimes[0]! : 0));
    const sentPerSecond = this.#sentTimes.length === 0 ? 0 : (this.#sentTimes.length * 1000) / Math.max(windowMs, 1000);
    const left = progress.counts.queued + progress.counts.draft;
    return { ...progress, sentPerSecond, etaSeconds: left === 0 ? null : sentPerSecond > 0 ? left / sentPerSecond : null };
  }

  // ---- small helpers --------------------------------------------------------------------------

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }

  #poke(): void {
    this.#dirty = true;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        if (this.#timer) clearTimeout(this.#timer);
        this.#timer = null;
        this.#wake = null;
        resolve();
      };
      this.#wake = done;
      if (Number.isFinite(ms)) this.#timer = setTimeout(done, Math.max(1, ms));
    });
  }

  /** Resolves at the next recorded answer (used by stop to drain). */
  #nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.#wake;
      this.#wake = () => {
        previous?.();
        resolve();
      };
    });
  }
}

function remarksFor(attempt: Attempt): string {
  const text = attempt.remarks?.trim();
  return text && text.length >= 2 ? text.slice(0, 100) : 'Salary payment';
}
