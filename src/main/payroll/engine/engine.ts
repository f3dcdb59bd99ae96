// The payout engine: pays the items of running payroll runs exactly once (docs/money-safety.md#the-rules). SQLite is the
// truth; this class only decides what to do next. Sends go out through an adaptive rate limit
// and a concurrency cap; callbacks arrive through a CallbackSource and are applied from the inbox;
// unknown outcomes are settled by Transaction Status, never by a guess.
import type { DarajaClient } from '../../daraja';
import { backoff, type BackoffPolicy } from '../../daraja/backoff';
import type { ProfileDatabase } from '../../db';
import type { CallbackSource } from '../../callback-sources/inbox/source';
import { logger } from '../../log';
import { applyInboxEntry, defaultEvidencePolicy, engineKinds, type ApplyResult, type EvidencePolicy } from './apply';
import { listAttention, resolveItem, type AttentionItem, type Resolution, type ResolveOutcome } from './attention';
import {
  attemptsWhere,
  backToCreated,
  countUnansweredStatusQuery,
  markAccepted,
  markAcknowledged,
  markNeedsAttention,
  markRejected,
  markSending,
  markUnknown,
  openAttempt,
  type Attempt,
} from './attempts';
import { committedElsewhere, queryUtilityBalance, requireFloat, runFloatNeed } from './float-check';
import type { RunProgress } from './progress';
import { ProgressStream, type ProgressListener } from './progress-stream';
import { StatusChecks } from './status-checks';
import * as control from './run-control';
import { approveRequestedRetry } from '../retry-requests';
import type { RunApprover } from '../runs';
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
  /** Transaction Status codes read as "no such transaction" (REFERENCE §15.12). Default R000002, SFC_IC0003. */
  notFoundCodes?: readonly string[];
  /** Same-ID re-sends of one attempt after M-Pesa said it never saw it; past this a person decides. Default 2. */
  maxResends?: number;
  /** false: recover, apply callbacks and ask Transaction Status, but send no payment (a command that only settles). */
  sendPayments?: boolean;
  /**
   * Payments without an answer past the result timeout before the engine stops sending new ones,
   * when no callback at all has arrived for a result timeout (the relay or Daraja's callbacks are
   * down). Default: twice the concurrency, at least 10.
   */
  holdAfterUnanswered?: number;
  /** Longest wait between two status queries about a payment on the work list. Default one hour. */
  attentionMaxIntervalMs?: number;
}

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
  /** Same-ID re-sends after M-Pesa twice said it never saw a payment. */
  resends: number;
  /** Results that said M-Pesa was busy (throttling as a Result). */
  throttledResults: number;
}

const log = logger('payout');

export class PayoutEngine {
  readonly #db: ProfileDatabase;
  readonly #client: DarajaClient;
  readonly #source: CallbackSource;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sendRate: SendRate;
  #options: PayoutEngineOptions;
  readonly #retryBackoff: BackoffPolicy;
  /** Attempts whose request is on the wire (payment or status query). */
  readonly #sending = new Set<number>();
  /** Not before this time (ms): re-sends after a turned-away request, next status query per attempt. */
  readonly #resendAt = new Map<number, { at: number; tries: number }>();
  readonly #progress: ProgressStream;
  readonly #statusChecks: StatusChecks;
  readonly #counters: EngineCounters = {
    paymentRequests: 0,
    accepted: 0,
    throttled: 0,
    transient: 0,
    unknown: 0,
    duplicate: 0,
    rejected: 0,
    statusQueries: 0,
    resends: 0,
    throttledResults: 0,
  };
  readonly #policy: EvidencePolicy;
  readonly #sendPayments: boolean;
  readonly #holdAfter: number;
  /** When a callback was last stored (ms): while none arrive, nothing says anything about a payment. */
  #lastCallbackAt: number;
  /** Why sending is held (no answers are arriving), or null. */
  #held: string | null = null;
  #unsubscribe: (() => void) | null = null;
  #running = false;
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
    this.#retryBackoff = options.retryBackoff ?? {
      baseMs: 200,
      maxMs: 10_000,
      throttledFactor: 2,
      random: this.#random,
    };
    this.#policy = {
      resultTimeoutMs: options.resultTimeoutMs,
      notFoundCodes: options.notFoundCodes ?? defaultEvidencePolicy.notFoundCodes,
      maxResends: options.maxResends ?? defaultEvidencePolicy.maxResends,
    };
    this.#sendPayments = options.sendPayments ?? true;
    this.#holdAfter = options.holdAfterUnanswered ?? Math.max(10, options.concurrency * 2);
    this.#lastCallbackAt = this.#now();
    this.#progress = new ProgressStream(options.db, this.#now, 100, () => this.#held);
    this.#statusChecks = new StatusChecks({
      db: options.db,
      client: options.client,
      source: options.source,
      now: this.#now,
      ratePerSecond: options.statusQueryRate,
      sharedRate: this.#sendRate,
      resultTimeoutMs: options.resultTimeoutMs,
      maxQueries: options.maxStatusQueries ?? 8,
      ...(options.attentionMaxIntervalMs === undefined
        ? {}
        : { attentionMaxIntervalMs: options.attentionMaxIntervalMs }),
      retryBackoff: this.#retryBackoff,
      answersStopped: () => this.#held !== null,
      onQuerySent: () => void (this.#counters.statusQueries += 1),
      onAnswer: () => this.#poke(),
    });
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
  }

  /**
   * Takes a new send rate and concurrency while running: the next send obeys them, and nothing on
   * the wire, in the database or in the simulator is restarted (a save of the sending settings is
   * not a restart of the profile).
   */
  tune(settings: { rate?: number; concurrency?: number }): void {
    if (settings.concurrency !== undefined) {
      if (!Number.isInteger(settings.concurrency) || settings.concurrency < 1)
        throw new RangeError('concurrency must be a positive integer');
      this.#options = { ...this.#options, concurrency: settings.concurrency };
    }
    if (settings.rate !== undefined) this.#sendRate.reconfigure(settings.rate);
    this.#poke();
  }

  /** The concurrency in force now: how many payments may await M-Pesa's answer at once. */
  get concurrency(): number {
    return this.#options.concurrency;
  }

  /** The send rate in force now (requests per second), after AIMD. */
  get currentRate(): number {
    return this.#sendRate.current;
  }

  counters(): EngineCounters {
    return { ...this.#counters };
  }

  /** Why new payments are held back (no answers arriving from M-Pesa), or null while sending normally. */
  get held(): string | null {
    return this.#held;
  }

  /** Crash recovery, then applies every pending callback, then pays whatever runs are running. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#recover();
    this.#lastCallbackAt = this.#now();
    this.#unsubscribe = this.#source.onStored((ids) => {
      if (ids.length > 0) this.#lastCallbackAt = this.#now();
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
    while (this.#sending.size > 0 || this.#statusChecks.inFlight > 0) await this.#nextChange();
  }

  onProgress(listener: ProgressListener): () => void {
    return this.#progress.listen(listener);
  }

  /** Checks the float (Account Balance), then starts paying an approved run. */
  async startRun(runId: number, actor: string): Promise<void> {
    // Refused before the balance is asked: a run short of its approvals is not sent, whatever the float.
    control.requireStartable(this.#db, runId);
    const need = runFloatNeed(this.#db, runId);
    const available = await queryUtilityBalance(this.#db, this.#client, this.#source, this.#options.resultTimeoutMs);
    requireFloat(available, need, committedElsewhere(this.#db, runId));
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

  /** An approver other than the officer who asked approves the open retry request (retry-requests.ts). */
  /** Lines were queued again outside this engine's own calls (a refund sent again): look for work now. */
  wake(): void {
    this.#poke();
  }

  approveRequestedRetry(runId: number, approver: RunApprover): number {
    const { queued } = approveRequestedRetry(this.#db, runId, approver, new Date(this.#now()));
    this.#poke();
    return queued;
  }

  /** The needs-attention work list: payments nobody can settle without a person. */
  attention(runId?: number): AttentionItem[] {
    return listAttention(this.#db, runId);
  }

  /**
   * A person settles a payment on the work list: paid with a receipt (checked by Transaction
   * Status where M-Pesa answers), or failed with a reason (after Transaction Status is asked once
   * more whether it was paid). Audited; the run completes once nothing is open.
   */
  async resolveItem(itemId: number, resolution: Resolution, actor: string): Promise<ResolveOutcome> {
    const outcome = await resolveItem(
      {
        db: this.#db,
        client: this.#client,
        source: this.#source,
        now: this.#now,
        // Long enough for an answer Daraja takes its full result timeout over (bounded for a person waiting).
        waitMs: Math.min(Math.max(2 * this.#options.resultTimeoutMs, 3000), 150_000),
        apply: (inboxId) => this.#apply(inboxId),
      },
      itemId,
      resolution,
      actor,
    );
    // The run completes when nothing is open, whichever program cleared the last line.
    const run = this.#db.prepare('SELECT run_id AS id FROM payroll_items WHERE id = ?').get(itemId) as { id: number };
    control.completeIfDone(this.#db, run.id, this.#iso());
    this.#poke();
    return outcome;
  }

  /** Resolves when every item is paid, failed or cancelled, or waits for a person. */
  waitUntilFinal(runId: number): Promise<RunProgress> {
    const waiting = this.#progress.wait(runId);
    this.#poke();
    return waiting;
  }

  // ---- recovery and callbacks ----------------------------------------------------------------

  /**
   * After a crash: `created` attempts were never sent (or turned away unprocessed) and go out as
   * they are; `sending` ones may have reached M-Pesa and become unknown; `accepted` ones keep
   * waiting for their callback and are queried once overdue.
   */
  #recover(): void {
    const now = this.#iso();
    for (const attempt of attemptsWhere(this.#db, `a.state = 'sending'`))
      markUnknown(this.#db, attempt.id, 'interrupted', now);
  }

  #scanInbox(): void {
    const kinds = engineKinds.map(() => '?').join(', ');
    const pending = this.#db
      .prepare(`SELECT id FROM inbox WHERE applied = 0 AND flag IS NULL AND kind IN (${kinds}) ORDER BY id`)
      .all(...engineKinds) as Array<{ id: number }>;
    for (const { id } of pending) this.#apply(id);
  }

  #apply(inboxId: number): void {
    let result: ApplyResult;
    try {
      result = applyInboxEntry(this.#db, inboxId, this.#iso(), this.#policy);
    } catch (error) {
      // Left pending: the next start applies it again. The raw body is safe in the inbox.
      log.error({ inboxId, err: error instanceof Error ? error.message : String(error) }, 'callback not applied');
      return;
    }
    switch (result.kind) {
      case 'settled': {
        this.#statusChecks.forget(result.attemptId);
        this.#resendAt.delete(result.attemptId);
        // Results that came with an ID Mshahara did not know yet (Daraja's own OriginatorConversationID,
        // its synchronous answer lost) can be read now that Transaction Status named the payment.
        const known = this.#db
          .prepare('SELECT conversation_id AS id FROM payout_attempts WHERE id = ?')
          .get(result.attemptId) as { id: string | null } | undefined;
        if (known?.id) this.#reapplyUnmatched(known.id);
        break;
      }
      case 'resend':
        this.#counters.resends += 1;
        this.#statusChecks.forget(result.attemptId);
        break;
      case 'throttled': {
        // Throttling as a Result: slow down, and send the same ID again after a pause.
        this.#counters.throttledResults += 1;
        this.#sendRate.throttled();
        const tries = (this.#resendAt.get(result.attemptId)?.tries ?? 0) + 1;
        this.#resendAt.set(result.attemptId, { at: this.#now() + backoff(tries - 1, this.#retryBackoff, true), tries });
        this.#statusChecks.forget(result.attemptId);
        break;
      }
      case 'unknown':
      case 'attention':
        this.#statusChecks.forget(result.attemptId);
        break;
      case 'status-unanswered':
        // An answer that settles nothing counts like no answer toward the work list.
        countUnansweredStatusQuery(this.#db, result.attemptId, this.#iso(), 'an answer that settles nothing');
        this.#statusChecks.answered(result.attemptId);
        break;
      case 'balance':
      case 'finding':
      case 'flagged':
      case 'recorded':
      case 'lookup-answered':
      case 'checking':
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
    // A step woken by a timer may change states too (an attempt now waits for a person, a run
    // closes): it counts as a change, so waiters see it. An idle engine still sleeps: the report
    // clears the mark once every run is reported.
    this.#progress.changed();
    let next = Infinity;
    this.#held = this.#holdReason();
    if (this.#sendPayments && this.#held === null) next = Math.min(next, this.#startSends());
    next = Math.min(next, this.#statusChecks.start());
    this.#closeFinishedRuns();
    next = Math.min(next, this.#progress.report());
    return next;
  }

  #startSends(): number {
    let next = Infinity;
    const free = this.#options.concurrency - this.#sending.size;
    if (free <= 0) return next;
    const now = this.#now();
    // Re-sends first (same attempt, same ID), then fresh items in run and line order.
    const resends = attemptsWhere(
      this.#db,
      `a.state = 'created' AND a.needs_attention = 0 AND i.run_id IN (SELECT id FROM payroll_runs WHERE state = 'running') ORDER BY a.id LIMIT ?`,
      free + this.#sending.size + this.#resendAt.size,
    );
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
    this.#progress.sent();
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
          if (attempt.acknowledged || attempt.resends > 0 || attempt.state === 'created') {
            // A refused RE-send says nothing about the first send, which M-Pesa may have paid: a
            // person decides; "retry failed" must never send a new ID on top of it.
            const reason = `M-Pesa refused sending it again (${outcome.error.code ?? 'no code'}: ${outcome.error.message}); the first request may have been paid`;
            this.#db
              .transaction(() => {
                markUnknown(this.#db, attempt.id, reason, now);
                markNeedsAttention(this.#db, attempt.id, reason, now);
              })
              .immediate();
          } else {
            markRejected(this.#db, attempt.id, outcome.error.code ?? 'mshahara.refused', outcome.error.message, now);
          }
          break;
        case 'unknown':
          markUnknown(this.#db, attempt.id, `${outcome.error.code}: ${outcome.error.message}`, now);
          break;
        case 'duplicate':
          // Daraja already has this OriginatorConversationID: whatever became of it, Transaction Status tells.
          this.#db
            .transaction(() => {
              markAcknowledged(this.#db, attempt.id, null);
              markUnknown(
                this.#db,
                attempt.id,
                `Daraja already has this OriginatorConversationID (${outcome.error.code})`,
                now,
              );
            })
            .immediate();
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
      log.error(
        { attemptId: attempt.id, err: error instanceof Error ? error.message : String(error) },
        'payment send failed',
      );
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

  /**
   * Sending stops while answers have stopped coming: many payments overdue and not one callback
   * for a whole result timeout (the relay is down, or Daraja's callbacks are not reaching it).
   * Each new payment would only add to what nobody can vouch for. It resumes when answers return.
   */
  #holdReason(): string | null {
    const now = this.#now();
    if (now - this.#lastCallbackAt < this.#options.resultTimeoutMs) return null;
    const overdue = new Date(now - this.#options.resultTimeoutMs).toISOString();
    const row = this.#db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM payout_attempts WHERE state = 'accepted' AND accepted_at <= ? AND needs_attention = 0)
              + (SELECT COUNT(*) FROM payout_attempts WHERE state = 'unknown' AND needs_attention = 0) AS n`,
      )
      .get(overdue) as { n: number };
    if (row.n < this.#holdAfter) return null;
    const seconds = Math.round((now - this.#lastCallbackAt) / 1000);
    return `Sending is paused: ${row.n} payments have had no answer from M-Pesa and no answer at all has arrived for ${seconds} s (is the relay reachable?). It resumes when answers come back.`;
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

  // ---- small helpers --------------------------------------------------------------------------

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }

  #poke(): void {
    this.#progress.changed();
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
