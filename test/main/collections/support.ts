// Money-in tests share one setup: the engine harness (a profile database, the simulator over HTTP,
// the loopback receiver, a Daraja client) with a money-in worker on a quick schedule, and C2B URLs
// registered to the loopback receiver so customers' Pay Bill payments arrive.
import type { ProfileDatabase } from '../../../src/main/db';
import { requestPayment, type PaymentRequestInput } from '../../../src/main/collections/request-payment';
import type { CollectionRequest } from '../../../src/main/collections/requests';
import { MoneyInWorker, type MoneyInSchedule } from '../../../src/main/collections/worker';
import { harness, type Harness, type HarnessOptions } from '../payroll/engine/harness';

export const quickSchedule: Partial<MoneyInSchedule> = {
  stkQueryGapsMs: [400, 300, 300, 300],
  checkGapsMs: [200, 200],
  checkWaitMs: 3000,
  stkQueriesPerMinute: 60,
  checksPerMinute: 60,
};

export interface MoneyInHarness extends Harness {
  worker: MoneyInWorker;
  newWorker(schedule?: Partial<MoneyInSchedule>): MoneyInWorker;
  request(input: Partial<PaymentRequestInput> & { phone: string }): Promise<CollectionRequest>;
  /** A customer pays the Pay Bill (POST /simulator/c2b/pay); answers the receipt. */
  customerPays(msisdn: string, amountKes: number, accountNumber?: string): Promise<string>;
}

export async function moneyInHarness(
  options: HarnessOptions & { schedule?: Partial<MoneyInSchedule>; registerC2b?: boolean } = {},
): Promise<MoneyInHarness> {
  const h = await harness({ ...options, faults: { callbackDelayMs: { min: 20, max: 60 }, ...options.faults } });
  const workers: MoneyInWorker[] = [];
  const newWorker = (schedule: Partial<MoneyInSchedule> = {}): MoneyInWorker => {
    const worker = new MoneyInWorker({
      db: h.db,
      client: h.client,
      source: h.receiver,
      shortcodes: [h.sim.credentials.shortcode, h.sim.credentials.stkShortcode],
      schedule: { ...quickSchedule, ...options.schedule, ...schedule },
    });
    workers.push(worker);
    return worker;
  };
  const worker = newWorker();
  if (options.registerC2b !== false) {
    const registered = await h.client.registerC2bUrls(
      {
        responseType: 'Completed',
        confirmationUrl: h.receiver.callbackUrl('c2b-confirmation'),
        validationUrl: h.receiver.callbackUrl('c2b-validation'),
      },
      'v2',
    );
    if (registered.kind !== 'accepted') throw new Error('C2B URLs were not registered');
  }
  return {
    ...h,
    worker,
    newWorker,
    request: (input) =>
      requestPayment(
        { db: h.db, client: h.client, source: h.receiver, firstQueryAfterMs: quickSchedule.stkQueryGapsMs?.[0] ?? 400 },
        { amountCents: 150_00, accountReference: 'INV-22', actor: 'wanjiru', ...input },
      ),
    customerPays: async (msisdn, amountKes, accountNumber = 'ACC-1') => {
      const answer = await fetch(`${h.sim.baseUrl}/simulator/c2b/pay`, {
        method: 'POST',
        body: JSON.stringify({ msisdn, amount: amountKes, accountNumber }),
      });
      const body = (await answer.json()) as { receipt?: string; error?: string };
      if (body.receipt === undefined) throw new Error(body.error ?? 'no receipt');
      return body.receipt;
    },
    close: async () => {
      for (const w of workers) await w.stop();
      await h.close();
    },
  };
}

/** Polls until `check` answers something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface ReceivedRow {
  id: number;
  receipt: string;
  kind: string;
  source: string;
  amount_cents: number;
  phone: string | null;
  party_display: string | null;
  account_reference: string | null;
}

export function receivedRows(db: ProfileDatabase): ReceivedRow[] {
  return db
    .prepare(
      `SELECT id, receipt, kind, source, amount_cents, phone, party_display, account_reference FROM transactions WHERE direction = 'in' ORDER BY id`,
    )
    .all() as ReceivedRow[];
}

export function inboxOf(
  db: ProfileDatabase,
  kind: string,
): Array<{ id: number; applied: number; flag: string | null; reason: string | null }> {
  return db.prepare('SELECT id, applied, flag, reason FROM inbox WHERE kind = ? ORDER BY id').all(kind) as Array<{
    id: number;
    applied: number;
    flag: string | null;
    reason: string | null;
  }>;
}

/** POSTs a body to the loopback receiver as if Daraja sent it (a forged callback). */
export async function postCallback(h: Harness, kind: 'stk' | 'c2b-confirmation', body: unknown): Promise<void> {
  const answer = await fetch(h.receiver.callbackUrl(kind), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (answer.status !== 200) throw new Error(`the receiver answered ${answer.status}`);
}
