// Electron composition root: the only place (with the preload) that imports electron. A thin
// shell: the window and its security posture, IPC onto the transport-free handlers of main/api,
// native save dialogs for exports, and the gateway in a utilityProcess.
import { app, BrowserWindow, dialog, Menu, session, shell } from 'electron';
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

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'mxaudit',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
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
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // The same policy as the page's meta tag, as a header for every response.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': ["default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
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

  mainWindow = createWindow();
  mainWindow.on('closed', () => (mainWindow = null));
});

app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
});

app.on('window-all-closed', () => app.quit());

app.on('before-quit', () => {
  void api?.close();
});
