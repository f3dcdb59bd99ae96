// Payroll files in the shapes officers really have them (an HR export with merged headers and
// formulas, a bank bulk-payment layout, a WorkPay-style export, a hand-typed sheet): each previewed
// with exactly the rows and reasons expected, and a mapping chosen once applied to next month's file.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type ProfileDatabase } from '../../../src/main/db';
import { previewPayrollFile, type ImportOptions, type ImportPreview } from '../../../src/main/payroll/import';
import { rememberMapping, rememberedMappings } from '../../../src/main/payroll/import-mappings';
import { ValidationError } from '../../../src/shared/errors';
import { makeHrExport } from '../../fixtures/imports/shapes/make-hr-export';
import { tempFolder } from '../db/temp-folder';

const shape = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/imports/shapes/${name}`, import.meta.url)));
const payrollFile: ImportOptions = { duplicatesAgainstExisting: 'warn' };
const refusals = (preview: ImportPreview): Array<[number, string]> => preview.invalid.map((r) => [r.row, r.reason]);
const meanings = (preview: ImportPreview): Array<[string, string | null]> =>
  preview.columns.map((c) => [c.title, c.meaning]);

const temp = tempFolder('mshahara-import-shapes-');
const opened: ProfileDatabase[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

describe('payroll files as officers have them', () => {
  it('an HR export: title and merged group rows above the titles, net pay by formula, a hidden row, a summary sheet first', async () => {
    const preview = await previewPayrollFile(await makeHrExport(), payrollFile);
    expect(preview.sheets).toEqual(['Summary', 'Payroll']);
    expect(preview.sheet).toBe('Payroll');
    expect(preview.headerRow).toBe(4);
    expect(meanings(preview)).toEqual([
      ['Staff No', 'staffNumber'],
      ['Employee Name', 'name'],
      ['Mobile', 'phone'],
      ['Basic', null],
      ['Allowances', null],
      ['Dept', 'department'],
      ['Net Pay (KES)', 'amount'],
    ]);
    expect(preview.valid).toEqual([
      {
        row: 5,
        name: 'Wanjiku Kamau',
        msisdn: '254712345678',
        amountCents: 3_500_000,
        reference: 'Payroll',
        staffNumber: 'SF-001',
        department: 'Packhouse',
      },
      {
        row: 6,
        name: 'Otieno Ochieng',
        msisdn: '254722000111',
        amountCents: 2_250_000,
        reference: 'Payroll',
        staffNumber: 'SF-002',
        department: 'Field',
      },
      {
        row: 9,
        name: '40017',
        msisdn: '254722555666',
        amountCents: 1_600_000,
        reference: 'Payroll',
        staffNumber: 'SF-005',
        department: 'Field',
      },
      {
        row: 10,
        name: 'Halima Abdi',
        msisdn: '254722777888',
        amountCents: 2_800_000,
        reference: 'Payroll',
        staffNumber: 'SF-006',
        department: 'Office',
      },
    ]);
    expect(refusals(preview)).toEqual([
      [
        8,
        'Amount is a formula ("=D8+E8") saved without its value; open the file in Excel and save it again, or type the value',
      ],
    ]);
    expect(preview.warnings).toEqual([{ row: 9, message: 'Name "40017" is a number, not a name; check the columns' }]);
    expect(preview.notes).toEqual([
      'Row 7 is hidden in the sheet and was left out; unhide it in Excel to include it',
      '4 cells are formulas; their values as Excel last saved them were read',
      'Read sheet "Payroll" of 2; choose another sheet to read that one instead',
      '5 rows have no reference; they are paid with the reference "Payroll"',
    ]);
    expect(preview.totals).toEqual({ count: 4, amountCents: 10_150_000 });
    // Choosing the summary sheet reads that one: it has no payroll titles, so it is refused saying so.
    await expect(previewPayrollFile(await makeHrExport(), { ...payrollFile, sheet: 'Summary' })).rejects.toThrow(
      /The file has no name, phone, amount columns/,
    );
  });

  it('a bank bulk-payment layout: the unplaced phone column is offered for mapping, and the mapping is remembered for next month', async () => {
    const db = openDatabase(temp.path('shapes.sqlite'));
    opened.push(db);
    const unmapped = await previewPayrollFile(shape('bank-bulk.csv'), {
      ...payrollFile,
      allowUnmapped: true,
      rememberedMappings: rememberedMappings(db),
    });
    expect(unmapped.missingColumns).toEqual(['phone']);
    expect(meanings(unmapped)).toEqual([
      ['Beneficiary Name', 'name'],
      ['Beneficiary Account/Phone', null],
      ['Amount', 'amount'],
      ['Narrative', 'reference'],
      ['Bank Code', null],
    ]);
    expect(unmapped.valid).toEqual([]);
    // Without the screens' mapping step (the CLI), the same file is refused naming the unplaced titles.
    await expect(previewPayrollFile(shape('bank-bulk.csv'), payrollFile)).rejects.toThrow(
      new ValidationError(
        'The file has no phone column; titles not recognised: "Beneficiary Account/Phone", "Bank Code". The header row must hold name, phone and amount (reference, national ID, staff number and department are optional).',
      ),
    );

    const mapped = await previewPayrollFile(shape('bank-bulk.csv'), { ...payrollFile, mapping: { phone: 1 } });
    expect(mapped.mappedBy).toBe('chosen');
    expect(mapped.valid).toEqual([
      { row: 2, name: 'WANJIKU KAMAU', msisdn: '254712345678', amountCents: 3_500_000, reference: 'NOV SALARY' },
      { row: 3, name: 'OTIENO OCHIENG', msisdn: '254722000111', amountCents: 2_250_000, reference: 'NOV SALARY' },
      { row: 5, name: 'HALIMA ABDI', msisdn: '254722777888', amountCents: 2_800_000, reference: 'Payroll' },
    ]);
    expect(refusals(mapped)).toEqual([[4, '254733123456 is not a Safaricom M-Pesa number']]);
    rememberMapping(db, mapped.layout, { phone: 1 }, 'Amina');

    const nextMonth = await previewPayrollFile(shape('bank-bulk-next-month.csv'), {
      ...payrollFile,
      allowUnmapped: true,
      rememberedMappings: rememberedMappings(db),
    });
    expect(nextMonth.layout).toBe(mapped.layout);
    expect(nextMonth.mappedBy).toBe('remembered');
    expect(nextMonth.missingColumns).toEqual([]);
    expect(nextMonth.valid.map((r) => [r.row, r.msisdn, r.amountCents, r.reference])).toEqual([
      [2, '254712345678', 3_500_000, 'DEC SALARY'],
      [3, '254722000111', 2_300_000, 'DEC SALARY'],
    ]);
    // A different layout is not affected by what was remembered for this one.
    const other = await previewPayrollFile(shape('workpay-export.csv'), {
      ...payrollFile,
      rememberedMappings: rememberedMappings(db),
    });
    expect(other.mappedBy).toBe('titles');
  });

  it('a WorkPay-style export: "Net Pay (KES)" is the amount, deductions are ignored, a net pay with cents is refused', async () => {
    const preview = await previewPayrollFile(shape('workpay-export.csv'), payrollFile);
    expect(meanings(preview).filter(([, meaning]) => meaning !== null)).toEqual([
      ['Employee No', 'staffNumber'],
      ['Employee Name', 'name'],
      ['ID Number', 'nationalId'],
      ['Phone Number', 'phone'],
      ['Department', 'department'],
      ['Net Pay (KES)', 'amount'],
    ]);
    expect(preview.valid).toEqual([
      {
        row: 3,
        name: 'Otieno Ochieng',
        msisdn: '254722000111',
        amountCents: 2_391_500,
        reference: 'Payroll',
        nationalId: '31234567',
        staffNumber: 'WP-1002',
        department: 'Sales',
      },
      {
        row: 4,
        name: 'Akinyi Njeri',
        msisdn: '254110123456',
        amountCents: 2_050_900,
        reference: 'Payroll',
        nationalId: '34567890',
        staffNumber: 'WP-1003',
        department: 'Sales',
      },
      {
        row: 5,
        name: 'Kiprop Cheruiyot',
        msisdn: '254722555666',
        amountCents: 8_322_300,
        reference: 'Payroll',
        nationalId: '29876543',
        staffNumber: 'WP-1004',
        department: 'Operations',
      },
    ]);
    expect(refusals(preview)).toEqual([[2, 'M-Pesa pays whole shillings; KES 39,506.65 has cents']]);
    expect(preview.totals).toEqual({ count: 3, amountCents: 12_764_700 });
  });

  it('a hand-typed sheet: a title line, stray spaces, blank lines, a formula-looking name and a numeric name flagged, not refused', async () => {
    const usualAmounts = new Map([['254722000111', 1_000_000]]);
    const existingPhones = new Map([['254722555666', 'Peter Otieno']]);
    const preview = await previewPayrollFile(shape('hand-typed.csv'), { ...payrollFile, usualAmounts, existingPhones });
    expect(preview.headerRow).toBe(3);
    expect(preview.valid).toEqual([
      { row: 4, name: 'Mama Njeri', msisdn: '254712345678', amountCents: 500_000, reference: 'wages' },
      { row: 5, name: '=1+1', msisdn: '254722000111', amountCents: 1_200_000, reference: 'wages' },
      { row: 9, name: '12345', msisdn: '254722555666', amountCents: 300_000, reference: 'wages' },
      { row: 10, name: 'Grace Wambui', msisdn: '254722777888', amountCents: 350_000, reference: 'Payroll' },
    ]);
    expect(refusals(preview)).toEqual([
      [6, '"5k" is not an amount in shillings'],
      [8, 'Phone 0712 345 678 is already in row 4'],
    ]);
    expect(preview.warnings).toEqual([
      { row: 5, message: 'Name "=1+1" looks like a spreadsheet formula; check it is the person\'s name' },
      { row: 9, message: 'Name "12345" is a number, not a name; check the columns' },
      {
        row: 9,
        message:
          'Phone 0722 555 666 belongs to saved worker Peter Otieno, not to "12345"; check it is the right number',
      },
    ]);
    // Twelve thousand where ten thousand is usual is not flagged; three times the usual is.
    const tripled = await previewPayrollFile(shape('hand-typed.csv'), {
      ...payrollFile,
      usualAmounts: new Map([['254722000111', 390_000]]),
    });
    expect(tripled.warnings.filter((w) => w.row === 5).map((w) => w.message)).toContain(
      "Amount KES 12,000.00 is far from this worker's usual KES 3,900.00; check it",
    );
  });
});
