// Page object for Settings → Profiles, as the admin uses it: adding a profile, its test, backing
// the profile in use up and restoring a backup.
import type { Download, Page } from 'playwright-core';

export interface NewProfile {
  kind: 'sandbox' | 'production';
  name: string;
  shortcode: string;
  initiatorName: string;
  consumerKey: string;
  consumerSecret: string;
  initiatorPassword: string;
}

export class ProfilesPage {
  constructor(private readonly page: Page) {}

  card() {
    return this.page.getByTestId('profiles');
  }

  row(name: string) {
    return this.page.getByTestId(`profile-${name}`);
  }

  /** Fills in the add form and saves; the test of the new profile runs at once. */
  async add(profile: NewProfile): Promise<void> {
    await this.page.getByTestId('add-profile').click();
    const form = this.page.getByTestId('add-profile-form');
    await form.getByText(profile.kind === 'sandbox' ? 'Safaricom sandbox' : 'Production (real money)').click();
    await form.getByLabel('Profile name').fill(profile.name);
    await form.getByLabel('Shortcode (paybill or till)').fill(profile.shortcode);
    await form.getByLabel('Consumer key').fill(profile.consumerKey);
    await form.getByLabel('Consumer secret').fill(profile.consumerSecret);
    await form.getByLabel('Initiator name').fill(profile.initiatorName);
    await form.getByLabel('Initiator password').fill(profile.initiatorPassword);
    await this.page.getByTestId('save-profile').click();
    await this.row(profile.name).waitFor();
  }

  /** The test of `name` as shown under the list, once it has run. */
  async testResult(name: string): Promise<string> {
    const result = this.page.getByTestId(`test-${name}`);
    await result.getByTestId('connection-test').waitFor();
    return (await result.textContent()) ?? '';
  }

  /** Makes the backup with `passphrase` and returns the download the browser received. */
  async backUp(passphrase: string): Promise<Download> {
    const form = this.page.getByTestId('backup');
    await form.getByLabel('Passphrase (at least 12 characters)').fill(passphrase);
    await form.getByLabel('The passphrase again').fill(passphrase);
    const download = this.page.waitForEvent('download');
    await form.getByRole('button', { name: 'Make the backup' }).click();
    await this.page.getByTestId('backup-made').waitFor();
    return download;
  }

  async restore(file: string, passphrase: string, name: string): Promise<void> {
    const form = this.page.getByTestId('restore');
    await form.locator('input[type="file"]').setInputFiles(file);
    await form.getByLabel('Its passphrase').fill(passphrase);
    await form.getByLabel('New profile name (optional)').fill(name);
    await form.getByRole('button', { name: 'Restore as a new profile' }).click();
  }
}
