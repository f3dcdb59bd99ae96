// The one factory every Mshahara window comes from, so no window is ever created without the
// hardened web preferences (STYLE: Electron security). Electron's classes are passed in.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export type WindowConstructor<W> = new (options: BrowserWindowConstructorOptions) => W;

export interface AppWindowCollaborators<W> {
  BrowserWindow: WindowConstructor<W>;
  /** Absolute path of the bundled, sandboxed preload (out/preload/index.cjs). */
  preloadPath: string;
  /** Installs the navigation guard on the new window before any page loads. */
  guard: (window: W) => void;
}

export function hardenedWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function createAppWindow<W>(collaborators: AppWindowCollaborators<W>): W {
  const window = new collaborators.BrowserWindow({
    title: 'Mshahara',
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    // Shown once the first paint is ready, so the payroll officer never sees a blank frame.
    show: false,
    webPreferences: hardenedWebPreferences(collaborators.preloadPath),
  });
  collaborators.guard(window);
  return window;
}
