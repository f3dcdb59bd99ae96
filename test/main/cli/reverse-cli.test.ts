// `reverse` and `reversals approve|list` against the simulator: the admin asks (exit 3, nothing
// sent, naming who approves), the asker cannot approve, an approver's approval sends it once and
// prints the outcome in words; a payment to a customer is refused with the portal's route.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/usage';
import { openProfileDatabase } from '../../../src/main/composition/profile-database';
import { DarajaClient } from '../../../src/main/daraja';
import { recordTransaction } from '../../../src/main/ledger/transactions';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { recordReceived } from '../reversals/support';
import { cli, freshDataFolderEachTest, seedCliPeople, signedIn } from './cli-helpers';

const payer = { msisdn: '254711000222', name: 'OTIENO AKINYI' };
let simulator: RunningSimulator;
let client: DarajaClient;
let hooks: Server;
const confirmations: Array<{ TransID: string }> = [];

beforeAll(async () => {
  simulator = await startSimulator({ seed: 31, customers: [payer], faults: { callbackDelayMs: { min: 5, max: 20 } } });
  client = new DarajaClient({
    name: 'cli-test',
    baseUrl: simulator.baseUrl,
    ...simulator.credentials,
    certificatePem: simulator.certificatePem,
  });
  // Where the simulated customer's confirmation goes: only to learn its receipt.
  hooks = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url === '/confirmation') confirmations.push(JSON.parse(body) as { TransID: string });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ ResultCode: '0', ResultDesc: 'Accepted' }));
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  const registered = await client.registerC2bUrls(
    { responseType: 'Completed', confirmationUrl: `${base}/confirmation`, validationUrl: `${base}/validation` },
    'v1',
  );
  expect(registered.kind).toBe('accepted');
});
afterAll(async () => {
  await client.close();
  await simulator.close();
  await new Promise((resolve) => hooks.close(resolve));
});
const folder = freshDataFolderEachTest();
const run = (argv: string[]) =>
  cli([...argv, '--base-url', simulator.baseUrl], { secrets: folder.secrets, env: signedIn });

async function customerPays(amountCents: number): Promise<string> {
  const before = confirmations.length;
  const paid = await client.simulateC2b({ amountCents, msisdn: payer.msisdn, billRefNumber: 'INV-9' });
  expect(paid.kind).toBe('accepted');
  for (let i = 0; i < 200 && confirmations.length === before; i += 1) await new Promise((r) => setTimeout(r, 25));
  const receipt = confirmations[before]?.TransID;
  if (receipt === undefined) throw new Error('no confirmation came');
  const opened = openProfileDatabase('demo');
  try {
    recordReceived(opened.db, receipt, amountCents, payer.msisdn, null);
  } finally {
    opened.close();
  }
  return receipt;
}

describe('reverse on the command line', () => {
  it('asks, waits for another approver, then reverses once and says so', async () => {
    const people = await seedCliPeople();
    const receipt = await customerPays(750_00);
    const asked = await run([
      'reverse',
      receipt,
      '--reason',
      'Paid the wrong business',
      '--yes',
      '--user',
      people.admin.username,
    ]);
    expect(asked.code, asked.err).toBe(exitCodes.approvalNeeded);
    expect(asked.out).toContain(`Asked to reverse ${receipt} (KES 750.00): reversal #1. Nothing was sent.`);
    expect(asked.err).toContain('needs one approver other than Wanjiru Kamau');
    expect(simulator.reversals()).toHaveLength(0);
    const byAsker = await run(['reversals', 'approve', '1', '--user', people.admin.username]);
    expect(byAsker.code).not.toBe(0);
    expect(simulator.reversals()).toHaveLength(0);
    const approved = await run(['reversals', 'approve', '1', '--user', people.approver.username, '--json']);
    expect(approved.code, approved.err).toBe(exitCodes.ok);
    const view = JSON.parse(approved.out) as { state: string; reversalReceipt: string; stateWords: string };
    const made = simulator.reversals().filter((r) => r.originalReceipt === receipt);
    expect(made).toHaveLength(1);
    expect(view).toMatchObject({ state: 'succeeded', reversalReceipt: made[0]?.receipt });
    const listed = await run(['reversals', 'list', '--user', people.accountant.username]);
    expect(listed.out).toContain(`Reversed: receipt ${made[0]?.receipt}.`);
    const again = await run(['reverse', receipt, '--reason', 'Again', '--yes', '--user', people.admin.username]);
    expect(again.code).toBe(exitCodes.error);
    expect(again.err).toContain('was already reversed; it cannot be reversed twice');
  });

  it('says in words when M-Pesa does not know the receipt', async () => {
    const people = await seedCliPeople();
    const opened = openProfileDatabase('demo');
    try {
      recordReceived(opened.db, 'QZZ9999999', 100_00, payer.msisdn, null);
    } finally {
      opened.close();
    }
    expect(
      (await run(['reverse', 'QZZ9999999', '--reason', 'Test', '--yes', '--user', people.admin.username])).code,
    ).toBe(exitCodes.approvalNeeded);
    const approved = await run(['reversals', 'approve', '1', '--user', people.approver.username]);
    expect(approved.code).toBe(exitCodes.error);
    expect(approved.out).toContain(
      'M-Pesa does not know this receipt as a payment to this business, so nothing was reversed.',
    );
  });

  it('refuses a payment to a customer with the M-Pesa Org portal route', async () => {
    const people = await seedCliPeople();
    const opened = openProfileDatabase('demo');
    try {
      opened.db
        .transaction(() =>
          recordTransaction(opened.db, {
            receipt: 'QBB1234567',
            occurredAt: new Date().toISOString(),
            direction: 'out',
            kind: 'b2c_payment',
            status: 'completed',
            amountCents: 100_00,
            source: 'b2c_result',
          }),
        )
        .immediate();
    } finally {
      opened.close();
    }
    const shown = await run(['reverse', 'QBB1234567', '--reason', 'Wrong person', '--user', people.admin.username]);
    expect(shown.code).toBe(exitCodes.error);
    expect(shown.out).toContain('M-Pesa does not allow reversing a payment to a customer through its API.');
  });
});
