// Live Photo halves found by Apple's content identifier (read from the committed HEIC and MOV,
// whose identifiers exiftool confirmed) and by name and time; edited copies; sidecar rules.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CaptureDate, readCaptureDate } from '../../src/library/capture-date.ts';
import { appleContentIdentifier } from '../../src/library/exif.ts';
import {
  AAE_REASON,
  editedOriginalName,
  type LiveCandidate,
  pairLivePhotos,
  readContentIdentifier,
  sidecarRule,
  XMP_NO_RAW_REASON,
  XMP_RAW_OFF_REASON,
} from '../../src/library/live-photos.ts';
import { fixture, fixtureBytes } from './boxes.ts';

const LIVE_ID = '5B2A6C1E-8F3D-4A7B-9C0E-1F2A3B4C5D6E';

describe('readContentIdentifier', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'safelight-live-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('from the Apple MakerNote of a HEIC and the QuickTime keys of its MOV', async () => {
    assert.equal(await readContentIdentifier(fixture('IMG_0001.HEIC')), LIVE_ID);
    assert.equal(await readContentIdentifier(fixture('IMG_0001.MOV')), LIVE_ID);
  });

  test('null for files without one, and for formats that never carry one', async () => {
    for (const name of [
      'IMG_0002.JPG',
      'IMG_0002.MOV',
      'abroad.jpg',
      'clip.mp4',
      'DSC_0042.NEF',
      'IMG_0001.AAE',
    ]) {
      assert.equal(await readContentIdentifier(fixture(name)), null, name);
    }
  });

  test('null for damaged files; an error for a missing one', async () => {
    const heic = join(dir, 'cut.HEIC');
    await writeFile(heic, fixtureBytes('IMG_0001.HEIC').subarray(0, 300));
    const mov = join(dir, 'cut.MOV');
    await writeFile(mov, fixtureBytes('IMG_0001.MOV').subarray(0, 600));
    const empty = join(dir, 'empty.MOV');
    await writeFile(empty, '');
    for (const path of [heic, mov, empty]) assert.equal(await readContentIdentifier(path), null, path);
    await assert.rejects(readContentIdentifier(join(dir, 'gone.HEIC')), { code: 'ENOENT' });
  });
});

describe('appleContentIdentifier', () => {
  test('reads tag 17 from a little-endian note too, and nothing from other makers', async () => {
    const id = Buffer.from('ABC-LITTLE-ENDIAN\0', 'latin1');
    const dir = Buffer.alloc(2 + 12 + 4);
    dir.writeUInt16LE(1, 0);
    dir.writeUInt16LE(17, 2);
    dir.writeUInt16LE(2, 4);
    dir.writeUInt32LE(id.length, 6);
    dir.writeUInt32LE(14 + dir.length, 10);
    const note = Buffer.concat([Buffer.from('Apple iOS\0\0\x01II', 'latin1'), dir, id]);
    assert.equal(await appleContentIdentifier(note), 'ABC-LITTLE-ENDIAN');

    const nikon = Buffer.from(note);
    nikon.write('Nikon\0\0\0\0\0', 0, 'latin1');
    assert.equal(await appleContentIdentifier(nikon), null);
    const noOrder = Buffer.from(note);
    noOrder.write('XX', 12, 'latin1');
    assert.equal(await appleContentIdentifier(noOrder), null);
    assert.equal(await appleContentIdentifier(note.subarray(0, 12)), null);
    assert.equal(await appleContentIdentifier(note.subarray(0, 30)), null);
    assert.equal(await appleContentIdentifier(undefined), null);
  });
});

describe('pairLivePhotos on the fixtures', () => {
  test('IMG_0001 by its content identifier, IMG_0002 by name and time', async () => {
    const names = ['IMG_0001.HEIC', 'IMG_0001.MOV', 'IMG_0002.JPG', 'IMG_0002.MOV', 'clip.mp4', 'abroad.jpg'];
    const files: LiveCandidate[] = [];
    for (const name of names) {
      files.push({
        relPath: `DCIM/100APPLE/${name}`,
        contentId: await readContentIdentifier(fixture(name)),
        capture: await readCaptureDate(fixture(name), { timeZone: 'UTC' }),
      });
    }
    assert.deepEqual(pairLivePhotos(files), [
      { still: 'DCIM/100APPLE/IMG_0001.HEIC', video: 'DCIM/100APPLE/IMG_0001.MOV', by: 'content-identifier' },
      { still: 'DCIM/100APPLE/IMG_0002.JPG', video: 'DCIM/100APPLE/IMG_0002.MOV', by: 'name-and-time' },
    ]);
  });
});

type Capture = Pick<CaptureDate, 'date' | 'utc' | 'source'>;

/** A capture at 2024-07-14 18:25:ss, with +02:00 known unless zoneless. */
function at(second: number, options: { zoneless?: boolean; source?: CaptureDate['source'] } = {}): Capture {
  const date = { year: 2024, month: 7, day: 14, hour: 18, minute: 25, second };
  const utc = options.zoneless ? null : new Date(Date.UTC(2024, 6, 14, 16, 25, second));
  return { date, utc, source: options.source ?? 'exif' };
}

const file = (relPath: string, contentId: string | null, capture: Capture | null = at(0)): LiveCandidate => ({
  relPath,
  contentId,
  capture,
});

describe('pairLivePhotos', () => {
  test('an edited copy shares the identifier but never takes the original’s movie', () => {
    const files = [file('a/IMG_E1234.HEIC', 'X'), file('a/IMG_1234.HEIC', 'X'), file('a/IMG_1234.MOV', 'X')];
    assert.deepEqual(pairLivePhotos(files), [
      { still: 'a/IMG_1234.HEIC', video: 'a/IMG_1234.MOV', by: 'content-identifier' },
    ]);
    const withEditedMovie = [...files, file('a/IMG_E1234.MOV', 'X')];
    assert.deepEqual(pairLivePhotos(withEditedMovie), [
      { still: 'a/IMG_1234.HEIC', video: 'a/IMG_1234.MOV', by: 'content-identifier' },
      { still: 'a/IMG_E1234.HEIC', video: 'a/IMG_E1234.MOV', by: 'content-identifier' },
    ]);
  });

  test('the original and its edit are never a pair of each other, whatever their names', () => {
    assert.deepEqual(pairLivePhotos([file('IMG_1234.HEIC', 'X'), file('IMG_E1234.HEIC', 'X')]), []);
    assert.deepEqual(pairLivePhotos([file('IMG_1234.HEIC', null), file('IMG_1234.JPG', null)]), []);
  });

  test('identifiers pair renamed files in the same folder', () => {
    assert.deepEqual(
      pairLivePhotos([file('a/Sunset.heic', 'Y'), file('a/clip 7.mov', 'Y'), file('a/other.mov', 'Z')]),
      [{ still: 'a/Sunset.heic', video: 'a/clip 7.mov', by: 'content-identifier' }],
    );
  });

  test('across folders only when one still and one movie with the identifier are left', () => {
    assert.deepEqual(pairLivePhotos([file('stills/IMG_1.HEIC', 'Y'), file('videos/IMG_1.MOV', 'Y')]), [
      { still: 'stills/IMG_1.HEIC', video: 'videos/IMG_1.MOV', by: 'content-identifier' },
    ]);
    assert.deepEqual(
      pairLivePhotos([
        file('one/IMG_1.HEIC', 'Y'),
        file('two/IMG_1.HEIC', 'Y'),
        file('videos/IMG_1.MOV', 'Y'),
      ]),
      [],
    );
  });

  test('two exports of the same Live Photo pair within their own folders', () => {
    const files = [
      file('export-1/IMG_1.HEIC', 'Y'),
      file('export-1/IMG_1.MOV', 'Y'),
      file('export-2/IMG_1.HEIC', 'Y'),
      file('export-2/IMG_1.MOV', 'Y'),
    ];
    assert.deepEqual(
      pairLivePhotos(files).map((p) => [p.still, p.video]),
      [
        ['export-1/IMG_1.HEIC', 'export-1/IMG_1.MOV'],
        ['export-2/IMG_1.HEIC', 'export-2/IMG_1.MOV'],
      ],
    );
  });

  test('by name: same folder, same name (any case, "_HEVC" movies too), within a few seconds', () => {
    assert.deepEqual(
      pairLivePhotos([file('x/img_0005.jpg', null, at(10)), file('x/IMG_0005_HEVC.MOV', null, at(12))]),
      [{ still: 'x/img_0005.jpg', video: 'x/IMG_0005_HEVC.MOV', by: 'name-and-time' }],
    );
    assert.deepEqual(
      pairLivePhotos([file('x/IMG_5.JPG', null, at(10)), file('x/IMG_5.MOV', null, at(20))]),
      [],
    );
    assert.equal(
      pairLivePhotos([file('x/IMG_5.JPG', null, at(10)), file('x/IMG_5.MOV', null, at(20))], {
        maxSecondsApart: 15,
      }).length,
      1,
    );
    assert.deepEqual(pairLivePhotos([file('x/IMG_5.JPG', null), file('y/IMG_5.MOV', null)]), []);
  });

  test('by name only with capture dates from the files themselves', () => {
    const mtime = at(0, { source: 'mtime' });
    assert.deepEqual(pairLivePhotos([file('IMG_5.JPG', null, mtime), file('IMG_5.MOV', null, at(0))]), []);
    assert.deepEqual(pairLivePhotos([file('IMG_5.JPG', null, null), file('IMG_5.MOV', null, at(0))]), []);
  });

  test('a still with no zone is compared by wall clock', () => {
    assert.equal(
      pairLivePhotos([file('IMG_5.JPG', null, at(0, { zoneless: true })), file('IMG_5.MOV', null, at(1))])
        .length,
      1,
    );
  });

  test('identifiers that disagree forbid a pair by name; one missing does not', () => {
    assert.deepEqual(pairLivePhotos([file('IMG_5.HEIC', 'A'), file('IMG_5.MOV', 'B')]), []);
    assert.deepEqual(pairLivePhotos([file('IMG_5.HEIC', 'A'), file('IMG_5.MOV', null)]), [
      { still: 'IMG_5.HEIC', video: 'IMG_5.MOV', by: 'name-and-time' },
    ]);
  });

  test('the closest still wins when two have the movie’s name', () => {
    const files = [
      file('IMG_7.HEIC', null, at(0)),
      file('IMG_7.JPG', null, at(2)),
      file('IMG_7.MOV', null, at(3)),
    ];
    assert.deepEqual(pairLivePhotos(files), [
      { still: 'IMG_7.JPG', video: 'IMG_7.MOV', by: 'name-and-time' },
    ]);
  });

  test('only HEIC/JPEG stills and MOV videos take part; the result is sorted and inputs are checked', () => {
    assert.deepEqual(
      pairLivePhotos([file('IMG_8.PNG', 'Q'), file('IMG_8.MP4', 'Q'), file('IMG_8.MOV', 'Q')]),
      [],
    );
    const pairs = pairLivePhotos([
      file('b/IMG_2.JPG', null),
      file('b/IMG_2.MOV', null),
      file('a/IMG_9.JPG', null),
      file('a/IMG_9.MOV', null),
    ]);
    assert.deepEqual(
      pairs.map((p) => p.still),
      ['a/IMG_9.JPG', 'b/IMG_2.JPG'],
    );
    assert.throws(() => pairLivePhotos([file('IMG_1.JPG', null), file('IMG_1.JPG', null)]), /listed twice/);
  });
});

describe('sidecars and edited copies', () => {
  test('.AAE is always ignored, with a reason', () => {
    assert.deepEqual(sidecarRule('DCIM/100APPLE/IMG_1234.AAE', { raw: true }), {
      kind: 'ignored',
      reason: AAE_REASON,
    });
    assert.deepEqual(sidecarRule('IMG_O1234.aae', { raw: false }), { kind: 'ignored', reason: AAE_REASON });
  });

  test('.XMP is ignored while RAW is off', () => {
    assert.deepEqual(sidecarRule('shoot/DSC_0001.xmp', { raw: false }, ['DSC_0001.NEF']), {
      kind: 'ignored',
      reason: XMP_RAW_OFF_REASON,
    });
  });

  test('with RAW on, .XMP goes with its RAW file, Lightroom or darktable style', () => {
    assert.deepEqual(sidecarRule('shoot/DSC_0001.xmp', { raw: true }, ['DSC_0001.JPG', 'DSC_0001.NEF']), {
      kind: 'raw-sidecar',
      raw: 'shoot/DSC_0001.NEF',
    });
    assert.deepEqual(sidecarRule('DSC_0002.NEF.XMP', { raw: true }, ['DSC_0002.nef']), {
      kind: 'raw-sidecar',
      raw: 'DSC_0002.nef',
    });
    assert.deepEqual(sidecarRule('shoot/DSC_0003.xmp', { raw: true }, ['DSC_0003.JPG']), {
      kind: 'ignored',
      reason: XMP_NO_RAW_REASON,
    });
  });

  test('other files are no sidecars', () => {
    assert.equal(sidecarRule('IMG_1234.HEIC', { raw: true }), null);
    assert.equal(sidecarRule('notes', { raw: true }), null);
  });

  test('editedOriginalName names the original of an IMG_E copy', () => {
    assert.equal(editedOriginalName('IMG_E1234.HEIC'), 'IMG_1234.HEIC');
    assert.equal(editedOriginalName('img_e0007.jpg'), 'img_0007.jpg');
    assert.equal(editedOriginalName('IMG_1234.HEIC'), null);
    assert.equal(editedOriginalName('IMG_EDIT.HEIC'), null);
  });
});
