// Ways a payment could be sent twice that the rules close, each shown on the real engine and
// database: a person's "failed" against M-Pesa's own word that it paid; a cancel while a payment
// waits to be sent again after "not found"; a refused re-send; a masked number with too little shown.
import { retryAsTwoPeople } from '../../../helpers/retry';
import { afterEach, describe, expect, it } from 'vitest';
import type { DarajaClient } from '../../../../src/main/daraja';
import { checkParty } from '../../../../src/main/payroll/engine/party';
import { cancelRun } from '../../../../src/main/payroll/engine/run-control';
import { ConflictError, DarajaError } from '../../../../src/shared/errors';
import { approvedRun, attempts, customersFor, harness, itemStates, worker, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** An attempt as a crash or an earlier answer left it, in a running run. */
function leftBehind(
  db: Harness['db'],
  runId: number,
  o: {
    state: 'created' | 'unknown';
    originatorId: string;
    resends?: number;
    acknowledged?: number;
    attention?: boolean;
  },
): number {
  const item = db
    .prepare('SELECT id, phone, amount_cents FROM payroll_items WHERE run_id = ? ORDER BY id LIMIT 1')
    .get(runId) as { id: number; phone: string; amount_cents: number };
  db.prepare(`UPDATE payroll_runs SET state = 'running', started_at = ? WHERE id = ?`).run(
    new Date().toISOString(),
    runId,
  );
  db.prepare(`UPDATE payroll_items SET state = 'paying' WHERE id = ?`).run(item.id);
  db.prepare(
    `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, sent_at, resends, acknowledged, needs_attention, attention_reason)
     VALUES (?, 1, ?, ?, ?, 'SalaryPayment', ?, ?, ?, ?, ?, ?)`,
  ).run(
    item.id,
    o.originatorId,
    item.phone,
    item.amount_cents,
    o.state,
    new Date(Date.now() - 600_000).toISOString(),
    o.resends ?? 0,
    o.acknowledged ?? 0,
    o.attention ? 1 : 0,
    o.attention ? 'No answer' : null,
  );
  return item.id;
}

describe('guards against a second payment', () => {
  it('refuses a person\'s "failed" when M-Pesa reported the payment made in a callback that did not match', async () => {
    const workers = [worker(1)];
    h = await harness({
      customers: customersFor(workers),
      faults: { dropCallback: 1 },
      engine: { resultTimeoutMs: 200 },
    });
    const runId = approvedRun(h.db, workers);
    const itemId = leftBehind(h.db, runId, { state: 'unknown', originatorId: 'MSH-review-1', attention: true });
    // M-Pesa's success Result, with the party written in a form that does not name our number: flagged, kept.
    const stored = new Promise<void>((resolve) => {
      const off = h!.receiver.onStored(() => {
        off();
        resolve();
      });
    });
    await fetch(h.receiver.callbackUrl('b2c-result'), {
      method: 'POST',
      body: JSON.stringify({
        Result: {
          ResultType: 0,
          ResultCode: 0,
          ResultDesc: 'The service request is processed successfully.',
          OriginatorConversationID: 'MSH-review-1',
          ConversationID: 'AG_20261201_review0000000001',
          TransactionID: 'TLB0000001',
          ResultParameters: {
            ResultParameter: [
              { Key: 'TransactionAmount', Value: workers[0]!.amountCents / 100 },
              { Key: 'TransactionReceipt', Value: 'TLB0000001' },
              { Key: 'ReceiverPartyPublicName', Value: '254799999999 - SOMEONE' },
            ],
          },
        },
      }),
    });
    await stored;
    const engine = h.engine;
    await engine.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.db.prepare(`SELECT flag FROM inbox WHERE kind = 'b2c-result'`).all()).toEqual([
      { flag: 'party_mismatch' },
    ]);
    await expect(
      engine.resolveItem(itemId, { outcome: 'failed', reason: 'Worker says nothing came' }, 'accountant'),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(attempts(h.db)).toMatchObject([{ state: 'unknown', needs_attention: 1 }]);
    expect(await retryAsTwoPeople(h.db, engine, runId)).toBe(0);
  });

  it('cancelling a run puts a payment waiting to be sent again after "not found" on the work list, never closes it as unsent', async () => {
    const workers = [worker(1), worker(2)];
    h = await harness({ customers: customersFor(workers) });
    const runId = approvedRun(h.db, workers);
    const afterNotFound = leftBehind(h.db, runId, { state: 'created', originatorId: 'MSH-review-2', resends: 1 });
    cancelRun(h.db, runId, 'officer', new Date().toISOString());
    expect(h.db.prepare('SELECT state, needs_attention, result_code FROM payout_attempts').get()).toEqual({
      state: 'unknown',
      needs_attention: 1,
      result_code: null,
    });
    expect(h.db.prepare('SELECT state FROM payroll_items WHERE id = ?').get(afterNotFound)).toEqual({
      state: 'paying',
    });
    expect(itemStates(h.db, runId)).toEqual({ paying: 1, cancelled: 1 });
  });

  it('a refused same-ID re-send goes on the work list; "retry failed" cannot send a new ID on top of it', async () => {
    const workers = [worker(1)];
    h = await harness({
      customers: customersFor(workers),
      client: (base) => {
        const wrapped = Object.create(base) as DarajaClient;
        wrapped.b2cPayment = () =>
          Promise.resolve({
            kind: 'definitive',
            error: new DarajaError('Invalid Access Token', { code: '404.001.03' }),
          });
        return wrapped;
      },
    });
    const runId = approvedRun(h.db, workers);
    leftBehind(h.db, runId, { state: 'created', originatorId: 'MSH-review-3', resends: 1 });
    await h.engine.start();
    const deadline = Date.now() + 5000;
    while (
      (h.db.prepare('SELECT needs_attention FROM payout_attempts').get() as { needs_attention: number })
        .needs_attention === 0
    ) {
      if (Date.now() > deadline) throw new Error('the refused re-send never reached the work list');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(attempts(h.db)).toMatchObject([{ state: 'unknown', needs_attention: 1 }]);
    expect(await retryAsTwoPeople(h.db, h.engine, runId)).toBe(0);
    expect(h.sim.payments()).toEqual([]);
  });

  it.each([
    ['****345678', 'absent'],
    ['254799**5678', 'mismatch'],
    ['2547**34**78', 'absent'],
    ['254712**5678', 'match'],
    ['254712***678', 'match'],
    ['2547****678', 'match'],
    ['25471**45**8', 'absent'],
  ] as const)('a masked number "%s" against 254712345678 is %s', (shown, expected) => {
    expect(checkParty('254712345678', null, `${shown} - JANE WANJIRU`)).toBe(expected);
  });
});
