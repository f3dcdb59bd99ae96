// Every balance M-Pesa reported (balance_snapshots: Account Balance results, and the Utility balance
// a B2C result carries after each payment), read for a chart: one point per time bucket with the
// bucket's lowest and last balance, summed in SQL, so a 5,000-line run's 5,000 snapshots draw as a
// few hundred points and the lowest dip is never smoothed away.
import { ValidationError } from '../../shared/errors';
import type { Cents } from '../../shared/money';
import { nairobiDayStart } from '../../shared/time';
import type { ProfileDatabase } from '../db';

/** The account payouts are paid from: listed first, and the one the low-float warning watches. */
export const utilityAccount = 'Utility Account';

export interface FloatPoint {
  /** The bucket's last report (ISO, UTC). */
  at: string;
  /** The lowest balance reported in the bucket. */
  lowestCents: Cents;
  /** The last balance reported in the bucket. */
  lastCents: Cents;
  /** How many reports the bucket holds. */
  reports: number;
}

export interface FloatHistory {
  /** The accounts M-Pesa has reported, the Utility account first. */
  accounts: string[];
  account: string;
  fromDay: string;
  toDay: string;
  /** Seconds each point covers. */
  bucketSeconds: number;
  points: FloatPoint[];
  /** Reports in the period, all buckets together. */
  reports: number;
}

export interface FloatHistoryQuery {
  account?: string | undefined;
  /** Nairobi days, both included ("2026-11-01"). */
  fromDay: string;
  toDay: string;
  /** At most this many points (default 240). */
  maxPoints?: number | undefined;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const defaultMaxPoints = 240;

/** The day after a calendar day ("2026-11-30" gives "2026-12-01"). */
function nextDay(day: string): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}

/** The accounts M-Pesa has reported a balance for, the Utility account first, then by name. */
export function floatAccounts(db: ProfileDatabase): string[] {
  const rows = db.prepare('SELECT account FROM balance_snapshots GROUP BY account').all() as Array<{
    account: string;
  }>;
  return rows
    .map((row) => row.account)
    .sort((a, b) => (a === utilityAccount ? -1 : b === utilityAccount ? 1 : a.localeCompare(b)));
}

function period(query: FloatHistoryQuery): { from: string; to: string } {
  if (!dayPattern.test(query.fromDay) || !dayPattern.test(query.toDay))
    throw new ValidationError('Choose the period as days, like 2026-11-01.');
  if (query.fromDay > query.toDay)
    throw new ValidationError('The period must not end before it starts.', { field: ['toDay'] });
  return { from: nairobiDayStart(query.fromDay), to: nairobiDayStart(nextDay(query.toDay)) };
}

/** Balances are kept as `flip - cents` in the sort key, so a lower balance sorts higher. */
const flip = 1_000_000_000_000_000;

/**
 * The balances of one account over a period of Nairobi days, downsampled: the period is cut into at
 * most `maxPoints` equal buckets and each keeps its lowest and its last report. One indexed pass
 * (balance_snapshots_latest: account, observed_at); the last report of a bucket is the greatest
 * key made of its time and its flipped balance, in one string so no second lookup is needed. M-Pesa's
 * times have one-second resolution and results arrive out of order, so among reports of the same
 * second the lowest balance is the last, as latestFloat reads it: within a payroll, payments only
 * lower the float.
 */
export function floatHistory(db: ProfileDatabase, query: FloatHistoryQuery): FloatHistory {
  const { from, to } = period(query);
  const accounts = floatAccounts(db);
  const account = query.account ?? accounts[0] ?? utilityAccount;
  const maxPoints = Math.max(1, Math.min(query.maxPoints ?? defaultMaxPoints, 2000));
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  const bucketSeconds = Math.max(1, Math.ceil(seconds / maxPoints));
  const rows = db
    .prepare(
      `SELECT CAST((unixepoch(observed_at, 'subsec') - unixepoch(:from, 'subsec')) / :width AS INTEGER) AS bucket,
              min(available_cents) AS lowest,
              count(*) AS reports,
              max(observed_at || ' ' || printf('%020d', :flip - available_cents)) AS lastKey
         FROM balance_snapshots
        WHERE account = :account AND observed_at >= :from AND observed_at < :to
        GROUP BY bucket ORDER BY bucket`,
    )
    .all({ from, to, width: bucketSeconds, account, flip }) as Array<{
    bucket: number;
    lowest: number;
    reports: number;
    lastKey: string;
  }>;
  const points = rows.map((row) => {
    const [at = '', flipped = '0'] = row.lastKey.split(' ');
    return { at, lowestCents: row.lowest, lastCents: flip - Number(flipped), reports: row.reports };
  });
  return {
    accounts,
    account,
    fromDay: query.fromDay,
    toDay: query.toDay,
    bucketSeconds,
    points,
    reports: points.reduce((sum, point) => sum + point.reports, 0),
  };
}

/** Every report of one account in the period, unsampled: the export, and the bench's baseline. */
export function floatReports(
  db: ProfileDatabase,
  query: FloatHistoryQuery,
): Array<{ at: string; availableCents: Cents }> {
  const { from, to } = period(query);
  const account = query.account ?? floatAccounts(db)[0] ?? utilityAccount;
  return db
    .prepare(
      `SELECT observed_at AS at, available_cents AS availableCents FROM balance_snapshots
        WHERE account = ? AND observed_at >= ? AND observed_at < ? ORDER BY observed_at, id`,
    )
    .all(account, from, to) as Array<{ at: string; availableCents: Cents }>;
}
