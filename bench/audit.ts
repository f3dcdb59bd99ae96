// Audit chain benchmark: appends N entries (typical payout details) to a temp profile database,
// then times verifyAuditChain over the whole log, as the app does when it opens a profile.
// Prints figures; asserts nothing. Run: npx tsx bench/audit.ts [-- --rows 100000 --runs 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../src/main/db';
import { appendAudit, auditEntryHash, verifyAuditChain, verifyAuditChainInSlices } from '../src/main/ledger/audit';

/** Baseline: the check as first written, parsing and re-canonicalising every entry's details. */
function verifyByReparsing(db: ReturnType<typeof openDatabase>): boolean {
  let prevHash = '0'.repeat(64);
  const rows = db
    .prepare('SELECT at, actor, action, entity, entity_id, details, prev_hash, hash FROM audit_log ORDER BY id')
    .iterate() as IterableIterator<{
    at: string;
    actor: string;
    action: string;
    entity: string;
    entity_id: string | null;
    details: string;
    prev_hash: string;
    hash: string;
  }>;
  for (const row of rows) {
    if (row.prev_hash !== prevHash) return false;
    const hash = auditEntryHash(row.prev_hash, {
      at: row.at,
      actor: row.actor,
      action: row.action,
      entity: row.entity,
      entityId: row.entity_id,
      details: JSON.parse(row.details) as unknown,
    });
    if (hash !== row.hash) return false;
    prevHash = row.hash;
  }
  return true;
}

const median = (times: number[]): string => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!.toFixed(0);

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' } },
});
const rowCount = Number(args.rows);
const runs = Number(args.runs);

const folder = mkdtempSync(join(tmpdir(), 'mshahara-bench-audit-'));
const db = openDatabase(join(folder, 'profile.sqlite'));
try {
  const started = performance.now();
  db.transaction(() => {
    for (let i = 1; i <= rowCount; i += 1) {
      appendAudit(db, {
        actor: 'system',
        action: 'payout_attempt.succeeded',
        entity: 'payout_attempt',
        entityId: i,
        details: { itemId: i, receipt: `TK${String(i).padStart(8, '0')}`, amountCents: 150_000 + i, via: 'b2c_result' },
      });
    }
  })();
  console.log(`appended ${rowCount} entries in ${(performance.now() - started).toFixed(0)} ms`);
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    const check = verifyAuditChain(db);
    times.push(performance.now() - start);
    if (!check.ok) console.log(`chain broken at ${check.brokenAt}: ${check.reason}`);
  }
  const baseline: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    verifyByReparsing(db);
    baseline.push(performance.now() - start);
  }
  const sliced: number[] = [];
  const longestPause: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const start = performance.now();
    await verifyAuditChainInSlices(db);
    sliced.push(performance.now() - start);
    delay.disable();
    longestPause.push(delay.max / 1e6);
  }
  console.log(`verifyAuditChain over ${rowCount} entries, median of ${runs}: ${median(times)} ms`);
  console.log(`  baseline (parse and re-canonicalise each entry): ${median(baseline)} ms`);
  console.log(
    `  in slices after open: ${median(sliced)} ms in all, longest hold of the event loop ${median(longestPause)} ms`,
  );
} finally {
  closeDatabase(db);
  rmSync(folder, { recursive: true, force: true });
}
