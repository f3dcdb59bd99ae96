// `npm run simulator` flags become the options and switches they name; bad values are refused
// with the flag's name.
import { describe, expect, it } from 'vitest';
import { parseSimulatorArgs } from '../../src/simulator/cli-options';
import type { SimulatorOptions } from '../../src/simulator/index';

function parse(args: string[]): SimulatorOptions {
  const options = parseSimulatorArgs(args);
  if (options === 'help') throw new Error('expected options, got help');
  return options;
}

describe('simulator flags', () => {
  it('names every realistic switch', () => {
    const options = parse([
      '--realistic',
      '--fault',
      'processing-lag=100-900',
      '--status-not-found-code',
      'R000002',
      '--fault',
      'status-unavailable=0.05',
      '--no-echo-originator-id',
      '--duplicate-window',
      '3600',
      '--fault',
      'queue-timeout=0.02',
      '--fault',
      'async-throttle=0.04',
      '--masked-party',
      '--fault',
      'fail-payee=0.1',
      '--status-for-failed',
      'failed-status',
      '--callback-retries',
      '2',
      '--state',
      '/tmp/sim.sqlite',
    ]);
    expect(options.realistic).toBe(true);
    expect(options.callbackRetries).toBe(2);
    expect(options.statePath).toBe('/tmp/sim.sqlite');
    expect(options.faults).toEqual({
      processingLagMs: { min: 100, max: 900 },
      statusNotFoundCode: 'R000002',
      statusUnavailable: 0.05,
      echoOriginatorId: false,
      duplicateWindowSeconds: 3600,
      queueTimeout: 0.02,
      asyncThrottle: 0.04,
      maskedParty: 1,
      failPayee: 0.1,
      statusForFailed: 'failed-status',
    });
  });

  it('plays an M-Pesa Express customer who lets the prompt time out and pays later', () => {
    expect(parse(['--fault', 'stk-late-pay=5000']).faults).toEqual({ stkLatePayMs: 5000 });
  });

  it('a rate given with --fault masked-party wins over the plain flag; nothing is switched on unasked', () => {
    expect(parse(['--masked-party', '--fault', 'masked-party=0.3']).faults).toEqual({ maskedParty: 0.3 });
    const plain = parse([]);
    expect(plain.realistic).toBe(false);
    expect(plain.faults).toEqual({});
    expect(plain.callbackRetries).toBeUndefined();
    expect(plain.statePath).toBeUndefined();
  });

  it('refuses bad values naming the flag', () => {
    expect(() => parse(['--fault', 'fail-payee=2'])).toThrow(/fail-payee/);
    expect(() => parse(['--fault', 'processing-lag=slow'])).toThrow(/processing-lag/);
    expect(() => parse(['--duplicate-window', '0'])).toThrow(/--duplicate-window/);
    expect(() => parse(['--callback-retries', '-1'])).toThrow(/callback-retries/);
    expect(() => parse(['--fault', 'mystery=1'])).toThrow(/Unknown fault "mystery"/);
    expect(() => parse(['--status-for-failed', 'maybe'])).toThrow(/--status-for-failed/);
    expect(parseSimulatorArgs(['--help'])).toBe('help');
  });
});
