// When answers stop arriving (the relay is down, or Daraja's callbacks are not reaching it), the
// engine stops sending new payments and says why; payments already out are not put on a person's
// list just because no answer can arrive; when answers return, everything settles and sending resumes.
import { afterEach, describe, expect, it } from 'vitest';
import { approvedRun, attempts, customersFor, harness, paidExactlyOnce, worker, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('when no answers arrive', () => {
  it('holds new payments, keeps the ones in flight off the work list, and resumes when answers return', async () => {
    const workers = Array.from({ length: 40 }, (_, i) => worker(i + 1));
    h = await harness({
      customers: customersFor(workers),
      faults: { dropCallback: 1 },
      // 20 a second: the 40 would take 2 s to send, far longer than it takes to see that no answer comes.
      engine: { rate: 20, concurrency: 5, resultTimeoutMs: 300, maxStatusQueries: 3, holdAfterUnanswered: 5 },
    });
    const runId = approvedRun(h.db, workers);
    const reasons: Array<string | null> = [];
    h.engine.onProgress((p) => reasons.push(p.held));
    await h.engine.start();
    h.db
      .prepare(`UPDATE payroll_runs SET state = 'running', started_at = ? WHERE id = ?`)
      .run(new Date().toISOString(), runId);
    h.db.prepare(`UPDATE payroll_items SET state = 'queued' WHERE run_id = ?`).run(runId);
    const done = h.engine.waitUntilFinal(runId);

    await until(() => h!.engine.held !== null, 10_000);
    const sentWhenHeld = h.engine.counters().paymentRequests;
    expect(sentWhenHeld).toBeLessThan(workers.length);
    // Long enough for every query budget to run out several times over.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(h.engine.counters().paymentRequests).toBe(sentWhenHeld);
    expect(h.engine.held).toMatch(/no answer/);
    expect(reasons.some((r) => r !== null && /Sending is paused/.test(r))).toBe(true);
    expect(attempts(h.db).filter((a) => a.needs_attention === 1)).toEqual([]);

    h.sim.setFaults({ dropCallback: 0 });
    const progress = await done;
    expect(progress.counts.paid).toBe(workers.length);
    expect(progress.needsAttention).toBe(0);
    expect(h.engine.held).toBeNull();
    paidExactlyOnce(h, workers);
  }, 60_000);
});
