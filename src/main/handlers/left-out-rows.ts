// The rows a payroll file left out, kept per open profile and run: shown on the run's review and
// written on their own sheet of the run's export. They last as long as the open profile (the audit
// log keeps their count for good).
import type { LeftOutSheet } from '../ledger/export';
import type { ProfileCore } from './context';

const byCore = new WeakMap<ProfileCore, Map<number, LeftOutSheet>>();

export function rememberLeftOut(core: ProfileCore, runId: number, leftOut: LeftOutSheet): void {
  const runs = byCore.get(core) ?? new Map<number, LeftOutSheet>();
  runs.set(runId, leftOut);
  byCore.set(core, runs);
}

export function leftOutOf(core: ProfileCore, runId: number): LeftOutSheet | undefined {
  return byCore.get(core)?.get(runId);
}
