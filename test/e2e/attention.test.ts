// End to end in real Chromium: a small run paid while M-Pesa's answers never arrive lands on the
// needs-attention work list; the officer finds it from the dashboard, and records one payment as
// paid with the receipt M-Pesa's own record shows. M-Pesa confirms it, the line leaves the list,
// late answers settle the rest without anyone, and nobody is paid twice.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page';
import { AttentionPage } from './pages/attention-page';
import { FirstStartPage } from './pages/first-start-page';
import { RunsPage } from './pages/runs-page';
import { buildRendererIfStale } from './support/build';
import { launchChromium, startHost, type RunningHost } from './support/host';

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
let host: RunningHost | undefined;
let folder: string;

beforeAll(async () => {
  await buildRendererIfStale();
  folder = await mkdtemp(join(tmpdir(), 'mshahara-attention-'));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function setFaults(simulatorUrl: string, faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${simulatorUrl}/simulator/faults`, { method: 'POST', body: JSON.stringify(faults) });
  expect(response.status).toBe(200);
}

async function simulatorPayments(simulatorUrl: string): Promise<SimulatorPayment[]> {
  return (await (await fetch(`${simulatorUrl}/simulator/payments`)).json()) as SimulatorPayment[];
}

describe('the needs-attention work list in Chromium', () => {
  it('lists payments M-Pesa never answered for, and records one as paid with a receipt M-Pesa confirms', async () => {
    host = await startHost({ MSHAHARA_RESULT_TIMEOUT_MS: String(resultTimeoutMs), MSHAHARA_MAX_STATUS_QUERIES: '2' });
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

    const file = join(folder, 'december.csv');
    await writeFile(file, ['name,phone,amount,reference', ...workers.map((worker) => `${worker.name},${worker.phone},"${worker.amount}",December casual work`)].join('\n') + '\n');
    await app.go('runs');
    const runs = new RunsPage(page);
    await runs.startNewRunFromFile(file, 'December casuals');
    await runs.createRun();
    await runs.approve();

    // M-Pesa processes each payment two seconds after accepting it; by then every callback is
    // dropped, so neither the Results nor any Transaction Status answer ever arrives. The float
    // check's balance answer (before sending) still does.
    await setFaults(simulatorUrl, { processingLagMs: { min: 2000, max: 2000 } });
    await runs.send();
    await page.locator('[data-testid="run-detail"][data-run-state="running"]').waitFor();
    await setFaults(simulatorUrl, { dropCallback: 1 });

    const attention = new AttentionPage(page);
    await attention.waitForItems(workers.length, 60_000);
    const lines = await attention.lines();
    expect(lines.map((line) => line.worker).sort()).toEqual(workers.map((worker) => worker.name).sort());
    for (const line of lines) expect(line.reason).toMatch(/No answer after 2 Transaction Status queries/);
    expect(await runs.runStatus().getAttribute('data-status')).toBe('running');
    await page.getByTestId('progress-needs-attention').getByText(`${workers.length} need attention`).waitFor();
    await app.screenshot('/tmp/mshahara-attention-run.png');

    // M-Pesa did pay each of them, once (its own record), though Mshahara never heard.
    const paidByMpesa = await simulatorPayments(simulatorUrl);
    expect(paidByMpesa).toHaveLength(workers.length);
    expect(new Set(paidByMpesa.map((payment) => payment.originatorConversationId))).toEqual(new Set(lines.map((line) => line.originatorConversationId)));

    // The dashboard counts them and leads to the run.
    await app.go('dashboard');
    await page.locator('[data-testid="attention-run-link"]').getByText(`December casuals: ${workers.length} to settle`).waitFor();
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
    expect(recorded).toEqual({ checked: 'confirmed', outcome: 'paid', message: expect.stringContaining(payment.receipt) as unknown as string });
    await page.screenshot({ path: '/tmp/mshahara-attention-resolved.png' });
    await attention.closeDialog();

    // The line has left the work list, and the run's results show it paid with that receipt.
    await attention.list().locator(`[data-item-id="${chosen.itemId}"]`).waitFor({ state: 'detached' });
    await page.getByTestId('run-results').getByTestId('result-receipt').getByText(payment.receipt, { exact: true }).waitFor();

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
});
