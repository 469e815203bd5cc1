// What counts as media, what is skipped with a reason, what is noise; size limits; byte formatting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AAE_REASON, XMP_KEPT_REASON, XMP_RAW_OFF_REASON } from '../../src/library/live-photos.ts';
import {
  type Classification,
  classify,
  DEFAULT_MEDIA_SETTINGS,
  formatBytes,
  LIMITS,
  type MediaSettings,
  makeClassifier,
  makeDirFilter,
  sizeProblem,
} from '../../src/library/media.ts';

const settings = (over: Partial<MediaSettings> = {}): MediaSettings => ({
  ...DEFAULT_MEDIA_SETTINGS,
  ...over,
});
const media = (kind: 'photo' | 'video' | 'raw', mimeType: string): Classification => ({
  kind: 'media',
  media: kind,
  mimeType,
});
const ignored = (reason: string): Classification => ({ kind: 'ignored', reason });
const skipped = (reason: string): Classification => ({ kind: 'skipped', reason });

const RAW_OFF = 'RAW files are turned off in settings (SmugMug needs the Source plan for RAW)';
const VIDEOS_OFF = 'videos are turned off in settings';

describe('classify', () => {
  test('defaults: videos on, RAW off, nothing ignored by pattern', () => {
    assert.deepEqual(DEFAULT_MEDIA_SETTINGS, { videos: true, raw: false, ignore: [] });
  });

  test('photos and videos by extension, in any case, with their MIME types', () => {
    const table: [string, Classification][] = [
      ['IMG_0001.JPG', media('photo', 'image/jpeg')],
      ['a/b/holiday.jpeg', media('photo', 'image/jpeg')],
      ['scan.Png', media('photo', 'image/png')],
      ['anim.gif', media('photo', 'image/gif')],
      ['2024/IMG_0002.HEIC', media('photo', 'image/heic')],
      ['x.heif', media('photo', 'image/heif')],
      ['IMG_0003.MOV', media('video', 'video/quicktime')],
      ['clip.mp4', media('video', 'video/mp4')],
      ['clip.M4V', media('video', 'video/x-m4v')],
      ['old.avi', media('video', 'video/x-msvideo')],
      ['film.mkv', media('video', 'video/x-matroska')],
      ['AVCHD/00001.MTS', media('video', 'video/mp2t')],
      ['00002.m2ts', media('video', 'video/mp2t')],
      ['phone.3gp', media('video', 'video/3gpp')],
      ['dvd.MPG', media('video', 'video/mpeg')],
      ['dvd.mpeg', media('video', 'video/mpeg')],
      ['win.wmv', media('video', 'video/x-ms-wmv')],
    ];
    for (const [path, expected] of table) assert.deepEqual(classify(path, settings()), expected, path);
  });

  test('RAW is skipped with the reason unless turned on', () => {
    for (const ext of ['cr2', 'CR3', 'nef', 'arw', 'raf', 'orf', 'rw2', 'DNG']) {
      assert.deepEqual(classify(`shoot/DSC_1.${ext}`, settings()), skipped(RAW_OFF), ext);
      const on = classify(`shoot/DSC_1.${ext}`, settings({ raw: true }));
      assert.equal(on.kind, 'media', ext);
      assert.equal(on.kind === 'media' && on.media, 'raw', ext);
      assert.match(on.kind === 'media' ? on.mimeType : '', /^image\/x-|^application\/octet-stream$/);
    }
  });

  test('videos are skipped with the reason when turned off; photos are not affected', () => {
    assert.deepEqual(classify('IMG_1.MOV', settings({ videos: false })), skipped(VIDEOS_OFF));
    assert.deepEqual(classify('a/clip.mkv', settings({ videos: false })), skipped(VIDEOS_OFF));
    assert.deepEqual(classify('IMG_1.HEIC', settings({ videos: false })), media('photo', 'image/heic'));
  });

  test('images SmugMug refuses are skipped with a reason naming the type', () => {
    const table: [string, string][] = [
      ['a.webp', 'SmugMug does not accept WebP images'],
      ['a.BMP', 'SmugMug does not accept BMP images'],
      ['a.tif', 'SmugMug does not accept TIFF images'],
      ['a.TIFF', 'SmugMug does not accept TIFF images'],
      ['a.psd', 'SmugMug does not accept Photoshop (PSD) images'],
      ['favicon.ico', 'SmugMug does not accept icon (ICO) images'],
    ];
    for (const [path, reason] of table) assert.deepEqual(classify(path, settings()), skipped(reason), path);
  });

  test('Apple edit files are listed as skipped; XMP sidecars too once RAW files are backed up', () => {
    assert.deepEqual(classify('DCIM/100APPLE/IMG_0001.AAE', settings()), skipped(AAE_REASON));
    assert.deepEqual(classify('raw/DSC_1.xmp', settings({ raw: true })), skipped(XMP_KEPT_REASON));
  });

  test('sidecars, junk, hidden, temporary and non-media files are ignored, not failures', () => {
    const table: [string, string][] = [
      ['raw/DSC_1.xmp', XMP_RAW_OFF_REASON],
      ['MOV_1.THM', 'sidecar file'],
      ['.DS_Store', 'system file'],
      ['a/._IMG_0001.JPG', 'system file'],
      ['Thumbs.db', 'system file'],
      ['a/THUMBS.DB', 'system file'],
      ['desktop.ini', 'system file'],
      ['Icon\r', 'system file'],
      ['.hidden.jpg', 'hidden file'],
      ['a/.picasa.ini', 'hidden file'],
      ['IMG_1.JPG.tmp', 'temporary or partly written file'],
      ['video.mp4.part', 'temporary or partly written file'],
      ['dl/IMG_1.jpg.crdownload', 'temporary or partly written file'],
      ['~$notes.jpg', 'temporary or partly written file'],
      ['notes.txt', 'not a photo or video'],
      ['manual.PDF', 'not a photo or video'],
      ['README', 'not a photo or video'],
      ['song.mp3', 'not a photo or video'],
    ];
    for (const [path, reason] of table) assert.deepEqual(classify(path, settings()), ignored(reason), path);
  });

  test('files inside folders the walk never enters are ignored too', () => {
    assert.deepEqual(classify('.git/x.jpg', settings()), ignored('inside a hidden folder'));
    assert.equal(classify('a/@eaDir/x.jpg/SYNOFILE_THUMB_M.jpg', settings()).kind, 'ignored');
    assert.deepEqual(classify('#recycle/x.jpg', settings()), ignored('inside a system folder ("#recycle")'));
    assert.equal(
      classify('Photos Library.photoslibrary/resources/derivatives/a.jpeg', settings()).kind,
      'ignored',
    );
    assert.deepEqual(
      classify('Photos Library.photoslibrary/originals/0/A1B2.heic', settings()),
      media('photo', 'image/heic'),
    );
  });

  test('ignore patterns without "/" match the name at any depth; with "/" the whole relative path', () => {
    const c = makeClassifier(
      settings({ ignore: ['*.mov', 'Private', 'exports/**', '2019/*.jpg', 'IMG_9*'] }),
    );
    assert.deepEqual(c('a/b/IMG_1.MOV'), ignored('matches ignore pattern "*.mov"'));
    assert.deepEqual(c('IMG_1.mov'), ignored('matches ignore pattern "*.mov"'));
    assert.deepEqual(c('Private/x.jpg'), ignored('matches ignore pattern "Private"'));
    assert.deepEqual(c('2020/Private/deep/x.jpg'), ignored('matches ignore pattern "Private"'));
    assert.deepEqual(c('exports/web/x.jpg'), ignored('matches ignore pattern "exports/**"'));
    assert.deepEqual(c('2019/x.jpg'), ignored('matches ignore pattern "2019/*.jpg"'));
    assert.deepEqual(c('IMG_9000.HEIC'), ignored('matches ignore pattern "IMG_9*"'));
    // Patterns with '/' are anchored to the connected folder.
    assert.deepEqual(c('old/2019/x.jpg'), media('photo', 'image/jpeg'));
    assert.deepEqual(c('old/exports/x.jpg'), media('photo', 'image/jpeg'));
    assert.deepEqual(c('IMG_1000.HEIC'), media('photo', 'image/heic'));
  });

  test('ignore patterns honour a leading "/" anchor and a trailing "/" folder-only mark; blanks are dropped', () => {
    const c = makeClassifier(settings({ ignore: ['/top.jpg', 'drafts/', '', '  '] }));
    assert.deepEqual(c('top.jpg'), ignored('matches ignore pattern "/top.jpg"'));
    assert.deepEqual(c('sub/top.jpg'), media('photo', 'image/jpeg'));
    assert.deepEqual(c('x/drafts/y.jpg'), ignored('matches ignore pattern "drafts/"'));
    assert.deepEqual(c('drafts'), ignored('not a photo or video'));
    assert.deepEqual(c('x/drafts.jpg'), media('photo', 'image/jpeg'));
    assert.deepEqual(c('x.jpg'), media('photo', 'image/jpeg'));
  });

  test('classify and a compiled classifier agree', () => {
    const s = settings({ ignore: ['*.png'], raw: true });
    const c = makeClassifier(s);
    for (const path of ['a.png', 'a.jpg', 'b/c.NEF', '.x', 'y.webp'])
      assert.deepEqual(c(path), classify(path, s));
  });
});

describe('makeDirFilter', () => {
  test('skips hidden, NAS, OS and trash folders, and folders matching ignore patterns', () => {
    const descend = makeDirFilter(settings({ ignore: ['Private', 'work/tmp/**'] }));
    const no = [
      ['@eaDir', '@eaDir'],
      ['a/@eaDir', '@eaDir'],
      ['#recycle', '#recycle'],
      ['#snapshot', '#snapshot'],
      ['$RECYCLE.BIN', '$RECYCLE.BIN'],
      ['$Recycle.Bin', '$Recycle.Bin'],
      ['System Volume Information', 'System Volume Information'],
      ['.Trashes', '.Trashes'],
      ['.Trash-1000', '.Trash-1000'],
      ['.git', '.git'],
      ['x/.thumbnails', '.thumbnails'],
      ['Private', 'Private'],
      ['2020/Private', 'Private'],
      ['work/tmp', 'tmp'],
      ['work/tmp/a', 'a'],
      ['Photos Library.photoslibrary/resources', 'resources'],
      ['Photos Library.photoslibrary/database', 'database'],
    ];
    for (const [rel, name] of no) assert.equal(descend(rel as string, name as string), false, rel);
    const yes = [
      ['2024', '2024'],
      ['2024/07 Summer', '07 Summer'],
      ['eaDir', 'eaDir'],
      ['tmp', 'tmp'],
      ['Photos Library.photoslibrary', 'Photos Library.photoslibrary'],
      ['Photos Library.photoslibrary/originals', 'originals'],
      ['Old.photoslibrary/Masters', 'Masters'],
      ['Old.photoslibrary/Masters/2015', '2015'],
    ];
    for (const [rel, name] of yes) assert.equal(descend(rel as string, name as string), true, rel);
  });
});

describe('sizeProblem', () => {
  test('exactly at the limit is fine, one byte more is not', () => {
    assert.equal(sizeProblem('photo', LIMITS.photoBytes), null);
    assert.equal(sizeProblem('video', LIMITS.videoBytes), null);
    assert.equal(sizeProblem('raw', LIMITS.rawBytes), null);
    assert.equal(
      sizeProblem('photo', LIMITS.photoBytes + 1),
      'too large: 524.3 MB; SmugMug accepts photos up to 500 MB',
    );
    assert.equal(
      sizeProblem('video', LIMITS.videoBytes + 1),
      'too large: 3.2 GB; SmugMug accepts videos up to 3 GB',
    );
    assert.equal(
      sizeProblem('raw', LIMITS.rawBytes + 1),
      'too large: 3.2 GB; SmugMug accepts RAW files up to 3 GB',
    );
  });

  test('limits are the documented 500 MiB and 3 GiB', () => {
    assert.deepEqual(LIMITS, { photoBytes: 524_288_000, videoBytes: 3_221_225_472, rawBytes: 3_221_225_472 });
  });

  test('empty files have nothing to back up; one byte is fine', () => {
    for (const kind of ['photo', 'video', 'raw'] as const) {
      assert.equal(sizeProblem(kind, 0), 'empty file (0 bytes): nothing to back up');
      assert.equal(sizeProblem(kind, 1), null);
    }
  });
});

describe('formatBytes', () => {
  test('decimal units with one decimal, trailing .0 dropped', () => {
    const table: [number, string][] = [
      [0, '0 B'],
      [1, '1 B'],
      [999, '999 B'],
      [1000, '1 KB'],
      [1536, '1.5 KB'],
      [512_000, '512 KB'],
      [999_949, '999.9 KB'],
      [999_950, '1 MB'],
      [3_221_225_472, '3.2 GB'],
      [1.5e12, '1.5 TB'],
    ];
    for (const [n, text] of table) assert.equal(formatBytes(n), text, String(n));
  });
});
