// Transaction Status questions about no payout attempt, against the simulator over HTTP: the answer
// is tied to its question wherever it arrives (the engine running or not, copies included), kept
// out of the inbox's work list, and never taken as a payout's evidence.
import { afterEach, describe, expect, it } from 'vitest';
import type { DarajaClient } from '../../../src/main/daraja';
import { askTransactionStatus } from '../../../src/main/lookups/ask-status';
import { lookupById } from '../../../src/main/lookups/status-lookups';
import { approvedRun, attempts, customersFor, harness, worker, type Harness } from '../payroll/engine/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function paidReceipt(current: Harness): Promise<string> {
  const runId = approvedRun(current.db, [worker(1, 2500_00)]);
  await current.engine.start();
  await current.engine.startRun(runId, 'amina');
  await current.engine.waitUntilFinal(runId);
  const receipt = attempts(current.db)[0]?.receipt;
  if (!receipt) throw new Error('the payment was not made');
  return receipt;
}

function partsOf(current: Harness): Parameters<typeof askTransactionStatus>[0] {
  return { db: current.db, client: current.client, source: current.receiver };
}

function flaggedInbox(current: Harness): number {
  return (current.db.prepare('SELECT COUNT(*) AS n FROM inbox WHERE flag IS NOT NULL').get() as { n: number }).n;
}

describe('askTransactionStatus', () => {
  it('answers a lookup of a receipt with what M-Pesa said, and ties the answer to the question', async () => {
    h = await harness({ customers: customersFor([worker(1)]) });
    const receipt = await paidReceipt(h);
    await h.engine.stop();
    const outcome = await askTransactionStatus(partsOf(h), {
      purpose: 'lookup',
      subjectId: null,
      about: { receipt },
      actor: 'wanjiru',
      remarks: 'Lookup',
      waitMs: 5000,
    });
    expect(outcome.kind).toBe('answered');
    if (outcome.kind !== 'answered') return;
    expect(outcome.answer).toMatchObject({
      resultCode: '0',
      transactionStatus: 'Completed',
      receipt,
      amountCents: 2500_00,
    });
    const lookup = lookupById(h.db, outcome.lookupId);
    expect(lookup).toMatchObject({
      purpose: 'lookup',
      receipt,
      resultCode: '0',
      inboxId: outcome.inboxId,
      askedBy: 'wanjiru',
    });
    const stored = h.db.prepare('SELECT applied, flag, reason FROM inbox WHERE id = ?').get(outcome.inboxId) as {
      applied: number;
      flag: string | null;
      reason: string;
    };
    expect(stored).toMatchObject({ applied: 1, flag: null });
    expect(stored.reason).toContain(`lookup of receipt ${receipt}`);
  });

  it('says M-Pesa has no such receipt without counting it as evidence or flagging it', async () => {
    h = await harness();
    const outcome = await askTransactionStatus(partsOf(h), {
      purpose: 'lookup',
      subjectId: null,
      about: { receipt: 'QZZ0000000' },
      actor: 'wanjiru',
      remarks: 'Lookup',
      waitMs: 5000,
    });
    expect(outcome.kind).toBe('answered');
    if (outcome.kind !== 'answered') return;
    expect(outcome.answer.resultCode).toBe('SFC_IC0003');
    expect(outcome.answer.receipt).toBeNull();
    expect(flaggedInbox(h)).toBe(0);
  });

  it('ties every copy of an answer to the question once while the engine runs, and pays nothing', async () => {
    h = await harness({ customers: customersFor([worker(1)]) });
    const receipt = await paidReceipt(h);
    h.sim.setFaults({ duplicateCallback: 1 });
    const paidBefore = h.sim.payments().length;
    const outcome = await askTransactionStatus(partsOf(h), {
      purpose: 'received_check',
      subjectId: 41,
      about: { receipt },
      actor: 'system',
      remarks: 'Check',
      waitMs: 5000,
    });
    expect(outcome.kind).toBe('answered');
    await h.sim.callbacksIdle();
    const answers = h.db
      .prepare(`SELECT applied, flag FROM inbox WHERE kind = 'status-result' ORDER BY id`)
      .all() as Array<{ applied: number; flag: string | null }>;
    expect(answers.length).toBeGreaterThanOrEqual(2);
    // The first copy answers the question; each later copy is recognised as a copy, not a work item.
    expect(answers.every((a) => a.applied === 1 && a.flag === null)).toBe(true);
    const lookupRows = h.db.prepare('SELECT COUNT(*) AS n FROM status_lookups WHERE answered_at IS NOT NULL').get() as {
      n: number;
    };
    expect(lookupRows.n).toBe(1);
    expect(h.sim.payments()).toHaveLength(paidBefore);
    expect(attempts(h.db)).toHaveLength(1);
  });

  it('says when M-Pesa refuses the question, and keeps the refusal with it', async () => {
    h = await harness();
    const outcome = await askTransactionStatus(partsOf(h), {
      purpose: 'lookup',
      subjectId: null,
      about: { receipt: 'not a receipt' },
      actor: 'wanjiru',
      remarks: 'Lookup',
      waitMs: 1000,
    });
    expect(outcome.kind).toBe('refused');
    expect(lookupById(h.db, outcome.lookupId)?.refused).toMatch(/\S/);
  });

  it("applies an answer that came before the question's own reply, once its ids are kept", async () => {
    // Daraja's answer outruns its synchronous reply: while the engine runs, the answer is stored
    // and flagged as for no question before Mshahara knows the question's ConversationID.
    const slowReply = (base: DarajaClient): DarajaClient =>
      Object.assign(Object.create(base) as DarajaClient, {
        transactionStatus: async (request: Parameters<DarajaClient['transactionStatus']>[0]) => {
          const reply = await base.transactionStatus(request);
          if (reply.kind !== 'accepted') return reply;
          const deadline = Date.now() + 8000;
          for (;;) {
            const flagged = h?.db
              .prepare(
                `SELECT id FROM inbox WHERE kind = 'status-result' AND flag = 'unmatched' AND instr(body, ?) > 0`,
              )
              .get(reply.value.conversationId);
            if (flagged !== undefined) return reply;
            if (Date.now() > deadline) throw new Error('the early answer was never flagged');
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
      });
    h = await harness({ client: slowReply });
    await h.engine.start();
    const outcome = await askTransactionStatus(partsOf(h), {
      purpose: 'lookup',
      subjectId: null,
      about: { receipt: 'QZZ0000001' },
      actor: 'wanjiru',
      remarks: 'Lookup',
      waitMs: 2000,
    });
    expect(outcome.kind).toBe('answered');
    if (outcome.kind !== 'answered') return;
    expect(outcome.answer).toMatchObject({ resultCode: 'SFC_IC0003', receipt: null });
    expect(lookupById(h.db, outcome.lookupId)).toMatchObject({ inboxId: outcome.inboxId, resultCode: 'SFC_IC0003' });
    expect(h.db.prepare('SELECT applied, flag FROM inbox WHERE id = ?').get(outcome.inboxId)).toEqual({
      applied: 1,
      flag: null,
    });
    expect(flaggedInbox(h)).toBe(0);
  });
});
