// Measures the time spent inside SQLite by one connection: every statement run outside a
// transaction, and every transaction as a whole (its statements and its COMMIT, which carries the
// fsync of synchronous=FULL). Nested calls are counted once, at the outermost level.
import type { ProfileDatabase } from '../src/main/db';

export interface SqliteTimer {
  readonly totalMs: number;
  readonly calls: number;
}

export function timeSqlite(db: ProfileDatabase): SqliteTimer {
  const timer = { totalMs: 0, calls: 0 };
  let depth = 0;
  const timed = <T>(work: () => T): T => {
    if (depth > 0) return work();
    depth += 1;
    const started = performance.now();
    try {
      return work();
    } finally {
      depth -= 1;
      timer.totalMs += performance.now() - started;
      timer.calls += 1;
    }
  };

  // Statements share one prototype; patching it times every statement of this process.
  const statementPrototype = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  for (const method of ['run', 'get', 'all']) {
    const original = statementPrototype[method]!;
    statementPrototype[method] = function (this: unknown, ...args: unknown[]) {
      return timed(() => original.apply(this, args));
    };
  }
  const iterate = statementPrototype['iterate']!;
  statementPrototype['iterate'] = function (this: unknown, ...args: unknown[]) {
    // Rows are read lazily; time draining them, which is where SQLite works.
    return timed(() => [...(iterate.apply(this, args) as Iterable<unknown>)])[Symbol.iterator]();
  };

  const transaction = db.transaction.bind(db);
  (db as { transaction: unknown }).transaction = (fn: (...args: unknown[]) => unknown) => {
    const tx = transaction(fn) as ((...args: unknown[]) => unknown) &
      Record<'deferred' | 'immediate' | 'exclusive', (...args: unknown[]) => unknown>;
    const wrap =
      (variant: (...args: unknown[]) => unknown) =>
      (...args: unknown[]) =>
        timed(() => variant(...args));
    return Object.assign(wrap(tx), {
      deferred: wrap(tx.deferred),
      immediate: wrap(tx.immediate),
      exclusive: wrap(tx.exclusive),
      default: wrap(tx),
    });
  };
  return timer;
}
