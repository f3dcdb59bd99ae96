// @vitest-environment happy-dom
// Payroll runs as an officer sees them: the list of runs, and what it says when the core is gone.
import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { call } from '../../src/renderer/api';
import { listenToCore } from '../../src/renderer/lib/queries';
import { Runs } from '../../src/renderer/screens/Runs';
import { aRun, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

describe('Payroll runs list', () => {
  it('shows each run with its title and status', async () => {
    bridge.data.runs = [
      aRun({ id: 1, title: 'November salaries', state: 'completed', displayStatus: 'completed' }),
      aRun({ id: 2, title: 'December casuals' }),
    ];
    renderWithProviders(<Runs />);

    expect(await screen.findByText('November salaries')).toBeTruthy();
    expect(screen.getByText('December casuals')).toBeTruthy();
    expect(screen.queryByText('No payroll runs yet.')).toBeNull();
  });

  it('reads the list again after any screen cancels a run, even through a plain call', async () => {
    bridge.data.runs = [aRun({ id: 1, title: 'December casuals' })];
    const { client } = renderWithProviders(<Runs />);
    const stop = listenToCore(client);
    expect(await screen.findByText('December casuals')).toBeTruthy();

    const cancelled = aRun({ id: 1, title: 'December casuals (cancelled)', state: 'cancelled' });
    bridge.answer('runs.cancel', () => {
      bridge.data.runs = [cancelled];
      return cancelled;
    });
    await act(() => call('runs.cancel', { runId: 1 }));

    expect(await screen.findByText('December casuals (cancelled)')).toBeTruthy();
    stop();
  });

  it('says there are no runs only when the core answered an empty list', async () => {
    renderWithProviders(<Runs />);
    expect(await screen.findByText('No payroll runs yet.')).toBeTruthy();
  });

  it('says the connection is lost, not "No payroll runs yet.", when the core cannot be reached', async () => {
    bridge.data.runs = [aRun({ id: 1, title: 'November salaries' })];
    bridge.failWith('unavailable', 'The connection to Mshahara closed.');
    renderWithProviders(<Runs />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain("Lost connection to Mshahara's core");
    expect(alert.textContent).toContain('The connection to Mshahara closed.');
    expect(screen.queryByText('No payroll runs yet.')).toBeNull();
    expect(screen.queryByText('November salaries')).toBeNull();
  });

  it('shows the core’s refusal instead of an empty list when loading fails', async () => {
    bridge.failWith('internal', 'The database is locked by another Mshahara.');
    renderWithProviders(<Runs />);

    expect((await screen.findByRole('alert')).textContent).toContain('The database is locked by another Mshahara.');
    expect(screen.queryByText('No payroll runs yet.')).toBeNull();
  });
});
