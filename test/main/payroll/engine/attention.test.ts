// The needs-attention work list is a list a person can clear, not a dead end: the engine keeps
// asking about it (with backoff, and again after a restart) so a late answer settles it; a person
// can record a payment with a receipt, which Transaction Status checks; the run completes only
// when nothing is open.
import { retryAsTwoPeople } from '../../../helpers/retry';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../src/shared/errors';
import {
  approvedRun,
  attempts,
  customersFor,
  harness,
  itemStates,
  ledger,
  paidExactlyOnce,
  worker,
  type Harness,
} from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function startRun(db: Harness['db'], runId: number): void {
  db.prepare(`UPDATE payroll_runs SET state = 'running', started_at = ? WHERE id = ?`).run(
    new Date().toISOString(),
    runId,
  );
  db.prepare(`UPDATE payroll_items SET state = 'queued' WHERE run_id = ?`).run(runId);
}

describe('the needs-attention work list', () => {
  it('keeps asking about a payment on the list; a late answer settles it and the run completes', async () => {
    const workers = [worker(1), worker(2)];
    // Every answer is lost until the payments are on the list.
    h = await harness({
      customers: customersFor(workers),
      faults: { dropCallback: 1 },
      engine: { resultTimeoutMs: 100, maxStatusQueries: 2, attentionMaxIntervalMs: 400 },
    });
    const runId = approvedRun(h.db, workers);
    startRun(h.db, runId);
    await h.engine.start();
    const waiting = await h.engine.waitUntilFinal(runId);
    expect(waiting.needsAttention).toBe(2);
    expect(h.engine.attention(runId)).toHaveLength(2);
    expect(h.db.prepare('SELECT state FROM payroll_runs WHERE id = ?').get(runId)).toEqual({ state: 'running' });

    h.sim.setFaults({ dropCallback: 0 });
    // After a restart too: a new engine on the same database asks again.
    await h.engine.stop();
    const engine = h.newEngine({ resultTimeoutMs: 100, maxStatusQueries: 2, attentionMaxIntervalMs: 400 });
    await engine.start();
    const deadline = Date.now() + 15_000;
    while (
      (h.db.prepare('SELECT state FROM payroll_runs WHERE id = ?').get(runId) as { state: string }).state !==
      'completed'
    ) {
      if (Date.now() > deadline) throw new Error(`run not completed: ${JSON.stringify(itemStates(h.db, runId))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(engine.attention(runId)).toEqual([]);
    expect(itemStates(h.db, runId)).toEqual({ paid: 2 });
    paidExactlyOnce(h, workers);
  }, 30_000);

  it('a person records a payment with the receipt M-Pesa shows: Transaction Status confirms it; a receipt of another payment is refused', async () => {
    const workers = [worker(1), worker(2)];
    h = await harness({
      customers: customersFor(workers),
      faults: { dropCallback: 1 },
      engine: { resultTimeoutMs: 100, maxStatusQueries: 2, attentionMaxIntervalMs: 3_600_000 },
    });
    const runId = approvedRun(h.db, workers);
    startRun(h.db, runId);
    await h.engine.start();
    await h.engine.waitUntilFinal(runId);
    const list = h.engine.attention(runId);
    expect(list.map((a) => a.phone).sort()).toEqual(workers.map((w) => w.phone).sort());
    expect(list[0]!.missing).toMatch(/statement/);
    h.sim.setFaults({ dropCallback: 0 });
    // An engine that is not running (its own re-queries would settle them first): the person's check alone.
    await h.engine.stop();
    const engine = h.newEngine({ resultTimeoutMs: 60_000, sendPayments: false });
    const paymentOf = (phone: string) => h!.sim.payments().find((p) => p.party === phone)!;
    const [first, second] = list;

    // The receipt of the OTHER worker's payment: M-Pesa's answer names another payment.
    await expect(
      engine.resolveItem(
        first!.itemId,
        { outcome: 'paid', receipt: paymentOf(second!.phone).receipt, reason: 'From the statement' },
        'accountant',
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(attempts(h.db).find((a) => a.item_id === first!.itemId)).toMatchObject({
      state: expect.stringMatching(/accepted|unknown/),
      needs_attention: 1,
    });

    const outcome = await engine.resolveItem(
      first!.itemId,
      { outcome: 'paid', receipt: paymentOf(first!.phone).receipt, reason: 'Receipt on the M-Pesa statement' },
      'accountant',
    );
    expect(outcome).toMatchObject({ outcome: 'paid', checked: 'confirmed' });
    expect(ledger(h.db)).toMatchObject([
      { receipt: paymentOf(first!.phone).receipt, phone: first!.phone, source: 'status_result' },
    ]);
    // A person's "failed" is checked once more: M-Pesa shows it paid, so it is recorded as paid.
    const second_ = await engine.resolveItem(
      second!.itemId,
      { outcome: 'failed', reason: 'Worker says nothing arrived' },
      'accountant',
    );
    expect(second_).toMatchObject({ outcome: 'paid', checked: 'confirmed' });
    expect(itemStates(h.db, runId)).toEqual({ paid: 2 });
    expect(await retryAsTwoPeople(h.db, engine, runId)).toBe(0);
    paidExactlyOnce(h, workers);
  }, 30_000);
});
