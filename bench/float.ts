// Float history benchmark: balance snapshots as payroll runs write them (one Utility report per
// payment, four accounts per Account Balance answer), read for the chart by floatHistory (buckets
// summed in SQL, each keeping its lowest and last report) beside a plain read of every report
// downsampled in JavaScript. Prints figures; asserts nothing.
// Run: npx tsx bench/float.ts [-- --runs 10 --lines 5000 --queries 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../src/main/db';
import { floatHistory, floatReports } from '../src/main/float/history';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    lines: { type: 'string', default: '5000' },
    queries: { type: 'string', default: '50' },
    points: { type: 'string', default: '240' },
  },
});
const runs = Number(args.runs);
const lines = Number(args.lines);
const queries = Number(args.queries);
const maxPoints = Number(args.points);

const folder = mkdtempSync(join(tmpdir(), 'mshahara-bench-float-'));
const db = openDatabase(join(folder, 'profile.sqlite'));

// One run every three days of November 2026, a payment a second from 09:00 Nairobi; a balance query
// reporting four accounts every hour of every day.
const start = Date.parse('2026-10-31T21:00:00.000Z');
const insert = db.prepare(
  'INSERT INTO balance_snapshots (observed_at, account, available_cents, inbox_id) VALUES (?, ?, ?, NULL)',
);
const built = performance.now();
db.transaction(() => {
  let utility = 50_000_000_00;
  for (let hour = 0; hour < 30 * 24; hour++) {
    const at = new Date(start + hour * 3_600_000).toISOString();
    for (const account of [
      'Utility Account',
      'Working Account',
      'Charges Paid Account',
      'Organization Settlement Account',
    ])
      insert.run(at, account, account === 'Utility Account' ? utility : 1_000_000_00);
  }
  for (let run = 0; run < runs; run++) {
    const runStart = start + (run * 3 + 1) * 86_400_000 + 9 * 3_600_000;
    for (let line = 0; line < lines; line++) {
      utility -= 1_000_00 + (line % 7) * 100_00;
      insert.run(new Date(runStart + line * 1000).toISOString(), 'Utility Account', utility);
    }
    utility += lines * 1_400_00;
  }
})();
const snapshots = (db.prepare('SELECT COUNT(*) AS n FROM balance_snapshots').get() as { n: number }).n;
console.log(`built ${snapshots.toLocaleString('en')} snapshots in ${(performance.now() - built).toFixed(0)} ms`);

/** The plain read: every report of the period, bucketed in JavaScript the same way. */
function plainHistory(fromDay: string, toDay: string): number {
  const reports = floatReports(db, { fromDay, toDay });
  const buckets = new Map<number, { lowest: number; last: number }>();
  if (reports.length === 0) return 0;
  const first = Date.parse(reports[0]!.at);
  const width = (30 * 86_400_000) / maxPoints;
  for (const report of reports) {
    const key = Math.floor((Date.parse(report.at) - first) / width);
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, { lowest: report.availableCents, last: report.availableCents });
    else {
      bucket.lowest = Math.min(bucket.lowest, report.availableCents);
      bucket.last = report.availableCents;
    }
  }
  return buckets.size;
}

const periods: Array<[string, string]> = [
  ['2026-11-01', '2026-11-30'],
  ['2026-11-02', '2026-11-02'],
  ['2026-11-01', '2026-11-07'],
  ['2026-11-10', '2026-11-20'],
];

function measure(name: string, read: (period: [string, string]) => number): void {
  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < queries; i++) {
    const period = periods[i % periods.length]!;
    const t0 = performance.now();
    points = Math.max(points, read(period));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): string => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(2);
  console.log(`${name.padEnd(34)} p50 ${at(0.5).padStart(8)} ms   p95 ${at(0.95).padStart(8)} ms   points ≤ ${points}`);
}

measure(
  'floatHistory (buckets in SQL)',
  ([fromDay, toDay]) => floatHistory(db, { fromDay, toDay, maxPoints }).points.length,
);
measure('plain read + buckets in JS', ([fromDay, toDay]) => plainHistory(fromDay, toDay));

closeDatabase(db);
rmSync(folder, { recursive: true, force: true });
