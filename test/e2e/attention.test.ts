// End to end in real Chromium: a small run paid while M-Pesa's answers never arrive lands on the
// needs-attention work list; the officer finds it from the dashboard, and records one payment as
// paid with the receipt M-Pesa's own record shows. M-Pesa confirms it, the line leaves the list,
// late answers settle the rest without anyone, and nobody is paid twice. Then the other way: a
// payment recorded as failed that M-Pesa in fact paid comes back as a finding, and is cleared.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page';
import { AttentionPage } from './pages/attention-page';
import { FirstStartPage } from './pages/first-start-page';
import { LedgerPage } from './pages/ledger-page';
import { RunsPage } from './pages/runs-page';
import { buildRendererIfStale } from './support/build';
import { launchChromium, projectRoot, startHost, type RunningHost } from './support/host';

interface SimulatorPayment {
  receipt: string;
  originatorConversationId: string;
  party: string;
  amountCents: number;
}

const workers = [
  { name: 'Wanjiku Kamau', phone: '0710100000', amount: '12,000' },
  { name: 'Otieno Mutua', phone: '0711101371', amount: '12,250' },
  { name: 'Achieng Njeri', phone: '0712102742', amount: '9,500' },
];
const resultTimeoutMs = 3000;

let browser: Browser;
const hosts: RunningHost[] = [];
let folder: string;

beforeAll(async () => {
  await buildRendererIfStale();
  folder = await mkdtemp(join(tmpdir(), 'mshahara-attention-'));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  for (const host of hosts) await host.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function setFaults(simulatorUrl: string, faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${simulatorUrl}/simulator/faults`, { method: 'POST', body: JSON.stringify(faults) });
  expect(response.status).toBe(200);
}

async function simulatorPayments(simulatorUrl: string): Promise<SimulatorPayment[]> {
  return (await (await fetch(`${simulatorUrl}/simulator/payments`)).json()) as SimulatorPayment[];
}

interface Paying {
  host: RunningHost;
  simulatorUrl: string;
  page: Page;
  app: AppPage;
  runs: RunsPage;
  attention: AttentionPage;
  problems: string[];
}

/**
 * Opens the demo, and pays `payees` so that M-Pesa processes each payment two seconds after
 * accepting it, by which time `fault` applies to every callback (the float check's balance answer,
 * before sending, still arrives). Resolves once every payment is on the run's work list.
 */
async function payWhileAnswersStop(
  title: string,
  payees: typeof workers,
  fault: Record<string, unknown>,
): Promise<Paying> {
  const host = await startHost({
    MSHAHARA_RESULT_TIMEOUT_MS: String(resultTimeoutMs),
    MSHAHARA_MAX_STATUS_QUERIES: '2',
  });
  hosts.push(host);
  const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, timezoneId: 'UTC' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const app = new AppPage(page);
  await app.open(host.url);
  const firstStart = new FirstStartPage(page);
  await firstStart.chooseDemo();
  await firstStart.startDemo();
  const simulatorUrl = host.simulatorUrl;
  if (simulatorUrl === undefined) throw new Error(`the host printed no simulator address: ${host.output()}`);

  const file = join(folder, `${title.replaceAll(' ', '-')}.csv`);
  await writeFile(
    file,
    [
      'name,phone,amount,reference',
      ...payees.map((payee) => `${payee.name},${payee.phone},"${payee.amount}",${title}`),
    ].join('\n') + '\n',
  );
  await app.go('runs');
  const runs = new RunsPage(page);
  await runs.startNewRunFromFile(file, title);
  await runs.createRun();
  await runs.approve();

  await setFaults(simulatorUrl, { processingLagMs: { min: 2000, max: 2000 } });
  await runs.send();
  await page.locator('[data-testid="run-detail"][data-run-state="running"]').waitFor();
  await setFaults(simulatorUrl, fault);

  const attention = new AttentionPage(page);
  await attention.waitForItems(payees.length, 60_000);
  return { host, simulatorUrl, page, app, runs, attention, problems };
}

describe('the needs-attention work list in Chromium', () => {
  it('lists payments M-Pesa never answered for, and records one as paid with a receipt M-Pesa confirms', async () => {
    // Every callback is dropped: neither the Results nor any Transaction Status answer arrives.
    const { simulatorUrl, page, app, runs, attention, problems } = await payWhileAnswersStop(
      'December casuals',
      workers,
      { dropCallback: 1 },
    );
    const lines = await attention.lines();
    expect(lines.map((line) => line.worker).sort()).toEqual(workers.map((worker) => worker.name).sort());
    for (const line of lines) expect(line.reason).toMatch(/No answer after 2 Transaction Status queries/);
    expect(await runs.runStatus().getAttribute('data-status')).toBe('running');
    await page.getByTestId('progress-needs-attention').getByText(`${workers.length} need attention`).waitFor();
    await app.screenshot('/tmp/mshahara-attention-run.png');

    // M-Pesa did pay each of them, once (its own record), though Mshahara never heard.
    const paidByMpesa = await simulatorPayments(simulatorUrl);
    expect(paidByMpesa).toHaveLength(workers.length);
    expect(new Set(paidByMpesa.map((payment) => payment.originatorConversationId))).toEqual(
      new Set(lines.map((line) => line.originatorConversationId)),
    );

    // The dashboard counts them and leads to the run.
    await app.go('dashboard');
    await page
      .locator('[data-testid="attention-run-link"]')
      .getByText(`December casuals: ${workers.length} to settle`)
      .waitFor();
    expect(Number(await page.getByTestId('needs-attention').textContent())).toBeGreaterThanOrEqual(workers.length);
    await app.screenshot('/tmp/mshahara-attention-dashboard.png');
    await page.getByTestId('attention-run-link').click();
    await attention.waitForItems(workers.length, 10_000);

    // The officer finds the first payment on the statement (M-Pesa's own record here) and records it.
    const chosen = lines[0];
    if (!chosen) throw new Error('no line on the work list');
    const payment = paidByMpesa.find((paid) => paid.originatorConversationId === chosen.originatorConversationId);
    if (!payment) throw new Error(`M-Pesa has no payment for ${chosen.originatorConversationId}`);
    expect(payment.amountCents).toBe(chosen.amountCents);
    await attention.fillRecordAsPaid(chosen.itemId, payment.receipt.toLowerCase(), 'Found on the M-Pesa statement');
    await page.screenshot({ path: '/tmp/mshahara-attention-resolve-dialog.png' });

    // Answers reach Mshahara again, so M-Pesa can confirm the receipt.
    await setFaults(simulatorUrl, { dropCallback: 0 });
    const recorded = await attention.confirm();
    expect(recorded).toEqual({
      checked: 'confirmed',
      outcome: 'paid',
      message: expect.stringContaining(payment.receipt) as unknown as string,
    });
    await page.screenshot({ path: '/tmp/mshahara-attention-resolved.png' });
    await attention.closeDialog();

    // The line has left the work list, and the run's results show it paid with that receipt.
    await attention.list().locator(`[data-item-id="${chosen.itemId}"]`).waitFor({ state: 'detached' });
    await page
      .getByTestId('run-results')
      .getByTestId('result-receipt')
      .getByText(payment.receipt, { exact: true })
      .waitFor();

    // Mshahara keeps asking about the rest; now that answers arrive, they settle without anyone and
    // the run completes, every worker paid exactly once by M-Pesa's own record.
    await page.locator('[data-testid="run-progress"][data-state="completed"]').waitFor({ timeout: 90_000 });
    await runs.waitForSettledResults();
    const results = await runs.resultStates();
    expect(results.map((result) => result.state)).toEqual(workers.map(() => 'paid'));
    expect(results.map((result) => result.receipt).sort()).toEqual(paidByMpesa.map((paid) => paid.receipt).sort());
    // Nothing is left on the run's work list: the section goes away.
    await attention.list().waitFor({ state: 'detached', timeout: 10_000 });
    const finalPayments = await simulatorPayments(simulatorUrl);
    expect(finalPayments).toHaveLength(workers.length);
    expect(new Set(finalPayments.map((paid) => paid.party.slice(0, 12))).size).toBe(workers.length);
    expect(problems).toEqual([]);
  }, 240_000);

  it('records a payment as failed only with a warning, and shows it as a finding when M-Pesa turns out to have paid it', async () => {
    // Every answer is slow: M-Pesa's Result and its Transaction Status answers arrive half a minute late.
    const payee = workers.slice(0, 1);
    const { simulatorUrl, page, app, attention, problems } = await payWhileAnswersStop('December advance', payee, {
      callbackDelayMs: { min: 30_000, max: 30_000 },
    });
    const [line] = await attention.lines();
    if (!line) throw new Error('no line on the work list');

    // The officer, finding nothing on the statement yet, records it as failed: the dialog warns that
    // a retry sends new money, and the core says it was recorded on the officer's word.
    await attention.fillRecordAsFailed(line.itemId, 'Not on the M-Pesa statement this morning');
    await attention.dialog().getByText('A retry sends new money').waitFor();
    await page.screenshot({ path: '/tmp/mshahara-attention-record-failed.png' });
    const recorded = await attention.confirm();
    expect(recorded).toEqual({
      checked: 'unchecked',
      outcome: 'failed',
      message: expect.stringContaining('on your word') as unknown as string,
    });
    await attention.closeDialog();

    // M-Pesa had paid it: its late Result is money that moved against the record, listed with the receipt.
    const [payment] = await simulatorPayments(simulatorUrl);
    if (!payment) throw new Error('M-Pesa paid nothing');
    expect(payment.originatorConversationId).toBe(line.originatorConversationId);
    await page.locator('[data-testid="needs-attention-list"]:not([data-findings="0"])').waitFor({ timeout: 90_000 });
    const findings = await attention.findings();
    expect(findings.length).toBeGreaterThanOrEqual(1);
    await app.screenshot('/tmp/mshahara-attention-finding.png');
    const [finding] = findings;
    if (!finding) throw new Error('no finding');
    expect(finding.kind).toBe('paid_after_failure');
    expect(finding.receipt).toBe(payment.receipt);
    await page.getByTestId('progress-findings').waitFor();
    await app.screenshot('/tmp/mshahara-attention-finding.png');

    // The list of runs marks the run, and the dashboard counts it and leads to it.
    await app.go('runs');
    await page
      .getByTestId('run-attention')
      .getByText(`${findings.length} finding${findings.length === 1 ? '' : 's'}`, { exact: true })
      .waitFor();
    await app.screenshot('/tmp/mshahara-attention-runs-list.png');
    await app.go('dashboard');
    await page.getByTestId('needs-attention-findings').waitFor();
    await app.screenshot('/tmp/mshahara-attention-dashboard-finding.png');
    await page
      .getByTestId('attention-run-link')
      .getByText(/December advance: .*finding/)
      .click();

    // The accountant recovers the money and clears every finding with a note; the list goes away.
    for (const open of findings)
      await attention.clearFinding(open.id, 'Worker returned the extra KES 12,000 by M-Pesa');
    await attention.list().waitFor({ state: 'detached', timeout: 10_000 });
    await app.go('dashboard');
    await page
      .getByTestId('needs-attention-parts')
      .getByText(/no findings/)
      .waitFor();
    // M-Pesa paid the worker once, and the ledger holds that payment with its receipt.
    expect(await simulatorPayments(simulatorUrl)).toHaveLength(1);
    await app.go('ledger');
    const ledger = new LedgerPage(page);
    await ledger.waitForTotal(1);
    expect((await ledger.lines()).map((entry) => [entry.receipt, entry.amountCents])).toEqual([
      [payment.receipt, payment.amountCents],
    ]);
    expect(problems).toEqual([]);
  }, 240_000);

  it('says on the run and the dashboard that sending is held while no answers arrive, and pays everyone once they return', async () => {
    const host = await startHost({ MSHAHARA_RESULT_TIMEOUT_MS: String(resultTimeoutMs) });
    hosts.push(host);
    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, timezoneId: 'UTC' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const app = new AppPage(page);
    await app.open(host.url);
    const firstStart = new FirstStartPage(page);
    await firstStart.chooseDemo();
    await firstStart.startDemo();
    const simulatorUrl = host.simulatorUrl;
    if (simulatorUrl === undefined) throw new Error(`the host printed no simulator address: ${host.output()}`);
    await app.go('runs');
    const runs = new RunsPage(page);
    await runs.startNewRunFromFile(
      join(projectRoot, 'test', 'fixtures', 'imports', 'clean-50.csv'),
      'November 2026 salaries',
    );
    const payees = Number((/(\d+)/.exec((await runs.validCount().textContent()) ?? '') ?? [])[1]);
    await runs.createRun();
    await runs.approve();
    await setFaults(simulatorUrl, { processingLagMs: { min: 2000, max: 2000 } });
    await runs.send();
    await page.locator('[data-testid="run-detail"][data-run-state="running"]').waitFor();
    await setFaults(simulatorUrl, { dropCallback: 1 });

    // Many payments unanswered and not one callback for a whole result timeout: sending is held, and
    // the missing answers count against no payment (none lands on the work list).
    const held = page.getByTestId('run-held');
    await held.waitFor({ timeout: 30_000 });
    expect(await held.textContent()).toMatch(/no answer/i);
    expect(await page.getByTestId('needs-attention-list').count()).toBe(0);
    await app.screenshot('/tmp/mshahara-attention-held-run.png');
    await app.go('dashboard');
    const banner = page.getByTestId('payments-held');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/relay/);
    await app.screenshot('/tmp/mshahara-attention-held-dashboard.png');

    // Answers come back: the banner goes by itself, and the run pays everyone, each once.
    await setFaults(simulatorUrl, { dropCallback: 0 });
    await banner.waitFor({ state: 'detached', timeout: 60_000 });
    await page.getByRole('button', { name: 'November 2026 salaries' }).click();
    await page.locator('[data-testid="run-progress"][data-state="completed"]').waitFor({ timeout: 120_000 });
    expect(await runs.progress().getAttribute('data-settled')).toBe(String(payees));
    expect(await page.getByTestId('run-held').count()).toBe(0);
    const payments = await simulatorPayments(simulatorUrl);
    expect(payments).toHaveLength(payees);
    expect(new Set(payments.map((payment) => payment.party.slice(0, 12))).size).toBe(payees);
    expect(problems).toEqual([]);
  }, 240_000);
});
