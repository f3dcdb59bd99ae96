// Page object for refunds: the Refund… form on a received payment's ledger row, and the Refunds
// screen where an approver approves (after the money confirmation) or declines.
import type { Page } from 'playwright-core';

export class RefundsPage {
  constructor(private readonly page: Page) {}

  /** On an open ledger row of money received: fills the form and asks; the form closes once asked. */
  async askFromLedgerRow(amount: string, reason: string, phone?: string): Promise<void> {
    await this.page.getByTestId('refund-open').click();
    const form = this.page.getByTestId('refund-form');
    await form.waitFor();
    await form.getByLabel('Amount to refund').fill(amount);
    await form.getByLabel('Reason').fill(reason);
    if (phone !== undefined) await form.getByLabel("Customer's M-Pesa number").fill(phone);
  }

  async submitAsk(): Promise<void> {
    await this.page.getByTestId('refund-submit').click();
    await this.page.getByTestId('refund-form').waitFor({ state: 'detached' });
  }

  row(refundId: number) {
    return this.page.getByTestId(`refund-${refundId}`);
  }

  /** Clicks Approve on a refund and answers the money confirmation; answers what it asked. */
  async approve(refundId: number): Promise<string> {
    await this.row(refundId).getByTestId('refund-approve').click();
    const question = (await this.page.getByTestId('confirm-money-question').textContent()) ?? '';
    return question;
  }

  async confirmMoney(): Promise<void> {
    await this.page.getByTestId('confirm-money-yes').click();
  }

  /** Waits until the refund's row shows `label` (the list follows the engine by itself). */
  async waitForState(refundId: number, label: string, timeoutMs = 30_000): Promise<void> {
    await this.row(refundId).getByTestId('refund-state').filter({ hasText: label }).waitFor({ timeout: timeoutMs });
  }
}
