// @vitest-environment happy-dom
// Failed payments: every refused try with why and what happened next, filtered by days (typed or a
// preset), by run and by a search, exported, reached from the navigation and from a run; and the
// ledger's own From/To, now the same date filter.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { presetRange } from '../../src/renderer/lib/date-presets';
import type { FailedPaymentRow, MethodInput, MethodOutput } from '../../src/shared/contract';
import { aLedgerRow, aRun, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function openAt(url: string) {
  window.history.replaceState(null, '', url);
  return renderWithProviders(<App />);
}

function aFailedPayment(overrides: Partial<FailedPaymentRow> & Pick<FailedPaymentRow, 'attemptId'>): FailedPaymentRow {
  return {
    failedAt: '2026-11-20T07:00:00.000Z',
    runId: 12,
    runTitle: 'November salaries',
    runPeriod: '2026-11',
    itemId: overrides.attemptId,
    reference: 'NOV-1',
    name: 'Akinyi Otieno',
    phone: '254712345678',
    amountCents: 3_000_00,
    reason: {
      code: '2040',
      message: 'The number is not a registered M-Pesa customer.',
      action: "Check the worker's phone number, then try again.",
    },
    attemptNumber: 1,
    next: {
      outcome: 'unpaid',
      attemptNumber: 1,
      receipt: null,
      paidAt: null,
      words: 'Still unpaid: not tried again yet',
    },
    ...overrides,
  };
}

const rows = [
  aFailedPayment({
    attemptId: 7,
    name: 'Baraka Mwangi',
    next: {
      outcome: 'paid',
      attemptNumber: 2,
      receipt: 'TKL3M9Q2XA',
      paidAt: '2026-11-20T08:00:00.000Z',
      words: 'Paid on try 2, receipt TKL3M9Q2XA (20 Nov 2026, 11:00)',
    },
  }),
  aFailedPayment({ attemptId: 8 }),
];

type ReportInput = MethodInput<'reports.failedPayments'>;

/** Answers the report from `rows` and remembers what each call asked. */
function answerReport(list: FailedPaymentRow[] = rows): ReportInput[] {
  const asked: ReportInput[] = [];
  bridge.answer('reports.failedPayments', (input): MethodOutput<'reports.failedPayments'> => {
    asked.push(input);
    const shown = input.filter.runId === undefined ? list : list.filter((row) => row.runId === input.filter.runId);
    return {
      rows: shown,
      total: shown.length,
      totals: {
        failedTries: shown.length,
        failedCents: shown.reduce((sum, row) => sum + row.amountCents, 0),
        unpaidLines: shown.filter((row) => row.next.outcome === 'unpaid').length,
        unpaidCents: shown
          .filter((row) => row.next.outcome === 'unpaid')
          .reduce((sum, row) => sum + row.amountCents, 0),
      },
    };
  });
  return asked;
}

describe('Failed payments', () => {
  it('lists each refused try with why, what happened next and the totals, and opens its run', async () => {
    const user = userEvent.setup();
    answerReport();
    bridge.data.runs = [aRun({ id: 12, title: 'November salaries', state: 'completed' })];
    openAt('/');
    await screen.findByTestId('dashboard');
    await user.click(screen.getByTestId('nav-failed'));

    const table = await screen.findByTestId('failed-table');
    const [paidLater, unpaid] = within(table).getAllByTestId('failed-row');
    expect(within(paidLater!).getByText('Baraka Mwangi')).toBeTruthy();
    expect(within(paidLater!).getByTestId('failed-reason').textContent).toContain(
      'The number is not a registered M-Pesa customer.',
    );
    expect(within(paidLater!).getByTestId('failed-reason').textContent).toContain('Code 2040');
    expect(within(paidLater!).getByTestId('failed-next').textContent).toContain('Paid on try 2, receipt TKL3M9Q2XA');
    expect(within(unpaid!).getByTestId('failed-next').textContent).toContain('Still unpaid');
    expect(within(unpaid!).getByText('0712 345 678')).toBeTruthy();
    expect(within(unpaid!).getByText('20 Nov 2026, 10:00')).toBeTruthy();
    expect(screen.getByTestId('failed-count').textContent).toBe('2 failed tries');
    expect(screen.getByTestId('failed-total').textContent).toBe('KES 6,000.00');
    expect(screen.getByTestId('failed-unpaid').textContent).toBe('KES 3,000.00');

    await user.click(within(unpaid!).getByRole('button', { name: 'November salaries' }));
    expect(window.location.hash).toBe('#/runs/12');
  });

  it('filters by typed days, by a preset, by run and by a search, and exports what it shows', async () => {
    const user = userEvent.setup();
    const asked = answerReport();
    const exported: Array<MethodInput<'reports.failedPaymentsExport'>> = [];
    bridge.answer('reports.failedPaymentsExport', (input) => {
      exported.push(input);
      return { fileName: 'failed.csv', mimeType: 'text/csv', rows: 2, path: '/tmp/failed.csv', contentBase64: null };
    });
    bridge.data.runs = [aRun({ id: 12, title: 'November salaries', state: 'completed' })];
    openAt('/#/failed');
    await screen.findByTestId('failed-table');

    await user.type(screen.getByTestId('failed-from'), '01/11/2026');
    await user.type(screen.getByTestId('failed-to'), '30/11/2026');
    await waitFor(() => expect(asked.at(-1)?.filter).toEqual({ from: '2026-11-01', to: '2026-11-30' }));

    await user.clear(screen.getByTestId('failed-to'));
    await user.type(screen.getByTestId('failed-to'), '31/10/2026');
    expect(await screen.findByText('The end date is before the start date')).toBeTruthy();
    expect(asked.at(-1)?.filter).toEqual({ from: '2026-11-01' });

    await user.selectOptions(screen.getByTestId('failed-preset'), 'lastMonth');
    const lastMonth = presetRange('lastMonth', new Date());
    await waitFor(() => expect(asked.at(-1)?.filter).toEqual(lastMonth));
    expect((screen.getByTestId('failed-from') as HTMLInputElement).value).toBe(
      lastMonth.from.split('-').reverse().join('/'),
    );

    await user.selectOptions(await screen.findByTestId('failed-run'), '12');
    await waitFor(() => expect(asked.at(-1)?.filter).toMatchObject({ runId: 12 }));
    expect(window.location.hash).toBe('#/failed/12');

    await user.type(screen.getByTestId('failed-search'), 'wambũi');
    await waitFor(() => expect(asked.at(-1)?.filter).toMatchObject({ search: 'wambũi', runId: 12 }));

    await user.click(screen.getByTestId('failed-clear'));
    await waitFor(() => expect(asked.at(-1)?.filter).toEqual({ runId: 12, search: 'wambũi' }));
    expect((screen.getByTestId('failed-from') as HTMLInputElement).value).toBe('');

    await user.click(screen.getByTestId('export-failed-csv'));
    await waitFor(() => expect(exported).toEqual([{ filter: { runId: 12, search: 'wambũi' }, format: 'csv' }]));
  });

  it('is one click from a run with failed payments, showing that run only', async () => {
    const user = userEvent.setup();
    const asked = answerReport();
    bridge.data.runs = [
      aRun({
        id: 12,
        title: 'November salaries',
        state: 'completed',
        displayStatus: 'partially_paid',
        counts: { draft: 0, queued: 0, paying: 0, paid: 1, failed: 1, cancelled: 0 },
      }),
    ];
    openAt('/#/runs/12');

    await user.click(await screen.findByTestId('run-failed-tries'));
    await screen.findByTestId('failed-table');
    expect(window.location.hash).toBe('#/failed/12');
    expect(asked.at(-1)?.filter).toEqual({ runId: 12 });
  });

  it('says the connection is lost, not that nothing failed', async () => {
    const user = userEvent.setup();
    openAt('/');
    await screen.findByTestId('dashboard');
    bridge.failWith('unavailable', 'The connection to Mshahara closed.');
    await user.click(screen.getByTestId('nav-failed'));

    await screen.findByText("Lost connection to Mshahara's core.");
    expect(screen.queryByText('No failed payments match.')).toBeNull();
  });
});

describe('Ledger dates', () => {
  it('filters by days typed dd/mm/yyyy and by a preset', async () => {
    const user = userEvent.setup();
    bridge.data.ledger = [aLedgerRow({ id: 5, receipt: 'SKE52PAWR9', partyName: 'Akinyi Otieno' })];
    openAt('/#/ledger');
    await screen.findByText('Akinyi Otieno');
    const lastFilter = () => (bridge.callsOf('ledger.list').at(-1) as MethodInput<'ledger.list'>).filter;

    await user.type(screen.getByTestId('ledger-from'), '03/11/2026');
    await waitFor(() => expect(lastFilter()).toMatchObject({ from: '2026-11-03' }));
    await user.type(screen.getByTestId('ledger-to'), '31/02/2026');
    expect(await screen.findByText('There is no day 31/02/2026')).toBeTruthy();

    await user.selectOptions(screen.getByTestId('ledger-preset'), 'thisYear');
    const thisYear = presetRange('thisYear', new Date());
    await waitFor(() => expect(lastFilter()).toMatchObject(thisYear));
  });
});
