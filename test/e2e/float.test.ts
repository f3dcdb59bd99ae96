// End to end in real Chromium, demo mode: a run is paid (each payment's result reports the float),
// the admin sets a low-float level above the float, and the warning shows on the dashboard, on the
// Float history screen beside the chart and its table, and on the next run's review. Then a
// customer pays the business's Pay Bill without its confirmation reaching Mshahara: the accountant
// looks the receipt up, reads M-Pesa's answer in words, and records it as money received once; a
// payroll payment looked up shows its ledger row and offers nothing to record.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DarajaClient } from '../../src/main/daraja';
import { defaultCredentials } from '../../src/simulator';
import { customerPaidUnseen } from '../helpers/customer-payment';
import { AppPage } from './pages/app-page';
import { FirstStartPage } from './pages/first-start-page';
import { FloatPage } from './pages/float-page';
import { LookupPage } from './pages/lookup-page';
import { RunsPage } from './pages/runs-page';
import { SignInPage } from './pages/sign-in-page';
import { buildRendererIfStale } from './support/build';
import { launchChromium, projectRoot, startHost, type RunningHost } from './support/host';

const workers = [
  { name: 'Wanjiku Kamau', phone: '0710100000', amount: '12,000' },
  { name: 'Otieno Mutua', phone: '0711101371', amount: '12,250' },
];
// Other people in the second run, so it is not refused as paying the first one again.
const others = [{ name: 'Achieng Njeri', phone: '0712102742', amount: '9,500' }];
const shots = join(projectRoot, 'test-results', 'float');

let browser: Browser;
let host: RunningHost | undefined;
let folder: string;

beforeAll(async () => {
  await buildRendererIfStale();
  folder = await mkdtemp(join(tmpdir(), 'mshahara-float-'));
  await mkdir(shots, { recursive: true });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function payrollFile(name: string, people: ReadonlyArray<(typeof workers)[number]>): Promise<string> {
  const file = join(folder, name);
  await writeFile(
    file,
    ['name,phone,amount,reference', ...people.map((w) => `${w.name},${w.phone},"${w.amount}",Casual work`)].join('\n') +
      '\n',
  );
  return file;
}

describe('the float and receipt lookups in Chromium', () => {
  it('warns of a low float where runs are decided, charts its history, and records a looked-up payment once', async () => {
    host = await startHost();
    const context = await browser.newContext({ viewport: { width: 1440, height: 1200 }, timezoneId: 'UTC' });
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

    // A paid run: every payment's result reports the Utility balance.
    await app.go('runs');
    const runs = new RunsPage(page);
    await runs.startNewRunFromFile(await payrollFile('first.csv', workers), 'First casuals');
    await runs.createRun();
    await runs.approve();
    await runs.send();
    await page.locator('[data-testid="run-progress"][data-state="completed"]').waitFor({ timeout: 60_000 });

    // The admin asks to be warned below more than the demo's float holds.
    const signIn = new SignInPage(page);
    await signIn.switchTo('wanjiru');
    await app.go('settings');
    const float = new FloatPage(page);
    await float.setWarningLevel('9,000,000');
    await page.getByTestId('low-float-level').screenshot({ path: join(shots, 'settings-level.png') });

    await app.go('dashboard');
    await float.warning().waitFor();
    expect(await float.warning().textContent()).toMatch(
      /The float is KES [\d,]+\.\d\d, below the warning level of KES 9,000,000\.00 set in Settings\. Top up the Utility account before the next run\./,
    );
    await app.screenshot(join(shots, 'dashboard-warning.png'));

    await page.getByTestId('open-float-history').click();
    await float.table().waitFor();
    await float.chart().waitFor();
    const rows = await float.rows();
    expect(rows.length).toBeGreaterThan(0);
    // The last payment's report is the lowest balance of the period.
    const lowest = (await page.getByTestId('float-lowest').textContent()) ?? '';
    expect(rows[0]?.[2]?.replace(/[^\d.]/g, '')).toBe(lowest.replace(/[^\d.]/g, ''));
    await app.screenshot(join(shots, 'float-history.png'));

    // The officer's next run: its review carries the warning beside the float check.
    await signIn.switchTo('amina');
    await app.go('runs');
    await runs.startNewRunFromFile(await payrollFile('second.csv', others), 'Second casuals');
    await runs.createRun();
    await page.getByTestId('run-review').getByTestId('low-float-warning').waitFor();
    await page.getByTestId('float-check').waitFor();
    await app.screenshot(join(shots, 'run-review-warning.png'));

    // A customer pays the Pay Bill; its confirmation never reaches Mshahara.
    const certificatePem = await (await fetch(`${simulatorUrl}/simulator/certificate`)).text();
    const customer = new DarajaClient({
      name: 'customer',
      baseUrl: simulatorUrl,
      ...defaultCredentials,
      certificatePem,
    });
    const receipt = await customerPaidUnseen(customer, {
      amountCents: 3_450_00,
      msisdn: '254708374149',
      billRef: 'INV-42',
    });
    await customer.close();

    await signIn.switchTo('chebet');
    await app.go('lookup');
    const lookup = new LookupPage(page);
    await lookup.lookUp(receipt);
    expect(await lookup.headline().textContent()).toMatch(
      /M-Pesa says it completed.*Completed: KES 3,450\.00 from 254708374149/,
    );
    expect(await lookup.details().textContent()).toContain('In the ledgerNo');
    expect(await lookup.notes().textContent()).toContain('it can be recorded as money received');
    await app.screenshot(join(shots, 'lookup-received.png'));
    await lookup.record();
    expect(await lookup.ledgerRow().textContent()).toMatch(/Money received, KES 3,450\.00 \(row #\d+\)/);
    await expect.poll(() => lookup.recordButton().count()).toBe(0);
    await app.screenshot(join(shots, 'lookup-recorded.png'));

    // Asked again, it is in the ledger: nothing more to record.
    await lookup.lookUp(receipt);
    await lookup.ledgerRow().waitFor();
    expect(await lookup.recordButton().count()).toBe(0);

    // A payroll payment: money out, its ledger row named, never recorded from here.
    const paid = (await (await fetch(`${simulatorUrl}/simulator/payments`)).json()) as Array<{ receipt: string }>;
    const payout = paid[0]?.receipt;
    if (payout === undefined) throw new Error('the run paid nobody');
    await lookup.lookUp(payout);
    await lookup.ledgerRow().waitFor();
    expect(await lookup.ledgerRow().textContent()).toContain('Payment out');
    expect(await lookup.recordButton().count()).toBe(0);
    await app.screenshot(join(shots, 'lookup-payout.png'));

    // A receipt M-Pesa does not know: said plainly, about the question.
    await lookup.lookUp('QZZ0000000');
    expect(await lookup.headline().textContent()).toContain('M-Pesa has no such receipt');
    expect(await lookup.notes().textContent()).toContain('speaks about the question, not about a payment');
    await app.screenshot(join(shots, 'lookup-unknown.png'));

    expect(problems).toEqual([]);
    await context.close();
  }, 240_000);
});
