// Connecting folders from the window: the preview of what SmugMug will get, the checks that
// refuse a folder with a reason, uploading to up to date, the mapping with web addresses, the
// file list, the activity list with thumbnails, and removing a folder.
import assert from 'node:assert/strict';
import { mkdir, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import sharp from 'sharp';
import { previewFolder } from '../../src/host/preview.ts';
import { DEFAULT_MEDIA_SETTINGS } from '../../src/library/media.ts';
import type { ProtocolError } from '../../src/protocol/messages.ts';
import { Store } from '../../src/store/store.ts';
import { md5, photoBytes, writeTree } from '../helpers/sync-env.ts';
import { type World, waitFor, world } from './world.ts';

let w: World;
afterEach(() => w.close());

const choice = (path: string, extra: Record<string, unknown> = {}) =>
  ({ path, mode: 'mirror', privacy: 'Private', target: '', ...extra }) as const;

async function rejection(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => assert.fail('the request should have been refused'),
    (e: unknown) => e as ProtocolError,
  );
  return error;
}

test('a folder is previewed, added, uploaded to up to date, mapped and listed', async () => {
  w = await world();
  const first = w.latest();
  assert.equal(first.account.state, 'signed-in');
  assert.equal(first.account.sandbox, true);
  assert.equal(first.account.nickname, w.sandbox.nickname);
  assert.equal(first.overview.state, 'empty');
  assert.equal(first.desktop, true);

  const dir = join(w.root, 'Photos');
  await writeTree(dir, {
    'Trips/Rome/r1.jpg': photoBytes('r1'),
    'Trips/Rome/r2.jpg': photoBytes('r2'),
    'Trips/Paris/p1.jpg': photoBytes('p1'),
    'loose.jpg': photoBytes('loose'),
    'notes.txt': Buffer.from('not a photo'),
  });
  const preview = await w.client.request('previewFolder', choice(dir, { target: 'Backups/ ' }));
  assert.equal(preview.problem, null);
  assert.equal(preview.path, await realpath(dir));
  assert.equal(preview.files, 4);
  assert.equal(preview.truncated, false);
  assert.equal(preview.looksLikeCameraDump, false);
  assert.deepEqual(
    preview.nodes.map((n) => [n.localPath, n.type, n.smugmugPath, n.files, n.privacy, n.exists]),
    [
      ['', 'Folder', 'Backups/Photos', 4, 'Private', false],
      ['', 'Album', 'Backups/Photos/Images from folder Photos', 1, 'Private', false],
      ['Trips', 'Folder', 'Backups/Photos/Trips', 3, 'Private', false],
      ['Trips/Paris', 'Album', 'Backups/Photos/Trips/Paris', 1, 'Private', false],
      ['Trips/Rome', 'Album', 'Backups/Photos/Trips/Rome', 2, 'Private', false],
    ],
  );
  assert.equal(w.sandbox.dump().ImageCount, 0, 'a preview creates nothing');
  assert.equal(w.sandbox.dump().Root.Children?.length ?? 0, 0);

  const added = await w.client.request('addFolder', choice(dir, { target: 'Backups', privacy: 'Unlisted' }));
  assert.equal(added.path, await realpath(dir));
  assert.equal(added.name, 'Photos');
  assert.equal(added.privacy, 'Unlisted');
  assert.equal(added.target, 'Backups');
  assert.equal(added.watch.setting, 'auto');

  const done = await w.snapshotWhere(
    'the folder to be up to date',
    (s) => s.folders[0]?.state === 'up-to-date' && s.folders[0].counts.uploaded === 4,
  );
  const folder = done.folders[0];
  assert.ok(folder);
  assert.equal(folder.stateText, 'Up to date');
  assert.equal(folder.counts.total, 4);
  assert.equal(folder.watch.mode, 'native');
  assert.equal(done.overview.state, 'up-to-date');
  assert.equal(done.overview.headline, 'Everything is backed up');
  assert.equal(done.overview.detail, '4 files in 1 folder');
  assert.equal(done.failures, 0);
  assert.equal(w.sandbox.dump().ImageCount, 4);
  await waitFor('the window to be told the activity list changed', () =>
    w.events.some(
      (e) =>
        e.event === 'changed' &&
        (e.data as any).topics.includes('activity') &&
        (e.data as any).folderIds.includes(added.id),
    )
      ? true
      : undefined,
  );

  const mapping = await w.client.request('folderMapping', { folderId: added.id });
  assert.deepEqual(
    mapping.nodes.map((n) => [n.smugmugPath, n.type, n.files, n.exists, n.privacy]),
    [
      ['Backups/Photos', 'Folder', 4, true, 'Unlisted'],
      ['Backups/Photos/Images from folder Photos', 'Album', 1, true, 'Unlisted'],
      ['Backups/Photos/Trips', 'Folder', 3, true, 'Unlisted'],
      ['Backups/Photos/Trips/Paris', 'Album', 1, true, 'Unlisted'],
      ['Backups/Photos/Trips/Rome', 'Album', 2, true, 'Unlisted'],
    ],
  );
  for (const n of mapping.nodes) assert.match(n.webUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/site\//);

  const page1 = await w.client.request('listFiles', { folderId: added.id, offset: 0, limit: 2 });
  const page2 = await w.client.request('listFiles', { folderId: added.id, offset: 2, limit: 2 });
  assert.equal(page1.total, 4);
  assert.deepEqual(
    [...page1.files, ...page2.files].map((f) => f.relPath),
    ['Trips/Paris/p1.jpg', 'Trips/Rome/r1.jpg', 'Trips/Rome/r2.jpg', 'loose.jpg'],
  );
  for (const f of page1.files) {
    assert.equal(f.state, 'uploaded');
    assert.equal(f.sent, null);
    assert.ok(f.webUrl);
    assert.ok(f.uploadedAt);
  }
  const failed = await w.client.request('listFiles', {
    folderId: added.id,
    offset: 0,
    limit: 10,
    filter: 'failed',
  });
  assert.deepEqual(failed, { total: 0, files: [] });

  const activity = await w.client.request('recentActivity', { limit: 3 });
  assert.equal(activity.items.length, 3);
  for (const item of activity.items) {
    assert.equal(item.what, 'uploaded');
    assert.equal(item.isVideo, false);
    assert.ok(item.webUrl);
    assert.equal(item.name, item.relPath.split('/').pop());
  }
  const times = activity.items.map((i) => i.uploadedAt);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
    'most recent first',
  );
});

test('folders that cannot be connected are refused with the reason, in the preview and on add', async () => {
  w = await world({ signedIn: false });
  const connected = join(w.root, 'Connected');
  await writeTree(connected, { 'Inner/a.jpg': photoBytes('a') });
  const file = join(w.root, 'file.jpg');
  await writeFile(file, photoBytes('f'));
  await w.client.request('addFolder', choice(connected));

  const cases: [string, RegExp][] = [
    [join(w.root, 'missing'), /missing does not exist$/],
    [file, /file\.jpg is not a folder$/],
    ['relative/photos', /choose the folder by its full path/],
    [connected, /Connected is already connected$/],
    [
      join(connected, 'Inner'),
      /overlaps the connected folder .*Connected; connect folders that do not contain each other/,
    ],
    [w.root, /overlaps the connected folder/],
    [w.home, /overlaps Safelight's own data folder/],
  ];
  for (const [path, reason] of cases) {
    const preview = await w.client.request('previewFolder', choice(path));
    assert.match(preview.problem ?? '', reason, path);
    assert.equal(preview.path, null);
    assert.deepEqual(preview.nodes, []);
    const refused = await rejection(w.client.request('addFolder', choice(path)));
    assert.equal(refused.code, 'failed');
    assert.match(refused.message, reason);
  }

  const snapshot = await w.snapshotWhere('the connected folder', (s) => s.folders.length === 1);
  assert.equal(snapshot.account.state, 'signed-out');
  assert.equal(snapshot.overview.state, 'signed-out');
  assert.equal(snapshot.folders[0]?.state, 'signed-out');
  assert.equal(snapshot.folders[0]?.stateText, 'Not signed in to SmugMug');
});

test('camera and phone imports are recognised; a huge folder is previewed only so far', async () => {
  w = await world({ signedIn: false });
  const dump = join(w.root, 'Card');
  await writeTree(dump, {
    'DCIM/100CANON/A0001.JPG': photoBytes('1'),
    'DCIM/100CANON/A0002.JPG': photoBytes('2'),
  });
  const phone = join(w.root, 'Phone');
  await writeTree(phone, {
    'IMG_0001.JPG': photoBytes('1'),
    'IMG_0002.HEIC': photoBytes('2'),
    'PXL_20240101_120000.jpg': photoBytes('3'),
    'DSC_0004.JPG': photoBytes('4'),
    'holiday.jpg': photoBytes('5'),
  });
  const named = join(w.root, 'Named');
  await writeTree(named, {
    '2019_TRIP/rome.jpg': photoBytes('1'),
    'beach.jpg': photoBytes('2'),
    'IMG_0001.jpg': photoBytes('3'),
  });
  const sorted = join(w.root, 'Sorted');
  await writeTree(sorted, {
    'Lisbon 2023/IMG_0001.JPG': photoBytes('1'),
    'Lisbon 2023/IMG_0002.JPG': photoBytes('2'),
    'Porto 2024/IMG_0003.JPG': photoBytes('3'),
  });
  const seen = async (path: string) => {
    const preview = await w.client.request('previewFolder', choice(path));
    return [preview.looksLikeCameraDump, preview.prefersDateMode, preview.cameraDumpReason];
  };
  assert.deepEqual(await seen(dump), [true, true, 'it has a "DCIM" folder, as camera cards and phones do']);
  assert.deepEqual(await seen(phone), [
    true,
    true,
    '4 of its 5 photos and videos have names a camera gave them (like "DSC_0004.JPG")',
  ]);
  assert.deepEqual(
    await seen(sorted),
    [true, false, '3 of its 3 photos and videos have names a camera gave them (like "IMG_0001.JPG")'],
    'sorted into named subfolders: date mode is offered, not chosen',
  );
  assert.deepEqual(await seen(named), [
    false,
    false,
    'no camera folders (DCIM, 100APPLE…), and only 1 of 3 photos and videos have camera names',
  ]);

  const big = join(w.root, 'Big');
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 12; i++) files[`d${i % 3}/f${i}.jpg`] = photoBytes(`f${i}`, 16);
  await writeTree(big, files);
  const preview = await previewFolder(choice(big), {
    connected: [],
    home: w.home,
    media: DEFAULT_MEDIA_SETTINGS,
    maxFiles: 5,
  });
  assert.equal(preview.truncated, true);
  assert.equal(preview.files, 5);
  assert.equal(
    preview.nodes.filter((n) => n.type === 'Album').reduce((n, node) => n + node.files, 0),
    5,
  );
});

test('removing a folder forgets it and its files; SmugMug and the disk keep everything', async () => {
  w = await world();
  const dir = join(w.root, 'Keep');
  await writeTree(dir, { 'a.jpg': photoBytes('a'), 'b.jpg': photoBytes('b') });
  const added = await w.client.request('addFolder', choice(dir));
  await w.snapshotWhere(
    'the upload',
    (s) => s.folders[0]?.state === 'up-to-date' && s.folders[0].counts.uploaded === 2,
  );

  assert.equal(await w.client.request('removeFolder', { folderId: added.id }), null);
  await w.snapshotWhere(
    'the folder to be gone',
    (s) => s.folders.length === 0 && s.overview.state === 'empty',
  );
  const refused = await rejection(w.client.request('listFiles', { folderId: added.id, offset: 0, limit: 5 }));
  assert.equal(refused.message, `no connected folder has id ${added.id}`);
  const again = await rejection(w.client.request('removeFolder', { folderId: added.id }));
  assert.equal(again.message, `no connected folder has id ${added.id}`);
  const store = new Store(w.paths.state);
  try {
    assert.equal(store.db.prepare('SELECT COUNT(*) AS n FROM files').get()?.n, 0);
    assert.equal(store.db.prepare('SELECT COUNT(*) AS n FROM nodes').get()?.n, 0);
  } finally {
    store.close();
  }
  assert.equal(w.sandbox.dump().ImageCount, 2, 'nothing is deleted on SmugMug');
  assert.deepEqual((await readdir(dir)).sort(), ['a.jpg', 'b.jpg'], 'nothing is deleted on disk');

  // Connected again, its photos are found on SmugMug by their MD5, not uploaded a second time.
  const uploads = w.sandbox.stats().uploadsAccepted;
  await w.client.request('addFolder', choice(dir));
  await w.snapshotWhere(
    'the folder to be up to date again',
    (s) => s.folders[0]?.counts.uploaded === 2 && s.folders[0].state === 'up-to-date',
  );
  assert.equal(w.sandbox.stats().uploadsAccepted, uploads);
  const activity = await w.client.request('recentActivity', { limit: 5 });
  assert.deepEqual(
    activity.items.map((i) => i.what),
    ['already-there', 'already-there'],
  );
});

test('thumbnails are small JPEGs made once and read from the cache after; videos and broken files have none', async () => {
  w = await world();
  const dir = join(w.root, 'Thumbs');
  await mkdir(dir, { recursive: true });
  const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3a7' } })
    .jpeg()
    .toBuffer();
  await writeFile(join(dir, 'big.jpg'), photo);
  await writeFile(join(dir, 'broken.jpg'), photoBytes('not really a JPEG'));
  await writeFile(join(dir, 'clip.mp4'), Buffer.from('a video'));
  const added = await w.client.request('addFolder', choice(dir));
  await w.snapshotWhere('the upload', (s) => s.folders[0]?.counts.uploaded === 3);
  const { files } = await w.client.request('listFiles', { folderId: added.id, offset: 0, limit: 10 });
  const id = (name: string) => files.find((f) => f.relPath === name)?.id as number;

  const first = await w.client.request('thumbnail', { fileId: id('big.jpg') });
  assert.match(first.dataUrl ?? '', /^data:image\/jpeg;base64,/);
  const jpeg = Buffer.from((first.dataUrl as string).split(',')[1] as string, 'base64');
  const meta = await sharp(jpeg).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(meta.width, 256);
  assert.equal(meta.height, 171);
  assert.ok(jpeg.length < 20_000, `small: ${jpeg.length} bytes`);

  const cacheFile = join(
    w.home,
    'thumbnails',
    String(id('big.jpg') % 256),
    `${id('big.jpg')}-${md5(photo)}.jpg`,
  );
  const cached = await stat(cacheFile);
  const second = await w.client.request('thumbnail', { fileId: id('big.jpg') });
  assert.equal(second.dataUrl, first.dataUrl);
  assert.equal((await stat(cacheFile)).mtimeMs, cached.mtimeMs, 'read from the cache, not made again');

  // Many at once are made one after another and all answered.
  const all = await Promise.all(files.map((f) => w.client.request('thumbnail', { fileId: f.id })));
  assert.deepEqual(
    all.map((t, i) => [files[i]?.relPath, t.dataUrl === null]),
    [
      ['big.jpg', false],
      ['broken.jpg', true],
      ['clip.mp4', true],
    ],
  );
  const unknown = await rejection(w.client.request('thumbnail', { fileId: 99_999 }));
  assert.equal(unknown.message, 'no file has id 99999');
});

test('requests that do not fit the protocol are refused with what was wrong', async () => {
  w = await world({ signedIn: false });
  const bad = async (command: string, params: unknown) =>
    rejection((w.client.request as (c: string, p: unknown) => Promise<unknown>)(command, params));

  const notFolder = await bad('listFiles', { folderId: 0, offset: 0, limit: 10 });
  assert.equal(notFolder.code, 'bad-request');
  assert.match(notFolder.message, /^listFiles: params\.folderId: /);
  const tooMany = await bad('setSettings', { parallelUploads: 99 });
  assert.equal(tooMany.code, 'bad-request');
  assert.match(tooMany.message, /params\.parallelUploads/);
  const code = await bad('loginFinish', { code: '12' });
  assert.match(code.message, /the code is six digits/);
  const ids = await bad('retry', { fileIds: ['x'] });
  assert.match(ids.message, /params\.fileIds\.0/);
  const unknown = await bad('formatDisk', {});
  assert.equal(unknown.code, 'unknown-command');
  assert.equal(unknown.message, 'unknown command "formatDisk"');
  const mapping = await bad('folderMapping', { folderId: 42 });
  assert.equal(mapping.code, 'failed');
  assert.equal(mapping.message, 'no connected folder has id 42');
  const sync = await bad('syncNow', {});
  assert.equal(sync.message, 'sign in to SmugMug first');
  assert.deepEqual(w.logged, [], 'refusals are not logged as unexpected errors');
});

test('a folder watched by polling says so when it is up to date', async () => {
  w = await world();
  const dir = join(w.root, 'Share');
  await writeTree(dir, { 'a.jpg': photoBytes('a') });
  const added = await w.client.request('addFolder', { ...choice(dir), watch: 'polling' });
  assert.equal(added.watch.setting, 'polling');
  const done = await w.snapshotWhere(
    'the folder to be up to date',
    (s) => s.folders[0]?.state === 'up-to-date',
  );
  assert.equal(
    done.folders[0]?.stateText,
    'Up to date, watching by polling every 200 ms: set for this folder',
  );
  assert.equal(done.folders[0]?.watch.mode, 'polling');
  await writeTree(dir, { 'b.jpg': photoBytes('b') });
  await w.snapshotWhere('the new file found by polling', (s) => s.folders[0]?.counts.uploaded === 2);
});
