// @vitest-environment happy-dom
// The dashboard: what the officer watches first, kept current by the core's events.
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { aRun, aSummary, bridge, progressOf } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

describe('Dashboard', () => {
  it('shows what needs a person and the recent runs', async () => {
    bridge.data.summary = aSummary({
      needsAttention: {
        total: 2,
        unknownPayouts: 1,
        failedPayouts: 1,
        inbox: 0,
        findings: 0,
        paidButRecordedFailed: 0,
      },
      recentRuns: [
        {
          id: 3,
          title: 'November salaries',
          displayStatus: 'completed',
          amountCents: 90_000_00,
          createdAt: aRun({ id: 3, title: '' }).createdAt,
        },
      ],
    });
    renderWithProviders(<App />);

    await waitFor(() => expect(screen.getByTestId('needs-attention').textContent).toBe('2'));
    expect(screen.getByText('November salaries')).toBeTruthy();
  });

  it('says it could not load, with the core’s words, instead of blank figures', async () => {
    bridge.answer('dashboard.summary', () => {
      throw new Error('The ledger is being repaired.');
    });
    renderWithProviders(<App />);

    expect((await screen.findByRole('alert')).textContent).toContain('The ledger is being repaired.');
    expect(screen.queryByTestId('needs-attention')).toBeNull();
  });

  it('raises a broken audit chain as an alarm when the check finds it after opening', async () => {
    renderWithProviders(<App />);
    await waitFor(() => expect(screen.getByTestId('needs-attention').textContent).toBe('0'));
    expect(screen.queryByText(/audit log was changed outside Mshahara/)).toBeNull();

    const alarm = {
      entryId: 5,
      at: '2026-11-03T11:02:00.000Z',
      problem: 'edited' as const,
      message:
        'The audit log was changed outside Mshahara: entry 5 (3 Nov 2026, 14:02) was edited after it was written.',
    };
    bridge.data.summary = aSummary({ auditAlarm: alarm });
    act(() => bridge.emit('audit.alarm', alarm));

    expect(await screen.findByText(/entry 5 \(3 Nov 2026, 14:02\) was edited/)).toBeTruthy();
  });

  it('redraws when new ledger rows arrive', async () => {
    renderWithProviders(<App />);
    await waitFor(() => expect(screen.getByTestId('needs-attention').textContent).toBe('0'));

    bridge.data.summary = aSummary({
      needsAttention: {
        total: 1,
        unknownPayouts: 0,
        failedPayouts: 1,
        inbox: 0,
        findings: 0,
        paidButRecordedFailed: 0,
      },
    });
    act(() => bridge.emit('ledger.changed', { added: 1, latestId: 40 }));

    await waitFor(() => expect(screen.getByTestId('needs-attention').textContent).toBe('1'));
  });

  it('shows that payments are held as soon as a run’s progress says so', async () => {
    const run = aRun({ id: 8, title: 'Casuals', state: 'running', displayStatus: 'running' });
    bridge.data.runs = [run];
    renderWithProviders(<App />);
    await screen.findByTestId('needs-attention');
    expect(screen.queryByTestId('payments-held')).toBeNull();

    const why = 'No answers from M-Pesa for 2 minutes: new payments wait.';
    bridge.data.summary = aSummary({ paymentsHeld: why });
    act(() => bridge.emit('run.progress', progressOf(run, { held: why })));

    expect((await screen.findByTestId('payments-held')).textContent).toContain(why);
  });

  it('raises a payment the statement shows that Mshahara recorded as failed, and opens Reconcile from it', async () => {
    const user = userEvent.setup();
    bridge.data.summary = aSummary({
      needsAttention: {
        total: 1,
        unknownPayouts: 0,
        failedPayouts: 0,
        inbox: 0,
        findings: 0,
        paidButRecordedFailed: 1,
      },
    });
    renderWithProviders(<App />);
    const alarm = await screen.findByTestId('needs-attention-statement');
    expect(alarm.textContent).toBe('1 payment on the M-Pesa statement that Mshahara recorded as failed');
    await user.click(alarm);
    await screen.findByTestId('reconcile');
  });
});
