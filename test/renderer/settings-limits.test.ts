// @vitest-environment happy-dom
// The amount limits in Settings, against a fake bridge: shillings typed with separators become exact
// cents, an amount that is not one is refused beside its field and nothing is saved, and the core's
// refusal of a limit shows under that limit.
import { MantineProvider } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sending as SendingSection } from '../../src/renderer/screens/Settings';
import { createQueryClient } from '../../src/renderer/lib/queries';
import type { ContractResult, MshaharaBridge } from '../../src/shared/contract';
import { installMatchMedia } from './support/match-media';

const calls: { method: string; input: unknown }[] = [];
let update: ContractResult<unknown>;
const settings = {
  sendRatePerSecond: 5,
  concurrency: 20,
  amountLimits: {
    minCents: 10_00,
    maxCents: 250_000_00,
    runMaxCents: null,
    mpesaMinCents: 10_00,
    mpesaMaxCents: 250_000_00,
  },
};

const bridge = {
  invoke: (method: string, input: unknown) => {
    calls.push({ method, input });
    return Promise.resolve(method === 'settings.update' ? update : { ok: true, value: settings });
  },
  subscribe: () => () => undefined,
} as unknown as MshaharaBridge;

let Sending: typeof SendingSection;

beforeAll(async () => {
  (window as unknown as { mshahara: MshaharaBridge }).mshahara = bridge;
  installMatchMedia();
  ({ Sending } = await import('../../src/renderer/screens/Settings'));
});

afterEach(() => {
  cleanup();
  calls.length = 0;
});

function descriptionOf(input: HTMLElement): string {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
}

async function typeInto(label: RegExp, text: string): Promise<HTMLElement> {
  const field = await screen.findByLabelText(label);
  await userEvent.clear(field);
  await userEvent.type(field, text);
  return field;
}

const saves = () => calls.filter((call) => call.method === 'settings.update');

describe('amount limits', () => {
  it('shows the stored limits in shillings and saves what was typed as exact cents', async () => {
    update = { ok: true, value: settings };
    render(
      createElement(
        MantineProvider,
        null,
        createElement(QueryClientProvider, { client: createQueryClient() }, createElement(Sending)),
      ),
    );
    expect(((await screen.findByLabelText(/Largest payment/)) as HTMLInputElement).value).toBe('250,000.00');
    await typeInto(/Run total needing one more approver/, '1,234,500.50');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect(saves()[0]?.input).toMatchObject({
      amountLimits: { minCents: 10_00, maxCents: 250_000_00, runMaxCents: 123_450_050 },
    });
  });

  it('refuses a limit that is not an amount beside its field, saving nothing', async () => {
    update = { ok: true, value: settings };
    render(
      createElement(
        MantineProvider,
        null,
        createElement(QueryClientProvider, { client: createQueryClient() }, createElement(Sending)),
      ),
    );
    const smallest = await typeInto(/Smallest payment/, '-5');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(descriptionOf(smallest)).toContain('The amount cannot be below zero'));
    expect(saves()).toHaveLength(0);
  });

  it('shows the core’s refusal of a limit under that limit', async () => {
    update = {
      ok: false,
      error: {
        kind: 'validation',
        message: "The largest payment cannot be above M-Pesa's KES 250,000.00.",
        issues: [
          {
            path: ['amountLimits', 'maxCents'],
            message: "The largest payment cannot be above M-Pesa's KES 250,000.00.",
          },
        ],
      },
    };
    render(
      createElement(
        MantineProvider,
        null,
        createElement(QueryClientProvider, { client: createQueryClient() }, createElement(Sending)),
      ),
    );
    const largest = await typeInto(/Largest payment/, '300,000');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(descriptionOf(largest)).toContain("cannot be above M-Pesa's KES 250,000.00"));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
