// Page object for choosing a payroll file in the new-run dialog: the file, the column mapping, the
// preview's left-out rows and their download.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';

export class ImportPage {
  constructor(private readonly page: Page) {}

  dialog() {
    return this.page.getByRole('dialog', { name: 'New payroll run' });
  }

  async openNewRun(title: string): Promise<void> {
    await this.page.getByTestId('new-run').click();
    await this.dialog().getByLabel('Title').fill(title);
  }

  /** Chooses a file; waits until it has been read (a preview, or the question which column is which). */
  async chooseFile(path: string): Promise<void> {
    await this.dialog().locator('input[type="file"]').setInputFiles(path);
    await this.dialog().locator('[data-testid="import-preview"], [data-testid="column-mapping"]').first().waitFor();
  }

  mappingQuestion() {
    return this.dialog().getByTestId('column-mapping');
  }

  async mapColumn(index: number, meaning: string): Promise<void> {
    await this.dialog().getByTestId(`map-column-${index}`).click();
    await this.page.getByRole('option', { name: meaning, exact: true }).click();
  }

  async applyMapping(): Promise<void> {
    await this.dialog().getByTestId('apply-mapping').click();
    await this.dialog().getByTestId('import-preview').waitFor();
  }

  validCount() {
    return this.dialog().getByTestId('valid-count');
  }

  async leftOut(): Promise<{ row: number; reason: string }[]> {
    const rows = this.dialog().getByTestId('invalid-rows').locator('tbody tr');
    const found: { row: number; reason: string }[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      found.push({
        row: Number(await row.getByTestId('invalid-row-number').textContent()),
        reason: (await row.getByTestId('invalid-row-reason').textContent()) ?? '',
      });
    }
    return found;
  }

  /** Downloads the left-out rows as CSV; answers the file's text. */
  async downloadLeftOut(): Promise<string> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.dialog().getByTestId('download-left-out-csv').click(),
    ]);
    return readFile(await download.path(), 'utf8');
  }

  async createRun(): Promise<void> {
    await this.dialog().getByTestId('create-run').click();
    await this.page.getByTestId('run-review').waitFor();
  }
}
