// The window factory: every window is hardened and guarded before anything loads.
// eslint-disable-next-line no-restricted-imports -- types only: the fakes are checked against Electron's own types
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createAppWindow, type WindowConstructor } from '../../../src/main/shell/window';

class RecordingWindow {
  static created: RecordingWindow[] = [];
  guarded = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    RecordingWindow.created.push(this);
  }
}

describe('createAppWindow', () => {
  it('accepts electron’s BrowserWindow as its constructor', () => {
    expectTypeOf<typeof BrowserWindow>().toExtend<WindowConstructor<BrowserWindow>>();
  });

  it('creates the window isolated, sandboxed, without Node and without <webview>, with the preload', () => {
    const window = createAppWindow({
      BrowserWindow: RecordingWindow,
      preloadPath: '/app/out/preload/index.cjs',
      guard: (w) => (w.guarded = true),
    });

    expect(RecordingWindow.created).toEqual([window]);
    const prefs = window.options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(window.options.show).toBe(false);
  });

  it('installs the navigation guard on every window it makes', () => {
    const guarded: RecordingWindow[] = [];
    const first = createAppWindow({
      BrowserWindow: RecordingWindow,
      preloadPath: '/p.cjs',
      guard: (w) => guarded.push(w),
    });
    const second = createAppWindow({
      BrowserWindow: RecordingWindow,
      preloadPath: '/p.cjs',
      guard: (w) => guarded.push(w),
    });
    expect(guarded).toEqual([first, second]);
  });
});
