// Reversals the M-Pesa statement shows: a payment to a customer reversed on the M-Pesa Org portal
// is recorded once, linked to its original, and matches on the reconciliation; the receipt of a
// reversal M-Pesa called "already reversed" is found there and counted once.
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { importStatement } from '../../../src/main/statements/import';
import { approveReversal, requestReversal } from '../../../src/main/reversals/requests';
import { resolveReversal, sendReversal } from '../../../src/main/reversals/send';
import { reversedOriginal } from '../../../src/main/reversals/store';
import { seedPeople } from '../../helpers/people';
import { approvedRun, attempts, customersFor, harness, worker, type Harness } from '../payroll/engine/harness';
import { customer, receivedPayment, reversalRows } from './support';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function importUtility(current: Harness): Promise<void> {
  const answer = await request(`${current.sim.baseUrl}/simulator/statement?account=utility&format=csv`);
  expect(answer.statusCode).toBe(200);
  const name = /filename="([^"]+)"/.exec(String(answer.headers['content-disposition']))?.[1] ?? '';
  await importStatement(current.db, {
    fileName: name,
    bytes: Buffer.from(await answer.body.arrayBuffer()),
    actor: 'chebet',
    now: new Date().toISOString(),
  });
}

describe('reversals on the statement', () => {
  it('records a payment to a customer reversed on the M-Pesa Org portal, once, linked to it', async () => {
    h = await harness({ customers: customersFor([worker(1)]) });
    const people = await seedPeople(h.db);
    const runId = approvedRun(h.db, [worker(1, 2500_00)]);
    await h.engine.start();
    await h.engine.startRun(runId, 'amina');
    await h.engine.waitUntilFinal(runId);
    const receipt = attempts(h.db)[0]?.receipt ?? '';
    const paid = h.db.prepare('SELECT id FROM transactions WHERE receipt = ?').get(receipt) as { id: number };
    expect(() => requestReversal(h!.db, { transactionId: paid.id, reason: 'Wrong person' }, people.admin)).toThrow(
      /Ask for the reversal on the M-Pesa Org portal/,
    );
    const portal = h.sim.reverseOnPortal(receipt);
    expect(portal).not.toBeNull();
    await importUtility(h);
    await importUtility(h);
    const rows = reversalRows(h.db);
    expect(rows).toEqual([
      expect.objectContaining({
        receipt: portal?.receipt,
        amount_cents: 2500_00,
        direction: 'in',
        source: 'statement_import',
      }),
    ]);
    expect(reversedOriginal(h.db, paid.id)).toMatchObject({ via: 'portal', reversalTransactionId: rows[0]?.id });
    const match = h.db
      .prepare(
        `SELECT m.bucket, m.transaction_id FROM statement_matches m JOIN statement_rows s ON s.id = m.statement_row_id WHERE s.receipt = ?`,
      )
      .get(portal?.receipt) as { bucket: string; transaction_id: number };
    expect(match).toEqual({ bucket: 'reversal', transaction_id: rows[0]?.id });
  });

  it('finds on the statement the receipt of a reversal M-Pesa said was already made, and counts it once', async () => {
    h = await harness({ customers: [customer] });
    await h.engine.stop();
    const people = await seedPeople(h.db);
    const parts = { db: h.db, client: h.client, source: h.receiver };
    const options = { resultWaitMs: 1000, statusWaitMs: 2000 };
    const { transactionId, receipt } = await receivedPayment(h, 650_00);
    h.sim.setFaults({ errorAfter: 1, dropCallback: 1 });
    const asked = requestReversal(h.db, { transactionId, reason: 'Customer asked' }, people.admin);
    approveReversal(h.db, asked.id, people.approver);
    await sendReversal(parts, asked.id, 'baraka', options);
    h.sim.setFaults({ errorAfter: 0, dropCallback: 0 });
    const again = await resolveReversal(parts, asked.id, people.approver, { kind: 'send_again' }, options);
    expect(again.alreadyReversed).toBe(true);
    expect(reversalRows(h.db)).toHaveLength(0);
    await importUtility(h);
    const made = h.sim.reversals().filter((r) => r.originalReceipt === receipt);
    expect(made).toHaveLength(1);
    const rows = reversalRows(h.db);
    expect(rows).toEqual([
      expect.objectContaining({
        receipt: made[0]?.receipt,
        amount_cents: 650_00,
        direction: 'out',
        reversal_id: asked.id,
      }),
    ]);
    expect(reversedOriginal(h.db, transactionId)).toMatchObject({
      via: 'already_reversed',
      reversalTransactionId: rows[0]?.id,
    });
  });
});
