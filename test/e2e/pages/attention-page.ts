// Page object for a run's needs-attention work list and its findings: the payments listed, and
// recording one as paid or failed through the dialog.
import type { Page } from 'playwright-core';

export interface AttentionLine {
  itemId: number;
  worker: string;
  phone: string;
  amountCents: number;
  originatorConversationId: string;
  reason: string;
}

export class AttentionPage {
  constructor(private readonly page: Page) {}

  list() {
    return this.page.getByTestId('needs-attention-list');
  }

  /** Waits until the work list shows exactly `count` payments (it follows the engine's events). */
  async waitForItems(count: number, timeoutMs: number): Promise<void> {
    await this.page
      .locator(`[data-testid="needs-attention-list"][data-items="${count}"]`)
      .waitFor({ timeout: timeoutMs });
  }

  async lines(): Promise<AttentionLine[]> {
    const rows = this.list().getByTestId('attention-item');
    const found: AttentionLine[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      found.push({
        itemId: Number(await row.getAttribute('data-item-id')),
        worker: (await row.getByTestId('attention-worker').textContent()) ?? '',
        phone: (await row.getAttribute('data-phone')) ?? '',
        amountCents: Number(await row.getAttribute('data-cents')),
        originatorConversationId: (await row.getAttribute('data-originator-id')) ?? '',
        reason: (await row.getByTestId('attention-reason').textContent()) ?? '',
      });
    }
    return found;
  }

  dialog() {
    return this.page.getByRole('dialog');
  }

  /** Opens "Record as paid" for one line and fills the receipt and the reason, without confirming. */
  async fillRecordAsPaid(itemId: number, receipt: string, reason: string): Promise<void> {
    await this.list()
      .locator(`[data-testid="attention-item"][data-item-id="${itemId}"]`)
      .getByTestId('record-paid')
      .click();
    await this.dialog().getByTestId('resolve-receipt').fill(receipt);
    await this.dialog().getByTestId('resolve-reason').fill(reason);
  }

  /** Opens "Record as failed" for one line, fills the reason and ticks the statement check, without confirming. */
  async fillRecordAsFailed(itemId: number, reason: string): Promise<void> {
    await this.list()
      .locator(`[data-testid="attention-item"][data-item-id="${itemId}"]`)
      .getByTestId('record-failed')
      .click();
    await this.dialog().getByTestId('resolve-reason').fill(reason);
    await this.dialog()
      .getByLabel(/I checked the M-Pesa statement/)
      .check();
  }

  /** Waits until the run's list shows `count` open findings. */
  async waitForFindings(count: number, timeoutMs: number): Promise<void> {
    await this.page
      .locator(`[data-testid="needs-attention-list"][data-findings="${count}"]`)
      .waitFor({ timeout: timeoutMs });
  }

  async findings(): Promise<Array<{ id: number; kind: string; receipt: string; detail: string }>> {
    const rows = this.list().getByTestId('finding');
    const found: Array<{ id: number; kind: string; receipt: string; detail: string }> = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      found.push({
        id: Number(await row.getAttribute('data-finding-id')),
        kind: (await row.getAttribute('data-kind')) ?? '',
        receipt:
          (await row.getByTestId('finding-receipt').count()) === 0
            ? ''
            : ((await row.getByTestId('finding-receipt').textContent()) ?? ''),
        detail: (await row.getByTestId('finding-detail').textContent()) ?? '',
      });
    }
    return found;
  }

  /** "Mark as dealt with" on one finding, with a note; waits until the dialog has closed. */
  async clearFinding(findingId: number, note: string): Promise<void> {
    await this.list()
      .locator(`[data-testid="finding"][data-finding-id="${findingId}"]`)
      .getByTestId('clear-finding')
      .click();
    await this.dialog().getByTestId('finding-note').fill(note);
    await this.dialog().getByTestId('finding-clear-confirm').click();
    await this.dialog().waitFor({ state: 'detached' });
  }

  /** Confirms the open dialog and answers what the core said: checked, outcome and message. */
  async confirm(): Promise<{ checked: string; outcome: string; message: string }> {
    await this.dialog().getByTestId('resolve-confirm').click();
    const outcome = this.dialog().getByTestId('resolve-outcome');
    await outcome.waitFor({ timeout: 45_000 });
    return {
      checked: (await outcome.getAttribute('data-checked')) ?? '',
      outcome: (await outcome.getAttribute('data-outcome')) ?? '',
      message: (await outcome.textContent()) ?? '',
    };
  }

  async closeDialog(): Promise<void> {
    await this.dialog().getByTestId('resolve-done').click();
    await this.dialog().waitFor({ state: 'detached' });
  }
}
