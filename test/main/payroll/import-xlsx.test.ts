// The nasty workbook from make-xlsx.ts gives exactly these rows: numbers stored as numbers, rich
// text and hyperlinks read as their text, formula cells read by their saved value, blank rows skipped.
import { beforeAll, describe, expect, it } from 'vitest';
import { previewPayrollFile, previewXlsx } from '../../../src/main/payroll/import';
import { ValidationError } from '../../../src/shared/errors';
import { makeNastyWorkbook } from '../../fixtures/imports/make-xlsx';

let workbook: Uint8Array;

beforeAll(async () => {
  workbook = await makeNastyWorkbook();
});

describe('XLSX import preview', () => {
  it('gives the exact rows to pay and the exact refusals, by spreadsheet row', async () => {
    const preview = await previewPayrollFile(workbook, { duplicatesAgainstExisting: 'warn' });
    expect(preview.valid).toEqual([
      {
        row: 2,
        name: 'Wanjiku Kamau',
        msisdn: '254712345678',
        amountCents: 150_000,
        reference: 'November salary',
        nationalId: '23456789',
        department: 'Operations',
      },
      // Formula cells give the value Excel saved with the file; Mshahara evaluates nothing.
      { row: 5, name: 'Akinyi Njeri', msisdn: '254110123456', amountCents: 300_000, reference: 'November salary' },
      { row: 7, name: 'MWANGI', msisdn: '254722111222', amountCents: 100_000, reference: 'November salary' },
      {
        row: 8,
        name: 'Achieng Atieno',
        msisdn: '254722333444',
        amountCents: 100_000,
        reference: '=1+1',
        department: '@Stores',
      },
    ]);
    expect(preview.invalid).toEqual([
      {
        row: 3,
        reason: 'M-Pesa pays whole shillings; KES 2,500.50 has cents',
        raw: ['Otieno Ochieng', '722000111', '2500.5', 'November salary'],
      },
      {
        row: 6,
        reason: 'Amount KES 300,000.00 is above the M-Pesa maximum of KES 250,000.00 per payment',
        raw: ['Kiprop Cheruiyot', '254711222333', '300000', 'Payslip 11'],
      },
      {
        row: 10,
        reason: '"2026-11-21" is not an amount in shillings',
        raw: ['Halima Abdi', '0722555666', '2026-11-21', 'November salary'],
      },
      {
        row: 11,
        reason: '"TRUE" is not a phone number (only digits, spaces, dashes and a leading +)',
        raw: ['Baraka Mutua', 'TRUE', '1000', 'November salary'],
      },
    ]);
    expect(preview.warnings).toEqual([
      { row: 8, message: 'Reference "=1+1" looks like a spreadsheet formula; check it' },
    ]);
    expect(preview.notes).toEqual([
      '2 cells are formulas; their values as Excel last saved them were read',
      'Read sheet "November" of 2; choose another sheet to read that one instead',
    ]);
    expect(preview.sheets).toEqual(['November', 'Ignored second sheet']);
    expect(preview.totals).toEqual({ count: 4, amountCents: 650_000 });
  });

  it('refuses bytes that are not a workbook', async () => {
    const broken = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    await expect(previewXlsx(broken, { duplicatesAgainstExisting: 'warn' })).rejects.toThrow(ValidationError);
    await expect(previewXlsx(broken, { duplicatesAgainstExisting: 'warn' })).rejects.toThrow(
      /not a readable XLSX workbook/,
    );
  });
});
