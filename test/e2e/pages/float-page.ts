// Page object for the float: the admin's low-float level in Settings, the warning wherever it is
// shown, and the Float history screen's chart and table.
import type { Page } from 'playwright-core';

export class FloatPage {
  constructor(private readonly page: Page) {}

  /** Settings, as the admin: saves the level the float is warned below. */
  async setWarningLevel(shillings: string): Promise<void> {
    const card = this.page.getByTestId('low-float-level');
    await card.getByTestId('low-float-input').fill(shillings);
    await card.getByTestId('low-float-save').click();
    await card
      .getByTestId('low-float-current')
      .getByText(/^Now: warned below KES/)
      .waitFor();
  }

  warning() {
    return this.page.getByTestId('low-float-warning');
  }

  table() {
    return this.page.getByTestId('float-table');
  }

  chart() {
    return this.page.getByLabel('The float over time');
  }

  /** The table's rows as the page shows them: last report, balance, lowest, reports. */
  async rows(): Promise<string[][]> {
    const rows = this.table().locator('tbody tr');
    const found: string[][] = [];
    for (let i = 0; i < (await rows.count()); i++) found.push(await rows.nth(i).locator('td').allTextContents());
    return found;
  }
}
