// @vitest-environment happy-dom
// The connection to the core as the officer sees it: a banner while it is down, "lost connection"
// instead of empty lists, and everything on screen read again when it comes back.
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type * as Api from '../../src/renderer/api';
import type { ConnectionState } from '../../src/renderer/api';
import { App } from '../../src/renderer/App';
import { aRun, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

// Over Electron IPC the connection never drops; the browser host's socket does. Play that socket here.
const connection = vi.hoisted(() => {
  let state: ConnectionState = 'connected';
  const listeners = new Set<(state: ConnectionState) => void>();
  return {
    now: () => state,
    listen(listener: (state: ConnectionState) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    set(next: ConnectionState) {
      state = next;
      for (const listener of listeners) listener(next);
    },
  };
});
vi.mock('../../src/renderer/api', async (importOriginal) => ({
  ...(await importOriginal<typeof Api>()),
  connectionState: connection.now,
  onConnectionChange: connection.listen,
}));

/** The core goes away: the socket is being reopened and every call fails as unreachable. */
function coreGone(state: ConnectionState) {
  bridge.failWith('unavailable', 'The connection to Mshahara closed.');
  act(() => connection.set(state));
}

function coreBack() {
  bridge.recover();
  act(() => connection.set('connected'));
}

describe('The connection to the core', () => {
  it('shows a banner while reconnecting and after the connection is lost, and none once back', async () => {
    renderWithProviders(<App />);
    await screen.findByTestId('dashboard');
    expect(screen.queryByTestId('connection-banner')).toBeNull();

    coreGone('reconnecting');
    expect(screen.getByTestId('connection-banner').textContent).toBe(
      "Lost connection to Mshahara's core — reconnecting…",
    );
    act(() => connection.set('lost'));
    expect(screen.getByTestId('connection-banner').textContent).toContain("Lost connection to Mshahara's core");

    coreBack();
    expect(screen.queryByTestId('connection-banner')).toBeNull();
  });

  it('says the connection is lost on the runs screen, then shows the runs when it comes back', async () => {
    bridge.data.runs = [aRun({ id: 3, title: 'November salaries' })];
    coreGone('reconnecting');
    window.history.replaceState(null, '', '/#/runs');
    // The page opened while the core was away: nothing has loaded yet.
    renderWithProviders(<App />);
    expect((await screen.findAllByText(/Lost connection to Mshahara's core/)).length).toBeGreaterThan(0);
    expect(screen.queryByTestId('runs')).toBeNull();

    coreBack();
    await screen.findByText('November salaries');
    expect(screen.queryByText(/Lost connection/)).toBeNull();
  });

  it('reads what is on screen again when the connection comes back, without waiting for an event', async () => {
    bridge.data.runs = [aRun({ id: 3, title: 'November salaries' })];
    window.history.replaceState(null, '', '/#/runs');
    renderWithProviders(<App />);
    await screen.findByText('November salaries');

    coreGone('reconnecting');
    // While away, a run was made by another door (the CLI); its events never reached this page.
    bridge.data.runs = [...bridge.data.runs, aRun({ id: 4, title: 'December casuals' })];
    const asked = bridge.callsOf('runs.list').length;
    coreBack();

    await screen.findByText('December casuals');
    expect(bridge.callsOf('runs.list').length).toBeGreaterThan(asked);
  });

  it('shows lost connection on a list that fails while the page is open, never its empty words', async () => {
    const user = userEvent.setup();
    window.history.replaceState(null, '', '/#/workers');
    renderWithProviders(<App />);
    await screen.findByText('No workers yet: add one, or import a list.');

    coreGone('lost');
    await user.type(screen.getByPlaceholderText(/search/i), 'Akinyi');

    await screen.findByText("Lost connection to Mshahara's core.");
    expect(screen.queryByText('No workers yet: add one, or import a list.')).toBeNull();
  });
});
