// Whether M-Pesa (Daraja) and the relay can be reached from this computer, as the calls made to
// them find it: a call that got no answer from the host (no network, a refused connection, a
// timeout) marks it unreachable from that moment; any answer, even a refusal, marks it reachable
// again. A refused payment is M-Pesa answering, so it never counts here.
export type ReachTarget = 'mpesa' | 'relay';

export interface Unreachable {
  target: ReachTarget;
  /** Where Mshahara was trying to reach (scheme, host and port). */
  host: string;
  /** When the first failing call of this stretch happened (ISO instant). */
  since: string;
  /** The network's own words for the last failure (no secrets: no URLs with paths, no tokens). */
  reason: string;
}

export class Reachability {
  readonly #down = new Map<ReachTarget, Unreachable>();
  readonly #listeners = new Set<(down: Unreachable[]) => void>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** What a call found: `reached` false only when the host gave no answer at all. */
  report(target: ReachTarget, host: string, reached: boolean, reason: string | null = null): void {
    const was = this.#down.get(target);
    if (reached) {
      if (was === undefined) return;
      this.#down.delete(target);
      this.#emit();
      return;
    }
    if (was !== undefined) {
      was.reason = reason ?? was.reason;
      return;
    }
    this.#down.set(target, {
      target,
      host,
      since: new Date(this.#now()).toISOString(),
      reason: reason ?? 'no answer',
    });
    this.#emit();
  }

  /** What cannot be reached now, M-Pesa first. */
  unreachable(): Unreachable[] {
    return [...this.#down.values()].sort((a, b) => a.target.localeCompare(b.target)).map((u) => ({ ...u }));
  }

  onChange(listener: (down: Unreachable[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    const down = this.unreachable();
    for (const listener of this.#listeners) listener(down);
  }
}

/** Scheme, host and port of a URL: enough to name the place, never a path that may hold a secret. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an address that is not a URL';
  }
}
