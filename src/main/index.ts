// Mshahara's Electron entry: one instance, one hardened window, the contract over IPC, events to
// the window, taskbar progress and notifications. Everything else lives in the plain-Node core;
// only this file and src/main/shell/ import electron.
import { app, BrowserWindow, ipcMain, Menu, Notification, session, shell } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Api } from './handlers';
import { lazySecretStore, startApi } from './composition/start';
import { nameThisProgram } from './composition/profile-lock';
import { logger } from './log';
import { dataFolder } from './profiles';
import { KeytarSecretStore } from './secrets/keytar-store';
import { applyContentSecurityPolicy, contentSecurityPolicy, developmentContentSecurityPolicy } from './shell/csp';
import { sendEventsTo } from './shell/events';
import { openExternalSafely, shellOpener } from './shell/external-links';
import { serveContractOverIpc } from './shell/ipc';
import { appMenuTemplate } from './shell/menu';
import { electronSqliteBinding } from './shell/native-sqlite';
import { guardNavigation, isAppUrl } from './shell/navigation';
import { holdQuitUntilClosed } from './shell/quit';
import { runFeedback } from './shell/run-feedback';
import { createAppWindow } from './shell/window';

const log = logger('app');

// electron-vite serves the renderer from a dev server in `npm run dev`, from disk otherwise.
const isDevelopment = process.env.ELECTRON_RENDERER_URL !== undefined;
const appUrl =
  process.env.ELECTRON_RENDERER_URL ??
  pathToFileURL(fileURLToPath(new URL('../renderer/index.html', import.meta.url))).href;
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const openExternal = shellOpener(shell);

/**
 * Points better-sqlite3 at its Electron build (made by `npm start`'s prestart) unless one is set
 * already. A packaged app has node_modules rebuilt for Electron by the packager and needs none.
 */
function useElectronSqlite(): void {
  if (app.isPackaged || process.env.MSHAHARA_SQLITE_BINDING) return;
  const projectRoot = app.getAppPath();
  const version = (name: string): string =>
    (JSON.parse(readFileSync(join(projectRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
      .version;
  const binding = electronSqliteBinding({
    projectRoot,
    electronVersion: process.versions.electron,
    sqliteVersion: version('better-sqlite3'),
    platform: process.platform,
    arch: process.arch,
  });
  if (existsSync(binding)) process.env.MSHAHARA_SQLITE_BINDING = binding;
  else
    log.error(
      { binding },
      'better-sqlite3 has no Electron build yet; start Mshahara with `npm start`, which prepares it',
    );
}

function openWindow(): BrowserWindow {
  const window = createAppWindow({
    BrowserWindow,
    preloadPath,
    guard: (w) => guardNavigation(w.webContents, { appUrl, openExternal }),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
  return window;
}

// The desktop app, the CLI and the browser host share one data folder (MSHAHARA_DATA_DIR or the
// system's Mshahara folder), so userData points there before anything reads it.
app.setPath('userData', dataFolder());
// Named in the profile's lock, so the CLI or the browser host can say who holds a profile.
nameThisProgram('the Mshahara desktop app');

if (!app.requestSingleInstanceLock()) {
  // A second Mshahara on the same data would race the first on payouts; hand over and leave.
  app.quit();
} else {
  let mainWindow: BrowserWindow | undefined;
  let api: Api | undefined;
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
  holdQuitUntilClosed(
    app,
    async () => api?.close(),
    (error) => log.error({ err: error }, 'closing the profile failed'),
  );

  void app.whenReady().then(async () => {
    useElectronSqlite();
    applyContentSecurityPolicy(
      session.defaultSession,
      isDevelopment ? developmentContentSecurityPolicy : contentSecurityPolicy,
    );
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate({
          platform: process.platform,
          isDevelopment,
          openLink: (url) => void openExternalSafely(url, openExternal),
        }),
      ),
    );
    // Each profile keeps its own folder (database, exports) under the user's app-data folder.
    const dataRoot = app.getPath('userData');
    api = await startApi({
      mode: 'desktop',
      version: app.getVersion(),
      dataRoot,
      secrets: lazySecretStore(() => new KeytarSecretStore()),
    });
    serveContractOverIpc(ipcMain, api, (url) => isAppUrl(url, appUrl));
    api.events.on(sendEventsTo(() => BrowserWindow.getAllWindows()));
    api.events.on(
      runFeedback({
        setProgress: (fraction) => mainWindow?.setProgressBar(fraction),
        notify: (title, body) => {
          if (Notification.isSupported()) new Notification({ title, body }).show();
        },
      }),
    );
    mainWindow = openWindow();
    log.info({ appUrl, dataRoot }, 'Mshahara window opened');
  });
}
