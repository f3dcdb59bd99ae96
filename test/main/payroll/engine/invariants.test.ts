// docs/money-safety.md#rule-1, #rule-2 and #rule-6 against the simulator: write before send, one live attempt, re-send
// only what Daraja never saw (same OriginatorConversationID), never re-send on a guess.
import { retryAsTwoPeople } from '../../../helpers/retry';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { B2cPaymentRequest, DarajaClient } from '../../../../src/main/daraja';
import { verifyAuditChain } from '../../../../src/main/ledger/audit';
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

/** Puts an attempt in the database as a crashed engine would have left it. */
function leftBehind(db: Harness['db'], runId: number, state: 'created' | 'sending', originatorId: string): number {
  const item = db
    .prepare('SELECT id, phone, amount_cents FROM payroll_items WHERE run_id = ? ORDER BY id LIMIT 1')
    .get(runId) as { id: number; phone: string; amount_cents: number };
  db.prepare(`UPDATE payroll_runs SET state = 'running', started_at = ? WHERE id = ?`).run(
    new Date().toISOString(),
    runId,
  );
  db.prepare(`UPDATE payroll_items SET state = 'queued' WHERE run_id = ?`).run(runId);
  db.prepare(`UPDATE payroll_items SET state = 'paying' WHERE id = ?`).run(item.id);
  db.prepare(
    `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state) VALUES (?, 1, ?, ?, ?, 'SalaryPayment', ?)`,
  ).run(item.id, originatorId, item.phone, item.amount_cents, state);
  return item.id;
}

/** A run already started (as the CLI leaves it), without the float check's balance callback. */
function startedRun(db: Harness['db'], workers: Parameters<typeof approvedRun>[1]): number {
  const runId = approvedRun(db, workers);
  db.prepare(`UPDATE payroll_runs SET state = 'running', started_at = ? WHERE id = ?`).run(
    new Date().toISOString(),
    runId,
  );
  db.prepare(`UPDATE payroll_items SET state = 'queued' WHERE run_id = ?`).run(runId);
  return runId;
}

describe('payout engine invariants', () => {
  it('commits the attempt with its OriginatorConversationID before each payment request starts (invariant 1)', async () => {
    const workers = Array.from({ length: 12 }, (_, i) => worker(i + 1));
    const seenAtSend: Array<{ id: string; state: string | undefined }> = [];
    const watch: { observer?: Database.Database } = {};
    h = await harness({
      customers: customersFor(workers),
      client: (base) => {
        // Looks at the database from a second connection at the instant the request starts: only
        // what is committed is visible there.
        const wrapped = Object.create(base) as DarajaClient;
        wrapped.b2cPayment = (request: B2cPaymentRequest) => {
          const row = watch
            .observer!.prepare('SELECT state FROM payout_attempts WHERE originator_conversation_id = ?')
            .get(request.originatorConversationId) as { state: string } | undefined;
          seenAtSend.push({ id: request.originatorConversationId, state: row?.state });
          return base.b2cPayment(request);
        };
        return wrapped;
      },
    });
    const observer = new Database(h.db.name, { readonly: true });
    watch.observer = observer;
    try {
      const runId = approvedRun(h.db, workers);
      await h.engine.start();
      await h.engine.startRun(runId, 'owner');
      const done = await h.engine.waitUntilFinal(runId);
      expect(done.counts.paid).toBe(12);
      expect(seenAtSend).toHaveLength(12);
      for (const seen of seenAtSend) expect(seen.state).toBe('sending');
      paidExactlyOnce(h, workers);
      expect(done.status).toBe('completed');
      expect(verifyAuditChain(h.db)).toMatchObject({ ok: true });
    } finally {
      observer.close();
    }
  });

  it('refuses a second live attempt for an item, in the schema and in the engine (invariant 2)', async () => {
    const workers = [worker(1), worker(2)];
    // Worker 2 is not an M-Pesa customer: the simulator answers 2040 and the item fails.
    h = await harness({ customers: customersFor([workers[0]!]) });
    const runId = approvedRun(h.db, workers);
    await h.engine.start();
    await h.engine.startRun(runId, 'owner');
    await h.engine.waitUntilFinal(runId);
    expect(itemStates(h.db, runId)).toEqual({ paid: 1, failed: 1 });
    const paid = attempts(h.db).find((a) => a.state === 'succeeded')!;
    expect(() =>
      h!.db
        .prepare(
          `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id) VALUES (?, 2, 'MSH-extra', ?, ?, 'SalaryPayment')`,
        )
        .run(paid.item_id, paid.phone, paid.amount_cents),
    ).toThrow(/UNIQUE/);
    // A failed item gets a new attempt only after someone approves the retry, and it has a new ID.
    expect(attempts(h.db)).toHaveLength(2);
    expect(await retryAsTwoPeople(h.db, h.engine, runId)).toBe(1);
    await h.engine.waitUntilFinal(runId);
    const tries = attempts(h.db).filter((a) => a.phone === workers[1]!.phone);
    expect(tries.map((a) => [a.attempt_number, a.state])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(new Set(tries.map((a) => a.originator_conversation_id)).size).toBe(2);
    expect(h.sim.payments().map((p) => p.party)).toEqual([workers[0]!.phone]);
  });

  it('after a crash, sends a never-sent attempt as it is (state created)', async () => {
    const workers = [worker(1)];
    h = await harness({ customers: customersFor(workers) });
    const runId = approvedRun(h.db, workers);
    leftBehind(h.db, runId, 'created', 'MSH-crash-created-1');
    await h.engine.start();
    await h.engine.waitUntilFinal(runId);
    expect(attempts(h.db)).toMatchObject([{ originator_conversation_id: 'MSH-crash-created-1', state: 'succeeded' }]);
    expect(h.sim.payments().map((p) => p.originatorConversationId)).toEqual(['MSH-crash-created-1']);
    paidExactlyOnce(h, workers);
  });

  it('after a crash mid-send, asks Transaction Status and re-sends with the SAME OriginatorConversationID when Daraja never saw it (invariant 3)', async () => {
    const workers = [worker(1), worker(2)];
    h = await harness({ customers: customersFor(workers) });
    const runId = approvedRun(h.db, workers);
    leftBehind(h.db, runId, 'sending', 'MSH-crash-sending-1');
    await h.engine.start();
    await h.engine.waitUntilFinal(runId);
    const first = attempts(h.db).filter((a) => a.phone === workers[0]!.phone);
    expect(first).toMatchObject([
      { originator_conversation_id: 'MSH-crash-sending-1', state: 'succeeded', attempt_number: 1 },
    ]);
    // Two "no such transaction" answers, each tied to a query Mshahara recorded, came before the re-send.
    const notFound = h.db
      .prepare(
        `SELECT q.answer, q.inbox_id FROM status_queries q JOIN payout_attempts a ON a.id = q.attempt_id WHERE a.originator_conversation_id = 'MSH-crash-sending-1' AND q.answer = 'not_found'`,
      )
      .all();
    expect(notFound).toHaveLength(2);
    expect(h.sim.payments().filter((p) => p.originatorConversationId === 'MSH-crash-sending-1')).toHaveLength(1);
    paidExactlyOnce(h, workers);
  });

  it('settles a payment whose answer and callback were both lost from Transaction Status, paying nobody twice', async () => {
    const workers = [worker(1)];
    let statusQueries = 0;
    h = await harness({
      customers: customersFor(workers),
      faults: { errorAfter: 1, dropCallback: 1 },
      engine: { resultTimeoutMs: 100 },
      client: (base) => {
        const wrapped = Object.create(base) as DarajaClient;
        wrapped.transactionStatus = (request) => {
          // M-Pesa paid, its answer and its callback were lost; from the first status query on, answers get through.
          if (++statusQueries === 1) h!.sim.setFaults({ errorAfter: 0, dropCallback: 0 });
          return base.transactionStatus(request);
        };
        return wrapped;
      },
    });
    const runId = startedRun(h.db, workers);
    await h.engine.start();
    await h.engine.waitUntilFinal(runId);
    expect(ledger(h.db)).toMatchObject([
      { source: 'status_result', amount_cents: 1000_00, phone: workers[0]!.phone, charge_cents: expect.any(Number) },
    ]);
    expect(attempts(h.db)).toMatchObject([{ state: 'succeeded', attempt_number: 1 }]);
    expect(h.sim.stats().requests['/mpesa/b2c/v3/paymentrequest']).toBe(1);
    paidExactlyOnce(h, workers);
  });

  it('never re-sends an unknown attempt on a guess: without an answer it waits for a person', async () => {
    const workers = [worker(1)];
    h = await harness({
      customers: customersFor(workers),
      faults: { dropCallback: 1 },
      engine: { resultTimeoutMs: 100, maxStatusQueries: 3 },
    });
    const runId = approvedRun(h.db, workers);
    leftBehind(h.db, runId, 'sending', 'MSH-crash-silent-1');
    await h.engine.start();
    const done = await h.engine.waitUntilFinal(runId);
    expect(done.needsAttention).toBe(1);
    expect(done.counts.paying).toBe(1);
    expect(attempts(h.db)).toMatchObject([{ state: 'unknown', needs_attention: 1 }]);
    expect(h.sim.stats().requests['/mpesa/b2c/v3/paymentrequest'] ?? 0).toBe(0);
    expect(h.sim.stats().requests['/mpesa/transactionstatus/v1/query']).toBe(3);
    expect(h.sim.payments()).toEqual([]);
  });
});
