// Ledger benchmark: 1,000,000 rows bulk-inserted into a temp profile database; filtered, sorted, searched pages
// (p50/p95 over varied queries) against a LIKE-scan baseline; a streamed CSV export of every row.
// Prints figures; asserts nothing. Run: npm run bench:ledger [-- --rows 1000000 --queries 200]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../src/main/db';
import { exportLedger } from '../src/main/ledger/export';
import {
  ledgerOrderBy,
  ledgerWhere,
  listTransactions,
  scannedTotals,
  type LedgerFilter,
} from '../src/main/ledger/query';
import { formatMsisdn } from '../src/shared/phone';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
  },
});
const rowCount = Number(args.rows);
const queryCount = Number(args.queries);

// Small seeded PRNG (mulberry32) so every run builds the same ledger and asks the same questions.
let state = Number(args.seed) >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const firstNames = [
  'Wanjiku',
  'Otieno',
  'Akinyi',
  'Kiprop',
  'Chebet',
  'Mwangi',
  'Njeri',
  'Omondi',
  'Atieno',
  'Kamau',
  'Wambui',
  'Mutua',
  'Nyambura',
  'Kipchoge',
  'Achieng',
  'Barasa',
  'Wafula',
  'Jepkosgei',
  'Muthoni',
  'Onyango',
  'Grace',
  'Peter',
  'Mary',
  'John',
  'Faith',
  'David',
  'Esther',
  'Joseph',
  'Mercy',
  'Samuel',
];
const lastNames = [
  'Kamau',
  'Ochieng',
  'Njeri',
  'Cheruiyot',
  'Rono',
  'Mwita',
  'Kariuki',
  'Odhiambo',
  'Wekesa',
  'Kimani',
  'Maina',
  'Mutiso',
  'Korir',
  'Langat',
  'Owino',
  'Githinji',
  'Nyaga',
  'Ruto',
  'Koech',
  'Wanyama',
  'Juma',
  'Hassan',
  'Ali',
  'Kiplagat',
  'Mbugua',
  'Karanja',
  'Omolo',
  'Were',
  'Simiyu',
  'Chege',
];
const people = Array.from({ length: 20_000 }, (_, i) => ({
  name: `${pick(firstNames)} ${pick(lastNames)}`,
  phone: `2547${String(10_000_000 + ((i * 7919) % 89_999_999)).padStart(8, '0')}`,
}));
const start = Date.parse('2025-01-01T00:00:00.000Z');
const span = Date.parse('2026-11-21T00:00:00.000Z') - start;
const receiptAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function build(db: ProfileDatabase): string[] {
  const insert = db.prepare(
    `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, charge_cents, phone, party_name, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const receipts: string[] = [];
  // Batches of 50,000 rows per transaction: one giant transaction overflows the page cache into
  // the WAL again and again, and the WAL cannot be checkpointed until it commits.
  const batch = db.transaction((first: number, last: number) => {
    for (let n = first; n < last; n += 1) {
      const person = pick(people);
      const inbound = random() < 0.1;
      const failed = random() < 0.05;
      // Unique and receipt-like: a letter, three random characters, the row number in base 36.
      let receipt = 'T';
      for (let k = 0; k < 3; k += 1) receipt += receiptAlphabet.charAt(Math.floor(random() * receiptAlphabet.length));
      receipt += n.toString(36).toUpperCase().padStart(6, '0');
      if (n % 5000 === 0) receipts.push(receipt);
      insert.run(
        failed ? null : receipt,
        new Date(start + Math.floor((n / rowCount) * span) + Math.floor(random() * 60_000)).toISOString(),
        inbound ? 'in' : 'out',
        inbound ? 'c2b_payment' : 'b2c_payment',
        failed ? 'failed' : 'completed',
        (100 + Math.floor(random() * 50_000)) * 100,
        inbound ? 0 : pick([0, 500, 900, 1100, 1300]),
        person.phone,
        person.name,
        inbound ? 'c2b_confirmation' : 'b2c_result',
      );
    }
  });
  for (let first = 0; first < rowCount; first += 50_000) batch(first, Math.min(rowCount, first + 50_000));
  return receipts;
}

type Query = { label: string; filter: LedgerFilter };

function queries(receipts: readonly string[]): Query[] {
  const list: Query[] = [];
  for (let n = 0; n < queryCount; n += 1) {
    const from = start + Math.floor(random() * (span - 90 * 86_400_000));
    const days = 7 + Math.floor(random() * 83);
    const person = pick(people);
    const kind = n % 5;
    const search =
      kind === 0
        ? (person.name.split(' ')[1]?.slice(0, 4) ?? 'Kam')
        : kind === 1
          ? formatMsisdn(person.phone)
          : kind === 2
            ? `+${person.phone}`
            : kind === 3
              ? pick(receipts).slice(0, 7)
              : person.name;
    list.push({
      label: ['name part', 'phone 07..', 'phone +254', 'receipt prefix', 'full name'][kind] as string,
      filter: {
        from: new Date(from).toISOString(),
        to: new Date(from + days * 86_400_000).toISOString(),
        statuses: random() < 0.7 ? ['completed'] : undefined,
        search,
      },
    });
  }
  return list;
}

/** The same question answered the obvious way: LIKE over name, phone and receipt, scanning the date range. */
function naive(db: ProfileDatabase, filter: LedgerFilter): number {
  const where = ledgerWhere({ ...filter, search: undefined });
  const term = filter.search ?? '';
  const digits = term.replace(/\D/g, '').replace(/^0/, '');
  const clause = `(t.party_name LIKE ? OR t.receipt LIKE ? OR t.phone LIKE ?)`;
  const params = [...where.params, `%${term}%`, `%${term}%`, `%${digits === '' ? term : digits}%`];
  const sql = `${where.where} AND ${clause}`;
  db.prepare(`SELECT t.* FROM transactions t ${sql} ${ledgerOrderBy({ by: 'time', order: 'desc' })} LIMIT 50`).all(
    ...params,
  );
  const total = db
    .prepare(`SELECT count(*) AS n, sum(t.amount_cents) AS a, sum(t.charge_cents) AS c FROM transactions t ${sql}`)
    .get(...params) as { n: number };
  return total.n;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function timeAll(
  label: string,
  list: readonly Query[],
  run: (q: Query) => unknown,
): { label: string; p50: number; p95: number; max: number } {
  const times = list.map((q) => {
    const t0 = performance.now();
    run(q);
    return performance.now() - t0;
  });
  times.sort((a, b) => a - b);
  return { label, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) ?? NaN };
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'mshahara-bench-ledger-'));
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
  try {
    const file = join(folder, 'ledger.sqlite');
    const db = openDatabase(file);
    // A bigger page cache than SQLite's 2 MB default, for the bulk load into nine indexes.
    db.pragma('cache_size = -131072');
    let t0 = performance.now();
    const receipts = build(db);
    const buildMs = performance.now() - t0;
    db.pragma('optimize');
    console.log(
      `built ${rowCount.toLocaleString()} ledger rows in ${(buildMs / 1000).toFixed(1)} s (${Math.round(rowCount / (buildMs / 1000)).toLocaleString()} rows/s), file ${(statSync(file).size / 1e6).toFixed(0)} MB`,
    );

    const list = queries(receipts);
    listTransactions(db, list[0]?.filter); // warm the page cache once
    const indexed = timeAll('indexed search (all queries)', list, (q) =>
      listTransactions(db, q.filter, { by: 'time', order: 'desc' }, { limit: 50 }),
    );
    const byKind = [...new Set(list.map((q) => q.label))].map((label) =>
      timeAll(
        `  ${label}`,
        list.filter((q) => q.label === label),
        (q) => listTransactions(db, q.filter, { by: 'time', order: 'desc' }, { limit: 50 }),
      ),
    );
    const baselineList = list.slice(0, Math.min(40, list.length));
    const baseline = timeAll(`LIKE scan baseline (${baselineList.length} queries)`, baselineList, (q) =>
      naive(db, q.filter),
    );
    const sameSubset = timeAll(`indexed, same ${baselineList.length} queries`, baselineList, (q) =>
      listTransactions(db, q.filter),
    );

    console.log('\nfiltered page (date range + status + search; 50 rows + count and totals of the filtered set)');
    console.log('query'.padEnd(44), 'p50 ms'.padStart(9), 'p95 ms'.padStart(9), 'max ms'.padStart(9));
    for (const r of [indexed, ...byKind, sameSubset, baseline]) {
      console.log(
        r.label.padEnd(44),
        r.p50.toFixed(2).padStart(9),
        r.p95.toFixed(2).padStart(9),
        r.max.toFixed(2).padStart(9),
      );
    }
    console.log(
      `ratio (baseline p95 / indexed p95 on the same queries): ${(baseline.p95 / sameSubset.p95).toFixed(1)}x`,
    );

    // What the Ledger screen opens with: the first 50 rows and the totals of everything shown.
    // The totals come from the per-day table (migration 004); the baseline reads every row for them.
    const lastMonth = { from: new Date(start + span - 30 * 86_400_000 + 75_600_000).toISOString() };
    const openings: Array<[string, LedgerFilter]> = [
      ['first page, whole ledger', {}],
      ['first page, last 30 days (Nairobi)', lastMonth],
      ['first page, completed payments out', { statuses: ['completed'], direction: 'out' }],
    ];
    console.log('\nfirst page (50 rows + totals of the whole filtered set)');
    console.log('view'.padEnd(44), 'p50 ms'.padStart(9), 'p95 ms'.padStart(9), 'baseline p50'.padStart(13));
    for (const [label, filter] of openings) {
      const repeat = Array.from({ length: 15 }, () => ({ label, filter }));
      const fast = timeAll(label, repeat, (q) => listTransactions(db, q.filter));
      const slow = timeAll(label, repeat.slice(0, 5), (q) => {
        listTransactions(db, q.filter);
        scannedTotals(db, q.filter);
      });
      console.log(
        label.padEnd(44),
        fast.p50.toFixed(2).padStart(9),
        fast.p95.toFixed(2).padStart(9),
        slow.p50.toFixed(2).padStart(13),
      );
    }

    const csv = join(folder, 'ledger.csv');
    const rssBefore = process.memoryUsage.rss();
    peakRss = rssBefore;
    t0 = performance.now();
    await exportLedger(db, csv, { format: 'csv' });
    const exportMs = performance.now() - t0;
    console.log(
      `\nCSV export of all ${rowCount.toLocaleString()} rows: ${(exportMs / 1000).toFixed(1)} s, ${(statSync(csv).size / 1e6).toFixed(0)} MB, ` +
        `peak RSS ${(peakRss / 1e6).toFixed(0)} MB (${((peakRss - rssBefore) / 1e6).toFixed(0)} MB above the start of the export)`,
    );
    closeDatabase(db);
  } finally {
    clearInterval(sampler);
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
