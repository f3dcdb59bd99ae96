// Reversing a customer's payment in real Chromium against `npm run start:browser`: a customer pays
// the demo's M-Pesa by Pay Bill; the admin asks from its ledger row, with a reason, and cannot
// approve; the approver reads what goes back to whom and approves; M-Pesa's own statement shows
// it reversed once, and the ledger names the reversal on the original. A payment to a customer
// shows the M-Pesa Org portal's route instead of a button.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/main/db';
import { recordTransaction } from '../../src/main/ledger/transactions';
import { AppPage } from './pages/app-page';
import { FirstStartPage } from './pages/first-start-page';
import { ReversalsPage } from './pages/reversals-page';
import { SignInPage } from './pages/sign-in-page';
import { buildRendererIfStale } from './support/build';
import { customerPaysBill } from './support/customer';
import { launchChromium, projectRoot, startHost, type RunningHost } from './support/host';

const screens = join(projectRoot, 'test-results', 'screens');
let browser: Browser;
let host: RunningHost | undefined;

beforeAll(async () => {
  await buildRendererIfStale();
  await mkdir(screens, { recursive: true });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const customer = { msisdn: '254712345678', name: 'AKINYI OTIENO' };

/**
 * A payment to a worker, as the portal-route check needs one: written as the payout engine records
 * a B2C Result, since the screen under test only reads it.
 */
function paymentToWorker(running: RunningHost, row: { receipt: string; amountCents: number; partyName: string }): void {
  const db = openDatabase(join(running.dataDir, 'profiles', 'demo', 'mshahara.sqlite'));
  try {
    db.transaction(() =>
      recordTransaction(db, {
        ...row,
        direction: 'out',
        kind: 'b2c_payment',
        source: 'b2c_result',
        occurredAt: new Date().toISOString(),
        status: 'completed',
        phone: '254712345679',
      }),
    ).immediate();
  } finally {
    closeDatabase(db);
  }
}

describe('reversing a customer’s payment, in Chromium', () => {
  it('the admin asks, the approver approves, M-Pesa reverses it once and the ledger says so', async () => {
    host = await startHost();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, timezoneId: 'Africa/Nairobi' });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const app = new AppPage(page);
    const signIn = new SignInPage(page);
    const reversals = new ReversalsPage(page);
    const shot = (name: string) => app.screenshot(join(screens, `reversals-${name}.png`));
    await app.open(host.url);
    await page.getByTestId('start-demo').click();
    await new FirstStartPage(page).createFirstAdmin();
    await page.getByTestId('dashboard').waitFor();

    const receipt = await customerPaysBill(host.simulatorUrl!, customer, 2_500, 'INV-204');
    paymentToWorker(host, { receipt: 'SKB2C00001', amountCents: 1_000_00, partyName: 'Juma Hassan' });

    // A payment to a customer: the portal's route, no button.
    await app.go('ledger');
    await reversals.openLedgerRow('SKB2C00001');
    const portal = page.getByTestId('reverse-on-portal');
    await portal.waitFor();
    expect(await portal.textContent()).toContain('Ask for the reversal on the M-Pesa Org portal');
    expect(await page.getByTestId('reverse-button').count()).toBe(0);
    await shot('1-payment-out');
    await reversals.closeLedgerRow();

    // The customer's payment: the admin asks, with a reason.
    await reversals.openLedgerRow(receipt);
    await shot('2-received');
    await reversals.askToReverse('Paid the wrong business');
    expect(await page.getByTestId('reversal-open').textContent()).toContain('other than Wanjiru Kamau');
    await shot('3-asked');
    await reversals.closeLedgerRow();

    // The approver reads what goes back to whom, and approves: that sends it.
    await signIn.switchTo('baraka');
    await app.go('reversals');
    await reversals.row(1).waitFor();
    await shot('4-approver-list');
    const question = await reversals.approve(1);
    expect(question).toBe(`Send KES 2,500.00 back to AKINYI OTIENO (payment ${receipt})?`);
    await reversals.waitForState(1, 'succeeded');
    const words = (await reversals.row(1).getByTestId('reversal-words').textContent()) ?? '';
    const reversalReceipt = /Reversed: receipt (\w+)\./.exec(words)?.[1];
    expect(reversalReceipt).toBeDefined();
    await shot('5-reversed');

    // M-Pesa's own statement: the payment reversed once, by that receipt.
    const statement = await (await fetch(`${host.simulatorUrl}/simulator/statement?account=utility&format=csv`)).text();
    const reversalLines = statement.split(/\r?\n/).filter((line) => line.includes(`Reversal of ${receipt}`));
    expect(reversalLines).toHaveLength(1);
    expect(reversalLines[0]).toContain(reversalReceipt);

    // The original names its reversal.
    await signIn.switchTo('wanjiru');
    await app.go('ledger');
    const marked = page.getByTestId('ledger-reversed');
    await marked.waitFor();
    expect(await marked.getAttribute('title')).toBe(`Reversed by ${reversalReceipt}`);
    await reversals.openLedgerRow(receipt);
    const reversedBy = page.getByTestId('reversed-by');
    await reversedBy.waitFor();
    expect(await reversedBy.textContent()).toContain(`Reversed by ${reversalReceipt}`);
    expect(await page.getByTestId('reverse-button').count()).toBe(0);
    await shot('6-original-reversed');
    // And the reversal's own row names the payment it sent back.
    await reversedBy.getByRole('button', { name: reversalReceipt }).click();
    const reverses = page.getByTestId('reverses');
    await reverses.waitFor();
    expect(await reverses.textContent()).toContain(`This sent back payment ${receipt}`);
    await shot('7-reversal-row');
    expect(problems).toEqual([]);
  }, 300_000);
});
