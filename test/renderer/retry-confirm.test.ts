// @vitest-environment happy-dom
// Retry failed as the officer uses it, against a fake bridge: nothing is sent until the confirmation
// (how many, how much, from which account) is answered yes, and "Not now" sends nothing.
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RetryFailed as RetryFailedScreen } from '../../src/renderer/screens/run/RetryFailed';
import type { MshaharaBridge } from '../../src/shared/contract';
import { installMatchMedia } from './support/match-media';

const calls: string[] = [];
const bridge = {
  invoke: (method: string) => {
    calls.push(method);
    return Promise.resolve({ ok: true, value: {} });
  },
  subscribe: () => () => undefined,
} as unknown as MshaharaBridge;

let RetryFailed: typeof RetryFailedScreen;

beforeAll(async () => {
  (window as unknown as { mshahara: MshaharaBridge }).mshahara = bridge;
  installMatchMedia();
  ({ RetryFailed } = await import('../../src/renderer/screens/run/RetryFailed'));
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

function openRetry(onSent: () => void) {
  render(
    createElement(
      MantineProvider,
      null,
      createElement(
        ModalsProvider,
        null,
        createElement(RetryFailed, {
          preview: {
            runId: 7,
            count: 2,
            amountCents: 3_500_00,
            estimatedChargesCents: 2_200,
            items: [failed(1, 1_500_00), failed(2, 2_000_00)],
          },
          profile: { name: 'acme', kind: 'production', shortcode: '600000' },
          onClose: () => undefined,
          onSent,
        }),
      ),
    ),
  );
}

describe('retry failed', () => {
  it('sends only after the officer confirms what will move, once', async () => {
    let sent = 0;
    openRetry(() => (sent += 1));
    await userEvent.click(await screen.findByTestId('approve-retry'));
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

  it('sends nothing when the officer answers "Not now"', async () => {
    let sent = 0;
    openRetry(() => (sent += 1));
    await userEvent.click(await screen.findByTestId('approve-retry'));
    await userEvent.click(await screen.findByTestId('confirm-money-no'));
    await waitFor(() => expect(screen.queryByTestId('confirm-money-question')).toBeNull());
    expect(calls).not.toContain('runs.approveRetry');
    expect(sent).toBe(0);
  });
});
