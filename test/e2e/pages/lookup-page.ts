// Page object for Look up a receipt: ask about a receipt, read M-Pesa's answer in words, and record
// money received the ledger lacks.
import type { Page } from 'playwright-core';

export class LookupPage {
  constructor(private readonly page: Page) {}

  /** Asks about `receipt` and waits until this lookup's answer (or the word that it is on its way) shows. */
  async lookUp(receipt: string): Promise<void> {
    const answer = this.page.getByTestId('lookup-answer');
    const before = (await answer.count()) > 0 ? await answer.getAttribute('data-lookup-id') : null;
    await this.page.getByTestId('lookup-receipt').fill(receipt);
    await this.page.getByTestId('lookup-ask').click();
    await this.page.waitForFunction(
      (previous) => {
        const shown = document.querySelector('[data-testid="lookup-answer"]')?.getAttribute('data-lookup-id');
        return shown !== undefined && shown !== null && shown !== previous;
      },
      before,
      { timeout: 30_000 },
    );
  }

  answer() {
    return this.page.getByTestId('lookup-answer');
  }

  headline() {
    return this.page.getByTestId('lookup-headline');
  }

  details() {
    return this.page.getByTestId('lookup-details');
  }

  notes() {
    return this.page.getByTestId('lookup-notes');
  }

  recordButton() {
    return this.page.getByTestId('lookup-record');
  }

  async record(): Promise<void> {
    await this.recordButton().click();
    await this.page.getByTestId('lookup-ledger-row').waitFor();
  }

  ledgerRow() {
    return this.page.getByTestId('lookup-ledger-row');
  }
}
