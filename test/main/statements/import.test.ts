// Every nasty statement in test/fixtures/statements/ is read, stored once and sorted into the
// buckets its entry in expected.json names, against the same small ledger.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { importStatement } from '../../../src/main/statements/import';
import { tempFolder } from '../db/temp-folder';
import { closeDatabase, seededLedger } from './ledger-seed';

const folder = join(import.meta.dirname, '../../fixtures/statements');
const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Record<
  string,
  {
    account: string;
    rowsRead: number;
    problemLines: number[];
    gaps: unknown[];
    opening: number | null;
    closing: number | null;
    buckets: Record<string, number>;
    serious: number;
  }
>;
const temp = tempFolder('mshahara-statements-');
const now = '2026-12-02T06:00:00.000Z';

describe('statement fixtures', () => {
  for (const [file, want] of Object.entries(expected)) {
    it(`${file}: reads, stores and sorts into the expected buckets`, async () => {
      const db = seededLedger(temp.path('ledger.sqlite'));
      const result = await importStatement(db, {
        fileName: file,
        bytes: readFileSync(join(folder, file)),
        actor: 'Wanjiku (accountant)',
        now,
      });
      expect(result.account).toBe(want.account);
      expect(result.rowsRead).toBe(want.rowsRead);
      expect(result.problems.map((p) => p.line)).toEqual(want.problemLines);
      expect(result.gaps).toEqual(want.gaps);
      expect(result.openingBalanceCents).toBe(want.opening);
      expect(result.closingBalanceCents).toBe(want.closing);
      expect(
        Object.fromEntries(
          Object.entries(result.buckets)
            .filter(([k]) => k !== 'serious')
            .map(([k, v]) => [k, (v as { count: number }).count]),
        ),
      ).toEqual(want.buckets);
      expect(result.buckets.serious).toBe(want.serious);
      // Every row read is stored exactly once, and sits in exactly one bucket.
      const stored = db
        .prepare(
          'SELECT count(*) AS n, count(m.statement_row_id) AS sorted FROM statement_rows s LEFT JOIN statement_matches m ON m.statement_row_id = s.id',
        )
        .get();
      expect(stored).toEqual({ n: want.rowsRead, sorted: want.rowsRead });
      closeDatabase(db);
    });
  }

  it("today's statement: amounts, masked parties and Nairobi times are read exactly", async () => {
    const db = seededLedger(temp.path('ledger.sqlite'));
    const file = 'ORG_600000_Utility Account_Completed_20261201235959.csv';
    await importStatement(db, { fileName: file, bytes: readFileSync(join(folder, file)), actor: 'accountant', now });
    const rows = db
      .prepare(
        'SELECT receipt, completed_at, paid_in_cents, withdrawn_cents, balance_cents, phone, other_party FROM statement_rows ORDER BY receipt',
      )
      .all();
    expect(rows[0]).toEqual({
      receipt: 'SLA1000001',
      completed_at: '2026-12-01T05:00:00.000Z',
      paid_in_cents: 0,
      withdrawn_cents: 150000,
      balance_cents: 9850000,
      phone: null,
      other_party: '2547****149 - JOHN KAMAU',
    });
    expect(rows[2]).toMatchObject({ receipt: 'SLA1000003', paid_in_cents: 1000000, phone: '254712000111' });
    const difference = db
      .prepare(
        "SELECT m.differences FROM statement_matches m JOIN statement_rows s ON s.id = m.statement_row_id WHERE s.receipt = 'SLA1000002'",
      )
      .get() as { differences: string };
    expect(JSON.parse(difference.differences)).toEqual([{ field: 'amount', statement: '200000', ledger: '250000' }]);
    // Peter's payment is on the statement though Mshahara recorded it failed: proposed, not applied.
    const peter = db
      .prepare(
        "SELECT m.bucket, m.serious, m.proposals, m.transaction_id FROM statement_matches m JOIN statement_rows s ON s.id = m.statement_row_id WHERE s.receipt = 'SLA1000004'",
      )
      .get() as { bucket: string; serious: string; proposals: string; transaction_id: number | null };
    expect(peter).toMatchObject({
      bucket: 'statement_only',
      serious: 'paid_but_recorded_failed',
      transaction_id: null,
    });
    expect(JSON.parse(peter.proposals)).toMatchObject([
      { phone: '254711000222', amountCents: 100000, state: 'failed' },
    ]);
    expect(
      db.prepare("SELECT state FROM payout_attempts WHERE originator_conversation_id = 'msh-peter-1'").get(),
    ).toEqual({ state: 'failed' });
    closeDatabase(db);
  });

  it('the same statement twice and two overlapping statements store each receipt once', async () => {
    const db = seededLedger(temp.path('ledger.sqlite'));
    const read = (name: string) => readFileSync(join(folder, name));
    const first = await importStatement(db, {
      fileName: 'overlap-first.csv',
      bytes: read('overlap-first.csv'),
      actor: 'a',
      now,
    });
    const again = await importStatement(db, {
      fileName: 'overlap-first.csv',
      bytes: read('overlap-first.csv'),
      actor: 'a',
      now,
    });
    const second = await importStatement(db, {
      fileName: 'overlap-second.csv',
      bytes: read('overlap-second.csv'),
      actor: 'a',
      now,
    });
    expect([first.rowsNew, again.rowsNew, again.rowsRepeated, second.rowsNew, second.rowsRepeated]).toEqual([
      3, 0, 3, 1, 2,
    ]);
    expect(db.prepare('SELECT receipt FROM statement_rows ORDER BY receipt').pluck().all()).toEqual([
      'SLF6000001',
      'SLF6000002',
      'SLF6000003',
      'SLF6000004',
    ]);
    closeDatabase(db);
  });

  it('charge rows confirm the charge on their payment; the ledger row itself is untouched', async () => {
    const db = seededLedger(temp.path('ledger.sqlite'));
    await importStatement(db, {
      fileName: 'charges-paid-account.csv',
      bytes: readFileSync(join(folder, 'charges-paid-account.csv')),
      actor: 'a',
      now,
    });
    const charges = db
      .prepare(
        'SELECT t.receipt, c.charge_cents, t.charge_cents AS ledger_charge FROM confirmed_charges c JOIN transactions t ON t.id = c.transaction_id ORDER BY t.receipt',
      )
      .all();
    expect(charges).toEqual([
      { receipt: 'SLA1000001', charge_cents: 1500, ledger_charge: null },
      { receipt: 'SLA1000002', charge_cents: 700, ledger_charge: null },
    ]);
    closeDatabase(db);
  });

  it('an XLSX statement with Excel date cells and number cells reads like the CSV', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Statement');
    sheet.addRow(['Organization Name', 'MSHAHARA DEMO LTD']);
    sheet.addRow(['Account', 'Utility Account']);
    sheet.addRow(['Opening Balance', 5000]);
    sheet.addRow(['Closing Balance', 4300]);
    sheet.addRow([
      'Receipt No.',
      'Completion Time',
      'Initiation Time',
      'Details',
      'Transaction Status',
      'Paid In',
      'Withdrawn',
      'Balance',
      'Balance Confirmed',
      'Reason Type',
      'Other Party Info',
      'Linked Transaction ID',
      'A/C No.',
    ]);
    // Excel keeps wall-clock time without a zone: 10:10 in Nairobi.
    sheet.addRow([
      'SLC3000001',
      new Date(Date.UTC(2026, 10, 5, 10, 10)),
      null,
      'Business Payment to Customer',
      'Completed',
      null,
      -700,
      4300,
      true,
      null,
      '2547****003 - DAVID OMONDI',
      null,
      null,
    ]);
    sheet.addRow([
      'SLC3000002',
      'not a date',
      null,
      'Business Payment to Customer',
      'Completed',
      null,
      -100,
      4200,
      true,
      null,
      null,
      null,
      null,
    ]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const db = seededLedger(temp.path('ledger.sqlite'));
    const result = await importStatement(db, { fileName: 'statement.xlsx', bytes, actor: 'a', now });
    expect(result.problems).toEqual([
      { line: 7, reason: 'Completion Time "not a date" is not a date (dd-MM-yyyy HH:mm:ss)' },
    ]);
    expect(result.buckets.matched.count).toBe(1);
    expect(db.prepare('SELECT completed_at, withdrawn_cents FROM statement_rows').get()).toEqual({
      completed_at: '2026-11-05T07:10:00.000Z',
      withdrawn_cents: 70000,
    });
    closeDatabase(db);
  });

  it('a file without a statement header is refused with what it must hold', async () => {
    const db = seededLedger(temp.path('ledger.sqlite'));
    await expect(
      importStatement(db, {
        fileName: 'x.csv',
        bytes: Buffer.from('name,phone,amount\nA,0712345678,100\n'),
        actor: 'a',
        now,
      }),
    ).rejects.toThrow(/No statement header found/);
    expect(db.prepare('SELECT count(*) FROM statement_imports').pluck().get()).toBe(0);
    closeDatabase(db);
  });
});
