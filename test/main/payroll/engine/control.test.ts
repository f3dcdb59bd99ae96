// Run control: the float check before a run, pause, resume, cancel, the rolled-up status, and
// the progress stream.
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../src/shared/errors';
import { formatKesWithCurrency } from '../../../../src/shared/money';
import { estimateCharge } from '../../../../src/main/payroll/charges';
import { runProgress, type RunProgress } from '../../../../src/main/payroll/engine';
import {
  approvedRun,
  attempts,
  customersFor,
  harness,
  itemStates,
  paidExactlyOnce,
  worker,
  type Harness,
} from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('run control', () => {
  it('refuses to start when the utility float cannot cover payments plus charges, and says by how much', async () => {
    const workers = [worker(1), worker(2), worker(3)];
    h = await harness({ customers: customersFor(workers), floatCents: 2_500_00 });
    const runId = approvedRun(h.db, workers);
    await h.engine.start();
    const refusal = await h.engine.startRun(runId, 'owner').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ConflictError);
    const short = 3 * (1000_00 + estimateCharge(1000_00)) - 2_500_00;
    expect(short).toBeGreaterThan(500_00);
    expect((refusal as Error).message).toContain(`short by ${formatKesWithCurrency(short)}`);
    expect(h.db.prepare('SELECT state FROM payroll_runs WHERE id = ?').get(runId)).toEqual({ state: 'approved' });
    expect(attempts(h.db)).toEqual([]);
    expect(h.sim.payments()).toEqual([]);
    // The balance it read is kept as a snapshot.
    expect(
      h.db.prepare(`SELECT available_cents FROM balance_snapshots WHERE account = 'Utility Account'`).all(),
    ).toEqual([{ available_cents: 2_500_00 }]);
  });

  it('starts when every balance answer is lost but M-Pesa still posts the balance; gives up when nothing comes', async () => {
    const workers = [worker(1)];
    // Every answer is lost after M-Pesa processed the request: only the result callbacks tell.
    h = await harness({ customers: customersFor(workers), floatCents: 50_000_00, faults: { errorAfter: 1 } });
    const runId = approvedRun(h.db, workers);
    await h.engine.start();
    await h.engine.startRun(runId, 'owner');
    expect(h.db.prepare('SELECT state FROM payroll_runs WHERE id = ?').pluck().get(runId)).toBe('running');
    h.sim.setFaults({ errorAfter: 0 });
    await h.engine.waitUntilFinal(runId);
    paidExactlyOnce(h, workers);

    // Answers lost and every callback dropped too: nothing reports the balance, and no run starts.
    const second = approvedRun(h.db, [worker(2)]);
    h.sim.setFaults({ errorAfter: 1, dropCallback: 1 });
    await expect(h.engine.startRun(second, 'owner')).rejects.toThrow(/did not report the account balance/);
    expect(h.db.prepare('SELECT state FROM payroll_runs WHERE id = ?').pluck().get(second)).toBe('approved');
  });

  it('refuses to start a run that is not approved', async () => {
    h = await harness({ customers: customersFor([worker(1)]) });
    const runId = approvedRun(h.db, [worker(1)]);
    h.db.prepare(`UPDATE payroll_runs SET state = 'cancelled' WHERE id = ?`).run(runId);
    await h.engine.start();
    await expect(h.engine.startRun(runId, 'owner')).rejects.toThrow(/Only an approved run/);
    expect(h.sim.payments()).toEqual([]);
  });

  it('pauses (nothing new is sent), resumes, and reports progress until completed', async () => {
    const workers = Array.from({ length: 40 }, (_, i) => worker(i + 1));
    h = await harness({ customers: customersFor(workers), engine: { rate: 20, concurrency: 4 } });
    const runId = approvedRun(h.db, workers);
    await h.engine.start();
    const seen: RunProgress[] = [];
    let paused!: (p: RunProgress) => void;
    const pausedAt = new Promise<RunProgress>((resolve) => (paused = resolve));
    let pausedOnce = false;
    let quiet!: () => void;
    const inFlightSettled = new Promise<void>((resolve) => (quiet = resolve));
    h.engine.onProgress((p) => {
      seen.push(p);
      if (!pausedOnce && p.counts.paid >= 5) {
        pausedOnce = true;
        h!.engine.pauseRun(runId, 'owner');
        paused(p);
      }
      if (pausedOnce && p.state === 'paused' && p.counts.paying === 0) quiet();
    });
    await h.engine.startRun(runId, 'owner');
    await pausedAt;
    // Payments already on the wire finish and settle; then nothing moves while paused.
    await inFlightSettled;
    await h.sim.callbacksIdle();
    const requestsWhilePaused = h.sim.stats().requests['/mpesa/b2c/v3/paymentrequest'];
    // Absence of sends can only be observed over time: give a misbehaving engine 300 ms to send.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const progress = runProgress(h.db, runId);
    expect(progress.status).toBe('paused');
    expect(progress.counts.queued).toBeGreaterThan(0);
    expect(h.sim.stats().requests['/mpesa/b2c/v3/paymentrequest']).toBe(requestsWhilePaused);
    h.engine.resumeRun(runId, 'owner');
    const done = await h.engine.waitUntilFinal(runId);
    expect(done.status).toBe('completed');
    expect(done.counts.paid).toBe(40);
    expect(seen.some((p) => p.sentPerSecond > 0 && p.etaSeconds !== null)).toBe(true);
    paidExactlyOnce(h, workers);
  });

  it('cancel stops new payments; what was sent settles, nothing queued is paid', async () => {
    const workers = Array.from({ length: 30 }, (_, i) => worker(i + 1));
    h = await harness({ customers: customersFor(workers), engine: { rate: 20, concurrency: 2 } });
    const runId = approvedRun(h.db, workers);
    await h.engine.start();
    let cancelled = false;
    h.engine.onProgress((p) => {
      if (!cancelled && p.counts.paid >= 3) {
        cancelled = true;
        h!.engine.cancelRun(runId, 'owner');
      }
    });
    await h.engine.startRun(runId, 'owner');
    const done = await h.engine.waitUntilFinal(runId);
    await h.sim.callbacksIdle();
    const states = itemStates(h.db, runId);
    expect(states.cancelled).toBeGreaterThan(0);
    expect((states.paid ?? 0) + states.cancelled!).toBe(30);
    expect(done.state).toBe('cancelled');
    // Paid ones are exactly the simulator's payments; cancelled ones were never paid.
    const paidPhones = new Set(h.sim.payments().map((p) => p.party));
    const paidItems = h.db
      .prepare(`SELECT phone FROM payroll_items WHERE run_id = ? AND state = 'paid'`)
      .all(runId) as Array<{ phone: string }>;
    expect(new Set(paidItems.map((i) => i.phone))).toEqual(paidPhones);
    expect(h.sim.payments()).toHaveLength(paidPhones.size);
  });
});
