// Import benchmark: a 20,000-row payroll workbook (XLSX, as Excel writes it) and the same rows as
// CSV, each previewed the way the app does it (on the bounded reading thread): wall time and the
// process's peak RSS while it reads. Prints figures; asserts nothing.
// Run: npm run bench:import [-- --rows 20000]
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { previewPayrollFile } from '../src/main/payroll/import';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '20000' } } });
const rowCount = Number(args.rows);
const folder = mkdtempSync(join(tmpdir(), 'mshahara-bench-import-'));

const firstNames = ['Wanjiku', 'Otieno', 'Akinyi', 'Kiprop', 'Chebet', 'Mwangi', 'Njeri', 'Omondi', 'Atieno', 'Kamau'];
const lastNames = [
  'Kamau',
  'Ochieng',
  'Njeri',
  'Cheruiyot',
  'Rono',
  'Mwita',
  'Kariuki',
  'Odhiambo',
  'Wekesa',
  'Kimani',
];
const departments = ['Operations', 'Sales', 'Field', 'Packhouse', 'Office'];
const rows = Array.from({ length: rowCount }, (_, i) => ({
  staff: `S-${String(i + 1).padStart(5, '0')}`,
  name: `${firstNames[i % 10] ?? ''} ${lastNames[Math.floor(i / 10) % 10] ?? ''} ${i + 1}`,
  phone: `07${String(10_000_000 + i).padStart(8, '0')}`,
  amount: 5_000 + (i % 200) * 250,
  reference: 'November 2026 salary',
  department: departments[i % 5] ?? '',
}));

async function writeFiles(): Promise<{ xlsx: string; csv: string }> {
  const xlsx = join(folder, `payroll-${rowCount}.xlsx`);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('Payroll');
  sheet.addRow(['Staff No', 'Employee Name', 'Phone Number', 'Net Pay (KES)', 'Narration', 'Department']).commit();
  for (const r of rows) sheet.addRow([r.staff, r.name, r.phone, r.amount, r.reference, r.department]).commit();
  sheet.commit();
  await workbook.commit();
  const csv = join(folder, `payroll-${rowCount}.csv`);
  writeFileSync(
    csv,
    [
      'Staff No,Employee Name,Phone Number,Net Pay (KES),Narration,Department',
      ...rows.map((r) => [r.staff, r.name, r.phone, r.amount, r.reference, r.department].join(',')),
    ].join('\r\n'),
  );
  return { xlsx, csv };
}

async function measure(label: string, path: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(path));
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const preview = await previewPayrollFile(bytes, { duplicatesAgainstExisting: 'warn' });
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(0);
  console.log(
    `${label.padEnd(5)} ${(statSync(path).size / 1024 / 1024).toFixed(2).padStart(6)} MB file  ${String(preview.valid.length).padStart(6)} valid, ${preview.invalid.length} left out  ` +
      `${(ms / 1000).toFixed(2).padStart(5)} s  peak RSS ${mb(peak).padStart(4)} MB (before ${mb(before)} MB)`,
  );
}

try {
  const files = await writeFiles();
  console.log(
    `Previewing ${rowCount.toLocaleString('en-KE')} rows on the reading thread (goal: XLSX under 5 s and 300 MB peak RSS)`,
  );
  // One warm-up read so both figures include only reading, not the first thread's code loading.
  await previewPayrollFile(new Uint8Array(Buffer.from('name,phone,amount\nA,0712345678,100\n')), {
    duplicatesAgainstExisting: 'warn',
  });
  await measure('XLSX', files.xlsx);
  await measure('CSV', files.csv);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
