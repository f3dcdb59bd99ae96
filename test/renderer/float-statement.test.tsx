// @vitest-environment happy-dom
// The float statement as an accountant sees it under Reconcile: the opening balance, each movement
// with its running balance and run (and a mark where the ledger has none), the closing balance,
// the check in words, the exports, and what it says when no statement covers the period.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { FloatStatementView } from '../../src/shared/contract';
import { Reconcile } from '../../src/renderer/screens/Reconcile';
import { FloatStatement } from '../../src/renderer/screens/reconcile/FloatStatement';
import { bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function november(overrides: Partial<FloatStatementView> = {}): FloatStatementView {
  return {
    account: 'Utility Account',
    period: '2026-11',
    from: '2026-10-31T21:00:00.000Z',
    to: '2026-11-30T21:00:00.000Z',
    covered: true,
    missing: null,
    partly: null,
    openingBalanceCents: 6_950_00,
    closingBalanceCents: 11_250_00,
    movements: [
      {
        statementRowId: 1,
        receipt: 'SLD4000001',
        completedAt: '2026-10-31T21:30:00.000Z',
        details: 'Funds Transfer from Working Account',
        otherParty: '600000 - Working Account',
        paidInCents: 5_000_00,
        withdrawnCents: 0,
        balanceCents: 11_950_00,
        ledgerId: null,
        runId: null,
        runTitle: null,
      },
      {
        statementRowId: 2,
        receipt: 'SLD4000002',
        completedAt: '2026-11-05T07:10:00.000Z',
        details: 'Business Payment to Customer',
        otherParty: '2547****003 - DAVID OMONDI',
        paidInCents: 0,
        withdrawnCents: 700_00,
        balanceCents: 11_250_00,
        ledgerId: 7,
        runId: 3,
        runTitle: 'November wages',
      },
    ],
    paidInCents: 5_000_00,
    withdrawnCents: 700_00,
    check: {
      adds: true,
      chains: true,
      breaks: [],
      words:
        'Opening KES 6,950.00 + paid in KES 5,000.00 − withdrawn KES 700.00 = closing KES 11,250.00. The Balance column adds up row by row.',
    },
    ledgerEntries: 1,
    withoutLedgerRow: 1,
    ...overrides,
  };
}

describe('Float statement', () => {
  it('opens from Reconcile for the chosen account and period, every movement between the balances', async () => {
    bridge.answer('statements.float', ({ account, period }) => november({ account, period }));
    renderWithProviders(<Reconcile />);
    fireEvent.change(screen.getByTestId('reconcile-period'), { target: { value: '2026-11' } });
    fireEvent.click(screen.getByTestId('tab-float'));

    const table = await screen.findByTestId('float-table');
    expect(screen.queryByTestId('float-partly')).toBeNull();
    expect(bridge.callsOf('statements.float').at(-1)).toEqual({ account: 'Utility Account', period: '2026-11' });
    expect(screen.getByTestId('float-opening').textContent).toBe('KES 6,950.00');
    expect(screen.getByTestId('float-closing').textContent).toBe('KES 11,250.00');
    const rows = within(table).getAllByRole('row');
    expect(rows.map((r) => r.getAttribute('data-testid'))).toEqual([
      null,
      'float-opening-row',
      'float-row-SLD4000001',
      'float-row-SLD4000002',
      'float-closing-row',
    ]);
    // Nairobi time: 21:30 UTC on 31 October is 00:30 on 1 November.
    expect(rows[2]?.textContent).toContain('1 Nov 2026, 00:30');
    expect(rows[2]?.textContent).toContain('Not in the ledger');
    expect(rows[3]?.textContent).toContain('November wages');
    expect(rows[3]?.textContent).toContain('KES 11,250.00');
    expect(rows[3]?.textContent).not.toContain('Not in the ledger');
    expect(screen.getByTestId('float-check').textContent).toContain('The balances add up');
    expect(screen.getByTestId('float-ledger-note').textContent).toContain('1 movement has no ledger row');
  });

  it('exports for Xero through the same file-saving path as every export', async () => {
    bridge.answer('statements.float', () => november());
    bridge.answer('statements.floatExport', ({ format }) => ({
      fileName: `mshahara-float-utility-account-2026-11-${format}.csv`,
      mimeType: 'text/csv; charset=utf-8',
      rows: 2,
      path: `/exports/mshahara-float-utility-account-2026-11-${format}.csv`,
      contentBase64: null,
    }));
    renderWithProviders(<FloatStatement account="Utility Account" period="2026-11" />);
    fireEvent.click(await screen.findByTestId('float-export-xero'));
    fireEvent.click(screen.getByTestId('float-export-quickbooks'));
    await waitFor(() =>
      expect(bridge.callsOf('statements.floatExport')).toEqual([
        { account: 'Utility Account', period: '2026-11', format: 'xero' },
        { account: 'Utility Account', period: '2026-11', format: 'quickbooks' },
      ]),
    );
  });

  it('names the part of the period no imported statement takes in', async () => {
    const partly =
      'No imported statement of the Utility Account takes in 16 Nov 2026, 00:00 to 30 Nov 2026, 23:59: movements then are not shown. Import the Utility Account statement for that stretch to complete the period.';
    bridge.answer('statements.float', () => november({ partly }));
    renderWithProviders(<FloatStatement account="Utility Account" period="2026-11" />);
    expect((await screen.findByTestId('float-partly')).textContent).toContain(partly);
  });

  it('says plainly when the balances break, with the receipts either side', async () => {
    const words =
      'Opening KES 6,950.00 + paid in KES 0.00 − withdrawn KES 700.00 comes to KES 6,250.00, but the closing balance M-Pesa printed is KES 5,000.00: KES -1,250.00 is unaccounted for. The Balance column breaks 1 time: between SLD4000001 and SLD4000002 (KES -1,250.00 unaccounted for).';
    bridge.answer('statements.float', () =>
      november({ check: { adds: false, chains: false, breaks: [], words }, closingBalanceCents: 5_000_00 }),
    );
    renderWithProviders(<FloatStatement account="Utility Account" period="2026-11" />);
    const check = await screen.findByTestId('float-check');
    expect(check.textContent).toContain('The balances do not add up');
    expect(check.textContent).toContain('between SLD4000001 and SLD4000002');
  });

  it('says what to import when no statement covers the period, and shows no balances', async () => {
    bridge.answer('statements.float', () =>
      november({
        covered: false,
        missing:
          'No imported M-Pesa statement of the Utility Account covers 2026-11. Export the Utility Account statement for these dates from the M-Pesa organisation portal and import it. The ledger has 4 entries in this period; without the statement their balances cannot be shown.',
        openingBalanceCents: null,
        closingBalanceCents: null,
        movements: [],
        check: null,
        ledgerEntries: 4,
        withoutLedgerRow: 0,
      }),
    );
    renderWithProviders(<FloatStatement account="Utility Account" period="2026-11" />);
    const missing = await screen.findByTestId('float-missing');
    expect(missing.textContent).toContain('Export the Utility Account statement');
    expect(missing.textContent).toContain('The ledger has 4 entries in this period');
    expect(screen.queryByTestId('float-opening')).toBeNull();
    expect(screen.queryByTestId('float-export-xero')).toBeNull();
  });

  it('shows the problem, not an empty statement, when the core cannot be reached', async () => {
    bridge.failWith('unavailable', 'The connection to Mshahara closed.');
    renderWithProviders(<FloatStatement account="Utility Account" period="2026-11" />);
    expect((await screen.findByRole('alert')).textContent).toContain('The connection to Mshahara closed.');
    expect(screen.queryByTestId('float-table')).toBeNull();
  });
});
