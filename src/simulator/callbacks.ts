// Outgoing callbacks: POSTs results to the caller's URLs after the configured delay, with the
// drop/duplicate faults, and a few retries with backoff when the receiver is down.
import { Agent, request } from 'undici';
import type { FaultInjector } from './faults';

export interface CallbackStats {
  scheduled: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  retried: number;
  failed: number;
}

export interface CallbackOptions {
  /** Extra attempts after a failed POST (connection error or 5xx). Daraja itself does not retry. */
  retries: number;
  /** First backoff; doubles on each retry. */
  retryBaseMs: number;
}

type Log = (message: string, fields: Record<string, unknown>) => void;

/** Callback URLs may carry a secret path token (the relay's), so logs get the origin only. */
function where(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid URL';
  }
}

export class CallbackSender {
  readonly stats: CallbackStats = { scheduled: 0, delivered: 0, dropped: 0, duplicated: 0, retried: 0, failed: 0 };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly agent = new Agent({ connect: { timeout: 5_000 }, headersTimeout: 15_000, bodyTimeout: 15_000 });
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly faults: FaultInjector,
    private readonly options: CallbackOptions,
    private readonly log: Log,
  ) {}

  /** Sends `body` to `url` later, as Daraja does; faults may drop or duplicate it. */
  schedule(url: string, body: unknown, what: string, delayMs?: number): void {
    if (this.closed) return;
    this.stats.scheduled += 1;
    if (this.faults.dropCallback()) {
      this.stats.dropped += 1;
      this.log('callback dropped by fault', { what, to: where(url) });
      return;
    }
    const copies = this.faults.duplicateCallback() ? 2 : 1;
    if (copies === 2) this.stats.duplicated += 1;
    for (let i = 0; i < copies; i += 1)
      this.later(delayMs ?? this.faults.callbackDelayMs(), () => this.deliver(url, body, what));
  }

  /** Runs `work` after `delayMs` unless the simulator closes first. */
  later(delayMs: number, work: () => Promise<unknown> | void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const running = Promise.resolve()
        .then(work)
        .catch((error: unknown) => this.log('simulated work failed', { error: (error as Error).message }));
      this.inFlight.add(running);
      void running.finally(() => {
        this.inFlight.delete(running);
        this.wakeIdleWaiters();
      });
    }, delayMs);
    this.timers.add(timer);
  }

  private async deliver(url: string, body: unknown, what: string): Promise<void> {
    for (let attempt = 0; attempt <= this.options.retries && !this.closed; attempt += 1) {
      if (attempt > 0) {
        this.stats.retried += 1;
        await new Promise((resolve) => setTimeout(resolve, this.options.retryBaseMs * 2 ** (attempt - 1)));
        if (this.closed) break;
      }
      try {
        const answer = await this.post(url, body);
        if (answer.status < 500) {
          this.stats.delivered += 1;
          return;
        }
        this.log('callback receiver answered an error', { what, to: where(url), status: answer.status, attempt });
      } catch (error) {
        this.log('callback receiver unreachable', { what, to: where(url), attempt, error: (error as Error).message });
      }
    }
    this.stats.failed += 1;
  }

  /** One POST of JSON, answering the receiver's status and parsed body (null if not JSON). */
  async post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const answer = await request(url, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await answer.body.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: answer.statusCode, body: parsed };
  }

  /** Resolves when nothing is scheduled or being sent (for tests and orderly shutdown). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.wakeIdleWaiters();
    });
  }

  private wakeIdleWaiters(): void {
    if (this.timers.size > 0 || this.inFlight.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.wakeIdleWaiters();
    await this.agent.destroy().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
  }
}
