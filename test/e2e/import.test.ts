// A payroll file in a layout Mshahara has not seen, in real Chromium against `npm run start:browser`:
// the officer maps the phone column, downloads the row that was left out, fixes it, chooses the
// fixed file (twice: a re-chosen file is read again), and pays. M-Pesa's side (the simulator)
// shows each worker paid once with the right amount.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page';
import { FirstStartPage } from './pages/first-start-page';
import { ImportPage } from './pages/import-page';
import { RunsPage } from './pages/runs-page';
import { buildRendererIfStale } from './support/build';
import { launchChromium, projectRoot, startHost, type RunningHost } from './support/host';

const screens = join(projectRoot, 'test-results', 'screens');
let browser: Browser;
let host: RunningHost | undefined;
let folder: string;

beforeAll(async () => {
  await buildRendererIfStale();
  await mkdir(screens, { recursive: true });
  folder = await mkdtemp(join(tmpdir(), 'mshahara-e2e-files-'));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await rm(folder, { recursive: true, force: true });
});

const bankFile = [
  'Beneficiary Name,Beneficiary Account/Phone,Amount,Narrative',
  'WANJIKU KAMAU,254712345678,3500,NOV SALARY',
  'OTIENO OCHIENG,254722000111,5k,NOV SALARY',
  'HALIMA ABDI,254722777888,2800,NOV SALARY',
].join('\r\n');

async function payRun(page: Page): Promise<void> {
  const runs = new RunsPage(page);
  await runs.approve();
  await runs.send();
  await page.locator('[data-testid="run-progress"][data-state="completed"]').waitFor({ timeout: 120_000 });
}

describe('a payroll file in a new layout, in Chromium', () => {
  it('maps the unplaced column, fixes the left-out row from the downloaded file, re-imports and pays everyone once', async () => {
    host = await startHost();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1800 },
      acceptDownloads: true,
      timezoneId: 'Africa/Nairobi',
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const app = new AppPage(page);
    await app.open(host.url);
    const firstStart = new FirstStartPage(page);
    await firstStart.chooseDemo();
    await firstStart.startDemo();
    await app.go('runs');

    // November, from the bank's bulk layout: the phone column's title means nothing to Mshahara.
    const november = join(folder, 'bank-november.csv');
    await writeFile(november, bankFile);
    const importing = new ImportPage(page);
    await importing.openNewRun('November salaries');
    await importing.chooseFile(november);
    await expect.poll(() => importing.mappingQuestion().textContent()).toContain('Which column holds the phone?');
    await app.screenshot(join(screens, 'import-01-mapping.png'));
    await importing.mapColumn(1, 'Phone');
    await importing.applyMapping();
    expect(await importing.validCount().textContent()).toBe('2 rows to pay');
    expect(await importing.leftOut()).toEqual([{ row: 3, reason: '"5k" is not an amount in shillings' }]);
    await app.screenshot(join(screens, 'import-02-preview.png'));

    // The left-out row as a file: the file's own columns, then where it was and why.
    const leftOutText = await importing.downloadLeftOut();
    const leftOut = parse(leftOutText, { bom: true }) as string[][];
    expect(leftOut).toEqual([
      [
        'Beneficiary Name',
        'Beneficiary Account/Phone',
        'Amount',
        'Narrative',
        'Row in original file',
        'Reason left out',
      ],
      ['OTIENO OCHIENG', '254722000111', '5k', 'NOV SALARY', '3', '"5k" is not an amount in shillings'],
    ]);
    await importing.createRun();
    await payRun(page);

    // The officer opens the downloaded file, saves it unchanged by mistake, chooses it: still left out.
    const fixedPath = join(folder, 'left-out.csv');
    await writeFile(fixedPath, leftOutText);
    await app.go('runs');
    await importing.openNewRun('November salaries, corrections');
    await importing.chooseFile(fixedPath);
    // The mapping chosen for this layout is remembered: the added columns do not make it a new layout.
    expect(await importing.mappingQuestion().count()).toBe(0);
    expect(await importing.leftOut()).toEqual([{ row: 2, reason: '"5k" is not an amount in shillings' }]);
    // Fixed and saved under the same name, chosen again: read again, now payable.
    await writeFile(fixedPath, leftOutText.replace(',5k,', ',5000,'));
    await importing.chooseFile(fixedPath);
    await expect.poll(() => importing.validCount().textContent()).toBe('1 row to pay');
    expect(await importing.leftOut()).toEqual([]);
    await app.screenshot(join(screens, 'import-03-fixed-file.png'));
    await importing.createRun();
    await payRun(page);
    await app.screenshot(join(screens, 'import-04-paid.png'));

    // M-Pesa's record: each of the three paid exactly once, with the amount from the files.
    const payments = (await (await fetch(`${host.simulatorUrl}/simulator/payments`)).json()) as {
      party: string;
      amountCents: number;
    }[];
    expect(payments.map((p) => `${p.party}|${p.amountCents}`).sort()).toEqual([
      '254712345678|350000',
      '254722000111|500000',
      '254722777888|280000',
    ]);
    expect(problems).toEqual([]);
    await context.close();
  }, 300_000);
});
