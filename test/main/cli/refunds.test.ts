// `refund` and `refunds approve|decline|list` on the command line: the admin asks (exit 3, naming
// who must approve), the limits and the roles refuse in the core's words, and the approver's
// approval sends the refund and prints its receipt: the simulator's record shows it paid once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openProfileDatabase } from '../../../src/main/composition/profile-database';
import { recordTransaction } from '../../../src/main/ledger/transactions';
import { exitCodes } from '../../../src/main/cli/usage';
import { startSimulator, type RunningSimulator } from '../../../src/simulator';
import { cli, freshDataFolderEachTest, seedCliPeople, signedIn } from './cli-helpers';
import type { TestPeople } from '../../helpers/people';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ seed: 13, openRegistry: true, faults: { callbackDelayMs: { min: 5, max: 20 } } });
});
afterAll(() => simulator.close());
const folder = freshDataFolderEachTest();
const run = (argv: string[]) => cli(argv, { secrets: folder.secrets, env: signedIn });

let people: TestPeople;
beforeEach(async () => {
  people = await seedCliPeople();
  const opened = openProfileDatabase('demo');
  try {
    opened.db.transaction(() =>
      recordTransaction(opened.db, {
        receipt: 'QKH94M1Z11',
        occurredAt: '2026-11-20T09:15:00.000Z',
        direction: 'in',
        kind: 'c2b_payment',
        status: 'completed',
        amountCents: 2500_00,
        phone: null,
        partyName: 'NICHOLAS SONGOK',
        partyDisplay: '2547 ***** 149',
        source: 'c2b_confirmation',
      }),
    )();
  } finally {
    opened.close();
  }
});

const ask = (extra: string[]) =>
  run(['refund', 'QKH94M1Z11', '--amount', '1,000', '--reason', 'Paid for the wrong order', ...extra]);

describe('refund on the command line', () => {
  it('asks as the admin and waits for an approver (exit 3), refusing what the core refuses', async () => {
    const noTerminal = await ask(['--phone', '0708374149', '--user', people.admin.username]);
    expect(noTerminal.code).toBe(exitCodes.error);
    expect(noTerminal.err).toContain('refund needs --yes when there is no terminal to ask on');
    const officer = await ask(['--phone', '0708374149', '--yes', '--user', people.officer.username]);
    expect(officer.code).toBe(exitCodes.error);
    expect(officer.err).toContain('needs the Admin role');
    const wrongNumber = await ask(['--phone', '0708374148', '--yes', '--user', people.admin.username]);
    expect(wrongNumber.err).toContain(
      'The number does not match the one M-Pesa showed for this payment: 2547 ***** 149',
    );
    const tooMuch = await run([
      'refund',
      'QKH94M1Z11',
      '--amount',
      '3000',
      '--reason',
      'Everything',
      '--phone',
      '0708374149',
      '--yes',
      '--user',
      people.admin.username,
    ]);
    expect(tooMuch.err).toContain('KES 2,500.00 of KES 2,500.00 is left');
    const asked = await ask(['--phone', '0708374149', '--yes', '--user', people.admin.username, '--json']);
    expect(asked.code, asked.err).toBe(exitCodes.approvalNeeded);
    expect(JSON.parse(asked.out)).toMatchObject({ id: 1, state: 'awaiting_approval', amountCents: 1000_00 });
    expect(asked.err).toContain('refunds approve 1 --user <approver>');
    expect(asked.err).toContain('Who can approve it: baraka, neema.');
    expect(simulator.payments().filter((p) => p.party === '254708374149')).toEqual([]);
  });

  it('sends on the approver’s approval, prints the receipt, and pays once', async () => {
    await ask(['--phone', '0708374149', '--yes', '--user', people.admin.username]);
    const byAdmin = await run(['refunds', 'approve', '1', '--user', people.admin.username]);
    expect(byAdmin.code).toBe(exitCodes.error);
    expect(byAdmin.err).toContain('needs the Approver role');
    const before = simulator.payments().length;
    const approved = await run([
      'refunds',
      'approve',
      '1',
      '--user',
      people.approver.username,
      '--base-url',
      simulator.baseUrl,
    ]);
    expect(approved.code, approved.err).toBe(exitCodes.ok);
    const paid = simulator.payments().slice(before);
    expect(paid.map((p) => [p.party, p.amountCents])).toEqual([['254708374149', 1000_00]]);
    expect(approved.out).toContain(`Paid: receipt ${paid[0]?.receipt}`);
    const again = await run([
      'refunds',
      'approve',
      '1',
      '--user',
      people.approver.username,
      '--base-url',
      simulator.baseUrl,
    ]);
    expect(again.code).toBe(exitCodes.error);
    expect(simulator.payments().length).toBe(before + 1);
    const listed = await run(['refunds', 'list', '--json']);
    expect(JSON.parse(listed.out)).toMatchObject({ total: 1, refunds: [{ id: 1, state: 'paid' }] });
  });

  it('refuses every refund command that changes anything without --user', async () => {
    for (const argv of [
      ['refund', 'QKH94M1Z11', '--amount', '100', '--reason', 'Wrong order', '--yes'],
      ['refunds', 'approve', '1'],
      ['refunds', 'decline', '1', '--reason', 'No'],
    ]) {
      const refused = await run(argv);
      expect(refused.code, argv.join(' ')).toBe(exitCodes.usage);
      expect(refused.err, argv.join(' ')).toContain('needs --user <your username>');
    }
  });

  it('declines with a reason, and the amount is free again', async () => {
    await ask(['--phone', '0708374149', '--yes', '--user', people.admin.username]);
    const declined = await run([
      'refunds',
      'decline',
      '1',
      '--reason',
      'Goods were collected',
      '--user',
      people.approver.username,
    ]);
    expect(declined.code, declined.err).toBe(exitCodes.ok);
    expect(declined.out).toContain('Declined by Baraka Mwangi: Goods were collected');
    const whole = await run([
      'refund',
      'QKH94M1Z11',
      '--amount',
      '2500',
      '--reason',
      'All of it',
      '--phone',
      '0708374149',
      '--yes',
      '--user',
      people.admin.username,
    ]);
    expect(whole.code, whole.err).toBe(exitCodes.approvalNeeded);
  });
});
