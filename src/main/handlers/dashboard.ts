// Contract handlers for the dashboard (float, this month's payouts, success rate, what needs a
// person, payouts per day) and the float refresh.
import type { MethodOutput } from '../../shared/contract';
import type { ProfileDatabase } from '../db';
import type { AuditAlarm } from '../ledger/audit-alarm';
import type { ContractHandlers } from '../transports/dispatch';
import { runDisplayStatus, emptyItemCounts, type ItemState, type RunState } from '../payroll/status';
import { queryBalance } from './balance';
import type { ApiContext } from './context';
import { latestFloat } from './float';
import { needsActionSql } from './inbox';

type Summary = MethodOutput<'dashboard.summary'>;

// Nairobi keeps UTC+3 all year, so SQLite can shift UTC times to Nairobi days with a fixed offset.
const nairobiDaySql = (column: string) => `date(${column}, '+3 hours')`;
const chartDays = 30;

/** "2026-11-21" for the Nairobi day `daysAgo` before `now`. */
function nairobiDay(now: Date, daysAgo = 0): string {
  return new Date(now.getTime() + 3 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

// Only current rows: a corrected transaction is replaced by its correction.
const currentPayouts = `FROM transactions t WHERE t.kind = 'b2c_payment' AND t.direction = 'out' AND t.corrects_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)`;

export function dashboardSummary(
  db: ProfileDatabase,
  now = new Date(),
  paymentsHeld: string | null = null,
  auditAlarm: AuditAlarm | null = null,
): Summary {
  const today = nairobiDay(now);
  const monthLabel = today.slice(0, 7);
  const month = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(t.amount_cents), 0) AS cents, coalesce(sum(t.charge_cents), 0) AS charges ${currentPayouts} AND t.status = 'completed' AND substr(${nairobiDaySql('t.occurred_at')}, 1, 7) = ?`,
    )
    .get(monthLabel) as { n: number; cents: number; charges: number };

  const firstDay = nairobiDay(now, chartDays - 1);
  const settled = db
    .prepare(
      `SELECT t.status, count(*) AS n ${currentPayouts} AND ${nairobiDaySql('t.occurred_at')} >= ? GROUP BY t.status`,
    )
    .all(firstDay) as Array<{ status: 'completed' | 'failed'; n: number }>;
  const paid = settled.find((s) => s.status === 'completed')?.n ?? 0;
  const failedSettled = settled.find((s) => s.status === 'failed')?.n ?? 0;

  const perDay = new Map(
    (
      db
        .prepare(
          `SELECT ${nairobiDaySql('t.occurred_at')} AS day, count(*) AS n, sum(t.amount_cents) AS cents ${currentPayouts} AND t.status = 'completed' AND ${nairobiDaySql('t.occurred_at')} >= ? GROUP BY day`,
        )
        .all(firstDay) as Array<{ day: string; n: number; cents: number }>
    ).map((row) => [row.day, row]),
  );
  const payoutsPerDay = Array.from({ length: chartDays }, (_, index) => {
    const day = nairobiDay(now, chartDays - 1 - index);
    const row = perDay.get(day);
    return { day, count: row?.n ?? 0, amountCents: row?.cents ?? 0 };
  });

  const unknownPayouts = (
    db
      .prepare(
        `SELECT count(DISTINCT a.item_id) AS n FROM payout_attempts a WHERE a.needs_attention = 1 AND a.state IN ('created', 'sending', 'accepted', 'unknown')`,
      )
      .get() as { n: number }
  ).n;
  const findings = (
    db.prepare('SELECT count(*) AS n FROM payout_findings WHERE cleared_at IS NULL').get() as { n: number }
  ).n;
  // Failed payments of runs that are not cancelled: each waits for "retry failed" or a decision.
  const failedPayouts = (
    db
      .prepare(
        `SELECT count(*) AS n FROM payroll_items i JOIN payroll_runs r ON r.id = i.run_id WHERE i.state = 'failed' AND r.state <> 'cancelled' AND r.created_at >= ?`,
      )
      .get(new Date(now.getTime() - chartDays * 86_400_000).toISOString()) as { n: number }
  ).n;
  const inbox = (db.prepare(`SELECT count(*) AS n FROM inbox WHERE ${needsActionSql}`).get() as { n: number }).n;

  const runs = db
    .prepare('SELECT id, title, state, created_at FROM payroll_runs ORDER BY created_at DESC, id DESC LIMIT 5')
    .all() as Array<{ id: number; title: string; state: RunState; created_at: string }>;
  const recentRuns = runs.map((run) => {
    const counts = emptyItemCounts();
    let amountCents = 0;
    for (const row of db
      .prepare(
        'SELECT state, count(*) AS n, sum(amount_cents) AS cents FROM payroll_items WHERE run_id = ? GROUP BY state',
      )
      .all(run.id) as Array<{ state: ItemState; n: number; cents: number }>) {
      counts[row.state] = row.n;
      amountCents += row.cents;
    }
    return {
      id: run.id,
      title: run.title,
      displayStatus: runDisplayStatus(counts, run.state),
      amountCents,
      createdAt: run.created_at,
    };
  });

  return {
    float: latestFloat(db),
    month: { label: monthLabel, paidCount: month.n, paidCents: month.cents, chargesCents: month.charges },
    successRate: paid + failedSettled === 0 ? null : paid / (paid + failedSettled),
    needsAttention: {
      total: unknownPayouts + failedPayouts + inbox + findings,
      unknownPayouts,
      failedPayouts,
      inbox,
      findings,
    },
    paymentsHeld,
    auditAlarm,
    payoutsPerDay,
    recentRuns,
  };
}

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
