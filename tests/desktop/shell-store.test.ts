// What main remembers between runs, in the file electron-store keeps: checked by its schema, and
// carried forward by its migrations when a newer Safelight opens a file an older one wrote. The
// store is the real conf (electron-store is conf with Electron's folder and version), and once the
// real electron-store, built with exactly what main passes it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import Conf from 'conf';
import {
  SHELL_DEFAULTS,
  SHELL_MIGRATIONS,
  SHELL_SCHEMA,
  type ShellState,
  shellStoreOptions,
} from '../../main/shell-store.ts';
import { app, ipcMain } from './fake-electron.ts';

const fakeElectron = new URL('./fake-electron.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, next) =>
    specifier === 'electron' ? { url: fakeElectron, shortCircuit: true } : next(specifier, context),
});

/** The version main runs as: Electron's app.getVersion() is package.json's version. */
const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

async function folder(t: TestContext): Promise<string> {
  const cwd = await mkdtemp(join(tmpdir(), 'safelight-shell-'));
  t.after(() => rm(cwd, { recursive: true, force: true }));
  return cwd;
}

/** conf given what main gives electron-store, and what electron-store adds: the folder and version. */
function open(cwd: string, steps: string[] = []) {
  const { name, ...options } = shellStoreOptions();
  return new Conf<ShellState>({
    ...options,
    cwd,
    configName: name,
    projectVersion: VERSION,
    beforeEachMigration: (_store, context) => steps.push(`${context.fromVersion} → ${context.toVersion}`),
  });
}

const file = (cwd: string) => join(cwd, 'shell.json');
const onDisk = async (cwd: string) => JSON.parse(await readFile(file(cwd), 'utf8'));

/** The file as Safelight 0.1.0 wrote it: flat bounds, and no migrations, so no version recorded. */
const OLD_FILE = { window: { x: -1200, y: 40, width: 900, height: 650 }, trayNoticeShown: true };

test('what main remembers is checked against its schema', async (t) => {
  const cwd = await folder(t);
  const store = open(cwd);
  assert.deepEqual(store.get('window'), { bounds: { width: 1040, height: 720 }, maximized: false });
  store.set('window', { bounds: { x: -1200, y: 40, width: 900, height: 650 }, maximized: true });
  store.set('trayNoticeShown', true);
  assert.throws(
    () => store.set('window', { bounds: { width: 10, height: 650 }, maximized: false }),
    /must be >= 400/,
  );
  assert.throws(() => store.set('window', { bounds: { width: 900, height: 650 } } as never), /maximized/);
  assert.throws(
    () => store.set('window', { x: 0, y: 0, width: 900, height: 650 } as never),
    /must have required property 'bounds'/,
    'the old shape is refused',
  );
  assert.throws(() => store.set('trayNoticeShown', 'yes' as never), /boolean/);
  assert.deepEqual(
    { ...open(cwd).store },
    {
      window: { bounds: { x: -1200, y: 40, width: 900, height: 650 }, maximized: true },
      trayNoticeShown: true,
    },
  );
});

test('a file written by 0.1.0 is moved to the new shape on disk, once', async (t) => {
  for (const recorded of [undefined, '0.1.0']) {
    const cwd = await folder(t);
    // conf records the version it migrated to under __internal__, nested as dot notation reads it.
    const old =
      recorded === undefined
        ? OLD_FILE
        : { ...OLD_FILE, __internal__: { migrations: { version: recorded } } };
    await writeFile(file(cwd), JSON.stringify(old, null, '\t'));

    const steps: string[] = [];
    const store = open(cwd, steps);
    assert.deepEqual(Object.keys(SHELL_MIGRATIONS), ['0.2.0']);
    assert.deepEqual(steps, [`${recorded ?? '0.0.0'} → 0.2.0`], `recorded: ${recorded}`);
    const migrated = {
      window: { bounds: { x: -1200, y: 40, width: 900, height: 650 }, maximized: false },
      trayNoticeShown: true,
    };
    assert.deepEqual({ ...store.store }, migrated);
    assert.deepEqual(await onDisk(cwd), { ...migrated, __internal__: { migrations: { version: VERSION } } });

    // The schema alone accepts what is on disk: no migrations, no clearing.
    const strict = new Conf<ShellState>({ cwd, configName: 'shell', schema: SHELL_SCHEMA });
    assert.deepEqual({ ...strict.store }, migrated);

    const bytes = await readFile(file(cwd), 'utf8');
    const again: string[] = [];
    assert.deepEqual({ ...open(cwd, again).store }, migrated);
    assert.deepEqual(again, [], 'a second start runs no migration');
    assert.equal(await readFile(file(cwd), 'utf8'), bytes, 'and leaves the file as it was');
  }
});

test('damaged old data opens with defaults, never stopping the app', async (t) => {
  const defaults = SHELL_DEFAULTS.window;
  const cases: Array<[string, unknown, ShellState['window']]> = [
    ['no window', { trayNoticeShown: true }, defaults],
    ['a window that is not an object', { window: 'big' }, defaults],
    ['null', { window: null }, defaults],
    ['an array', { window: [10, 20, 900, 650] }, defaults],
    [
      'no size',
      { window: { x: 5, y: 6 } },
      { bounds: { x: 5, y: 6, width: 1040, height: 720 }, maximized: false },
    ],
    [
      'one coordinate',
      { window: { x: 5, width: 900, height: 650 } },
      { bounds: { width: 900, height: 650 }, maximized: false },
    ],
    [
      'out of range',
      { window: { x: 1e9, y: 6, width: 10, height: 99_999 } },
      { bounds: { width: 1040, height: 720 }, maximized: false },
    ],
    [
      'wrong types',
      { window: { x: '5', y: null, width: 'wide', height: Number.NaN } },
      { bounds: { width: 1040, height: 720 }, maximized: false },
    ],
    [
      'fractions from a scaled screen',
      { window: { x: 10.4, y: 20.6, width: 900.5, height: 650 } },
      { bounds: { x: 10, y: 21, width: 901, height: 650 }, maximized: false },
    ],
    [
      'already the new shape, partly damaged',
      { window: { bounds: { width: 900, height: 5 }, maximized: 'yes' } },
      { bounds: { width: 900, height: 720 }, maximized: false },
    ],
  ];
  for (const [what, old, expected] of cases) {
    const cwd = await folder(t);
    await writeFile(file(cwd), JSON.stringify(old));
    const store = open(cwd);
    assert.deepEqual(store.get('window'), expected, what);
    assert.deepEqual((await onDisk(cwd)).window, expected, `${what}: on disk`);
  }

  const cwd = await folder(t);
  await writeFile(file(cwd), JSON.stringify({ ...OLD_FILE, trayNoticeShown: 'yes' }));
  assert.deepEqual({ ...open(cwd).store }, SHELL_DEFAULTS, 'what no migration can mend starts over');
  await writeFile(file(cwd), '{"window": {"x": 1,');
  assert.deepEqual({ ...open(cwd).store }, SHELL_DEFAULTS, 'a file cut short starts over');
});

test('a first start has the defaults and nothing to migrate', async (t) => {
  const cwd = await folder(t);
  const steps: string[] = [];
  const store = open(cwd, steps);
  assert.deepEqual({ ...store.store }, SHELL_DEFAULTS);
  assert.deepEqual(steps, []);
  assert.deepEqual(await onDisk(cwd), {
    ...SHELL_DEFAULTS,
    __internal__: { migrations: { version: VERSION } },
  });
});

test('electron-store as main builds it migrates the file in userData, at the app’s version', async (t) => {
  const userData = await folder(t);
  app.userData = userData;
  app.version = VERSION;
  await writeFile(file(userData), JSON.stringify(OLD_FILE));
  const { default: Store } = await import('electron-store');
  const store = new Store<ShellState>(shellStoreOptions());
  assert.equal(store.path, file(userData));
  assert.deepEqual(store.get('window'), {
    bounds: { x: -1200, y: 40, width: 900, height: 650 },
    maximized: false,
  });
  assert.equal((await onDisk(userData)).__internal__.migrations.version, VERSION);
  assert.deepEqual(
    ipcMain.channels,
    ['electron-store-get-data'],
    'it took its folder and version from the app',
  );
  assert.equal(existsSync(join(userData, 'config.json')), false);
});
