// Page object for the placeholder renderer page: its locators live here, not in tests.
import type { Page } from 'playwright-core';

export class PlaceholderPage {
  constructor(private readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    // The page marks itself loaded once app.info has answered: wait for that, never a sleep.
    await this.page.locator('#root[data-app-state="loaded"]').waitFor();
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  version() {
    return this.page.getByTestId('app-version');
  }

  profile() {
    return this.page.getByTestId('app-profile');
  }

  mode() {
    return this.page.getByTestId('app-mode');
  }

  problem() {
    return this.page.getByRole('alert');
  }
}
