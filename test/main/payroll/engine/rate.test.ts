// The sender's rate: a token bucket that halves on throttling and wins the rate back slowly.
import { describe, expect, it } from 'vitest';
import { SendRate } from '../../../../src/main/payroll/engine';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('SendRate', () => {
  it('lets through about the configured rate per second, never more', () => {
    const c = clock();
    const rate = new SendRate({ ratePerSecond: 50, now: c.now });
    let sent = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      while (rate.take() === 0) sent++;
      c.advance(1);
    }
    expect(sent).toBeGreaterThanOrEqual(495);
    expect(sent).toBeLessThanOrEqual(506);
  });

  it('says how long to wait when no token is left', () => {
    const c = clock();
    const rate = new SendRate({ ratePerSecond: 10, now: c.now });
    expect(rate.take()).toBe(0);
    expect(rate.take()).toBe(100);
  });

  it('halves on throttling (once per burst), never below the floor, and climbs back to the configured rate', () => {
    const c = clock();
    const rate = new SendRate({ ratePerSecond: 100, now: c.now });
    rate.throttled();
    rate.throttled(); // same burst: counted once
    expect(rate.current).toBe(50);
    for (let i = 0; i < 10; i++) {
      c.advance(600);
      rate.throttled();
    }
    expect(rate.current).toBe(1);
    let successes = 0;
    while (rate.current < 100) {
      rate.succeeded();
      successes++;
    }
    expect(rate.current).toBe(100);
    // Additive: winning the rate back takes many successes, not one.
    expect(successes).toBeGreaterThan(500);
    rate.succeeded();
    expect(rate.current).toBe(100);
  });
});
