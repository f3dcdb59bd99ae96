// `ledger export --from/--to` read a bare day as that day in Nairobi, as the screens do.
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../../src/main/cli/commands/ledger';

describe('ledger export dates', () => {
  it('start a bare day at midnight in Nairobi (21:00 UTC the day before)', () => {
    expect(isoTime('2026-11-01', '--from')).toBe('2026-10-31T21:00:00.000Z');
  });

  it('take a full ISO time as written', () => {
    expect(isoTime('2026-11-01T08:00:00Z', '--to')).toBe('2026-11-01T08:00:00.000Z');
  });

  it('refuse what is not a date, naming the flag', () => {
    expect(() => isoTime('yesterday', '--from')).toThrow(/--from takes a date/);
  });
});
