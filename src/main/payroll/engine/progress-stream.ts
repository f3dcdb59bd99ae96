// The engine's progress stream: per-run counts, send rate and ETA for listeners (the UI, the CLI),
// and the promises of waitUntilFinal. Counting items costs more than paying one, so a run is
// counted at most every `intervalMs`, and only after something changed.
import type { ProfileDatabase } from '../../db';
import { logger } from '../../log';
import { runIsSettled, runProgress, type RunProgress } from './progress';

export type ProgressListener = (progress: RunProgress) => void;

const log = logger('payout');

export class ProgressStream {
  readonly #listeners = new Set<ProgressListener>();
  readonly #waiters: Array<{ runId: number; resolve: (p: RunProgress) => void }> = [];
  readonly #sentTimes: number[] = [];
  readonly #lastReportAt = new Map<number, number>();
  #changed = true;

  constructor(
    private readonly db: ProfileDatabase,
    private readonly now: () => number,
    private readonly intervalMs = 100,
    /** Why the engine holds new payments back, shown on every running run. */
    private readonly held: () => string | null = () => null,
  ) {}

  listen(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when the run is settled (runIsSettled); at once if it already is. */
  wait(runId: number): Promise<RunProgress> {
    const progress = runProgress(this.db, runId);
    if (runIsSettled(progress)) return Promise.resolve(progress);
    this.#changed = true;
    return new Promise((resolve) => this.#waiters.push({ runId, resolve }));
  }

  /** Something happened that may change a run's counts. */
  changed(): void {
    this.#changed = true;
  }

  /** A payment request left: feeds the send rate. */
  sent(): void {
    this.#sentTimes.push(this.now());
  }

  /** Reports what changed; returns ms until a skipped report is due (Infinity when none is). */
  report(): number {
    if (!this.#changed) return Infinity;
    const now = this.now();
    while (this.#sentTimes.length > 0 && this.#sentTimes[0]! < now - 5000) this.#sentTimes.shift();
    const runs = new Set<number>(this.#waiters.map((w) => w.runId));
    if (this.#listeners.size > 0) {
      const recent = new Date(now - 2000).toISOString();
      const rows = this.db
        .prepare(
          `SELECT id FROM payroll_runs WHERE state IN ('running', 'paused') OR finished_at >= ? OR cancelled_at >= ?`,
        )
        .all(recent, recent) as Array<{ id: number }>;
      for (const row of rows) runs.add(row.id);
    }
    let next = Infinity;
    let skipped = false;
    for (const runId of runs) {
      const last = this.#lastReportAt.get(runId) ?? 0;
      if (now - last < this.intervalMs) {
        skipped = true;
        next = Math.min(next, last + this.intervalMs - now);
        continue;
      }
      this.#lastReportAt.set(runId, now);
      this.#publish(this.#progressOf(runId, now));
    }
    if (!skipped) this.#changed = false;
    return next;
  }

  #publish(progress: RunProgress): void {
    for (const listener of this.#listeners) {
      try {
        listener(progress);
      } catch (error) {
        // A screen's bug must not stop payments.
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'progress listener failed');
      }
    }
    if (!runIsSettled(progress)) return;
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i]!;
      if (waiter.runId !== progress.runId) continue;
      this.#waiters.splice(i, 1);
      waiter.resolve(progress);
    }
  }

  #progressOf(runId: number, now: number): RunProgress {
    const progress = runProgress(this.db, runId);
    const oldest = this.#sentTimes[0];
    // Over the last five seconds, or since sending began when that is shorter (at least a second).
    const windowMs = oldest === undefined ? 1000 : Math.max(1000, now - oldest);
    const sentPerSecond = (this.#sentTimes.length * 1000) / windowMs;
    const left = progress.counts.queued + progress.counts.draft;
    const held = progress.state === 'running' ? this.held() : null;
    return {
      ...progress,
      held,
      sentPerSecond,
      etaSeconds: left === 0 ? null : sentPerSecond > 0 ? left / sentPerSecond : null,
    };
  }
}
