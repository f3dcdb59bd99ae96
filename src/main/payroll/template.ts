// The payroll file template an officer downloads, fills in and imports: the same columns the import
// reads (name, phone, amount, reference, national_id, department) and two example rows.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { neutraliseCell } from '../../shared/spreadsheet-safety';

export const templateColumns = ['name', 'phone', 'amount', 'reference', 'national_id', 'department'] as const;

type TemplateRow = {
  name: string;
  phone: string;
  amountShillings: number;
  reference: string;
  nationalId: string;
  department: string;
};

const exampleRows: readonly TemplateRow[] = [
  {
    name: 'Wanjiku Kamau',
    phone: '0712 345 678',
    amountShillings: 25000,
    reference: 'November salary',
    nationalId: '23456789',
    department: 'Operations',
  },
  {
    name: 'Otieno Ochieng',
    phone: '0110 123 456',
    amountShillings: 18500,
    reference: 'November salary',
    nationalId: '31234567',
    department: 'Sales',
  },
];

/** CSV text (UTF-8 with BOM so Excel opens it as UTF-8, CRLF line ends as Excel writes them). */
export function payrollTemplateCsv(): string {
  const rows = exampleRows.map((r) =>
    [r.name, r.phone, String(r.amountShillings), r.reference, r.nationalId, r.department].map((cell) =>
      neutraliseCell(cell),
    ),
  );
  return `\uFEFF${stringify([[...templateColumns], ...rows], { record_delimiter: 'windows' })}`;
}

/** XLSX workbook bytes. Phone and ID columns are text-formatted so Excel keeps the leading 0 people type. */
export async function payrollTemplateXlsx(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Mshahara';
  const sheet = workbook.addWorksheet('Payroll');
  sheet.columns = [
    { header: 'name', key: 'name', width: 28 },
    { header: 'phone', key: 'phone', width: 18, style: { numFmt: '@' } },
    { header: 'amount', key: 'amount', width: 14, style: { numFmt: '#,##0' } },
    { header: 'reference', key: 'reference', width: 28 },
    { header: 'national_id', key: 'national_id', width: 14, style: { numFmt: '@' } },
    { header: 'department', key: 'department', width: 18 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const r of exampleRows) {
    sheet.addRow({
      name: neutraliseCell(r.name),
      phone: neutraliseCell(r.phone),
      amount: r.amountShillings,
      reference: neutraliseCell(r.reference),
      national_id: neutraliseCell(r.nationalId),
      department: neutraliseCell(r.department),
    });
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}
