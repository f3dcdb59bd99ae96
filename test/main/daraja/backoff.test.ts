import { describe, expect, it } from 'vitest';
import { DarajaError } from '../../../src/shared/errors';
import { backoff, retrying, type RetryPolicy } from '../../../src/main/daraja/backoff';
import type { CallOutcome } from '../../../src/main/daraja/classify';

const err = new DarajaError('x', { code: 'c', action: 'retry' });

describe('backoff with full jitter', () => {
  it('grows exponentially up to the cap, scaled by the random draw', () => {
    const top = { baseMs: 100, maxMs: 5_000, random: () => 0.999999 };
    expect([0, 1, 2, 3, 10].map((n) => backoff(n, top))).toEqual([99, 199, 399, 799, 4999]);
    expect(backoff(3, { ...top, random: () => 0 })).toBe(0);
    expect(backoff(2, { ...top, random: () => 0.5 })).toBe(200);
  });

  it('waits longer after a throttled answer', () => {
    const policy = { baseMs: 100, maxMs: 60_000, throttledFactor: 4, random: () => 0.5 };
    expect(backoff(1, policy, true)).toBe(4 * backoff(1, policy, false));
  });
});

describe('retrying', () => {
  function scripted(kinds: CallOutcome<string>['kind'][]) {
    let calls = 0;
    const call = async (): Promise<CallOutcome<string>> => {
      const kind = kinds[Math.min(calls, kinds.length - 1)]!;
      calls++;
      return kind === 'accepted' ? { kind, value: 'ok' } : { kind, error: err };
    };
    return { call, calls: () => calls };
  }
  const waits: number[] = [];
  const policy: RetryPolicy = {
    baseMs: 10,
    maxMs: 1_000,
    maxAttempts: 4,
    random: () => 0.5,
    sleep: async (ms) => void waits.push(ms),
  };

  it('retries transient and throttled answers until accepted', async () => {
    waits.length = 0;
    const s = scripted(['transient', 'throttled', 'accepted']);
    expect(await retrying(s.call, policy)).toEqual({ kind: 'accepted', value: 'ok' });
    expect(s.calls()).toBe(3);
    expect(waits).toEqual([5, 10]);
  });

  it('gives up after maxAttempts and returns the last outcome', async () => {
    const s = scripted(['transient']);
    expect((await retrying(s.call, policy)).kind).toBe('transient');
    expect(s.calls()).toBe(4);
  });

  it.each(['unknown', 'definitive', 'duplicate'] as const)('never repeats a %s outcome', async (kind) => {
    const s = scripted([kind, 'accepted']);
    expect((await retrying(s.call, policy)).kind).toBe(kind);
    expect(s.calls()).toBe(1);
  });
});
