// The headless CLI end to end in this process: exit codes, profiles and credentials, worker import,
// pay (and pay again, and resume), runs show, ledger export and balance, against a real simulator.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { previewPayrollFile } from '../../../src/main/payroll/import';
import { createRunFromFile } from '../../../src/main/payroll/runs';
import { profileDatabasePath, profileFolder } from '../../../src/main/profiles';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { payrollLines, writePayrollCsv, type PayrollLine } from '../../crash/payroll-file';
import { cli, freshDataFolderEachTest, payApproved, seedCliPeople, signedIn } from './cli-helpers';
import { approveAsPolicyNeeds } from '../../helpers/people';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 11, openRegistry: true, faults: { callbackDelayMs: { min: 5, max: 30 } } });
});
afterAll(() => simulator.close());
const folder = freshDataFolderEachTest();

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  cli(argv, { secrets: folder.secrets, env: { ...signedIn, ...env } });

function payrollFile(count: number, seed: number): { file: string; lines: PayrollLine[] } {
  const lines = payrollLines(count, seed);
  const file = join(folder.dataDir, `payroll-${seed}.csv`);
  writePayrollCsv(file, lines);
  return { file, lines };
}

function paymentsTo(lines: readonly PayrollLine[]) {
  const phones = new Set(lines.map((l) => l.phone));
  return simulator.payments().filter((p) => phones.has(p.party));
}

describe('command line', () => {
  it('exits 0 for help, 2 for a wrong command line, 1 for an error, with readable messages', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/pay\s+pay everyone in a payroll file/);
    expect((await run([])).code).toBe(2);
    const unknown = await run(['payout']);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.err).toContain('Unknown command "payout"');
    const badFlag = await run(['pay', 'x.csv', '--colour']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.err).toMatch(/Unknown option '--colour'[\s\S]*Usage: npm run cli -- pay/);
    expect((await run(['pay', '--help'])).out).toMatch(/resumes the\s+same run/);
    const missing = await run(['runs', 'show', '1', '--profile', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('There is no profile named "nobody"');
  });

  it('creates profiles; a second with the same name is refused', async () => {
    expect((await run(['init', '--profile', 'acme-demo', '--kind', 'demo'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(profileFolder('acme-demo'), 'profile.json'), 'utf8'))).toMatchObject({
      name: 'acme-demo',
      kind: 'demo',
    });
    const again = await run(['init', '--profile', 'acme-demo', '--kind', 'demo']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');
    expect((await run(['init', '--profile', 'x', '--kind', 'staging'])).code).toBe(2);
    expect((await run(['init', '--profile', '../x', '--kind', 'demo'])).code).toBe(1);
  });

  it('reads sandbox credentials from the environment into the keychain, never into files or output', async () => {
    const env = {
      MSHAHARA_CONSUMER_KEY: 'ck-7f3a9',
      MSHAHARA_CONSUMER_SECRET: 'cs-81b2e',
      MSHAHARA_INITIATOR_PASSWORD: 'ip-55c0d',
    };
    const result = await run(
      ['init', '--profile', 'acme-sandbox', '--kind', 'sandbox', '--shortcode', '600000', '--initiator-name', 'apiop'],
      env,
    );
    expect(result.code).toBe(0);
    expect(await folder.secrets.get('acme-sandbox', 'consumer-key')).toBe('ck-7f3a9');
    expect(await folder.secrets.get('acme-sandbox', 'consumer-secret')).toBe('cs-81b2e');
    expect(await folder.secrets.get('acme-sandbox', 'initiator-password')).toBe('ip-55c0d');
    const written = readFileSync(join(profileFolder('acme-sandbox'), 'profile.json'), 'utf8') + result.out + result.err;
    for (const value of Object.values(env)) expect(written).not.toContain(value);

    const noSecrets = await run([
      'init',
      '--profile',
      'other',
      '--kind',
      'production',
      '--shortcode',
      '3001234',
      '--initiator-name',
      'apiop',
    ]);
    expect(noSecrets.code).toBe(1);
    expect(noSecrets.err).toMatch(/MSHAHARA_CONSUMER_KEY, MSHAHARA_CONSUMER_SECRET, MSHAHARA_INITIATOR_PASSWORD/);
  });

  it('previews a worker file with each invalid row and its reason, and imports only with --yes', async () => {
    const file = join(folder.dataDir, 'workers.csv');
    writeFileSync(
      file,
      'name,phone,amount,reference\nAchieng Otieno,0712 345 678,"1,500",Nov\nBad Number,0812 000 000,900,Nov\nMutua Kamau,+254 110 123 456,2000.00,Nov\n',
    );
    const preview = await run(['workers', 'import', file]);
    expect(preview.code).toBe(0);
    expect(preview.out).toContain('2 valid rows, total KES 3,500.00');
    expect(preview.out).toMatch(/row 3: .+/);
    expect(preview.out).toContain('Nothing saved');
    const countWorkers = () => {
      const db = openDatabase(profileDatabasePath('demo'));
      try {
        return db.prepare('SELECT phone, default_amount_cents AS cents FROM workers ORDER BY phone').all();
      } finally {
        closeDatabase(db);
      }
    };
    expect(countWorkers()).toEqual([]);
    await seedCliPeople();
    const imported = await run(['workers', 'import', file, '--yes', '--user', 'amina']);
    expect(imported.out).toContain('Imported 2 workers');
    expect(countWorkers()).toEqual([
      { phone: '254110123456', cents: 200000 },
      { phone: '254712345678', cents: 150000 },
    ]);
  });

  it('reads a payroll file as the screens do: an amount far from a saved worker’s usual pay is flagged', async () => {
    const workers = join(folder.dataDir, 'workers.csv');
    writeFileSync(workers, 'name,phone,amount,reference\nAchieng Otieno,0712 345 678,"15,000",Nov\n');
    await seedCliPeople();
    expect((await run(['workers', 'import', workers, '--yes', '--user', 'amina'])).code).toBe(0);
    const payroll = join(folder.dataDir, 'december.csv');
    writeFileSync(payroll, 'name,phone,amount,reference\nAchieng Otieno,0712 345 678,"150,000",Dec\n');
    const preview = await run(['pay', payroll, '--base-url', simulator.baseUrl]);
    expect(preview.code).toBe(0);
    expect(preview.out).toContain(
      "row 2: check: Amount KES 150,000.00 is far from this worker's usual KES 15,000.00; check it",
    );
    expect(preview.out).toContain('Nothing sent.');
    expect(simulator.payments().filter((p) => p.party === '254712345678')).toEqual([]);
  });

  it('pays a file once: everyone exactly once with the right amount; paying it again is refused', async () => {
    const { file, lines } = payrollFile(12, 501);
    const paid = await payApproved(run, [file, '--base-url', simulator.baseUrl, '--rate', '50']);
    expect(paid.err).toContain('Paying run #1');
    expect(paid.code).toBe(0);
    expect(paid.out).toContain('12 of 12 paid');
    await simulator.callbacksIdle();
    const payments = paymentsTo(lines);
    expect(payments.map((p) => [p.party, p.amountCents]).sort()).toEqual(
      lines.map((l) => [l.phone, l.amountCents]).sort(),
    );

    const again = await run(['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      /Nothing sent: this payroll was paid before[\s\S]*Payroll run #1 "Payroll from payroll-501.csv" \(completed\) was made from the same file: 12 of 12 paid[\s\S]*add --pay-again/,
    );
    expect(paymentsTo(lines)).toHaveLength(12);

    const shown = await run(['runs', 'show', '1', '--json']);
    const summary = JSON.parse(shown.out) as {
      run: { state: string };
      counts: { paid: number };
      items: Array<{ phone: string; state: string; attempts: Array<{ receipt: string | null }> }>;
    };
    expect(summary.run.state).toBe('completed');
    expect(summary.counts.paid).toBe(12);
    const receipts = new Map(payments.map((p) => [p.party, p.receipt]));
    for (const item of summary.items) expect(item.attempts.map((a) => a.receipt)).toEqual([receipts.get(item.phone)]);

    const csv = await run(['ledger', 'export', '--format', 'csv']);
    expect(csv.code).toBe(0);
    for (const payment of payments) expect(csv.out).toContain(payment.receipt);
    expect((await run(['ledger', 'export', '--format', 'xlsx'])).code).toBe(2);
    const xlsx = join(folder.dataDir, 'ledger.xlsx');
    expect((await run(['ledger', 'export', '--format', 'xlsx', '--out', xlsx])).code).toBe(0);
    expect(readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
  });

  it('resumes the unfinished run made from the same file instead of creating a second one', async () => {
    const { file, lines } = payrollFile(6, 502);
    expect((await run(['init', '--profile', 'demo', '--kind', 'demo', '--base-url', simulator.baseUrl])).code).toBe(0);
    // As a crash right after approval leaves it: an approved run remembering the file's hash.
    const content = readFileSync(file);
    const db = openDatabase(profileDatabasePath('demo'));
    try {
      const preview = await previewPayrollFile(content, { duplicatesAgainstExisting: 'warn' });
      const created = createRunFromFile(db, { title: 'November', fileName: 'payroll.csv', preview }, { name: 'test' });
      db.prepare('UPDATE payroll_runs SET source_file_sha256 = ? WHERE id = ?').run(
        createHash('sha256').update(content).digest('hex'),
        created.id,
      );
      await approveAsPolicyNeeds(db, created.id);
    } finally {
      closeDatabase(db);
    }
    await seedCliPeople();
    const resumed = await run(['pay', file, '--yes', '--user', 'amina']);
    expect(resumed.err).toContain('Resuming payroll run #1 (approved)');
    expect(resumed.code).toBe(0);
    await simulator.callbacksIdle();
    expect(paymentsTo(lines)).toHaveLength(6);
    const check = openDatabase(profileDatabasePath('demo'));
    try {
      expect(check.prepare('SELECT id, state FROM payroll_runs').all()).toEqual([{ id: 1, state: 'completed' }]);
    } finally {
      closeDatabase(check);
    }
  });

  it('asks M-Pesa for the balances and prints each account when the callback arrives', async () => {
    await seedCliPeople();
    const result = await run(['balance', '--base-url', simulator.baseUrl, '--json', '--user', 'chebet']);
    expect(result.code).toBe(0);
    const accounts = JSON.parse(result.out) as Array<{ account: string; availableCents: number }>;
    const utility = accounts.find((a) => a.account === 'Utility Account');
    expect(utility?.availableCents).toBeGreaterThan(0);
    expect(accounts.map((a) => a.account)).toContain('Charges Paid Account');
  });

  it('starts the simulator in this process for a demo profile without a base URL', async () => {
    const { file } = payrollFile(3, 503);
    const result = await payApproved(run, [file]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('3 of 3 paid');
  });
});
