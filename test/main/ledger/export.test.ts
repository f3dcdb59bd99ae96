// Exports read back from the files they wrote: CSV (streamed) and XLSX (streamed workbook) match
// the ledger rows, amounts in KES with two decimals, Nairobi times, and formula-like text neutralised.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { exportLedger, exportRunResults, nairobiTime } from '../../../src/main/ledger/export';
import { recordTransaction, type NewTransaction } from '../../../src/main/ledger/transactions';
import { estimateCharge } from '../../../src/main/payroll/charges';
import { createRunFromWorkers, listRunItems } from '../../../src/main/payroll/runs';
import { addWorker } from '../../../src/main/payroll/workers';
import { NAIROBI } from '../../../src/shared/time';
import { tempFolder } from '../db/temp-folder';
import { approveAsPolicyNeeds } from '../../helpers/people';

const temp = tempFolder('mshahara-export-');
let db: ProfileDatabase;

const rows: NewTransaction[] = [
  {
    receipt: 'TKA0000001',
    occurredAt: '2026-11-01T21:30:00.000Z',
    direction: 'out',
    kind: 'b2c_payment',
    status: 'completed',
    amountCents: 2_500_050,
    chargeCents: 1_300,
    phone: '254712345678',
    partyName: 'Wanjiku Kamau',
    source: 'b2c_result',
  },
  {
    receipt: 'TKA0000002',
    occurredAt: '2026-11-02T06:00:00.000Z',
    direction: 'out',
    kind: 'b2c_payment',
    status: 'completed',
    amountCents: 1_000,
    chargeCents: 0,
    phone: '254745000222',
    partyName: "=cmd|' /C calc'!A0",
    accountReference: '+SUM(A1:A9)',
    source: 'b2c_result',
  },
  {
    receipt: 'TKB0000003',
    occurredAt: '2026-11-03T06:00:00.000Z',
    direction: 'in',
    kind: 'c2b_payment',
    status: 'completed',
    amountCents: 120_000,
    chargeCents: 0,
    phone: null,
    partyName: 'Mwangi, "Pete"',
    partyDisplay: '2547 ***** 126',
    source: 'c2b_confirmation',
  },
];

beforeAll(() => {
  db = openDatabase(temp.path('export.sqlite'));
  db.transaction(() => {
    for (const row of rows) recordTransaction(db, row);
  })();
});
afterAll(() => closeDatabase(db));

describe('Nairobi time in exports', () => {
  it('is UTC+3 as the time-zone database says', () => {
    expect(nairobiTime('2026-11-01T21:30:00.000Z')).toBe('2026-11-02 00:30:00');
    for (const iso of [
      '2026-01-01T00:00:00.000Z',
      '2026-06-30T23:59:59.000Z',
      '2025-03-30T01:00:00.000Z',
      '1999-12-31T22:00:00.000Z',
    ]) {
      expect(nairobiTime(iso)).toBe(format(new TZDate(Date.parse(iso), NAIROBI), 'yyyy-MM-dd HH:mm:ss'));
    }
  });
});

describe('ledger CSV export', () => {
  it('writes every row, oldest first when asked, with a BOM, KES amounts and neutralised text', async () => {
    const file = temp.path('ledger.csv');
    await exportLedger(db, file, { format: 'csv', sort: { by: 'time', order: 'asc' } });
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const records = parse(text.slice(1), { columns: true }) as Record<string, string>[];
    expect(
      records.map((r) => [
        r['Date (Nairobi)'],
        r.Receipt,
        r.Direction,
        r['Amount (KES)'],
        r['Charge (KES)'],
        r.Phone,
        r.Name,
      ]),
    ).toEqual([
      ['2026-11-02 00:30:00', 'TKA0000001', 'out', '25000.50', '13.00', '254712345678', 'Wanjiku Kamau'],
      ['2026-11-02 09:00:00', 'TKA0000002', 'out', '10.00', '0.00', '254745000222', "'=cmd|' /C calc'!A0"],
      ['2026-11-03 09:00:00', 'TKB0000003', 'in', '1200.00', '0.00', '', 'Mwangi, "Pete"'],
    ]);
    expect(records[1]?.['Account reference']).toBe("'+SUM(A1:A9)");
    expect(records[2]?.['Shown by M-Pesa as']).toBe('2547 ***** 126');
  });

  it('exports only the filtered set', async () => {
    const file = temp.path('filtered.csv');
    await exportLedger(db, file, { format: 'csv', filter: { direction: 'in' } });
    const records = parse(readFileSync(file, 'utf8').slice(1), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => r.Receipt)).toEqual(['TKB0000003']);
  });
});

describe('ledger XLSX export', () => {
  it('writes the same rows as numbers and text, formula-like text kept as inert text', async () => {
    const file = temp.path('ledger.xlsx');
    await exportLedger(db, file, { format: 'xlsx', sort: { by: 'time', order: 'asc' } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet('Ledger');
    if (sheet === undefined) throw new Error('no Ledger sheet');
    // Three rows, then the totals: money out and money in apart, since amounts carry no sign.
    expect(sheet.rowCount).toBe(6);
    const values = [2, 3, 4].map((n) => (sheet.getRow(n).values as unknown[]).slice(1));
    // Dates are date cells holding Nairobi wall-clock time (a spreadsheet has no zones).
    expect(values.map((v) => [v[0], v[1], v[5], v[6], v[9]])).toEqual([
      [new Date('2026-11-02T00:30:00.000Z'), 'TKA0000001', 25000.5, 13, 'Wanjiku Kamau'],
      [new Date('2026-11-02T09:00:00.000Z'), 'TKA0000002', 10, 0, "'=cmd|' /C calc'!A0"],
      [new Date('2026-11-03T09:00:00.000Z'), 'TKB0000003', 1200, 0, 'Mwangi, "Pete"'],
    ]);
    expect(sheet.getRow(2).getCell(1).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect([1, 6, 7].map((c) => sheet.getRow(5).getCell(c).value)).toEqual(['Paid out (3 rows in all)', 25010.5, 13]);
    expect([1, 6].map((c) => sheet.getRow(6).getCell(c).value)).toEqual(['Received', 1200]);
    expect(sheet.getRow(5).font?.bold).toBe(true);
    // No cell anywhere is a formula, the totals included.
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    expect(sheet.getRow(2).getCell(6).numFmt).toBe('#,##0.00');
  });
});

describe('run results export', () => {
  it('lists each person with amount, reference, state, time paid, receipt, registered name, charge and the failure reason, and the left-out rows', async () => {
    const wanjiku = addWorker(
      db,
      { name: 'Wanjiku Kamau', phone: '0712345678', defaultAmountCents: 2_500_000 },
      'Amina',
    );
    const otieno = addWorker(
      db,
      { name: '@Otieno Ochieng', phone: '0722000111', defaultAmountCents: 1_850_000 },
      'Amina',
    );
    const run = createRunFromWorkers(
      db,
      { title: 'November', workers: [{ workerId: wanjiku.id }, { workerId: otieno.id }] },
      { name: 'Amina' },
    );
    await approveAsPolicyNeeds(db, run.id);
    const [paid, failed] = listRunItems(db, run.id);
    if (paid === undefined || failed === undefined) throw new Error('two items');
    // What the payout engine leaves behind: one succeeded attempt, one failed.
    db.prepare(
      "UPDATE payroll_items SET state = 'paid', registered_name = 'WANJIKU KAMAU', name_check = 'match' WHERE id = ?",
    ).run(paid.id);
    db.prepare("UPDATE payroll_items SET state = 'failed' WHERE id = ?").run(failed.id);
    db.prepare(
      "INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, receipt) VALUES (?, 1, 'oc-1', ?, ?, 'SalaryPayment', 'succeeded', 'TKX0000001')",
    ).run(paid.id, paid.phone, paid.amountCents);
    db.prepare(
      "INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, result_code, result_desc) VALUES (?, 1, 'oc-2', ?, ?, 'SalaryPayment', 'failed', '2001', 'The initiator information is invalid.')",
    ).run(failed.id, failed.phone, failed.amountCents);

    db.prepare(
      "UPDATE payout_attempts SET finished_at = '2026-11-30T21:15:00.000Z' WHERE originator_conversation_id = 'oc-1'",
    ).run();

    const file = temp.path('run.csv');
    await exportRunResults(db, run.id, file, 'csv');
    const columns = [
      'Name',
      'Phone',
      'Amount (KES)',
      'Reference',
      'State',
      'Time paid (Nairobi)',
      'Receipt',
      'Registered M-Pesa name',
      'Charge (KES)',
      'Charge',
      'Failure reason',
    ];
    const read = (path: string): string[][] =>
      (parse(readFileSync(path, 'utf8').slice(1), { columns: true }) as Record<string, string>[]).map((r) =>
        columns.map((c) => r[c] ?? '?'),
      );
    // Paid before M-Pesa's result told the charge: the tariff's estimate, said to be one.
    const estimated = (estimateCharge(2_500_000) / 100).toFixed(2);
    expect(read(file)).toEqual([
      [
        'Wanjiku Kamau',
        '254712345678',
        '25000.00',
        'November',
        'paid',
        '2026-12-01 00:15:00',
        'TKX0000001',
        'WANJIKU KAMAU',
        estimated,
        'estimated',
        '',
      ],
      [
        "'@Otieno Ochieng",
        '254722000111',
        '18500.00',
        'November',
        'failed',
        '',
        '',
        '',
        '',
        '',
        'The initiator information is invalid. (code 2001)',
      ],
    ]);

    // Once the ledger holds the payment, its charge and completion time are the ones M-Pesa reported.
    const attemptId = (
      db.prepare("SELECT id FROM payout_attempts WHERE originator_conversation_id = 'oc-1'").get() as { id: number }
    ).id;
    db.transaction(() => {
      recordTransaction(db, {
        receipt: 'TKX0000001',
        occurredAt: '2026-11-30T21:14:02.000Z',
        direction: 'out',
        kind: 'b2c_payment',
        status: 'completed',
        amountCents: 2_500_000,
        chargeCents: 1_300,
        phone: '254712345678',
        partyName: 'WANJIKU KAMAU',
        attemptId,
        source: 'b2c_result',
      });
    })();
    await exportRunResults(db, run.id, file, 'csv');
    expect(read(file)[0]).toEqual([
      'Wanjiku Kamau',
      '254712345678',
      '25000.00',
      'November',
      'paid',
      '2026-12-01 00:14:02',
      'TKX0000001',
      'WANJIKU KAMAU',
      '13.00',
      'reported',
      '',
    ]);

    const xlsx = temp.path('run.xlsx');
    const leftOut = {
      titles: ['name', 'phone', 'amount'],
      rows: [{ row: 4, reason: '"5k" is not an amount in shillings', raw: ['Peter', '0722333444', '5k'] }],
    };
    await exportRunResults(db, run.id, xlsx, 'xlsx', leftOut);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([`Run ${run.id}`, 'Left out of the file']);
    const sheet = workbook.worksheets[0];
    const row = sheet?.getRow(3);
    expect([
      row?.getCell(2).value,
      row?.getCell(3).value,
      row?.getCell(4).value,
      row?.getCell(5).value,
      row?.getCell(6).value,
    ]).toEqual(["'@Otieno Ochieng", '254722000111', 18500, 'November', 'failed']);
    // The time paid is a date cell showing Nairobi wall-clock time; columns are as wide as their content.
    const paidCell = sheet?.getRow(2).getCell(7);
    expect(paidCell?.value).toEqual(new Date('2026-12-01T00:14:02.000Z'));
    expect(paidCell?.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet?.getColumn(13).width).toBe('The initiator information is invalid. (code 2001)'.length + 2);
    expect(sheet?.getColumn(2).width).toBe(17);
    const left = workbook.worksheets[1];
    expect(left?.getRow(1).values).toEqual([undefined, 'Row in file', 'Reason left out', 'name', 'phone', 'amount']);
    expect(left?.getRow(2).values).toEqual([
      undefined,
      4,
      '"5k" is not an amount in shillings',
      'Peter',
      '0722333444',
      '5k',
    ]);
  });
});

describe('export while the app keeps working', () => {
  it('reads on its own connection: a payment can be recorded mid-export, and the export keeps its snapshot', async () => {
    const busy = openDatabase(temp.path('busy.sqlite'));
    try {
      busy.transaction(() => {
        for (let n = 0; n < 1_200; n += 1) {
          recordTransaction(busy, {
            ...(rows[0] as NewTransaction),
            receipt: `TKM${String(n).padStart(7, '0')}`,
            occurredAt: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
          });
        }
      })();
      let firstChunk!: () => void;
      const firstChunkArrived = new Promise<void>((resolve) => (firstChunk = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let text = '';
      let chunks = 0;
      const slowReader = new Writable({
        highWaterMark: 1,
        write(chunk: Buffer, _encoding, callback) {
          text += chunk.toString('utf8');
          chunks += 1;
          if (chunks === 1) {
            firstChunk();
            void released.then(() => callback());
          } else callback();
        },
      });
      const exported = exportLedger(busy, slowReader, { format: 'csv' });
      await firstChunkArrived;
      // The export is stalled mid-statement; the engine's write must still go through.
      busy.transaction(() =>
        recordTransaction(busy, {
          ...(rows[1] as NewTransaction),
          receipt: 'TKNEW00001',
          occurredAt: '2026-12-01T00:00:00.000Z',
        }),
      )();
      release();
      await exported;
      const records = parse(text.slice(1), { columns: true }) as Record<string, string>[];
      expect(records).toHaveLength(1_200);
      expect(records.some((r) => r.Receipt === 'TKNEW00001')).toBe(false);
      expect(busy.prepare('SELECT count(*) AS n FROM transactions').get()).toEqual({ n: 1_201 });
    } finally {
      closeDatabase(busy);
    }
  });
});
