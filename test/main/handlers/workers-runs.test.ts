// Workers and runs through the contract on a demo profile whose simulator knows only some
// numbers: who gets paid, who fails and why in plain words, and retry failed after approval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCustomers } from '../../../src/simulator';
import { testApi, type TestApi } from './helpers';

let t: TestApi;

beforeAll(async () => {
  // Only registered M-Pesa customers can be paid: the sample workers' numbers are not registered.
  t = await testApi({
    core: { simulator: { seed: 21, openRegistry: false, faults: { callbackDelayMs: { min: 5, max: 20 } } } },
  });
  await t.call('profiles.create', { kind: 'demo' });
});
afterAll(async () => {
  await t?.stop();
});

describe('workers', () => {
  it('adds a worker from any Kenyan phone format, edits, deactivates and restores them', async () => {
    const [john, nicholas] = defaultCustomers;
    if (!john || !nicholas) throw new Error('simulator customers missing');
    const added = await t.call('workers.add', {
      name: 'John Doe',
      phone: `0${john.msisdn.slice(3)}`,
      department: 'Stores',
      defaultAmountCents: 12_000_00,
    });
    expect(added).toMatchObject({ phone: john.msisdn, archivedAt: null });
    await t.call('workers.add', {
      name: 'Nicholas John Songok',
      phone: `+${nicholas.msisdn}`,
      defaultAmountCents: 9_000_00,
    });
    await expect(t.call('workers.add', { name: 'John Again', phone: john.msisdn })).rejects.toThrow();

    const edited = await t.call('workers.edit', { id: added.id, changes: { department: 'Transport' } });
    expect(edited.department).toBe('Transport');
    expect((await t.call('workers.list', { search: 'john doe' })).workers.map((w) => w.id)).toEqual([added.id]);

    const deactivated = await t.call('workers.deactivate', { id: added.id });
    expect(deactivated.archivedAt).not.toBeNull();
    expect((await t.call('workers.list', {})).workers.some((w) => w.id === added.id)).toBe(false);
    expect((await t.call('workers.list', { include: 'archived' })).workers.map((w) => w.id)).toEqual([added.id]);
    expect((await t.call('workers.restore', { id: added.id })).archivedAt).toBeNull();
    expect((await t.call('workers.list', { limit: 5, offset: 10 })).total).toBe(12);
  });

  it('imports workers from a file: a phone already on the list is an invalid row, never a second worker', async () => {
    const text = [
      'name,phone,amount,reference',
      'Wanjiku Kamau,0711 000 201,15000,Joining',
      'Achieng Again,0712 000 101,15000,Joining',
    ].join('\n');
    const upload = { fileName: 'new-workers.csv', contentBase64: Buffer.from(text).toString('base64') };
    const preview = await t.call('workers.importPreview', upload);
    expect(preview.valid.map((row) => row.phone)).toEqual(['254711000201']);
    expect(preview.invalid).toHaveLength(1);
    expect(preview.invalid[0]?.row).toBe(3);
    expect(await t.call('workers.importCommit', upload)).toEqual({ created: 1, refused: [] });
    expect((await t.call('workers.list', { search: '0711000201' })).workers[0]?.defaultAmountCents).toBe(15_000_00);
  });

  it('hands out the payroll template as XLSX', async () => {
    const template = await t.call('workers.template', { format: 'xlsx' });
    expect(template.fileName).toBe('mshahara-payroll-template.xlsx');
    expect(
      Buffer.from(template.contentBase64 ?? '', 'base64')
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
  });
});

describe('a run where some people cannot be paid', () => {
  it('pays the registered, explains each failure, and retries the failed only after approval', async () => {
    const workers = (await t.call('workers.list', { limit: 100 })).workers;
    const registered = workers.filter((w) => defaultCustomers.some((c) => c.msisdn === w.phone));
    const unregistered = workers.filter((w) => w.department === 'Operations');
    expect(registered).toHaveLength(2);
    expect(unregistered).toHaveLength(2);
    const run = await t.call('runs.createFromWorkers', {
      title: 'Stores and operations',
      period: '2026-11',
      workers: [...registered, ...unregistered].map((w) => ({ workerId: w.id })),
    });
    expect(run.totals.count).toBe(4);
    await t.call('runs.approve', { runId: run.id });
    let ended = t.next('run.ended', (e) => e.runId === run.id);
    await t.call('runs.start', { runId: run.id });
    expect(await ended).toMatchObject({ displayStatus: 'partially_paid', paidCount: 2, failedCount: 2 });

    const failed = await t.call('runs.results', { runId: run.id, show: 'failed' });
    expect(failed.items.map((i) => i.phone).sort()).toEqual(unregistered.map((w) => w.phone).sort());
    for (const item of failed.items) {
      expect(item.failure?.code).not.toBeNull();
      expect(item.failure?.message.length).toBeGreaterThan(10);
      expect(item.receipt).toBeNull();
    }
    const paid = await t.call('runs.results', { runId: run.id, show: 'paid' });
    expect(paid.items.every((i) => i.receipt !== null && i.registeredName !== null)).toBe(true);

    const plan = await t.call('runs.retryFailed', { runId: run.id });
    expect(plan).toMatchObject({
      runId: run.id,
      count: 2,
      amountCents: unregistered.reduce((sum, w) => sum + (w.defaultAmountCents ?? 0), 0),
    });
    // Nothing is sent by asking what a retry would send.
    expect((await t.call('runs.results', { runId: run.id, show: 'failed' })).items.every((i) => i.attempts === 1)).toBe(
      true,
    );

    ended = t.next('run.ended', (e) => e.runId === run.id);
    // The officer asks; an approver other than the one who asked approves.
    await t.call('runs.requestRetry', { runId: run.id });
    const approved = await t.call('runs.approveRetry', { runId: run.id });
    expect(approved.queued).toBe(2);
    await ended;
    const after = await t.call('runs.results', { runId: run.id });
    expect(after.items.filter((i) => i.state === 'failed').every((i) => i.attempts === 2)).toBe(true);
    expect(after.items.filter((i) => i.state === 'paid').every((i) => i.attempts === 1)).toBe(true);
    expect((await t.call('runs.list', {})).runs.map((r) => r.id)).toContain(run.id);
  });

  it('cancels an approved run before anything is sent', async () => {
    const someone = (await t.call('workers.list', {})).workers[0];
    if (someone === undefined) throw new Error('no worker');
    const run = await t.call('runs.createFromWorkers', {
      title: 'Not this week',
      workers: [{ workerId: someone.id, amountCents: 500_00 }],
    });
    await t.call('runs.approve', { runId: run.id });
    await expect(t.call('runs.pause', { runId: run.id })).rejects.toThrow(/Only a running run can be paused/);
    const cancelled = await t.call('runs.cancel', { runId: run.id });
    expect(cancelled).toMatchObject({ state: 'cancelled', displayStatus: 'cancelled', counts: { cancelled: 1 } });
    await expect(t.call('runs.start', { runId: run.id })).rejects.toThrow();
    expect((await t.call('runs.list', { state: 'cancelled' })).runs.map((r) => r.id)).toEqual([run.id]);
  });
});

describe('refused worker fields', () => {
  it('name the field the rule refused, with the rule’s plain words', async () => {
    const bad = async (input: Parameters<TestApi['call']>[1]) => {
      try {
        await t.call('workers.add', input as never);
      } catch (error) {
        return (error as { contractError: { message: string; issues?: { path: unknown[]; message: string }[] } })
          .contractError;
      }
      throw new Error('a bad worker was added');
    };
    const phone = await bad({ name: 'Zuhura Kimaro', phone: '0202 123 456' });
    expect(phone.issues).toEqual([{ path: ['phone'], message: phone.message }]);
    expect(phone.message).toMatch(/Safaricom line/);
    const amount = await bad({ name: 'Zuhura Kimaro', phone: '0712 999 001', defaultAmountCents: 12_345 });
    expect(amount.issues).toEqual([{ path: ['defaultAmountCents'], message: amount.message }]);
    expect(amount.message).toMatch(/whole shillings/);
    expect((await t.call('workers.list', { search: 'Zuhura' })).total).toBe(0);
  });
});
