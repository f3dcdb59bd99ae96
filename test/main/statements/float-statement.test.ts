// The float statement of an account after a real run paid against the simulator, from the
// statements the simulator exports: opening + movements = closing, each payout and its charge with
// its amount and run title, a row missing from the export named by the receipts either side, and
// a period no statement covers said plainly, with its ledger entries counted.
import { request } from 'undici';
import { openDatabase } from '../../../src/main/db';
import { afterEach, describe, expect, it } from 'vitest';
import { floatStatement } from '../../../src/main/statements/float-statement';
import { importStatement } from '../../../src/main/statements/import';
import { nairobiMonth } from '../../../src/shared/time';
import { tempFolder } from '../db/temp-folder';
import { approvedRun, customersFor, harness, worker, type Harness } from '../payroll/engine/harness';

const temp = tempFolder('mshahara-float-');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const workers = Array.from({ length: 6 }, (_, i) => worker(i + 1, (1500 + i * 300) * 100));
const title = 'December salaries';

async function paidRun(): Promise<Harness> {
  const setup = await harness({ customers: customersFor(workers) });
  const runId = approvedRun(setup.db, workers, title);
  await setup.engine.start();
  await setup.engine.startRun(runId, 'owner');
  const done = await setup.engine.waitUntilFinal(runId);
  expect(done.counts.paid).toBe(workers.length);
  return setup;
}

async function importFrom(sim: Harness['sim'], db: Harness['db'], query: string, edit?: (csv: string) => string) {
  const answer = await request(`${sim.baseUrl}/simulator/statement?${query}`);
  expect(answer.statusCode).toBe(200);
  const name = /filename="([^"]+)"/.exec(String(answer.headers['content-disposition']))?.[1] ?? '';
  const bytes = Buffer.from(await answer.body.arrayBuffer());
  return importStatement(db, {
    fileName: name,
    bytes: edit === undefined ? bytes : Buffer.from(edit(bytes.toString('utf8'))),
    actor: 'accountant',
    now: new Date().toISOString(),
  });
}

const receiptOf = (db: Harness['db'], ledgerId: number | null): string | null =>
  ledgerId === null
    ? null
    : (db.prepare('SELECT receipt FROM transactions WHERE id = ?').pluck().get(ledgerId) as string);

describe('the float statement', () => {
  it('after a clean run: every payout and its charge, with its run, from opening to closing balance', async () => {
    h = await paidRun();
    const opening = h.sim.balances().utilityCents + workers.reduce((sum, w) => sum + w.amountCents, 0);
    await importFrom(h.sim, h.db, 'account=utility&format=csv');
    await importFrom(h.sim, h.db, 'account=charges&format=xlsx');
    const period = nairobiMonth();
    const changesBefore = h.db.prepare('SELECT total_changes()').pluck().get();

    const utility = floatStatement(h.db, 'Utility Account', period);
    expect(h.db.prepare('SELECT total_changes()').pluck().get()).toBe(changesBefore);
    expect(utility.covered).toBe(true);
    expect(utility.openingBalanceCents).toBe(opening);
    expect(utility.closingBalanceCents).toBe(h.sim.balances().utilityCents);
    const total = workers.reduce((sum, w) => sum + w.amountCents, 0);
    expect([utility.paidInCents, utility.withdrawnCents]).toEqual([0, total]);
    expect(utility.openingBalanceCents! - utility.withdrawnCents).toBe(utility.closingBalanceCents);
    expect(utility.check).toMatchObject({ adds: true, chains: true, breaks: [] });
    expect(utility.check?.words).toContain('The Balance column adds up row by row');
    // Each payout once, the amount M-Pesa paid, the running balance stepping down by it, the run named.
    const payments = h.sim.payments();
    expect(new Map(utility.movements.map((m) => [m.receipt, m.withdrawnCents]))).toEqual(
      new Map(payments.map((p) => [p.receipt, p.amountCents])),
    );
    let balance = opening;
    for (const m of utility.movements) {
      balance -= m.withdrawnCents;
      expect(m.balanceCents).toBe(balance);
      expect(m.runTitle).toBe(title);
      expect(receiptOf(h.db, m.ledgerId)).toBe(m.receipt);
    }
    expect(utility.withoutLedgerRow).toBe(0);
    expect(utility.ledgerEntries).toBe(workers.length);

    // The Charges Paid account: one charge per payout, the charge M-Pesa took, on the payout's run.
    const charges = floatStatement(h.db, 'Charges Paid Account', period);
    expect(charges.check).toMatchObject({ adds: true, chains: true });
    expect(charges.movements).toHaveLength(workers.length);
    expect(new Map(charges.movements.map((m) => [receiptOf(h!.db, m.ledgerId), m.withdrawnCents]))).toEqual(
      new Map(payments.map((p) => [p.receipt, p.chargeCents])),
    );
    expect(charges.movements.every((m) => m.runTitle === title)).toBe(true);
    expect(charges.withdrawnCents).toBe(payments.reduce((sum, p) => sum + p.chargeCents, 0));
    expect(charges.closingBalanceCents).toBe(charges.openingBalanceCents! - charges.withdrawnCents);

    // The month is still running: what has not happened yet needs no statement. Judged just after
    // the export, nothing is missing; an hour later, the hour since the export is named.
    const exported = Date.now();
    expect(floatStatement(h.db, 'Utility Account', period, new Date(exported + 30_000)).partly).toBeNull();
    const later = floatStatement(h.db, 'Utility Account', period, new Date(exported + 3_600_000)).partly;
    expect(later).toMatch(
      /^No imported statement of the Utility Account takes in .+ to .+: movements then are not shown/,
    );
  });

  it('a row missing from the statement is a break named by the receipts either side', async () => {
    h = await paidRun();
    const payments = h.sim.payments();
    const dropped = payments[2]!;
    await importFrom(h.sim, h.db, 'account=utility&format=csv', (csv) =>
      csv
        .split('\r\n')
        .filter((l) => !l.startsWith(`"${dropped.receipt}"`))
        .join('\r\n'),
    );
    const view = floatStatement(h.db, 'Utility Account', nairobiMonth());
    expect(view.movements.map((m) => m.receipt)).not.toContain(dropped.receipt);
    expect(view.movements).toHaveLength(workers.length - 1);
    expect(view.check?.chains).toBe(false);
    expect(view.check?.breaks).toEqual([
      { after: payments[1]!.receipt, before: payments[3]!.receipt, missingCents: -dropped.amountCents },
    ]);
    // The closing balance is M-Pesa's; opening + movements falls short of it by the missing payout.
    expect(view.closingBalanceCents).toBe(h.sim.balances().utilityCents);
    expect(view.check?.adds).toBe(false);
    expect(view.check?.words).toContain(`between ${payments[1]!.receipt} and ${payments[3]!.receipt}`);
  });

  it('with no statement imported, says what to import and counts the ledger entries instead of inventing balances', async () => {
    h = await paidRun();
    const view = floatStatement(h.db, 'Utility Account', nairobiMonth());
    expect(view).toMatchObject({
      covered: false,
      openingBalanceCents: null,
      closingBalanceCents: null,
      movements: [],
      check: null,
      ledgerEntries: workers.length,
    });
    expect(view.missing).toContain('No imported M-Pesa statement of the Utility Account covers');
    expect(view.missing).toContain(`The ledger has ${workers.length} entries in this period`);
  });

  it('rows of one second go in the order their balances add up, whichever way the file lists them', async () => {
    const header =
      'Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.';
    // Oldest first, as SFTP extracts list them, and all in one second: only the balances say the order.
    const rows = [
      'SLG7000001,02-11-2026 09:00:00,,Business Payment to Customer,Completed,,100.00,900.00,TRUE,,254711000001 - A,,',
      'SLG7000002,02-11-2026 09:00:00,,Business Payment to Customer,Completed,,200.00,700.00,TRUE,,254711000002 - B,,',
      'SLG7000003,02-11-2026 09:00:00,,Business Payment to Customer,Completed,,300.00,400.00,TRUE,,254711000003 - C,,',
    ];
    for (const [name, lines] of [
      ['oldest-first', rows],
      ['newest-first', [...rows].reverse()],
    ] as const) {
      const db = openDatabase(temp.path(`${name}.sqlite`));
      await importStatement(db, {
        fileName: 'ORG_600000_Utility Account_Completed_20261130235959.csv',
        bytes: Buffer.from([header, ...lines].join('\r\n')),
        actor: 'accountant',
        now: '2026-12-01T06:00:00.000Z',
      });
      const view = floatStatement(db, 'Utility Account', '2026-11');
      expect(view.movements.map((m) => m.receipt)).toEqual(['SLG7000001', 'SLG7000002', 'SLG7000003']);
      expect([view.openingBalanceCents, view.closingBalanceCents]).toEqual([1_000_00, 400_00]);
      expect(view.check).toMatchObject({ adds: true, chains: true });
      db.close();
    }
  });
});
