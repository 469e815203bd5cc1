// What a page inside Safelight cannot do: reach main from anywhere but the app's own page, open
// anything but https links on smugmug.com, navigate, open windows, get permissions, or read files
// outside the UI through app://.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  APP_URL,
  appProtocolHandler,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  resolveAppFile,
} from '../../main/app-protocol.ts';
import { isAllowedExternalUrl } from '../../main/external-url.ts';
import { type BridgeHandlers, isTrustedSender, setupIpc } from '../../main/ipc.ts';
import { denyPermissions, type HardenableContents, hardenContents } from '../../main/security.ts';
import { windowOptions } from '../../main/window.ts';
import { CHANNELS } from '../../preload/channels.ts';
import type { PortLike } from '../../src/protocol/transport.ts';
import { FakeContents, FakeIpcMain, ipcEvent } from './fakes.ts';

test('only https pages on smugmug.com are opened in the browser', () => {
  for (const url of [
    'https://smugmug.com/',
    'https://www.smugmug.com/app/organize',
    'https://secure.smugmug.com/services/oauth/1.0a/authorize?oauth_token=x&Access=Full',
    'https://photos.SmugMug.com/Trips/n-abc/i-xyz',
  ]) {
    assert.equal(isAllowedExternalUrl(url), true, url);
  }
  for (const url of [
    'http://www.smugmug.com/',
    'file:///etc/passwd',
    'smb://server/share',
    'javascript:alert(1)',
    'https://smugmug.com.evil.example/',
    'https://evilsmugmug.com/',
    'https://www.smugmug.com@evil.example/',
    'https://user:pass@www.smugmug.com/',
    'https://www.smugmug.com:8443/',
    'https://example.com/?u=https://www.smugmug.com/',
    'not a url',
    '',
  ]) {
    assert.equal(isAllowedExternalUrl(url), false, url);
  }
});

test('pages cannot navigate, open windows or attach webviews; SmugMug links go to the browser', () => {
  const contents = new FakeContents();
  const opened: string[] = [];
  hardenContents(contents as unknown as HardenableContents, (url) => {
    opened.push(url);
    return true;
  });
  assert.equal(contents.navigate('will-navigate', 'https://evil.example/'), true);
  assert.equal(contents.navigate('will-navigate', 'app://safelight/other.html'), true);
  assert.equal(contents.navigate('will-redirect', 'file:///etc/passwd'), true);
  assert.equal(contents.navigate('will-frame-navigate', 'https://evil.example/frame'), true);
  assert.equal(contents.navigate('will-attach-webview', 'https://evil.example/'), true);
  assert.equal(contents.navigate('will-navigate', 'https://www.smugmug.com/gallery'), true);
  assert.deepEqual(contents.openHandler?.({ url: 'https://evil.example/popup' }), { action: 'deny' });
  assert.deepEqual(contents.openHandler?.({ url: 'https://secure.smugmug.com/login' }), { action: 'deny' });
  assert.deepEqual(opened, ['https://www.smugmug.com/gallery', 'https://secure.smugmug.com/login']);
});

test('every permission request is refused', () => {
  let requestHandler: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined;
  let checkHandler: (() => boolean) | undefined;
  denyPermissions({
    setPermissionRequestHandler: (h) => {
      requestHandler = h;
    },
    setPermissionCheckHandler: (h) => {
      checkHandler = h;
    },
  });
  for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
    let answer: boolean | undefined;
    requestHandler?.({}, permission, (granted) => {
      answer = granted;
    });
    assert.equal(answer, false, permission);
  }
  assert.equal(checkHandler?.(), false);
});

test('the window is built without Node, sandboxed and isolated', () => {
  const options = windowOptions('/app/dist/preload/preload.cjs', { x: 10, y: 20, width: 900, height: 600 });
  assert.deepEqual(
    {
      contextIsolation: options.webPreferences.contextIsolation,
      sandbox: options.webPreferences.sandbox,
      nodeIntegration: options.webPreferences.nodeIntegration,
      nodeIntegrationInWorker: options.webPreferences.nodeIntegrationInWorker,
      nodeIntegrationInSubFrames: options.webPreferences.nodeIntegrationInSubFrames,
      webSecurity: options.webPreferences.webSecurity,
      allowRunningInsecureContent: options.webPreferences.allowRunningInsecureContent,
      webviewTag: options.webPreferences.webviewTag,
      navigateOnDragDrop: options.webPreferences.navigateOnDragDrop,
    },
    {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    },
  );
  assert.equal(options.webPreferences.preload, '/app/dist/preload/preload.cjs');
  assert.deepEqual(
    [options.x, options.y, options.width, options.height, options.show],
    [10, 20, 900, 600, false],
  );
  assert.equal(APP_URL, 'app://safelight/index.html');
});

function recordingHandlers(calls: string[]): BridgeHandlers<PortLike> {
  return {
    connect: async () => {
      calls.push('connect');
      return { postMessage() {}, close() {} };
    },
    pickFolder: async () => {
      calls.push('pickFolder');
      return '/picked';
    },
    droppedFolder: async (path) => {
      calls.push(`droppedFolder ${path}`);
      return path;
    },
    openExternal: (url) => {
      calls.push(`openExternal ${url}`);
      return true;
    },
    openLogFolder: async () => {
      calls.push('openLogFolder');
    },
    secretStorage: () => ({ keyring: true, warning: null }),
  };
}

test('IPC is answered only for the app page in one of its windows', async () => {
  const ipcMain = new FakeIpcMain();
  const calls: string[] = [];
  const logged: string[] = [];
  setupIpc<PortLike>({
    ipcMain,
    isAppWindow: (id) => id === 1,
    handlers: recordingHandlers(calls),
    log: (m) => logged.push(m),
  });
  assert.deepEqual(
    [...ipcMain.handlers.keys()].sort(),
    [
      CHANNELS.droppedFolder,
      CHANNELS.openExternal,
      CHANNELS.openLogFolder,
      CHANNELS.pickFolder,
      CHANNELS.secretStorage,
    ].sort(),
  );
  assert.deepEqual([...ipcMain.listeners.keys()], [CHANNELS.connect]);

  const good = ipcEvent();
  assert.equal(await ipcMain.invoke(CHANNELS.pickFolder, good), '/picked');
  assert.equal(await ipcMain.invoke(CHANNELS.droppedFolder, good, '/photos'), '/photos');
  assert.equal(await ipcMain.invoke(CHANNELS.openExternal, good, 'https://www.smugmug.com/'), true);
  assert.deepEqual(await ipcMain.invoke(CHANNELS.secretStorage, good), { keyring: true, warning: null });
  ipcMain.send(CHANNELS.connect, good);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    good.posted.map((p) => [p.channel, p.transfer.length]),
    [[CHANNELS.port, 1]],
  );

  const strangers = {
    'another site': ipcEvent({ url: 'https://evil.example/' }),
    'a file: page': ipcEvent({ url: 'file:///app/dist/renderer/index.html' }),
    'a look-alike host': ipcEvent({ url: 'app://safelight.evil/index.html' }),
    'an iframe in the app page': ipcEvent({ subframe: true }),
    'another window': ipcEvent({ webContentsId: 2 }),
    'a frame that navigated away': ipcEvent({ noFrame: true }),
  };
  const before = calls.length;
  for (const [who, event] of Object.entries(strangers)) {
    await assert.rejects(ipcMain.invoke(CHANNELS.droppedFolder, event, '/etc'), /refused/, who);
    await assert.rejects(
      ipcMain.invoke(CHANNELS.openExternal, event, 'https://www.smugmug.com/'),
      /refused/,
      who,
    );
    ipcMain.send(CHANNELS.connect, event);
    assert.equal(
      isTrustedSender(event, (id) => id === 1),
      false,
      who,
    );
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(calls.length, before, 'no handler ran for a stranger');
  for (const event of Object.values(strangers)) assert.deepEqual(event.posted, []);
  assert.ok(logged.some((l) => l === 'refused safelight:dropped-folder from https://evil.example/'));

  for (const bad of [undefined, 42, '', 'x'.repeat(4097), { path: '/x' }]) {
    await assert.rejects(ipcMain.invoke(CHANNELS.droppedFolder, good, bad), /refused/, JSON.stringify(bad));
  }
  assert.equal(calls.length, before);
});

test('app:// serves the UI’s files with the CSP, and nothing else', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'safelight-app-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const ui = join(root, 'renderer');
  await mkdir(join(ui, 'assets'), { recursive: true });
  await writeFile(join(ui, 'index.html'), '<!doctype html><title>Safelight</title>');
  await writeFile(join(ui, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'not for pages');
  await symlink(join(root, 'secret.txt'), join(ui, 'assets', 'link.js'));
  const handler = appProtocolHandler(ui);

  const index = await handler(new Request('app://safelight/'));
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(index.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'; script-src 'self'/);
  assert.equal(await index.text(), '<!doctype html><title>Safelight</title>');
  const script = await handler(new Request('app://safelight/assets/app.js'));
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');

  for (const url of [
    'app://safelight/../secret.txt',
    'app://safelight/%2e%2e/secret.txt',
    'app://safelight/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://safelight/assets/link.js',
    'app://other/index.html',
    'app://safelight/missing.js',
    'app://safelight/assets',
  ]) {
    assert.equal((await handler(new Request(url))).status, 404, url);
  }
  assert.equal(await resolveAppFile(ui, 'app://safelight/assets/%2e%2e%2f%2e%2e%2fsecret.txt'), null);
  assert.equal(
    (await handler(new Request('app://safelight/index.html', { method: 'POST', body: 'x' }))).status,
    405,
  );
  assert.equal(isAppUrl('app://safelight/index.html#/failures'), true);
  assert.equal(isAppUrl('app://safelight.evil/'), false);
});
