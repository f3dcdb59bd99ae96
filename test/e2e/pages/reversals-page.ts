// Page object for reversing a customer's payment: the Reverse… action on the ledger detail, and
// the Reversals screen where an approver approves.
import type { Page } from 'playwright-core';

export class ReversalsPage {
  constructor(private readonly page: Page) {}

  /** Opens the ledger row with this receipt once it is there (the ledger may still be receiving it). */
  async openLedgerRow(receipt: string): Promise<void> {
    const row = this.page.getByTestId('ledger-table').getByText(receipt, { exact: true });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await this.page.getByTestId('ledger-detail').getByText(receipt).first().waitFor();
  }

  /** Closes the ledger detail, so the frame's buttons are reachable again. */
  async closeLedgerRow(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.getByTestId('ledger-detail').waitFor({ state: 'detached' });
  }

  /** Asks for the open ledger row to be reversed, with a reason. */
  async askToReverse(reason: string): Promise<void> {
    await this.page.getByTestId('reverse-button').click();
    await this.page.getByTestId('reverse-reason').fill(reason);
    await this.page.getByTestId('reverse-confirm').click();
    await this.page.getByTestId('reversal-open').waitFor();
  }

  row(id: number) {
    return this.page.locator(`[data-testid="reversal-row"][data-reversal="${id}"]`);
  }

  /** Approves reversal `id` after reading the question; answers the question it asked. */
  async approve(id: number): Promise<string> {
    await this.row(id).getByTestId('reversal-approve').click();
    const question = (await this.row(id).getByTestId('reversal-confirm-question').textContent()) ?? '';
    await this.row(id).getByTestId('reversal-confirm-yes').click();
    return question;
  }

  async waitForState(id: number, state: string): Promise<void> {
    await this.page.locator(`[data-testid="reversal-row"][data-reversal="${id}"][data-state="${state}"]`).waitFor({
      timeout: 60_000,
    });
  }
}
