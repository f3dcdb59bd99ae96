// openExternalSafely: only http and https ever reach the operating system's opener.
// eslint-disable-next-line no-restricted-imports -- types only: the fakes are checked against Electron's own types
import type { Shell } from 'electron';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { openExternalSafely, type ExternalOpener } from '../../../src/main/shell/external-links';

describe('openExternalSafely', () => {
  it('takes shell.openExternal as its opener', () => {
    expectTypeOf<Shell['openExternal']>().toExtend<ExternalOpener>();
  });

  it('opens http and https links', async () => {
    const opened: string[] = [];
    const opener = async (url: string) => void opened.push(url);
    expect(await openExternalSafely('https://developer.safaricom.co.ke/APIs', opener)).toBe(true);
    expect(await openExternalSafely('http://example.com/help', opener)).toBe(true);
    expect(opened).toEqual(['https://developer.safaricom.co.ke/APIs', 'http://example.com/help']);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://server/share',
    'ms-msdt:/id',
    'mailto:payroll@example.com',
    'not a url',
    '',
  ])('refuses %j', async (url) => {
    const opened: string[] = [];
    expect(await openExternalSafely(url, async (u) => void opened.push(u))).toBe(false);
    expect(opened).toEqual([]);
  });
});
