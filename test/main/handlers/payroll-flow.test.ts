// The screens' whole path through the contract on a real demo profile (simulator and relay in
// this process, real SQLite): First start → preview a file with bad rows → run → approve → send →
// everyone paid once by the simulator's own record → ledger, export, dashboard and inbox agree.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../../src/simulator';
import { payrollCsv, testApi, type TestApi } from './helpers';

const badRows = [
  'Bad Phone,12345,1500,November pay',
  'No Amount,0722000111,,November pay',
  'Tiny Pay,0722000112,5,November pay',
];
const file = payrollCsv(12, badRows);
let t: TestApi;

beforeAll(async () => {
  t = await testApi({ core: { simulator: { seed: 7 } } });
});
afterAll(async () => {
  await t?.stop();
});

/** What the simulator really paid: its ground truth, over its own HTTP API. */
async function simulatorPayments(): Promise<PaymentRecord[]> {
  const { demoSimulatorUrl } = await t.call('app.info', {});
  const response = await fetch(new URL('/simulator/payments', demoSimulatorUrl ?? 'http://invalid'));
  return (await response.json()) as PaymentRecord[];
}

describe('a payroll through the contract, demo profile', () => {
  let runId = 0;

  it('starts on First start, then opens demo with sample workers and remembers it', async () => {
    expect((await t.call('app.info', {})).profile).toBeNull();
    const created = await t.call('profiles.create', { kind: 'demo' });
    expect(created).toMatchObject({ name: 'demo', kind: 'demo', current: true, movesRealMoney: false });
    expect((await t.call('app.info', {})).profile).toEqual({ name: 'demo', kind: 'demo', shortcode: '600992' });
    expect((await t.call('workers.list', {})).total).toBe(10);
    expect(t.api.session.rememberedProfile()).toBe('demo');
  });

  it('previews the file: the valid rows, and exactly the bad ones with their reasons', async () => {
    const { preview, estimatedChargesCents } = await t.call('runs.previewFile', {
      fileName: 'november.csv',
      contentBase64: file.contentBase64,
    });
    expect(preview.valid).toHaveLength(12);
    expect(preview.invalid.map((row) => row.row)).toEqual([14, 15, 16]);
    expect(preview.invalid[0]?.reason).toMatch(/12345/);
    expect(preview.totals.amountCents).toBe(preview.valid.reduce((sum, row) => sum + row.amountCents, 0));
    expect(estimatedChargesCents).toBeGreaterThan(0);
  });

  it('creates the run from the file and shows the left-out rows on review', async () => {
    const run = await t.call('runs.createFromFile', {
      title: 'November casuals',
      fileName: 'november.csv',
      contentBase64: file.contentBase64,
    });
    runId = run.id;
    expect(run).toMatchObject({
      state: 'draft',
      displayStatus: 'draft',
      source: 'file',
      sourceFileName: 'november.csv',
    });
    expect(run.totals.count).toBe(12);
    const review = await t.call('runs.review', { runId });
    expect(review.leftOutRows.map((row) => row.row)).toEqual([14, 15, 16]);
    expect(review.floatCheck.requiredCents).toBe(run.totals.amountCents + review.charges.estimatedCents);
  });

  it('needs a second approver above the run total the admin set, and the maker is none of them', async () => {
    await t.call('settings.update', { amountLimits: { runMaxCents: 1_000_00 } });
    const people = await t.people();
    const maker = await t
      .callAs({ ...people.officer, roles: ['payroll-officer', 'approver'] }, 'runs.approve', {
        runId,
      })
      .catch((error: { contractError?: { code?: string } }) => error.contractError);
    expect(maker).toMatchObject({ code: 'maker_cannot_approve' });
    const first = await t.callAs(people.approver, 'runs.approve', { runId });
    expect(first.state).toBe('draft');
    expect((await t.call('runs.review', { runId })).approval.blocker).toMatch(/1 more approval/);
    const second = await t.callAs(people.secondApprover, 'runs.approve', { runId });
    expect(second.state).toBe('approved');
    await t.call('settings.update', { amountLimits: { runMaxCents: null } });
  });

  it('sends, reports progress, announces the end, and pays every valid row exactly once', async () => {
    const progress: number[] = [];
    const stop = t.api.events.on((event, payload) => {
      if (event === 'run.progress') progress.push((payload as { counts: { paid: number } }).counts.paid);
    });
    const ended = t.next('run.ended', (e) => e.runId === runId);
    expect((await t.call('runs.start', { runId })).state).toBe('running');
    const end = await ended;
    stop();
    expect(end).toMatchObject({
      runId,
      title: 'November casuals',
      displayStatus: 'completed',
      paidCount: 12,
      failedCount: 0,
    });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(12);

    const results = await t.call('runs.results', { runId });
    expect(results.total).toBe(12);
    expect(results.items.every((item) => item.state === 'paid' && item.receipt !== null && item.attempts === 1)).toBe(
      true,
    );
    // The demo simulator knows the run's people by the names on the run: no false name mismatches.
    expect(results.items.every((item) => item.registeredName === item.name.toUpperCase() && !item.nameMismatch)).toBe(
      true,
    );

    const paid = await simulatorPayments();
    const expected = results.items.map((item) => `${item.phone}:${item.amountCents}`).sort();
    expect(paid.map((p) => `${p.party}:${p.amountCents}`).sort()).toEqual(expected);
    expect(paid.map((p) => p.receipt).sort()).toEqual(results.items.map((item) => item.receipt).sort());
  });

  it('shows the payments in the ledger with receipts, the raw callback in the detail, and the export matches', async () => {
    const ledger = await t.call('ledger.list', { filter: { kinds: ['b2c_payment'] } });
    expect(ledger.total).toBe(12);
    expect(
      ledger.rows.every((row) => row.runId === runId && row.runTitle === 'November casuals' && row.receipt !== null),
    ).toBe(true);
    expect(ledger.totals.outCents).toBe(ledger.rows.reduce((sum, row) => sum + row.amountCents, 0));

    const first = ledger.rows[0];
    if (first === undefined) throw new Error('no ledger row');
    const detail = await t.call('ledger.detail', { id: first.id });
    expect(detail.callback?.kind).toBe('b2c-result');
    expect(detail.callback?.body).toContain(first.receipt ?? 'no receipt');

    const exported = await t.call('ledger.export', { filter: { kinds: ['b2c_payment'] }, format: 'csv' });
    expect(exported).toMatchObject({ rows: 12, path: null, mimeType: expect.stringContaining('text/csv') });
    const csv = Buffer.from(exported.contentBase64 ?? '', 'base64').toString('utf8');
    for (const row of ledger.rows) expect(csv).toContain(row.receipt ?? 'missing');
    expect(csv.trim().split(/\r?\n/)).toHaveLength(13);
  });

  it('finds a payment by receipt, and filters by amount', async () => {
    const all = await t.call('ledger.list', {});
    const target = all.rows[3];
    if (target?.receipt == null) throw new Error('no receipt');
    const found = await t.call('ledger.list', { filter: { search: target.receipt } });
    expect(found.rows.map((row) => row.id)).toEqual([target.id]);
    const small = await t.call('ledger.list', { filter: { maxCents: 1_020_00 } });
    expect(small.rows.every((row) => row.amountCents <= 1_020_00)).toBe(true);
    expect(small.total).toBe(3);
  });

  it('adds it all up on the dashboard', async () => {
    const summary = await t.call('dashboard.summary', {});
    expect(summary.month.paidCount).toBe(12);
    expect(summary.successRate).toBe(1);
    expect(summary.payoutsPerDay).toHaveLength(30);
    expect(summary.payoutsPerDay.reduce((sum, day) => sum + day.count, 0)).toBe(12);
    // The float follows the payments without a balance query: each B2C result reports it.
    const paid = await simulatorPayments();
    const demoFloatCents = 5_000_000_00;
    expect(summary.float.utilityAvailableCents).toBe(demoFloatCents - paid.reduce((sum, p) => sum + p.amountCents, 0));
    const charges = summary.float.accounts.find((account) => account.account === 'Charges Paid Account');
    expect(charges?.availableCents).toBe(-paid.reduce((sum, p) => sum + p.chargeCents, 0));
    expect(summary.recentRuns[0]).toMatchObject({ id: runId, displayStatus: 'completed' });
  });

  it('keeps every raw callback in the inbox, none needing a person', async () => {
    const inbox = await t.call('inbox.list', {});
    expect(inbox.entries.filter((entry) => entry.kind === 'b2c-result')).toHaveLength(12);
    expect(inbox.needsAction).toBe(0);
  });

  it('says there is nothing to retry when nothing failed, and exports the run results', async () => {
    expect(await t.call('runs.retryFailed', { runId })).toMatchObject({ count: 0, amountCents: 0, items: [] });
    const exported = await t.call('runs.export', { runId, format: 'xlsx' });
    expect(exported.rows).toBe(12);
    expect(
      Buffer.from(exported.contentBase64 ?? '', 'base64')
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
  });

  it('passes the connection test through the demo relay, and knows the certificate', async () => {
    const test = await t.call('setup.testConnection', {});
    expect(test).toMatchObject({ ok: true, failure: null });
    expect(test.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed']);
    const certificate = await t.call('certificate.info', {});
    expect(certificate).toMatchObject({ source: 'simulator', usableNow: true });
    expect(certificate.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('writes exports to the data folder for the desktop app', async () => {
    const desktop = await testApi({ mode: 'desktop', core: { simulator: { seed: 8 } } });
    try {
      await desktop.call('profiles.create', { kind: 'demo' });
      const template = await desktop.call('workers.template', { format: 'csv' });
      expect(template.contentBase64).toBeNull();
      expect(template.path).toContain(desktop.dataRoot);
      expect(await readFile(template.path ?? '', 'utf8')).toContain('name,phone,amount');
    } finally {
      await desktop.stop();
    }
  });
});
