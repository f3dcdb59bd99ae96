// What the run screen's buttons do, from the command line: retry failed (an officer asks, an
// approver other than them approves, only with --yes when no one can be asked), pause, resume, cancel; the needs-attention work list and resolving it. Each
// against a real simulator, whose own record says who was paid and how often.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openProfileApp } from '../../../src/main/composition/open-profile-app';
import { runCli } from '../../../src/main/cli';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { beginRun } from '../../../src/main/payroll/engine/run-control';
import { previewPayrollFile } from '../../../src/main/payroll/import';
import { createRunFromFile } from '../../../src/main/payroll/runs';
import { profileDatabasePath } from '../../../src/main/profiles';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { payrollLines, writePayrollCsv, type PayrollLine } from '../../crash/payroll-file';
import { cli, freshDataFolderEachTest, payApproved, signedIn } from './cli-helpers';
import { approveAsPolicyNeeds } from '../../helpers/people';
import { exitCodes } from '../../../src/main/cli/usage';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ seed: 13, openRegistry: true, faults: { callbackDelayMs: { min: 5, max: 20 } } });
});
afterAll(() => simulator.close());
beforeEach(() => simulator.setFaults({ dropCallback: 0 }));
const folder = freshDataFolderEachTest();
const run = (argv: string[]) => cli(argv, { secrets: folder.secrets, env: signedIn });
/** The payroll officer and the approver of the test people (test/helpers/people.ts). */
const officer = ['--user', 'amina'];
const approver = ['--user', 'baraka'];
const sim = (): string[] => ['--base-url', simulator.baseUrl];

function payrollFile(lines: readonly PayrollLine[], name: string): string {
  const file = join(folder.dataDir, name);
  writePayrollCsv(file, lines);
  return file;
}

function timesPaid(lines: readonly PayrollLine[]): number[] {
  const counts = new Map(lines.map((l) => [l.phone, 0]));
  for (const p of simulator.payments()) if (counts.has(p.party)) counts.set(p.party, (counts.get(p.party) ?? 0) + 1);
  return lines.map((l) => counts.get(l.phone) ?? 0);
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = openDatabase(profileDatabasePath('demo'));
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    closeDatabase(db);
  }
}

/** A run left running part-way: started at a slow rate, the profile closed after a few are paid. */
async function runLeftRunning(lines: readonly PayrollLine[], paidFirst: number): Promise<number> {
  const file = payrollFile(lines, `run-${lines[0]?.phone ?? 'x'}.csv`);
  const app = await openProfileApp('demo', {
    secrets: () => folder.secrets,
    baseUrl: simulator.baseUrl,
    rate: 4,
    concurrency: 1,
  });
  try {
    const content = readFileSync(file);
    const preview = await previewPayrollFile(content, { duplicatesAgainstExisting: 'warn' });
    const created = createRunFromFile(
      app.db,
      {
        title: 'Casuals',
        fileName: 'casuals.csv',
        fileSha256: createHash('sha256').update(content).digest('hex'),
        preview,
      },
      { name: 'officer' },
    );
    await approveAsPolicyNeeds(app.db, created.id);
    const enough = new Promise<void>((resolve) => {
      const stop = app.engine.onProgress((p) => {
        if (p.runId === created.id && p.counts.paid >= paidFirst) {
          stop();
          resolve();
        }
      });
    });
    await app.engine.startRun(created.id, 'officer');
    await enough;
    return created.id;
  } finally {
    await app.close();
    await simulator.callbacksIdle();
  }
}

/** A simulator that refuses two of `lines` (unregistered) until they register, and what it paid each. */
async function closedSimulator(lines: readonly PayrollLine[], seed: number) {
  const unregistered = new Set([lines[1]!.phone, lines[4]!.phone]);
  const closed = await startSimulator({
    seed,
    openRegistry: false,
    customers: lines
      .filter((l) => !unregistered.has(l.phone))
      .map((l) => ({ msisdn: l.phone, name: l.name.toUpperCase() })),
    faults: { callbackDelayMs: { min: 5, max: 20 } },
  });
  return {
    closed,
    unregistered,
    register: () =>
      closed.addCustomers(
        lines.filter((l) => unregistered.has(l.phone)).map((l) => ({ msisdn: l.phone, name: l.name.toUpperCase() })),
      ),
    paidIn: (): number[] => {
      const counts = new Map(lines.map((l) => [l.phone, 0]));
      for (const p of closed.payments()) if (counts.has(p.party)) counts.set(p.party, (counts.get(p.party) ?? 0) + 1);
      return lines.map((l) => counts.get(l.phone) ?? 0);
    },
  };
}

function grantRole(username: string, role: string): void {
  const db = openDatabase(profileDatabasePath('demo'));
  try {
    db.prepare('INSERT INTO account_roles (account_id, role) SELECT id, ? FROM accounts WHERE username = ?').run(
      role,
      username,
    );
  } finally {
    closeDatabase(db);
  }
}

const retryRequests = () =>
  query<{ asker: string; approver: string | null; item_count: number; queued: number | null }>(
    `SELECT a.username AS asker, b.username AS approver, r.item_count, r.queued FROM retry_requests r
       JOIN accounts a ON a.id = r.requested_by LEFT JOIN accounts b ON b.id = r.approved_by ORDER BY r.id`,
  );

describe('runs retry', () => {
  it('the officer asks (nothing sent), the approver approves only with --yes when no one can be asked, and each is paid once', async () => {
    const lines = payrollLines(6, 701);
    const { closed, unregistered, register, paidIn } = await closedSimulator(lines, 14);
    try {
      const paid = await payApproved(run, [
        payrollFile(lines, 'retry.csv'),
        '--base-url',
        closed.baseUrl,
        '--rate',
        '50',
      ]);
      expect(paid.code).toBe(1);
      expect(paid.out).toContain('2 failed');
      expect(paid.out).toContain('"runs retry 1"');
      expect(paidIn()).toEqual([1, 0, 1, 1, 0, 1]);
      register();

      // Nobody asked yet: the approver cannot ask (that is the officer's half).
      const approverFirst = await run(['runs', 'retry', '1', '--yes', ...approver, '--base-url', closed.baseUrl]);
      expect(approverFirst.code).toBe(exitCodes.error);
      expect(approverFirst.err).toContain(
        'Asking for failed payments to be sent again needs the Payroll officer role.',
      );
      expect(retryRequests()).toEqual([]);

      const asked = await run(['runs', 'retry', '1', ...officer, '--base-url', closed.baseUrl]);
      expect(asked.code).toBe(exitCodes.approvalNeeded);
      expect(asked.out).toContain('Retry failed for payroll run #1: 2 payments');
      for (const l of lines.filter((x) => unregistered.has(x.phone))) expect(asked.out).toContain(l.name);
      expect(asked.out).toMatch(
        /amina asked for 2 payments of payroll run #1 \(KES [\d,.]+\) to be sent again\. Nothing was sent\./,
      );
      expect(asked.err).toContain(
        'An approver other than amina approves it: run "npm run cli -- runs retry 1 --user <approver>".',
      );
      expect(retryRequests()).toEqual([{ asker: 'amina', approver: null, item_count: 2, queued: null }]);

      const unconfirmed = await run(['runs', 'retry', '1', ...approver, '--base-url', closed.baseUrl]);
      expect(unconfirmed.code).toBe(exitCodes.error);
      expect(unconfirmed.out).toContain('Amina Odhiambo (amina) asked on');
      expect(unconfirmed.err).toContain('Nothing done: runs retry needs --yes when there is no terminal to ask on.');
      await closed.callbacksIdle();
      expect(paidIn()).toEqual([1, 0, 1, 1, 0, 1]);
      expect(retryRequests()).toEqual([{ asker: 'amina', approver: null, item_count: 2, queued: null }]);

      const retried = await run([
        'runs',
        'retry',
        '1',
        '--yes',
        ...approver,
        '--base-url',
        closed.baseUrl,
        '--rate',
        '50',
      ]);
      expect(retried.err).toContain('Retry approved: 2 payments queued again.');
      expect(retried.code).toBe(0);
      expect(retried.out).toContain('6 of 6 paid');
      await closed.callbacksIdle();
      expect(paidIn()).toEqual([1, 1, 1, 1, 1, 1]);
      expect(retryRequests()).toEqual([{ asker: 'amina', approver: 'baraka', item_count: 2, queued: 2 }]);

      const nothing = await run(['runs', 'retry', '1', '--yes', ...approver, '--base-url', closed.baseUrl]);
      expect(nothing.code).toBe(0);
      expect(nothing.out).toContain('Nothing to retry in payroll run #1');
    } finally {
      await closed.close();
    }
  }, 60_000);

  it('the officer who asked cannot approve even holding the approver role; another approver does, and each is paid once', async () => {
    const lines = payrollLines(6, 706);
    const { closed, register, paidIn } = await closedSimulator(lines, 15);
    try {
      const paid = await payApproved(run, [
        payrollFile(lines, 'retry-2.csv'),
        '--base-url',
        closed.baseUrl,
        '--rate',
        '50',
      ]);
      expect(paid.code).toBe(1);
      expect(paidIn()).toEqual([1, 0, 1, 1, 0, 1]);
      register();
      grantRole('amina', 'approver');

      // amina holds both roles: with nobody asking yet, she asks.
      const asked = await run(['runs', 'retry', '1', ...officer, '--base-url', closed.baseUrl]);
      expect(asked.code).toBe(exitCodes.approvalNeeded);
      expect(retryRequests()).toEqual([{ asker: 'amina', approver: null, item_count: 2, queued: null }]);

      const own = await run(['runs', 'retry', '1', '--yes', ...officer, '--base-url', closed.baseUrl, '--rate', '50']);
      expect(own.code).toBe(exitCodes.error);
      expect(own.err).toContain('amina asked for this retry and cannot approve it: an approver other than them must.');
      expect(own.err).not.toContain('Retry approved');
      await closed.callbacksIdle();
      expect(paidIn()).toEqual([1, 0, 1, 1, 0, 1]);
      expect(retryRequests()).toEqual([{ asker: 'amina', approver: null, item_count: 2, queued: null }]);

      const other = await run([
        'runs',
        'retry',
        '1',
        '--yes',
        '--user',
        'neema',
        '--base-url',
        closed.baseUrl,
        '--rate',
        '50',
      ]);
      expect(other.err).toContain('Retry approved: 2 payments queued again.');
      expect(other.code).toBe(0);
      await closed.callbacksIdle();
      expect(paidIn()).toEqual([1, 1, 1, 1, 1, 1]);
      expect(retryRequests()).toEqual([{ asker: 'amina', approver: 'neema', item_count: 2, queued: 2 }]);
    } finally {
      await closed.close();
    }
  }, 60_000);
});

describe('runs pause, resume and cancel', () => {
  it('pauses a running run, resumes it and pays everyone once', async () => {
    const lines = payrollLines(12, 702);
    const runId = await runLeftRunning(lines, 2);
    const paused = await run(['runs', 'pause', String(runId), ...officer, ...sim()]);
    expect(paused.code).toBe(0);
    expect(paused.out).toMatch(new RegExp(`Payroll run #${runId} paused: \\d+ payments wait to be sent`));
    expect(query('SELECT state FROM payroll_runs WHERE id = ?', runId)).toEqual([{ state: 'paused' }]);
    const sentWhilePaused = timesPaid(lines);

    const resumed = await run(['runs', 'resume', String(runId), ...officer, ...sim(), '--rate', '50']);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain('12 of 12 paid');
    await simulator.callbacksIdle();
    expect(timesPaid(lines)).toEqual(lines.map(() => 1));
    expect(sentWhilePaused.filter((n) => n === 1).length).toBeLessThan(12);
  }, 60_000);

  it('resume goes on with a run left running (its program stopped), and pays everyone once', async () => {
    const lines = payrollLines(6, 706);
    const runId = await runLeftRunning(lines, 1);
    const resumed = await run(['runs', 'resume', String(runId), ...officer, ...sim(), '--rate', '50']);
    expect(resumed.err).toContain(`Payroll run #${runId} was left running; going on with it.`);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain('6 of 6 paid');
    await simulator.callbacksIdle();
    expect(timesPaid(lines)).toEqual(lines.map(() => 1));
  }, 60_000);

  it('cancels only with --yes when no one can be asked; what was not sent is never sent', async () => {
    const lines = payrollLines(12, 703);
    const runId = await runLeftRunning(lines, 2);
    const refused = await run(['runs', 'cancel', String(runId), ...officer, ...sim()]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('runs cancel needs --yes');
    expect(query('SELECT state FROM payroll_runs WHERE id = ?', runId)).toEqual([{ state: 'running' }]);

    const cancelled = await run(['runs', 'cancel', String(runId), '--yes', ...officer, ...sim()]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.out).toMatch(new RegExp(`Payroll run #${runId} cancelled: \\d+ payments will not be sent`));
    const states = query<{ state: string; n: number }>(
      'SELECT state, count(*) AS n FROM payroll_items WHERE run_id = ? GROUP BY state ORDER BY state',
      runId,
    );
    const cancelledItems = states.find((s) => s.state === 'cancelled')?.n ?? 0;
    expect(cancelledItems).toBeGreaterThan(0);
    // Opening the profile again (resume is refused for a cancelled run) sends nothing of it.
    expect((await run(['runs', 'resume', String(runId), ...officer, ...sim()])).code).toBe(1);
    await simulator.callbacksIdle();
    const paid = timesPaid(lines);
    expect(paid.every((n) => n <= 1)).toBe(true);
    expect(paid.filter((n) => n === 0).length).toBe(cancelledItems);
  }, 60_000);
});

/** The CLI with a person at a terminal who answers `answer` to the question. */
async function atTerminal(argv: string[], answer: string): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (chunk: Buffer) => (outText += chunk.toString('utf8')));
  err.on('data', (chunk: Buffer) => (errText += chunk.toString('utf8')));
  const input = Object.assign(new PassThrough(), { isTTY: true });
  // Typed once the question is on the screen.
  err.on('data', (chunk: Buffer) => {
    if (chunk.toString('utf8').includes('[y/N]')) input.write(`${answer}\n`);
  });
  const code = await runCli(argv, { out, err, input, env: signedIn }, { secrets: () => folder.secrets });
  return { code, out: outText, err: errText };
}

describe('runs cancel at a terminal', () => {
  it('asks; "n" changes nothing, "y" cancels', async () => {
    const lines = payrollLines(12, 705);
    const runId = await runLeftRunning(lines, 2);
    const declined = await atTerminal(['runs', 'cancel', String(runId), ...officer, ...sim()], 'n');
    expect(declined.err).toContain(`Cancel payroll run #${runId}? [y/N]`);
    expect(declined.code).toBe(0);
    expect(declined.out).toContain('Nothing changed.');
    expect(query('SELECT state FROM payroll_runs WHERE id = ?', runId)).toEqual([{ state: 'running' }]);

    const accepted = await atTerminal(['runs', 'cancel', String(runId), ...officer, ...sim()], 'y');
    expect(accepted.code).toBe(0);
    expect(accepted.out).toContain(`Payroll run #${runId} cancelled`);
    expect(query('SELECT state FROM payroll_runs WHERE id = ?', runId)).toEqual([{ state: 'cancelled' }]);
  }, 60_000);
});

describe('runs attention and runs resolve', () => {
  it('lists payments M-Pesa never answered about with what each lacks, and settles them with a receipt or as failed', async () => {
    const lines = payrollLines(3, 704);
    const file = payrollFile(lines, 'silent.csv');
    // Started (the float check passed) but nothing sent yet; then every answer from M-Pesa is lost.
    const app = await openProfileApp('demo', {
      secrets: () => folder.secrets,
      baseUrl: simulator.baseUrl,
      startEngine: false,
    });
    try {
      const content = readFileSync(file);
      const preview = await previewPayrollFile(content, { duplicatesAgainstExisting: 'warn' });
      const created = createRunFromFile(
        app.db,
        {
          title: 'Silent',
          fileName: 'silent.csv',
          fileSha256: createHash('sha256').update(content).digest('hex'),
          preview,
        },
        { name: 'officer' },
      );
      await approveAsPolicyNeeds(app.db, created.id);
      beginRun(app.db, created.id, 'officer', new Date().toISOString());
    } finally {
      await app.close();
    }
    simulator.setFaults({ dropCallback: 1 });
    const paid = await run([
      'pay',
      file,
      '--yes',
      ...officer,
      ...sim(),
      '--rate',
      '50',
      '--result-timeout',
      '0.1',
      '--max-status-queries',
      '2',
    ]);
    expect(paid.err).toContain('Resuming payroll run #1 (running)');
    expect(paid.code).toBe(1);
    expect(paid.out).toContain('3 need attention');
    expect(paid.out).toContain('"runs attention 1"');

    const shown = await run(['runs', 'show', '1']);
    expect(shown.out).toContain('3 waiting for a person');
    const shownJson = JSON.parse((await run(['runs', 'show', '1', '--json'])).out) as {
      needsAttention: number;
      items: Array<{ needsAttention: boolean }>;
    };
    expect(shownJson.needsAttention).toBe(3);
    expect(shownJson.items.every((i) => i.needsAttention)).toBe(true);

    const listed = await run(['runs', 'attention', '1', '--json', ...sim()]);
    expect(listed.code).toBe(0);
    const list = JSON.parse(listed.out) as {
      attention: Array<{
        itemId: number;
        phone: string;
        amountCents: number;
        originatorConversationId: string;
        missing: string;
      }>;
    };
    expect(list.attention.map((a) => a.phone).sort()).toEqual(lines.map((l) => l.phone).sort());
    const byPhone = new Map(simulator.payments().map((p) => [p.party, p]));
    for (const a of list.attention) {
      expect(a.originatorConversationId).toBe(byPhone.get(a.phone)?.originatorConversationId);
      expect(a.amountCents).toBe(lines.find((l) => l.phone === a.phone)?.amountCents);
      expect(a.missing).toMatch(/statement/);
    }
    const text = await run(['runs', 'attention', ...sim()]);
    expect(text.out).toContain('3 payments wait for a person:');
    expect(text.out).toContain(`OriginatorConversationID ${list.attention[0]!.originatorConversationId}`);

    simulator.setFaults({ dropCallback: 0 });
    const [first, second] = list.attention;
    expect(
      (await run(['runs', 'resolve', String(first!.itemId), '--paid', byPhone.get(first!.phone)!.receipt])).code,
    ).toBe(2);
    const resolved = await run([
      'runs',
      'resolve',
      String(first!.itemId),
      '--paid',
      byPhone.get(first!.phone)!.receipt,
      '--reason',
      'Receipt on the M-Pesa statement',
      ...officer,
      ...sim(),
    ]);
    expect(resolved.err).toBe(`Asking M-Pesa about receipt ${byPhone.get(first!.phone)!.receipt}…\n`);
    expect(resolved.code).toBe(0);
    expect(resolved.out).toContain(`Item #${first!.itemId}: paid (confirmed by M-Pesa)`);
    // A person's "failed" is checked first: M-Pesa paid it, so it is recorded as paid, not failed.
    const failed = await run([
      'runs',
      'resolve',
      String(second!.itemId),
      '--failed',
      '--reason',
      'Worker says nothing arrived',
      ...officer,
      ...sim(),
    ]);
    expect(failed.code).toBe(0);
    expect(failed.out).toContain(`Item #${second!.itemId}: paid (confirmed by M-Pesa)`);
    const again = await run([
      'runs',
      'resolve',
      String(first!.itemId),
      '--failed',
      '--reason',
      'Twice',
      ...officer,
      ...sim(),
    ]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('not waiting for a person');

    expect(
      query<{ receipt: string }>(`SELECT receipt FROM transactions WHERE direction = 'out' ORDER BY receipt`).map(
        (r) => r.receipt,
      ),
    ).toEqual([byPhone.get(first!.phone)!.receipt, byPhone.get(second!.phone)!.receipt].sort());
    expect(JSON.parse((await run(['runs', 'attention', '1', '--json', ...sim()])).out)).toMatchObject({
      attention: [{ itemId: list.attention[2]!.itemId }],
    });
    expect(timesPaid(lines)).toEqual([1, 1, 1]);
  }, 60_000);
});
