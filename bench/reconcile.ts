// Reconciliation benchmark: a 100,000-row M-Pesa statement (CSV, today's portal layout) imported
// and matched against a 1,000,000-row ledger; import time, match time and peak RSS, beside a naive
// per-row lookup (one SELECT by receipt and one write per statement row) in the same run.
// The ledger is built by a child process so the peak RSS is the import's own. Asserts nothing.
// Run: npm run bench:reconcile [-- --ledger-rows 1000000 --statement-rows 100000]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../src/main/db';
import { importStatement, previewStatement } from '../src/main/statements/import';
import { matchAccount } from '../src/main/statements/match';

const { values: args } = parseArgs({
  options: {
    'ledger-rows': { type: 'string', default: '1000000' },
    'statement-rows': { type: 'string', default: '100000' },
    build: { type: 'string' },
  },
});
const ledgerRows = Number(args['ledger-rows']);
const statementRows = Number(args['statement-rows']);
const periodStart = Date.parse('2026-11-30T21:00:00.000Z');
const receiptOf = (n: number): string => `TB${n.toString(36).toUpperCase().padStart(8, '0')}`;
const amountOf = (n: number): number => (100 + ((n * 7919) % 50_000)) * 100;
const phoneOf = (n: number): string => `2547${String(10_000_000 + ((n * 7919) % 89_999_999)).padStart(8, '0')}`;
// The last `statementRows` ledger rows fall in December, one every 20 seconds.
const timeOf = (n: number): number => periodStart + (n - (ledgerRows - statementRows)) * 20_000;

function buildLedger(file: string): void {
  const db = openDatabase(file);
  const insert = db.prepare(
    `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, phone, party_name, source)
     VALUES (?, ?, 'out', 'b2c_payment', 'completed', ?, ?, 'WORKER', 'b2c_result')`,
  );
  const batch = db.transaction((first: number, last: number) => {
    for (let n = first; n < last; n += 1)
      insert.run(receiptOf(n), new Date(timeOf(n)).toISOString(), amountOf(n), phoneOf(n));
  });
  for (let first = 0; first < ledgerRows; first += 50_000) batch(first, Math.min(ledgerRows, first + 50_000));
  closeDatabase(db);
}

const nairobi = (ms: number): string => {
  const t = new Date(ms + 3 * 3600_000).toISOString();
  return `${t.slice(8, 10)}-${t.slice(5, 7)}-${t.slice(0, 4)} ${t.slice(11, 19)}`;
};
const shillings = (cents: number): string => (cents / 100).toLocaleString('en-KE', { minimumFractionDigits: 2 });

/** The statement: every December ledger payment, 1% with another amount, 1% portal payments, 1% charge rows. */
function statementCsv(): string {
  const lines: string[] = [];
  let balance = 10_000_000_000;
  const opening = balance;
  for (let i = 0; i < statementRows; i += 1) {
    const n = ledgerRows - statementRows + i;
    const at = timeOf(n);
    let receipt = receiptOf(n);
    let amount = amountOf(n);
    let details = 'Business Payment to Customer';
    let linked = '';
    if (i % 100 === 1) amount += 100;
    if (i % 100 === 2) receipt = `PX${i.toString(36).toUpperCase().padStart(8, '0')}`;
    if (i % 100 === 3) {
      details = 'Business Payment to Customer Charge';
      linked = receiptOf(n - 1);
      amount = 1300;
    }
    balance -= amount;
    lines.push(
      `"${receipt}","${nairobi(at)}","${nairobi(at)}","${details}","Completed","","-${shillings(amount)}","${shillings(balance)}","TRUE","${details}","${phoneOf(n).slice(0, 4)}****${phoneOf(n).slice(-3)} - WORKER","${linked}",""`,
    );
  }
  const header =
    '"Receipt No.","Completion Time","Initiation Time","Details","Transaction Status","Paid In","Withdrawn","Balance","Balance Confirmed","Reason Type","Other Party Info","Linked Transaction ID","A/C No."';
  const preamble = [
    '"Organization Name","BENCH LTD"',
    '"Short Code","600000"',
    '"Account","Utility Account"',
    '"Time Period","01-12-2026 - 31-12-2026"',
    `"Opening Balance","${shillings(opening)}"`,
    `"Closing Balance","${shillings(balance)}"`,
  ];
  return `\uFEFF${[...preamble, header, ...lines.reverse()].join('\r\n')}\r\n`;
}

if (args.build !== undefined) {
  buildLedger(join(args.build, 'profile.sqlite'));
  writeFileSync(join(args.build, 'statement.csv'), statementCsv());
  process.exit(0);
}

const folder = mkdtempSync(join(tmpdir(), 'mshahara-bench-reconcile-'));
try {
  const file = join(folder, 'profile.sqlite');
  let t = performance.now();
  execFileSync(
    process.execPath,
    [
      ...process.execArgv,
      process.argv[1] as string,
      '--build',
      folder,
      '--ledger-rows',
      String(ledgerRows),
      '--statement-rows',
      String(statementRows),
    ],
    { stdio: 'inherit' },
  );
  console.log(
    `ledger: ${ledgerRows.toLocaleString('en')} rows and the statement file built in ${((performance.now() - t) / 1000).toFixed(1)} s (child process)`,
  );
  const bytes = readFileSync(join(folder, 'statement.csv'));
  console.log(`statement: ${statementRows.toLocaleString('en')} rows, ${(bytes.length / 1e6).toFixed(1)} MB CSV`);
  const rssBefore = process.resourceUsage().maxRSS / 1024;

  const db = openDatabase(file);
  t = performance.now();
  const result = await importStatement(db, {
    fileName: 'ORG_600000_Utility Account_Completed_20261231235959.csv',
    bytes,
    actor: 'bench',
    now: new Date().toISOString(),
  });
  const importMs = performance.now() - t;
  t = performance.now();
  matchAccount(db, 'Utility Account', new Date().toISOString());
  const matchMs = performance.now() - t;
  const peakRss = process.resourceUsage().maxRSS / 1024;
  t = performance.now();
  await previewStatement('ORG_600000_Utility Account_Completed_20261231235959.csv', bytes);
  const parseMs = performance.now() - t;
  const counts = Object.entries(result.buckets)
    .filter(([k]) => k !== 'serious')
    .map(([k, v]) => `${k} ${(v as { count: number }).count}`)
    .join(', ');
  console.log(
    `import (read, parse, store, match): ${(importMs / 1000).toFixed(2)} s  [parse alone ${(parseMs / 1000).toFixed(2)} s]`,
  );
  console.log(`match again (one join, one pass, one transaction): ${(matchMs / 1000).toFixed(2)} s`);
  console.log(`buckets: ${counts}; problems ${result.problems.length}; gaps ${result.gaps.length}`);
  console.log(
    `peak RSS through import and match: ${peakRss.toFixed(0)} MB (before the import, with the file read: ${rssBefore.toFixed(0)} MB)`,
  );

  // Baseline: what a per-row reconciler does — one lookup by receipt per statement row, one write each.
  t = performance.now();
  const rows = db
    .prepare("SELECT id, receipt, withdrawn_cents FROM statement_rows WHERE account = 'Utility Account'")
    .all() as Array<{ id: number; receipt: string; withdrawn_cents: number }>;
  const lookup = db.prepare(
    'SELECT id, amount_cents FROM transactions t WHERE receipt = ? AND NOT EXISTS (SELECT 1 FROM transactions c WHERE c.corrects_id = t.id)',
  );
  const write = db.prepare(
    "UPDATE statement_matches SET bucket = ?, transaction_id = ?, updated_at = 'bench' WHERE statement_row_id = ?",
  );
  let matched = 0;
  db.transaction(() => {
    for (const row of rows) {
      const ledger = lookup.get(row.receipt) as { id: number; amount_cents: number } | undefined;
      const bucket =
        ledger === undefined
          ? 'statement_only'
          : ledger.amount_cents === row.withdrawn_cents
            ? 'matched'
            : 'difference';
      if (bucket === 'matched') matched += 1;
      write.run(bucket, ledger?.id ?? null, row.id);
    }
  })();
  const naiveMs = performance.now() - t;
  console.log(
    `baseline, per-row lookup: ${(naiveMs / 1000).toFixed(2)} s for ${rows.length.toLocaleString('en')} rows (${matched.toLocaleString('en')} matched; no charges, parties, times or proposals)`,
  );
  closeDatabase(db);
} finally {
  if (process.env.KEEP_BENCH_DB === undefined) rmSync(folder, { recursive: true, force: true });
  else console.log(folder);
}
