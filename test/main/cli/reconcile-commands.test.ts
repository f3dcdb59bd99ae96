// `statement import` and `reconcile show|finish|history` on a real profile database: the buckets
// with counts and totals, a refused finish while a difference remains, a finished period locked,
// and a formula-safe report.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProfileDatabase } from '../../../src/main/composition/profile-database';
import { cli, freshDataFolderEachTest, seedCliPeople, signedIn } from './cli-helpers';

const folder = freshDataFolderEachTest();
const run = (argv: string[]) => cli(argv, { secrets: folder.secrets, env: signedIn });
/** The accountant of the test people (test/helpers/people.ts): statements and reconciliation are theirs. */
const accountant = ['--user', 'chebet'];
const header =
  'Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.';

function seedLedger(): void {
  const opened = openProfileDatabase('demo');
  opened.db
    .prepare(
      "INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, phone, source) VALUES ('SLC3000001', '2026-11-05T07:10:00.000Z', 'out', 'b2c_payment', 'completed', 70000, '254744000003', 'b2c_result')",
    )
    .run();
  opened.close();
}

describe('statement and reconcile commands', () => {
  it('imports, shows the buckets, refuses to finish with a difference, then finishes and locks', async () => {
    expect((await run(['init', '--profile', 'demo', '--kind', 'demo'])).code).toBe(0);
    await seedCliPeople();
    seedLedger();
    const file = join(folder.dataDir, 'november.csv');
    // A portal payment whose Details a spreadsheet would run as a formula.
    writeFileSync(
      file,
      [
        header,
        'SLC3000002,05-11-2026 11:00:00,,=HYPERLINK("http://x"),Completed,,300.00,9000.00,TRUE,,254744000009 - PORTAL,,',
        'SLC3000001,05-11-2026 10:10:00,,Business Payment to Customer,Completed,,700.00,9300.00,TRUE,,254744000003 - DAVID OMONDI,,',
      ].join('\n'),
    );

    const imported = await run(['statement', 'import', file, '--json', ...accountant]);
    expect(imported.code).toBe(0);
    const result = JSON.parse(imported.out) as {
      rowsNew: number;
      buckets: Record<string, { count: number; withdrawnCents: number }>;
    };
    expect(result.rowsNew).toBe(2);
    expect([result.buckets.matched, result.buckets.statement_only]).toEqual([
      { count: 1, paidInCents: 0, withdrawnCents: 70000 },
      { count: 1, paidInCents: 0, withdrawnCents: 30000 },
    ]);
    const text = await run(['statement', 'import', file, ...accountant]);
    expect(text.out).toContain('Utility Account: 2 rows read, 0 new, 2 already imported.');
    expect(text.out).toMatch(/Only in the statement\s+1\s+KES 0\.00\s+KES 300\.00/);

    const refused = await run(['reconcile', 'finish', '2026-11', ...accountant]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('The difference is KES -300.00, not zero: 1 row is not ticked');

    const shown = await run(['reconcile', 'show', '2026-11', '--json', '--export', join(folder.dataDir, 'report.csv')]);
    const view = JSON.parse(shown.out) as {
      openingBalanceCents: number;
      closingBalanceCents: number;
      ledgerNetCents: number;
      differenceCents: number;
      state: string;
    };
    expect(view).toMatchObject({
      openingBalanceCents: 1_000_000,
      closingBalanceCents: 900_000,
      ledgerNetCents: -70_000,
      differenceCents: -30_000,
      state: 'not_started',
    });
    const report = readFileSync(join(folder.dataDir, 'report.csv'), 'utf8');
    expect(report).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(report).not.toMatch(/,=HYPERLINK/);

    // The accountant decides the portal payment belongs to the ledger, ticks it, and finishes.
    const opened = openProfileDatabase('demo');
    const { addToLedger } = await import('../../../src/main/statements/decide');
    const rowId = opened.db
      .prepare("SELECT id FROM statement_rows WHERE receipt = 'SLC3000002'")
      .pluck()
      .get() as number;
    addToLedger(opened.db, { rowId, kind: 'b2c_payment', actor: 'Wanjiku', now: new Date().toISOString() });
    opened.close();
    const finished = await run(['reconcile', 'finish', '2026-11', '--json', ...accountant]);
    expect(finished.code).toBe(0);
    expect(JSON.parse(finished.out)).toMatchObject({ state: 'finished', differenceCents: 0, clearedCents: -100_000 });
    const history = await run(['reconcile', 'history', '--json']);
    expect(JSON.parse(history.out)).toMatchObject([{ period: '2026-11', lockedRows: 2, closingBalanceCents: 900_000 }]);
    const again = await run(['reconcile', 'finish', '2026-11', ...accountant]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/was reconciled by/);
  });

  it('names what is wrong with the command line', async () => {
    expect((await run(['statement', 'import'])).code).toBe(2);
    expect((await run(['reconcile', 'show'])).err).toContain('reconcile show needs a period');
  });
});
