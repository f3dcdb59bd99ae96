// Page object for Money in: asking a customer to pay, the live status of that request, the
// requests and the money received.
import type { Page } from 'playwright-core';

export class CollectionsPage {
  constructor(private readonly page: Page) {}

  /** Fills in "Request a payment" and sends the prompt. */
  async requestPayment(phone: string, amount: string, reference: string): Promise<void> {
    const form = this.page.getByTestId('request-payment');
    await form.getByLabel('Customer’s M-Pesa number').fill(phone);
    await form.getByLabel('Amount').fill(amount);
    await form.getByLabel(/Account reference/).fill(reference);
    await form.getByRole('button', { name: 'Send the prompt' }).click();
  }

  liveStatus() {
    return this.page.getByTestId('live-status-words');
  }

  /** Waits until the live status reads `pattern`; answers the words. */
  async waitForStatus(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    await this.page.getByTestId('live-status-words').filter({ hasText: pattern }).waitFor({ timeout: timeoutMs });
    return (await this.liveStatus().textContent()) ?? '';
  }

  receivedRows() {
    return this.page.getByTestId('received-row');
  }

  /** Waits for a received row showing `receipt`. */
  async waitForReceived(receipt: string, timeoutMs = 30_000): Promise<void> {
    await this.receivedRows().filter({ hasText: receipt }).waitFor({ timeout: timeoutMs });
  }

  requestRows() {
    return this.page.getByTestId('payment-request');
  }
}
