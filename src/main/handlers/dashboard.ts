// Contract handlers for the dashboard (its figures come from src/main/dashboard) and the float refresh.
import type { ContractHandlers } from '../transports/dispatch';
import { dashboardSummary } from '../dashboard/summary';
import { latestFloat } from '../payroll/float';
import { queryBalance } from './balance';
import type { ApiContext } from './context';

const balanceWaitMs = 20_000;

export function dashboardHandlers(ctx: ApiContext): Pick<ContractHandlers, 'dashboard.summary' | 'balance.refresh'> {
  return {
    'dashboard.summary': () => {
      const core = ctx.session.require();
      return dashboardSummary(core.db, new Date(), core.engine.held, core.audit.alarm);
    },
    'balance.refresh': async () => {
      const core = ctx.session.require();
      const answer = await queryBalance(core, 'Float check from the dashboard', balanceWaitMs);
      switch (answer.kind) {
        case 'refused':
          throw answer.error;
        case 'no_answer':
          return {
            requested: true,
            message: 'M-Pesa took the balance query but has not answered yet; the float updates when it does.',
            float: latestFloat(core.db),
          };
        case 'answered': {
          const float = latestFloat(core.db);
          ctx.events.publish('balance.changed', float);
          const message =
            answer.row.applied === 1
              ? 'The float is up to date.'
              : `M-Pesa answered, but without a balance${answer.row.reason ? `: ${answer.row.reason}` : '.'}`;
          return { requested: true, message, float };
        }
        default: {
          const unexpected: never = answer;
          throw new Error(`Unknown balance answer ${String(unexpected)}`);
        }
      }
    },
  };
}
