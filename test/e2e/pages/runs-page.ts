// Page object for payroll runs: a new run from a file with its preview, then approve, send,
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// watch the progress bar, and read the results.
import type { Page } from 'playwright-core';
import { SignInPage } from './sign-in-page';

export interface LeftOutRow {
  row: number;
  reason: string;
}

export class RunsPage {
  constructor(private readonly page: Page) {}

  async startNewRunFromFile(filePath: string, title: string): Promise<void> {
    await this.page.getByTestId('new-run').click();
    const dialog = this.page.getByRole('dialog', { name: 'New payroll run' });
    await dialog.getByLabel('Title').fill(title);
    await dialog.locator('input[type="file"]').setInputFiles(filePath);
    await dialog.getByTestId('import-preview').waitFor();
  }

  validCount() {
    return this.page.getByTestId('valid-count');
  }

  /** The rows the preview leaves out, as the page shows them. */
  async leftOutRows(): Promise<LeftOutRow[]> {
    const rows = this.page.getByTestId('invalid-rows').locator('tbody tr');
    const found: LeftOutRow[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      found.push({
        row: Number(await row.getByTestId('invalid-row-number').textContent()),
        reason: (await row.getByTestId('invalid-row-reason').textContent()) ?? '',
      });
    }
    return found;
  }

  async createRun(): Promise<void> {
    await this.page.getByTestId('create-run').click();
    await this.page.getByTestId('run-review').waitFor();
  }

  reviewTotal() {
    return this.page.getByTestId('review-total');
  }

  /**
   * The maker cannot approve their own run: signs the approver in on this page, approves the run
   * that is open (the address keeps it open across the sign-in), and signs `backAs` in again.
   */
  async approve(approver = 'baraka', backAs = 'amina'): Promise<void> {
    const signIn = new SignInPage(this.page);
    await signIn.switchTo(approver);
    await this.page.getByTestId('approve-run').click();
    await this.page.locator('[data-testid="run-detail"][data-run-state="approved"]').waitFor();
    await signIn.switchTo(backAs);
    await this.page.locator('[data-testid="run-detail"][data-run-state="approved"]').waitFor();
  }

  /** Clicks Send and confirms in the dialog; answers what the dialog asked and warned, as the person read it. */
  async send(): Promise<{ question: string; consequence: string }> {
    await this.page.getByTestId('send-run').click();
    const dialog = this.page.getByRole('dialog', { name: 'Send the payments' });
    const question = (await dialog.getByTestId('confirm-money-question').textContent()) ?? '';
    const consequence = (await dialog.getByTestId('confirm-money-consequence').textContent()) ?? '';
    await dialog.getByTestId('confirm-money-yes').click();
    await dialog.waitFor({ state: 'detached' });
    return { question, consequence };
  }

  progressBar() {
    return this.page.getByTestId('progress-bar');
  }

  /**
   * Records every value the progress bar shows from now on (in the page, so no change between
   * two polls is missed) and resolves once the run has ended, with the values seen.
   */
  async watchProgressUntilEnd(timeoutMs: number): Promise<number[]> {
    await this.progressBar().waitFor();
    await this.page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      const read = () => {
        const bar = document.querySelector('[data-testid="progress-bar"]');
        const value = Number(bar?.getAttribute('aria-valuenow'));
        if (bar && seen[seen.length - 1] !== value) seen.push(value);
      };
      read();
      new MutationObserver(read).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    await this.page.locator('[data-testid="run-progress"][data-state="completed"]').waitFor({ timeout: timeoutMs });
    return this.page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
  }

  runStatus() {
    return this.page.getByTestId('run-status');
  }

  progress() {
    return this.page.getByTestId('run-progress');
  }

  /** Waits until every result row in view shows how its payment ended (paid or failed). */
  async waitForSettledResults(): Promise<void> {
    await this.page.waitForFunction(() => {
      const states = [...document.querySelectorAll('[data-testid="run-results"] [data-testid="result-state"]')].map(
        (badge) => badge.getAttribute('data-state'),
      );
      return states.length > 0 && states.every((state) => state === 'paid' || state === 'failed');
    });
  }

  /** The result rows in view, with the state and receipt each shows. */
  async resultStates(): Promise<{ state: string; receipt: string }[]> {
    const rows = this.page
      .getByTestId('run-results')
      .locator('[role="row"]')
      .filter({ has: this.page.getByTestId('result-state') });
    const found: { state: string; receipt: string }[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      found.push({
        state: (await row.getByTestId('result-state').getAttribute('data-state')) ?? '',
        receipt: (await row.getByTestId('result-receipt').textContent()) ?? '',
      });
    }
    return found;
  }

  async exportCsv(): Promise<string> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId('export-run-csv').click(),
    ]);
    const path = await download.path();
    return path;
  }
}
