// Page object for the ledger: the rows in view, the count and totals, search, export.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';

export interface LedgerLine {
  receipt: string;
  name: string;
  phone: string;
  amountCents: number;
}

export class LedgerPage {
  constructor(private readonly page: Page) {}

  count() {
    return this.page.getByTestId('ledger-count');
  }

  /** Waits until the filtered set holds `total` transactions (the count the ledger answered). */
  async waitForTotal(total: number): Promise<void> {
    await this.page.locator(`[data-testid="ledger-count"][data-total="${total}"]`).waitFor();
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('ledger-search').locator('input').fill(text);
  }

  /** The ledger rows rendered in the virtual table (the viewport decides how many). */
  async lines(): Promise<LedgerLine[]> {
    await this.page.getByTestId('ledger-table').locator('[role="row"] >> text=Loading…').waitFor({ state: 'detached' });
    return this.page.getByTestId('ledger-table').evaluate((table) =>
      [...table.querySelectorAll('[role="rowgroup"] [role="row"]')]
        .filter((row) => row.querySelector('[data-testid="ledger-receipt"]'))
        .map((row) => ({
          receipt: row.querySelector('[data-testid="ledger-receipt"]')?.textContent ?? '',
          name: row.querySelector('[data-testid="ledger-name"]')?.textContent ?? '',
          phone: row.querySelector('[data-testid="ledger-phone"]')?.textContent ?? '',
          amountCents: Number(row.querySelector('[data-testid="ledger-amount"]')?.getAttribute('data-cents')),
        })),
    );
  }

  async openFirstRow(): Promise<void> {
    await this.page.getByTestId('ledger-table').locator('.vtable-row.clickable').first().click();
    await this.page.getByTestId('raw-callback').waitFor();
  }

  async closeDetail(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.getByTestId('ledger-detail').waitFor({ state: 'detached' });
  }

  /** Exports the filtered set as CSV and answers the downloaded file's path. */
  async exportCsv(): Promise<string> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId('export-ledger-csv').click(),
    ]);
    return download.path();
  }
}
