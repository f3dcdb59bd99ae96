// `statement float` as its own process, the way a script runs it: the float statement printed
// from an imported statement, its Xero export written to a file, and a period no statement covers
// refused with exit 1 and what to import.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateProfile } from '../../../src/main/composition/profile-database';
import { spawnCli } from './spawn-cli';
import { seedCliPeople, signedIn } from './cli-helpers';

const header =
  'Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.';
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'mshahara-float-cli-'));
  loadOrCreateProfile('demo', dataDir);
  await seedCliPeople('demo', dataDir);
  writeFileSync(
    join(dataDir, 'ORG_600000_Utility Account_Completed_20261130235959.csv'),
    [
      header,
      'SLE5000002,05-11-2026 10:10:00,,Business Payment to Customer,Completed,,700.00,"4,300.00",TRUE,,254744000003 - DAVID OMONDI,,',
      'SLE5000001,02-11-2026 08:00:00,,Funds Transfer from Working Account,Completed,"5,000.00",,"5,000.00",TRUE,,600000 - Working Account,,',
    ].join('\r\n'),
  );
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const cli = spawnCli(args, dataDir, { env: signedIn });
  let out = '';
  cli.child.stdout?.setEncoding('utf8');
  cli.child.stdout?.on('data', (chunk: string) => (out += chunk));
  const code = await cli.exited;
  return { code, out, err: cli.stderr() };
}

describe('statement float', () => {
  it('prints the float statement, writes the Xero file, and refuses a period with no statement', async () => {
    const imported = await run([
      'statement',
      'import',
      join(dataDir, 'ORG_600000_Utility Account_Completed_20261130235959.csv'),
      '--user',
      'chebet',
    ]);
    expect(imported.code).toBe(0);

    const shown = await run(['statement', 'float', 'utility', '2026-11']);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('Utility Account, 2026-11 (1 Nov 2026, 00:00 to 30 Nov 2026, 23:59)');
    expect(shown.out).toContain('Opening balance  KES 0.00');
    expect(shown.out).toMatch(/SLE5000002 \*\s+Business Payment to Customer.+KES 700\.00\s+KES 4,300\.00/);
    expect(shown.out).toContain('Closing balance  KES 4,300.00');
    expect(shown.out).toContain(
      'Opening KES 0.00 + paid in KES 5,000.00 − withdrawn KES 700.00 = closing KES 4,300.00.',
    );
    expect(shown.out).toContain('2 movements have no ledger row');

    const xero = join(dataDir, 'xero.csv');
    const written = await run(['statement', 'float', 'Utility Account', '2026-11', '--format', 'xero', '--out', xero]);
    expect(written.code).toBe(0);
    expect(readFileSync(xero, 'utf8').split('\r\n')).toEqual([
      '*Date,*Amount,Payee,Description,Reference',
      '02/11/2026,5000.00,Working Account,Funds Transfer from Working Account,SLE5000001',
      '05/11/2026,-700.00,DAVID OMONDI,Business Payment to Customer,SLE5000002',
      '',
    ]);

    const december = await run(['statement', 'float', 'utility', '2026-12', '--json']);
    expect(december.code).toBe(1);
    const view = JSON.parse(december.out) as { covered: boolean; openingBalanceCents: number | null; missing: string };
    expect(view).toMatchObject({ covered: false, openingBalanceCents: null });
    expect(view.missing).toContain('Export the Utility Account statement for these dates');
  }, 60_000);
});
