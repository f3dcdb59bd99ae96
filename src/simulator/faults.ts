// Fault injection: latency, spike arrest, errors before/after processing, dropped, duplicated and
// delayed callbacks, and token lifetime. Decisions come from a seeded generator so runs reproduce.
import type { Random } from './random';

export interface Range {
  min: number;
  max: number;
}

export interface SimulatorFaults {
  latencyMs: Range;
  spikeArrestPerSecond: number | null;
  errorBefore: number;
  errorAfter: number;
  dropCallback: number;
  duplicateCallback: number;
  callbackDelayMs: Range;
  tokenTtlSeconds: number;
}

export const defaultFaults: SimulatorFaults = {
  latencyMs: { min: 0, max: 0 },
  spikeArrestPerSecond: null,
  errorBefore: 0,
  errorAfter: 0,
  dropCallback: 0,
  duplicateCallback: 0,
  callbackDelayMs: { min: 50, max: 200 },
  tokenTtlSeconds: 3599,
};

/** How a processed request loses its answer when error-after strikes. */
export type LostAnswer = 'server-error' | 'connection-destroyed';

function checkRate(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`${name} must be a rate between 0 and 1, got ${value}`);
  return value;
}

function checkRange(name: string, value: Range): Range {
  if (!Number.isFinite(value.min) || !Number.isFinite(value.max) || value.min < 0 || value.max < value.min) {
    throw new RangeError(`${name} must be a range with 0 <= min <= max, got ${JSON.stringify(value)}`);
  }
  return { min: value.min, max: value.max };
}

/** Merges a partial update into the faults in force, refusing nonsense values. */
export function mergeFaults(current: SimulatorFaults, update: Partial<SimulatorFaults>): SimulatorFaults {
  const next: SimulatorFaults = { ...current };
  if (update.latencyMs !== undefined) next.latencyMs = checkRange('latencyMs', update.latencyMs);
  if (update.callbackDelayMs !== undefined) next.callbackDelayMs = checkRange('callbackDelayMs', update.callbackDelayMs);
  if (update.spikeArrestPerSecond !== undefined) {
    const v = update.spikeArrestPerSecond;
    if (v !== null && (!Number.isInteger(v) || v < 1)) throw new RangeError(`spikeArrestPerSecond must be a positive integer or null, got ${v}`);
    next.spikeArrestPerSecond = v;
  }
  if (update.errorBefore !== undefined) next.errorBefore = checkRate('errorBefore', update.errorBefore);
  if (update.errorAfter !== undefined) next.errorAfter = checkRate('errorAfter', update.errorAfter);
  if (update.dropCallback !== undefined) next.dropCallback = checkRate('dropCallback', update.dropCallback);
  if (update.duplicateCallback !== undefined) next.duplicateCallback = checkRate('duplicateCallback', update.duplicateCallback);
  if (update.tokenTtlSeconds !== undefined) {
    const v = update.tokenTtlSeconds;
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`tokenTtlSeconds must be a positive integer, got ${v}`);
    next.tokenTtlSeconds = v;
  }
  return next;
}

export class FaultInjector {
  private faults: SimulatorFaults;
  /** Requests counted per app in the current one-second window. */
  private readonly windows = new Map<string, { second: number; count: number }>();

  constructor(
    private readonly random: Random,
    initial: Partial<SimulatorFaults> = {},
  ) {
    this.faults = mergeFaults(defaultFaults, initial);
  }

  current(): SimulatorFaults {
    return { ...this.faults, latencyMs: { ...this.faults.latencyMs }, callbackDelayMs: { ...this.faults.callbackDelayMs } };
  }

  set(update: Partial<SimulatorFaults>): SimulatorFaults {
    this.faults = mergeFaults(this.faults, update);
    return this.current();
  }

  latencyMs(): number {
    const { min, max } = this.faults.latencyMs;
    return max === 0 ? 0 : this.random.between(min, max);
  }

  callbackDelayMs(): number {
    const { min, max } = this.faults.callbackDelayMs;
    return this.random.between(min, max);
  }

  /** Apigee's Spike Arrest: true when this request goes over the per-second rate for the app. */
  spikeArrested(app: string, nowMs: number): boolean {
    const limit = this.faults.spikeArrestPerSecond;
    if (limit === null) return false;
    const second = Math.floor(nowMs / 1000);
    const window = this.windows.get(app);
    if (!window || window.second !== second) {
      this.windows.set(app, { second, count: 1 });
      return 1 > limit;
    }
    window.count += 1;
    return window.count > limit;
  }

  failBefore(): boolean {
    return this.random.chance(this.faults.errorBefore);
  }

  /** Null when the answer goes out; otherwise how it is lost after the work was done. */
  loseAnswer(): LostAnswer | null {
    if (!this.random.chance(this.faults.errorAfter)) return null;
    return this.random.chance(0.5) ? 'server-error' : 'connection-destroyed';
  }

  dropCallback(): boolean {
    return this.random.chance(this.faults.dropCallback);
  }

  duplicateCallback(): boolean {
    return this.random.chance(this.faults.duplicateCallback);
  }

  tokenTtlSeconds(): number {
    return this.faults.tokenTtlSeconds;
  }
}
