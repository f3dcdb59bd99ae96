// The float statement through the contract, as the screens call it: statements.float answers from
// the imported statement, statements.floatExport hands back the QuickBooks file's bytes in the
// browser host, and a period with no statement is refused as a conflict with what to import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApi, type TestApi } from './helpers';

const statement = [
  'Receipt No.,Completion Time,Initiation Time,Details,Transaction Status,Paid In,Withdrawn,Balance,Balance Confirmed,Reason Type,Other Party Info,Linked Transaction ID,A/C No.',
  'SLF6000002,10-11-2026 09:00:00,,Business Payment to Customer,Completed,,1250.00,"3,750.00",TRUE,,2547****021 - MARY NJERI,,',
  'SLF6000001,03-11-2026 08:00:00,,Funds Transfer from Working Account,Completed,"5,000.00",,"5,000.00",TRUE,,600000 - Working Account,,',
].join('\r\n');
let t: TestApi;

beforeAll(async () => {
  t = await testApi();
  await t.call('profiles.create', { kind: 'demo' });
  await t.call('statements.import', {
    fileName: 'ORG_600000_Utility Account_Completed_20261130235959.csv',
    contentBase64: Buffer.from(statement).toString('base64'),
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('statements.float and statements.floatExport', () => {
  it('answers the float statement and exports it for QuickBooks', async () => {
    const view = await t.call('statements.float', { account: 'Utility Account', period: '2026-11' });
    expect(view).toMatchObject({
      covered: true,
      openingBalanceCents: 0,
      closingBalanceCents: 3_750_00,
      paidInCents: 5_000_00,
      withdrawnCents: 1_250_00,
      withoutLedgerRow: 2,
    });
    expect(view.movements.map((m) => m.receipt)).toEqual(['SLF6000001', 'SLF6000002']);

    const file = await t.call('statements.floatExport', {
      account: 'Utility Account',
      period: '2026-11',
      format: 'quickbooks',
    });
    expect(file).toMatchObject({ mimeType: 'text/csv; charset=utf-8', rows: 2, path: null });
    expect(file.fileName).toMatch(/^mshahara-float-utility-account-2026-11-quickbooks_.+\.csv$/);
    expect(Buffer.from(file.contentBase64 ?? '', 'base64').toString('utf8')).toBe(
      [
        'Date,Description,Amount',
        '03/11/2026,SLF6000001 - Funds Transfer from Working Account - 600000 - Working Account,5000.00',
        '10/11/2026,SLF6000002 - Business Payment to Customer - 2547****021 - MARY NJERI,-1250.00',
        '',
      ].join('\r\n'),
    );
  });

  it('refuses to export a period no statement covers, saying what to import', async () => {
    const refused = await t
      .call('statements.floatExport', { account: 'Utility Account', period: '2026-12', format: 'xero' })
      .then(
        () => null,
        (error: { contractError: { kind: string; message: string } }) => error.contractError,
      );
    expect(refused?.kind).toBe('conflict');
    expect(refused?.message).toContain('No imported M-Pesa statement of the Utility Account covers 2026-12');
  });
});
