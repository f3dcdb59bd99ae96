// Statements the simulator exports after real payroll runs: a clean run reconciles with no
// differences; a portal payment, a missing row, an edited amount and a double payment are all found.
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { estimateCharge } from '../../../src/main/payroll/charges';
import { importStatement } from '../../../src/main/statements/import';
import { approvedRun, customersFor, harness, worker, type Harness } from '../payroll/engine/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function statement(sim: Harness['sim'], query: string): Promise<{ name: string; bytes: Buffer }> {
  const answer = await request(`${sim.baseUrl}/simulator/statement?${query}`);
  expect(answer.statusCode).toBe(200);
  const name = /filename="([^"]+)"/.exec(String(answer.headers['content-disposition']))?.[1] ?? '';
  return { name, bytes: Buffer.from(await answer.body.arrayBuffer()) };
}

function bucketCounts(result: Awaited<ReturnType<typeof importStatement>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(result.buckets)
      .filter(([k]) => k !== 'serious')
      .map(([k, v]) => [k, (v as { count: number }).count]),
  );
}

const workers = Array.from({ length: 8 }, (_, i) => worker(i + 1, (1000 + i * 250) * 100));

async function paidRun(): Promise<Harness> {
  const setup = await harness({ customers: customersFor(workers) });
  const runId = approvedRun(setup.db, workers);
  await setup.engine.start();
  await setup.engine.startRun(runId, 'owner');
  const done = await setup.engine.waitUntilFinal(runId);
  expect(done.counts.paid).toBe(workers.length);
  return setup;
}

describe('the simulator statement against the ledger', () => {
  it('after a clean run: every payment matched, every charge confirmed, nothing only on one side', async () => {
    h = await paidRun();
    const utility = await statement(h.sim, 'account=utility&format=csv');
    expect(utility.name).toMatch(/^ORG_600992_Utility Account_Completed_\d{14}\.csv$/);
    const result = await importStatement(h.db, {
      fileName: utility.name,
      bytes: utility.bytes,
      actor: 'accountant',
      now: new Date().toISOString(),
    });
    expect(result).toMatchObject({ account: 'Utility Account', rowsRead: 8, problems: [], gaps: [] });
    expect(bucketCounts(result)).toEqual({ matched: 8, difference: 0, charge: 0, reversal: 0, statement_only: 0 });
    expect(result.closingBalanceCents).toBe(h.sim.balances().utilityCents);
    // Every payment carries the tariff's charge as an estimate from the moment it is paid.
    const estimated = h.db
      .prepare("SELECT amount_cents, charge_cents, charge_basis FROM transactions WHERE kind = 'b2c_payment'")
      .all() as Array<{ amount_cents: number; charge_cents: number; charge_basis: string }>;
    expect(estimated.map((t) => t.charge_basis)).toEqual(workers.map(() => 'estimated'));
    expect(estimated.map((t) => t.charge_cents)).toEqual(estimated.map((t) => estimateCharge(t.amount_cents)));

    const charges = await statement(h.sim, 'account=charges&format=xlsx');
    const chargeResult = await importStatement(h.db, {
      fileName: charges.name,
      bytes: charges.bytes,
      actor: 'accountant',
      now: new Date().toISOString(),
    });
    expect(chargeResult).toMatchObject({ account: 'Charges Paid Account', rowsRead: 8, problems: [], gaps: [] });
    expect(bucketCounts(chargeResult).charge).toBe(8);
    // The confirmed charge of each payment is what M-Pesa took for it.
    const confirmed = h.db
      .prepare(
        'SELECT t.receipt, c.charge_cents FROM confirmed_charges c JOIN transactions t ON t.id = c.transaction_id',
      )
      .all() as Array<{ receipt: string; charge_cents: number }>;
    expect(new Map(confirmed.map((c) => [c.receipt, c.charge_cents]))).toEqual(
      new Map(h.sim.payments().map((p) => [p.receipt, p.chargeCents])),
    );
  });

  it('a portal payment, a missing row, an edited amount and a double payment are each found', async () => {
    h = await paidRun();
    const urls = { resultUrl: 'http://127.0.0.1:9/portal', queueTimeoutUrl: 'http://127.0.0.1:9/portal' };
    // Paid outside Mshahara: once to a stranger (the portal), once more to worker 1 (a double payment).
    h.sim.addCustomers([{ msisdn: '254799000001', name: 'PORTAL PAYEE' }]);
    await h.client.b2cPayment({
      originatorConversationId: 'portal-1',
      commandId: 'BusinessPayment',
      amountCents: 4321_00,
      party: '254799000001',
      remarks: 'Portal',
      ...urls,
    });
    await h.client.b2cPayment({
      originatorConversationId: 'portal-2',
      commandId: 'SalaryPayment',
      amountCents: workers[0]!.amountCents,
      party: workers[0]!.phone,
      remarks: 'Again',
      ...urls,
    });
    await expect.poll(() => h!.sim.payments().length, { timeout: 5000 }).toBe(workers.length + 2);
    const [portal, twice] = h.sim.payments().slice(-2);

    const utility = await statement(h.sim, 'account=utility&format=csv');
    const lines = utility.bytes.toString('utf8').split('\r\n');
    const paidReceipts = h.sim
      .payments()
      .slice(0, workers.length)
      .map((p) => p.receipt);
    // Drop worker 3's row from the export, and make worker 5's read 1 shilling more.
    const dropped = paidReceipts[2]!;
    const edited = paidReceipts[4]!;
    const tampered = lines
      .filter((l) => !l.startsWith(`"${dropped}"`))
      .map((l) =>
        l.startsWith(`"${edited}"`) ? l.replace(/"-(\d+)\.00"/, (_m, n: string) => `"-${Number(n) + 1}.00"`) : l,
      )
      .join('\r\n');
    const result = await importStatement(h.db, {
      fileName: utility.name,
      bytes: Buffer.from(tampered),
      actor: 'accountant',
      now: new Date().toISOString(),
    });
    expect(bucketCounts(result)).toEqual({ matched: 6, difference: 1, charge: 0, reversal: 0, statement_only: 2 });
    const only = h.db
      .prepare(
        "SELECT s.receipt FROM statement_rows s JOIN statement_matches m ON m.statement_row_id = s.id WHERE m.bucket = 'statement_only' ORDER BY s.receipt",
      )
      .pluck()
      .all();
    expect(only).toEqual([portal!.receipt, twice!.receipt].sort());
    const difference = h.db
      .prepare(
        "SELECT s.receipt, m.differences FROM statement_rows s JOIN statement_matches m ON m.statement_row_id = s.id WHERE m.bucket = 'difference'",
      )
      .get() as { receipt: string; differences: string };
    expect(difference.receipt).toBe(edited);
    expect(JSON.parse(difference.differences)).toEqual([
      { field: 'amount', statement: String(workers[4]!.amountCents + 100), ledger: String(workers[4]!.amountCents) },
    ]);
    // The missing row breaks the balance column next to where it was; the edit breaks it too.
    expect(result.gaps.length).toBeGreaterThanOrEqual(2);
    expect(result.gaps.some((g) => g.missingCents === -workers[2]!.amountCents)).toBe(true);
    expect(h.db.prepare('SELECT count(*) FROM statement_rows WHERE receipt = ?').pluck().get(dropped)).toBe(0);
  });
});
