// Page object for First start: the choice between the demo and a real Daraja app.
import type { Page } from 'playwright-core';

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

  async startDemo(): Promise<void> {
    await this.page.getByTestId('start-demo').click();
    await this.page.getByTestId('dashboard').waitFor();
  }
}
