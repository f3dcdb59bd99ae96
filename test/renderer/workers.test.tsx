// @vitest-environment happy-dom
// Workers: the list, searching it through the core, and an honest word when it cannot load.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Workers } from '../../src/renderer/screens/Workers';
import { aWorker, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

describe('Workers', () => {
  it('lists the workers, and a search shows only those the core found', async () => {
    const user = userEvent.setup();
    bridge.data.workers = [
      aWorker({ id: 1, name: 'Akinyi Otieno', phone: '254712345678' }),
      aWorker({ id: 2, name: 'Baraka Mwangi', phone: '254722000111' }),
    ];
    renderWithProviders(<Workers />);
    await screen.findByText('Akinyi Otieno');
    expect(screen.getByText('Baraka Mwangi')).toBeTruthy();

    await user.type(screen.getByPlaceholderText(/search/i), 'Baraka');

    await waitFor(() => expect(screen.queryByText('Akinyi Otieno')).toBeNull());
    expect(screen.getByText('Baraka Mwangi')).toBeTruthy();
    expect(bridge.callsOf('workers.list')).toContainEqual(expect.objectContaining({ search: 'Baraka' }));
  });

  it('says there are no workers only when the core answered none', async () => {
    renderWithProviders(<Workers />);
    await screen.findByText('No workers yet: add one, or import a list.');
  });

  it('says the connection is lost instead of "No workers yet"', async () => {
    bridge.failWith('unavailable', 'The connection to Mshahara closed.');
    renderWithProviders(<Workers />);

    await screen.findByText("Lost connection to Mshahara's core.");
    expect(screen.queryByText('No workers yet: add one, or import a list.')).toBeNull();
  });

  it('takes a deactivated worker off the active list once the core has done it', async () => {
    const user = userEvent.setup();
    bridge.data.workers = [
      aWorker({ id: 1, name: 'Akinyi Otieno', phone: '254712345678' }),
      aWorker({ id: 2, name: 'Baraka Mwangi', phone: '254722000111' }),
    ];
    renderWithProviders(<Workers />);
    await user.click(await screen.findByRole('button', { name: 'Deactivate Baraka Mwangi' }));

    await waitFor(() => expect(screen.queryByText('Baraka Mwangi')).toBeNull());
    expect(screen.getByText('Akinyi Otieno')).toBeTruthy();
    expect(bridge.callsOf('workers.deactivate')).toEqual([{ id: 2 }]);
  });
});
