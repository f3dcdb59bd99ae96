// @vitest-environment happy-dom
// One payroll run as the officer watches it: its review before sending, and the run and its
// results following the core's progress events without anyone pressing reload.
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import type { RunResultRow } from '../../src/shared/contract';
import { aRun, at, bridge, progressOf } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function aResult(overrides: Partial<RunResultRow> & Pick<RunResultRow, 'itemId' | 'name' | 'phone'>): RunResultRow {
  return {
    lineNumber: null,
    workerId: null,
    amountCents: 1_500_00,
    remarks: null,
    state: 'queued',
    receipt: null,
    registeredName: null,
    nameMismatch: false,
    paidAt: null,
    failure: null,
    attempts: 0,
    needsAttention: false,
    ...overrides,
  };
}

function openRun(runId: number) {
  window.history.replaceState(null, '', `/#/runs/${runId}`);
  return renderWithProviders(<App />);
}

describe('A payroll run', () => {
  it('shows a draft run for review before it is approved', async () => {
    bridge.data.runs = [aRun({ id: 5, title: 'November salaries' })];
    openRun(5);

    await screen.findByTestId('run-review');
    expect(screen.getByTestId('run-detail').getAttribute('data-run-state')).toBe('draft');
    expect(screen.getByRole('heading', { name: 'November salaries' })).toBeTruthy();
  });

  it('says what went wrong when the run does not exist, not an empty run', async () => {
    openRun(99);
    expect((await screen.findByRole('alert')).textContent).toContain('No payroll run #99.');
    expect(screen.queryByTestId('run-review')).toBeNull();
  });

  it('reads the run again when its progress says it finished', async () => {
    const running = aRun({ id: 5, title: 'November salaries', state: 'running', displayStatus: 'running' });
    bridge.data.runs = [running];
    openRun(5);
    await waitFor(() => expect(screen.getByTestId('run-detail').getAttribute('data-run-state')).toBe('running'));
    expect(screen.queryByText(/finished/)).toBeNull();

    const done = aRun({
      ...running,
      state: 'completed',
      displayStatus: 'completed',
      finishedAt: at,
      counts: { draft: 0, queued: 0, paying: 0, paid: 2, failed: 0, cancelled: 0 },
    });
    bridge.data.runs = [done];
    act(() => bridge.emit('run.progress', progressOf(done, { at: '2026-11-20T08:00:00.000Z' })));

    // Only the run read again from the core knows when it finished.
    await screen.findByText(/finished/);
  });

  it('shows each payment in the results as the run pays, without a reload', async () => {
    const running = aRun({ id: 5, title: 'November salaries', state: 'running', displayStatus: 'running' });
    bridge.data.runs = [running];
    const results: RunResultRow[] = [aResult({ itemId: 1, name: 'Akinyi Otieno', phone: '254712345678' })];
    bridge.answer('runs.results', () => ({ items: results, total: results.length }));
    openRun(5);
    await screen.findByText('Akinyi Otieno');

    results.push(aResult({ itemId: 2, name: 'Baraka Mwangi', phone: '254722000111', state: 'paid' }));
    act(() =>
      bridge.emit(
        'run.progress',
        progressOf(running, {
          counts: { draft: 0, queued: 1, paying: 0, paid: 1, failed: 0, cancelled: 0 },
          at: '2026-11-20T07:00:01.000Z',
        }),
      ),
    );

    await screen.findByText('Baraka Mwangi');
  });
});
