// Settings → Profiles in real Chromium against `npm run start:browser`, as the admin: a sandbox
// profile added with made-up keys while M-Pesa cannot be reached (this machine has no network)
// is tested, and the test says honestly that nothing was checked; the demo profile is backed up
// to a sealed file and restored as a new profile, its keys back in the keychain, the demo in use
// all along. The keychain is a private one (test/helpers/keyring.ts), never the machine's.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateKeyring, type PrivateKeyring } from '../helpers/keyring';
import { AppPage } from './pages/app-page';
import { FirstStartPage } from './pages/first-start-page';
import { ProfilesPage } from './pages/profiles-page';
import { buildRendererIfStale } from './support/build';
import { launchChromium, projectRoot, startHost, type RunningHost } from './support/host';

const screens = join(projectRoot, 'test-results', 'screens');
let browser: Browser;
let host: RunningHost | undefined;
let keyring: PrivateKeyring | undefined;
let folder: string;

beforeAll(async () => {
  await buildRendererIfStale();
  await mkdir(screens, { recursive: true });
  folder = await mkdtemp(join(tmpdir(), 'mshahara-e2e-setup-'));
  keyring = await startPrivateKeyring();
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await keyring?.stop();
  await rm(folder, { recursive: true, force: true });
});

const madeUp = {
  kind: 'sandbox' as const,
  name: 'acme-sandbox',
  shortcode: '600000',
  initiatorName: 'acmeapi',
  consumerKey: 'made-up-consumer-key-1234',
  consumerSecret: 'made-up-consumer-secret-5678',
  initiatorPassword: 'Made-Up-Initiator-9012',
};

describe('Settings → Profiles, in Chromium', () => {
  it('tests a made-up sandbox profile honestly, backs the demo up and restores it', async () => {
    host = await startHost(keyring?.env);
    const page = await browser.newPage({ viewport: { width: 1440, height: 1400 }, timezoneId: 'Africa/Nairobi' });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const app = new AppPage(page);
    const shot = (name: string) => app.screenshot(join(screens, `setup-${name}.png`));
    await app.open(host.url);
    await page.getByTestId('start-demo').click();
    await new FirstStartPage(page).createFirstAdmin();

    await app.go('settings');
    const profiles = new ProfilesPage(page);
    await profiles.add(madeUp);
    const test = await profiles.testResult(madeUp.name);
    expect(test).toContain('Could not reach M-Pesa at https://sandbox.safaricom.co.ke: nothing was checked.');
    expect(test).not.toMatch(/Passed|accepted the consumer key/);
    // The demo stays in use: adding a profile signs nobody out.
    expect(await app.currentProfile().textContent()).toContain('demo');
    await expect.poll(async () => profiles.row(madeUp.name).textContent()).toContain('sandbox');
    await profiles.card().scrollIntoViewIfNeeded();
    await shot('1-added-sandbox-tested');

    // Back up the demo profile in use; the file keeps nothing in clear.
    const passphrase = 'Mvua ya Novemba ni nyingi';
    const download = await profiles.backUp(passphrase);
    const saved = join(folder, download.suggestedFilename());
    await download.saveAs(saved);
    expect(download.suggestedFilename()).toMatch(/^mshahara-demo-backup_.*\.mshbackup$/);
    const bytes = await readFile(saved);
    expect(bytes.toString('latin1')).not.toContain('SQLite format 3');
    expect(bytes.toString('latin1')).not.toContain('wanjiru');

    // A wrong passphrase: a clear refusal, and no profile made.
    await profiles.restore(saved, 'not the passphrase', 'demo-copy');
    await page.getByText(/The passphrase is wrong, or the file was changed/).waitFor();
    expect(await profiles.row('demo-copy').count()).toBe(0);
    await shot('2-wrong-passphrase');

    await profiles.restore(saved, passphrase, 'demo-copy');
    await page.getByTestId('restored').waitFor();
    expect(await page.getByTestId('restored').textContent()).toContain('Restored “demo” as the profile “demo-copy”');
    await profiles.row('demo-copy').waitFor();
    expect(await app.currentProfile().textContent()).toContain('demo');
    await profiles.card().scrollIntoViewIfNeeded();
    await shot('3-restored');
    expect(problems).toEqual([]);
  }, 180_000);
});
