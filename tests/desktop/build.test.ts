// The desktop build: the preload is one CommonJS file that exposes named functions only (never
// ipcRenderer), main is one CommonJS file, the engine bundle runs as the utility process would
// run it, and the tray icons are drawn as their sources say.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import sharp from 'sharp';
import { CHANNELS, PAGE_MESSAGES } from '../../preload/channels.ts';
import { buildDesktop, type DesktopBuild } from '../../scripts/build-desktop.ts';
import { makeTrayIcons } from '../../scripts/make-icons.ts';
import { desktopWorld } from './world.ts';

const repo = new URL('../..', import.meta.url).pathname;
let out: string;
let built: DesktopBuild;

before(async () => {
  out = await mkdtemp(join(tmpdir(), 'safelight-build-'));
  // The engine bundle loads its native modules (sharp, @parcel/watcher) from node_modules.
  await symlink(join(repo, 'node_modules'), join(out, 'node_modules'), 'dir');
  built = await buildDesktop(repo, join(out, 'dist'));
});
after(() => rm(out, { recursive: true, force: true }));

/** The modules a CommonJS bundle require()s (not the require() text inside its string literals). */
function requires(code: string): string[] {
  return [
    ...new Set([...code.matchAll(/(?<![`'"\w.])require\("([^"]+)"\)/g)].map((m) => m[1] as string)),
  ].sort();
}

interface PreloadRun {
  exposed: Array<[string, unknown]>;
  sent: unknown[][];
  invoked: unknown[][];
  posted: unknown[][];
  emit(channel: string, event: unknown, ...args: unknown[]): void;
  ipcRenderer: object;
}

/** Runs the built preload with a fake `electron`, as a sandboxed renderer would load it. */
function runPreload(code: string, pathOfFile: (file: unknown) => string): PreloadRun {
  const listeners = new Map<string, Array<(...args: unknown[]) => void>>();
  const run: PreloadRun = {
    exposed: [],
    sent: [],
    invoked: [],
    posted: [],
    emit: (channel, event, ...args) => {
      for (const l of listeners.get(channel) ?? []) l(event, ...args);
    },
    ipcRenderer: {},
  };
  Object.assign(run.ipcRenderer, {
    send: (...args: unknown[]) => run.sent.push(args),
    invoke: async (...args: unknown[]) => {
      run.invoked.push(args);
      return args[0] === CHANNELS.droppedFolder ? args[1] : null;
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => {
      listeners.set(
        channel,
        (listeners.get(channel) ?? []).filter((l) => l !== listener),
      );
    },
  });
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => run.exposed.push([key, api]) },
    ipcRenderer: run.ipcRenderer,
    webUtils: { getPathForFile: pathOfFile },
  };
  const requireInSandbox = (name: string) => {
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
    return electron;
  };
  const module = { exports: {} };
  runInNewContext(code, {
    require: requireInSandbox,
    module,
    exports: module.exports,
    window: { postMessage: (...args: unknown[]) => run.posted.push(args) },
  });
  return run;
}

test('the preload is one CommonJS file that exposes named functions only', async () => {
  assert.deepEqual(await readdir(join(out, 'dist', 'preload')), ['preload.cjs']);
  const code = await readFile(built.preload, 'utf8');
  assert.deepEqual(requires(code), ['electron'], 'it requires nothing but electron');
  assert.doesNotMatch(code, /^\s*(import|export)\s/m, 'no ES module syntax');

  const run = runPreload(code, (file) => (file === 'dropped folder' ? '/Users/me/Photos' : ''));
  assert.equal(run.exposed.length, 1, 'exposeInMainWorld is called once');
  const [key, api] = run.exposed[0] as [string, Record<string, unknown>];
  assert.equal(key, 'safelight');
  assert.deepEqual(Object.keys(api).sort(), [
    'connect',
    'onNavigate',
    'openExternal',
    'openLogFolder',
    'pathForFile',
    'pickFolder',
    'secretStorage',
  ]);
  for (const [name, value] of Object.entries(api)) {
    assert.equal(typeof value, 'function', `${name} is a function`);
    assert.notEqual(value, run.ipcRenderer);
  }
  assert.doesNotMatch(code, /exposeInMainWorld\([^)]*ipcRenderer/);

  const bridge = api as Record<string, (...args: unknown[]) => unknown>;
  bridge.connect?.();
  assert.deepEqual(run.sent, [[CHANNELS.connect]]);
  const port = { fake: 'port' };
  run.emit(CHANNELS.port, { ports: [port] });
  run.emit(CHANNELS.engineRestarted, {});
  // The bundle runs in its own realm: compare plain copies.
  assert.deepEqual(JSON.parse(JSON.stringify(run.posted)), [
    [PAGE_MESSAGES.port, '*', [port]],
    [PAGE_MESSAGES.engineRestarted, '*'],
  ]);
  assert.equal((run.posted[0] as unknown[][])[2]?.[0], port, 'the port itself is handed over');

  assert.equal(await bridge.pathForFile?.('a file the page made'), null);
  assert.deepEqual(run.invoked, [], 'a file without a real path never reaches main');
  assert.equal(await bridge.pathForFile?.('dropped folder'), '/Users/me/Photos');
  assert.deepEqual(run.invoked, [[CHANNELS.droppedFolder, '/Users/me/Photos']]);
  await bridge.openExternal?.('https://www.smugmug.com/');
  assert.deepEqual(run.invoked[1], [CHANNELS.openExternal, 'https://www.smugmug.com/']);

  const views: unknown[] = [];
  const stop = bridge.onNavigate?.((view: unknown) => views.push(view)) as () => void;
  run.emit(CHANNELS.navigate, {}, 'failures');
  run.emit(CHANNELS.navigate, {}, 'file:///etc');
  stop();
  run.emit(CHANNELS.navigate, {}, 'settings');
  assert.deepEqual(views, ['failures'], 'only known views, and only while listening');
});

test('main is one CommonJS file that loads only Electron and Node’s own modules', async () => {
  const code = await readFile(built.main, 'utf8');
  const builtin =
    /^(node:)?(child_process|events|fs|fs\/promises|http|https|os|path|process|readline|url|util|crypto|stream|zlib|assert|buffer|net|tls|timers|worker_threads)$/;
  const others = requires(code).filter((name) => name !== 'electron' && !builtin.test(name));
  assert.deepEqual(others, [], 'everything else is bundled');
});

test('the engine bundle runs as the utility process runs it', async () => {
  const code = await readFile(built.engine, 'utf8');
  assert.doesNotMatch(code, /require\("electron"\)|from "electron"/, 'the engine never loads electron');
  const world = await desktopWorld({ signedIn: false, entry: pathToFileURL(built.engine).href });
  try {
    const snapshot = await world.snapshotWhere('a snapshot from the bundled engine', () => true);
    assert.equal(snapshot.account.state, 'signed-out');
    assert.equal(snapshot.desktop, true);
  } finally {
    await world.close();
  }
});

test('the tray icons are copied into the build and drawn for each bar', async () => {
  const committed = (await readdir(join(repo, 'build', 'tray', 'png'))).sort();
  assert.equal(committed.length, 24, '4 states × (template, light bar, dark bar) × (1x, 2x)');
  assert.deepEqual(built.trayIcons, committed);
  assert.deepEqual((await readdir(join(out, 'dist', 'tray'))).sort(), committed);

  const fresh = join(out, 'icons');
  assert.deepEqual((await makeTrayIcons(join(repo, 'build', 'tray'), fresh)).sort(), committed);
  const glyph = async (file: string) => {
    const { data } = await sharp(join(fresh, file)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    let opaque = 0;
    let light = 0;
    let colored = 0;
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] as number) < 200) continue;
      const [r, g, b] = [data[i] as number, data[i + 1] as number, data[i + 2] as number];
      opaque += 1;
      light += (r + g + b) / 3;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 40) colored += 1;
    }
    return { opaque, meanLight: light / opaque, colored };
  };
  for (const state of ['up-to-date', 'uploading', 'paused', 'attention']) {
    const template = await glyph(`${state}Template@2x.png`);
    assert.ok(
      template.opaque > 50 && template.meanLight < 5 && template.colored === 0,
      `${state}: template is black`,
    );
    const onDark = await glyph(`${state}-on-dark@2x.png`);
    const onLight = await glyph(`${state}-on-light@2x.png`);
    assert.ok(onDark.meanLight > 150, `${state}: light glyph for a dark bar`);
    assert.ok(onLight.meanLight < 110, `${state}: dark glyph for a light bar`);
    assert.ok(onDark.colored > 0 && onLight.colored > 0, `${state}: the state's symbol is coloured`);
  }
});
