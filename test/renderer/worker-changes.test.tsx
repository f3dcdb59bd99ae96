// @vitest-environment happy-dom
// New M-Pesa numbers on the Workers screen: the row says the number waits for approval, approvers
// approve or reject from one list, the core's refusal is shown in its words, and each worker's
// history shows who changed what, when, before → after, in Nairobi time.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Workers } from '../../src/renderer/screens/Workers';
import { aPhoneChange, aWorker, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function akinyiWaiting() {
  const change = aPhoneChange({ id: 7, workerId: 1, workerName: 'Akinyi Otieno' });
  bridge.data.workers = [
    aWorker({ id: 1, name: 'Akinyi Otieno', phone: '254722000111', pendingPhoneChange: change }),
    aWorker({ id: 2, name: 'Baraka Mwangi', phone: '254799888777', pendingPhoneChange: null }),
  ];
  bridge.data.phoneChanges = [change];
  return change;
}

describe('new M-Pesa numbers on the Workers screen', () => {
  it('marks the worker whose new number waits for approval, and only them', async () => {
    akinyiWaiting();
    renderWithProviders(<Workers />);
    const table = await screen.findByTestId('workers-table');
    await within(table).findByText('Akinyi Otieno');
    expect(within(table).getAllByText('New number waiting for approval')).toHaveLength(1);
    const badge = within(table).getByText('New number waiting for approval');
    expect(badge.closest('[title]')?.getAttribute('title')).toMatch(/Was 0712 345 678/);
  });

  it('lists the changes to approve, and an approval takes the change off the list and the mark off the row', async () => {
    const user = userEvent.setup();
    akinyiWaiting();
    renderWithProviders(<Workers />);
    const list = await screen.findByRole('table', { name: 'Number changes to approve' });
    const row = within(list).getByText('Akinyi Otieno').closest('tr')!;
    expect(within(row).getByText('0712 345 678')).toBeTruthy();
    expect(within(row).getByText('0722 000 111')).toBeTruthy();
    expect(within(row).getByText('Amina Odhiambo')).toBeTruthy();
    expect(within(row).getByText('20 Nov 2026, 10:00')).toBeTruthy();

    await user.click(within(row).getByRole('button', { name: 'Approve 0722 000 111 for Akinyi Otieno' }));

    await waitFor(() => expect(screen.queryByTestId('phone-changes')).toBeNull());
    expect(bridge.callsOf('workers.approvePhoneChange')).toEqual([{ changeId: 7 }]);
    expect(bridge.callsOf('workers.rejectPhoneChange')).toEqual([]);
    await waitFor(() => expect(screen.queryByText('New number waiting for approval')).toBeNull());
    expect(screen.getByText('0722 000 111')).toBeTruthy();
  });

  it('a rejection brings the old number back on the row', async () => {
    const user = userEvent.setup();
    akinyiWaiting();
    renderWithProviders(<Workers />);
    await user.click(await screen.findByRole('button', { name: 'Reject 0722 000 111 for Akinyi Otieno' }));

    await waitFor(() => expect(screen.queryByTestId('phone-changes')).toBeNull());
    expect(bridge.callsOf('workers.rejectPhoneChange')).toEqual([{ changeId: 7 }]);
    const table = screen.getByTestId('workers-table');
    await within(table).findByText('0712 345 678');
    expect(within(table).queryByText('0722 000 111')).toBeNull();
  });

  it('shows the core’s refusal when the person who changed the number tries to approve it', async () => {
    const user = userEvent.setup();
    akinyiWaiting();
    bridge.answer('workers.approvePhoneChange', () => {
      throw new Error(
        "amina changed Akinyi Otieno's M-Pesa number and cannot approve the change: another approver must decide it.",
      );
    });
    renderWithProviders(<Workers />);
    await user.click(await screen.findByRole('button', { name: 'Approve 0722 000 111 for Akinyi Otieno' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not approved');
    expect(alert.textContent).toContain('cannot approve the change: another approver must decide it');
    expect(screen.getByRole('table', { name: 'Number changes to approve' })).toBeTruthy();
  });

  it('tells the officer editing the worker which number is the approved one', async () => {
    const user = userEvent.setup();
    akinyiWaiting();
    renderWithProviders(<Workers />);
    await user.click(await screen.findByRole('button', { name: 'Edit Akinyi Otieno' }));

    const phone = await screen.findByLabelText(/M-Pesa phone number/);
    expect((phone as HTMLInputElement).value).toBe('0722 000 111');
    expect(screen.getByText(/the approved number is 0712 345 678/)).toBeTruthy();
  });

  it('says a lost connection once, on the workers list, not again on the changes', async () => {
    akinyiWaiting();
    bridge.failWith('unavailable', 'The connection to Mshahara closed.');
    renderWithProviders(<Workers />);
    await screen.findByText("Lost connection to Mshahara's core.");
    expect(screen.queryByTestId('phone-changes')).toBeNull();
  });

  it('shows no list when nothing waits', async () => {
    bridge.data.workers = [aWorker({ id: 2, name: 'Baraka Mwangi', phone: '254799888777' })];
    renderWithProviders(<Workers />);
    await screen.findByText('Baraka Mwangi');
    expect(bridge.callsOf('workers.phoneChanges')).toHaveLength(1);
    expect(screen.queryByText('Number changes to approve')).toBeNull();
  });

  it('shows a worker’s history: who, when, what, and each field before → after', async () => {
    const user = userEvent.setup();
    bridge.data.workers = [aWorker({ id: 1, name: 'Akinyi Otieno', phone: '254712345678' })];
    bridge.data.workerHistory = {
      1: [
        {
          id: 12,
          at: '2026-11-21T11:30:00.000Z',
          actor: 'baraka',
          actorName: 'Baraka Mwangi',
          kind: 'phone_change_rejected',
          action: 'worker.phone_change_rejected',
          via: null,
          changes: [{ field: 'phone', before: '254712345678', after: '254722000111' }],
        },
        {
          id: 11,
          at: '2026-11-20T07:05:00.000Z',
          actor: 'amina',
          actorName: 'Amina Odhiambo',
          kind: 'edited',
          action: 'worker.edited',
          via: null,
          changes: [
            { field: 'defaultAmountCents', before: 15_000_00, after: 17_500_00 },
            { field: 'department', before: null, after: 'Stores' },
          ],
        },
        {
          id: 10,
          at: '2026-11-01T05:00:00.000Z',
          actor: 'amina',
          actorName: 'Amina Odhiambo',
          kind: 'added',
          action: 'worker.added',
          via: 'import',
          changes: [{ field: 'name', before: null, after: 'Akinyi Otieno' }],
        },
      ],
    };
    renderWithProviders(<Workers />);
    await user.click(await screen.findByRole('button', { name: 'History of Akinyi Otieno' }));

    const history = await screen.findByRole('table', { name: 'History of Akinyi Otieno' });
    await waitFor(() => expect(within(history).getAllByTestId('history-entry')).toHaveLength(3));
    const [rejected, edited, added] = within(history).getAllByTestId('history-entry') as [
      HTMLElement,
      HTMLElement,
      HTMLElement,
    ];
    expect(rejected.textContent).toContain('21 Nov 2026, 14:30');
    expect(rejected.textContent).toContain('Baraka Mwangi');
    expect(rejected.textContent).toContain('New M-Pesa number rejected; the old number is back');
    expect(rejected.textContent).toContain('M-Pesa number: 0712 345 678 → 0722 000 111');
    expect(edited.textContent).toContain('Usual pay: KES 15,000.00 → KES 17,500.00');
    expect(edited.textContent).toContain('Department: — → Stores');
    expect(added.textContent).toContain('Added from a worker file');
    expect(bridge.callsOf('workers.history')).toEqual([{ id: 1 }]);
  });
});
