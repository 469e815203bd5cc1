// The rest of main's OS glue: one instance, a window that hides to the tray and opens where it
// was, start at login, the log's rotation, the keyring warning, and the
// page's side of getting an engine port.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { configureLog, rotateLog } from '../../main/log.ts';
import {
  applyStartAtLogin,
  autostartEntry,
  autostartFile,
  HIDDEN_ARG,
  type LoginItemApp,
  type LoginItemFacts,
  startedAtLogin,
} from '../../main/login-item.ts';
import { describeSecretStorage } from '../../main/secrets.ts';
import { placeWindow, SHELL_DEFAULTS, type WindowBounds, type WindowPlace } from '../../main/shell-store.ts';
import { setupSingleInstance } from '../../main/single-instance.ts';
import { type AppWindow, MainWindow } from '../../main/window.ts';
import { CHANNELS, PAGE_MESSAGES } from '../../preload/channels.ts';
import { type EnginePort, openEnginePort, type PageWindow } from '../../preload/engine-port.ts';
import { waitFor } from './world.ts';

test('a second launch shows the running Safelight and quits', () => {
  const shown: string[] = [];
  const app = Object.assign(new EventEmitter(), {
    locked: true,
    quits: 0,
    requestSingleInstanceLock() {
      return this.locked;
    },
    quit() {
      this.quits += 1;
    },
  });
  assert.equal(
    setupSingleInstance(app, () => shown.push('window')),
    true,
  );
  app.emit('second-instance');
  assert.deepEqual(shown, ['window']);

  const second = Object.assign(new EventEmitter(), { ...app, locked: false, quits: 0 });
  assert.equal(
    setupSingleInstance(second, () => shown.push('never')),
    false,
  );
  assert.equal(second.quits, 1);
});

class FakeWindow extends EventEmitter implements AppWindow {
  static nextId = 1;
  readonly sent: unknown[][] = [];
  readonly bounds: WindowBounds;
  maximized = false;
  visible = false;
  destroyed = false;
  loading = true;
  loaded: string[] = [];
  readonly webContents = {
    id: FakeWindow.nextId++,
    send: (...args: unknown[]) => this.sent.push(args),
    isLoading: () => this.loading,
    once: (event: 'did-finish-load', listener: () => void) => this.once(`contents:${event}`, listener),
  };
  constructor(bounds: WindowBounds) {
    super();
    this.bounds = bounds;
  }
  async loadURL(url: string) {
    this.loaded.push(url);
  }
  show() {
    this.visible = true;
    this.emit('show');
  }
  hide() {
    this.visible = false;
    this.emit('hide');
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return {
      x: this.bounds.x ?? 10,
      y: this.bounds.y ?? 20,
      width: this.bounds.width,
      height: this.bounds.height,
    };
  }
  isMaximized() {
    // As Electron can on some platforms, a hidden window does not report itself maximized.
    return this.maximized && this.visible;
  }
  maximize() {
    this.maximized = true;
  }
  unmaximize() {
    this.maximized = false;
  }
  /** The person clicks the close button; returns whether the window really closed. */
  close(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      this.destroyed = true;
      this.emit('closed');
    }
    return !prevented;
  }
  finishLoading() {
    this.loading = false;
    this.emit('contents:did-finish-load');
  }
}

test('closing the window hides it to the tray; quitting closes it', () => {
  let quitting = false;
  const made: FakeWindow[] = [];
  const visibility: boolean[] = [];
  const closedToTray: unknown[] = [];
  const window = new MainWindow<FakeWindow>({
    place: () => ({ bounds: { x: 10, y: 20, width: 800, height: 600 }, maximized: false }),
    create: (bounds) => {
      const w = new FakeWindow(bounds);
      made.push(w);
      return w;
    },
    url: 'app://safelight/index.html',
    quitting: () => quitting,
    onVisibility: (v) => visibility.push(v),
    onClosedToTray: (bounds) => closedToTray.push(bounds),
    log: () => {},
  });
  window.open('failures');
  const win = made[0] as FakeWindow;
  assert.deepEqual(win.loaded, ['app://safelight/index.html']);
  assert.equal(win.visible, true);
  assert.deepEqual(win.sent, [], 'the view is asked for once the page has loaded');
  win.finishLoading();
  assert.deepEqual(win.sent, [[CHANNELS.navigate, 'failures']]);
  assert.equal(window.isAppWindow(win.webContents.id), true);
  assert.equal(window.isAppWindow(win.webContents.id + 100), false);

  assert.equal(win.close(), false, 'closing hides');
  assert.equal(win.visible, false);
  assert.deepEqual(closedToTray, [{ bounds: { x: 10, y: 20, width: 800, height: 600 }, maximized: false }]);
  assert.equal(win.maximized, false);
  window.open('settings');
  assert.equal(made.length, 1, 'the same window comes back');
  assert.deepEqual(win.sent.at(-1), [CHANNELS.navigate, 'settings']);
  window.send(CHANNELS.engineRestarted);
  assert.deepEqual(win.sent.at(-1), [CHANNELS.engineRestarted]);

  quitting = true;
  assert.equal(win.close(), true, 'quitting closes');
  assert.equal(window.window, null);
  assert.equal(window.isAppWindow(win.webContents.id), false);
  assert.deepEqual(visibility, [true, false, true]);
});

test('the window opens where it was, if that is still on a screen', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  const at = (bounds: WindowBounds, maximized = false): WindowPlace => ({ bounds, maximized });
  assert.deepEqual(
    placeWindow(at({ x: 100, y: 80, width: 900, height: 700 }), screen),
    at({ x: 100, y: 80, width: 900, height: 700 }),
  );
  assert.deepEqual(
    placeWindow(at({ x: 2500, y: 80, width: 900, height: 700 }), screen),
    at({ width: 900, height: 700 }),
    'a display that was unplugged',
  );
  assert.deepEqual(
    placeWindow(at({ x: 1900, y: 1060, width: 900, height: 700 }), screen),
    at({ width: 900, height: 700 }),
  );
  assert.deepEqual(placeWindow(SHELL_DEFAULTS.window, screen), at({ width: 1040, height: 720 }));
  assert.deepEqual(
    placeWindow(at({ x: 2500, y: 80, width: 900, height: 700 }, true), screen),
    at({ width: 900, height: 700 }, true),
    'maximized, on whichever screen it opens on',
  );
});

test('a window closed maximized opens maximized, over the bounds it had before', () => {
  const saved: WindowPlace[] = [];
  const made: FakeWindow[] = [];
  let place: WindowPlace = { bounds: { x: 40, y: 30, width: 900, height: 650 }, maximized: false };
  let quitting = false;
  const window = new MainWindow<FakeWindow>({
    place: () => place,
    create: (bounds) => {
      const w = new FakeWindow(bounds);
      made.push(w);
      return w;
    },
    url: 'app://safelight/index.html',
    quitting: () => quitting,
    onClosedToTray: (p) => saved.push(p),
    log: () => {},
  });
  window.open();
  const first = made[0] as FakeWindow;
  first.maximize();
  first.close();
  assert.deepEqual(saved, [{ bounds: { x: 40, y: 30, width: 900, height: 650 }, maximized: true }]);
  quitting = true;
  first.close();

  place = saved[0] as WindowPlace;
  quitting = false;
  window.open();
  const second = made[1] as FakeWindow;
  assert.notEqual(second, first, 'a new window, as after a restart');
  assert.deepEqual(second.bounds, { x: 40, y: 30, width: 900, height: 650 }, 'unmaximizing returns it here');
  assert.equal(second.isMaximized(), true);
  second.unmaximize();
  second.close();
  assert.deepEqual(saved[1], { bounds: { x: 40, y: 30, width: 900, height: 650 }, maximized: false });
});

function loginApp(initial = false) {
  const calls: unknown[] = [];
  let openAtLogin = initial;
  const app: LoginItemApp = {
    getLoginItemSettings: () => ({ openAtLogin, wasOpenedAtLogin: false }),
    setLoginItemSettings: (settings) => {
      calls.push(settings);
      openAtLogin = settings.openAtLogin;
    },
  };
  return { app, calls };
}

test('start at login uses the OS’s own mechanism, and only changes what differs', async (t) => {
  const facts = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}): LoginItemFacts => ({
    platform,
    argv: ['/Applications/Safelight.app/Contents/MacOS/Safelight'],
    env,
    execPath: '/opt/Safelight/safelight',
  });
  const mac = loginApp();
  await applyStartAtLogin(true, facts('darwin'), mac.app);
  await applyStartAtLogin(true, facts('darwin'), mac.app);
  await applyStartAtLogin(false, facts('darwin'), mac.app);
  assert.deepEqual(mac.calls, [{ openAtLogin: true }, { openAtLogin: false }]);

  const win = loginApp();
  await applyStartAtLogin(true, facts('win32'), win.app);
  assert.deepEqual(win.calls, [{ openAtLogin: true, args: [HIDDEN_ARG] }], 'started hidden, in the tray');

  const config = await mkdtemp(join(tmpdir(), 'safelight-autostart-'));
  t.after(() => rm(config, { recursive: true, force: true }));
  const linux = loginApp();
  const env = { XDG_CONFIG_HOME: config, APPIMAGE: '/home/me/Apps/Safelight "1.0".AppImage' };
  await applyStartAtLogin(true, facts('linux', env), linux.app);
  const file = autostartFile(env);
  assert.equal(file, join(config, 'autostart', 'safelight.desktop'));
  const entry = await readFile(file, 'utf8');
  assert.equal(entry, autostartEntry(facts('linux', env)));
  assert.match(entry, /^Exec="\/home\/me\/Apps\/Safelight \\"1\.0\\"\.AppImage" --hidden$/m);
  assert.match(entry, /^\[Desktop Entry\]\nType=Application\nName=Safelight\n/);
  await applyStartAtLogin(false, facts('linux', env), linux.app);
  assert.deepEqual(await readdir(join(config, 'autostart')), []);
  assert.deepEqual(linux.calls, [], 'Linux has no login-item API');
  assert.match(autostartEntry(facts('linux', {})), /^Exec="\/opt\/Safelight\/safelight" --hidden$/m);

  assert.equal(startedAtLogin({ ...facts('win32'), argv: ['safelight.exe', HIDDEN_ARG] }, win.app), true);
  assert.equal(startedAtLogin(facts('win32'), win.app), false);
  const openedAtLogin: LoginItemApp = {
    ...mac.app,
    getLoginItemSettings: () => ({ openAtLogin: true, wasOpenedAtLogin: true }),
  };
  assert.equal(startedAtLogin(facts('darwin'), openedAtLogin), true);
});

test('the start-at-login setting made in the window reaches main', async (t) => {
  const { desktopWorld } = await import('./world.ts');
  const config = await mkdtemp(join(tmpdir(), 'safelight-autostart-'));
  const env = { XDG_CONFIG_HOME: config };
  const facts: LoginItemFacts = { platform: 'linux', argv: [], env, execPath: '/opt/Safelight/safelight' };
  const applied: Promise<void>[] = [];
  const world = await desktopWorld({
    signedIn: false,
    settingsChanged: (settings) => {
      applied.push(applyStartAtLogin(settings.startAtLogin, facts, loginApp().app));
    },
  });
  t.after(async () => {
    await world.close();
    await rm(config, { recursive: true, force: true });
  });
  const win = await world.window();
  await win.request('setSettings', { startAtLogin: false });
  await waitFor('main told of the change', () =>
    world.settings.at(-1)?.startAtLogin === false ? true : undefined,
  );
  await Promise.all(applied);
  await assert.rejects(stat(autostartFile(env)), { code: 'ENOENT' });
  await win.request('setSettings', { startAtLogin: true });
  await waitFor('main told of the change', () =>
    world.settings.at(-1)?.startAtLogin === true ? true : undefined,
  );
  await Promise.all(applied);
  assert.match(await readFile(autostartFile(env), 'utf8'), /--hidden/);
});

test('the log rotates at its limit and keeps the last three', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'safelight-log-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'main.log');
  for (let round = 1; round <= 5; round++) {
    await writeFile(file, `round ${round}\n`);
    rotateLog(file);
  }
  assert.deepEqual((await readdir(dir)).sort(), ['main.1.log', 'main.2.log', 'main.3.log']);
  assert.equal(await readFile(join(dir, 'main.1.log'), 'utf8'), 'round 5\n');
  assert.equal(await readFile(join(dir, 'main.3.log'), 'utf8'), 'round 3\n');

  const logger = {
    transports: {
      file: {
        resolvePathFn: (_: never) => '',
        maxSize: 0,
        archiveLogFn: (_: { path: string }) => {},
        level: false as string | false,
      },
      console: { level: 'silly' as string | false },
    },
  };
  const logDir = join(dir, 'logs');
  await mkdir(logDir);
  assert.equal(configureLog(logger, { dir: logDir, packaged: true }), logDir);
  assert.equal(logger.transports.file.resolvePathFn(undefined as never), join(logDir, 'main.log'));
  assert.equal(logger.transports.file.maxSize, 5 * 1024 * 1024);
  assert.equal(logger.transports.console.level, false, 'a packaged app writes to its file only');
  await writeFile(join(logDir, 'main.log'), 'full');
  logger.transports.file.archiveLogFn({ path: join(logDir, 'main.log') });
  assert.deepEqual(await readdir(logDir), ['main.1.log']);
});

test('where the OS offers no keyring, the window is told so', () => {
  const storage = (available: boolean, backend: string) => ({
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
  });
  assert.deepEqual(describeSecretStorage('darwin', storage(true, 'unknown')), {
    keyring: true,
    warning: null,
  });
  assert.deepEqual(describeSecretStorage('linux', storage(true, 'gnome_libsecret')), {
    keyring: true,
    warning: null,
  });
  const basic = describeSecretStorage('linux', storage(true, 'basic_text'));
  assert.equal(basic.keyring, false);
  assert.match(basic.warning ?? '', /no keyring \(such as GNOME Keyring or KWallet\)/);
  const none = describeSecretStorage('win32', storage(false, 'unknown'));
  assert.equal(none.keyring, false);
  assert.match(none.warning ?? '', /does not let Safelight encrypt/);
});

/** A page window: same-window messages, delivered asynchronously as browsers do. */
class PageWindowFake extends EventTarget {
  post(data: unknown, ports: unknown[] = []) {
    setTimeout(() => {
      const event = Object.assign(new Event('message'), { data, source: this, ports });
      this.dispatchEvent(event);
    }, 0);
  }
}

test('the page gets a port from the preload, and drops it when the engine restarts', async () => {
  const page = new PageWindowFake();
  const win = page as unknown as PageWindow;
  const channel = new MessageChannel();
  let asked = 0;
  const bridge = {
    connect: () => {
      asked += 1;
      page.post('unrelated message');
      page.post(PAGE_MESSAGES.port, [channel.port1]);
    },
  };
  const port: EnginePort = await openEnginePort(bridge, win);
  assert.equal(asked, 1);
  const received: unknown[] = [];
  port.addEventListener('message', (event) => received.push(event.data));
  port.start();
  channel.port2.postMessage('from the engine');
  await waitFor('a message through the port', () => (received.length === 1 ? true : undefined), 2000);
  assert.deepEqual(received, ['from the engine']);

  let closed = 0;
  port.addEventListener('close', () => {
    closed += 1;
  });
  page.post(PAGE_MESSAGES.engineRestarted);
  await waitFor('the port to report close', () => (closed === 1 ? true : undefined), 2000);
  page.post(PAGE_MESSAGES.engineRestarted);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(closed, 1, 'once');
  channel.port1.close();

  await assert.rejects(openEnginePort({ connect: () => {} }, win, 30), /did not hand over a connection/);
});
