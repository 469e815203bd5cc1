// An iPhone import end to end against the sandbox with SmugMug's conversions on (HEIC stored as
// NAME.JPG, videos re-encoded): a DCIM tree over three months lands in three month galleries,
// Live Photo halves go up together into the same gallery, .AAE files are listed as skipped, a
// second run sends nothing, and a fresh state database over the same folder sends nothing twice.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { AAE_REASON } from '../../src/library/live-photos.ts';
import { DEFAULT_MEDIA_SETTINGS } from '../../src/library/media.ts';
import { ICLOUD_REASON } from '../../src/library/placeholders.ts';
import type { FolderRow } from '../../src/store/store.ts';
import type { FileEvent } from '../../src/sync/engine.ts';
import { imageCounts, type SyncEnv, syncEnv } from '../helpers/sync-env.ts';
import { box, ftyp, mvhd } from '../library/boxes.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/media');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

/** A copy of a fixture with one fixed-width text inside it (an EXIF date, an identifier) changed. */
function patched(name: string, from: string, to: string): Buffer {
  assert.equal(from.length, to.length);
  const bytes = Buffer.from(fixture(name));
  const at = bytes.indexOf(from, 0, 'latin1');
  assert.ok(at >= 0, `${from} is in ${name}`);
  bytes.write(to, at, 'latin1');
  assert.equal(bytes.indexOf(from, 0, 'latin1'), -1, `${from} is in ${name} once`);
  return bytes;
}

async function datedJpeg(taken: string, colour: number): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: colour, g: 90, b: 160 } } })
    .jpeg({ quality: 80 })
    .withExif({ IFD2: { DateTimeOriginal: taken, OffsetTimeOriginal: '+02:00' } })
    .toBuffer();
}

// July: two Live Photos (one paired by Apple's identifier, one by name and time), an edited copy
// and an edit file;
// August: a photo taken just after midnight abroad (still 31 July in UTC) and a HEIC; September: a JPEG.
async function dcimTree(): Promise<Record<string, Buffer>> {
  return {
    '100APPLE/IMG_0001.HEIC': fixture('IMG_0001.HEIC'),
    '100APPLE/IMG_0001.MOV': fixture('IMG_0001.MOV'),
    '100APPLE/IMG_0001.AAE': fixture('IMG_0001.AAE'),
    // The edit Photos exported beside the original: both are kept.
    '100APPLE/IMG_E0001.HEIC': fixture('IMG_0001.HEIC'),
    '100APPLE/IMG_0002.JPG': fixture('IMG_0002.JPG'),
    '100APPLE/IMG_0002.MOV': fixture('IMG_0002.MOV'),
    '100APPLE/IMG_0003.JPG': fixture('abroad.jpg'),
    '101APPLE/IMG_0004.HEIC': patched('IMG_0001.HEIC', '2024:07:14 18:22:01', '2024:08:02 09:10:11'),
    '101APPLE/IMG_0005.JPG': await datedJpeg('2024:09:10 12:00:00', 40),
  };
}

const MEDIA = 8;
const MONTHS = ['2024-07 July', '2024-08 August', '2024-09 September'] as const;

let env: SyncEnv;
let dcim: string;

before(async () => {
  env = await syncEnv({ transforms: { heic: 'jpg', video: true, processingSeconds: 0 } });
  dcim = join(env.root, 'Pictures', 'DCIM');
  for (const [rel, bytes] of Object.entries(await dcimTree())) {
    await mkdir(join(dcim, rel, '..'), { recursive: true });
    await writeFile(join(dcim, rel), bytes);
  }
  dcim = await realpath(dcim);
});

after(() => env.close());

function addDateFolder(path: string, videos = true): FolderRow {
  return env.ctx.store.addFolder({
    path,
    mode: 'date',
    privacy: 'Private',
    target: '',
    settings: JSON.stringify({ ...DEFAULT_MEDIA_SETTINGS, videos }),
    date_options: '{}',
  });
}

// The sandbox dump is plain JSON.
type DumpNode = any;

function child(node: DumpNode, name: string): DumpNode {
  const found = (node.Children ?? []).find((c: DumpNode) => c.Name === name);
  assert.ok(found, `"${name}" in "${node.Name}": ${(node.Children ?? []).map((c: DumpNode) => c.Name)}`);
  return found;
}

const fileNames = (gallery: DumpNode) => (gallery.Images ?? []).map((i: DumpNode) => i.FileName).sort();

test('a DCIM tree over three months lands in three month galleries, Live Photos together', async () => {
  const folder = addDateFolder(dcim);
  const engine = env.engine();
  const events: FileEvent[] = [];
  engine.on('file', (e) => events.push(e));
  const [summary] = await engine.syncFolders([folder]);
  assert.equal(summary?.error, undefined);
  assert.equal(summary?.failed, 0, JSON.stringify(events.filter((e) => e.state === 'failed')));
  assert.equal(summary?.uploaded, MEDIA);

  const year = child(child(env.sandbox.dump().Root, 'Safelight Uploads'), '2024');
  assert.deepEqual(year.Children.map((c: DumpNode) => c.Name).sort(), MONTHS);
  for (const node of [child(env.sandbox.dump().Root, 'Safelight Uploads'), year, ...year.Children]) {
    assert.equal(node.Privacy, 'Private', node.Name);
  }
  assert.deepEqual(fileNames(child(year, MONTHS[0])), [
    'IMG_0001.JPG',
    'IMG_0001.MOV',
    'IMG_0002.JPG',
    'IMG_0002.MOV',
    'IMG_E0001.JPG',
  ]);
  assert.deepEqual(fileNames(child(year, MONTHS[1])), ['IMG_0003.JPG', 'IMG_0004.JPG']);
  assert.deepEqual(fileNames(child(year, MONTHS[2])), ['IMG_0005.JPG']);

  const store = env.ctx.store;
  for (const n of ['0001', '0002']) {
    const stillPath = `100APPLE/IMG_${n}.${n === '0001' ? 'HEIC' : 'JPG'}`;
    const still = store.fileAt(folder.id, stillPath);
    const video = store.fileAt(folder.id, `100APPLE/IMG_${n}.MOV`);
    assert.equal(still?.live_role, 'still');
    assert.equal(still?.live_with, `100APPLE/IMG_${n}.MOV`);
    assert.equal(video?.live_role, 'video');
    assert.equal(video?.live_with, stillPath);
    assert.equal(video?.gallery_key, still?.gallery_key);
    // The video is sent right after its still, by the same upload task.
    const order = events.filter((e) => e.state === 'uploaded').map((e) => e.relPath);
    assert.ok(order.indexOf(video?.rel_path ?? '') > order.indexOf(stillPath), order.join(', '));
  }
  const heic = store.fileAt(folder.id, '100APPLE/IMG_0001.HEIC');
  assert.equal(heic?.capture_at, '2024-07-14T18:22:01');
  assert.equal(heic?.capture_offset, 120);
  assert.equal(heic?.capture_source, 'exif');
  // Taken at 00:30 on 1 August where it was taken: August, though UTC still said 31 July.
  assert.equal(store.fileAt(folder.id, '100APPLE/IMG_0003.JPG')?.gallery_key, 'M:2024-08');

  const aae = store.fileAt(folder.id, '100APPLE/IMG_0001.AAE');
  assert.equal(aae?.state, 'skipped');
  assert.equal(aae?.last_error, AAE_REASON);
});

test('a second run sends nothing', async () => {
  const before = imageCounts(env.sandbox.dump());
  const [summary] = await env.syncAll();
  assert.equal(summary?.uploaded, 0);
  assert.equal(summary?.alreadyThere, 0);
  assert.equal(summary?.hashed, 0);
  assert.deepEqual(imageCounts(env.sandbox.dump()), before);
});

test('a fresh state database over the same folder finds every file, converted ones too', async () => {
  const before = imageCounts(env.sandbox.dump());
  assert.equal(
    [...before.values()].reduce((a, b) => a + b, 0),
    MEDIA,
  );
  env.ctx.store.close();
  await rm(join(env.home, 'state.db'), { force: true });
  await rm(join(env.home, 'state.db-wal'), { force: true });
  await rm(join(env.home, 'state.db-shm'), { force: true });
  env.reopen();
  const folder = addDateFolder(dcim);
  const [summary] = await env.engine().syncFolders([folder]);
  assert.equal(summary?.error, undefined);
  assert.equal(summary?.uploaded, 0, 'nothing uploaded twice');
  assert.equal(summary?.alreadyThere, MEDIA);
  assert.deepEqual(imageCounts(env.sandbox.dump()), before);
  const rows = env.ctx.store.filesIn(folder.id, ['uploaded']);
  assert.equal(rows.length, MEDIA);
  assert.ok(rows.every((r) => r.image_uri !== null && r.uploaded_md5 === r.md5));
});

test('with videos off, each Live Photo video is skipped with its reason', async () => {
  const copy = join(env.root, 'Pictures', 'NoVideos');
  for (const [rel, bytes] of Object.entries(await dcimTree())) {
    await mkdir(join(copy, rel, '..'), { recursive: true });
    await writeFile(join(copy, rel), bytes);
  }
  const folder = addDateFolder(await realpath(copy), false);
  const [summary] = await env.engine().syncFolders([folder]);
  assert.equal(summary?.error, undefined);
  // Same photos, already in the same month galleries: found there, not sent again.
  assert.equal(summary?.uploaded, 0);
  assert.equal(summary?.alreadyThere, MEDIA - 2);
  for (const [video, still] of [
    ['IMG_0001.MOV', 'IMG_0001.HEIC'],
    ['IMG_0002.MOV', 'IMG_0002.JPG'],
  ]) {
    const row = env.ctx.store.fileAt(folder.id, `100APPLE/${video}`);
    assert.equal(row?.state, 'skipped');
    assert.equal(row?.last_error, `the video of a Live Photo (${still}); videos are turned off in settings`);
  }
});

test('files iCloud has not downloaded wait, and go up once they are here', async () => {
  const cloud = join(env.root, 'Pictures', 'Cloud');
  await mkdir(cloud, { recursive: true });
  await writeFile(join(cloud, '.IMG_0003.HEIC.icloud'), fixture('.IMG_0003.HEIC.icloud'));
  await writeFile(join(cloud, 'IMG_0007.JPG'), new Uint8Array(0));
  const folder = addDateFolder(await realpath(cloud));
  const [first] = await env.engine().syncFolders([folder]);
  assert.equal(first?.uploaded, 0);
  for (const name of ['IMG_0003.HEIC', 'IMG_0007.JPG']) {
    const row = env.ctx.store.fileAt(folder.id, name);
    assert.equal(row?.state, 'skipped', name);
    assert.equal(row?.last_error, ICLOUD_REASON, name);
  }
  assert.equal(env.ctx.store.fileAt(folder.id, '.IMG_0003.HEIC.icloud'), undefined);

  // iCloud downloads them: the stub gives way to the file, the empty file gets its bytes.
  await rm(join(cloud, '.IMG_0003.HEIC.icloud'));
  await writeFile(
    join(cloud, 'IMG_0003.HEIC'),
    patched('IMG_0001.HEIC', '2024:07:14 18:22:01', '2024:10:01 08:00:00'),
  );
  await writeFile(join(cloud, 'IMG_0007.JPG'), await datedJpeg('2024:10:02 08:00:00', 200));
  const [second] = await env.engine().syncFolders([folder]);
  assert.equal(second?.uploaded, 2);
  const october = child(
    child(child(env.sandbox.dump().Root, 'Safelight Uploads'), '2024'),
    '2024-10 October',
  );
  assert.deepEqual(fileNames(october), ['IMG_0003.JPG', 'IMG_0007.JPG']);
});

test('a video longer than SmugMug takes is refused before any byte is sent', async () => {
  const dir = join(env.root, 'Pictures', 'Long');
  await mkdir(dir, { recursive: true });
  const moov = box('moov', mvhd({ created: 3_800_000_000, timescale: 600, duration: 21 * 60 * 600 }));
  await writeFile(join(dir, 'IMG_0100.MOV'), Buffer.concat([ftyp(), moov, box('mdat', Buffer.alloc(4096))]));
  const folder = addDateFolder(await realpath(dir));
  const [summary] = await env.engine().syncFolders([folder]);
  assert.equal(summary?.uploaded, 0);
  assert.equal(summary?.bytesSent, 0);
  assert.ok(![...imageCounts(env.sandbox.dump()).keys()].some((k) => k.startsWith('IMG_0100')));
  const row = env.ctx.store.fileAt(folder.id, 'IMG_0100.MOV');
  assert.equal(row?.state, 'failed');
  assert.equal(row?.last_error, 'too long: 21 min; SmugMug accepts videos up to 20 minutes');
  assert.equal(row?.attempts, 0, 'never marked as sending');
});
