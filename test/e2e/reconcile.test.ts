// End to end in real Chromium: a small run is paid in demo mode, the simulator's own M-Pesa
// statement is imported, every row matches, the accountant ticks the rows until the difference to
// the statement's closing balance is zero and finishes; the locked rows then refuse a change. Then
// the ledger shows each charge as estimated until the Charges Paid statement confirms it, the float
// statement runs from opening to closing balance, and the failed-payments report has nothing in it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page';
import { FirstStartPage } from './pages/first-start-page';
import { ReconcilePage } from './pages/reconcile-page';
import { SignInPage } from './pages/sign-in-page';
import { RunsPage } from './pages/runs-page';
import { buildRendererIfStale } from './support/build';
import { launchChromium, startHost, type RunningHost } from './support/host';

const workers = [
  { name: 'Wanjiku Kamau', phone: '0710100000', amount: '12,000' },
  { name: 'Otieno Mutua', phone: '0711101371', amount: '12,250' },
  { name: 'Achieng Njeri', phone: '0712102742', amount: '9,500' },
];
const shots = '/tmp/mshahara-reconcile';

let browser: Browser;
let host: RunningHost | undefined;
let folder: string;

beforeAll(async () => {
  await buildRendererIfStale();
  folder = await mkdtemp(join(tmpdir(), 'mshahara-reconcile-'));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('reconciling a paid demo run in Chromium', () => {
  it('imports the statement, ticks to a difference of zero, finishes, and locked rows refuse a change', async () => {
    host = await startHost();
    const context = await browser.newContext({ viewport: { width: 1440, height: 1400 }, timezoneId: 'UTC' });
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

    const payroll = join(folder, 'december.csv');
    await writeFile(
      payroll,
      [
        'name,phone,amount,reference',
        ...workers.map((w) => `${w.name},${w.phone},"${w.amount}",December casual work`),
      ].join('\n') + '\n',
    );
    await app.go('runs');
    const runs = new RunsPage(page);
    await runs.startNewRunFromFile(payroll, 'December casuals');
    await runs.createRun();
    await runs.approve();
    await runs.send();
    await page.locator('[data-testid="run-progress"][data-state="completed"]').waitFor({ timeout: 60_000 });

    // M-Pesa's own record of the Utility account, as the portal would export it.
    const answer = await fetch(`${simulatorUrl}/simulator/statement?account=utility&format=csv`);
    expect(answer.status).toBe(200);
    const name = /filename="([^"]+)"/.exec(answer.headers.get('content-disposition') ?? '')?.[1] ?? 'statement.csv';
    const statementFile = join(folder, name);
    await writeFile(statementFile, Buffer.from(await answer.arrayBuffer()));
    const paid = (await (await fetch(`${simulatorUrl}/simulator/payments`)).json()) as Array<{
      receipt: string;
      amountCents: number;
    }>;
    expect(paid).toHaveLength(workers.length);

    // Reconciling is the accountant's work.
    await new SignInPage(page).switchTo('chebet');
    await app.go('reconcile');
    const reconcile = new ReconcilePage(page);
    await reconcile.previewStatement(statementFile);
    expect(await reconcile.rowCount().textContent()).toBe(`${workers.length} rows`);
    await app.screenshot(`${shots}-1-preview.png`);
    await reconcile.importStatement();
    expect(await reconcile.bucketCount('matched').textContent()).toBe(String(workers.length));
    expect(await reconcile.bucketCount('statement_only').textContent()).toBe('0');

    await reconcile.tab('matching');
    await page.getByTestId('matching-table').waitFor();
    expect(await reconcile.matchingRows().count()).toBe(workers.length);
    for (const p of paid)
      expect(await page.getByTestId(`match-${p.receipt}`).getAttribute('data-bucket')).toBe('matched');
    await app.screenshot(`${shots}-2-matching.png`);

    await reconcile.tab('reconcile');
    const total = paid.reduce((sum, p) => sum + p.amountCents, 0);
    const kes = (cents: number) =>
      `KES ${cents < 0 ? '-' : ''}${(Math.abs(cents) / 100).toLocaleString('en-KE', { minimumFractionDigits: 2 })}`;
    await page.waitForFunction(
      () => document.querySelector('[data-testid="reconcile-view"] [data-testid="difference"]') !== null,
    );
    expect(await reconcile.figure('difference').textContent()).toBe(kes(-total));
    expect(await reconcile.figure('ledger-movement').textContent()).toBe(kes(-total));
    // One row by hand, then the rest: the difference falls as rows are ticked.
    await reconcile.tick(paid[0]!.receipt).click();
    await page
      .getByTestId('reconcile-view')
      .getByText(kes(-total + paid[0]!.amountCents), { exact: true })
      .waitFor();
    await app.screenshot(`${shots}-3-ticking.png`);
    await reconcile.tickMatched();
    await page.getByTestId('reconcile-view').getByTestId('difference').getByText('KES 0.00', { exact: true }).waitFor();
    await reconcile.finish();
    const statementClosing = await reconcile.figure('closing').textContent();
    for (const p of paid) expect(await reconcile.row(p.receipt).getAttribute('data-locked')).toBe('yes');
    await app.screenshot(`${shots}-4-finished.png`);

    // A locked row refuses: the tick stays, and the accountant is told why.
    await reconcile.tick(paid[1]!.receipt).click({ force: true });
    await page.getByText(/reconciled and locked/).waitFor();
    expect(await reconcile.tick(paid[1]!.receipt).isChecked()).toBe(true);
    expect(await reconcile.figure('difference').textContent()).toBe('KES 0.00');
    await app.screenshot(`${shots}-5-locked-refuses.png`);

    await reconcile.tab('history');
    await page.getByTestId('reconcile-history').waitFor();
    expect(await reconcile.historyRows().count()).toBe(1);
    await app.screenshot(`${shots}-6-history.png`);

    // The ledger: every payment carries the tariff's charge, said to be an estimate, and its run.
    await app.go('ledger');
    const charges = page.getByTestId('ledger-charge');
    await charges.first().waitFor();
    expect(await charges.evaluateAll((cells) => cells.map((c) => c.getAttribute('data-basis')))).toEqual(
      workers.map(() => 'estimated'),
    );
    expect(await page.getByTestId('ledger-run').first().textContent()).toContain('December casuals');
    expect(await page.getByTestId('ledger-total-charges').textContent()).toContain('estimated');
    await app.screenshot(`${shots}-7-ledger-estimated.png`);

    // The Charges Paid statement confirms what M-Pesa took for each payment.
    const chargeAnswer = await fetch(`${simulatorUrl}/simulator/statement?account=charges&format=csv`);
    const chargeName =
      /filename="([^"]+)"/.exec(chargeAnswer.headers.get('content-disposition') ?? '')?.[1] ?? 'charges.csv';
    const chargeFile = join(folder, chargeName);
    await writeFile(chargeFile, Buffer.from(await chargeAnswer.arrayBuffer()));
    await app.go('reconcile');
    await reconcile.tab('import');
    await reconcile.previewStatement(chargeFile);
    await reconcile.importStatement();
    expect(await reconcile.bucketCount('charge').textContent()).toBe(String(workers.length));
    await app.go('ledger');
    await page
      .locator('[data-testid="ledger-charge"][data-basis="confirmed"]')
      .nth(workers.length - 1)
      .waitFor();
    expect(await charges.evaluateAll((cells) => cells.map((c) => c.getAttribute('data-basis')))).toEqual(
      workers.map(() => 'confirmed'),
    );
    expect(await page.getByTestId('ledger-total-charges').textContent()).not.toContain('estimated');
    await app.screenshot(`${shots}-8-ledger-confirmed.png`);

    // The float statement of the Utility account for this month: opening, every payment, closing.
    await app.go('reconcile');
    await page.getByTestId('reconcile-account').click();
    await page.getByRole('option', { name: 'Utility Account' }).click();
    await reconcile.tab('float');
    await page.getByTestId('float-statement').waitFor();
    for (const p of paid) await page.getByTestId(`float-row-${p.receipt}`).waitFor();
    // The same closing balance the reconciliation took from the statement, and the payments between.
    expect(await page.getByTestId('float-closing').textContent()).toBe(statementClosing);
    expect(await page.getByTestId('float-withdrawn').textContent()).toBe(kes(total));
    expect(await page.getByTestId('float-check').getAttribute('data-ok')).toBe('yes');
    await app.screenshot(`${shots}-9-float-statement.png`);

    await app.go('failed');
    expect(await page.getByTestId('failed-empty').textContent()).toMatch(/No/);
    await app.screenshot(`${shots}-10-failed-payments.png`);
    expect(problems).toEqual([]);
  });
});
