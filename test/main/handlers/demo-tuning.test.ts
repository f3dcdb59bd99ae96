// Demo tuning from the environment: what tests and demonstrations may set, and clear refusals.
import { describe, expect, it } from 'vitest';
import { demoTuningFromEnv } from '../../../src/main/composition/start';

describe('demo tuning from the environment', () => {
  it('passes the result timeout and the status-query budget to the engine', () => {
    expect(demoTuningFromEnv({ MSHAHARA_RESULT_TIMEOUT_MS: '3000', MSHAHARA_MAX_STATUS_QUERIES: '2' }).engine).toEqual({
      resultTimeoutMs: 3000,
      maxStatusQueries: 2,
    });
    expect(demoTuningFromEnv({ MSHAHARA_MAX_STATUS_QUERIES: '5' }).engine).toEqual({ maxStatusQueries: 5 });
  });

  it('leaves the engine alone when nothing is set', () => {
    expect(demoTuningFromEnv({}).engine).toBeUndefined();
  });

  it('refuses a status-query budget that is not a whole number above 0, naming it', () => {
    for (const value of ['0', '-1', '2.5', 'eight']) {
      expect(() => demoTuningFromEnv({ MSHAHARA_MAX_STATUS_QUERIES: value })).toThrow(
        /MSHAHARA_MAX_STATUS_QUERIES must be a whole number above 0/,
      );
    }
  });
});
