// How fast the engine may call Daraja: a token bucket whose rate adapts (AIMD). Throttling answers
// halve the rate (floor 1/s); successful sends add it back slowly, up to the configured rate.
// Daraja's Spike Arrest counts every call of the app, so payments and Transaction Status queries
// draw from one such budget (the status checks also keep a smaller cap of their own).

/** Takes one token from every bucket, or none: returns 0, or ms until all have one. */
export function takeFromAll(...buckets: SendRate[]): number {
  const wait = Math.max(...buckets.map((bucket) => bucket.wait()));
  if (wait === 0) for (const bucket of buckets) bucket.take();
  return wait;
}

export interface SendRateOptions {
  /** Requests per second the officer configured; never exceeded. */
  ratePerSecond: number;
  /** Milliseconds clock. */
  now: () => number;
  /** Lowest rate the engine falls to when throttled. */
  floorPerSecond?: number;
  /** Fraction of the configured rate won back per second of successful sends. */
  recoveryPerSecond?: number;
}

export class SendRate {
  configured: number;
  #rate: number;
  #tokens: number;
  #refilledAt: number;
  #lastCutAt = -Infinity;
  readonly #now: () => number;
  readonly #floor: number;
  readonly #recovery: number;

  constructor(options: SendRateOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${options.ratePerSecond}`);
    this.configured = options.ratePerSecond;
    this.#rate = options.ratePerSecond;
    this.#now = options.now;
    this.#floor = Math.min(options.floorPerSecond ?? 1, options.ratePerSecond);
    this.#recovery = options.recoveryPerSecond ?? 0.05;
    this.#tokens = 1;
    this.#refilledAt = this.#now();
  }

  /** The rate in force now (requests per second). */
  get current(): number {
    return this.#rate;
  }

  /** A small burst only (a tenth of a second): bursts are what trip Spike Arrest. */
  get #capacity(): number {
    return Math.max(1, this.#rate / 10);
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#rate);
    this.#refilledAt = now;
  }

  /** Takes a token and returns 0, or returns how many ms until one is available (taking none). */
  take(): number {
    const wait = this.wait();
    if (wait === 0) this.#tokens -= 1;
    return wait;
  }

  /** How many ms until a token is available (0: one is), taking none. */
  wait(): number {
    this.#refill();
    if (this.#tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - this.#tokens) / this.#rate) * 1000));
  }

  /**
   * A new configured rate, taken at once: a cut below it stays (AIMD climbs back to it), a rate
   * above the new one comes down to it. Nothing already sent is touched.
   */
  reconfigure(ratePerSecond: number): void {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
    this.#refill();
    this.configured = ratePerSecond;
    this.#rate = Math.min(this.#rate, ratePerSecond);
    this.#tokens = Math.min(this.#tokens, this.#capacity);
  }

  /** Multiplicative decrease; answers from one burst count once (one cut per 500 ms). */
  throttled(): void {
    const now = this.#now();
    if (now - this.#lastCutAt < 500) return;
    this.#lastCutAt = now;
    this.#rate = Math.max(this.#floor, this.#rate * 0.5);
    this.#tokens = Math.min(this.#tokens, this.#capacity);
  }

  /** Additive increase: about `recoveryPerSecond` of the configured rate per second of successes. */
  succeeded(): void {
    if (this.#rate >= this.configured) return;
    this.#rate = Math.min(this.configured, this.#rate + (this.configured * this.#recovery) / this.#rate);
  }
}
