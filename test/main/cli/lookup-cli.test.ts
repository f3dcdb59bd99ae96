// `lookup <receipt>` against a real simulator: the answer in words and as JSON, money received
// that the ledger lacks recorded once by an accountant (refused to the auditor), a receipt M-Pesa
// does not know said plainly; and the low-float warning printed by `pay` before it sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProfileDatabase } from '../../../src/main/composition/profile-database';
import { DarajaClient } from '../../../src/main/daraja';
import { saveLowFloatLevel } from '../../../src/main/float/warning';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { payrollLines, writePayrollCsv } from '../../crash/payroll-file';
import { customerPaidUnseen } from '../../helpers/customer-payment';
import { cli, freshDataFolderEachTest, payApproved, seedCliPeople, signedIn } from './cli-helpers';
import { join } from 'node:path';

let simulator: RunningSimulator;
let client: DarajaClient;

beforeAll(async () => {
  simulator = await startSimulator({ seed: 13, openRegistry: true, faults: { callbackDelayMs: { min: 5, max: 30 } } });
  client = new DarajaClient({
    name: 'customer',
    baseUrl: simulator.baseUrl,
    ...simulator.credentials,
    certificatePem: simulator.certificatePem,
  });
});
afterAll(async () => {
  await client.close();
  await simulator.close();
});
const folder = freshDataFolderEachTest();

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  cli(argv, { secrets: folder.secrets, env: { ...signedIn, ...env } });

function ledgerCount(receipt: string): number {
  const opened = openProfileDatabase('demo');
  try {
    return (opened.db.prepare('SELECT COUNT(*) AS n FROM transactions WHERE receipt = ?').get(receipt) as { n: number })
      .n;
  } finally {
    opened.close();
  }
}

describe('lookup', () => {
  it('prints what M-Pesa said, and records money received once, by an accountant only', async () => {
    await seedCliPeople();
    const receipt = await customerPaidUnseen(client, { amountCents: 1_500_00, msisdn: '254708374149' });
    const base = ['--base-url', simulator.baseUrl];

    const words = await run(['lookup', receipt, ...base]);
    expect(words.code).toBe(0);
    expect(words.out).toMatch(/Completed: KES 1,500\.00 from 254708374149 - JOHN DOE to 600992 - /);
    expect(words.out).toContain('it can be recorded as money received');
    expect(words.out).toMatch(/amount\s+KES 1,500\.00\n/);

    const json = await run(['lookup', receipt.toLowerCase(), '--json', ...base]);
    expect(JSON.parse(json.out)).toMatchObject({
      receipt,
      state: 'answered',
      completed: true,
      direction: 'in',
      amountCents: 1_500_00,
      recordable: true,
      ledger: null,
      recordedTransactionId: null,
    });

    const auditor = await run(['lookup', receipt, '--record', '--user', 'daudi', ...base]);
    expect(auditor.code).toBe(1);
    expect(auditor.err).toMatch(/Accountant/);
    expect((await run(['lookup', receipt, '--record', ...base])).code).toBe(2);
    expect(ledgerCount(receipt)).toBe(0);

    const recorded = await run(['lookup', receipt, '--record', '--user', 'chebet', '--json', ...base]);
    expect(recorded.code).toBe(0);
    const view = JSON.parse(recorded.out) as { recordedTransactionId: number; ledger: { transactionId: number } };
    expect(view.ledger.transactionId).toBe(view.recordedTransactionId);
    expect(ledgerCount(receipt)).toBe(1);

    const again = await run(['lookup', receipt, '--record', '--user', 'wanjiru', ...base]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('not recorded twice');
    expect(ledgerCount(receipt)).toBe(1);
  });

  it('says plainly when M-Pesa has no such receipt, and refuses what is not a receipt', async () => {
    await seedCliPeople();
    const result = await run(['lookup', 'QZZ0000000', '--base-url', simulator.baseUrl]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('M-Pesa has no such receipt');
    expect(result.out).toContain('speaks about the question, not about a payment');
    expect((await run(['lookup', 'not-a-receipt'])).code).toBe(2);
  });
});

describe('the low-float warning before a run is sent', () => {
  it('is printed by pay beside the float check, which still lets a run the float can pay go', async () => {
    await seedCliPeople();
    expect((await run(['balance', '--base-url', simulator.baseUrl, '--user', 'chebet'])).code).toBe(0);
    const opened = openProfileDatabase('demo');
    try {
      // Above the simulator's float: the warning shows, the run is still paid.
      saveLowFloatLevel(opened.db, 9_000_000_000_00, 'wanjiru');
    } finally {
      opened.close();
    }
    const file = join(folder.dataDir, 'payroll.csv');
    writePayrollCsv(file, payrollLines(2, 77));
    const result = await payApproved(run, [file, '--base-url', simulator.baseUrl]);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(
      /Low float: The float is KES [\d,.]+, below the warning level of KES 9,000,000,000\.00 set in Settings/,
    );
    expect(result.out).toContain('2 of 2 paid');
  });
});
