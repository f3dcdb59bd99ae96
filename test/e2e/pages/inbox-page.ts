// Page object for the callback inbox: which callbacks are listed.
import type { Page } from 'playwright-core';

export class InboxPage {
  constructor(private readonly page: Page) {}

  async showAll(): Promise<void> {
    await this.page.getByRole('radiogroup', { name: 'Which callbacks' }).getByText('All', { exact: true }).click();
  }

  /** The kinds of the callbacks in view (the viewport decides how many rows are rendered). */
  async kindsInView(): Promise<string[]> {
    const kinds = this.page.getByTestId('inbox-table').getByTestId('inbox-kind');
    await kinds.first().waitFor();
    return kinds.allTextContents();
  }
}
