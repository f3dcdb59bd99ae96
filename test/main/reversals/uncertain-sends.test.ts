// What a reversal's later evidence may not undo: a refusal of a second send, a Result that names
// no receipt, and a "Completed" that arrives after a person recorded it as not reversed. Each
// would otherwise free the payment for a refund while M-Pesa had in fact sent the money back.
import { afterEach, describe, expect, it } from 'vitest';
import { DarajaClient } from '../../../src/main/daraja';
import { requestRefund } from '../../../src/main/refunds/refunds';
import { applyReversalEntry } from '../../../src/main/reversals/apply-result';
import { applyReversalStatusAnswer } from '../../../src/main/reversals/status-answer';
import { resolveReversal, sendReversal, type ReversalParts } from '../../../src/main/reversals/send';
import { moveReversal, reversalById, reversedOriginal } from '../../../src/main/reversals/store';
import type { TestPeople } from '../../helpers/people';
import type { Harness, HarnessOptions } from '../payroll/engine/harness';
import { askedAndApproved, customer, reversalHarness, receivedPayment, reversalRows, waitFor } from './support';

let h: Harness | undefined;
const extraClients: DarajaClient[] = [];
afterEach(async () => {
  for (const client of extraClients.splice(0)) await client.close();
  await h?.close();
  h = undefined;
});

const options = { resultWaitMs: 1500, statusWaitMs: 3000 };

async function setUp(extra: HarnessOptions = {}): Promise<{ h: Harness; people: TestPeople; parts: ReversalParts }> {
  const opened = await reversalHarness(extra);
  h = opened.h;
  return opened;
}

function refundRefused(current: Harness, people: TestPeople, receipt: string): boolean {
  try {
    requestRefund(
      current.db,
      { receipt, amountCents: 100_00, reason: 'Part back', phone: null },
      { name: people.admin.username, accountId: people.admin.accountId },
    );
    return false;
  } catch {
    return true;
  }
}

describe('a reversal whose first send may have gone through', () => {
  it('is not called failed when M-Pesa refuses a second send: a person decides, and no refund is let through', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 600_00);
    h.sim.setFaults({ errorAfter: 1, dropCallback: 1 });
    const id = askedAndApproved(h, people, transactionId);
    expect(await sendReversal(parts, id, people.approver.username, options)).toMatchObject({ state: 'unknown' });
    // M-Pesa reversed it on the first send; the second send is refused for another reason (the
    // initiator's password, here), which says nothing about the first.
    expect(h.sim.reversals().filter((r) => r.originalReceipt === receipt)).toHaveLength(1);
    h.sim.setFaults({ errorAfter: 0, dropCallback: 0 });
    const refusing = new DarajaClient({
      name: 'wrong-initiator',
      baseUrl: h.sim.baseUrl,
      ...h.sim.credentials,
      initiatorPassword: 'not the password',
      certificatePem: h.sim.certificatePem,
    });
    extraClients.push(refusing);
    const after = await resolveReversal(
      { ...parts, client: refusing },
      id,
      people.approver,
      { kind: 'send_again' },
      options,
    );
    expect(after.state).not.toBe('failed');
    expect(after).toMatchObject({ needsAttention: true });
    // The person is told it may have been reversed, never that it was not.
    expect(after.attentionReason).toMatch(/may (or may not )?have (been )?reversed/);
    expect(refundRefused(h, people, receipt)).toBe(true);
    expect(h.sim.reversals().filter((r) => r.originalReceipt === receipt)).toHaveLength(1);
  });

  it('counts a Result with ResultCode 0 and no receipt as reversed, its receipt to be found on the statement', async () => {
    const { h, people, parts } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 700_00);
    h.sim.setFaults({ dropCallback: 1 });
    const id = askedAndApproved(h, people, transactionId);
    const sent = await sendReversal(parts, id, people.approver.username, { ...options, statusWaitMs: 1 });
    expect(sent.conversationId).not.toBeNull();
    // M-Pesa's Result without ResultParameters or a TransactionID (REFERENCE §5's 2017 sample).
    const posted = await fetch(h.receiver.callbackUrl('reversal-result'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Result: {
          ResultType: 0,
          ResultCode: 0,
          ResultDesc: 'The service request is processed successfully.',
          OriginatorConversationID: sent.darajaOriginatorId,
          ConversationID: sent.conversationId,
        },
      }),
    });
    expect(posted.ok).toBe(true);
    const entry = await waitFor(
      'the Result',
      () =>
        h.db.prepare(`SELECT id FROM inbox WHERE kind = 'reversal-result' ORDER BY id DESC LIMIT 1`).get() as
          { id: number } | undefined,
    );
    applyReversalEntry(h.db, entry.id, new Date().toISOString());
    const reversal = reversalById(h.db, id);
    expect(reversal?.state).toBe('succeeded');
    expect(reversedOriginal(h.db, transactionId)).toMatchObject({ via: 'api', reversalTransactionId: null });
    expect(reversalRows(h.db)).toHaveLength(0);
    expect(refundRefused(h, people, receipt)).toBe(true);
  });

  it('records a "Completed" that arrives after a person recorded it as not reversed, and holds refunds', async () => {
    const { h, people } = await setUp();
    const { transactionId, receipt } = await receivedPayment(h, 800_00);
    const id = askedAndApproved(h, people, transactionId);
    const now = new Date().toISOString();
    moveReversal(h.db, id, 'sending', now, { requestId: 'mshahara-test-1', sent: true });
    moveReversal(h.db, id, 'unknown', now, {});
    expect(moveReversal(h.db, id, 'failed', now, { resultCode: 'person', outcomeWords: 'Not reversed' })).toBe(true);
    expect(refundRefused(h, people, receipt)).toBe(false);
    const answerEntry = Number(
      h.db
        .prepare(`INSERT INTO inbox (received_at, source, kind, body) VALUES (?, 'loopback', 'status-result', '{}')`)
        .run(now).lastInsertRowid,
    );
    const applied = h.db.transaction(() =>
      applyReversalStatusAnswer(
        h.db,
        id,
        {
          resultCode: '0',
          resultDesc: 'The service request is processed successfully.',
          transactionStatus: 'Completed',
          receipt: 'RVS0000001',
          amountCents: 800_00,
          debitPartyName: '600992 - Mshahara',
          creditPartyName: `${customer.msisdn} - ${customer.name}`,
          creditPartyMsisdn: customer.msisdn,
          reasonType: 'Reversal',
          initiatedAt: now,
          finalisedAt: now,
          transactionOriginatorConversationId: null,
        },
        answerEntry,
        now,
      ),
    )();
    expect(applied).toBe(true);
    expect(reversalRows(h.db)).toMatchObject([{ receipt: 'RVS0000001', amount_cents: 800_00 }]);
    expect(reversalById(h.db, id)).toMatchObject({ needsAttention: true });
    expect(refundRefused(h, people, receipt)).toBe(true);
  });
});
