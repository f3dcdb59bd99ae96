// `collect` asks a customer to pay and waits for their answer: the receipt when they pay (one
// ledger row, by the simulator's record), their answer in words and exit 1 when they do not;
// only an admin may ask. `collections list` shows it, and `c2b register` says what M-Pesa answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { profileDatabasePath } from '../../../src/main/profiles';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { cli, freshDataFolderEachTest, seedCliPeople, signedIn } from './cli-helpers';

const folder = freshDataFolderEachTest();
const run = (argv: string[]) => cli(argv, { secrets: folder.secrets, env: signedIn });
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 5, openRegistry: true, faults: { callbackDelayMs: { min: 5, max: 30 } } });
});
afterAll(async () => {
  await simulator.close();
});

async function demoProfile(): Promise<void> {
  expect((await run(['init', '--profile', 'demo', '--kind', 'demo', '--base-url', simulator.baseUrl])).code).toBe(0);
  await seedCliPeople();
}

describe('collect', () => {
  it('prints the receipt once the customer pays, recorded once', async () => {
    await demoProfile();
    const result = await run([
      'collect',
      '--phone',
      '0711 222 331',
      '--amount',
      '250',
      '--reference',
      'SUB-NOV',
      '--user',
      'wanjiru',
      '--base-url',
      simulator.baseUrl,
    ]);
    expect(result.code).toBe(0);
    const paid = simulator.collections().filter((c) => c.msisdn === '254711222331');
    expect(paid).toHaveLength(1);
    expect(result.out.trim()).toBe(paid[0]?.receipt);
    expect(result.err).toMatch(/Paid: receipt/);
    const db = openDatabase(profileDatabasePath('demo'));
    try {
      expect(
        db.prepare(`SELECT receipt, kind, amount_cents, phone, account_reference FROM transactions`).all(),
      ).toEqual([
        {
          receipt: paid[0]?.receipt,
          kind: 'stk_payment',
          amount_cents: 250_00,
          phone: '254711222331',
          account_reference: 'SUB-NOV',
        },
      ]);
    } finally {
      closeDatabase(db);
    }
    const listed = await run(['collections', 'list', '--json', '--user', 'chebet']);
    expect(listed.code).toBe(0);
    const overview = JSON.parse(listed.out) as { requests: Array<{ state: string; receipt: string }> };
    expect(overview.requests).toEqual([expect.objectContaining({ state: 'paid', receipt: paid[0]?.receipt })]);
  });

  it('says in words that the customer cancelled, and exits 1', async () => {
    await demoProfile();
    const result = await run([
      'collect',
      '--phone',
      '0711222336',
      '--amount',
      '100',
      '--reference',
      'SUB-NOV',
      '--json',
      '--user',
      'wanjiru',
      '--base-url',
      simulator.baseUrl,
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toMatchObject({ state: 'declined', status: 'The customer cancelled the prompt.' });
  });

  it('lists a payment that came after M-Pesa said declined with the words for a person', async () => {
    await demoProfile();
    const words =
      'M-Pesa first said the customer did not pay (The customer cancelled the prompt), then that they paid with receipt UL2URWOR1J. The money is recorded as received; check with the customer.';
    const db = openDatabase(profileDatabasePath('demo'));
    try {
      db.prepare(
        `INSERT INTO collection_requests (phone, amount_cents, account_reference, description, asked_by, asked_at, state, receipt, attention, updated_at)
         VALUES ('254711222336', 10000, 'SUB-NOV', 'SUB-NOV', 'wanjiru', '2026-12-01T10:00:00Z', 'paid', 'UL2URWOR1J', ?, '2026-12-01T10:00:00Z')`,
      ).run(words);
    } finally {
      closeDatabase(db);
    }
    const listed = await run(['collections', 'list', '--user', 'chebet']);
    expect(listed.code).toBe(0);
    expect(listed.out.replace(/\s+/g, ' ')).toContain(`Paid: receipt UL2URWOR1J. Look at this: ${words}`);
    const json = JSON.parse((await run(['collections', 'list', '--json', '--user', 'chebet'])).out) as {
      requests: Array<{ attention: string | null; canAskAgain: boolean }>;
    };
    expect(json.requests).toEqual([expect.objectContaining({ attention: words, canAskAgain: false })]);

    // An auditor only reads; the accountant marks it checked with what they found.
    const auditor = await run(['collections', 'checked', '1', '--note', 'Looked', '--user', 'daudi']);
    expect(auditor.code).not.toBe(0);
    expect(auditor.err).toMatch(/admin or accountant|accountant/i);
    const checked = await run(['collections', 'checked', '1', '--note', 'One payment only', '--user', 'chebet']);
    expect(checked.code).toBe(0);
    expect(checked.out).toContain('Payment request #1 marked as checked: Paid: receipt UL2URWOR1J');
    const after = JSON.parse((await run(['collections', 'list', '--json', '--user', 'chebet'])).out) as {
      requests: Array<{ attention: string | null }>;
    };
    expect(after.requests).toEqual([expect.objectContaining({ attention: null })]);
    const again = await run(['collections', 'checked', '1', '--note', 'Again', '--user', 'chebet']);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('nothing waiting for a look');
  });

  it('lists a prompt M-Pesa could not confirm, and settles it with a note', async () => {
    await demoProfile();
    const body = JSON.stringify({
      Body: {
        stkCallback: {
          MerchantRequestID: 'not-ours-1',
          CheckoutRequestID: 'ws_CO_NOTOURS1',
          ResultCode: 0,
          ResultDesc: 'The service request is processed successfully.',
          CallbackMetadata: {
            Item: [
              { Name: 'Amount', Value: 150 },
              { Name: 'MpesaReceiptNumber', Value: 'UL2ZZZ0001' },
              { Name: 'TransactionDate', Value: 20261201101010 },
              { Name: 'PhoneNumber', Value: 254711222337 },
            ],
          },
        },
      },
    });
    const db = openDatabase(profileDatabasePath('demo'));
    let inboxId = 0;
    try {
      inboxId = Number(
        db
          .prepare(
            `INSERT INTO inbox (received_at, source, kind, body, flag, reason) VALUES ('2026-12-01T10:00:00Z', 'relay:demo', 'stk', ?, 'unmatched', ?)`,
          )
          .run(body, 'M-Pesa’s lookup did not find receipt UL2ZZZ0001: nothing was recorded.').lastInsertRowid,
      );
    } finally {
      closeDatabase(db);
    }
    const listed = await run(['collections', 'list', '--user', 'wanjiru']);
    expect(listed.out).toContain(
      `#${inboxId}  UL2ZZZ0001  KES 150.00  M-Pesa’s lookup did not find receipt UL2ZZZ0001`,
    );
    const settled = await run([
      'collections',
      'settle',
      String(inboxId),
      '--note',
      'Not on the statement',
      '--user',
      'chebet',
    ]);
    expect(settled.code).toBe(0);
    expect(settled.out).toContain(`Callback #${inboxId} settled: nothing was recorded`);
    const after = JSON.parse((await run(['collections', 'list', '--json', '--user', 'chebet'])).out) as {
      unconfirmed: unknown[];
      received: unknown[];
    };
    expect(after).toMatchObject({ unconfirmed: [], received: [] });
  });

  it('refuses a payroll officer, naming the role needed, and pushes nothing', async () => {
    await demoProfile();
    const before = simulator.stats().requests['/mpesa/stkpush/v1/processrequest'] ?? 0;
    const result = await run([
      'collect',
      '--phone',
      '0711222331',
      '--amount',
      '100',
      '--reference',
      'X',
      '--user',
      'amina',
      '--base-url',
      simulator.baseUrl,
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/admin/i);
    expect(simulator.stats().requests['/mpesa/stkpush/v1/processrequest'] ?? 0).toBe(before);
  });
});

describe('c2b register', () => {
  it('says what M-Pesa answered', async () => {
    await demoProfile();
    const result = await run(['c2b', 'register', '--user', 'wanjiru', '--base-url', simulator.baseUrl]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/M-Pesa will send payments to shortcode 600992 to Mshahara/);
  });
});
