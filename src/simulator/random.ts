// Seeded pseudo-random numbers for the simulator, so a run with the same seed and the same
// sequence of requests makes the same identifiers and the same fault decisions.

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both ends included. */
  between(min: number, max: number): number;
  /** True with the given probability (0 never, 1 always). */
  chance(rate: number): boolean;
}

/** mulberry32: tiny, fast and good enough for reproducible test traffic (not for secrets). */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between(min, max) {
      if (max <= min) return min;
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(rate) {
      if (rate <= 0) return false;
      if (rate >= 1) return true;
      return next() < rate;
    },
  };
}

/** Derives an independent stream, so identifiers and faults do not shift each other. */
export function deriveSeed(seed: number, stream: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream, 0xc2b2ae35)) >>> 0;
}
