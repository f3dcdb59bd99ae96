// @vitest-environment happy-dom
// The ledger: every transaction, one opened in full (kept in the URL), and a lost core said as such.
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App';
import { aLedgerRow, aRun, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function openAt(url: string) {
  window.history.replaceState(null, '', url);
  return renderWithProviders(<App />);
}

const rows = [
  aLedgerRow({ id: 5, receipt: 'SKE52PAWR9', partyName: 'Akinyi Otieno', phone: '254712345678' }),
  aLedgerRow({ id: 6, receipt: 'SKE52PAWS0', partyName: 'Baraka Mwangi', phone: '254722000111' }),
];

describe('Ledger', () => {
  it('lists the transactions', async () => {
    bridge.data.ledger = rows;
    openAt('/#/ledger');

    await screen.findByText('Akinyi Otieno');
    expect(screen.getByText('Baraka Mwangi')).toBeTruthy();
    expect(screen.getByTestId('ledger-count').getAttribute('data-total')).toBe('2');
  });

  it('opens a transaction in full, puts it in the URL, and a reload keeps it open', async () => {
    const user = userEvent.setup();
    bridge.data.ledger = rows;
    const first = openAt('/?token=t0k#/ledger');

    await user.click(await screen.findByText('Baraka Mwangi'));
    const detail = await screen.findByTestId('ledger-detail');
    await within(detail).findByText('SKE52PAWS0');
    expect(window.location.hash).toBe('#/ledger/6');
    expect(window.location.search).toBe('?token=t0k');

    first.unmount();
    openAt(window.location.href.slice(window.location.origin.length));
    const again = await screen.findByTestId('ledger-detail');
    await within(again).findByText('SKE52PAWS0');
  });

  it('says the connection is lost, not "No transactions match."', async () => {
    const user = userEvent.setup();
    openAt('/');
    await screen.findByTestId('dashboard');

    bridge.failWith('unavailable', 'The connection to Mshahara closed.');
    await user.click(screen.getByTestId('nav-ledger'));

    await screen.findByText("Lost connection to Mshahara's core.");
    expect(screen.getByRole('alert').textContent).toContain('The connection to Mshahara closed.');
    expect(screen.queryByText('No transactions match.')).toBeNull();
  });

  it('shows each charge with how it is known, the payroll behind each payment, and the estimated part of the total', async () => {
    bridge.data.ledger = [
      aLedgerRow({
        id: 7,
        receipt: 'SKE52PAWT1',
        partyName: 'Wambũi Njeri',
        chargeCents: 13_00,
        chargeBasis: 'estimated',
        runId: 3,
        runTitle: 'Mshahara wa Novemba',
        runPeriod: '2026-11',
        reference: 'NOV-7',
      }),
      aLedgerRow({
        id: 8,
        receipt: 'SKE52PAWT2',
        partyName: 'Otieno Ochieng',
        chargeCents: 15_00,
        chargeBasis: 'confirmed',
        runId: 3,
        runTitle: 'Mshahara wa Novemba',
        runPeriod: '2026-11',
        reference: 'NOV-8',
      }),
    ];
    openAt('/#/ledger');

    await screen.findByText('Wambũi Njeri');
    const charges = screen.getAllByTestId('ledger-charge');
    expect(charges.map((c) => [c.textContent, c.getAttribute('data-basis')])).toEqual([
      ['KES 13.00 est.', 'estimated'],
      ['KES 15.00 confirmed', 'confirmed'],
    ]);
    expect(charges[0]?.getAttribute('title')).toContain('Estimated from the tariff');
    expect(screen.getAllByTestId('ledger-run').map((r) => r.textContent)).toEqual([
      'Mshahara wa Novemba · NOV-7',
      'Mshahara wa Novemba · NOV-8',
    ]);
    expect(screen.getByTestId('ledger-total-charges').textContent).toBe(
      'Charges KES 28.00 (KES 13.00 of it estimated until the statement is imported)',
    );
  });

  it('filters by payroll run, found by typing its title without its accents', async () => {
    const user = userEvent.setup();
    bridge.data.ledger = rows;
    bridge.data.runs = [aRun({ id: 3, title: 'Mshahara wa Novemba' }), aRun({ id: 4, title: 'Bonasi ya Désemba' })];
    openAt('/#/ledger');
    await screen.findByText('Akinyi Otieno');

    await user.type(screen.getByTestId('ledger-run-filter'), 'desemba');
    await user.click(await screen.findByRole('option', { name: '#4 Bonasi ya Désemba' }));
    await vi.waitFor(() => expect(bridge.callsOf('ledger.list').at(-1)).toMatchObject({ filter: { runId: 4 } }));
  });

  it('sends a person looking for failed payouts to the failed payments report', async () => {
    const user = userEvent.setup();
    bridge.data.ledger = rows;
    openAt('/#/ledger');
    await screen.findByText('Akinyi Otieno');
    expect(screen.queryByTestId('ledger-failed-hint')).toBeNull();

    await user.click(screen.getByTestId('ledger-status'));
    await user.click(await screen.findByRole('option', { name: 'Failed' }));
    const hint = await screen.findByTestId('ledger-failed-hint');
    await user.click(within(hint).getByRole('button', { name: 'Open Failed payments' }));
    await vi.waitFor(() => expect(window.location.hash).toBe('#/failed'));
  });
});
