// The one navigation guard: a window never leaves the app's own page and never opens another
// window; http(s) links go to the user's browser through openExternalSafely.
import type { HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { openExternalSafely, type ExternalOpener } from './external-links';

/** The few webContents methods the guard uses (electron's WebContents satisfies it). */
export interface GuardedContents {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
}

/**
 * True when `url` is the app itself: same origin as the dev server, or the same index.html on
 * disk (file: URLs all share the opaque origin "null", so the path is what identifies the app).
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let target: URL;
  let app: URL;
  try {
    target = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return target.protocol === 'file:' && target.pathname === app.pathname;
  return target.origin === app.origin;
}

export function guardNavigation(
  contents: GuardedContents,
  options: { appUrl: string; openExternal: ExternalOpener },
): void {
  const stayInApp = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url, options.appUrl)) return;
    event.preventDefault();
    void openExternalSafely(url, options.openExternal);
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.setWindowOpenHandler((details) => {
    void openExternalSafely(details.url, options.openExternal);
    return { action: 'deny' };
  });
}
