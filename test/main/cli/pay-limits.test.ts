// `pay`, `runs approve` and the amount limits: approving is the payroll domain's rule, so the
// command line meets the same limits as the screens. A run over them is refused with the lines and
// the limit named when the approver approves it, the CLI exits non-zero, nothing reaches M-Pesa
// and no run is approved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openProfileDatabase } from '../../../src/main/composition/profile-database';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { saveAmountLimits, type AmountLimitsChange } from '../../../src/main/payroll/amount-limits';
import { profileDatabasePath } from '../../../src/main/profiles';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { writePayrollCsv, type PayrollLine } from '../../crash/payroll-file';
import { spawnCli } from './spawn-cli';
import { seedCliPeople, signedIn } from './cli-helpers';
import { exitCodes } from '../../../src/main/cli/usage';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ seed: 31, openRegistry: true, faults: { callbackDelayMs: { min: 5, max: 20 } } });
});
afterAll(() => simulator.close());

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'mshahara-limits-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

// Rows 2–4 of the file (row 1 is the header).
const lines: PayrollLine[] = [
  { name: 'Wanjiru Kariuki', phone: '254712000101', amountCents: 1_500_00 },
  { name: 'Otieno Odhiambo', phone: '254712000102', amountCents: 12_000_00 },
  { name: 'Akinyi Mwangi', phone: '254712000103', amountCents: 2_000_00 },
];

/** The admin (a test person: seedCliPeople first) sets the limits; the run total is theirs alone. */
function setLimits(change: AmountLimitsChange): void {
  const opened = openProfileDatabase('demo', dataDir, { exclusive: true, program: 'the limits test' });
  try {
    saveAmountLimits(opened.db, change, 'wanjiru');
  } finally {
    opened.close();
  }
}

function payrollFile(): string {
  const file = join(dataDir, 'december.csv');
  writePayrollCsv(file, lines);
  return file;
}

function paymentsTo(phones: readonly string[]): number {
  return simulator.payments().filter((p) => phones.includes(p.party)).length;
}

function runsInProfile(): Array<{ state: string; approved_at: string | null }> {
  const db = openDatabase(profileDatabasePath('demo', dataDir));
  try {
    return db.prepare('SELECT state, approved_at FROM payroll_runs ORDER BY id').all() as Array<{
      state: string;
      approved_at: string | null;
    }>;
  } finally {
    closeDatabase(db);
  }
}

async function pay(file: string) {
  await seedCliPeople('demo', dataDir);
  const cli = spawnCli(
    ['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl, '--rate', '50'],
    dataDir,
    { stdout: 'ignore', env: signedIn },
  );
  const code = await cli.exited;
  await simulator.callbacksIdle();
  return { code, stderr: cli.stderr() };
}

/** An approver (baraka unless named) approves run #1 from the command line. */
async function approve(approver = 'baraka') {
  const cli = spawnCli(['runs', 'approve', '1', '--user', approver], dataDir, { stdout: 'ignore', env: signedIn });
  return { code: await cli.exited, stderr: cli.stderr() };
}

describe('pay within the officer’s amount limits', () => {
  it('refuses a payment above the largest allowed, naming the line and the limit; pays once the limit allows it', async () => {
    await seedCliPeople('demo', dataDir);
    setLimits({ maxCents: 10_000_00 });
    const file = payrollFile();
    const phones = lines.map((l) => l.phone);
    expect(paymentsTo(phones)).toBe(0);

    expect((await pay(file)).code).toBe(exitCodes.approvalNeeded);
    const refused = await approve();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Error: 1 payment is outside your limits (KES 10.00 to KES 10,000.00): line 3 (Otieno Odhiambo, KES 12,000.00).',
    );
    expect(refused.stderr).toContain('Change the amounts or the limits in Settings');
    expect(paymentsTo(phones)).toBe(0);
    expect(runsInProfile().filter((r) => r.state !== 'draft' || r.approved_at !== null)).toEqual([]);

    // The same file within the limits is paid, each person once: the refusal was the limit's doing.
    setLimits({ maxCents: 20_000_00 });
    expect((await approve()).code).toBe(0);
    const paid = await pay(file);
    expect(paid.code).toBe(0);
    expect(phones.map((phone) => simulator.payments().filter((p) => p.party === phone).length)).toEqual([1, 1, 1]);
    expect(runsInProfile()).toEqual([{ state: 'completed', approved_at: expect.any(String) as string }]);
  }, 60_000);

  it('asks one more approver for a run whose total is above the total set, and sends it only after', async () => {
    await seedCliPeople('demo', dataDir);
    setLimits({ runMaxCents: 10_000_00 });
    const phones = lines.map((l) => l.phone);
    const paidBefore = paymentsTo(phones);
    const file = payrollFile();
    expect((await pay(file)).code).toBe(exitCodes.approvalNeeded);
    // KES 15,500.00 is above KES 10,000.00: one approver is not enough.
    expect((await approve()).code).toBe(0);
    expect(runsInProfile()).toEqual([{ state: 'draft', approved_at: null }]);
    const waiting = await pay(file);
    expect(waiting.code).toBe(exitCodes.approvalNeeded);
    expect(waiting.stderr).toContain('Payroll run #1');
    expect(paymentsTo(phones)).toBe(paidBefore);

    expect((await approve('neema')).code).toBe(0);
    expect(runsInProfile()).toEqual([{ state: 'approved', approved_at: expect.any(String) as string }]);
    expect((await pay(file)).code).toBe(0);
    expect(paymentsTo(phones) - paidBefore).toBe(3);
    expect(runsInProfile()).toEqual([{ state: 'completed', approved_at: expect.any(String) as string }]);
  }, 60_000);
});
