// Nobody moves money alone, from the command line: pay creates the run with the officer as its
// maker and sends nothing until an approver other than the maker approved it (exit 3, naming the
// run and who must approve); the maker cannot approve their own run; the roles are checked with the
// contract's own rule; every command that changes anything needs --user.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandMethods, readingCommandMethods } from '../../../src/main/cli/acting';
import { exitCodes } from '../../../src/main/cli/usage';
import { openProfileDatabase } from '../../../src/main/composition/profile-database';
import { methodAccess } from '../../../src/shared/contract/access';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { payrollLines, writePayrollCsv, type PayrollLine } from '../../crash/payroll-file';
import { cli, freshDataFolderEachTest, seedCliPeople, signedIn, type CliResult } from './cli-helpers';
import { spawnCli } from './spawn-cli';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ seed: 21, openRegistry: true, faults: { callbackDelayMs: { min: 5, max: 20 } } });
});
afterAll(() => simulator.close());
const folder = freshDataFolderEachTest();

const run = (argv: string[], env: NodeJS.ProcessEnv = signedIn): Promise<CliResult> =>
  cli(argv, { secrets: folder.secrets, env });

function payrollFile(lines: readonly PayrollLine[], name: string): string {
  const file = join(folder.dataDir, name);
  writePayrollCsv(file, lines);
  return file;
}

/** How many times M-Pesa paid each of these numbers, and how much, by the simulator's own record. */
function paymentsTo(lines: readonly PayrollLine[]): Array<[string, number]> {
  const phones = new Set(lines.map((l) => l.phone));
  return simulator
    .payments()
    .filter((p) => phones.has(p.party))
    .map((p): [string, number] => [p.party, p.amountCents])
    .sort();
}

function expected(lines: readonly PayrollLine[]): Array<[string, number]> {
  return lines.map((l): [string, number] => [l.phone, l.amountCents]).sort();
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const opened = openProfileDatabase('demo');
  try {
    return opened.db.prepare(sql).all(...params) as T[];
  } finally {
    opened.close();
  }
}

function grantRole(username: string, role: string): void {
  const opened = openProfileDatabase('demo');
  try {
    opened.db
      .prepare('INSERT INTO account_roles (account_id, role) SELECT id, ? FROM accounts WHERE username = ?')
      .run(role, username);
  } finally {
    opened.close();
  }
}

const approvalsOf = (runId: number) =>
  query<{ username: string }>(
    'SELECT a.username FROM run_approvals ra JOIN accounts a ON a.id = ra.approver_account_id WHERE ra.run_id = ? ORDER BY ra.id',
    runId,
  ).map((r) => r.username);

const auditOf = (runId: number) =>
  query<{ actor: string; action: string }>(
    `SELECT actor, action FROM audit_log WHERE entity = 'payroll_run' AND entity_id = ? ORDER BY id`,
    String(runId),
  );

describe('the command line and approvals', () => {
  it('sends nothing until someone other than the maker approves; the maker cannot approve; then pay sends once', async () => {
    const people = await seedCliPeople();
    // The maker holds the Approver role too: the rule is about who made the run, not about roles.
    grantRole('amina', 'approver');
    const lines = payrollLines(6, 701);
    const file = payrollFile(lines, 'november.csv');

    // Through the real program: exit 3, the run and who must approve it named.
    const spawned = spawnCli(
      ['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl],
      folder.dataDir,
      {
        env: signedIn,
      },
    );
    expect(await spawned.exited).toBe(exitCodes.approvalNeeded);
    expect(spawned.stderr()).toContain(
      'Payroll run #1 needs approval by an approver other than amina: run "npm run cli -- runs approve 1 --user <approver>".',
    );
    expect(spawned.stderr()).toContain('Who can approve it: baraka and neema.');
    expect(paymentsTo(lines)).toEqual([]);
    expect(query('SELECT state, maker_account_id AS maker FROM payroll_runs')).toEqual([
      { state: 'draft', maker: people.officer.accountId },
    ]);

    const own = await run(['runs', 'approve', '1', '--user', 'amina']);
    expect(own.code).toBe(1);
    expect(own.err).toContain('amina prepared payroll run #1 and cannot approve it');
    expect(approvalsOf(1)).toEqual([]);
    const stillWaiting = await run(['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl]);
    expect(stillWaiting.code).toBe(exitCodes.approvalNeeded);
    expect(paymentsTo(lines)).toEqual([]);

    const approved = await run(['runs', 'approve', '1', '--user', 'baraka']);
    expect(approved.code).toBe(0);
    expect(approved.out).toContain('baraka approved payroll run #1 "Payroll from november.csv": 6 people');
    expect(approved.out).toContain('It holds every approval it needs (baraka) and is ready to send');

    const paid = await run(['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl, '--rate', '50']);
    expect(paid.code).toBe(0);
    expect(paid.out).toContain('6 of 6 paid');
    await simulator.callbacksIdle();
    expect(paymentsTo(lines)).toEqual(expected(lines));
    // The audit log names each person for what they did.
    const audit = auditOf(1);
    expect(audit).toContainEqual({ actor: 'amina', action: 'payroll_run.created' });
    expect(audit).toContainEqual({ actor: 'baraka', action: 'payroll_run.approval_recorded' });
    expect(audit).toContainEqual({ actor: 'baraka', action: 'payroll_run.approved' });
    expect(audit.filter((a) => a.action === 'payroll_run.started')).toEqual([
      { actor: 'amina', action: 'payroll_run.started' },
    ]);
  }, 60_000);

  it('a run that needs two approvers is not sent on one approval; runs start sends it after the second', async () => {
    await seedCliPeople();
    expect((await run(['init', '--approvals', '3', '--user', 'wanjiru'])).code).toBe(0);
    const lines = payrollLines(4, 702);
    const file = payrollFile(lines, 'december.csv');
    const first = await run(['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl]);
    expect(first.code).toBe(exitCodes.approvalNeeded);
    expect(first.err).toContain('Payroll run #1 needs approval by 2 different approvers other than amina');

    const one = await run(['runs', 'approve', '1', '--user', 'baraka', '--json']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({
      run: { id: 1, state: 'draft' },
      approvals: { approvalsNeeded: 2, approvalsCounted: 1, canSend: false },
    });
    const again = await run(['runs', 'approve', '1', '--user', 'baraka']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('baraka has already approved payroll run #1');
    const started = await run(['runs', 'start', '1', '--user', 'amina', '--base-url', simulator.baseUrl]);
    expect(started.code).toBe(exitCodes.approvalNeeded);
    expect(started.err).toContain('needs approval by an approver other than amina and baraka');
    expect(started.err).toContain('approved by baraka on');
    expect(paymentsTo(lines)).toEqual([]);

    const second = await run(['runs', 'approve', '1', '--user', 'neema']);
    expect(second.code).toBe(0);
    expect(second.out).toContain('It holds every approval it needs (baraka and neema)');
    const sent = await run(['runs', 'start', '1', '--user', 'amina', '--base-url', simulator.baseUrl, '--rate', '50']);
    expect(sent.code).toBe(0);
    expect(sent.out).toContain('4 of 4 paid');
    await simulator.callbacksIdle();
    expect(paymentsTo(lines)).toEqual(expected(lines));
  }, 60_000);

  it('refuses a role the contract does not allow, naming the role needed, and changes nothing', async () => {
    await seedCliPeople();
    const file = payrollFile(payrollLines(3, 703), 'january.csv');
    const byAccountant = await run(['pay', file, '--yes', '--user', 'chebet', '--base-url', simulator.baseUrl]);
    expect(byAccountant.code).toBe(1);
    expect(byAccountant.err).toContain(
      'Preparing a payroll run needs the Payroll officer role. Chebet Kiprop is signed in as Accountant.',
    );
    expect(query('SELECT id FROM payroll_runs')).toEqual([]);

    expect((await run(['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl])).code).toBe(
      exitCodes.approvalNeeded,
    );
    const accountant = await run(['runs', 'approve', '1', '--user', 'chebet']);
    expect(accountant.code).toBe(1);
    expect(accountant.err).toContain(
      'Approving a payroll run needs the Approver role. Chebet Kiprop is signed in as Accountant.',
    );
    const admin = await run(['runs', 'approve', '1', '--user', 'wanjiru']);
    expect(admin.err).toContain(
      'Approving a payroll run needs the Approver role. Wanjiru Kamau is signed in as Admin.',
    );
    const wrongPassword = await run(['runs', 'approve', '1', '--user', 'baraka'], {
      MSHAHARA_PASSWORD: 'not the password at all',
    });
    expect(wrongPassword.code).toBe(1);
    expect(wrongPassword.err).toContain('That username and password do not match an account here.');
    const approverStarts = await run(['runs', 'cancel', '1', '--yes', '--user', 'baraka']);
    expect(approverStarts.err).toContain('Cancelling a payroll run needs the Payroll officer role.');
    expect(approvalsOf(1)).toEqual([]);
    expect(query('SELECT state FROM payroll_runs')).toEqual([{ state: 'draft' }]);
  }, 60_000);

  it('refuses every command that changes anything without --user, with a usage message', async () => {
    const file = payrollFile(payrollLines(2, 704), 'february.csv');
    const changing: string[][] = [
      ['pay', file, '--yes'],
      ['runs', 'approve', '1'],
      ['runs', 'start', '1'],
      ['runs', 'retry', '1', '--yes'],
      ['runs', 'cancel', '1', '--yes'],
      ['runs', 'pause', '1'],
      ['runs', 'resume', '1'],
      ['runs', 'resolve', '1', '--failed', '--reason', 'Not on the statement'],
      ['workers', 'import', file, '--yes'],
      ['statement', 'import', file],
      ['reconcile', 'finish', '2026-11'],
      ['relay', 'register', '--relay-url', 'https://relay.example.com'],
      ['relay', 'save', '--relay-url', 'https://relay.example.com', file],
      ['balance'],
      ['init', '--approvals', '1'],
      ['init', '--profile', 'demo', '--update-secrets'],
    ];
    for (const argv of changing) {
      const refused = await run(argv);
      expect(refused.code, argv.join(' ')).toBe(exitCodes.usage);
      expect(refused.err, argv.join(' ')).toMatch(/needs --user <your username>[\s\S]*Usage: npm run cli --/);
    }
    expect(paymentsTo(payrollLines(2, 704))).toEqual([]);
    // Each maps to what the contract calls a change: the CLI checks no reading method for a change.
    for (const methods of Object.values(commandMethods))
      for (const method of methods) expect(methodAccess[method].kind, method).not.toBe('reads');
    // The audit commands also take --user (audit-cli.test.ts), but only to read: they change nothing.
    for (const methods of Object.values(readingCommandMethods))
      for (const method of methods) expect(methodAccess[method].kind, method).toBe('reads');
  });

  it('lists every possible double payment and approves only once they are acknowledged', async () => {
    await seedCliPeople();
    const lines = payrollLines(6, 705);
    const week1 = payrollFile(lines.slice(0, 4), 'week-1.csv');
    expect((await run(['pay', week1, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl])).code).toBe(
      exitCodes.approvalNeeded,
    );
    expect((await run(['runs', 'approve', '1', '--user', 'baraka'])).code).toBe(0);
    expect(
      (await run(['pay', week1, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl, '--rate', '50'])).code,
    ).toBe(0);
    // Week 2 pays two of them the same amounts again, beside two new people.
    const week2 = payrollFile([...lines.slice(2, 4), ...lines.slice(4)], 'week-2.csv');
    expect((await run(['pay', week2, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl])).code).toBe(
      exitCodes.approvalNeeded,
    );
    const unacknowledged = await run(['runs', 'approve', '2', '--user', 'baraka']);
    expect(unacknowledged.code).toBe(1);
    expect(unacknowledged.err).toContain('Payroll run #2 has 2 possible double payments:');
    for (const l of lines.slice(2, 4)) expect(unacknowledged.err).toContain(`${l.name} (`);
    expect(unacknowledged.err).toContain('run again with --acknowledge-warnings');
    expect(approvalsOf(2)).toEqual([]);
    const acknowledged = await run(['runs', 'approve', '2', '--user', 'baraka', '--acknowledge-warnings']);
    expect(acknowledged.code).toBe(0);
    expect(approvalsOf(2)).toEqual(['baraka']);
  }, 60_000);

  it('single person: pay approves as the maker only when the maker holds the Approver role', async () => {
    await seedCliPeople();
    expect((await run(['init', '--approvals', '1', '--user', 'wanjiru'])).code).toBe(0);
    const lines = payrollLines(3, 706);
    const file = payrollFile(lines, 'march.csv');
    const officerOnly = await run(['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl]);
    expect(officerOnly.code).toBe(exitCodes.approvalNeeded);
    expect(officerOnly.err).toContain(
      'Payroll run #1 needs approval by someone with the Approver role (single person: amina may give it if they hold it)',
    );
    expect(paymentsTo(lines)).toEqual([]);

    grantRole('amina', 'approver');
    const alone = await run(['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl, '--rate', '50']);
    expect(alone.code).toBe(0);
    expect(alone.err).toContain('Single person: amina approved payroll run #1');
    await simulator.callbacksIdle();
    expect(paymentsTo(lines)).toEqual(expected(lines));
    expect(approvalsOf(1)).toEqual(['amina']);
  }, 60_000);
});
