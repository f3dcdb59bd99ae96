// The CLI's side of file import: the template to fill in, a worker file with empty amounts and a
// column the titles do not place, and a file built to rewrite the terminal printed as plain text.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { previewPayrollFile } from '../../../src/main/payroll/import';
import { profileDatabasePath } from '../../../src/main/profiles';
import { cli, freshDataFolderEachTest, seedCliPeople, signedIn } from './cli-helpers';

const folder = freshDataFolderEachTest();
const run = (argv: string[]) => cli(argv, { secrets: folder.secrets, env: signedIn });

function savedWorkers(): unknown[] {
  const db = openDatabase(profileDatabasePath('demo'));
  try {
    return db
      .prepare('SELECT name, phone, staff_number AS staff, default_amount_cents AS cents FROM workers ORDER BY phone')
      .all();
  } finally {
    closeDatabase(db);
  }
}

describe('import from the command line', () => {
  it('writes the template as CSV and XLSX, each read back as two payable rows', async () => {
    const csv = await run(['template', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.out.split('\r\n')[0]).toBe('\uFEFFname,phone,amount,reference,national_id,department');
    const fromCsv = await previewPayrollFile(new Uint8Array(Buffer.from(csv.out, 'utf8')), {
      duplicatesAgainstExisting: 'warn',
    });
    expect(fromCsv.valid.map((r) => [r.name, r.msisdn, r.amountCents])).toEqual([
      ['Wanjiku Kamau', '254712345678', 2_500_000],
      ['Otieno Ochieng', '254110123456', 1_850_000],
    ]);
    const out = join(folder.dataDir, 'template.xlsx');
    const xlsx = await run(['template', '--out', out]);
    expect(xlsx.code).toBe(0);
    expect(xlsx.err).toContain(`Template written to ${out}.`);
    const fromXlsx = await previewPayrollFile(new Uint8Array(readFileSync(out)), { duplicatesAgainstExisting: 'warn' });
    expect(fromXlsx.valid.map((r) => [r.name, r.msisdn, r.amountCents])).toEqual(
      fromCsv.valid.map((r) => [r.name, r.msisdn, r.amountCents]),
    );
    expect((await run(['template', '--format', 'pdf'])).code).toBe(2);
  });

  it('imports workers with an empty amount, mapping a column the titles do not place', async () => {
    const file = join(folder.dataDir, 'staff.csv');
    writeFileSync(
      file,
      'Staff No,Jina,Simu,Mshahara\nS-1,Achieng Otieno,0712 345 678,\nS-2,Mutua Kamau,0110 123 456,"2,000"\n',
    );
    const refused = await run(['workers', 'import', file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(
      'The file has no name, phone columns; titles not recognised: "Jina", "Simu", "Mshahara"',
    );
    await seedCliPeople();
    const imported = await run([
      'workers',
      'import',
      file,
      '--map',
      'name=2,phone=3,amount=4',
      '--yes',
      '--user',
      'amina',
    ]);
    expect(imported.err).toBe('');
    expect(imported.out).toContain('2 valid rows, total KES 2,000.00.');
    expect(imported.out).toContain('Imported 2 workers.');
    expect(savedWorkers()).toEqual([
      { name: 'Mutua Kamau', phone: '254110123456', staff: 'S-2', cents: 200_000 },
      { name: 'Achieng Otieno', phone: '254712345678', staff: 'S-1', cents: null },
    ]);
  });

  it('prints names and reasons from a file with escape sequences as text', async () => {
    const file = join(folder.dataDir, 'escapes.csv');
    writeFileSync(
      file,
      'name,phone,amount\nOtieno Ochieng,0722000111,250000\n"\x1b[2J\x1b[HPayroll ok",0722000222,1000\n',
    );
    const preview = await run(['workers', 'import', file]);
    expect(preview.out + preview.err).not.toContain('\x1b');
    expect(preview.out).toContain('1 valid row, total KES 250,000.00.');
    expect(preview.out).toContain('row 3: Name contains a hidden control character (ESC (escape), U+001B); retype it');
  });
});
