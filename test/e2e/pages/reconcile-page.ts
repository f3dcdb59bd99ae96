// Page object for the Reconcile screen: import a statement with its preview, the matching view's
// buckets, the reconcile view's figures, ticks and finish, and the history.
import type { Page } from 'playwright-core';

export class ReconcilePage {
  constructor(private readonly page: Page) {}

  async tab(name: 'import' | 'matching' | 'reconcile' | 'history' | 'float'): Promise<void> {
    await this.page.getByTestId(`tab-${name}`).click();
  }

  async previewStatement(filePath: string): Promise<void> {
    await this.page.getByTestId('reconcile').locator('input[type="file"]').setInputFiles(filePath);
    await this.page.getByTestId('statement-preview').waitFor();
  }

  rowCount() {
    return this.page.getByTestId('statement-row-count');
  }

  async importStatement(): Promise<void> {
    await this.page.getByTestId('statement-import').click();
    await this.page.getByTestId('statement-imported').waitFor();
  }

  bucketCount(bucket: string) {
    return this.page.getByTestId(`bucket-${bucket}-count`);
  }

  matchingRows() {
    return this.page.getByTestId('matching-table').locator('tbody tr');
  }

  figure(name: 'opening' | 'closing' | 'ledger-movement' | 'cleared' | 'difference') {
    return this.page.getByTestId('reconcile-view').getByTestId(name);
  }

  async tickMatched(): Promise<void> {
    await this.page.getByTestId('tick-matched').click();
  }

  async finish(): Promise<void> {
    await this.page.getByTestId('finish').click();
    await this.page.getByTestId('reconciled').waitFor();
  }

  row(receipt: string) {
    return this.page.getByTestId(`row-${receipt}`);
  }

  tick(receipt: string) {
    return this.page.getByTestId(`tick-${receipt}`);
  }

  historyRows() {
    return this.page.getByTestId('reconcile-history').locator('tbody tr');
  }
}
