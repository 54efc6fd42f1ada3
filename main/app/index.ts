// Electron composition root: the only place (with the preload) that imports electron. A thin
// shell: the window and its security posture, IPC onto the transport-free handlers of main/api,
// native save dialogs for exports, and the gateway in a utilityProcess.
import { app, BrowserWindow, dialog, Menu, session, shell, type Session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApi, type Api } from '../api/create-api.js';
import { utilityGatewayProcess } from './utility-gateway-process.js';
import { EVENT_CHANNEL, registerIpc } from './ipc.js';
import { buildMenu } from './app-menu.js';

const rendererIndex = join(import.meta.dirname, '../renderer/index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
let mainWindow: BrowserWindow | null = null;
let api: Api | null = null;

/** External links: https only, opened by the system browser, never inside the app. */
function openExternalSafely(url: string): void {
  try {
    if (new URL(url).protocol === 'https:') void shell.openExternal(url);
  } catch {
    // not a URL: ignored
  }
}

/**
 * The window's own session: the preload is registered on it (session.registerPreloadScript) for
 * our renderer page only, so no other page, in this session or another, ever gets window.mxaudit.
 */
function appSession(): Session {
  const ses = session.fromPartition('persist:mxaudit');
  ses.registerPreloadScript({
    type: 'frame',
    id: 'mxaudit-bridge',
    filePath: join(import.meta.dirname, '../preload/index.cjs'),
    includeGlobs: [rendererUrl, `${rendererUrl}#*`, `${rendererUrl}?*`],
  });
  return ses;
}

function createWindow(ses: Session): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'mxaudit',
    webPreferences: {
      session: ses,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Middle-click would open links in a new window, around setWindowOpenHandler.
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  win.webContents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openExternalSafely(url);
  });
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(rendererIndex);
  return win;
}

app.enableSandbox();

app.whenReady().then(() => {
  const ses = appSession();
  for (const s of [session.defaultSession, ses]) {
    s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    s.setPermissionCheckHandler(() => false);
    s.setDevicePermissionHandler(() => false);
  }
  // The page's meta tag is what counts for its file:// load (no headers); this header covers any
  // response that has headers, with no connections at all (the app talks over IPC).
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': ["default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; frame-src 'none'; worker-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
      },
    });
  });

  const gatewayEntry = join(import.meta.dirname, 'gateway-host.js');
  api = createApi({
    dataDir: join(app.getPath('userData'), 'data'),
    transport: 'electron',
    spawnGateway: () => utilityGatewayProcess(gatewayEntry),
    chooseExportPath: async (suggested) => {
      const options = {
        title: 'Export the report',
        defaultPath: suggested,
        buttonLabel: 'Export',
        filters: [{ name: 'Reports', extensions: ['pdf', 'html', 'json', 'csv'] }],
        properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
      };
      const r = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
  });
  registerIpc(api, (sender, frameUrl) => sender === mainWindow?.webContents && frameUrl?.split(/[?#]/)[0] === rendererUrl);
  api.subscribe((event, payload) => mainWindow?.webContents.send(EVENT_CHANNEL, { event, payload }));
  Menu.setApplicationMenu(buildMenu(() => mainWindow, (screen) => mainWindow?.webContents.send(EVENT_CHANNEL, { event: 'onDidRequestScreen', payload: { screen } })));

  mainWindow = createWindow(ses);
  mainWindow.on('closed', () => (mainWindow = null));
});

app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
});

app.on('window-all-closed', () => app.quit());

// Quitting waits for the API to close (the gateway process stopped, running probes cancelled):
// the first before-quit is held, the second (from app.quit() below) goes through.
let closed = false;
let closing: Promise<void> | null = null;
app.on('before-quit', (event) => {
  if (closed || !api) return;
  event.preventDefault();
  closing ??= api
    .close()
    .catch(() => {})
    .finally(() => {
      closed = true;
      app.quit();
    });
});
