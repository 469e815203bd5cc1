// Settings from the window: kept in settings.json, checked with errors that name the field, the
// bandwidth limit followed by uploads already running, and file types and ignore patterns applied
// to every connected folder.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { DEFAULT_SETTINGS, parseSettings } from '../../src/config/settings.ts';
import type { ProtocolError } from '../../src/protocol/messages.ts';
import type { SnapshotData } from '../../src/protocol/schema.ts';
import { Store } from '../../src/store/store.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { type World, waitFor, world } from './world.ts';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

test('settings.json: the new settings have defaults, and a bad value names its field', () => {
  const d = parseSettings('s.json', {});
  assert.deepEqual(d.schedule, { enabled: false, startHour: 22, endHour: 7 });
  assert.deepEqual(d.fileTypes, { photos: true, videos: true, raw: false });
  assert.deepEqual(d.ignorePatterns, []);
  assert.equal(d.startAtLogin, false);
  assert.equal(d.pauseOnBattery, false);
  assert.deepEqual(parseSettings('s.json', { schedule: { enabled: true } }).schedule, {
    ...DEFAULT_SETTINGS.schedule,
    enabled: true,
  });
  const bad: [unknown, RegExp][] = [
    [{ schedule: { startHour: 24 } }, /s\.json: "schedule\.startHour" must be a whole number from 0 to 23/],
    [{ schedule: 'nights' }, /s\.json: "schedule" must be an object/],
    [{ fileTypes: { photos: 'yes' } }, /s\.json: "fileTypes\.photos" must be true or false/],
    [{ ignorePatterns: ['*.tmp', ''] }, /s\.json: "ignorePatterns" must be a list of at most 200 patterns/],
    [{ ignorePatterns: '*.tmp' }, /"ignorePatterns" must be a list/],
    [{ startAtLogin: 1 }, /"startAtLogin" must be true or false/],
    [{ pauseOnBattery: 'no' }, /"pauseOnBattery" must be true or false/],
  ];
  for (const [raw, message] of bad) assert.throws(() => parseSettings('s.json', raw), message);
});

test('settings are read and changed from the window, kept in settings.json, and refused when wrong', async () => {
  w = await world({ signedIn: false });
  const current = await w.client.request('getSettings', {});
  assert.deepEqual(current, {
    bandwidthLimit: 0,
    parallelUploads: 3,
    schedule: { enabled: false, startHour: 22, endHour: 7 },
    fileTypes: { photos: true, videos: true, raw: false },
    ignorePatterns: [],
    startAtLogin: false,
    pauseOnBattery: false,
  });
  const changed = await w.client.request('setSettings', {
    bandwidthLimit: 1_000_000,
    parallelUploads: 2,
    startAtLogin: true,
  });
  assert.equal(changed.bandwidthLimit, 1_000_000);
  assert.equal(changed.parallelUploads, 2);
  assert.equal(changed.startAtLogin, true);
  assert.equal(changed.pauseOnBattery, false, 'the rest stay');
  const file = JSON.parse(await readFile(w.paths.settings, 'utf8'));
  assert.equal(file.bandwidthLimit, 1_000_000);
  assert.equal(file.parallelUploads, 2);
  assert.equal(file.retry.retries, 2, 'settings the window does not show are kept');
  await waitFor('the window to be told', () =>
    w?.events.some((e) => e.event === 'changed' && (e.data as any).topics.includes('settings'))
      ? true
      : undefined,
  );

  const tooMany = Array.from({ length: 201 }, (_, i) => `*.x${i}`);
  const refused = await w.client.request('setSettings', { ignorePatterns: tooMany }).then(
    () => assert.fail('refused'),
    (e: ProtocolError) => e,
  );
  assert.equal(refused.code, 'failed');
  assert.match(refused.message, /^settings: "ignorePatterns" must be a list of at most 200 patterns/);
  const hours = await w.client
    .request('setSettings', { schedule: { enabled: true, startHour: 24, endHour: 3 } })
    .then(
      () => assert.fail('refused'),
      (e: ProtocolError) => e,
    );
  assert.equal(hours.code, 'bad-request');
  assert.match(hours.message, /params\.schedule\.startHour/);

  await w.reopen();
  assert.deepEqual(await w.client.request('getSettings', {}), changed);
});

test('the bandwidth limit holds, and uploads already running follow a new one at once', async () => {
  const LIMIT = 300_000;
  w = await world({ settings: { bandwidthLimit: LIMIT } });
  const dir = join(w.root, 'Big');
  await writeTree(dir, { 'one.jpg': photoBytes('one', 1_500_000), 'two.jpg': photoBytes('two', 1_500_000) });
  const folder = await w.client.request('addFolder', {
    path: dir,
    mode: 'mirror',
    privacy: 'Private',
    target: '',
  });
  const sending = await w.snapshotWhere('the uploads to start', (s) => s.progress.bytesDone > 0);
  const t0 = performance.now();
  const bytes0 = sending.progress.bytesDone;
  await new Promise((r) => setTimeout(r, 1500));
  const limited = w.latest();
  const limitedRate = (limited.progress.bytesDone - bytes0) / ((performance.now() - t0) / 1000);
  assert.ok(
    limitedRate > LIMIT * 0.6 && limitedRate < LIMIT * 1.4,
    `about 300 KB/s, got ${limitedRate.toFixed(0)}`,
  );
  assert.ok(
    limited.progress.rate > LIMIT * 0.6 && limited.progress.rate < LIMIT * 1.4,
    `rate ${limited.progress.rate}`,
  );
  assert.equal(limited.progress.filesTotal, 2);
  assert.equal(limited.progress.bytesTotal, 3_000_000);
  assert.ok(limited.progress.etaSeconds !== null && limited.progress.etaSeconds > 3);
  assert.equal(limited.overview.state, 'working');
  assert.equal(limited.overview.headline, 'Backing up 2 files');
  assert.match(
    limited.overview.detail ?? '',
    /^0 of 2 files · \d+(\.\d)? KB\/s · (about \d+ minutes?|less than a minute) left$/,
  );
  assert.equal(limited.folders[0]?.state, 'uploading');
  assert.equal(limited.folders[0]?.stateText, 'Uploading 0 of 2');
  assert.deepEqual(limited.uploads.map((u) => [u.folderId, u.relPath, u.size]).sort(), [
    [folder.id, 'one.jpg', 1_500_000],
    [folder.id, 'two.jpg', 1_500_000],
  ]);
  const { files } = await w.client.request('listFiles', { folderId: folder.id, offset: 0, limit: 10 });
  for (const f of files) {
    assert.equal(f.state, 'uploading');
    assert.ok(f.sent !== null && f.sent > 0 && f.sent < f.size, `${f.relPath} has sent ${f.sent}`);
  }

  const changedAt = performance.now();
  const bytesAtChange = w.latest().progress.bytesDone;
  await w.client.request('setSettings', { bandwidthLimit: 3_000_000 });
  const done = await w.snapshotWhere('both files uploaded', (s) => s.folders[0]?.counts.uploaded === 2);
  const seconds = (performance.now() - changedAt) / 1000;
  const fasterRate = (3_000_000 - bytesAtChange) / seconds;
  assert.ok(fasterRate > LIMIT * 3, `the uploads sped up: ${fasterRate.toFixed(0)} B/s after the change`);
  assert.ok(
    seconds < 3,
    `finished ${seconds.toFixed(1)} s after the change, not ${(3_000_000 - bytesAtChange) / LIMIT} s`,
  );
  const peak = Math.max(
    ...w.events
      .filter((e) => e.event === 'snapshot' && e.at > changedAt)
      .map((e) => (e.data as SnapshotData).progress.rate),
  );
  assert.ok(peak > LIMIT * 1.5, `the reported rate followed: ${peak}`);
  assert.deepEqual(done.progress, {
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    rate: 0,
    etaSeconds: null,
  });
  assert.deepEqual(done.uploads, []);
});

test('file types and ignore patterns apply to every connected folder', async () => {
  w = await world({ settings: { fileTypes: { photos: false, videos: true, raw: false } } });
  const dir = join(w.root, 'Mixed');
  await writeTree(dir, {
    'a.jpg': photoBytes('a'),
    'b.mp4': photoBytes('b'),
    'c.png': photoBytes('c'),
  });
  const folder = await w.client.request('addFolder', {
    path: dir,
    mode: 'mirror',
    privacy: 'Private',
    target: '',
  });
  await w.snapshotWhere('the video uploaded', (s) => s.folders[0]?.state === 'up-to-date');
  const list = async () =>
    (await w?.client.request('listFiles', { folderId: folder.id, offset: 0, limit: 10 }))?.files.map((f) => [
      f.relPath,
      f.state,
      f.error,
    ]);
  assert.deepEqual(await list(), [
    ['a.jpg', 'skipped', 'photos are turned off in settings'],
    ['b.mp4', 'uploaded', null],
    ['c.png', 'skipped', 'photos are turned off in settings'],
  ]);

  await w.client.request('setSettings', {
    fileTypes: { photos: true, videos: true, raw: false },
    ignorePatterns: ['c.*'],
  });
  await w.snapshotWhere(
    'the photo uploaded',
    (s) => s.folders[0]?.counts.uploaded === 2 && s.folders[0].state === 'up-to-date',
  );
  assert.deepEqual(await list(), [
    ['a.jpg', 'uploaded', null],
    ['b.mp4', 'uploaded', null],
  ]);
  const store = new Store(w.paths.state);
  try {
    const row = store.folders()[0];
    assert.deepEqual(JSON.parse(row?.settings ?? ''), {
      photos: true,
      videos: true,
      raw: false,
      ignore: ['c.*'],
    });
  } finally {
    store.close();
  }
  assert.equal(w.sandbox.dump().ImageCount, 2);
});
