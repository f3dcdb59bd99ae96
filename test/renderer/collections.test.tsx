// @vitest-environment happy-dom
// Money in, against the fake core: the admin asks a customer to pay and sees the live status change
// when the core says the request moved (waiting for the PIN, then paid with the receipt); a refused
// field shows beside it; "Ask again" warns that a first prompt may have reached the customer; the
// customers' payments not yet confirmed are offered "Check again"; someone who may only read sees
// no form.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CollectionRequestView, MethodOutput } from '../../src/shared/contract';
import { listenToCore } from '../../src/renderer/lib/queries';
import { Collections } from '../../src/renderer/screens/Collections';
import { useSession } from '../../src/renderer/stores/session';
import { aSession, at, bridge, refuse } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function aRequest(overrides: Partial<CollectionRequestView> = {}): CollectionRequestView {
  return {
    id: 7,
    phone: '254712345678',
    amountCents: 1500_00,
    accountReference: 'INV-2231',
    askedBy: 'wanjiru',
    askedAt: at,
    state: 'sent',
    status: 'Waiting for the customer to enter their PIN…',
    note: null,
    receipt: null,
    transactionId: null,
    checkoutRequestId: 'ws_CO_201120260700001',
    againOf: null,
    askedAgainAs: null,
    canAskAgain: false,
    canEnterReceipt: false,
    attention: null,
    waiting: true,
    ...overrides,
  };
}

function signedInAs(roles: Array<'admin' | 'accountant' | 'auditor'>) {
  useSession.setState({
    session: aSession({ signedIn: { accountId: 1, username: 'wanjiru', displayName: 'Wanjiru Kamau', roles } }),
  });
}

function overview(partial: Partial<MethodOutput<'collections.list'>> = {}): MethodOutput<'collections.list'> {
  return { requests: [], received: [], waiting: [], unconfirmed: [], ...partial };
}

describe('Money in', () => {
  it('sends the prompt and shows the customer’s answer live', async () => {
    const user = userEvent.setup();
    signedInAs(['admin']);
    let current = aRequest();
    bridge.answer('collections.list', () => overview({ requests: [current] }));
    bridge.answer('collections.request', () => current);
    bridge.answer('collections.detail', () => current);
    const { client } = renderWithProviders(<Collections />);
    const stop = listenToCore(client);
    const form = await screen.findByTestId('request-payment');
    await user.type(within(form).getByLabelText('Customer’s M-Pesa number'), '0712 345 678');
    await user.type(within(form).getByLabelText('Amount'), '1,500');
    await user.type(within(form).getByLabelText(/Account reference/), 'INV-2231');
    await user.click(within(form).getByRole('button', { name: 'Send the prompt' }));
    await waitFor(() =>
      expect(bridge.callsOf('collections.request')).toEqual([
        { phone: '0712 345 678', amountCents: 1500_00, accountReference: 'INV-2231' },
      ]),
    );
    expect((await screen.findByTestId('live-status-words')).textContent).toBe(
      'Waiting for the customer to enter their PIN…',
    );
    current = aRequest({ state: 'paid', status: 'Paid: receipt QKH94M1Z11', receipt: 'QKH94M1Z11', waiting: false });
    bridge.emit('collections.changed', { requestId: 7, inboxId: null });
    await waitFor(() => expect(screen.getByTestId('live-status-words').textContent).toBe('Paid: receipt QKH94M1Z11'));
    stop();
  });

  it('shows a payment M-Pesa first said was declined as paid, with words for the admin to look at it', async () => {
    signedInAs(['admin']);
    const words =
      'M-Pesa first said the customer did not pay (The customer’s phone could not be reached), then that they paid with receipt QKH94M1Z11. The money is recorded as received; check with the customer.';
    let checked = false;
    bridge.answer('collections.list', () =>
      overview({
        requests: [
          aRequest({
            state: 'paid',
            status: 'Paid: receipt QKH94M1Z11',
            receipt: 'QKH94M1Z11',
            waiting: false,
            attention: checked ? null : words,
          }),
          aRequest({ id: 8, state: 'paid', status: 'Paid: receipt QKH94M1Z12', receipt: 'QKH94M1Z12', waiting: false }),
        ],
      }),
    );
    renderWithProviders(<Collections />);
    const rows = await screen.findAllByTestId('payment-request');
    expect(within(rows[0]!).getByTestId('payment-request-attention').textContent).toBe(`Look at this: ${words}`);
    expect(within(rows[1]!).queryByTestId('payment-request-attention')).toBeNull();
    expect(within(rows[0]!).queryByRole('button', { name: 'Ask again' })).toBeNull();
    expect(within(rows[1]!).queryByTestId('mark-checked')).toBeNull();

    // The admin checks with the customer and says what they found: the words go.
    const user = userEvent.setup();
    bridge.answer('collections.markChecked', ({ id }) => {
      checked = true;
      return aRequest({ id, state: 'paid', status: 'Paid: receipt QKH94M1Z11', receipt: 'QKH94M1Z11', waiting: false });
    });
    await user.click(within(rows[0]!).getByTestId('mark-checked'));
    await user.type(await screen.findByTestId('mark-checked-note'), 'Customer confirms one payment');
    await user.click(screen.getByTestId('mark-checked-submit'));
    await waitFor(() =>
      expect(bridge.callsOf('collections.markChecked')).toEqual([{ id: 7, note: 'Customer confirms one payment' }]),
    );
    await waitFor(() => expect(screen.queryByTestId('payment-request-attention')).toBeNull());
  });

  it('lists a prompt M-Pesa could not confirm, and an accountant settles it with what they found', async () => {
    signedInAs(['accountant']);
    let settled = false;
    bridge.answer('collections.list', () =>
      overview({
        unconfirmed: settled
          ? []
          : [
              {
                inboxId: 31,
                receipt: 'UL2ZZZ0001',
                phone: '254712345678',
                amountCents: 150_00,
                receivedAt: at,
                words: 'M-Pesa’s lookup did not find receipt UL2ZZZ0001 (code SFC_IC0003): nothing was recorded.',
              },
            ],
      }),
    );
    bridge.answer('collections.settleSuccess', ({ inboxId }) => {
      settled = true;
      return { inboxId, settledAt: at };
    });
    const user = userEvent.setup();
    renderWithProviders(<Collections />);
    const row = await screen.findByTestId('unconfirmed-success');
    expect(row.textContent).toContain('UL2ZZZ0001');
    expect(row.textContent).toContain('did not find receipt');
    await user.click(within(row).getByTestId('settle-success'));
    await user.type(await screen.findByTestId('settle-success-note'), 'Not on the statement of 1 December');
    await user.click(screen.getByTestId('settle-success-submit'));
    await waitFor(() =>
      expect(bridge.callsOf('collections.settleSuccess')).toEqual([
        { inboxId: 31, note: 'Not on the statement of 1 December' },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId('unconfirmed-success')).toBeNull());
  });

  it('offers no settling to someone who may only read', async () => {
    signedInAs(['auditor']);
    bridge.answer('collections.list', () =>
      overview({
        unconfirmed: [
          {
            inboxId: 31,
            receipt: 'UL2ZZZ0001',
            phone: null,
            amountCents: 150_00,
            receivedAt: at,
            words: 'Not confirmed',
          },
        ],
      }),
    );
    renderWithProviders(<Collections />);
    const row = await screen.findByTestId('unconfirmed-success');
    expect(within(row).queryByTestId('settle-success')).toBeNull();
  });

  it('shows a refused field beside it, and sends nothing for an amount that is not one', async () => {
    const user = userEvent.setup();
    signedInAs(['admin']);
    bridge.answer('collections.list', () => overview());
    bridge.answer('collections.request', () =>
      refuse({
        kind: 'validation',
        message: 'The number is not a Kenyan mobile number',
        issues: [{ path: ['phone'], message: 'The number is not a Kenyan mobile number' }],
      }),
    );
    renderWithProviders(<Collections />);
    const form = await screen.findByTestId('request-payment');
    await user.type(within(form).getByLabelText('Amount'), '12.345');
    await user.click(within(form).getByRole('button', { name: 'Send the prompt' }));
    expect(bridge.callsOf('collections.request')).toEqual([]);
    await user.clear(within(form).getByLabelText('Amount'));
    await user.type(within(form).getByLabelText('Amount'), '100');
    await user.type(within(form).getByLabelText('Customer’s M-Pesa number'), '12');
    await user.type(within(form).getByLabelText(/Account reference/), 'X');
    await user.click(within(form).getByRole('button', { name: 'Send the prompt' }));
    expect(await within(form).findByText('The number is not a Kenyan mobile number')).toBeTruthy();
  });

  it('warns before asking again after a lost answer, and asks only when confirmed', async () => {
    const user = userEvent.setup();
    signedInAs(['admin']);
    const lost = aRequest({
      state: 'unknown',
      status: 'M-Pesa may have sent the prompt: waiting to hear',
      canAskAgain: true,
      waiting: false,
    });
    bridge.answer('collections.list', () => overview({ requests: [lost] }));
    bridge.answer('collections.askAgain', () => aRequest({ id: 8, againOf: 7 }));
    renderWithProviders(<Collections />);
    await user.click(await screen.findByRole('button', { name: 'Ask again' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('asking again can make them pay twice');
    await user.click(within(dialog).getByRole('button', { name: 'Keep waiting' }));
    expect(bridge.callsOf('collections.askAgain')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Ask again' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Ask again' }));
    await waitFor(() => expect(bridge.callsOf('collections.askAgain')).toEqual([{ id: 7 }]));
  });

  it('takes the receipt of a request paid without one, and shows M-Pesa’s refusal beside it', async () => {
    const user = userEvent.setup();
    signedInAs(['accountant']);
    const unpaidReceipt = aRequest({
      state: 'paid_no_receipt',
      status: 'Paid, the receipt not yet received',
      canEnterReceipt: true,
      waiting: false,
    });
    bridge.answer('collections.list', () => overview({ requests: [unpaidReceipt] }));
    bridge.answer('collections.recordReceipt', () =>
      refuse({
        kind: 'validation',
        message: 'M-Pesa has no payment with receipt QZZ0000000: nothing was recorded.',
        issues: [
          { path: ['receipt'], message: 'M-Pesa has no payment with receipt QZZ0000000: nothing was recorded.' },
        ],
      }),
    );
    renderWithProviders(<Collections />);
    await user.click(await screen.findByRole('button', { name: 'Enter the receipt' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('M-Pesa receipt'), 'qzz0000000');
    await user.click(within(dialog).getByRole('button', { name: 'Check and record' }));
    expect(await within(dialog).findByText(/M-Pesa has no payment with receipt QZZ0000000/)).toBeTruthy();
    expect(bridge.callsOf('collections.recordReceipt')).toEqual([{ id: 7, receipt: 'qzz0000000' }]);
  });

  it('lists the money received and offers "Check again" for a payment M-Pesa has not confirmed', async () => {
    const user = userEvent.setup();
    signedInAs(['accountant']);
    bridge.answer('collections.list', () =>
      overview({
        received: [
          {
            id: 3,
            receipt: 'TL1ABCDEF1',
            occurredAt: at,
            kind: 'c2b_payment',
            amountCents: 750_00,
            phone: '254708374149',
            partyName: 'JOHN DOE',
            partyDisplay: '254708374149 - JOHN DOE',
            accountReference: 'HOUSE-12',
          },
        ],
        waiting: [
          {
            inboxId: 41,
            receipt: 'TL1WAITING',
            amountCents: 900_00,
            state: 'needs_person',
            words:
              'M-Pesa did not answer in time. Nothing was recorded: check again, or look it up on the M-Pesa portal',
            tries: 3,
            receivedAt: at,
            canCheckAgain: true,
          },
        ],
      }),
    );
    bridge.answer('received.checkAgain', () => ({
      inboxId: 41,
      receipt: 'TL1WAITING',
      amountCents: 900_00,
      state: 'checking',
      words: 'Asking M-Pesa whether this payment is real…',
      tries: 0,
      receivedAt: at,
      canCheckAgain: false,
    }));
    renderWithProviders(<Collections />);
    const received = await screen.findByTestId('money-received');
    await waitFor(() => expect(within(received).getByText('TL1ABCDEF1')).toBeTruthy());
    expect(received.textContent).toContain('Pay Bill');
    expect(received.textContent).toContain('KES 750.00');
    expect(screen.queryByTestId('request-payment')).toBeNull();
    const waiting = screen.getByTestId('waiting-payments');
    expect(waiting.textContent).toContain('Nothing here is in the ledger');
    await user.click(within(waiting).getByRole('button', { name: 'Check again' }));
    await waitFor(() => expect(bridge.callsOf('received.checkAgain')).toEqual([{ inboxId: 41 }]));
  });
});
