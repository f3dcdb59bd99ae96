// Large output through a real pipe to a slow reader: `runs show --json` and `ledger export` to
// stdout arrive whole, byte for byte, and the command still exits 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/db';
import { recordTransaction } from '../../../src/main/ledger/transactions';
import { loadOrCreateProfile } from '../../../src/main/composition/profile-database';
import { previewPayrollFile } from '../../../src/main/payroll/import';
import { createRunFromFile } from '../../../src/main/payroll/runs';
import { profileDatabasePath } from '../../../src/main/profiles';
import { payrollLines } from '../../crash/payroll-file';
import { readSlowly, spawnCli } from './spawn-cli';

const people = 1500;
const ledgerRows = 2500;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'mshahara-pipe-'));
  loadOrCreateProfile('demo', dataDir);
  const lines = payrollLines(people, 71);
  const csv = `name,phone,amount,reference\n${lines.map((l, i) => `"${l.name}",0${l.phone.slice(3)},${l.amountCents / 100},Salary ${i + 1}`).join('\n')}\n`;
  const db = openDatabase(profileDatabasePath('demo', dataDir));
  try {
    const preview = await previewPayrollFile(Buffer.from(csv), { duplicatesAgainstExisting: 'warn' });
    createRunFromFile(db, { title: 'December salaries', fileName: 'december.csv', preview }, { name: 'test' });
    const payers = payrollLines(ledgerRows, 72);
    db.transaction(() => {
      payers.forEach((l, i) =>
        recordTransaction(db, {
          receipt: `TKL${String(i).padStart(7, '0')}`,
          occurredAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
          direction: 'in',
          kind: 'c2b_payment',
          status: 'completed',
          amountCents: l.amountCents,
          phone: l.phone,
          partyName: l.name,
          accountReference: `INV-${i}`,
          source: 'c2b_confirmation',
        }),
      );
    })();
  } finally {
    closeDatabase(db);
  }
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('output through a pipe', () => {
  it('runs show --json larger than 200 KB reaches a slow reader whole', async () => {
    const cli = spawnCli(['runs', 'show', '1', '--json'], dataDir);
    const [out, code] = await Promise.all([readSlowly(cli), cli.exited]);
    expect(code).toBe(0);
    expect(out.length).toBeGreaterThan(200_000);
    const run = JSON.parse(out.toString('utf8')) as { totals: { count: number }; items: Array<{ lineNumber: number }> };
    expect(run.totals.count).toBe(people);
    expect(run.items).toHaveLength(people);
    expect(run.items.at(-1)?.lineNumber).toBe(people + 1);
  });

  it('ledger export to stdout larger than 200 KB reaches a slow reader whole', async () => {
    const cli = spawnCli(['ledger', 'export', '--format', 'csv'], dataDir);
    const [out, code] = await Promise.all([readSlowly(cli), cli.exited]);
    expect(code).toBe(0);
    const csv = out.toString('utf8');
    expect(out.length).toBeGreaterThan(200_000);
    const receipts = csv.match(/TKL\d{7}/g) ?? [];
    expect(new Set(receipts).size).toBe(ledgerRows);
    expect(csv.endsWith('\n')).toBe(true);
  });
});
