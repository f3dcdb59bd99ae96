// @vitest-environment happy-dom
// The float's history and warning, and the lookup of a receipt, as people see them: the warning on
// the dashboard and on a run's review, the balances charted and listed, the admin's level saved,
// and a lookup's answer in words with "Record as money received" only for who may.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { MethodOutput, ReceiptLookup } from '../../src/shared/contract';
import { App } from '../../src/renderer/App';
import { aSession, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function openAt(url: string) {
  window.history.replaceState(null, '', url);
  return renderWithProviders(<App />);
}

const lowWarning = {
  levelCents: 50_000_00,
  utilityCents: 12_400_00,
  observedAt: '2026-11-20T04:00:00.000Z',
  old: true,
  message:
    'The float is KES 12,400.00 (as M-Pesa reported it 3 hours ago), below the warning level of KES 50,000.00 set in Settings. Top up the Utility account before the next run.',
};

function aLookup(overrides: Partial<ReceiptLookup> = {}): ReceiptLookup {
  return {
    lookupId: 4,
    receipt: 'SKE52PAWR9',
    askedBy: 'chebet',
    askedAt: '2026-11-20T07:00:00.000Z',
    state: 'answered',
    headline: 'Completed: KES 1,500.00 from 254708374149 - JOHN DOE to 600992 - Acme Ltd on 20 Nov 2026, 09:58.',
    notes: [
      'This is money the business received, and the ledger has no row with this receipt: it can be recorded as money received.',
    ],
    resultCode: '0',
    resultDesc: 'The service request is processed successfully.',
    completed: true,
    transactionStatus: 'Completed',
    amountCents: 1_500_00,
    chargesCents: null,
    debitParty: '254708374149 - JOHN DOE',
    creditParty: '600992 - Acme Ltd',
    reasonType: 'Pay Bill',
    finalisedAt: '2026-11-20T06:58:00.000Z',
    direction: 'in',
    ledger: null,
    recordable: true,
    ...overrides,
  };
}

describe('the low-float warning', () => {
  it('shows on the dashboard, in the words the core gives, only when the float is below the level', async () => {
    bridge.answer('float.warning', () => ({ levelCents: 50_000_00, warning: lowWarning }));
    const first = openAt('/#/dashboard');
    expect((await screen.findByTestId('low-float-warning')).textContent).toContain(
      'below the warning level of KES 50,000.00 set in Settings',
    );
    first.unmount();
    bridge.answer('float.warning', () => ({ levelCents: 50_000_00, warning: null }));
    openAt('/#/dashboard');
    await screen.findByTestId('needs-attention');
    await waitFor(() => expect(bridge.callsOf('float.warning').length).toBeGreaterThan(1));
    expect(screen.queryByTestId('low-float-warning')).toBeNull();
  });

  it('lets the admin save the level in shillings, and refuses what is not an amount', async () => {
    const user = userEvent.setup();
    let level: number | null = null;
    bridge.answer('float.warning', () => ({ levelCents: level, warning: null }));
    bridge.answer('float.setWarningLevel', ({ levelCents }) => {
      level = levelCents;
      return { levelCents, warning: null };
    });
    bridge.answer('settings.get', () => {
      throw new Error('not needed here');
    });
    openAt('/#/settings');
    const card = await screen.findByTestId('low-float-level', {}, { timeout: 5000 });
    await user.type(within(card).getByTestId('low-float-input'), '12,abc');
    await user.click(within(card).getByTestId('low-float-save'));
    expect(bridge.callsOf('float.setWarningLevel')).toEqual([]);
    await user.clear(within(card).getByTestId('low-float-input'));
    await user.type(within(card).getByTestId('low-float-input'), '50,000');
    await user.click(within(card).getByTestId('low-float-save'));
    await waitFor(() => expect(bridge.callsOf('float.setWarningLevel')).toEqual([{ levelCents: 50_000_00 }]));
    await waitFor(() =>
      expect(within(card).getByTestId('low-float-current').textContent).toBe('Now: warned below KES 50,000.00.'),
    );
  });
});

describe('Float history', () => {
  it('lists every point for those who do not read charts, and switches account', async () => {
    const user = userEvent.setup();
    const history = (account: string): MethodOutput<'float.history'> => ({
      accounts: ['Utility Account', 'Working Account'],
      account,
      fromDay: '2026-11-01',
      toDay: '2026-11-30',
      bucketSeconds: 10_800,
      reports: 5,
      points: [
        { at: '2026-11-10T06:00:00.000Z', lowestCents: 30_000_00, lastCents: 45_000_00, reports: 3 },
        { at: '2026-11-11T06:00:00.000Z', lowestCents: 12_400_00, lastCents: 12_400_00, reports: 2 },
      ],
    });
    bridge.answer('float.history', (input) => history(input.account ?? 'Utility Account'));
    bridge.answer('float.warning', () => ({ levelCents: 50_000_00, warning: lowWarning }));
    openAt('/#/float');
    const table = await screen.findByTestId('float-table', {}, { timeout: 5000 });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    // Newest first.
    expect(rows[1]?.textContent).toContain('12,400.00');
    expect(rows[2]?.textContent).toContain('45,000.00');
    expect(screen.getByTestId('float-lowest').textContent).toContain('12,400.00');
    expect(screen.getByTestId('float-level').textContent).toBe('KES 50,000.00');
    expect(screen.getByTestId('low-float-warning')).toBeTruthy();
    await user.click(screen.getByText('Working'));
    await waitFor(() =>
      expect(bridge.callsOf('float.history')).toContainEqual(expect.objectContaining({ account: 'Working Account' })),
    );
  });
});

describe('Look up a receipt', () => {
  it('answers in words and records money received for who may, only by the lookup’s id', async () => {
    const user = userEvent.setup();
    let recorded = false;
    bridge.answer('lookup.receipt', () => aLookup());
    bridge.answer('lookup.answer', () =>
      recorded
        ? aLookup({
            recordable: false,
            ledger: {
              transactionId: 31,
              kind: 'c2b_payment',
              direction: 'in',
              status: 'completed',
              amountCents: 1_500_00,
            },
          })
        : aLookup(),
    );
    bridge.answer('lookup.record', ({ lookupId }) => {
      recorded = true;
      return {
        transactionId: 31,
        lookup: aLookup({ lookupId, recordable: false }),
      };
    });
    openAt('/#/lookup');
    await user.type(await screen.findByTestId('lookup-receipt', {}, { timeout: 5000 }), 'SKE52PAWR9');
    await user.click(screen.getByTestId('lookup-ask'));
    const answer = await screen.findByTestId('lookup-answer');
    expect(within(answer).getByTestId('lookup-headline').textContent).toContain('M-Pesa says it completed');
    expect(within(answer).getByTestId('lookup-details').textContent).toContain('254708374149 - JOHN DOE');
    expect(bridge.callsOf('lookup.receipt')).toEqual([{ receipt: 'SKE52PAWR9' }]);

    await user.click(within(answer).getByTestId('lookup-record'));
    await waitFor(() => expect(bridge.callsOf('lookup.record')).toEqual([{ lookupId: 4 }]));
    expect((await within(answer).findByTestId('lookup-ledger-row')).textContent).toContain('row #31');
    expect(within(answer).queryByTestId('lookup-record')).toBeNull();
  });

  it('offers no Record button to the auditor, and keeps asking while M-Pesa has not answered', async () => {
    const user = userEvent.setup();
    bridge.session = aSession({
      signedIn: { accountId: 5, username: 'daudi', displayName: 'Daudi Otieno', roles: ['auditor'] },
    });
    bridge.answer('lookup.receipt', () =>
      aLookup({
        state: 'waiting',
        headline: 'M-Pesa took the question but has not answered yet: it is kept and shown when it comes.',
        completed: null,
      }),
    );
    bridge.answer('lookup.answer', () =>
      aLookup({
        state: 'waiting',
        headline: 'M-Pesa took the question but has not answered yet: it is kept and shown when it comes.',
        completed: null,
      }),
    );
    openAt('/#/lookup');
    await user.type(await screen.findByTestId('lookup-receipt', {}, { timeout: 5000 }), 'SKE52PAWR9');
    await user.click(screen.getByTestId('lookup-ask'));
    const answer = await screen.findByTestId('lookup-answer');
    expect(answer.getAttribute('data-state')).toBe('waiting');
    expect(within(answer).getByTestId('lookup-headline').textContent).toContain('it is kept and shown when it comes');
    expect(within(answer).queryByTestId('lookup-record')).toBeNull();
    const before = bridge.callsOf('lookup.answer').length;
    await user.click(within(answer).getByTestId('lookup-ask-again'));
    await waitFor(() => expect(bridge.callsOf('lookup.answer').length).toBeGreaterThan(before));
  });

  it('refuses what is not a receipt before asking M-Pesa', async () => {
    const user = userEvent.setup();
    openAt('/#/lookup');
    await user.type(await screen.findByTestId('lookup-receipt', {}, { timeout: 5000 }), 'hello');
    await user.click(screen.getByTestId('lookup-ask'));
    expect(await screen.findByText(/10 letters and digits/)).toBeTruthy();
    expect(bridge.callsOf('lookup.receipt')).toEqual([]);
  });
});
