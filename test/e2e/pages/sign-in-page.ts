// Page object for signing in and out: each page of the browser host is its own door.
import type { Page } from 'playwright-core';

/** The password the e2e tests choose for the demo's first admin, and so for its sample people. */
export const demoPassword = 'Mvua ya Novemba 2026';

export class SignInPage {
  constructor(private readonly page: Page) {}

  form() {
    return this.page.getByRole('form', { name: 'Sign in' });
  }

  /** Signs in on the sign-in form (it must be showing). */
  async signIn(username: string, password = demoPassword): Promise<void> {
    await this.form().waitFor();
    await this.page.getByTestId('signin-username').fill(username);
    await this.page.getByTestId('signin-password').fill(password);
    await this.page.getByTestId('signin-submit').click();
    await this.page.getByTestId('signed-in-as').waitFor();
  }

  async signOut(): Promise<void> {
    await this.page.getByTestId('sign-out').click();
    await this.form().waitFor();
  }

  /** Signs out whoever is signed in and signs `username` in; the screen in the address stays. */
  async switchTo(username: string, password = demoPassword): Promise<void> {
    await this.signOut();
    await this.signIn(username, password);
  }
}
