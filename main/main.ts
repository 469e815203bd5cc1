// Electron's main process: the one place that touches Electron's modules. It wires them into the
// setupX() pieces beside it, where every decision lives and is tested without Electron.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  type MessagePortMain,
  type NativeImage,
  Notification,
  nativeImage,
  nativeTheme,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
} from 'electron';
import log from 'electron-log/main';
import Store from 'electron-store';
import { CHANNELS } from '../preload/channels.ts';
import { serveAccount } from './account-requests.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL, appProtocolHandler } from './app-protocol.ts';
import { EngineControl } from './engine-control.ts';
import { EngineSupervisor } from './engine-supervisor.ts';
import { isAllowedExternalUrl } from './external-url.ts';
import { allowFolder } from './folder-access.ts';
import { setupIpc } from './ipc.ts';
import { configureLog } from './log.ts';
import { applyStartAtLogin, type LoginItemFacts, startedAtLogin } from './login-item.ts';
import { setupNotifications } from './notifications.ts';
import { setupPower } from './power.ts';
import { SEALED_ACCOUNT_FILE, SealedAccount } from './sealed-account.ts';
import { describeSecretStorage } from './secrets.ts';
import { denyPermissions, hardenContents } from './security.ts';
import { connectShell, trayActions } from './shell.ts';
import {
  placeWindow,
  SHELL_DEFAULTS,
  type ShellState,
  shellStoreOptions,
  windowPlace,
} from './shell-store.ts';
import { setupSingleInstance } from './single-instance.ts';
import { setupTray } from './tray.ts';
import { iconVariant } from './tray-model.ts';
import { MainWindow, placeOf, windowOptions } from './window.ts';

/** Uploads sending when the person quits get this long to finish. */
const QUIT_GRACE_MS = 10_000;
/** electron-builder.yml's appId; Windows shows notifications only for a known app id. */
const APP_ID = 'app.safelight.desktop';

const dist = join(__dirname, '..');
const paths = {
  renderer: join(dist, 'renderer'),
  preload: join(dist, 'preload', 'preload.cjs'),
  engine: join(dist, 'engine', 'engine.mjs'),
  trayIcons: join(dist, 'tray'),
};

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

let quitting = false;
let engineStopped = false;
let engineStopping = false;
let shellStore: Store<ShellState> | undefined;

const window = new MainWindow<BrowserWindow>({
  place: () =>
    placeWindow(
      shellStore?.get('window') ?? SHELL_DEFAULTS.window,
      screen.getAllDisplays().map((d) => d.workArea),
    ),
  create: (bounds) => {
    const win = new BrowserWindow(windowOptions(paths.preload, bounds));
    // Windows is logging off or shutting down: let the window close.
    win.on('session-end', () => {
      quitting = true;
    });
    return win;
  },
  url: APP_URL,
  quitting: () => quitting,
  onVisibility: (visible) => {
    if (process.platform !== 'darwin') return;
    if (visible) void app.dock?.show();
    else app.dock?.hide();
  },
  onClosedToTray: (place) => {
    shellStore?.set('window', windowPlace(place));
    if (shellStore?.get('trayNoticeShown') || !Notification.isSupported()) return;
    shellStore?.set('trayNoticeShown', true);
    new Notification({
      title: 'Safelight is still backing up',
      body: 'It keeps running in the tray. To stop it, choose Quit Safelight in its menu.',
    }).show();
  },
  log: (message) => log.warn(message),
});

function openExternal(url: string): boolean {
  if (!isAllowedExternalUrl(url)) {
    log.warn('refused to open a link that is not an https page on smugmug.com');
    return false;
  }
  void shell.openExternal(url);
  return true;
}

function forkEngine(account: SealedAccount) {
  const child = utilityProcess.fork(paths.engine, [], {
    serviceName: 'Safelight engine',
    stdio: 'pipe',
    env: process.env,
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => log.info(`engine: ${line}`));
  }
  serveAccount(child, account, (message) => log.warn(message));
  return child;
}

async function start(): Promise<void> {
  const logDir = configureLog(log, { dir: app.getPath('logs'), packaged: app.isPackaged });
  log.info(`Safelight ${app.getVersion()} starting`);
  // electron-store runs the migrations a store from an older app.getVersion() needs.
  shellStore = new Store<ShellState>(shellStoreOptions());
  Menu.setApplicationMenu(
    process.platform === 'darwin'
      ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }])
      : null,
  );
  denyPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, appProtocolHandler(paths.renderer));
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, openExternal));

  // safeStorage is ready only once the app is.
  const account = new SealedAccount({
    file: join(app.getPath('userData'), SEALED_ACCOUNT_FILE),
    storage: safeStorage,
    platform: process.platform,
    warn: (message) => log.warn(message),
  });
  const supervisor = new EngineSupervisor<MessagePortMain>({
    fork: () => forkEngine(account),
    channel: () => new MessageChannelMain(),
    log: (level, message) => log[level](message),
  });
  const control = new EngineControl((message) => log.warn(message));

  const facts: LoginItemFacts = {
    platform: process.platform,
    argv: process.argv,
    env: process.env,
    execPath: process.execPath,
  };
  const tray = setupTray<NativeImage, Menu>({
    createTray: (image) => new Tray(image),
    image: (path) => {
      const image = nativeImage.createFromPath(path);
      if (path.endsWith('Template.png')) image.setTemplateImage(true);
      return image;
    },
    buildMenu: (template) => Menu.buildFromTemplate(template),
    iconDir: paths.trayIcons,
    variant: () =>
      iconVariant({
        platform: process.platform,
        darkColors: nativeTheme.shouldUseDarkColors,
        darkSystemUi:
          process.platform === 'win32' ? nativeTheme.shouldUseDarkColorsForSystemIntegratedUI : false,
        desktop: process.env.XDG_CURRENT_DESKTOP,
      }),
    actions: trayActions(control, {
      open: () => window.open(),
      openLogFolder: () => void shell.openPath(logDir),
      quit: () => app.quit(),
    }),
    clickOpens: process.platform !== 'darwin',
  });
  nativeTheme.on('updated', () => tray.refreshTheme());

  const notifications = setupNotifications({
    create: (content) => new Notification(content),
    open: (view) => window.open(view),
    failureGroups: () => control.failureGroups(),
    log: (message) => log.warn(message),
  });

  connectShell({
    supervisor,
    control,
    tray,
    notifications,
    engineRestarted: () => window.send(CHANNELS.engineRestarted),
    settingsChanged: (settings) => {
      // An unpackaged app would register the bare Electron binary; only the real app is a login item.
      if (!app.isPackaged) return;
      applyStartAtLogin(settings.startAtLogin, facts, app).catch((e: unknown) =>
        log.warn(`start at login: ${(e as Error).message}`),
      );
    },
  });

  setupPower({ powerMonitor, report: (conditions) => control.setConditions(conditions) });
  powerMonitor.on('shutdown', () => {
    quitting = true;
    app.quit();
  });

  setupIpc<MessagePortMain>({
    ipcMain,
    isAppWindow: (id) => window.isAppWindow(id),
    log: (message) => log.warn(message),
    handlers: {
      connect: () => supervisor.connectUi(),
      pickFolder: async () => {
        const parent = window.window;
        const options = {
          title: 'Choose a folder to back up',
          buttonLabel: 'Choose',
          properties: ['openDirectory' as const],
        };
        const result = parent
          ? await dialog.showOpenDialog(parent, options)
          : await dialog.showOpenDialog(options);
        const chosen = result.filePaths[0];
        if (result.canceled || !chosen) return null;
        return allowFolder(
          chosen,
          (path) => supervisor.grant(path),
          (message) => log.warn(message),
        );
      },
      droppedFolder: (path) =>
        allowFolder(
          path,
          (p) => supervisor.grant(p),
          (message) => log.warn(message),
        ),
      openExternal,
      openLogFolder: async () => {
        await shell.openPath(logDir);
      },
      secretStorage: () => describeSecretStorage(process.platform, safeStorage),
    },
  });

  app.on('window-all-closed', () => {
    // The app lives in the tray; closing its window does not quit it.
  });
  app.on('activate', () => window.open());
  app.on('before-quit', (event) => {
    quitting = true;
    if (engineStopped) return;
    event.preventDefault();
    if (engineStopping) return;
    engineStopping = true;
    const win = window.window;
    if (win && !win.isDestroyed() && win.isVisible()) shellStore?.set('window', windowPlace(placeOf(win)));
    log.info('quitting: stopping the engine');
    void supervisor.stop(QUIT_GRACE_MS).finally(() => {
      engineStopped = true;
      app.quit();
    });
  });

  supervisor.start();
  if (!startedAtLogin(facts, app)) window.open();
}

if (setupSingleInstance(app, () => app.isReady() && window.open())) {
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      log.error(`Safelight could not start: ${(e as Error).message}`);
      app.exit(1);
    });
}
