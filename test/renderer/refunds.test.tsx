// @vitest-environment happy-dom
// Refunds on the screens: the admin asks from the customer's payment (amount prefilled with what is
// left, the number asked for when M-Pesa masked it, the core's refusal beside the field), the ledger
// row says how much went back and a refund names the payment it returned; on the Refunds screen an
// approver approves (after the money confirmation) or declines with a reason.
import { ModalsProvider } from '@mantine/modals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRefunds, RefundView } from '../../src/shared/contract';
import { RefundAction } from '../../src/renderer/screens/ledger/RefundAction';
import { Refunds } from '../../src/renderer/screens/Refunds';
import { contractKey } from '../../src/renderer/lib/queries';
import { anAccount, at, bridge, refuse } from './support/fake-bridge';
import { renderWithProviders } from './support/render';

function aRefund(overrides: Partial<RefundView> & Pick<RefundView, 'id'>): RefundView {
  return {
    state: 'awaiting_approval',
    status: 'Waiting for one approval by an approver other than Wanjiru Kamau',
    amountCents: 1000_00,
    phone: '254708374149',
    phoneEvidence: 'masked',
    payerName: 'NICHOLAS SONGOK',
    reason: 'Paid for the wrong order',
    original: {
      transactionId: 41,
      receipt: 'QKH94M1Z11',
      amountCents: 2500_00,
      occurredAt: at,
      partyDisplay: '2547 ***** 149',
    },
    askedBy: 'wanjiru',
    askedByName: 'Wanjiru Kamau',
    askedAt: at,
    approvedBy: [],
    waitingFor: 'one approval by an approver other than Wanjiru Kamau',
    declinedByName: null,
    declineReason: null,
    refundReceipt: null,
    refundTransactionId: null,
    paidAt: null,
    failure: null,
    needsAttention: false,
    failedOnWordOf: [],
    runId: 9,
    itemId: 90,
    updatedAt: at,
    ...overrides,
  };
}

function masked(overrides: Partial<NonNullable<LedgerRefunds['refundable']>> = {}): LedgerRefunds {
  return {
    refundable: {
      originalCents: 2500_00,
      paidCents: 0,
      heldCents: 0,
      leftCents: 2500_00,
      refusal: null,
      payer: { kind: 'masked', shown: '2547 ***** 149' },
      ...overrides,
    },
    refunds: [],
    refundOf: null,
  };
}

describe('refunding from the ledger row', () => {
  it('asks for a refund with the amount left prefilled and the customer’s full number', async () => {
    const user = userEvent.setup();
    bridge.answer('refunds.forTransaction', () => masked({ paidCents: 500_00, heldCents: 500_00, leftCents: 2000_00 }));
    bridge.answer('refunds.request', (input) => aRefund({ id: 3, amountCents: input.amountCents }));
    renderWithProviders(<RefundAction transactionId={41} />);
    await user.click(await screen.findByTestId('refund-open'));
    const form = await screen.findByTestId('refund-form');
    expect(within(form).getByText(/Up to KES 2,000.00 of KES 2,500.00 is left to refund/)).toBeTruthy();
    const amount = within(form).getByLabelText('Amount to refund') as HTMLInputElement;
    expect(amount.value).toBe('2,000.00');
    expect(within(form).getByText(/M-Pesa showed it as 2547 \*\*\*\*\* 149/)).toBeTruthy();
    await user.clear(amount);
    await user.type(amount, '1,000');
    await user.type(within(form).getByLabelText('Reason'), 'Paid for the wrong order');
    await user.click(within(form).getByTestId('refund-submit'));
    // Without the number nothing is asked.
    expect(await within(form).findByText("Type the customer's full number.")).toBeTruthy();
    expect(bridge.callsOf('refunds.request')).toEqual([]);
    await user.type(within(form).getByLabelText("Customer's M-Pesa number"), '0708 374 149');
    await user.click(within(form).getByTestId('refund-submit'));
    await waitFor(() =>
      expect(bridge.callsOf('refunds.request')).toEqual([
        { transactionId: 41, amountCents: 1000_00, reason: 'Paid for the wrong order', phone: '0708 374 149' },
      ]),
    );
    await waitFor(() => expect(screen.queryByTestId('refund-form')).toBeNull());
  });

  it('shows the core’s refusal of a number that does not fit beside the number', async () => {
    const user = userEvent.setup();
    bridge.answer('refunds.forTransaction', () => masked());
    bridge.answer('refunds.request', () =>
      refuse({
        kind: 'validation',
        code: 'number_mismatch',
        message: 'The number does not match the one M-Pesa showed for this payment: 2547 ***** 149',
        issues: [
          {
            path: ['phone'],
            message: 'The number does not match the one M-Pesa showed for this payment: 2547 ***** 149',
          },
        ],
      }),
    );
    renderWithProviders(<RefundAction transactionId={41} />);
    await user.click(await screen.findByTestId('refund-open'));
    const form = await screen.findByTestId('refund-form');
    await user.type(within(form).getByLabelText('Reason'), 'Wrong order');
    await user.type(within(form).getByLabelText("Customer's M-Pesa number"), '0708374148');
    await user.click(within(form).getByTestId('refund-submit'));
    const phone = within(form).getByLabelText("Customer's M-Pesa number");
    await waitFor(() => expect(phone.getAttribute('aria-invalid')).toBe('true'));
    expect(
      within(form).getByText('The number does not match the one M-Pesa showed for this payment: 2547 ***** 149'),
    ).toBeTruthy();
    expect(screen.getByTestId('refund-form')).toBeTruthy();
  });

  it('says how much went back, with the receipts, and names the payment a refund returned', async () => {
    bridge.answer('refunds.forTransaction', ({ transactionId }) =>
      transactionId === 41
        ? {
            ...masked({ paidCents: 1000_00, heldCents: 1000_00, leftCents: 1500_00 }),
            refunds: [aRefund({ id: 3, state: 'paid', refundReceipt: 'QKR7ZZ0001', refundTransactionId: 52 })],
          }
        : { refundable: null, refunds: [], refundOf: { refundId: 3, transactionId: 41, receipt: 'QKH94M1Z11' } },
    );
    const first = renderWithProviders(<RefundAction transactionId={41} />);
    expect((await screen.findByTestId('refunded-summary')).textContent).toBe(
      'Refunded KES 1,000.00 of KES 2,500.00: receipts QKR7ZZ0001.',
    );
    first.unmount();
    renderWithProviders(<RefundAction transactionId={52} />);
    expect((await screen.findByTestId('refund-of')).textContent).toContain('Refund of QKH94M1Z11');
    expect(screen.queryByTestId('refund-open')).toBeNull();
  });

  it('says why a payment cannot be refunded', async () => {
    bridge.answer('refunds.forTransaction', () => masked({ refusal: 'QKH94M1Z11 was reversed.', leftCents: 0 }));
    renderWithProviders(<RefundAction transactionId={41} />);
    expect((await screen.findByTestId('refund-refusal')).textContent).toBe('QKH94M1Z11 was reversed.');
    expect((screen.getByTestId('refund-open') as HTMLButtonElement).disabled).toBe(true);
  });

  it('offers no refund to someone who is not an admin', async () => {
    bridge.data.accounts.push(
      anAccount({ id: 5, username: 'chebet', displayName: 'Chebet Kiprop', roles: ['accountant'] }),
    );
    bridge.data.signedIn = 'chebet';
    bridge.answer('refunds.forTransaction', () => ({
      ...masked({ paidCents: 1000_00, heldCents: 1000_00, leftCents: 1500_00 }),
      refunds: [aRefund({ id: 3, state: 'paid', refundReceipt: 'QKR7ZZ0001', refundTransactionId: 52 })],
    }));
    const { client } = renderWithProviders(<RefundAction transactionId={41} />);
    await screen.findByTestId('refunded-summary');
    // Once the screen knows who is signed in (an accountant), there is still no Refund button.
    await waitFor(() => expect(client.getQueryData(contractKey('account.me', {}))).toBeDefined());
    expect(screen.queryByTestId('refund-open')).toBeNull();
  });
});

describe('the Refunds screen', () => {
  beforeEach(() => {
    bridge.data.accounts.push(
      anAccount({ id: 2, username: 'baraka', displayName: 'Baraka Mwangi', roles: ['approver'] }),
    );
    bridge.data.signedIn = 'baraka';
  });

  it('lets an approver approve after confirming the money, then shows it paid', async () => {
    const user = userEvent.setup();
    let refund = aRefund({ id: 3 });
    bridge.answer('refunds.list', () => ({ refunds: [refund], total: 1 }));
    bridge.answer('refunds.approve', ({ refundId }) => {
      refund = aRefund({
        id: refundId,
        state: 'paid',
        status: 'Paid: receipt QKR7ZZ0001',
        refundReceipt: 'QKR7ZZ0001',
        refundTransactionId: 52,
        approvedBy: ['Baraka Mwangi'],
        waitingFor: null,
      });
      return { refund, sent: true, notSent: null };
    });
    renderWithProviders(
      <ModalsProvider>
        <Refunds />
      </ModalsProvider>,
    );
    const row = await screen.findByTestId('refund-3');
    expect(within(row).getByText('Waiting for approval')).toBeTruthy();
    await user.click(within(row).getByRole('button', { name: 'Approve refund #3 to NICHOLAS SONGOK' }));
    const question = await screen.findByTestId('confirm-money-question');
    expect(question.textContent).toContain('Refund KES 1,000.00 to NICHOLAS SONGOK (0708 374 149) from');
    await user.click(screen.getByTestId('confirm-money-yes'));
    await waitFor(() => expect(bridge.callsOf('refunds.approve')).toEqual([{ refundId: 3 }]));
    await waitFor(() => expect(within(screen.getByTestId('refund-3')).getByText('Paid')).toBeTruthy());
    expect(within(screen.getByTestId('refund-3')).getByText('QKR7ZZ0001')).toBeTruthy();
  });

  it('offers to send again a refund failed on a person’s word, with the caution, and no decline', async () => {
    const user = userEvent.setup();
    bridge.answer('refunds.list', () => ({
      refunds: [
        aRefund({
          id: 4,
          state: 'failed',
          status: 'Recorded as failed by amina, not by M-Pesa',
          failedOnWordOf: ['amina'],
          waitingFor: null,
        }),
      ],
      total: 1,
    }));
    bridge.answer('refunds.approve', ({ refundId }) => ({
      refund: aRefund({ id: refundId, state: 'sending', status: 'Being sent to the customer', waitingFor: null }),
      sent: true,
      notSent: null,
    }));
    renderWithProviders(
      <ModalsProvider>
        <Refunds />
      </ModalsProvider>,
    );
    const row = await screen.findByTestId('refund-4');
    expect(within(row).queryByTestId('refund-decline')).toBeNull();
    const again = within(row).getByRole('button', { name: 'Approve refund #4 to NICHOLAS SONGOK' });
    expect(again.textContent).toBe('Send again');
    await user.click(again);
    const caution = await screen.findByTestId('confirm-money-caution');
    expect(caution.textContent).toContain('amina recorded the last try as failed, not M-Pesa');
    expect(caution.textContent).toContain('only if the M-Pesa statement shows it was not paid');
    await user.click(screen.getByTestId('confirm-money-yes'));
    await waitFor(() => expect(bridge.callsOf('refunds.approve')).toEqual([{ refundId: 4 }]));
  });

  it('sends nothing when the approver says not now, and declines with a reason', async () => {
    const user = userEvent.setup();
    bridge.answer('refunds.list', () => ({ refunds: [aRefund({ id: 3 })], total: 1 }));
    bridge.answer('refunds.decline', ({ refundId, reason }) =>
      aRefund({ id: refundId, state: 'declined', declineReason: reason, declinedByName: 'Baraka Mwangi' }),
    );
    renderWithProviders(
      <ModalsProvider>
        <Refunds />
      </ModalsProvider>,
    );
    const row = await screen.findByTestId('refund-3');
    await user.click(within(row).getByRole('button', { name: 'Approve refund #3 to NICHOLAS SONGOK' }));
    await user.click(await screen.findByTestId('confirm-money-no'));
    expect(bridge.callsOf('refunds.approve')).toEqual([]);
    await user.click(within(row).getByRole('button', { name: 'Decline refund #3 to NICHOLAS SONGOK' }));
    const form = await screen.findByTestId('refund-decline-form');
    await user.type(within(form).getByLabelText('Why'), 'The customer collected the goods');
    await user.click(within(form).getByTestId('refund-decline-submit'));
    await waitFor(() =>
      expect(bridge.callsOf('refunds.decline')).toEqual([{ refundId: 3, reason: 'The customer collected the goods' }]),
    );
  });
});
