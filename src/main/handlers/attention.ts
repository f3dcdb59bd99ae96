// Contract handlers for the needs-attention work list: what waits for a person, and a person
// settling it (docs/money-safety.md). The rules live in the engine (payroll/engine/attention.ts).
import type { ContractHandlers } from '../transports/dispatch';
import { clearFinding, listAttention, listFindings } from '../payroll/engine/attention';
import { latestTransactionId } from '../ledger/query';
import type { ApiContext } from './context';

export function attentionHandlers(
  ctx: ApiContext,
): Pick<ContractHandlers, 'runs.attention' | 'runs.resolve' | 'runs.clearFinding'> {
  const core = () => ctx.session.require();
  return {
    'runs.attention': ({ runId }) => {
      const { db } = core();
      return { items: listAttention(db, runId), findings: listFindings(db, runId) };
    },
    'runs.resolve': async (input) => {
      const c = core();
      const resolution =
        input.outcome === 'paid'
          ? { outcome: 'paid' as const, receipt: input.receipt, reason: input.reason }
          : { outcome: 'failed' as const, reason: input.reason };
      const outcome = await c.engine.resolveItem(input.itemId, resolution, ctx.actor);
      if (outcome.outcome === 'paid') {
        ctx.events.publish('ledger.changed', { added: 1, latestId: latestTransactionId(c.db) });
      }
      return outcome;
    },
    'runs.clearFinding': ({ findingId, note }) => {
      clearFinding(core().db, findingId, note, ctx.actor, new Date().toISOString());
      return { cleared: true as const };
    },
  };
}
