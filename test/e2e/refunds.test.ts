// A refund in real Chromium against `npm run start:browser`: a customer pays the demo's Pay Bill
// through the simulator's C2B (the number masked as M-Pesa v2 shows it) and Mshahara records it; the admin opens the
// payment in the ledger and asks for part of it back, to the payer M-Pesa named; the approver
// approves it on the Refunds screen, which sends it, and the list shows it paid without a reload;
// M-Pesa's side shows the customer refunded once; the ledger links the refund and the payment.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page';
import { FirstStartPage } from './pages/first-start-page';
import { LedgerPage } from './pages/ledger-page';
import { RefundsPage } from './pages/refunds-page';
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

const customer = { msisdn: '254708374149', name: 'NICHOLAS KIPTOO SONGOK' };

describe('a refund, in Chromium', () => {
  it('the admin asks from the ledger row, the approver approves and it is paid once, linked both ways', async () => {
    host = await startHost();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, timezoneId: 'Africa/Nairobi' });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const app = new AppPage(page);
    const signIn = new SignInPage(page);
    const ledger = new LedgerPage(page);
    const refunds = new RefundsPage(page);
    const shot = (name: string) => app.screenshot(join(screens, `refunds-${name}.png`));
    await app.open(host.url);
    await page.getByTestId('start-demo').click();
    await new FirstStartPage(page).createFirstAdmin();

    // The customer pays KES 2,500; the ledger shows it once the confirmation arrives.
    await customerPaysBill(host.simulatorUrl!, customer, 2500, 'INV-1042');
    await app.go('ledger');
    await ledger.waitForTotal(1);
    await ledger.openFirstRow();
    const detail = page.getByTestId('ledger-detail');
    await detail.getByText('2547 ***** 149').first().waitFor();

    // The admin asks for KES 1,000 back. The confirmation masked the number, but the ledger row
    // holds the payer M-Pesa named when it confirmed the payment, so the refund goes there.
    await refunds.askFromLedgerRow('1,000', 'Charged twice for invoice INV-1042');
    await shot('1-ask');
    await refunds.submitAsk();
    await detail.getByText('Waiting for approval').waitFor();
    expect(await detail.getByTestId('refunded-summary').textContent()).toBe(
      'Nothing refunded yet of KES 2,500.00; KES 1,000.00 asked for, not paid yet.',
    );
    await shot('2-asked');

    // Nothing is paid before the approval.
    const paymentsTo = async () =>
      (
        (await (await fetch(`${host!.simulatorUrl}/simulator/payments`)).json()) as Array<{
          party: string;
          amountCents: number;
          receipt: string;
        }>
      ).filter((p) => p.party === customer.msisdn);
    expect(await paymentsTo()).toEqual([]);

    // The approver approves on the Refunds screen, after the money confirmation; it is sent.
    await page.keyboard.press('Escape');
    await signIn.switchTo('baraka');
    await app.go('refunds');
    await refunds.row(1).waitFor();
    await shot('3-to-approve');
    const question = await refunds.approve(1);
    expect(question).toContain('Refund KES 1,000.00 to NICHOLAS KIPTOO SONGOK (0708 374 149)');
    await shot('4-confirm');
    await refunds.confirmMoney();
    await refunds.waitForState(1, 'Paid');
    await shot('5-paid');

    // M-Pesa's side: the customer refunded once, KES 1,000.
    const paid = await paymentsTo();
    expect(paid.map((p) => p.amountCents)).toEqual([1000_00]);
    expect(await refunds.row(1).getByText(paid[0]!.receipt).count()).toBe(1);

    // The ledger: the refund names the payment it returned, and the payment its refund.
    await signIn.switchTo('wanjiru');
    await app.go('ledger');
    await ledger.waitForTotal(2);
    await page.getByTestId('ledger-search').fill(paid[0]!.receipt);
    await ledger.waitForTotal(1);
    await page.getByTestId('ledger-table').locator('.vtable-row.clickable').first().click();
    await detail.getByTestId('refund-of').waitFor();
    expect(await detail.getByTestId('refund-of').textContent()).toMatch(/^Refund of [A-Z0-9]{10}/);
    await shot('6-refund-row');
    await detail.getByTestId('refund-of').getByRole('button').click();
    const summary = detail.getByTestId('refunded-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toBe(`Refunded KES 1,000.00 of KES 2,500.00: receipts ${paid[0]!.receipt}.`);
    await shot('7-original-row');
    expect(problems).toEqual([]);
  }, 300_000);
});
