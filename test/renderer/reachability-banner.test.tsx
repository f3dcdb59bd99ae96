// @vitest-environment happy-dom
// The banner while M-Pesa or the relay cannot be reached: in plain words with the time it started
// (Nairobi time), gone when the core says they answer again, and apart from the banner about the
// page's own connection to the core.
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

describe('the unreachable banner', () => {
  it('says M-Pesa cannot be reached since when, and goes away when it answers again', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    bridge.answer('connection.status', () => ({
      unreachable: [{ target: 'mpesa', host: 'https://api.safaricom.co.ke', since, reason: 'ENOTFOUND' }],
    }));
    renderWithProviders(<App />);
    const banner = await screen.findByTestId('reachability-banner');
    expect(banner.textContent).toMatch(
      /^M-Pesa cannot be reached since \d{2}:\d{2}\. Payments wait and nothing is sent twice; Mshahara keeps trying\./,
    );
    expect(banner.textContent).toContain('https://api.safaricom.co.ke');
    // The page's own connection to the core is fine: that banner stays away.
    expect(screen.queryByTestId('connection-banner')).toBeNull();

    act(() => {
      bridge.emit('connection.changed', {
        unreachable: [{ target: 'relay', host: 'https://relay.example.co.ke', since, reason: 'ECONNREFUSED' }],
      });
    });
    await waitFor(() =>
      expect(screen.getByTestId('reachability-banner').textContent).toMatch(/^The relay cannot be reached since/),
    );

    act(() => bridge.emit('connection.changed', { unreachable: [] }));
    await waitFor(() => expect(screen.queryByTestId('reachability-banner')).toBeNull());
  });
});
