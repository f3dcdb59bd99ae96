// Drives money coming in while a profile is open: asks STK Push Query about prompts no callback has
// answered (the fallback to the callback), and asks Transaction Status about each C2B confirmation
// before it is recorded. Both on throttled schedules for the whole profile (the sandbox allows about
// five STK queries a minute) with a growing gap per request, and a limit after which a person
// decides. An STK success whose IDs no request has is recorded for a push whose answer was lost
// only once Transaction Status confirms it (stk-unmatched.ts), asked on the checks' schedule.
// Everything it needs is in the database, so after a restart it picks up where it was.
import type { CallbackSource } from '../callback-sources/inbox/source';
import type { DarajaClient } from '../daraja';
import { parseCallback } from '../daraja/callbacks';
import type { ProfileDatabase } from '../db';
import { appendAudit } from '../ledger/audit';
import { logger } from '../log';
import { askTransactionStatus } from '../lookups/ask-status';
import { checksWhere, noteCheckTry, rememberShortcodes, trackConfirmation } from './received-checks';
import { customerAnswerWords } from './stk-callback';
import { confirmWaitingSuccess, waitingSuccesses } from './stk-unmatched';
import { moveRequest, noteQuery, requestById, requestsWhere, type CollectionRequest } from './requests';
import { describeResultCode } from '../../shared/daraja/codes';

const log = logger('collections');

export interface MoneyInSchedule {
  /** Profile-wide: STK Push Queries in any minute. */
  stkQueriesPerMinute: number;
  /** Gap before each query of one request, from the push; past the last, a person decides. */
  stkQueryGapsMs: readonly number[];
  /** Profile-wide: Transaction Status checks of C2B confirmations in any minute. */
  checksPerMinute: number;
  /** Gap before each further check of one confirmation; past the last, a person decides. */
  checkGapsMs: readonly number[];
  /** How long one check waits for Transaction Status's answer. */
  checkWaitMs: number;
}

export const defaultMoneyInSchedule: MoneyInSchedule = {
  stkQueriesPerMinute: 5,
  stkQueryGapsMs: [30_000, 60_000, 120_000, 240_000, 480_000],
  checksPerMinute: 10,
  checkGapsMs: [30_000, 120_000, 240_000, 480_000],
  checkWaitMs: 60_000,
};

export interface MoneyInWorkerOptions {
  db: ProfileDatabase;
  client: DarajaClient;
  source: CallbackSource;
  /** The shortcodes this business receives money on (the profile's, and its STK shortcode). */
  shortcodes: readonly string[];
  schedule?: Partial<MoneyInSchedule>;
  now?: () => number;
}

/** At most `perMinute` uses in any sliding minute. */
class MinuteBudget {
  readonly #used: number[] = [];
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** 0 when one may be used now (and uses it), else ms until one frees. */
  take(): number {
    const now = this.now();
    while (this.#used.length > 0 && (this.#used[0] ?? 0) <= now - 60_000) this.#used.shift();
    if (this.#used.length < this.perMinute) {
      this.#used.push(now);
      return 0;
    }
    return (this.#used[0] ?? now) + 60_000 - now;
  }
}

export type MoneyInListener = (change: { requestId?: number; inboxId?: number }) => void;

export class MoneyInWorker {
  readonly #db: ProfileDatabase;
  readonly #client: DarajaClient;
  readonly #source: CallbackSource;
  readonly #schedule: MoneyInSchedule;
  readonly #now: () => number;
  readonly #stkBudget: MinuteBudget;
  readonly #checkBudget: MinuteBudget;
  readonly #listeners = new Set<MoneyInListener>();
  readonly #shortcodes: readonly string[];
  /** When each waiting STK success (by inbox id) is next asked about; kept in memory: a restart asks at once. */
  readonly #successTries = new Map<number, { tries: number; at: number }>();
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(options: MoneyInWorkerOptions) {
    this.#db = options.db;
    this.#client = options.client;
    this.#source = options.source;
    this.#schedule = { ...defaultMoneyInSchedule, ...options.schedule };
    this.#now = options.now ?? Date.now;
    this.#stkBudget = new MinuteBudget(this.#schedule.stkQueriesPerMinute, this.#now);
    this.#checkBudget = new MinuteBudget(this.#schedule.checksPerMinute, this.#now);
    this.#shortcodes = options.shortcodes;
  }

  get schedule(): MoneyInSchedule {
    return this.#schedule;
  }

  /** Recovers what a crash left, keeps every confirmation not yet kept, and starts the schedule. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    rememberShortcodes(this.#db, this.#shortcodes);
    this.#recover();
    this.#trackStored();
    this.#unsubscribe = this.#source.onStored(() => {
      this.#trackStored();
      this.#emit({});
      this.poke();
    });
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.poke();
    await this.#loop;
  }

  onChange(listener: MoneyInListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Something changed (a new request, a person's "check again"): look at the schedule now. */
  poke(): void {
    this.#wake?.();
  }

  /** Resolves with the request once the customer's answer is known, or as it stands after `timeoutMs`. */
  async waitForAnswer(requestId: number, timeoutMs: number): Promise<CollectionRequest | null> {
    const deadline = this.#now() + timeoutMs;
    for (;;) {
      const request = requestById(this.#db, requestId);
      if (request === null || (request.state !== 'asked' && request.state !== 'sent')) return request;
      if (this.#now() >= deadline) return request;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        timer.unref();
      });
    }
  }

  #emit(change: { requestId?: number; inboxId?: number }): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        log.error({ err: error }, 'money-in listener failed');
      }
    }
  }

  /** A push written but never answered may have reached the phone: it becomes unknown, never re-sent. */
  #recover(): void {
    const nowIso = new Date(this.#now()).toISOString();
    for (const request of requestsWhere(this.#db, `state = 'asked'`)) {
      this.#db
        .transaction(() => {
          if (
            !moveRequest(
              this.#db,
              request.id,
              'unknown',
              {
                note: 'Mshahara stopped while the prompt was being sent; M-Pesa may have sent it. If the customer paid, the payment will show here when its callback or the statement arrives',
              },
              nowIso,
            )
          )
            return;
          appendAudit(this.#db, {
            actor: 'system',
            action: 'collection.unknown',
            entity: 'collection_request',
            entityId: request.id,
            details: { code: 'interrupted' },
          });
        })
        .immediate();
    }
  }

  /** Confirmations stored and not yet kept for checking (stored while no engine ran, or before a crash). */
  #trackStored(): void {
    const rows = this.#db
      .prepare(
        `SELECT id, body FROM inbox WHERE kind = 'c2b-confirmation' AND applied = 0 AND flag IS NULL
           AND id NOT IN (SELECT inbox_id FROM received_checks) ORDER BY id`,
      )
      .all() as Array<{ id: number; body: string }>;
    for (const row of rows) {
      const parsed = parseCallback(row.body, 'c2b-confirmation');
      if (!parsed.ok || parsed.event.type !== 'c2b-confirmation') continue;
      trackConfirmation(this.#db, row.id, parsed.event, new Date(this.#now()).toISOString());
      this.#emit({ inboxId: row.id });
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let delay: number;
      try {
        delay = await this.#step();
      } catch (error) {
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'money-in step failed');
        delay = 1000;
      }
      if (!this.#running) break;
      await new Promise<void>((resolve) => {
        // Requests and checks written by other doors are seen within a second, poked or not.
        const timer = setTimeout(resolve, Math.max(20, Math.min(delay, 1000)));
        timer.unref();
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }

  /** Does what is due; answers ms until something may be due. */
  async #step(): Promise<number> {
    let next = 60_000;
    const nowIso = new Date(this.#now()).toISOString();
    const dueQueries = requestsWhere(
      this.#db,
      `state = 'sent' AND next_query_at IS NOT NULL AND next_query_at <= ? ORDER BY next_query_at, id`,
      nowIso,
    );
    for (const request of dueQueries) {
      if (!this.#running) return next;
      const wait = this.#stkBudget.take();
      if (wait > 0) {
        next = Math.min(next, wait);
        break;
      }
      await this.#query(request);
    }
    next = Math.min(next, await this.#confirmSuccesses());
    const dueChecks = checksWhere(
      this.#db,
      `state = 'checking' AND next_check_at <= ? ORDER BY next_check_at, inbox_id`,
      nowIso,
    );
    for (const check of dueChecks) {
      if (!this.#running) return next;
      const wait = this.#checkBudget.take();
      if (wait > 0) {
        next = Math.min(next, wait);
        break;
      }
      await this.#check(check.inboxId, check.receipt, check.tries);
    }
    return Math.min(next, this.#nextDue());
  }

  /** Asks Transaction Status about successes a lost push may own; answers ms until one is due again. */
  async #confirmSuccesses(): Promise<number> {
    let next = 60_000;
    for (const waiting of waitingSuccesses(this.#db)) {
      if (!this.#running) break;
      const due = this.#successTries.get(waiting.inboxId) ?? { tries: 0, at: 0 };
      if (due.at > this.#now()) {
        next = Math.min(next, due.at - this.#now());
        continue;
      }
      const wait = this.#checkBudget.take();
      if (wait > 0) return Math.min(next, wait);
      const outcome = await confirmWaitingSuccess(
        {
          db: this.#db,
          client: this.#client,
          source: this.#source,
          now: () => new Date(this.#now()),
          waitMs: this.#schedule.checkWaitMs,
        },
        waiting,
      );
      const gap = this.#schedule.checkGapsMs[due.tries];
      // M-Pesa's contradiction or the last try leaves it flagged for a person, asked again after a restart.
      this.#successTries.set(waiting.inboxId, {
        tries: due.tries + 1,
        at: outcome === 'later' && gap !== undefined ? this.#now() + gap : Number.POSITIVE_INFINITY,
      });
      this.#emit({ requestId: waiting.request.id, inboxId: waiting.inboxId });
    }
    return next;
  }

  #nextDue(): number {
    const row = this.#db
      .prepare(
        `SELECT min(at) AS at FROM (
           SELECT min(next_query_at) AS at FROM collection_requests WHERE state = 'sent' AND next_query_at IS NOT NULL
           UNION ALL SELECT min(next_check_at) FROM received_checks WHERE state = 'checking')`,
      )
      .get() as { at: string | null };
    return row.at === null ? 60_000 : Math.max(0, Date.parse(row.at) - this.#now());
  }

  async #query(request: CollectionRequest): Promise<void> {
    if (request.checkoutRequestId === null) return;
    const outcome = await this.#client.stkQuery({ checkoutRequestId: request.checkoutRequestId });
    const at = this.#now();
    const nowIso = new Date(at).toISOString();
    const queries = request.queries + 1;
    const gap = this.#schedule.stkQueryGapsMs[queries];
    const later = (note: string): void => {
      if (gap === undefined) this.#toPerson(request, queries, note, nowIso);
      else noteQuery(this.#db, request.id, { queries, nextQueryAt: new Date(at + gap).toISOString(), note }, nowIso);
    };
    if (outcome.kind !== 'accepted') later(`The last query was not answered: ${outcome.error.message}`);
    else if (outcome.value.state === 'pending') later('Waiting for the customer to enter their PIN');
    else if (outcome.value.resultCode === '0')
      this.#db
        .transaction(() => {
          if (
            moveRequest(
              this.#db,
              request.id,
              'paid_no_receipt',
              {
                queries,
                resultCode: '0',
                resultDesc: outcome.value.state === 'completed' ? outcome.value.resultDesc : null,
                nextQueryAt: null,
                note: 'M-Pesa says the customer paid; the receipt is not yet received. It is recorded when its callback or the statement arrives',
              },
              nowIso,
            )
          )
            appendAudit(this.#db, {
              actor: 'system',
              action: 'collection.paid_no_receipt',
              entity: 'collection_request',
              entityId: request.id,
              details: { queries },
            });
        })
        .immediate();
    else if (describeResultCode(outcome.value.resultCode, 'stk').generic === true)
      later(`M-Pesa answered ${outcome.value.resultCode} ${outcome.value.resultDesc}; Mshahara asks again`);
    else {
      const words = customerAnswerWords(outcome.value.resultCode, outcome.value.resultDesc);
      this.#db
        .transaction(() => {
          if (
            moveRequest(
              this.#db,
              request.id,
              'declined',
              {
                queries,
                resultCode: outcome.value.state === 'completed' ? outcome.value.resultCode : null,
                resultDesc: outcome.value.state === 'completed' ? outcome.value.resultDesc : null,
                nextQueryAt: null,
                note: words,
              },
              nowIso,
            )
          )
            appendAudit(this.#db, {
              actor: 'system',
              action: 'collection.declined',
              entity: 'collection_request',
              entityId: request.id,
              details: { resultCode: outcome.value.state === 'completed' ? outcome.value.resultCode : null, words },
            });
        })
        .immediate();
    }
    this.#emit({ requestId: request.id });
  }

  #toPerson(request: CollectionRequest, queries: number, last: string, nowIso: string): void {
    this.#db
      .transaction(() => {
        if (
          !moveRequest(
            this.#db,
            request.id,
            'needs_person',
            {
              queries,
              nextQueryAt: null,
              note: `M-Pesa has not said whether the customer paid (${last}). If they did, the payment will show here when its callback or the statement arrives`,
            },
            nowIso,
          )
        )
          return;
        appendAudit(this.#db, {
          actor: 'system',
          action: 'collection.needs_person',
          entity: 'collection_request',
          entityId: request.id,
          details: { queries },
        });
      })
      .immediate();
  }

  async #check(inboxId: number, receipt: string, tries: number): Promise<void> {
    const outcome = await askTransactionStatus(
      { db: this.#db, client: this.#client, source: this.#source, now: () => new Date(this.#now()) },
      {
        purpose: 'received_check',
        subjectId: inboxId,
        about: { receipt },
        actor: 'system',
        remarks: 'Check of a customer payment',
        waitMs: this.#schedule.checkWaitMs,
      },
    );
    // An answer that settled it did so as it was applied (received-checks.ts); what is left counts as a try.
    const still = checksWhere(this.#db, `inbox_id = ? AND state = 'checking'`, inboxId)[0];
    if (still !== undefined) {
      const words =
        outcome.kind === 'answered'
          ? `M-Pesa answered about the question, not the payment (${outcome.answer.resultCode} ${outcome.answer.resultDesc})`
          : outcome.kind === 'refused'
            ? `M-Pesa refused the question: ${outcome.error.message}`
            : outcome.kind === 'timed_out'
              ? "The question timed out in M-Pesa's queue"
              : 'M-Pesa did not answer in time';
      const gap = this.#schedule.checkGapsMs[tries];
      noteCheckTry(
        this.#db,
        inboxId,
        words,
        gap === undefined ? null : new Date(this.#now() + gap).toISOString(),
        new Date(this.#now()).toISOString(),
      );
    }
    this.#emit({ inboxId });
  }
}
