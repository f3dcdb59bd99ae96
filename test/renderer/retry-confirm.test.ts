// @vitest-environment happy-dom
// Retry failed as two people use it, against a fake bridge: the officer asks and nothing is sent;
// the approver's approval sends nothing until the confirmation (how many, how much, from which
// account) is answered yes, and "Not now" sends nothing.
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RetryFailed as RetryFailedScreen } from '../../src/renderer/screens/run/RetryFailed';
import type { RetryRequest as RetryRequestScreen } from '../../src/renderer/screens/run/RetryRequest';
import type { MshaharaBridge } from '../../src/shared/contract';
import { installMatchMedia } from './support/match-media';
import { aReview, aRun } from './support/fake-bridge';

const calls: string[] = [];
const bridge = {
  invoke: (method: string) => {
    calls.push(method);
    return Promise.resolve({ ok: true, value: method === 'runs.approveRetry' ? { queued: 2 } : {} });
  },
  subscribe: () => () => undefined,
} as unknown as MshaharaBridge;

let RetryFailed: typeof RetryFailedScreen;
let RetryRequest: typeof RetryRequestScreen;

beforeAll(async () => {
  (window as unknown as { mshahara: MshaharaBridge }).mshahara = bridge;
  installMatchMedia();
  ({ RetryFailed } = await import('../../src/renderer/screens/run/RetryFailed'));
  ({ RetryRequest } = await import('../../src/renderer/screens/run/RetryRequest'));
});

afterEach(() => {
  cleanup();
  calls.length = 0;
});

const failed = (itemId: number, amountCents: number) => ({
  itemId,
  lineNumber: null,
  workerId: null,
  name: `Worker ${itemId}`,
  phone: '254712345678',
  amountCents,
  remarks: null,
  state: 'failed' as const,
  receipt: null,
  registeredName: null,
  nameMismatch: false,
  paidAt: null,
  failure: { code: '2001', message: 'The initiator information is invalid', action: null },
  attempts: 1,
  needsAttention: false,
});

const inProviders = (child: ReturnType<typeof createElement>) =>
  render(createElement(MantineProvider, null, createElement(ModalsProvider, null, child)));

function openRetry(onSent: () => void) {
  inProviders(
    createElement(RetryFailed, {
      preview: {
        runId: 7,
        count: 2,
        amountCents: 3_500_00,
        estimatedChargesCents: 2_200,
        items: [failed(1, 1_500_00), failed(2, 2_000_00)],
      },
      onClose: () => undefined,
      onSent,
    }),
  );
}

/** The run's review as the approver sees it while Amina's request to retry 2 payments waits. */
function openRequest(onSent: () => void) {
  const run = aRun({ id: 7, title: 'November salaries', state: 'completed', displayStatus: 'partially_paid' });
  inProviders(
    createElement(RetryRequest, {
      review: aReview(run, {
        retryRequest: {
          requestedBy: { username: 'amina', displayName: 'Amina Odhiambo' },
          requestedAt: '2026-11-30T08:00:00.000Z',
          count: 2,
          amountCents: 3_500_00,
        },
        viewer: { isMaker: false, mayApprove: false, mayEdit: false, mayAskRetry: false, mayApproveRetry: true },
      }),
      profile: { name: 'acme', kind: 'production', shortcode: '600000' },
      onSent,
    }),
  );
}

describe('retry failed', () => {
  it('is asked for by the officer: the request is made once, and nothing is sent', async () => {
    let asked = 0;
    openRetry(() => (asked += 1));
    await userEvent.click(await screen.findByTestId('ask-retry'));
    await waitFor(() => expect(asked).toBe(1));
    expect(calls).toEqual(['runs.requestRetry']);
    expect(screen.queryByTestId('confirm-money-question')).toBeNull();
  });

  it('sends only after the approver confirms what will move, once', async () => {
    let sent = 0;
    openRequest(() => (sent += 1));
    expect((await screen.findByTestId('retry-request')).textContent).toContain('Amina Odhiambo asked');
    await userEvent.click(await screen.findByTestId('approve-retry-request'));
    const question = await screen.findByTestId('confirm-money-question');
    expect(question.textContent).toBe(
      'Send 2 failed payments again, KES 3,500.00 in all, from M-Pesa account 600000 (production)?',
    );
    expect(screen.getByTestId('confirm-money-consequence').textContent).toBe('This sends real money.');
    expect(calls).not.toContain('runs.approveRetry');
    await userEvent.click(screen.getByTestId('confirm-money-yes'));
    await waitFor(() => expect(sent).toBe(1));
    expect(calls.filter((method) => method === 'runs.approveRetry')).toHaveLength(1);
  });

  it('sends nothing when the approver answers "Not now"', async () => {
    let sent = 0;
    openRequest(() => (sent += 1));
    await userEvent.click(await screen.findByTestId('approve-retry-request'));
    await userEvent.click(await screen.findByTestId('confirm-money-no'));
    await waitFor(() => expect(screen.queryByTestId('confirm-money-question')).toBeNull());
    expect(calls).not.toContain('runs.approveRetry');
    expect(sent).toBe(0);
  });

  it('offers no approval to the person who asked', async () => {
    const run = aRun({ id: 7, title: 'November salaries', state: 'completed', displayStatus: 'partially_paid' });
    inProviders(
      createElement(RetryRequest, {
        review: aReview(run, {
          retryRequest: {
            requestedBy: { username: 'amina', displayName: 'Amina Odhiambo' },
            requestedAt: '2026-11-30T08:00:00.000Z',
            count: 2,
            amountCents: 3_500_00,
          },
        }),
        profile: null,
        onSent: () => undefined,
      }),
    );
    expect((await screen.findByTestId('retry-request')).textContent).toContain(
      'An approver other than them approves it.',
    );
    expect(screen.queryByTestId('approve-retry-request')).toBeNull();
  });
});
