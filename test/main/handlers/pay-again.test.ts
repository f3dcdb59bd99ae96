// The screens' door to the repeat rule: a payroll file already paid (the same file, or the same
// people and amounts in another file), uploaded again, is named on the preview and made into a run
// only with payAgain, as `pay --pay-again` on the command line. The simulator's record says who
// was paid and how often.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../../src/simulator';
import { payrollCsv, testApi, type TestApi } from './helpers';

const file = payrollCsv(6);
let t: TestApi;

beforeAll(async () => {
  t = await testApi({ core: { simulator: { seed: 8, faults: { callbackDelayMs: { min: 5, max: 20 } } } } });
  await t.call('profiles.create', { kind: 'demo' });
});
afterAll(async () => {
  await t?.stop();
});

async function simulatorPayments(): Promise<PaymentRecord[]> {
  const { demoSimulatorUrl } = await t.call('app.info', {});
  const response = await fetch(new URL('/simulator/payments', demoSimulatorUrl ?? 'http://invalid'));
  return (await response.json()) as PaymentRecord[];
}

async function refusal(promise: Promise<unknown>): Promise<{ kind: string; code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return (error as { contractError: { kind: string; code?: string; message: string } }).contractError;
  }
  throw new Error('expected the call to be refused');
}

describe('a payroll file uploaded again in the screens', () => {
  let firstRunId = 0;

  it('pays the file once', async () => {
    const first = await t.call('runs.previewFile', { fileName: 'november.csv', contentBase64: file.contentBase64 });
    expect(first.earlierRuns).toEqual([]);
    const run = await t.call('runs.createFromFile', {
      title: 'November casuals',
      fileName: 'november.csv',
      contentBase64: file.contentBase64,
    });
    firstRunId = run.id;
    await t.call('runs.approve', { runId: run.id });
    const ended = t.next('run.ended', (e) => e.runId === run.id);
    await t.call('runs.start', { runId: run.id });
    expect(await ended).toMatchObject({ paidCount: 6 });
    expect(await simulatorPayments()).toHaveLength(6);
  });

  it('names the run that paid it on the preview, and refuses a new run without payAgain', async () => {
    const preview = await t.call('runs.previewFile', { fileName: 'november.csv', contentBase64: file.contentBase64 });
    expect(preview.earlierRuns).toEqual([
      expect.objectContaining({
        runId: firstRunId,
        state: 'completed',
        match: 'same_file',
        paidCount: 6,
        count: 6,
        message: expect.stringContaining('6 of 6 paid') as string,
      }),
    ]);
    const refused = await refusal(
      t.call('runs.createFromFile', {
        title: 'November again',
        fileName: 'november.csv',
        contentBase64: file.contentBase64,
      }),
    );
    expect(refused).toMatchObject({ kind: 'conflict', code: 'payroll_paid_before' });
    expect(refused.message).toContain(
      `Payroll run #${firstRunId} "November casuals" (completed) was made from the same file`,
    );
    expect((await t.call('runs.list', {})).total).toBe(1);
  });

  it('recognises the same people and amounts in a file with other bytes', async () => {
    // The same rows saved with LF line ends and one more blank line: another file, the same pay.
    const copy = Buffer.from(`${file.text.replace(/\r\n/g, '\n')}\n`).toString('base64');
    const preview = await t.call('runs.previewFile', { fileName: 'november-copy.csv', contentBase64: copy });
    expect(preview.earlierRuns.map((e) => [e.runId, e.match])).toEqual([[firstRunId, 'same_people']]);
    const refused = await refusal(
      t.call('runs.createFromFile', {
        title: 'Copy',
        fileName: 'november-copy.csv',
        contentBase64: copy,
        payAgain: false,
      }),
    );
    expect(refused.code).toBe('payroll_paid_before');
    expect((await t.call('runs.list', {})).total).toBe(1);
  });

  it('makes the run with payAgain, shows the earlier run on its review, and pays everyone once more', async () => {
    const run = await t.call('runs.createFromFile', {
      title: 'November bonus',
      fileName: 'november.csv',
      contentBase64: file.contentBase64,
      payAgain: true,
    });
    const review = await t.call('runs.review', { runId: run.id });
    expect(review.earlierRuns.map((e) => [e.runId, e.match, e.paidCount])).toEqual([[firstRunId, 'same_file', 6]]);
    expect(review.duplicateWarnings).toHaveLength(6);
    // The approver reads and ticks each one: paying again is what the officer asked for.
    await t.call('runs.approve', {
      runId: run.id,
      acknowledgedWarnings: review.duplicateWarnings.map((warning) => warning.key),
    });
    const ended = t.next('run.ended', (e) => e.runId === run.id);
    await t.call('runs.start', { runId: run.id });
    expect(await ended).toMatchObject({ paidCount: 6 });
    const byPhone = new Map<string, number>();
    for (const p of await simulatorPayments()) byPhone.set(p.party, (byPhone.get(p.party) ?? 0) + 1);
    expect([...byPhone.values()]).toEqual([2, 2, 2, 2, 2, 2]);
  });
});
