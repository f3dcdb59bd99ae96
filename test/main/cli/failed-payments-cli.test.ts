// `ledger failed` as a script meets it: the real CLI in its own process on a profile holding failed
// tries — printed with the reason and what happened next, filtered by Nairobi days typed dd/mm/yyyy,
// as JSON, exported to XLSX with date cells, and a day that does not exist refused.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openProfileDatabase } from '../../../src/main/composition/profile-database';
import type { FailedPayment, FailedPaymentsTotals } from '../../../src/main/payroll/failed-payments';
import { describeResultCode } from '../../../src/shared/daraja/codes';
import { freshDataFolderEachTest } from './cli-helpers';
import { spawnCli } from './spawn-cli';

const folder = freshDataFolderEachTest();

async function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const cli = spawnCli(['ledger', 'failed', ...args], folder.dataDir);
  let out = '';
  cli.child.stdout?.setEncoding('utf8');
  cli.child.stdout?.on('data', (chunk: string) => (out += chunk));
  const code = await cli.exited;
  return { code, out, err: cli.stderr() };
}

/**
 * November's run: Akinyi refused once, then paid on her second try; Baraka refused on 30 November
 * at 23:59:59 and again on 1 December at 00:00 (Nairobi), still unpaid.
 */
function seed(): void {
  const { db, close } = openProfileDatabase('demo');
  try {
    const runId = db
      .prepare(
        `INSERT INTO payroll_runs (title, period, state, approved_at) VALUES ('November salaries', '2026-11', 'completed', '2026-11-30T06:00:00.000Z')`,
      )
      .run().lastInsertRowid;
    const item = db.prepare(
      `INSERT INTO payroll_items (run_id, line_number, name, phone, amount_cents, remarks, state) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const akinyi = item.run(runId, 1, 'Akinyi Otieno', '254712000001', 2_000_00, 'NOV-1', 'paid').lastInsertRowid;
    const baraka = item.run(runId, 2, 'Baraka Mwangi', '254712000002', 3_000_00, 'NOV-2', 'failed').lastInsertRowid;
    const attempt = db.prepare(
      `INSERT INTO payout_attempts (item_id, attempt_number, originator_conversation_id, phone, amount_cents, command_id, state, receipt, result_code, result_desc, finished_at)
       VALUES (?, ?, ?, ?, ?, 'SalaryPayment', ?, ?, ?, ?, ?)`,
    );
    attempt.run(akinyi, 1, 'O-1', '254712000001', 2_000_00, 'failed', null, '2040', 'x', '2026-11-30T07:00:00.000Z');
    attempt.run(
      akinyi,
      2,
      'O-2',
      '254712000001',
      2_000_00,
      'succeeded',
      'SKU4AB12CD',
      '0',
      'ok',
      '2026-11-30T08:00:00.000Z',
    );
    attempt.run(baraka, 1, 'O-3', '254712000002', 3_000_00, 'failed', null, '2040', 'x', '2026-11-30T20:59:59.000Z');
    attempt.run(baraka, 2, 'O-4', '254712000002', 3_000_00, 'failed', null, '2001', 'x', '2026-11-30T21:00:00.000Z');
  } finally {
    close();
  }
}

describe('ledger failed', () => {
  it('prints each refused try with why and what happened next, and the totals', async () => {
    seed();
    const { code, out } = await runCli([]);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('Failed payments:');
    const akinyi = lines.find((text) => text.includes('Akinyi Otieno'))!;
    expect(akinyi).toContain('30 Nov 2026, 10:00');
    expect(akinyi).toContain('#1 November salaries');
    expect(akinyi).toContain('NOV-1');
    expect(akinyi).toContain('0712 000 001');
    expect(akinyi).toContain('KES 2,000.00');
    expect(akinyi).toContain(`${describeResultCode('2040').explanation} (2040)`);
    expect(akinyi).toContain('Paid on try 2, receipt SKU4AB12CD');
    const baraka = lines.filter((text) => text.includes('Baraka Mwangi'));
    expect(baraka).toHaveLength(2);
    expect(baraka[0]).toContain('1 Dec 2026, 00:00');
    expect(baraka[0]).toContain('Still unpaid: not tried again yet');
    expect(baraka[1]).toContain('Still unpaid: try 2 failed too');
    expect(out).toContain('3 failed tries, KES 8,000.00. Still unpaid: 1 payment, KES 3,000.00.');
  }, 30_000);

  it('takes Nairobi days typed dd/mm/yyyy, answers JSON, and refuses a day that does not exist', async () => {
    seed();
    const december = await runCli(['--from', '01/12/2026', '--to', '01/12/2026', '--json']);
    expect(december.code).toBe(0);
    const answer = JSON.parse(december.out) as { totals: FailedPaymentsTotals; rows: FailedPayment[] };
    expect(answer.rows.map((row) => [row.name, row.attemptNumber, row.reason.code])).toEqual([
      ['Baraka Mwangi', 2, '2001'],
    ]);
    expect(answer.totals).toEqual({ failedTries: 1, failedCents: 3_000_00, unpaidLines: 1, unpaidCents: 3_000_00 });

    const none = await runCli(['--run', '99']);
    expect(none.out.trim()).toBe('No failed payments (run #99).');

    const refused = await runCli(['--from', '31/02/2026']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--from: There is no day 31/02/2026');
  }, 30_000);

  it('exports the report to XLSX with date cells', async () => {
    seed();
    const file = join(folder.dataDir, 'failed.xlsx');
    const { code, err } = await runCli(['--to', '30/11/2026', '--export', file]);
    expect(code).toBe(0);
    expect(err).toContain(`Failed payments written to ${file} (2 rows).`);
    expect(existsSync(file)).toBe(true);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.getWorksheet('Failed payments')!;
    expect(sheet.rowCount).toBe(3);
    // 20:59:59 UTC is 23:59:59 in Nairobi: the cell holds the wall-clock time the officer saw.
    const latest = sheet.getRow(2);
    expect(latest.getCell(1).value).toEqual(new Date('2026-11-30T23:59:59.000Z'));
    expect(latest.getCell(6).value).toBe('Baraka Mwangi');
    expect(latest.getCell(8).value).toBe(3000);
  }, 30_000);
});
