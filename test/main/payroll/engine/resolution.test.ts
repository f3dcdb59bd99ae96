// How unknown outcomes end: a lost failure is settled definitively by Transaction Status; a queue
// timeout sends the attempt to Transaction Status; evidence that contradicts a settled attempt is
// held for a person, and no retry can be approved on top of it.
import { retryAsTwoPeople } from '../../../helpers/retry';
import { afterEach, describe, expect, it } from 'vitest';
import type { DarajaClient } from '../../../../src/main/daraja';
import { approvedRun, attempts, customersFor, harness, itemStates, ledger, worker, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function startedRun(db: Harness['db'], workers: Parameters<typeof approvedRun>[1]): number {
  const runId = approvedRun(db, workers);
  db.prepare(`UPDATE payroll_runs SET state = 'running', started_at = ? WHERE id = ?`).run(
    new Date().toISOString(),
    runId,
  );
  db.prepare(`UPDATE payroll_items SET state = 'queued' WHERE run_id = ?`).run(runId);
  return runId;
}

function conversationOf(h: Harness, attemptId: number): string {
  return (h.db.prepare('SELECT conversation_id AS c FROM payout_attempts WHERE id = ?').get(attemptId) as { c: string })
    .c;
}

async function post(h: Harness, kind: 'b2c-result' | 'b2c-timeout', body: unknown): Promise<void> {
  const stored = new Promise<void>((resolve) => {
    const off = h.receiver.onStored(() => {
      off();
      resolve();
    });
  });
  await fetch(h.receiver.callbackUrl(kind), { method: 'POST', body: JSON.stringify(body) });
  await stored;
}

describe('resolving unknown outcomes', () => {
  it('never fails a payment on a Transaction Status code: a lost failure answered with its code (2040) waits for a person, and no retry can send it again', async () => {
    // Not an M-Pesa customer: M-Pesa refuses with 2040. Its answer and callback are lost; Transaction
    // Status then answers with ResultCode 2040, which REFERENCE §15.13 leaves unread: about the query or the payment?
    const unregistered = worker(1);
    let statusQueries = 0;
    h = await harness({
      faults: { errorAfter: 1, dropCallback: 1 },
      engine: { resultTimeoutMs: 100, maxStatusQueries: 3 },
      client: (base) => {
        const wrapped = Object.create(base) as DarajaClient;
        wrapped.transactionStatus = (request) => {
          if (++statusQueries === 1) h!.sim.setFaults({ errorAfter: 0, dropCallback: 0 });
          return base.transactionStatus(request);
        };
        return wrapped;
      },
    });
    const runId = startedRun(h.db, [unregistered]);
    await h.engine.start();
    const done = await h.engine.waitUntilFinal(runId);
    expect(done.counts.failed).toBe(0);
    expect(done.needsAttention).toBe(1);
    expect(attempts(h.db)).toMatchObject([{ state: 'unknown', attempt_number: 1, needs_attention: 1 }]);
    expect(await retryAsTwoPeople(h.db, h.engine, runId)).toBe(0);
    expect(h.sim.stats().requests['/mpesa/b2c/v3/paymentrequest']).toBe(1);
    expect(h.sim.payments()).toEqual([]);
    expect(ledger(h.db)).toEqual([]);
    // A person who knows it failed says so; Mshahara asks M-Pesa once more first, then records it and a retry may go.
    const resolved = await h.engine.resolveItem(
      attempts(h.db)[0]!.item_id,
      { outcome: 'failed', reason: 'Safaricom confirmed the number is not registered' },
      'accountant',
    );
    expect(resolved).toMatchObject({ outcome: 'failed', checked: 'unchecked' });
    expect(attempts(h.db)).toMatchObject([{ state: 'failed', needs_attention: 0 }]);
    expect(h.db.prepare(`SELECT actor FROM audit_log WHERE action = 'payout_attempt.resolved'`).all()).toEqual([
      { actor: 'accountant' },
    ]);
  });

  it('treats a queue timeout as unknown and settles it from Transaction Status', async () => {
    const workers = [worker(1)];
    let answered!: () => void;
    const accepted = new Promise<void>((resolve) => (answered = resolve));
    h = await harness({
      customers: customersFor(workers),
      faults: { dropCallback: 1 },
      engine: { resultTimeoutMs: 1500 },
      client: (base) => {
        const wrapped = Object.create(base) as DarajaClient;
        wrapped.b2cPayment = async (request) => {
          const outcome = await base.b2cPayment(request);
          setImmediate(answered);
          return outcome;
        };
        return wrapped;
      },
    });
    const runId = startedRun(h.db, workers);
    await h.engine.start();
    await accepted;
    const [attempt] = attempts(h.db);
    h.sim.setFaults({ dropCallback: 0 });
    await post(h, 'b2c-timeout', {
      Result: {
        ResultType: 0,
        ResultCode: 1,
        ResultDesc: 'The service request timed out.',
        OriginatorConversationID: attempt!.originator_conversation_id,
        ConversationID: conversationOf(h, attempt!.id),
        TransactionID: '',
      },
    });
    const done = await h.engine.waitUntilFinal(runId);
    expect(done.counts.paid).toBe(1);
    expect(ledger(h.db)).toMatchObject([{ source: 'status_result', receipt: h.sim.payments()[0]!.receipt }]);
    const audit = h.db.prepare(`SELECT details FROM audit_log WHERE action = 'payout_attempt.unknown'`).all() as Array<{
      details: string;
    }>;
    expect(audit.map((a) => JSON.parse(a.details) as { reason: string })).toEqual([
      { reason: 'Daraja reported a queue timeout' },
    ]);
  });

  it('writes a success that arrives after a recorded failure to the ledger as money that moved, marked, on the work list; retry skips it', async () => {
    const workers = [worker(1), worker(2)];
    // Worker 1 is unregistered so its payment fails; worker 2 is paid normally.
    h = await harness({ customers: customersFor([workers[1]!]) });
    const runId = approvedRun(h.db, workers);
    await h.engine.start();
    await h.engine.startRun(runId, 'owner');
    await h.engine.waitUntilFinal(runId);
    expect(itemStates(h.db, runId)).toEqual({ failed: 1, paid: 1 });
    const failed = attempts(h.db).find((a) => a.state === 'failed')!;
    await post(h, 'b2c-result', {
      Result: {
        ResultType: 0,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        OriginatorConversationID: failed.originator_conversation_id,
        ConversationID: conversationOf(h, failed.id),
        TransactionID: 'TKL9999999',
        ResultParameters: {
          ResultParameter: [
            { Key: 'TransactionAmount', Value: failed.amount_cents / 100 },
            { Key: 'TransactionReceipt', Value: 'TKL9999999' },
            { Key: 'ReceiverPartyPublicName', Value: `${failed.phone} - JANE WANJIRU` },
          ],
        },
      },
    });
    // The money moved: it is in the ledger, marked as contradicting the record, and waits for a person.
    expect(h.db.prepare('SELECT applied FROM inbox ORDER BY id DESC LIMIT 1').get()).toEqual({ applied: 1 });
    expect(attempts(h.db).find((a) => a.id === failed.id)).toMatchObject({ state: 'failed', needs_attention: 1 });
    const rows = h.db
      .prepare(
        `SELECT receipt, amount_cents, phone, attempt_id, contradiction FROM transactions WHERE kind = 'b2c_payment' ORDER BY id`,
      )
      .all();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual({
      receipt: 'TKL9999999',
      amount_cents: failed.amount_cents,
      phone: failed.phone,
      attempt_id: failed.id,
      contradiction: 'paid_after_failure',
    });
    expect(h.db.prepare('SELECT kind, attempt_id, cleared_at FROM payout_findings').all()).toEqual([
      { kind: 'paid_after_failure', attempt_id: failed.id, cleared_at: null },
    ]);
    const progress = await h.engine.waitUntilFinal(runId);
    expect(progress.findings).toBe(1);
    expect(itemStates(h.db, runId)).toEqual({ paid: 2 });
    // "Retry failed" must not pay this worker again.
    expect(await retryAsTwoPeople(h.db, h.engine, runId)).toBe(0);
    expect(attempts(h.db)).toHaveLength(2);
  });
});
