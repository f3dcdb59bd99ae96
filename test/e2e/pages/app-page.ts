// Page object for Mshahara's frame: opening it, waiting until it is ready, moving between screens.
import type { Page } from 'playwright-core';

export type ScreenName =
  | 'dashboard'
  | 'float'
  | 'workers'
  | 'runs'
  | 'ledger'
  | 'collections'
  | 'refunds'
  | 'lookup'
  | 'reversals'
  | 'failed'
  | 'reconcile'
  | 'inbox'
  | 'audit'
  | 'settings'
  | 'account';

export class AppPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    // The app marks its root once it knows what to show: wait for that, never a sleep.
    await this.page.locator('#root[data-app-state="loaded"]').waitFor();
  }

  async go(screen: ScreenName): Promise<void> {
    await this.page.getByTestId(`nav-${screen}`).click();
    await this.page.getByTestId(screen === 'runs' ? 'runs' : screen).waitFor();
  }

  currentProfile() {
    return this.page.getByTestId('current-profile');
  }

  alerts() {
    return this.page.getByRole('alert');
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: true });
  }
}
