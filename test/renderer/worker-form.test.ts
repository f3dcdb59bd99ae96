// @vitest-environment happy-dom
// The worker form as a payroll officer uses it, against a fake bridge: an amount that is not one is
// refused beside the field before anything is sent, and the core's plain message for a refused
// field appears under that field, not in a toast.
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Workers as WorkersScreen } from '../../src/renderer/screens/Workers';
import { createQueryClient } from '../../src/renderer/lib/queries';
import type { ContractResult, MshaharaBridge } from '../../src/shared/contract';
import { installMatchMedia } from './support/match-media';

const calls: { method: string; input: unknown }[] = [];
let answerFor: (method: string, input: unknown) => ContractResult<unknown> = () => ({ ok: true, value: {} });

const bridge = {
  invoke: (method: string, input: unknown) => {
    calls.push({ method, input });
    return Promise.resolve(answerFor(method, input));
  },
  subscribe: () => () => undefined,
} as unknown as MshaharaBridge;

let Workers: typeof WorkersScreen;

beforeAll(async () => {
  (window as unknown as { mshahara: MshaharaBridge }).mshahara = bridge;
  installMatchMedia();
  ({ Workers } = await import('../../src/renderer/screens/Workers'));
});

afterEach(() => {
  cleanup();
  calls.length = 0;
});

const emptyList: ContractResult<unknown> = { ok: true, value: { workers: [], total: 0 } };

async function openAddForm() {
  render(
    createElement(
      MantineProvider,
      null,
      createElement(QueryClientProvider, { client: createQueryClient() }, createElement(Workers)),
    ),
  );
  await userEvent.click(await screen.findByRole('button', { name: 'Add a worker' }));
  await userEvent.type(await screen.findByLabelText(/Full name/), 'Achieng Otieno');
  await userEvent.type(screen.getByLabelText(/M-Pesa phone number/), '0712345678');
}

function descriptionOf(input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

describe('the worker form', () => {
  it('sends the usual pay as exact cents read from what was typed', async () => {
    answerFor = (method) => (method === 'workers.list' ? emptyList : { ok: true, value: {} });
    await openAddForm();
    await userEvent.type(screen.getByLabelText(/Usual pay/), '1,250.50');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.some((call) => call.method === 'workers.add')).toBe(true));
    expect(calls.find((call) => call.method === 'workers.add')?.input).toMatchObject({
      name: 'Achieng Otieno',
      defaultAmountCents: 125050,
    });
  });

  it('refuses an amount with three decimals beside the field, sending nothing', async () => {
    answerFor = (method) => (method === 'workers.list' ? emptyList : { ok: true, value: {} });
    await openAddForm();
    const amount = screen.getByLabelText(/Usual pay/);
    await userEvent.type(amount, '12.345');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(descriptionOf(amount)).toMatch(/at most two decimals/));
    expect(amount.getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((call) => call.method === 'workers.add')).toBe(false);
  });

  it('shows the core’s plain message for a refused field under that field', async () => {
    answerFor = (method) =>
      method === 'workers.list'
        ? emptyList
        : method === 'workers.phoneChanges'
          ? { ok: true, value: { changes: [] } }
          : {
              ok: false,
              error: {
                kind: 'validation',
                message: 'Phone: Not a Kenyan mobile number.',
                issues: [{ path: ['phone'], message: 'Not a Kenyan mobile number' }],
              },
            };
    await openAddForm();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const phone = screen.getByLabelText(/M-Pesa phone number/);
    await waitFor(() => expect(descriptionOf(phone)).toContain('Not a Kenyan mobile number'));
    expect(phone.getAttribute('aria-invalid')).toBe('true');
    // Beside the field only: no alert repeats it, and nothing reads like zod's notation.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.body.textContent).not.toMatch(/✖|→ at/);
  });
});
