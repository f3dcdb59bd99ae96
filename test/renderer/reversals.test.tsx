// @vitest-environment happy-dom
// Reversing from the ledger and the Reversals screen: the admin asks with a reason, a payment to a
// customer shows the M-Pesa Org portal's route instead of a button, a reversed payment names its
// reversal, and an approver approves from the list after saying yes to what goes back.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ReversalView } from '../../src/shared/contract';
import { App } from '../../src/renderer/App';
import { aLedgerRow, anAccount, bridge } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function openAt(url: string) {
  window.history.replaceState(null, '', url);
  return renderWithProviders(<App />);
}

const received = aLedgerRow({
  id: 7,
  receipt: 'SKC82PACB8',
  direction: 'in',
  kind: 'c2b_payment',
  partyName: 'Akinyi Otieno',
  phone: '254712345678',
  amountCents: 2_500_00,
});
const paidOut = aLedgerRow({ id: 8, receipt: 'SKD11AAAA1', partyName: 'Juma Hassan', phone: '254722000111' });

const portalWords =
  'M-Pesa does not allow reversing a payment to a customer through its API. Ask for the reversal on the M-Pesa Org portal …; when the statement shows it, Mshahara records it here.';

function aReversal(overrides: Partial<ReversalView> = {}): ReversalView {
  return {
    id: 3,
    transactionId: 7,
    originalReceipt: 'SKC82PACB8',
    amountCents: 2_500_00,
    partyName: 'Akinyi Otieno',
    phone: '254712345678',
    reason: 'Paid the wrong business',
    state: 'draft',
    stateWords: 'Waiting for one approver other than Wanjiru Kamau.',
    requestedBy: 'wanjiru',
    requestedByName: 'Wanjiru Kamau',
    requestedAt: '2026-12-01T08:00:00.000Z',
    approvals: [],
    approvalsMissing: 1,
    declinedByName: null,
    declineReason: null,
    reversalReceipt: null,
    reportedAmountCents: null,
    alreadyReversed: false,
    needsAttention: false,
    attentionReason: null,
    resultCode: null,
    sends: 0,
    canApprove: true,
    canDecline: true,
    canResolve: false,
    ...overrides,
  };
}

describe('Reversing from the ledger', () => {
  it('lets the admin ask for a received payment to be reversed, with a reason', async () => {
    const user = userEvent.setup();
    bridge.data.ledger = [received];
    bridge.answer('reversals.request', () => ({ reversal: aReversal(), message: 'Waiting.' }));
    openAt('/#/ledger/7');
    const detail = await screen.findByTestId('ledger-detail');
    await user.click(await within(detail).findByTestId('reverse-button'));
    const confirm = await screen.findByTestId('reverse-confirm');
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByTestId('reverse-reason'), 'Paid the wrong business');
    await user.click(confirm);
    await waitFor(() =>
      expect(bridge.callsOf('reversals.request')).toEqual([{ transactionId: 7, reason: 'Paid the wrong business' }]),
    );
  });

  it('shows the portal route instead of a button for a payment to a customer', async () => {
    bridge.data.ledger = [paidOut];
    bridge.data.reversalOf[8] = {
      refusal: { code: 'reverse_on_portal', message: portalWords },
      reversal: null,
      reversedBy: null,
      reverses: null,
    };
    openAt('/#/ledger/8');
    const portal = await screen.findByTestId('reverse-on-portal');
    expect(portal.textContent).toContain(portalWords);
    expect(screen.queryByTestId('reverse-button')).toBeNull();
  });

  it('names the reversal on a payment that was reversed', async () => {
    bridge.data.ledger = [received];
    bridge.data.reversalOf[7] = {
      refusal: { code: 'already_reversed', message: 'Payment SKC82PACB8 was already reversed.' },
      reversal: aReversal({ state: 'succeeded', reversalReceipt: 'SKE52PAWR9' }),
      reversedBy: { receipt: 'SKE52PAWR9', transactionId: 9, via: 'api' },
      reverses: null,
    };
    openAt('/#/ledger/7');
    const reversed = await screen.findByTestId('reversed-by');
    expect(reversed.textContent).toContain('Reversed by');
    expect(reversed.textContent).toContain('SKE52PAWR9');
    expect(screen.queryByTestId('reverse-button')).toBeNull();
  });
});

describe('Reversals', () => {
  it('lets an approver approve after saying yes to what goes back to whom', async () => {
    const user = userEvent.setup();
    bridge.data.accounts = [
      ...bridge.data.accounts,
      anAccount({ id: 3, username: 'baraka', displayName: 'Baraka Mwangi', roles: ['approver'] }),
    ];
    bridge.data.signedIn = 'baraka';
    bridge.data.reversals = [aReversal()];
    bridge.answer('reversals.approve', () => ({
      reversal: aReversal({ state: 'succeeded', stateWords: 'Reversed: receipt SKE52PAWR9.', canApprove: false }),
      message: 'Reversed: receipt SKE52PAWR9.',
    }));
    openAt('/#/reversals');
    const row = await screen.findByTestId('reversal-row');
    expect(within(row).getByTestId('reversal-words').textContent).toBe(
      'Waiting for one approver other than Wanjiru Kamau.',
    );
    await user.click(within(row).getByTestId('reversal-approve'));
    expect((await screen.findByTestId('reversal-confirm-question')).textContent).toBe(
      'Send KES 2,500.00 back to Akinyi Otieno (payment SKC82PACB8)?',
    );
    await user.click(screen.getByTestId('reversal-confirm-yes'));
    await waitFor(() => expect(bridge.callsOf('reversals.approve')).toEqual([{ id: 3 }]));
  });
});
