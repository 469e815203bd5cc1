// Date mode from the window: a camera import is recognised and previewed as month galleries read
// from the photos' own dates, added with its choices stored, refused with a clear reason when the
// gallery name format cannot name months; a Live Photo is one item in the file list, and a date
// folder's mapping shows the uploads folder, the years and the months with their files.
import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { folderInfo } from '../../src/host/folder-state.ts';
import type { ProtocolError } from '../../src/protocol/messages.ts';
import type { FILE_FILTERS } from '../../src/protocol/schema.ts';
import { type FileFields, type FileRow, noCounts, Store } from '../../src/store/store.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { datedJpeg } from './dated.ts';
import { type World, world } from './world.ts';

let w: World;
afterEach(() => w.close());

const choice = (path: string, extra: Record<string, unknown> = {}) =>
  ({ path, mode: 'date', privacy: 'Private', target: '', ...extra }) as const;

async function rejection(promise: Promise<unknown>): Promise<ProtocolError> {
  return promise.then(
    () => assert.fail('the request should have been refused'),
    (e: unknown) => e as ProtocolError,
  );
}

/** A phone's import folder: six photos dated over May, June and July 2024, one with no date inside. */
async function cameraImport(root: string): Promise<string> {
  const dir = join(root, 'iPhone');
  await writeTree(dir, {
    'DCIM/100APPLE/IMG_0001.JPG': await datedJpeg('2024-05-02 09:00:00', '1'),
    'DCIM/100APPLE/IMG_0002.JPG': await datedJpeg('2024-06-10 12:30:00', '2'),
    'DCIM/100APPLE/IMG_0003.JPG': await datedJpeg('2024-06-30 23:59:59', '3'),
    'DCIM/101APPLE/IMG_0004.JPG': await datedJpeg('2024-07-01 00:00:01', '4'),
    'DCIM/101APPLE/IMG_0005.JPG': await datedJpeg('2024-07-14 18:22:01', '5'),
    'DCIM/101APPLE/IMG_0006.JPG': photoBytes('no date inside'),
  });
  const july = new Date(2024, 6, 20, 12);
  await utimes(join(dir, 'DCIM/101APPLE/IMG_0006.JPG'), july, july);
  return dir;
}

/** The state file as the engine keeps it, opened beside the running host. */
function openStore(): Store {
  return new Store(w.paths.state);
}

test('a camera import is previewed as month galleries and added in date mode with its choices', async () => {
  w = await world({ signedIn: false });
  const dir = await cameraImport(w.root);

  const mirror = await w.client.request('previewFolder', choice(dir, { mode: 'mirror' }));
  assert.equal(mirror.looksLikeCameraDump, true);
  assert.equal(mirror.prefersDateMode, true, 'date mode is the first choice');
  assert.equal(mirror.cameraDumpReason, 'it has a "DCIM" folder, as camera cards and phones do');
  assert.equal(mirror.dates, null);

  const preview = await w.client.request('previewFolder', choice(dir));
  assert.equal(preview.problem, null);
  assert.equal(preview.files, 6);
  assert.equal(preview.looksLikeCameraDump, true);
  assert.deepEqual(
    preview.nodes.map((n) => [n.smugmugPath, n.type, n.files, n.taken, n.privacy, n.exists]),
    [
      ['Safelight Uploads', 'Folder', 6, null, 'Private', false],
      ['Safelight Uploads/2024', 'Folder', 6, '2024', 'Private', false],
      ['Safelight Uploads/2024/2024-05 May', 'Album', 1, '2024-05', 'Private', false],
      ['Safelight Uploads/2024/2024-06 June', 'Album', 2, '2024-06', 'Private', false],
      ['Safelight Uploads/2024/2024-07 July', 'Album', 3, '2024-07', 'Private', false],
    ],
  );
  assert.deepEqual(preview.dates, {
    sampled: 6,
    undated: 1,
    warnings: ['1 file has no capture date inside; placed by the date the file was last modified.'],
  });

  const chosen = await w.client.request(
    'previewFolder',
    choice(dir, {
      target: 'Phones',
      privacy: 'Unlisted',
      dateOptions: { folderName: null, galleryFormat: '{MMMM} {YYYY}', yearFolders: false },
    }),
  );
  assert.deepEqual(
    chosen.nodes.map((n) => [n.smugmugPath, n.type, n.files, n.privacy]),
    [
      ['Phones/May 2024', 'Album', 1, 'Unlisted'],
      ['Phones/June 2024', 'Album', 2, 'Unlisted'],
      ['Phones/July 2024', 'Album', 3, 'Unlisted'],
    ],
  );
  assert.equal(w.sandbox.dump().Root.Children?.length ?? 0, 0, 'a preview creates nothing');

  const added = await w.client.request(
    'addFolder',
    choice(dir, { dateOptions: { folderName: '  iPhone imports ', galleryFormat: '{YY}.{MM} {MMM}' } }),
  );
  assert.equal(added.mode, 'date');
  assert.equal(added.privacy, 'Private');
  const store = openStore();
  try {
    const row = store.folder(added.id);
    assert.equal(row?.mode, 'date');
    assert.deepEqual(JSON.parse(row?.date_options ?? ''), {
      folderName: 'iPhone imports',
      yearFolders: true,
      galleryFormat: '{YY}.{MM} {MMM}',
    });
  } finally {
    store.close();
  }
});

test('date mode without choices stores the defaults; mirror mode stores none', async () => {
  w = await world({ signedIn: false });
  const dated = join(w.root, 'Dated');
  const mirrored = join(w.root, 'Mirrored');
  await writeTree(dated, { 'IMG_0001.JPG': photoBytes('1') });
  await writeTree(mirrored, { 'a.jpg': photoBytes('a') });
  const a = await w.client.request('addFolder', choice(dated));
  const b = await w.client.request(
    'addFolder',
    choice(mirrored, { mode: 'mirror', dateOptions: { galleryFormat: '{MMMM}' } }),
  );
  const store = openStore();
  try {
    assert.deepEqual(JSON.parse(store.folder(a.id)?.date_options ?? ''), {
      folderName: 'Safelight Uploads',
      yearFolders: true,
      galleryFormat: '{YYYY}-{MM} {MMMM}',
    });
    assert.equal(store.folder(b.id)?.mode, 'mirror');
    assert.equal(store.folder(b.id)?.date_options, '{}');
  } finally {
    store.close();
  }
});

test('a gallery name format that cannot name each month is refused with the reason', async () => {
  w = await world({ signedIn: false });
  const dir = join(w.root, 'Phone');
  await writeTree(dir, { 'IMG_0001.JPG': photoBytes('1') });
  const cases: [Record<string, unknown>, string][] = [
    [
      { galleryFormat: '{YYYY}' },
      'the gallery name format "{YYYY}" has no month: add {MM} (07), {M} (7), {MMMM} (July) or {MMM} (Jul), ' +
        'or the months of a year would share one gallery name',
    ],
    [
      { galleryFormat: '{YYYY}-{MM}-{DD}' },
      '"{DD}" in the gallery name format is not a token: use {YYYY} {YY} {MM} {M} {MMMM} {MMM}',
    ],
    [
      { galleryFormat: '  ' },
      'the gallery name format is empty: use tokens such as {YYYY}-{MM} {MMMM} (2024-07 July)',
    ],
    [{ galleryFormat: 'Photos' }, 'the gallery name format "Photos" has no month'],
  ];
  for (const [dateOptions, reason] of cases) {
    for (const command of ['addFolder', 'previewFolder'] as const) {
      const refused = await rejection(w.client.request(command, choice(dir, { dateOptions })));
      assert.equal(refused.code, 'bad-request');
      assert.ok(
        refused.message.startsWith(`${command}: params.dateOptions.galleryFormat: ${reason}`),
        refused.message,
      );
    }
  }
  const unnamed = await rejection(
    w.client.request('addFolder', choice(dir, { dateOptions: { folderName: ' ' } })),
  );
  assert.equal(
    unnamed.message,
    'addFolder: params.dateOptions.folderName: name the folder for the dated galleries, or give null for none',
  );
  const store = openStore();
  try {
    assert.deepEqual(store.folders(), [], 'nothing was connected');
  } finally {
    store.close();
  }
});

test('a Live Photo is listed once, with its video, in the state of the worse half', async () => {
  w = await world({ signedIn: false });
  const dir = join(w.root, 'Live');
  await writeTree(dir, { 'IMG_0001.HEIC': photoBytes('still') });
  const added = await w.client.request('addFolder', choice(dir));
  const store = openStore();
  const insert = (relPath: string, fields: FileFields & Pick<FileRow, 'size' | 'state'>) =>
    store.insertFile(added.id, relPath, { mtime_ms: 1, ...fields });
  try {
    insert('IMG_0001.HEIC', {
      size: 2_000_000,
      state: 'uploaded',
      capture_at: '2024-07-14T18:22:01',
      capture_offset: 120,
      capture_source: 'exif',
      live_with: 'IMG_0001.MOV',
      live_role: 'still',
      web_url: 'https://example.test/i-1',
    });
    insert('IMG_0001.MOV', {
      size: 3_000_000,
      state: 'failed',
      last_error: 'SmugMug refused the video',
      error_kind: 'permanent',
      capture_at: '2024-07-14T18:22:01',
      capture_source: 'quicktime-keys',
      live_with: 'IMG_0001.HEIC',
      live_role: 'video',
    });
    insert('IMG_0002.JPG', {
      size: 1000,
      state: 'pending',
      capture_at: '2024-07-20T12:00:00',
      capture_source: 'mtime',
      capture_note: "its EXIF has no DateTimeOriginal; using the file's modification time",
    });
    insert('IMG_0003.HEIC', {
      size: 1000,
      state: 'uploaded',
      live_with: 'IMG_0003.MOV',
      live_role: 'still',
    });
    insert('IMG_0003.MOV', { size: 500, state: 'uploading', live_with: 'IMG_0003.HEIC', live_role: 'video' });
    // A video that calls itself a Live Photo's but whose still does not name it is listed apart.
    insert('IMG_0004.MOV', { size: 700, state: 'uploaded', live_with: 'IMG_0009.HEIC', live_role: 'video' });
  } finally {
    store.close();
  }

  const list = (filter: (typeof FILE_FILTERS)[number], offset = 0, limit = 10) =>
    w.client.request('listFiles', { folderId: added.id, offset, limit, filter });
  const all = await list('all');
  assert.equal(all.total, 4);
  assert.deepEqual(
    all.files.map((f) => [f.relPath, f.state, f.live?.video ?? null]),
    [
      ['IMG_0001.HEIC', 'failed', 'IMG_0001.MOV'],
      ['IMG_0002.JPG', 'pending', null],
      ['IMG_0003.HEIC', 'uploading', 'IMG_0003.MOV'],
      ['IMG_0004.MOV', 'uploaded', null],
    ],
  );
  const [live, undated] = all.files;
  assert.deepEqual(live?.live, {
    video: 'IMG_0001.MOV',
    videoId: live?.live?.videoId,
    videoSize: 3_000_000,
    videoState: 'failed',
    videoError: 'SmugMug refused the video',
    stillState: 'uploaded',
  });
  assert.equal(typeof live?.live?.videoId, 'number');
  assert.equal(live?.error, 'The video: SmugMug refused the video');
  assert.equal(live?.size, 2_000_000);
  assert.equal(live?.webUrl, 'https://example.test/i-1');
  assert.deepEqual(live?.capture, {
    at: '2024-07-14T18:22:01',
    offsetMinutes: 120,
    source: 'exif',
    sourceText: 'from EXIF',
    note: null,
  });
  assert.deepEqual(undated?.capture, {
    at: '2024-07-20T12:00:00',
    offsetMinutes: null,
    source: 'mtime',
    sourceText: 'no date inside: file modified time',
    note: "its EXIF has no DateTimeOriginal; using the file's modification time",
  });
  assert.equal(all.files[2]?.sent, 0, 'its video is uploading');

  const paged = [...(await list('all', 0, 3)).files, ...(await list('all', 3, 3)).files];
  assert.deepEqual(
    paged.map((f) => f.relPath),
    all.files.map((f) => f.relPath),
    'pages hold every item once',
  );
  const failed = await list('failed');
  assert.deepEqual([failed.total, failed.files.map((f) => f.relPath)], [1, ['IMG_0001.HEIC']]);
  const uploaded = await list('uploaded');
  assert.deepEqual(
    [uploaded.total, uploaded.files.map((f) => f.relPath)],
    [1, ['IMG_0004.MOV']],
    'a Live Photo is backed up only when both halves are',
  );
  const uploading = await list('uploading');
  assert.deepEqual([uploading.total, uploading.files.map((f) => f.relPath)], [1, ['IMG_0003.HEIC']]);
});

test("a date folder's mapping shows the uploads folder, its years and month galleries with their files", async () => {
  w = await world({ signedIn: false });
  const dir = join(w.root, 'Camera');
  await writeTree(dir, { 'DCIM/100APPLE/IMG_0001.JPG': photoBytes('1') });
  const added = await w.client.request('addFolder', choice(dir, { target: 'Backups' }));
  const store = openStore();
  try {
    const node = (key: string, type: string, name: string) =>
      store.saveNode({
        folder_id: added.id,
        key,
        node_uri: `/api/v2/node/${key.replace(/\W/g, '')}`,
        album_uri: type === 'Album' ? `/api/v2/album/${key.replace(/\W/g, '')}` : null,
        type,
        name,
        url_name: name.replace(/\W/g, '-'),
      });
    node('U:', 'Folder', 'Safelight Uploads');
    node('Y:2023', 'Folder', '2023');
    node('M:2023-12', 'Album', '2023-12 December');
    node('Y:2024', 'Folder', '2024');
    node('M:2024-05', 'Album', '2024-05 May');
    node('M:2024-06', 'Album', '2024-06 June (renamed on SmugMug)');
    const file = (relPath: string, fields: FileFields) =>
      store.insertFile(added.id, `DCIM/100APPLE/${relPath}`, {
        size: 10,
        mtime_ms: 1,
        state: 'uploaded',
        ...fields,
      });
    file('IMG_0001.JPG', { gallery_key: 'M:2024-05', capture_at: '2024-05-02T09:00:00' });
    file('IMG_0002.JPG', { gallery_key: 'M:2024-06', capture_at: '2024-06-10T12:00:00' });
    file('IMG_0003.JPG', { gallery_key: 'M:2024-06', capture_at: '2024-06-11T12:00:00' });
    // Waiting to be uploaded: placed by when it was taken, into a gallery not made yet.
    file('IMG_0004.JPG', { state: 'pending', capture_at: '2024-07-14T18:22:01' });
    file('IMG_0005.JPG', { state: 'pending', capture_at: '2024-07-15T08:00:00' });
    // Not kept: counted nowhere.
    file('IMG_0006.JPG', { state: 'skipped', capture_at: '2024-08-01T00:00:00' });
    file('IMG_0007.JPG', { state: 'deleted', gallery_key: 'M:2024-05', capture_at: '2024-05-03T00:00:00' });
  } finally {
    store.close();
  }

  const mapping = await w.client.request('folderMapping', { folderId: added.id });
  assert.deepEqual(
    mapping.nodes.map((n) => [n.smugmugPath, n.type, n.files, n.taken, n.exists, n.localPath]),
    [
      ['Backups/Safelight Uploads', 'Folder', 5, null, true, ''],
      ['Backups/Safelight Uploads/2023', 'Folder', 0, '2023', true, ''],
      ['Backups/Safelight Uploads/2023/2023-12 December', 'Album', 0, '2023-12', true, ''],
      ['Backups/Safelight Uploads/2024', 'Folder', 5, '2024', true, ''],
      ['Backups/Safelight Uploads/2024/2024-05 May', 'Album', 1, '2024-05', true, ''],
      ['Backups/Safelight Uploads/2024/2024-06 June (renamed on SmugMug)', 'Album', 2, '2024-06', true, ''],
      ['Backups/Safelight Uploads/2024/2024-07 July', 'Album', 2, '2024-07', false, ''],
    ],
  );
  for (const n of mapping.nodes) assert.equal(n.privacy, 'Private');

  const snapshot = await w.snapshotWhere('the date folder', (s) => s.folders.length === 1);
  assert.equal(snapshot.folders[0]?.mode, 'date');
});

test('a date folder says it is backed up by month of capture', async () => {
  w = await world({ signedIn: false });
  const dir = join(w.root, 'Phone');
  await writeTree(dir, { 'IMG_0001.JPG': photoBytes('1') });
  await w.client.request('addFolder', choice(dir));
  const store = openStore();
  const [folder] = store.folders();
  store.close();
  assert.ok(folder);
  const facts = {
    folder,
    counts: { ...noCounts(), uploaded: 3 },
    watch: {
      folderId: folder.id,
      path: folder.path,
      phase: 'watching',
      mode: 'native',
      modeReason: '',
      settling: 0,
      problem: undefined,
    },
    account: 'signed-in',
    pause: { paused: false, until: null, reason: null },
    sending: 0,
    doneThisRun: 0,
    wait: null,
    retryAt: null,
    now: Date.now(),
  } as const;
  assert.equal(folderInfo(facts).stateText, 'Up to date, by month of capture');
  const uploading = folderInfo({
    ...facts,
    counts: { ...noCounts(), uploaded: 3, pending: 9 },
    sending: 1,
    doneThisRun: 3,
  });
  assert.equal(uploading.stateText, 'Uploading 3 of 12, by month of capture');
  assert.equal(folderInfo({ ...facts, folder: { ...folder, mode: 'mirror' } }).stateText, 'Up to date');
});
