// The float statement's files, read back as the program that takes them would: Xero's and
// QuickBooks Online's bank-statement CSVs with their exact columns, day-first Nairobi dates and
// signed amounts; the CSV and XLSX with the opening balance first and the closing balance last;
// formula-looking text kept inert; and no file at all for a period no statement covers.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { exportFloatStatement } from '../../../src/main/statements/float-export';
import { floatStatement } from '../../../src/main/statements/float-statement';
import { importStatement } from '../../../src/main/statements/import';
import { tempFolder } from '../db/temp-folder';

const temp = tempFolder('mshahara-float-export-');
const header =
  'Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.';
// Newest first, as the portal lists them. October's row gives November its opening balance; the
// top-up at 00:30 on 1 November in Nairobi is still 31 October in UTC.
const statement = [
  header,
  'SLD4000003,20-11-2026 14:00:00,,"=HYPERLINK(""http://x"")",Completed,,300.00,"10,950.00",TRUE,,254799000009 - PORTAL PAYEE,,',
  'SLD4000002,05-11-2026 10:10:00,,Business Payment to Customer,Completed,,700.00,"11,250.00",TRUE,,2547****003 - DAVID OMONDI,,',
  'SLD4000001,01-11-2026 00:30:00,,Funds Transfer from Working Account,Completed,"5,000.00",,"11,950.00",TRUE,,600000 - Working Account,,',
  'SLD3999999,20-10-2026 09:00:00,,Business Payment to Customer,Completed,,50.00,"6,950.00",TRUE,,254711000001 - ANN WAIRIMU,,',
].join('\r\n');

/** A ledger with David's November payment, paid by the run "November wages". */
async function profile(): Promise<ProfileDatabase> {
  const db = openDatabase(temp.path('float.sqlite'));
  const run = db
    .prepare("INSERT INTO payroll_runs (title, state, approved_at) VALUES ('November wages', 'completed', ?)")
    .run('2026-11-05T07:00:00.000Z').lastInsertRowid;
  const item = db
    .prepare(
      "INSERT INTO payroll_items (run_id, name, phone, amount_cents, state) VALUES (?, 'David Omondi', '254744000003', 70000, 'paid')",
    )
    .run(run).lastInsertRowid;
  const attempt = db
    .prepare(
      `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, receipt, sent_at)
       VALUES (?, 1, 'msh-david-1', '254744000003', 70000, 'SalaryPayment', 'succeeded', 'SLD4000002', '2026-11-05T07:09:50.000Z')`,
    )
    .run(item).lastInsertRowid;
  db.prepare(
    `INSERT INTO transactions (receipt, occurred_at, direction, kind, status, amount_cents, phone, source, attempt_id)
     VALUES ('SLD4000002', '2026-11-05T07:10:00.000Z', 'out', 'b2c_payment', 'completed', 70000, '254744000003', 'b2c_result', ?)`,
  ).run(attempt);
  await importStatement(db, {
    fileName: 'ORG_600000_Utility Account_Completed_20261130235959.csv',
    bytes: Buffer.from(statement),
    actor: 'accountant',
    now: '2026-12-01T06:00:00.000Z',
  });
  return db;
}

async function exported(db: ProfileDatabase, format: 'csv' | 'xero' | 'quickbooks'): Promise<string> {
  const file = temp.path(`float-${format}.csv`);
  await exportFloatStatement(floatStatement(db, 'Utility Account', '2026-11'), file, format);
  return readFileSync(file, 'utf8');
}

describe('float statement exports', () => {
  it('the figures the files are made from: opening from October, every November movement, the run', async () => {
    const view = floatStatement(await profile(), 'Utility Account', '2026-11');
    expect(view).toMatchObject({
      covered: true,
      openingBalanceCents: 6_950_00,
      closingBalanceCents: 10_950_00,
      paidInCents: 5_000_00,
      withdrawnCents: 1_000_00,
      withoutLedgerRow: 2,
      check: { adds: true, chains: true, breaks: [] },
    });
    // The file states no period: it is taken to end at its last row, and the rest of November is named.
    expect(view.partly).toBe(
      'No imported statement of the Utility Account takes in 20 Nov 2026, 14:00 to 30 Nov 2026, 23:59: movements then are not shown. Import the Utility Account statement for that stretch to complete the period.',
    );
    expect(view.movements.map((m) => [m.receipt, m.runTitle])).toEqual([
      ['SLD4000001', null],
      ['SLD4000002', 'November wages'],
      ['SLD4000003', null],
    ]);
  });

  it('Xero: its template headings, dd/mm/yyyy Nairobi days, money in positive and out negative', async () => {
    const text = await exported(await profile(), 'xero');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const rows = parse(text) as string[][];
    expect(rows).toEqual([
      ['*Date', '*Amount', 'Payee', 'Description', 'Reference'],
      ['01/11/2026', '5000.00', 'Working Account', 'Funds Transfer from Working Account', 'SLD4000001'],
      ['05/11/2026', '-700.00', 'DAVID OMONDI', 'Business Payment to Customer (payroll: November wages)', 'SLD4000002'],
      ['20/11/2026', '-300.00', 'PORTAL PAYEE', `'=HYPERLINK("http://x")`, 'SLD4000003'],
    ]);
  });

  it('QuickBooks Online: Date, Description, Amount with the receipt and run in the description', async () => {
    const rows = parse(await exported(await profile(), 'quickbooks')) as string[][];
    expect(rows).toEqual([
      ['Date', 'Description', 'Amount'],
      ['01/11/2026', 'SLD4000001 - Funds Transfer from Working Account - 600000 - Working Account', '5000.00'],
      [
        '05/11/2026',
        'SLD4000002 - Business Payment to Customer - 2547****003 - DAVID OMONDI - payroll: November wages',
        '-700.00',
      ],
      // The description starts with the receipt, so no spreadsheet reads the cell as a formula.
      ['20/11/2026', `SLD4000003 - =HYPERLINK("http://x") - 254799000009 - PORTAL PAYEE`, '-300.00'],
    ]);
    expect(rows.flat().some((cell) => /^[=+@]/.test(cell))).toBe(false);
  });

  it('CSV: the opening balance first, every movement with its balance, the closing balance and totals last', async () => {
    const rows = parse(await exported(await profile(), 'csv'), { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      'Date (Nairobi)',
      'Receipt',
      'Details',
      'Other party',
      'Paid in (KES)',
      'Withdrawn (KES)',
      'Balance (KES)',
      'Ledger row',
      'Payroll run',
    ]);
    expect(rows[1]?.slice(0, 7)).toEqual([
      '2026-11-01 00:00:00',
      '',
      'Opening balance, Utility Account, 2026-11',
      '',
      '',
      '',
      '6950.00',
    ]);
    expect(rows.slice(2, 5).map((r) => [r[0], r[1], r[4], r[5], r[6], r[8]])).toEqual([
      ['2026-11-01 00:30:00', 'SLD4000001', '5000.00', '', '11950.00', ''],
      ['2026-11-05 10:10:00', 'SLD4000002', '', '700.00', '11250.00', 'November wages'],
      ['2026-11-20 14:00:00', 'SLD4000003', '', '300.00', '10950.00', ''],
    ]);
    expect(rows[3]?.[2]).toBe('Business Payment to Customer');
    expect(rows[4]?.[2]).toBe(`'=HYPERLINK("http://x")`);
    const closing = rows.at(-1) as string[];
    expect(rows).toHaveLength(6);
    expect([closing[0], closing[4], closing[5], closing[6]]).toEqual([
      '2026-11-30 23:59:59',
      '5000.00',
      '1000.00',
      '10950.00',
    ]);
    expect(closing[2]).toMatch(/^Closing balance/);
  });

  it('XLSX: real date cells and numbers, opening first and closing last', async () => {
    const db = await profile();
    const file = temp.path('float.xlsx');
    await exportFloatStatement(floatStatement(db, 'Utility Account', '2026-11'), file, 'xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet('Float statement');
    expect(sheet?.rowCount).toBe(6);
    const opening = sheet!.getRow(2);
    expect(opening.getCell(1).value).toEqual(new Date('2026-11-01T00:00:00.000Z'));
    expect(opening.getCell(7).value).toBe(6950);
    const david = sheet!.getRow(4);
    expect(david.getCell(1).value).toEqual(new Date('2026-11-05T10:10:00.000Z'));
    expect([david.getCell(2).value, david.getCell(6).value, david.getCell(7).value]).toEqual([
      'SLD4000002',
      700,
      11250,
    ]);
    expect(sheet!.getRow(6).getCell(7).value).toBe(10950);
  });

  it('writes nothing for a period no statement covers, and says what to import', async () => {
    const db = await profile();
    const view = floatStatement(db, 'Utility Account', '2026-12');
    expect(view.covered).toBe(false);
    await expect(exportFloatStatement(view, temp.path('december.csv'), 'xero')).rejects.toThrow(
      /No imported M-Pesa statement of the Utility Account covers 2026-12/,
    );
  });
});
