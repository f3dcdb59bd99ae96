// The dashboard's figures: the float, this month's payouts, the success rate, what waits for a
// person and payouts per Nairobi day, read from the ledger, the runs, the findings and the inbox.
import type { MethodOutput } from '../../shared/contract';
import { countNeedingAction } from '../callback-sources/inbox/entries';
import { nairobiDay, nairobiDayStart } from '../../shared/time';
import type { ProfileDatabase } from '../db';
import type { AuditAlarm } from '../ledger/audit-alarm';
import { ledgerTotals, totalsPerDay } from '../ledger/query';
import { latestFloat } from '../payroll/float';
import { runDisplayStatus, emptyItemCounts, type ItemState, type RunState } from '../payroll/status';
import { notRefundRun } from '../refunds/links';

export type DashboardSummary = MethodOutput<'dashboard.summary'>;

const chartDays = 30;

/** "2026-11-21" for the Nairobi day `daysAgo` before `now`. */
function nairobiDaysAgo(now: Date, daysAgo = 0): string {
  return nairobiDay(now.getTime() - daysAgo * 86_400_000);
}

/** The Nairobi day that begins the month after `month` ("2026-11" gives "2026-12-01"). */
function nextMonthFirstDay(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, monthNumber, 1)).toISOString().slice(0, 10);
}

export function dashboardSummary(
  db: ProfileDatabase,
  now = new Date(),
  paymentsHeld: string | null = null,
  auditAlarm: AuditAlarm | null = null,
): DashboardSummary {
  const today = nairobiDaysAgo(now);
  const monthLabel = today.slice(0, 7);
  // This month's payouts from the ledger's day totals, with charges as best known.
  const month = ledgerTotals(db, {
    from: nairobiDayStart(`${monthLabel}-01`),
    to: nairobiDayStart(nextMonthFirstDay(monthLabel)),
    kinds: ['b2c_payment'],
    statuses: ['completed'],
    direction: 'out',
  });

  // The last 30 Nairobi days of payouts, from the ledger's per-day totals.
  const firstDay = nairobiDaysAgo(now, chartDays - 1);
  const days = totalsPerDay(db, { fromDay: firstDay, kind: 'b2c_payment', direction: 'out' });
  const settledCount = (status: 'completed' | 'failed'): number =>
    days.filter((d) => d.status === status).reduce((sum, d) => sum + d.count, 0);
  const paid = settledCount('completed');
  const failedSettled = settledCount('failed');
  const perDay = new Map(days.filter((d) => d.status === 'completed').map((d) => [d.day, d]));
  const payoutsPerDay = Array.from({ length: chartDays }, (_, index) => {
    const day = nairobiDaysAgo(now, chartDays - 1 - index);
    const row = perDay.get(day);
    return { day, count: row?.count ?? 0, amountCents: row?.amountCents ?? 0 };
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
  // The statement shows money leaving for a payment Mshahara recorded as failed: the worst there is,
  // until a person settles the row on the Reconcile screen.
  const paidButRecordedFailed = (
    db
      .prepare(
        "SELECT count(*) AS n FROM statement_matches WHERE serious = 'paid_but_recorded_failed' AND settlement IS NULL",
      )
      .get() as { n: number }
  ).n;
  // Failed payments of runs that are not cancelled: each waits for "retry failed" or a decision.
  const failedPayouts = (
    db
      .prepare(
        `SELECT count(*) AS n FROM payroll_items i JOIN payroll_runs r ON r.id = i.run_id WHERE i.state = 'failed' AND r.state <> 'cancelled' AND r.created_at >= ? AND ${notRefundRun('r.id')}`,
      )
      .get(new Date(now.getTime() - chartDays * 86_400_000).toISOString()) as { n: number }
  ).n;
  const inbox = countNeedingAction(db);

  const runs = db
    .prepare(
      `SELECT id, title, state, created_at FROM payroll_runs WHERE ${notRefundRun('id')} ORDER BY created_at DESC, id DESC LIMIT 5`,
    )
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
    month: {
      label: monthLabel,
      paidCount: month.count,
      paidCents: month.amountCents,
      chargesCents: month.chargesCents,
      estimatedChargesCents: month.estimatedChargesCents,
    },
    successRate: paid + failedSettled === 0 ? null : paid / (paid + failedSettled),
    needsAttention: {
      total: unknownPayouts + failedPayouts + inbox + findings + paidButRecordedFailed,
      unknownPayouts,
      failedPayouts,
      inbox,
      findings,
      paidButRecordedFailed,
    },
    paymentsHeld,
    auditAlarm,
    payoutsPerDay,
    recentRuns,
  };
}
