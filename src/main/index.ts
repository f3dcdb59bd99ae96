// Mshahara's Electron entry: one instance, one hardened window, the contract over IPC. Everything
// else lives in the plain-Node core; only this file and src/main/shell/ import electron.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { applyContentSecurityPolicy, contentSecurityPolicy, developmentContentSecurityPolicy } from './shell/csp';
import { shellOpener } from './shell/external-links';
import { guardNavigation, isAppUrl } from './shell/navigation';
import { serveContractOverIpc } from './shell/ipc';
import { createAppWindow } from './shell/window';
import { appInfoHandlers } from './host/app-info';
import { logger } from './log';

const log = logger('app');

// electron-vite serves the renderer from a dev server in `npm run dev`, from disk otherwise.
const appUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(fileURLToPath(new URL('../renderer/index.html', import.meta.url))).href;
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

function openWindow(): BrowserWindow {
  const window = createAppWindow({
    BrowserWindow,
    preloadPath,
    guard: (w) => guardNavigation(w.webContents, { appUrl, openExternal: shellOpener(shell) }),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
  return window;
}

if (!app.requestSingleInstanceLock()) {
  // A second Mshahara on the same data would race the first on payouts; hand over and leave.
  app.quit();
} else {
  let mainWindow: BrowserWindow | undefined;
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    // Defence in depth: no window may ever attach a <webview>.
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('window-all-closed', () => app.quit());

  void app.whenReady().then(() => {
    applyContentSecurityPolicy(session.defaultSession, process.env.ELECTRON_RENDERER_URL ? developmentContentSecurityPolicy : contentSecurityPolicy);
    // The profile becomes a setting with the profile issue; until then the app runs the demo.
    serveContractOverIpc(ipcMain, { ...appInfoHandlers({ version: app.getVersion(), profile: 'demo', mode: 'desktop' }) }, (url) => isAppUrl(url, appUrl));
    mainWindow = openWindow();
    log.info({ appUrl }, 'Mshahara window opened');
  });
}
