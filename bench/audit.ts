// Audit chain benchmark: appends N entries (typical payout details) to a temp profile database,
// then times verifyAuditChain over the whole log, as the app does when it opens a profile.
// Prints figures; asserts nothing. Run: npx tsx bench/audit.ts [-- --rows 100000 --runs 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../src/main/db';
import { appendAudit, verifyAuditChain } from '../src/main/ledger/audit';

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
  times.sort((a, b) => a - b);
  console.log(
    `verifyAuditChain over ${rowCount} entries: min ${times[0]?.toFixed(0)} ms, median ${times[Math.floor(times.length / 2)]?.toFixed(0)} ms, max ${times.at(-1)?.toFixed(0)} ms`,
  );
} finally {
  closeDatabase(db);
  rmSync(folder, { recursive: true, force: true });
}
