// End to end in real Chromium: the admin asks a customer to pay by M-Pesa Express and watches the
// answer arrive (waiting for the PIN, then paid with the receipt), recorded once by the simulator's
// record and the ledger; a customer who cancels is said so in words; a customer's Pay Bill payment
// arrives through the demo relay and is listed once M-Pesa confirms it; a payment that comes after
// M-Pesa said the customer did not pay shows paid, once, with words for the admin; Settings
// registers the C2B URLs and says what M-Pesa answered.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page';
import { CollectionsPage } from './pages/collections-page';
import { FirstStartPage } from './pages/first-start-page';
import { buildRendererIfStale } from './support/build';
import { launchChromium, startHost, type RunningHost } from './support/host';

interface SimulatorCollection {
  receipt: string;
  msisdn: string;
  amountCents: number;
  kind: 'c2b' | 'stk';
}

let browser: Browser;
let host: RunningHost;
let page: Page;
let app: AppPage;
let money: CollectionsPage;
let simulatorUrl: string;
const problems: string[] = [];

beforeAll(async () => {
  await buildRendererIfStale();
  browser = await launchChromium();
  host = await startHost();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1100 }, timezoneId: 'UTC' });
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  app = new AppPage(page);
  await app.open(host.url);
  const firstStart = new FirstStartPage(page);
  await firstStart.chooseDemo();
  await firstStart.startDemo('wanjiru');
  simulatorUrl = host.simulatorUrl ?? '';
  if (simulatorUrl === '') throw new Error(`the host printed no simulator address: ${host.output()}`);
  money = new CollectionsPage(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

async function collected(): Promise<SimulatorCollection[]> {
  return (await (await fetch(`${simulatorUrl}/simulator/collections`)).json()) as SimulatorCollection[];
}

describe('Money in, in Chromium', () => {
  it('asks a customer to pay and shows the receipt when they do, recorded once', async () => {
    await app.go('collections');
    await money.requestPayment('0711 000 101', '1,500', 'INV-2231');
    const words = await money.waitForStatus(/^Paid: receipt [A-Z0-9]{10}$/);
    const receipt = words.replace('Paid: receipt ', '');
    await money.waitForReceived(receipt);
    await app.screenshot('test-results/collections-paid.png');

    const truth = (await collected()).filter((c) => c.msisdn === '254711000101');
    expect(truth).toEqual([expect.objectContaining({ receipt, amountCents: 1500_00, kind: 'stk' })]);
    expect(await money.receivedRows().filter({ hasText: receipt }).count()).toBe(1);
    await app.go('ledger');
    await page.getByText(receipt).first().waitFor();
  });

  it('says in words that the customer cancelled, and records nothing', async () => {
    await app.go('collections');
    await money.requestPayment('0711 000 106', '700', 'INV-2232');
    await money.waitForStatus(/The customer cancelled the prompt\./);
    await app.screenshot('test-results/collections-cancelled.png');
    expect((await collected()).filter((c) => c.msisdn === '254711000106')).toEqual([]);
  });

  it('lists a customer’s Pay Bill payment once M-Pesa confirms it', async () => {
    const paid = (await (
      await fetch(`${simulatorUrl}/simulator/c2b/pay`, {
        method: 'POST',
        body: JSON.stringify({ msisdn: '0711000201', amount: 2500, accountNumber: 'HOUSE-4' }),
      })
    ).json()) as { receipt: string };
    await money.waitForReceived(paid.receipt);
    const row = money.receivedRows().filter({ hasText: paid.receipt });
    expect(await row.textContent()).toContain('Pay Bill');
    expect(await row.textContent()).toContain('HOUSE-4');
    await app.screenshot('test-results/collections-received.png');
  });

  it('shows a payment that came after M-Pesa said the customer did not pay, recorded once, for the admin to look at', async () => {
    // The customer lets the prompt time out (the query, 30 s after the push, says so) and pays 40 s later.
    const setLatePay = (ms: number | null) =>
      fetch(`${simulatorUrl}/simulator/faults`, { method: 'POST', body: JSON.stringify({ stkLatePayMs: ms }) });
    await setLatePay(40_000);
    try {
      await app.go('collections');
      await money.requestPayment('0711 000 102', '900', 'INV-2233');
      await money.waitForStatus(/could not be reached/, 60_000);
      expect((await collected()).filter((c) => c.msisdn === '254711000102')).toEqual([]);
      const words = await money.waitForStatus(/^Paid: receipt [A-Z0-9]{10}$/, 60_000);
      const receipt = words.replace('Paid: receipt ', '');
      const row = money.requestRows().filter({ hasText: 'INV-2233' });
      const attention = row.getByTestId('payment-request-attention');
      await attention.waitFor();
      expect(await attention.textContent()).toMatch(
        new RegExp(`M-Pesa first said the customer did not pay .*then that they paid with receipt ${receipt}`),
      );
      expect(await row.getByRole('button', { name: 'Ask again' }).count()).toBe(0);
      await money.waitForReceived(receipt);
      expect(await money.receivedRows().filter({ hasText: receipt }).count()).toBe(1);
      expect((await collected()).filter((c) => c.msisdn === '254711000102')).toEqual([
        expect.objectContaining({ receipt, amountCents: 900_00, kind: 'stk' }),
      ]);
      await app.screenshot('test-results/collections-paid-after-declined.png');
      // The admin checks with the customer and marks it checked: the words go, the money stays once.
      await row.getByTestId('mark-checked').click();
      await page.getByTestId('mark-checked-note').fill('Customer confirms one payment of KES 900');
      await app.screenshot('test-results/collections-mark-checked.png');
      await page.getByTestId('mark-checked-submit').click();
      await attention.waitFor({ state: 'detached' });
      expect(await money.receivedRows().filter({ hasText: receipt }).count()).toBe(1);
    } finally {
      await setLatePay(null);
    }
  }, 150_000);

  it('registers the C2B URLs from Settings and says what M-Pesa answered', async () => {
    await app.go('settings');
    const card = page.getByTestId('paybill-urls');
    await card.getByRole('button', { name: 'Register C2B URLs' }).click();
    const answer = page.getByTestId('paybill-urls-answer');
    await answer.waitFor();
    expect(await answer.textContent()).toContain('M-Pesa will send payments to shortcode 600992 to Mshahara');
    await card.screenshot({ path: 'test-results/collections-settings.png' });
    expect(problems).toEqual([]);
  });
});
