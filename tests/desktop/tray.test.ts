// The tray: its icon, tooltip and menu follow the engine's state, and its menu reaches the engine
// (pause for an hour, pause, resume, sync now) through main's real control connection.
import assert from 'node:assert/strict';
import { readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { allowFolder } from '../../main/folder-access.ts';
import { setupTray } from '../../main/tray.ts';
import { iconVariant, trayIconFile, trayModel } from '../../main/tray-model.ts';
import type { SnapshotData } from '../../src/protocol/schema.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { FakeTray } from './fakes.ts';
import { type DesktopWorld, desktopWorld, waitFor } from './world.ts';

let w: DesktopWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const UP = { kind: 'up' } as const;

function snapshot(
  overview: Partial<SnapshotData['overview']>,
  extra: Partial<SnapshotData> = {},
): SnapshotData {
  return {
    overview: { state: 'up-to-date', headline: 'Everything is backed up', detail: null, ...overview },
    progress: { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: null },
    uploads: [],
    pause: { paused: false, until: null, reason: null },
    account: { state: 'signed-in', nickname: 'me', apiBaseUrl: null, sandbox: false, problem: null },
    folders: [
      {
        id: 1,
        path: '/p',
        name: 'p',
        mode: 'mirror',
        privacy: 'Private',
        target: '',
        watch: { setting: 'auto', mode: 'native', reason: '' },
        state: 'up-to-date',
        stateText: 'Up to date',
        counts: {
          total: 1,
          pending: 0,
          uploading: 0,
          uploaded: 1,
          failed: 0,
          skipped: 0,
          deleted: 0,
          ignored: 0,
        },
        settling: 0,
        retryAt: null,
        problem: null,
        lastSyncAt: null,
      },
    ],
    failures: 0,
    desktop: true,
    ...extra,
  };
}

test('each engine state has its icon and its one line', () => {
  const cases: Array<[SnapshotData['overview']['state'], string]> = [
    ['up-to-date', 'up-to-date'],
    ['empty', 'up-to-date'],
    ['working', 'uploading'],
    ['paused', 'paused'],
    ['attention', 'attention'],
    ['signed-out', 'attention'],
  ];
  for (const [state, icon] of cases) {
    const model = trayModel(UP, snapshot({ state, headline: `headline for ${state}` }));
    assert.equal(model.icon, icon, state);
    assert.equal(model.tooltip, `Safelight: headline for ${state}`);
    assert.deepEqual(model.items[0], { kind: 'status', label: `headline for ${state}` });
  }
  assert.equal(trayModel({ kind: 'starting' }, null).icon, 'uploading');
  assert.equal(trayModel({ kind: 'starting' }, null).tooltip, 'Safelight: Starting…');
  const restarting = trayModel(
    { kind: 'restarting', at: 0, reason: 'it stopped unexpectedly (exit code 1)' },
    null,
  );
  assert.equal(restarting.icon, 'attention');
  assert.equal(
    restarting.tooltip,
    'Safelight: Restarting after a problem: it stopped unexpectedly (exit code 1)',
  );

  const long = trayModel(UP, snapshot({ headline: `Backing up ${'x'.repeat(300)}\nmore` }));
  assert.equal(long.tooltip.length, 127, 'Windows cuts tooltips at 127 characters');
  assert.ok(long.tooltip.endsWith('…') && !long.tooltip.includes('\n'));
});

test('the menu offers what can be done now', () => {
  const labels = (m: ReturnType<typeof trayModel>) =>
    m.items.map((i) =>
      i.kind === 'separator'
        ? '---'
        : i.kind === 'status'
          ? `[${i.label}]`
          : `${i.label}${i.enabled ? '' : ' (off)'}`,
    );
  assert.deepEqual(labels(trayModel(UP, snapshot({}))), [
    '[Everything is backed up]',
    'Open Safelight',
    '---',
    'Pause for 1 hour',
    'Pause',
    'Sync now',
    '---',
    'Open log folder',
    'Quit Safelight',
  ]);
  const userPaused = snapshot(
    { state: 'paused', headline: 'Paused' },
    { pause: { paused: true, until: null, reason: 'user' } },
  );
  assert.deepEqual(labels(trayModel(UP, userPaused)).slice(3, 5), ['Resume', 'Sync now']);
  // On battery the person can still pause for longer; Resume would not override the battery.
  const onBattery = snapshot(
    { state: 'paused' },
    { pause: { paused: true, until: null, reason: 'battery' } },
  );
  assert.deepEqual(labels(trayModel(UP, onBattery)).slice(3, 5), ['Pause for 1 hour', 'Pause']);
  const signedOut = snapshot(
    { state: 'signed-out' },
    { account: { state: 'signed-out', nickname: null, apiBaseUrl: null, sandbox: false, problem: null } },
  );
  assert.equal(labels(trayModel(UP, signedOut))[5], 'Sync now (off)');
  assert.equal(labels(trayModel(UP, snapshot({ state: 'empty' }, { folders: [] })))[5], 'Sync now (off)');
  const down = labels(trayModel({ kind: 'restarting', at: 0, reason: 'x' }, null));
  assert.deepEqual(down.slice(1, 6), [
    'Open Safelight',
    '---',
    'Pause for 1 hour (off)',
    'Pause (off)',
    'Sync now (off)',
  ]);
  assert.deepEqual(down.slice(7), ['Open log folder', 'Quit Safelight']);
});

test('icons are drawn for light and dark bars and for HiDPI', async () => {
  const theme = { darkColors: false, darkSystemUi: false, desktop: undefined };
  assert.equal(iconVariant({ ...theme, platform: 'darwin', darkColors: true }), 'template');
  assert.equal(
    iconVariant({ ...theme, platform: 'win32', darkColors: true }),
    'on-light',
    'the taskbar, not the app',
  );
  assert.equal(iconVariant({ ...theme, platform: 'win32', darkSystemUi: true }), 'on-dark');
  assert.equal(iconVariant({ ...theme, platform: 'linux', desktop: 'ubuntu:GNOME' }), 'on-dark');
  assert.equal(iconVariant({ ...theme, platform: 'linux', desktop: 'KDE' }), 'on-light');
  assert.equal(iconVariant({ ...theme, platform: 'linux', desktop: 'KDE', darkColors: true }), 'on-dark');

  const dir = new URL('../../build/tray/png/', import.meta.url);
  for (const state of ['up-to-date', 'uploading', 'paused', 'attention'] as const) {
    for (const variant of ['template', 'on-light', 'on-dark'] as const) {
      const name = trayIconFile(state, variant);
      for (const [file, size] of [
        [name, 16],
        [name.replace('.png', '@2x.png'), 32],
      ] as const) {
        const png = await readFile(new URL(file, dir));
        assert.equal(png.subarray(1, 4).toString(), 'PNG', file);
        assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [size, size], `${file} is ${size} px`);
      }
    }
  }
  assert.equal(
    trayIconFile('paused', 'template'),
    'pausedTemplate.png',
    'macOS knows template images by name',
  );
});

test('the tray hands the OS only what changed', () => {
  let tray: FakeTray | undefined;
  const handle = setupTray<string, unknown[]>({
    createTray: (image) => {
      tray = new FakeTray(image);
      return tray as never;
    },
    image: (path) => path,
    buildMenu: (template) => template,
    iconDir: '/icons',
    variant: () => 'on-light',
    actions: {
      open() {},
      'pause-hour'() {},
      pause() {},
      resume() {},
      'sync-now'() {},
      'open-log-folder'() {},
      quit() {},
    },
    clickOpens: false,
  });
  assert.ok(tray);
  assert.equal(tray.image, '/icons/uploading-on-light.png');
  const menus = tray.menusSet;
  handle.update(UP, snapshot({}));
  handle.update(UP, snapshot({}));
  assert.equal(tray.menusSet, menus + 1, 'an unchanged snapshot does not rebuild the menu');
  assert.deepEqual(tray.images, ['/icons/uploading-on-light.png', '/icons/up-to-date-on-light.png']);
  handle.refreshTheme();
  assert.equal(tray.images.length, 3, 'a theme change draws the icon again');
});

test('the tray follows the real engine and its menu reaches it', async () => {
  w = await desktopWorld();
  const world = w;
  const tray = world.tray;
  const trayShows = (what: string, check: () => boolean) => waitFor(what, () => (check() ? true : undefined));

  assert.equal(tray.image, '/icons/uploading-on-dark.png', 'starting');
  await trayShows('no folders yet', () => tray.tooltip === 'Safelight: No folders connected yet');
  assert.equal(tray.image, '/icons/up-to-date-on-dark.png');

  const photos = join(world.root, 'Photos');
  await writeTree(photos, { 'a.jpg': photoBytes('a'), 'b.jpg': photoBytes('b') });
  const path = await allowFolder(
    photos,
    (p) => world.supervisor.grant(p),
    () => {},
  );
  assert.equal(path, await realpath(photos));
  const win = await world.window();
  // Polled once an hour (the test settings): after the first walk, only Sync now finds new files.
  await win.request('addFolder', { path, mode: 'mirror', privacy: 'Private', target: '', watch: 'polling' });
  await trayShows('up to date', () => tray.tooltip === 'Safelight: Everything is backed up');
  assert.equal(world.sandbox.dump().ImageCount, 2);

  tray.choose('Pause for 1 hour');
  await trayShows('paused', () => tray.labels().includes('Resume'));
  assert.equal(tray.image, '/icons/paused-on-dark.png');
  assert.match(tray.tooltip, /^Safelight: Paused/);
  const pause = world.control.snapshot?.pause;
  assert.equal(pause?.reason, 'user');
  assert.ok(pause?.until && Math.abs(pause.until - (Date.now() + 3_600_000)) < 10_000, 'for an hour');

  tray.choose('Resume');
  await trayShows('resumed', () => tray.labels().includes('Pause for 1 hour'));
  assert.equal(tray.image, '/icons/up-to-date-on-dark.png');

  tray.choose('Pause');
  await trayShows('paused until resumed', () => world.control.snapshot?.pause.reason === 'user');
  assert.equal(world.control.snapshot?.pause.until, null);
  tray.choose('Resume');
  await trayShows('resumed again', () => world.control.snapshot?.pause.paused === false);

  await writeFile(join(photos, 'c.jpg'), photoBytes('c'));
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(world.sandbox.dump().ImageCount, 2, 'nothing walks the folder by itself');
  tray.choose('Sync now');
  await waitFor('the new photo on SmugMug', () => (world.sandbox.dump().ImageCount === 3 ? true : undefined));

  tray.choose('Open log folder');
  tray.choose('Open Safelight');
  tray.click();
  tray.choose('Quit Safelight');
  assert.deepEqual(world.asked, ['open-log-folder', 'open', 'open', 'quit']);

  world.started[0]?.kill();
  await trayShows('the restart', () => tray.image === '/icons/attention-on-dark.png');
  assert.match(tray.tooltip, /^Safelight: Restarting after a problem: it stopped unexpectedly/);
  assert.ok(tray.labels().includes('Sync now (off)'));
  await trayShows('back up to date', () => tray.tooltip === 'Safelight: Everything is backed up');
  assert.equal(world.restarts, 1, 'windows were told to reconnect');
});
