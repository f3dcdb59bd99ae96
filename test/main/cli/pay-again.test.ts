// `pay` and a payroll paid before: every earlier run from the same file (a cancelled, partly paid
// one included) or paying the same people the same amounts is recognised; nothing is sent without
// --pay-again; the duplicate-payment warnings are printed before paying.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProfileApp } from '../../../src/main/composition/open-profile-app';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { previewPayrollFile } from '../../../src/main/payroll/import';
import { createRunFromFile } from '../../../src/main/payroll/runs';
import { profileDatabasePath } from '../../../src/main/profiles';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { payrollLines, writePayrollCsv, type PayrollLine } from '../../crash/payroll-file';
import { cli, freshDataFolderEachTest, payApproved, seedCliPeople, signedIn } from './cli-helpers';
import { approveAsPolicyNeeds } from '../../helpers/people';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ seed: 12, openRegistry: true, faults: { callbackDelayMs: { min: 5, max: 20 } } });
});
afterAll(() => simulator.close());
const folder = freshDataFolderEachTest();
const run = (argv: string[]) => cli(argv, { secrets: folder.secrets, env: signedIn });

function payrollFile(lines: readonly PayrollLine[], name: string): string {
  const file = join(folder.dataDir, name);
  writePayrollCsv(file, lines);
  return file;
}

/** How many times M-Pesa paid each of these numbers, by the simulator's own record. */
function timesPaid(lines: readonly PayrollLine[]): Map<string, number> {
  const counts = new Map(lines.map((l) => [l.phone, 0]));
  for (const p of simulator.payments()) if (counts.has(p.party)) counts.set(p.party, (counts.get(p.party) ?? 0) + 1);
  return counts;
}

function runsInProfile(): Array<{ id: number; state: string }> {
  const db = openDatabase(profileDatabasePath('demo'));
  try {
    return db.prepare('SELECT id, state FROM payroll_runs ORDER BY id').all() as Array<{ id: number; state: string }>;
  } finally {
    closeDatabase(db);
  }
}

/** As an officer leaves it: the run from this file started, some people paid, then cancelled. */
async function cancelPartWayThrough(file: string, paidBeforeCancel: number): Promise<number> {
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
        title: 'November',
        fileName: 'november.csv',
        fileSha256: createHash('sha256').update(content).digest('hex'),
        preview,
      },
      { name: 'officer' },
    );
    await approveAsPolicyNeeds(app.db, created.id);
    const enoughPaid = new Promise<void>((resolve) => {
      const stop = app.engine.onProgress((p) => {
        if (p.runId === created.id && p.counts.paid >= paidBeforeCancel) {
          stop();
          resolve();
        }
      });
    });
    await app.engine.startRun(created.id, 'officer');
    await enoughPaid;
    app.engine.cancelRun(created.id, 'officer');
    await app.engine.waitUntilFinal(created.id);
    await simulator.callbacksIdle();
    return created.id;
  } finally {
    await app.close();
  }
}

describe('pay and a payroll paid before', () => {
  it('recognises a cancelled, partly paid run of the same file: nothing sent without --pay-again', async () => {
    const lines = payrollLines(20, 601);
    const file = payrollFile(lines, 'november.csv');
    const runId = await cancelPartWayThrough(file, 3);
    const before = timesPaid(lines);
    const paidOnce = [...before.values()].filter((n) => n === 1).length;
    expect(paidOnce).toBeGreaterThanOrEqual(3);
    expect(paidOnce).toBeLessThan(20);
    expect(runsInProfile()).toEqual([{ id: runId, state: 'cancelled' }]);

    await seedCliPeople();
    const again = await run(['pay', file, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      new RegExp(
        `Payroll run #${runId} "November" \\(cancelled\\) was made from the same file: ${paidOnce} of 20 paid`,
      ),
    );
    expect(again.err).toContain('add --pay-again');
    await simulator.callbacksIdle();
    expect(timesPaid(lines)).toEqual(before);
    expect(runsInProfile()).toHaveLength(1);

    // Without --yes the preview names the earlier run as well, and sends nothing.
    const preview = await run(['pay', file, '--base-url', simulator.baseUrl]);
    expect(preview.code).toBe(1);
    expect(preview.err).toContain(`Payroll run #${runId} "November" (cancelled)`);

    const paidAgain = await payApproved(run, [file, '--pay-again', '--base-url', simulator.baseUrl, '--rate', '50']);
    expect(paidAgain.err).toContain(`Paying again: Payroll run #${runId}`);
    expect(paidAgain.code).toBe(0);
    await simulator.callbacksIdle();
    // Everyone once more: exactly what --pay-again asked for, no more.
    const after = timesPaid(lines);
    for (const [phone, n] of before) expect(after.get(phone)).toBe(n + 1);
  }, 60_000);

  it('recognises the same people and amounts in a different file, and a completed run', async () => {
    const lines = payrollLines(8, 602);
    const first = payrollFile(lines, 'december.csv');
    expect((await payApproved(run, [first, '--base-url', simulator.baseUrl, '--rate', '50'])).code).toBe(0);
    // The same pay saved again with the rows in another order: other bytes, same people and amounts.
    const reordered = payrollFile([...lines].reverse(), 'december-copy.csv');
    const again = await run(['pay', reordered, '--yes', '--user', 'amina', '--base-url', simulator.baseUrl]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      /Payroll run #1 "Payroll from december.csv" \(completed\) pays the same people the same amounts: 8 of 8 paid/,
    );
    await simulator.callbacksIdle();
    expect([...timesPaid(lines).values()]).toEqual(lines.map(() => 1));
  });

  it('prints the duplicate-payment warnings for people another run also pays, then pays', async () => {
    const lines = payrollLines(10, 603);
    expect(
      (
        await payApproved(run, [
          payrollFile(lines.slice(0, 6), 'week-1.csv'),
          '--base-url',
          simulator.baseUrl,
          '--rate',
          '50',
        ])
      ).code,
    ).toBe(0);
    // Week 2 repeats two people with the same amounts, among new ones.
    const week2 = [...lines.slice(4, 6), ...lines.slice(6)];
    const second = await payApproved(run, [
      payrollFile(week2, 'week-2.csv'),
      '--base-url',
      simulator.baseUrl,
      '--rate',
      '50',
    ]);
    expect(second.code).toBe(0);
    expect(second.err).toContain('2 possible double payments:');
    for (const l of lines.slice(4, 6))
      expect(second.err).toMatch(
        new RegExp(
          `row \\d+: ${l.name.replace(/'/g, "'")} \\(.+\\) also gets .+ in run #1 "Payroll from week-1.csv" \\(paid\\)`,
        ),
      );
    await simulator.callbacksIdle();
    const paid = timesPaid(lines);
    expect(lines.map((l) => paid.get(l.phone))).toEqual([1, 1, 1, 1, 2, 2, 1, 1, 1, 1]);
  });

  it('a run cancelled before anything was sent does not count', async () => {
    const lines = payrollLines(4, 604);
    const file = payrollFile(lines, 'january.csv');
    const content = readFileSync(file);
    const app = await openProfileApp('demo', {
      secrets: () => folder.secrets,
      baseUrl: simulator.baseUrl,
      startEngine: false,
    });
    try {
      const preview = await previewPayrollFile(content, { duplicatesAgainstExisting: 'warn' });
      const created = createRunFromFile(
        app.db,
        {
          title: 'Mistake',
          fileName: 'january.csv',
          fileSha256: createHash('sha256').update(content).digest('hex'),
          preview,
        },
        { name: 'officer' },
      );
      await approveAsPolicyNeeds(app.db, created.id);
      app.engine.cancelRun(created.id, 'officer');
    } finally {
      await app.close();
    }
    expect(runsInProfile()).toEqual([{ id: 1, state: 'cancelled' }]);
    const paid = await payApproved(run, [file, '--base-url', simulator.baseUrl, '--rate', '50']);
    expect(paid.code).toBe(0);
    expect(paid.out).toContain('4 of 4 paid');
  });
});
