// Nobody moves money alone, in real Chromium against `npm run start:browser`: the admin gives the
// payroll officer the approver role too; the officer prepares a run and, though she holds that
// role, cannot approve her own; the approver signs in on the same page, reads each warning and
// approves; the officer sends; M-Pesa's side shows each worker paid once; and the audit log
// names each step and who took it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page';
import { FirstStartPage } from './pages/first-start-page';
import { RunsPage } from './pages/runs-page';
import { SignInPage } from './pages/sign-in-page';
import { buildRendererIfStale } from './support/build';
import { launchChromium, projectRoot, startHost, type RunningHost } from './support/host';

const screens = join(projectRoot, 'test-results', 'screens');
let browser: Browser;
let host: RunningHost | undefined;
let folder: string;

beforeAll(async () => {
  await buildRendererIfStale();
  await mkdir(screens, { recursive: true });
  folder = await mkdtemp(join(tmpdir(), 'mshahara-e2e-approvals-'));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await rm(folder, { recursive: true, force: true });
});

const people = [
  { name: 'Wanjiku Kamau', phone: '254712345678', amountCents: 3_500_00 },
  { name: 'Otieno Ochieng', phone: '254722000111', amountCents: 5_000_00 },
  { name: 'Halima Abdi', phone: '254722777888', amountCents: 2_800_00 },
];

describe('two people for every payroll run, in Chromium', () => {
  it('the officer prepares and cannot approve, the approver approves, the officer sends, and the audit log names each', async () => {
    host = await startHost();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1400 }, timezoneId: 'Africa/Nairobi' });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const app = new AppPage(page);
    const signIn = new SignInPage(page);
    const shot = (name: string) => app.screenshot(join(screens, `approvals-${name}.png`));
    await app.open(host.url);

    // First start: the demo and its first admin.
    await page.getByTestId('start-demo').click();
    await new FirstStartPage(page).createFirstAdmin();

    // The admin gives amina the approver role as well: roles alone must not let her approve her own run.
    await app.go('settings');
    await page.getByRole('button', { name: 'Change roles of amina' }).click();
    const roles = page.getByTestId('change-roles');
    await roles.getByLabel('Approver', { exact: true }).check();
    await roles.getByRole('button', { name: 'Save roles' }).click();
    await page.getByTestId('person-amina').getByText('Approver', { exact: true }).waitFor();
    await shot('1-people');

    // The officer prepares the run.
    await signIn.switchTo('amina');
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('Approver');
    await app.go('runs');
    const file = join(folder, 'november.csv');
    await writeFile(
      file,
      [
        'name,phone,amount,reference',
        ...people.map((p) => `${p.name},${p.phone},${p.amountCents / 100},November pay`),
      ].join('\r\n'),
    );
    const runs = new RunsPage(page);
    await runs.startNewRunFromFile(file, 'November 2026 salaries');
    await runs.createRun();
    // She made it: no Approve for her, but who must approve instead.
    const waiting = page.getByTestId('waiting-for-approval');
    await waiting.waitFor();
    expect(await waiting.textContent()).toMatch(/other than you/);
    expect(await page.getByTestId('approve-run').count()).toBe(0);
    expect(await page.getByTestId('send-run').count()).toBe(0);
    await shot('2-maker-waits');

    // The approver signs in on the same page, sees every line, and approves.
    await signIn.switchTo('baraka');
    await page.getByTestId('approval-state').waitFor();
    for (const person of people) await page.getByTestId('run-review').getByText(person.name).first().waitFor();
    await shot('3-approver-reviews');
    await page.getByTestId('approve-run').click();
    await page.locator('[data-testid="run-detail"][data-run-state="approved"]').waitFor();
    expect(await page.getByTestId('send-run').count()).toBe(0);

    // The officer sends what was approved.
    await signIn.switchTo('amina');
    await page.locator('[data-testid="run-detail"][data-run-state="approved"]').waitFor();
    await runs.send();
    await page.locator('[data-testid="run-progress"][data-state="completed"]').waitFor({ timeout: 120_000 });
    await shot('4-sent');

    // M-Pesa's side: each worker paid once, the right amount.
    const paid = (await (await fetch(`${host.simulatorUrl}/simulator/payments`)).json()) as Array<{
      party: string;
      amountCents: number;
    }>;
    expect(paid.map((p) => `${p.party}|${p.amountCents}`).sort()).toEqual(
      people.map((p) => `${p.phone}|${p.amountCents}`).sort(),
    );

    // The audit log, read by the admin, names each step and who took it.
    await signIn.switchTo('wanjiru');
    await app.go('audit');
    await page.getByTestId('audit-table').waitFor();
    const rows = await page.getByTestId('audit-row').allTextContents();
    const said = (who: string, what: string) => rows.some((row) => row.includes(who) && row.includes(what));
    expect(said('wanjiru', 'changed the roles of amina')).toBe(true);
    expect(said('amina', 'created payroll run #1')).toBe(true);
    expect(said('baraka', 'approved payroll run #1')).toBe(true);
    expect(said('amina', 'started payroll run #1')).toBe(true);
    await page.getByTestId('audit-verify').click();
    expect(await page.getByTestId('audit-verdict').textContent()).toMatch(/holds/);
    await shot('5-audit');
    expect(problems).toEqual([]);
  }, 300_000);
});
