// Page object for First start: the choice between the demo and a real Daraja app, and the first
// admin. The demo's sample people (amina the payroll officer, baraka the approver, chebet the
// accountant) sign in with the password chosen for that admin.
import type { Page } from 'playwright-core';
import { demoPassword, SignInPage } from './sign-in-page';

export { demoPassword };

export class FirstStartPage {
  constructor(private readonly page: Page) {}

  heading() {
    return this.page.getByRole('heading', { name: 'Welcome to Mshahara' });
  }

  async chooseSandbox(): Promise<void> {
    await this.page.getByText('Safaricom sandbox', { exact: true }).click();
    await this.page.getByRole('form', { name: /Connect a sandbox Daraja app/ }).waitFor();
  }

  async chooseDemo(): Promise<void> {
    await this.page.getByText('Try the demo', { exact: true }).click();
  }

  /** Fills in the first admin and creates it: the admin is then signed in. */
  async createFirstAdmin(username = 'wanjiru', displayName = 'Wanjiru Kamau'): Promise<void> {
    await this.page.getByTestId('admin-username').fill(username);
    await this.page.getByTestId('admin-name').fill(displayName);
    await this.page.getByTestId('admin-password').fill(demoPassword);
    await this.page.getByTestId('admin-password-again').fill(demoPassword);
    await this.page.getByTestId('admin-create').click();
    await this.page.getByTestId('signed-in-as').waitFor();
  }

  /** Starts the demo, creates its first admin, and signs in as `as` (the payroll officer by default). */
  async startDemo(as = 'amina'): Promise<void> {
    await this.page.getByTestId('start-demo').click();
    await this.createFirstAdmin();
    await new SignInPage(this.page).switchTo(as);
  }
}
