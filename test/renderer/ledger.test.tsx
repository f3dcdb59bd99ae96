// @vitest-environment happy-dom
// The ledger: every transaction, one opened in full (kept in the URL), and a lost core said as such.
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { aLedgerRow, bridge } from './support/fake-bridge';
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
});
