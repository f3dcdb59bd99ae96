// @vitest-environment happy-dom
// The frame around the screens: the route lives in the URL (a reload keeps the officer on the run
// they were watching, back/forward move between screens), events refresh what is on screen, and a
// screen that throws does not take the navigation with it.
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../src/renderer/App';
import type * as WorkersScreen from '../../src/renderer/screens/Workers';
import { aRun, aSummary, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

// The workers screen breaks when `breakWorkers.now` is set: the error boundary is what is tested.
const breakWorkers = vi.hoisted(() => ({ now: false }));
vi.mock('../../src/renderer/screens/Workers', async (importOriginal) => {
  const original = await importOriginal<typeof WorkersScreen>();
  return {
    Workers: () => {
      if (breakWorkers.now) throw new Error('A worker row had no name');
      return original.Workers();
    },
  };
});

function openAt(url: string) {
  window.history.replaceState(null, '', url);
  return renderWithProviders(<App />);
}

describe('The route in the URL', () => {
  it('keeps the officer on the open run after a reload', async () => {
    bridge.data.runs = [
      aRun({ id: 7, title: 'October salaries' }),
      aRun({ id: 12, title: 'November salaries', state: 'approved', displayStatus: 'approved' }),
    ];
    openAt('/?token=abc123#/runs/12');

    const detail = await screen.findByTestId('run-detail');
    expect(detail.textContent).toContain('November salaries');
    expect(detail.getAttribute('data-run-state')).toBe('approved');
    expect(screen.queryByTestId('dashboard')).toBeNull();
    expect(bridge.callsOf('runs.review')).toContainEqual({ runId: 12 });
    // The browser host's token stays where it was.
    expect(window.location.search).toBe('?token=abc123');
  });

  it('writes each screen and run into the hash, and back/forward return to them', async () => {
    const user = userEvent.setup();
    bridge.data.runs = [aRun({ id: 12, title: 'November salaries' })];
    openAt('/?token=abc123');
    await screen.findByTestId('dashboard');

    await user.click(screen.getByTestId('nav-runs'));
    await screen.findByText('November salaries');
    expect(window.location.hash).toBe('#/runs');

    await user.click(screen.getByText('November salaries'));
    await screen.findByTestId('run-detail');
    expect(window.location.hash).toBe('#/runs/12');
    expect(window.location.search).toBe('?token=abc123');

    act(() => window.history.back());
    await waitFor(() => expect(screen.queryByTestId('run-detail')).toBeNull());
    expect(window.location.hash).toBe('#/runs');
    expect(screen.getByTestId('runs')).toBeTruthy();

    act(() => window.history.back());
    await screen.findByTestId('dashboard');

    act(() => window.history.forward());
    await screen.findByTestId('runs');
  });

  it('opens the screen named in a hash typed by hand, and the dashboard for one it does not know', async () => {
    openAt('/#/settings-that-never-was');
    await screen.findByTestId('dashboard');

    act(() => {
      window.location.hash = '#/workers';
    });
    await screen.findByTestId('workers');
    expect(screen.getByTestId('nav-workers').getAttribute('aria-current')).toBe('page');
  });
});

describe('Events refresh what is on screen', () => {
  it('redraws the dashboard when the core reports a new balance', async () => {
    bridge.data.summary = aSummary({
      needsAttention: {
        total: 3,
        unknownPayouts: 3,
        failedPayouts: 0,
        inbox: 0,
        findings: 0,
        paidButRecordedFailed: 0,
      },
    });
    openAt('/');
    await waitFor(() => expect(screen.getByTestId('needs-attention').textContent).toBe('3'));

    bridge.data.summary = aSummary({
      needsAttention: {
        total: 7,
        unknownPayouts: 5,
        failedPayouts: 2,
        inbox: 0,
        findings: 0,
        paidButRecordedFailed: 0,
      },
    });
    act(() => bridge.emit('balance.changed', bridge.data.summary.float));

    await waitFor(() => expect(screen.getByTestId('needs-attention').textContent).toBe('7'));
  });

  it('redraws the runs list when a run ends', async () => {
    bridge.data.runs = [aRun({ id: 4, title: 'Casuals week 47', state: 'running', displayStatus: 'running' })];
    openAt('/#/runs');
    await screen.findByText('Casuals week 47');
    expect(screen.getByText('Sending')).toBeTruthy();

    bridge.data.runs = [aRun({ id: 4, title: 'Casuals week 47', state: 'completed', displayStatus: 'completed' })];
    act(() =>
      bridge.emit('run.ended', {
        runId: 4,
        title: 'Casuals week 47',
        displayStatus: 'completed',
        paidCount: 2,
        failedCount: 0,
        paidCents: 3_000_00,
      }),
    );

    await screen.findByText('All paid');
    expect(screen.queryByText('Sending')).toBeNull();
  });

  it('shows the other profile, with its own data, when the profile changes', async () => {
    bridge.data.runs = [aRun({ id: 1, title: 'Demo run' })];
    openAt('/#/runs');
    await screen.findByText('Demo run');
    expect(screen.getByTestId('current-profile').textContent).toContain('demo');

    bridge.answer('app.info', () => ({
      version: '1.0.0-test',
      mode: 'desktop',
      profile: { name: 'acme', kind: 'production' },
      dataFolder: '/tmp/mshahara-test',
      demoSimulatorUrl: null,
    }));
    bridge.data.runs = [aRun({ id: 1, title: 'Acme November salaries' })];
    act(() => bridge.emit('profile.changed', { profile: { name: 'acme', kind: 'production' } }));

    await screen.findByText('Acme November salaries');
    expect(screen.queryByText('Demo run')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('current-profile').textContent).toContain('acme'));
  });

  it('listens to events once for the whole page: opening screens adds no listeners', async () => {
    const user = userEvent.setup();
    const events = ['ledger.changed', 'balance.changed', 'run.ended', 'run.progress', 'inbox.changed'] as const;
    openAt('/');
    await screen.findByTestId('dashboard');
    const atFirst = events.map((event) => bridge.listenerCount(event));
    expect(atFirst.every((count) => count >= 1)).toBe(true);

    for (const name of ['runs', 'ledger', 'inbox', 'workers', 'dashboard'] as const) {
      await user.click(screen.getByTestId(`nav-${name}`));
      await screen.findByTestId(name);
      expect(events.map((event) => bridge.listenerCount(event))).toEqual(atFirst);
    }
  });
});

describe('A screen that throws', () => {
  it('says what went wrong and offers to reload the screen, and the navigation keeps working', async () => {
    const user = userEvent.setup();
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    breakWorkers.now = true;
    try {
      openAt('/#/workers');

      const alert = await screen.findByText('Workers stopped working');
      expect(alert).toBeTruthy();
      expect(screen.getByText(/A worker row had no name/)).toBeTruthy();
      expect(screen.getByTestId('nav-dashboard')).toBeTruthy();

      breakWorkers.now = false;
      await user.click(screen.getByRole('button', { name: 'Reload this screen' }));
      await screen.findByTestId('workers');
      expect(screen.queryByText('Workers stopped working')).toBeNull();

      breakWorkers.now = true;
      await user.click(screen.getByTestId('nav-dashboard'));
      await screen.findByTestId('dashboard');
      await user.click(screen.getByTestId('nav-workers'));
      await screen.findByText('Workers stopped working');
      await user.click(screen.getByTestId('nav-runs'));
      await screen.findByTestId('runs');
    } finally {
      breakWorkers.now = false;
      quiet.mockRestore();
    }
  });
});
