// Received money for reversal tests: a customer pays the business through the simulator's C2B
// simulate (so M-Pesa knows the collection), and the ledger row is written from the confirmation
// the loopback receiver stored, the way the ledger records received money.
import { expect } from 'vitest';
import type { ProfileDatabase } from '../../../src/main/db';
import { recordTransaction } from '../../../src/main/ledger/transactions';
import { approveReversal, requestReversal } from '../../../src/main/reversals/requests';
import type { ReversalParts } from '../../../src/main/reversals/send';
import { seedPeople, type TestPeople } from '../../helpers/people';
import { harness, type Harness, type HarnessOptions } from '../payroll/engine/harness';

export const customer = { msisdn: '254711000111', name: 'AKINYI OTIENO' };

/** A harness whose payout engine is stopped (the reversal code under test drives itself), with the test people. */
export async function reversalHarness(
  extra: HarnessOptions = {},
): Promise<{ h: Harness; people: TestPeople; parts: ReversalParts }> {
  const h = await harness({ customers: [customer], ...extra });
  await h.engine.stop();
  const people = await seedPeople(h.db);
  return { h, people, parts: { db: h.db, client: h.client, source: h.receiver } };
}

/** Asked by the admin, approved by an approver: answers the reversal's id, ready to send. */
export function askedAndApproved(current: Harness, people: TestPeople, transactionId: number): number {
  const reversal = requestReversal(current.db, { transactionId, reason: 'Paid twice by mistake' }, people.admin);
  expect(approveReversal(current.db, reversal.id, people.approver).kind).toBe('approved');
  return reversal.id;
}

async function waitFor<T>(what: string, find: () => T | undefined, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export { waitFor };

/** The customer pays `amountCents` by Pay Bill; answers the ledger row's id and the receipt. */
export async function receivedPayment(
  h: Harness,
  amountCents: number,
  msisdn = customer.msisdn,
): Promise<{ transactionId: number; receipt: string }> {
  const registered = await h.client.registerC2bUrls(
    {
      responseType: 'Completed',
      confirmationUrl: h.receiver.callbackUrl('c2b-confirmation'),
      validationUrl: h.receiver.callbackUrl('c2b-validation'),
    },
    'v1',
  );
  if (registered.kind !== 'accepted') throw new Error(`C2B registration refused: ${registered.kind}`);
  const before = (h.db.prepare(`SELECT coalesce(max(id), 0) AS n FROM inbox`).get() as { n: number }).n;
  const paid = await h.client.simulateC2b({ amountCents, msisdn, billRefNumber: 'INV-1' });
  if (paid.kind !== 'accepted') throw new Error(`C2B simulate refused: ${paid.kind}`);
  const entry = await waitFor(
    'the C2B confirmation',
    () =>
      h.db
        .prepare(`SELECT id, body FROM inbox WHERE kind = 'c2b-confirmation' AND id > ? ORDER BY id LIMIT 1`)
        .get(before) as { id: number; body: string } | undefined,
  );
  const body = JSON.parse(entry.body) as { TransID: string; TransTime: string };
  return { transactionId: recordReceived(h.db, body.TransID, amountCents, msisdn, entry.id), receipt: body.TransID };
}

export function recordReceived(
  db: ProfileDatabase,
  receipt: string,
  amountCents: number,
  msisdn: string,
  inboxId: number | null,
): number {
  return db
    .transaction(() => {
      const row = recordTransaction(db, {
        receipt,
        occurredAt: new Date().toISOString(),
        direction: 'in',
        kind: 'c2b_payment',
        status: 'completed',
        amountCents,
        phone: msisdn,
        partyName: customer.name,
        partyDisplay: msisdn,
        accountReference: 'INV-1',
        inboxId,
        source: 'c2b_confirmation',
      });
      if (inboxId !== null)
        db.prepare(`UPDATE inbox SET applied = 1, reason = 'received money', processed_at = ? WHERE id = ?`).run(
          new Date().toISOString(),
          inboxId,
        );
      return row.id;
    })
    .immediate();
}

export interface ReversalLedgerRow {
  id: number;
  receipt: string | null;
  amount_cents: number;
  direction: string;
  reversal_id: number | null;
  source: string;
}

export function reversalRows(db: ProfileDatabase): ReversalLedgerRow[] {
  return db
    .prepare(
      `SELECT id, receipt, amount_cents, direction, reversal_id, source FROM transactions WHERE kind = 'reversal' ORDER BY id`,
    )
    .all() as ReversalLedgerRow[];
}
