// docs/money-safety.md#rule-3, #rule-12 and #rule-15: callbacks are evidence (forged or mismatched results pay nobody and are
// flagged), duplicates change nothing, each settlement is one transaction with ledger and audit
// rows, and every raw callback is kept in the inbox.
import { afterEach, describe, expect, it } from 'vitest';
import type { B2cPaymentRequest, DarajaClient } from '../../../../src/main/daraja';
import { applyInboxEntry } from '../../../../src/main/payroll/engine';
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

function startedRun(db: Harness['db'], workers: Parameters<typeof approvedRun>[1]): number {
  const runId = approvedRun(db, workers);
  db.prepare(`UPDATE payroll_runs SET state = 'running', started_at = ? WHERE id = ?`).run(
    new Date().toISOString(),
    runId,
  );
  db.prepare(`UPDATE payroll_items SET state = 'queued' WHERE run_id = ?`).run(runId);
  return runId;
}

/** A B2C success Result as Daraja posts it (REFERENCE §2.4). */
function successBody(o: {
  originatorId: string;
  conversationId?: string;
  amountKes: number;
  msisdn: string;
  receipt: string;
}): string {
  return JSON.stringify({
    Result: {
      ResultType: 0,
      ResultCode: 0,
      ResultDesc: 'The service request is processed successfully.',
      OriginatorConversationID: o.originatorId,
      ConversationID: o.conversationId ?? 'AG_20261121_forged000000000001',
      TransactionID: o.receipt,
      ResultParameters: {
        ResultParameter: [
          { Key: 'TransactionAmount', Value: o.amountKes },
          { Key: 'TransactionReceipt', Value: o.receipt },
          { Key: 'ReceiverPartyPublicName', Value: `${o.msisdn} - JANE WANJIRU` },
          { Key: 'TransactionCompletedDateTime', Value: '21.11.2026 22:00:00' },
          { Key: 'B2CUtilityAccountAvailableFunds', Value: 100000 },
          { Key: 'B2CWorkingAccountAvailableFunds', Value: 0 },
          { Key: 'B2CRecipientIsRegisteredCustomer', Value: 'Y' },
          { Key: 'B2CChargesPaidAccountAvailableFunds', Value: 0 },
        ],
      },
      ReferenceData: { ReferenceItem: { Key: 'QueueTimeoutURL', Value: 'https://example.invalid/timeout' } },
    },
  });
}

async function post(h: Harness, body: string): Promise<void> {
  const stored = new Promise<void>((resolve) => {
    const off = h.receiver.onStored(() => {
      off();
      resolve();
    });
  });
  const response = await fetch(h.receiver.callbackUrl('b2c-result'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect(await response.json()).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
  await stored;
}

function inboxFlags(db: Harness['db']): Array<{ flag: string | null; applied: number }> {
  return db.prepare('SELECT flag, applied FROM inbox ORDER BY id').all() as Array<{
    flag: string | null;
    applied: number;
  }>;
}

/** A client whose b2cPayment resolves `accepted` once the engine has recorded the answer. */
function signallingClient(onAnswered: () => void) {
  return (base: DarajaClient): DarajaClient => {
    const wrapped = Object.create(base) as DarajaClient;
    wrapped.b2cPayment = async (request: B2cPaymentRequest) => {
      const outcome = await base.b2cPayment(request);
      setImmediate(onAnswered); // after the engine's own continuation has recorded the answer
      return outcome;
    };
    return wrapped;
  };
}

describe('callbacks as evidence', () => {
  it('a forged success for an unknown ID, a different amount or a different party pays nobody and is flagged', async () => {
    const workers = [worker(1)];
    let answered!: () => void;
    const accepted = new Promise<void>((resolve) => (answered = resolve));
    // The real callback is dropped and status queries are far off, so only forged callbacks arrive.
    h = await harness({
      customers: customersFor(workers),
      faults: { dropCallback: 1 },
      engine: { resultTimeoutMs: 60_000 },
      client: signallingClient(() => answered()),
    });
    const runId = startedRun(h.db, workers);
    await h.engine.start();
    await accepted;
    const [attempt] = attempts(h.db);
    expect(attempt).toMatchObject({ state: 'accepted' });
    const id = attempt!.originator_conversation_id;
    const conversationId = (
      h.db.prepare('SELECT conversation_id AS c FROM payout_attempts WHERE id = ?').get(attempt!.id) as { c: string }
    ).c;

    await post(
      h,
      successBody({
        originatorId: 'MSH-nobody-knows',
        amountKes: 1000,
        msisdn: workers[0]!.phone,
        receipt: 'TKL0000001',
      }),
    );
    await post(
      h,
      successBody({
        originatorId: id,
        conversationId,
        amountKes: 999,
        msisdn: workers[0]!.phone,
        receipt: 'TKL0000002',
      }),
    );
    await post(
      h,
      successBody({ originatorId: id, conversationId, amountKes: 1000, msisdn: '254799999999', receipt: 'TKL0000003' }),
    );
    // Our ID with a ConversationID Daraja never gave this payment: the two IDs contradict each other.
    await post(h, successBody({ originatorId: id, amountKes: 1000, msisdn: workers[0]!.phone, receipt: 'TKL0000004' }));
    expect(inboxFlags(h.db)).toEqual([
      { flag: 'unmatched', applied: 0 },
      { flag: 'amount_mismatch', applied: 0 },
      { flag: 'party_mismatch', applied: 0 },
      { flag: 'unmatched', applied: 0 },
    ]);
    expect(ledger(h.db)).toEqual([]);
    expect(itemStates(h.db, runId)).toEqual({ paying: 1 });
    expect(attempts(h.db)).toMatchObject([{ state: 'accepted', receipt: null }]);

    // Restart with a short deadline: Transaction Status settles it with M-Pesa's own receipt.
    await h.engine.stop();
    h.sim.setFaults({ dropCallback: 0 });
    const engine = h.newEngine({ resultTimeoutMs: 50 });
    await engine.start();
    await engine.waitUntilFinal(runId);
    const [paid] = h.sim.payments();
    expect(ledger(h.db)).toMatchObject([
      { receipt: paid!.receipt, amount_cents: 1000_00, phone: workers[0]!.phone, source: 'status_result' },
    ]);
    paidExactlyOnce(h, workers);
  });

  it('applies a duplicated callback once: the copy is flagged and changes nothing', async () => {
    const workers = Array.from({ length: 5 }, (_, i) => worker(i + 1));
    h = await harness({
      customers: customersFor(workers),
      faults: { duplicateCallback: 1 },
      engine: { resultTimeoutMs: 60_000 },
    });
    const runId = startedRun(h.db, workers);
    await h.engine.start();
    await h.engine.waitUntilFinal(runId);
    await h.sim.callbacksIdle();
    const results = h.db
      .prepare(`SELECT id, applied, flag FROM inbox WHERE kind = 'b2c-result' ORDER BY id`)
      .all() as Array<{ id: number; applied: number; flag: string | null }>;
    expect(results).toHaveLength(10);
    expect(results.filter((r) => r.applied === 1)).toHaveLength(5);
    expect(results.filter((r) => r.flag === 'duplicate')).toHaveLength(5);
    // Applying an entry again is a no-op too.
    for (const r of results) expect(applyInboxEntry(h.db, r.id, new Date().toISOString()).kind).toBe('already-done');
    expect(ledger(h.db)).toHaveLength(5);
    paidExactlyOnce(h, workers);
  });

  it('records each payment in one transaction: attempt, item, ledger row, audit row and inbox outcome together', async () => {
    const workers = [worker(1), worker(2)];
    h = await harness({ customers: customersFor(workers), engine: { resultTimeoutMs: 60_000 } });
    // The ledger refuses writes (as a full disk would): nothing of the settlement may stick.
    h.db.exec(
      `CREATE TRIGGER test_ledger_refuses BEFORE INSERT ON transactions BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    const runId = startedRun(h.db, workers);
    let stored = 0;
    const bothStored = new Promise<void>((resolve) =>
      h!.receiver.onStored((ids) => ((stored += ids.length) >= 2 ? resolve() : undefined)),
    );
    await h.engine.start();
    await bothStored;
    expect(attempts(h.db).map((a) => a.state)).toEqual(['accepted', 'accepted']);
    expect(itemStates(h.db, runId)).toEqual({ paying: 2 });
    expect(inboxFlags(h.db)).toEqual([
      { flag: null, applied: 0 },
      { flag: null, applied: 0 },
    ]);
    expect(h.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'payout_attempt.succeeded'`).get()).toEqual(
      { n: 0 },
    );

    // After a restart the pending callbacks are applied from the inbox (nothing was lost).
    await h.engine.stop();
    h.db.exec('DROP TRIGGER test_ledger_refuses');
    const engine = h.newEngine();
    await engine.start();
    await engine.waitUntilFinal(runId);
    for (const row of ledger(h.db)) {
      const audit = h.db
        .prepare(`SELECT details FROM audit_log WHERE action = 'payout_attempt.succeeded' AND entity_id = ?`)
        .all(String(row.attempt_id)) as Array<{ details: string }>;
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]!.details)).toMatchObject({
        ledgerId: row.id,
        receipt: row.receipt,
        inboxId: row.inbox_id,
      });
      expect(h.db.prepare('SELECT applied FROM inbox WHERE id = ?').get(row.inbox_id)).toEqual({ applied: 1 });
    }
    paidExactlyOnce(h, workers);
  });

  it('keeps every raw callback, flags a malformed one, and flags a registered name that is not the worker', async () => {
    const workers = [worker(1), worker(2)];
    h = await harness({
      customers: [
        { msisdn: workers[0]!.phone, name: 'JANE WANJIRU' },
        { msisdn: workers[1]!.phone, name: 'PETER OTIENO' },
      ],
      engine: { resultTimeoutMs: 60_000 },
    });
    const runId = startedRun(h.db, workers);
    await h.engine.start();
    await h.engine.waitUntilFinal(runId);
    await post(h, '{"Result": {"ResultCode": 0');
    await h.sim.callbacksIdle();
    const kept = h.db.prepare('SELECT COUNT(*) AS n FROM inbox').get() as { n: number };
    expect(kept.n).toBe(h.sim.stats().callbacks.delivered + 1);
    expect(inboxFlags(h.db).at(-1)).toEqual({ flag: 'malformed', applied: 0 });
    const items = h.db
      .prepare('SELECT phone, registered_name, name_check FROM payroll_items WHERE run_id = ? ORDER BY id')
      .all(runId);
    expect(items).toEqual([
      { phone: workers[0]!.phone, registered_name: 'JANE WANJIRU', name_check: 'match' },
      { phone: workers[1]!.phone, registered_name: 'PETER OTIENO', name_check: 'mismatch' },
    ]);
    paidExactlyOnce(h, workers);
  });
});
