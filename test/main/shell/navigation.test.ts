// The navigation guard: the window stays on the app, never opens another window, and only
// http(s) links leave for the user's browser.
// eslint-disable-next-line no-restricted-imports -- types only: the fakes are checked against Electron's own types
import type { HandlerDetails, WebContents, WindowOpenHandlerResponse } from 'electron';
import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { guardNavigation, isAppUrl, type GuardedContents } from '../../../src/main/shell/navigation';

type NavigationListener = (event: { preventDefault(): void }, url: string) => void;

class FakeContents implements GuardedContents {
  listeners = new Map<string, NavigationListener>();
  openHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined;
  on(event: 'will-navigate' | 'will-redirect', listener: NavigationListener): this {
    this.listeners.set(event, listener);
    return this;
  }
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.openHandler = handler;
  }
  /** Fires a navigation the way Electron does; returns whether the guard stopped it. */
  navigate(kind: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.listeners.get(kind)?.({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
  open(url: string): WindowOpenHandlerResponse | undefined {
    return this.openHandler?.({
      url,
      frameName: '',
      features: '',
      disposition: 'new-window',
      referrer: { url: '', policy: 'default' },
    });
  }
}

const appUrl = 'file:///opt/Mshahara/resources/app/out/renderer/index.html';

describe('guardNavigation', () => {
  let contents: FakeContents;
  let opened: string[];
  beforeEach(() => {
    contents = new FakeContents();
    opened = [];
    guardNavigation(contents, { appUrl, openExternal: async (url) => void opened.push(url) });
  });

  it('fits electron’s WebContents', () => {
    expectTypeOf<WebContents>().toExtend<GuardedContents>();
  });

  it('lets the app navigate within its own page', () => {
    expect(contents.navigate('will-navigate', `${appUrl}#/payroll-runs`)).toBe(false);
    expect(opened).toEqual([]);
  });

  it('stops navigation away from the app and sends web links to the browser instead', async () => {
    expect(contents.navigate('will-navigate', 'https://developer.safaricom.co.ke/')).toBe(true);
    expect(contents.navigate('will-redirect', 'http://evil.example/phish')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    await Promise.resolve();
    expect(opened).toEqual(['https://developer.safaricom.co.ke/', 'http://evil.example/phish']);
  });

  it('denies every window.open, opening only http(s) links outside', async () => {
    expect(contents.open('https://www.safaricom.co.ke/')).toEqual({ action: 'deny' });
    expect(contents.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(contents.open(`${appUrl}#/other`)).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(opened).toEqual(['https://www.safaricom.co.ke/']);
  });
});

describe('isAppUrl', () => {
  it('treats the dev server by origin and a file by its path', () => {
    expect(isAppUrl('http://localhost:5173/assets/x.js', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('file:///opt/Mshahara/resources/app/out/renderer/index.html?x=1', appUrl)).toBe(true);
    expect(isAppUrl('file:///home/officer/Downloads/payroll.html', appUrl)).toBe(false);
    expect(isAppUrl('not a url', appUrl)).toBe(false);
  });
});
