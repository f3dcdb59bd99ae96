// @vitest-environment happy-dom
// Choosing a file over the one size limit: the page refuses it in plain words (the file, its size,
// the limit, what to do) and never reads or sends it; a file within the limit is read as before.
import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PayrollFileChooser, type ChosenFile } from '../../src/renderer/components/PayrollFileChooser';
import { ImportStatement } from '../../src/renderer/screens/reconcile/ImportStatement';
import { fileTooLarge, maxFileBytes, megabytes } from '../../src/shared/file-limits';

afterEach(cleanup);

/** A file whose reported size is `bytes` (the browser's File.size), without holding that much. */
function fileOfSize(name: string, bytes: number): File {
  const file = new File(['name,phone,amount\nWanjiku,0712345678,1000\n'], name, { type: 'text/csv' });
  Object.defineProperty(file, 'size', { value: bytes });
  return file;
}

describe('the one file size limit, in words', () => {
  it('names the file, its size, the limit and what to do', () => {
    expect(fileTooLarge({ name: 'payroll.csv', size: 37 * 1024 * 1024 }, 'payroll')).toBe(
      'payroll.csv is 37 MB; Mshahara reads payroll files up to 25 MB. Split the file or remove unused columns.',
    );
    expect(fileTooLarge({ name: 'march.xlsx', size: 40 * 1024 * 1024 }, 'statement')).toBe(
      'march.xlsx is 40 MB; Mshahara reads statement files up to 25 MB. Export a shorter period from the M-Pesa portal.',
    );
  });

  it('accepts a file at the limit and refuses one byte more, never calling them equal', () => {
    expect(fileTooLarge({ name: 'a.csv', size: maxFileBytes }, 'payroll')).toBeUndefined();
    expect(fileTooLarge({ name: 'a.csv', size: maxFileBytes + 1 }, 'payroll')).toContain('a.csv is 25.1 MB');
    expect(megabytes(maxFileBytes)).toBe('25 MB');
  });
});

describe('PayrollFileChooser', () => {
  function renderChooser(read: (file: ChosenFile) => Promise<unknown>) {
    render(
      createElement(
        MantineProvider,
        null,
        createElement(PayrollFileChooser<unknown>, {
          label: 'Payroll file',
          description: 'CSV or Excel',
          testId: 'payroll-file',
          read,
          previewOf: () => ({ columns: [], missingColumns: [], sheets: [], sheet: null, mappedBy: 'titles' }) as never,
          onRead: () => undefined,
        }),
      ),
    );
    const input = document.querySelector('input[type="file"]');
    if (!(input instanceof HTMLInputElement)) throw new Error('no file input');
    return input;
  }

  it('refuses a 37 MB file before reading or sending it', async () => {
    const read = vi.fn(() => Promise.resolve({}));
    const input = renderChooser(read);
    await userEvent.upload(input, fileOfSize('payroll.csv', 37 * 1024 * 1024));
    expect(
      await screen.findByText(
        'payroll.csv is 37 MB; Mshahara reads payroll files up to 25 MB. Split the file or remove unused columns.',
      ),
    ).toBeTruthy();
    expect(read).not.toHaveBeenCalled();
  });

  it('reads a file within the limit', async () => {
    const read = vi.fn((_file: ChosenFile) => Promise.resolve({}));
    const input = renderChooser(read);
    await userEvent.upload(input, fileOfSize('payroll.csv', 1024));
    await waitFor(() => expect(read).toHaveBeenCalledTimes(1));
    expect(read.mock.calls[0]![0].fileName).toBe('payroll.csv');
    expect(screen.queryByText(/Mshahara reads payroll files up to/)).toBeNull();
  });
});

describe('ImportStatement', () => {
  it('refuses a 40 MB statement before sending it to the core', async () => {
    const invoke = vi.fn(() =>
      Promise.resolve({ ok: false as const, error: { kind: 'internal' as const, message: 'x' } }),
    );
    window.mshahara = { invoke, subscribe: () => () => undefined } as unknown as NonNullable<typeof window.mshahara>;
    render(createElement(MantineProvider, null, createElement(ImportStatement, { onImported: () => undefined })));
    const input = document.querySelector('input[type="file"]');
    if (!(input instanceof HTMLInputElement)) throw new Error('no file input');
    await userEvent.upload(input, fileOfSize('march.csv', 40 * 1024 * 1024));
    expect(
      await screen.findByText(
        'march.csv is 40 MB; Mshahara reads statement files up to 25 MB. Export a shorter period from the M-Pesa portal.',
      ),
    ).toBeTruthy();
    expect(invoke).not.toHaveBeenCalled();
  });
});
