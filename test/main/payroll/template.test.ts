// The downloadable template has the documented columns and its two example rows import cleanly.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { previewCsv, previewXlsx } from '../../../src/main/payroll/import';
import { payrollTemplateCsv, payrollTemplateXlsx } from '../../../src/main/payroll/template';

const examples = [
  {
    row: 2,
    name: 'Wanjiku Kamau',
    msisdn: '254712345678',
    amountCents: 2_500_000,
    reference: 'November salary',
    nationalId: '23456789',
    department: 'Operations',
  },
  {
    row: 3,
    name: 'Otieno Ochieng',
    msisdn: '254110123456',
    amountCents: 1_850_000,
    reference: 'November salary',
    nationalId: '31234567',
    department: 'Sales',
  },
];

describe('payroll template', () => {
  it('CSV: BOM, the six headers, and two rows that import as valid', () => {
    const csv = payrollTemplateCsv();
    expect(csv.startsWith('\uFEFFname,phone,amount,reference,national_id,department\r\n')).toBe(true);
    const preview = previewCsv(csv, { duplicatesAgainstExisting: 'warn' });
    expect(preview.valid).toEqual(examples);
    expect(preview.invalid).toEqual([]);
  });

  it('XLSX: the six headers, text-formatted phones, and two rows that import as valid', async () => {
    const bytes = await payrollTemplateXlsx();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    const sheet = workbook.worksheets[0];
    expect(sheet?.getRow(1).values).toEqual([
      undefined,
      'name',
      'phone',
      'amount',
      'reference',
      'national_id',
      'department',
    ]);
    expect(sheet?.getCell('B2').value).toBe('0712 345 678');
    expect(sheet?.getCell('B2').numFmt).toBe('@');
    const preview = await previewXlsx(bytes, { duplicatesAgainstExisting: 'warn' });
    expect(preview.valid).toEqual(examples);
    expect(preview.invalid).toEqual([]);
  });
});
