// A reversal sent more than once, and evidence that arrives before Mshahara knows what it answers:
// the Result of a second send (R000001 "already reversed", naming no original) settles the
// reversal; a Result faster than the request's own answer is applied once the ids are kept; a
// person sends again only what is on the work list; a Transaction Status answer counts as a
// reversal only for a reversal of the original's amount; and a refund failed on a person's word
// holds a reversal while its money may still move.
import { afterEach, describe, expect, it } from 'vitest';
import type { DarajaClient } from '../../../src/main/daraja';
import { listAttention } from '../../../src/main/payroll/engine/attention';
import { refundView } from '../../../src/main/refunds/read';
import { requestRefund } from '../../../src/main/refunds/refunds';
import { approveAndSend } from '../../../src/main/refunds/send';
import { applyReversalStatusAnswer } from '../../../src/main/reversals/status-answer';
import { requestReversal } from '../../../src/main/reversals/requests';
import { recoverReversals, resolveReversal, sendReversal, type ReversalParts } from '../../../src/main/reversals/send';
import { moveReversal, reversalById, reversedOriginal } from '../../../src/main/reversals/store';
import type { StatusAnswer } from '../../../src/main/lookups/status-lookups';
import { seedPeople, type TestPeople } from '../../helpers/people';
import { harness, type Harness, type HarnessOptions } from '../payroll/engine/harness';
import { received } from '../refunds/received';
import {
  askedAndApproved,
  customer,
  reversalHarness,
  receivedPayment,
  recordReceived,
  reversalRows,
  waitFor,
} from './support';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const options = { resultWaitMs: 1500, statusWaitMs: 1500 };

async function setUp(extra: HarnessOptions = {}): Promise<{ h: Harness; people: TestPeople; parts: ReversalParts }> {
  const opened = await reversalHarness(extra);
  h = opened.h;
  return opened;
}

function inboxOf(current: Harness, kind: string): Array<{ id: number; applied: number; flag: string | null }> {
  return current.db.prepare('SELECT id, applied, flag FROM inbox WHERE kind = ? ORDER BY id').all(kind) as Array<{
    id: number;
    applied: number;
    flag: string | null;
  }>;
}

describe('sending a reversal again after its first send was accepted', () => {
  it('settles on the second send\'s "already reversed", and M-Pesa reversed it once', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 640_00);
    // M-Pesa takes the first send and reverses it, but its Result and every status answer are lost.
    h.sim.setFaults({ dropCallback: 1 });
    const id = askedAndApproved(h, people, transactionId);
    const first = await sendReversal(parts, id, people.approver.username, options);
    expect(first).toMatchObject({ state: 'unknown', needsAttention: true });
    expect(first.conversationId).not.toBeNull();
    expect(h.sim.reversals().filter((r) => r.originalReceipt === receipt)).toHaveLength(1);
    // Callbacks come again, but Transaction Status only answers about the question (REFERENCE §15.13).
    h.sim.setFaults({ dropCallback: 0, statusUnavailable: 1 });
    const again = await resolveReversal(parts, id, people.approver, { kind: 'send_again' }, options);
    expect(again).toMatchObject({ state: 'succeeded', alreadyReversed: true, resultCode: 'R000001', sends: 2 });
    expect(again.needsAttention).toBe(false);
    expect(h.sim.reversals().filter((r) => r.originalReceipt === receipt)).toHaveLength(1);
    expect(reversedOriginal(h.db, transactionId)).toMatchObject({ via: 'already_reversed', reversalId: id });
    expect(reversalRows(h.db)).toHaveLength(0);
    // The second send's Result was applied, not left flagged for no reversal.
    expect(inboxOf(h, 'reversal-result').filter((e) => e.flag !== null)).toEqual([]);
  });

  it("applies a Result that came before the request's own answer once its ids are kept", async () => {
    // Daraja's Result outruns its synchronous answer: the answer reaches Mshahara only after the
    // Result was stored (and, knowing no ids yet, flagged as for no reversal).
    const slowAnswer = (base: DarajaClient): DarajaClient =>
      Object.assign(Object.create(base) as DarajaClient, {
        reversal: async (request: Parameters<DarajaClient['reversal']>[0]) => {
          const answer = await base.reversal(request);
          await waitFor('the Result flagged before the answer', () =>
            h === undefined ? undefined : inboxOf(h, 'reversal-result').find((e) => e.flag === 'unmatched'),
          );
          return answer;
        },
      });
    const { h: current, people, parts } = await setUp({ client: slowAnswer });
    // A receipt M-Pesa does not know: its R000002 names no original.
    const paid = recordReceived(current.db, 'QZZ0000009', 400_00, customer.msisdn, null);
    const id = askedAndApproved(current, people, paid);
    const done = await sendReversal(parts, id, people.approver.username, options);
    expect(done).toMatchObject({ state: 'failed', resultCode: 'R000002', needsAttention: false });
    expect(inboxOf(current, 'reversal-result')).toEqual([expect.objectContaining({ applied: 1, flag: null })]);
    expect(current.sim.reversals()).toHaveLength(0);
  });
});

describe('evidence kept before a restart', () => {
  it("applies at the next start a Result flagged before its send's ids were kept", async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 520_00);
    const id = askedAndApproved(h, people, transactionId);
    h.sim.setFaults({ dropCallback: 1 });
    const first = await sendReversal(parts, id, people.approver.username, { ...options, statusWaitMs: 1 });
    expect(first).toMatchObject({ state: 'unknown', needsAttention: true });
    h.sim.setFaults({ dropCallback: 0, statusUnavailable: 1 });
    // Sent again, and Mshahara stopped after its Result was flagged but before the ids were kept:
    // what a crash between the two leaves.
    const conversationId = 'AG_20261201_00000restart';
    const originatorId = 'f00d-4c34-8787-restart';
    const at = new Date().toISOString();
    expect(moveReversal(h.db, id, 'sending', at, { sent: true, needsAttention: false, attentionReason: null })).toBe(
      true,
    );
    h.db.prepare('INSERT INTO reversal_sends (reversal_id, send, sent_at) VALUES (?, 2, ?)').run(id, at);
    const entry = Number(
      h.db
        .prepare(
          `INSERT INTO inbox (received_at, source, kind, body, flag, reason) VALUES (?, 'loopback', 'reversal-result', ?, 'unmatched', 'no reversal')`,
        )
        .run(
          at,
          JSON.stringify({
            Result: {
              ResultType: 0,
              ResultCode: 'R000001',
              ResultDesc: 'The transaction has already been reversed.',
              OriginatorConversationID: originatorId,
              ConversationID: conversationId,
              TransactionID: 'SKE0000000',
            },
          }),
        ).lastInsertRowid,
    );
    h.db
      .prepare(
        'UPDATE reversal_sends SET conversation_id = ?, daraja_originator_id = ? WHERE reversal_id = ? AND send = 2',
      )
      .run(conversationId, originatorId, id);
    await recoverReversals(parts, options);
    expect(reversalById(h.db, id)).toMatchObject({ state: 'succeeded', alreadyReversed: true, resultCode: 'R000001' });
    expect(h.db.prepare('SELECT applied, flag FROM inbox WHERE id = ?').get(entry)).toEqual({ applied: 1, flag: null });
    expect(h.sim.reversals().filter((r) => r.originalReceipt === receipt)).toHaveLength(1);
  });

  it('puts on the work list at a start a sent reversal that already had words but was never settled', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId } = await receivedPayment(h, 540_00);
    const id = askedAndApproved(h, people, transactionId);
    const at = new Date().toISOString();
    // Taken by M-Pesa, then a status answer of another amount gave it words; Mshahara stopped there.
    moveReversal(h.db, id, 'sending', at, { requestId: 'MSHR-test-words', sent: true });
    moveReversal(h.db, id, 'accepted', at, { needsAttention: true, attentionReason: 'Transaction Status says …' });
    await expect(resolveReversal(parts, id, people.approver, { kind: 'send_again' }, options)).rejects.toThrow(
      /waiting for M-Pesa/,
    );
    await recoverReversals(parts, options);
    const after = reversalById(h.db, id);
    expect(after).toMatchObject({ state: 'unknown', needsAttention: true, sends: 1 });
    expect(h.sim.reversals()).toHaveLength(0);
  });

  it('leaves flagged a Result that names only an original, for a reversal asked after it', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 530_00);
    const at = new Date().toISOString();
    // An old success Result about this original, from no request of Mshahara's.
    const entry = Number(
      h.db
        .prepare(
          `INSERT INTO inbox (received_at, source, kind, body, flag, reason) VALUES (?, 'loopback', 'reversal-result', ?, 'unmatched', 'no reversal')`,
        )
        .run(
          at,
          JSON.stringify({
            Result: {
              ResultType: 0,
              ResultCode: 0,
              ResultDesc: 'The service request is processed successfully.',
              OriginatorConversationID: 'old-1',
              ConversationID: 'AG_20261101_old',
              TransactionID: 'SKE0000001',
              ResultParameters: {
                ResultParameter: [
                  { Key: 'Amount', Value: 530 },
                  { Key: 'OriginalTransactionID', Value: receipt },
                  { Key: 'TransCompletedTime', Value: 20261101120000 },
                ],
              },
            },
          }),
        ).lastInsertRowid,
    );
    const id = requestReversal(h.db, { transactionId, reason: 'Asked later' }, people.admin).id;
    await recoverReversals(parts, options);
    expect(reversalById(h.db, id)?.state).toBe('draft');
    expect(h.db.prepare('SELECT applied, flag FROM inbox WHERE id = ?').get(entry)).toEqual({
      applied: 0,
      flag: 'unmatched',
    });
    expect(reversalRows(h.db)).toHaveLength(0);
  });
});

describe('a Transaction Status answer of another amount, against the simulator', () => {
  it('is not counted; the person sends again and M-Pesa says "already reversed"', async () => {
    // A Daraja that reverses what it is asked, and a request that (by some fault) asked for half.
    const halving = (base: DarajaClient): DarajaClient =>
      Object.assign(Object.create(base) as DarajaClient, {
        reversal: (request: Parameters<DarajaClient['reversal']>[0]) =>
          base.reversal({ ...request, amountCents: Math.floor(Number(request.amountCents) / 200) * 100 }),
      });
    const { h, people, parts } = await setUp({ faults: { reversalAmount: 'as-asked' }, client: halving });
    const { transactionId, receipt } = await receivedPayment(h, 1000_00);
    const id = askedAndApproved(h, people, transactionId);
    // The Result is lost; Transaction Status answers about a reversal of KES 500.00.
    h.sim.setFaults({ dropCallback: 1 });
    const sent = sendReversal(parts, id, people.approver.username, options);
    await new Promise((resolve) => setTimeout(resolve, 400));
    h.sim.setFaults({ dropCallback: 0 });
    const checked = await sent;
    expect(checked).toMatchObject({ state: 'unknown', needsAttention: true });
    expect(checked.attentionReason).toMatch(/KES 500\.00, but the original payment was KES 1,000\.00/);
    expect(reversalRows(h.db)).toHaveLength(0);
    const again = await resolveReversal(parts, id, people.approver, { kind: 'send_again' }, options);
    expect(again).toMatchObject({ state: 'succeeded', alreadyReversed: true });
    expect(h.sim.reversals().filter((r) => r.originalReceipt === receipt)).toHaveLength(1);
  });
});

describe('who may send a reversal again', () => {
  it('refuses while a sent reversal waits for its Result, and sends nothing', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 500_00);
    const id = askedAndApproved(h, people, transactionId);
    const at = new Date().toISOString();
    // Sent and taken by M-Pesa; its Result is awaited (a slow queue), nobody has put it on the work list.
    moveReversal(h.db, id, 'sending', at, { requestId: 'MSHR-test-accepted', sent: true });
    moveReversal(h.db, id, 'accepted', at, { conversationId: 'AG_20261201_0000test', darajaOriginatorId: 'x-1' });
    await expect(resolveReversal(parts, id, people.approver, { kind: 'send_again' }, options)).rejects.toThrow(
      /waiting for M-Pesa/,
    );
    // A queue timeout made it unknown, but evidence is still being looked for: not yet a person's.
    moveReversal(h.db, id, 'unknown', at);
    await expect(resolveReversal(parts, id, people.approver, { kind: 'send_again' }, options)).rejects.toThrow(
      /waiting for M-Pesa/,
    );
    await expect(sendReversal(parts, id, people.approver.username, options)).rejects.toThrow(/cannot be sent now/);
    expect(h.sim.reversals().filter((r) => r.originalReceipt === receipt)).toHaveLength(0);
    expect(reversalById(h.db, id)?.sends).toBe(1);
  });
});

describe('a Transaction Status answer about a reversal', () => {
  const completed = (over: Partial<StatusAnswer>): StatusAnswer => ({
    resultCode: '0',
    resultDesc: 'The service request is processed successfully.',
    transactionStatus: 'Completed',
    receipt: 'RVS0000077',
    amountCents: 900_00,
    debitPartyName: '600992 - Mshahara',
    creditPartyName: `${customer.msisdn} - ${customer.name}`,
    creditPartyMsisdn: customer.msisdn,
    reasonType: 'Reversal',
    initiatedAt: null,
    finalisedAt: null,
    transactionOriginatorConversationId: null,
    ...over,
  });

  async function sentUnknown(): Promise<{ current: Harness; id: number; transactionId: number; entry: number }> {
    const { h: current, people } = await setUp();
    const transactionId = recordReceived(current.db, 'QRC0000077', 900_00, customer.msisdn, null);
    const id = askedAndApproved(current, people, transactionId);
    const at = new Date().toISOString();
    moveReversal(current.db, id, 'sending', at, { requestId: 'MSHR-test-status', sent: true });
    moveReversal(current.db, id, 'unknown', at);
    const entry = Number(
      current.db
        .prepare(`INSERT INTO inbox (received_at, source, kind, body) VALUES (?, 'loopback', 'status-result', '{}')`)
        .run(at).lastInsertRowid,
    );
    return { current, id, transactionId, entry };
  }

  for (const [what, answer, words] of [
    ['another kind of payment', { reasonType: 'Business Payment to Customer via API' }, /not a reversal/],
    ['no kind at all', { reasonType: null }, /not a reversal/],
    ['another amount', { amountCents: 450_00 }, /KES 450\.00/],
    ['no amount', { amountCents: null }, /did not say how much/],
  ] as const) {
    it(`is not counted as reversed when it names ${what}: a person is told why`, async () => {
      const { current, id, transactionId, entry } = await sentUnknown();
      const now = new Date().toISOString();
      const counted = current.db.transaction(() =>
        applyReversalStatusAnswer(current.db, id, completed(answer), entry, now),
      )();
      expect(counted).toBe(false);
      expect(reversalRows(current.db)).toHaveLength(0);
      expect(reversedOriginal(current.db, transactionId)).toBeNull();
      const after = reversalById(current.db, id);
      expect(after).toMatchObject({ state: 'unknown', needsAttention: true });
      expect(after?.attentionReason).toMatch(words);
      expect(after?.attentionReason).toMatch(/statement/);
    });
  }

  it('counts a completed reversal of the original amount', async () => {
    const { current, id, transactionId, entry } = await sentUnknown();
    const now = new Date().toISOString();
    expect(current.db.transaction(() => applyReversalStatusAnswer(current.db, id, completed({}), entry, now))()).toBe(
      true,
    );
    expect(reversalRows(current.db)).toMatchObject([{ receipt: 'RVS0000077', amount_cents: 900_00 }]);
    expect(reversedOriginal(current.db, transactionId)).not.toBeNull();
  });
});

describe("a refund recorded failed on a person's word", () => {
  it('holds a reversal: M-Pesa paid the refund, so a reversal would send the money back twice', async () => {
    const payer = '254722000333';
    // The refund's payment waits at the door until the faults are on (the float check comes first).
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated = (base: DarajaClient): DarajaClient =>
      Object.assign(Object.create(base) as DarajaClient, {
        b2cPayment: async (request: Parameters<DarajaClient['b2cPayment']>[0]) => {
          await gate;
          return base.b2cPayment(request);
        },
      });
    h = await harness({
      customers: [{ msisdn: payer, name: 'NICHOLAS SONGOK' }],
      client: gated,
      engine: { resultTimeoutMs: 200, statusQueryRate: 50, maxStatusQueries: 2 },
    });
    const people = await seedPeople(h.db);
    const original = received(h.db, { kind: 'stk_payment', phone: payer, amountCents: 2000_00 });
    const refundId = requestRefund(
      h.db,
      { transactionId: original.id, amountCents: 700_00, reason: 'Charged twice', phone: null },
      { name: people.admin.username, accountId: people.admin.accountId },
    );
    await h.engine.start();
    const approver = { name: people.approver.username, accountId: people.approver.accountId };
    expect(await approveAndSend(h.db, h.engine, refundId, approver)).toMatchObject({ sent: true });
    // M-Pesa pays the refund; its answer, its Result and every status answer are lost.
    h.sim.setFaults({ errorAfter: 1, dropCallback: 1 });
    open();
    const itemId = refundView(h.db, refundId).itemId;
    await waitFor('the refund on the work list', () => listAttention(h!.db).find((a) => a.itemId === itemId), 20_000);
    await h.engine.resolveItem(itemId, { outcome: 'failed', reason: 'Customer says nothing came' }, 'baraka');
    expect(refundView(h.db, refundId).state).toBe('failed');
    expect(h.sim.payments().filter((p) => p.party === payer)).toHaveLength(1);
    expect(() =>
      requestReversal(h!.db, { transactionId: original.id, reason: 'Customer asked for all of it' }, people.admin),
    ).toThrow(new RegExp(`Refund #${refundId}`));
  }, 30_000);
});
