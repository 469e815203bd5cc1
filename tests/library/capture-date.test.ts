// Capture dates of the committed fixtures (every expected value below is what exiftool reported
// when make.sh wrote it), the time zone used for instants without one, and the fall back to the
// modification time, with its reason, for files that say nothing or are damaged.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type CaptureDate, captureFromExif, readCaptureDate } from '../../src/library/capture-date.ts';
import { emptyExifFacts } from '../../src/library/exif.ts';
import { KEY_CREATION_DATE } from '../../src/library/quicktime.ts';
import {
  box,
  boxToEnd,
  fixture,
  fixtureBytes,
  ftyp,
  hdlr,
  keyedItems,
  meta,
  mvhd,
  qtSeconds,
} from './boxes.ts';

const CAPTURE_MODULE = pathToFileURL(join(import.meta.dirname, '../../src/library/capture-date.ts')).href;

type Expected = [
  string,
  [number, number, number, number, number, number],
  string | null,
  number | null,
  CaptureDate['source'],
];

function expected([, d, utc, offsetMinutes, source]: Expected): CaptureDate {
  const [year, month, day, hour, minute, second] = d;
  return {
    date: { year, month, day, hour, minute, second },
    utc: utc === null ? null : new Date(utc),
    offsetMinutes,
    source,
    fallbackReason: null,
  };
}

describe('readCaptureDate on the fixtures', () => {
  const table: Expected[] = [
    // Half past midnight on 1 August at +02:00: the gallery month is August, UTC says July.
    ['abroad.jpg', [2024, 8, 1, 0, 30, 5], '2024-07-31T22:30:05Z', 120, 'exif'],
    ['no-offset.jpg', [2023, 12, 31, 22, 15, 0], null, null, 'exif'],
    ['digitized-only.jpg', [2015, 5, 5, 10, 0, 0], '2015-05-05T17:00:00Z', -420, 'exif'],
    ['IMG_0001.HEIC', [2024, 7, 14, 18, 22, 1], '2024-07-14T16:22:01Z', 120, 'exif'],
    ['IMG_0002.JPG', [2024, 7, 14, 18, 25, 0], '2024-07-14T16:25:00Z', 120, 'exif'],
    ['IMG_0001.MOV', [2024, 7, 14, 18, 22, 1], '2024-07-14T16:22:01Z', 120, 'quicktime-keys'],
    ['IMG_0002.MOV', [2024, 7, 14, 18, 25, 1], '2024-07-14T16:25:01Z', 120, 'quicktime-keys'],
    ['clip.mp4', [2021, 3, 4, 5, 6, 7], '2021-03-04T05:06:07Z', null, 'quicktime-mvhd'],
    ['mdat64.mp4', [2021, 3, 4, 5, 6, 7], '2021-03-04T05:06:07Z', null, 'quicktime-mvhd'],
    ['moov-size0.mp4', [2021, 3, 4, 5, 6, 7], '2021-03-04T05:06:07Z', null, 'quicktime-mvhd'],
    ['DSC_0042.NEF', [2019, 3, 10, 8, 15, 30], '2019-03-10T13:15:30Z', -300, 'exif'],
    ['IMG_0042.DNG', [2020, 2, 29, 12, 0, 0], '2020-02-29T06:30:00Z', 330, 'exif'],
    ['IMG_0043.CR3', [2023, 6, 1, 12, 0, 0], '2023-06-01T03:00:00Z', 540, 'exif'],
    ['DSCF0044.RAF', [2021, 10, 9, 7, 8, 9], '2021-10-09T06:08:09Z', 60, 'exif'],
  ];

  for (const row of table) {
    test(`${row[0]}: ${row[4]}`, async () => {
      assert.deepEqual(await readCaptureDate(fixture(row[0]), { timeZone: 'UTC' }), expected(row));
    });
  }

  test('mvhd holds an instant only, so its wall clock is that of the chosen zone', async () => {
    const la = await readCaptureDate(fixture('clip.mp4'), { timeZone: 'America/Los_Angeles' });
    assert.deepEqual(la.date, { year: 2021, month: 3, day: 3, hour: 21, minute: 6, second: 7 });
    const tokyo = await readCaptureDate(fixture('clip.mp4'), { timeZone: 'Asia/Tokyo' });
    assert.deepEqual(tokyo.date, { year: 2021, month: 3, day: 4, hour: 14, minute: 6, second: 7 });
    assert.equal(tokyo.utc?.toISOString(), '2021-03-04T05:06:07.000Z');
  });

  test('a date with its own zone ignores the chosen zone', async () => {
    const abroad = await readCaptureDate(fixture('abroad.jpg'), { timeZone: 'Pacific/Honolulu' });
    assert.deepEqual(abroad.date, { year: 2024, month: 8, day: 1, hour: 0, minute: 30, second: 5 });
  });

  test('without options the zone is this computer’s', async () => {
    const local = await readCaptureDate(fixture('clip.mp4'));
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    assert.deepEqual(local, await readCaptureDate(fixture('clip.mp4'), { timeZone: zone }));
  });
});

describe('falling back to the modification time', () => {
  let dir: string;
  const mtime = new Date('2010-05-06T07:08:09Z');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'safelight-capture-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function put(name: string, bytes: Buffer): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, bytes);
    await utimes(path, mtime, mtime);
    return path;
  }

  async function fallback(name: string, bytes: Buffer): Promise<CaptureDate> {
    const capture = await readCaptureDate(await put(name, bytes), { timeZone: 'Europe/Berlin' });
    assert.equal(capture.source, 'mtime', name);
    assert.deepEqual(capture.date, { year: 2010, month: 5, day: 6, hour: 9, minute: 8, second: 9 }, name);
    assert.equal(capture.utc?.toISOString(), mtime.toISOString(), name);
    assert.equal(capture.offsetMinutes, null, name);
    assert.match(capture.fallbackReason ?? '', /; using the file's modification time$/, name);
    return capture;
  }

  test('a JPEG with no EXIF', async () => {
    const capture = await fallback('bare.jpg', fixtureBytes('bare.jpg'));
    assert.equal(
      capture.fallbackReason,
      "its EXIF has no DateTimeOriginal; using the file's modification time",
    );
  });

  test('a camera whose clock was never set (0000:00:00 00:00:00) is not believed', async () => {
    const capture = await fallback('zero-date.jpg', fixtureBytes('zero-date.jpg'));
    assert.equal(
      capture.fallbackReason,
      'EXIF DateTimeOriginal "0000:00:00 00:00:00" is not a valid date; using the file\'s modification time',
    );
  });

  test('truncated JPEG, HEIC, TIFF RAW, RAF and CR3 files keep the reason', async () => {
    const cases: [string, Buffer, RegExp][] = [
      ['cut.jpg', fixtureBytes('abroad.jpg').subarray(0, 100), /^could not read its EXIF: damaged EXIF \(/],
      [
        'cut.heic',
        fixtureBytes('IMG_0001.HEIC').subarray(0, 300),
        /^could not read its EXIF: damaged HEIF \(box 'meta' at offset \d+ needs/,
      ],
      ['cut.nef', fixtureBytes('DSC_0042.NEF').subarray(0, 60), /^could not read its EXIF: damaged EXIF \(/],
      [
        'cut.raf',
        fixtureBytes('DSCF0044.RAF').subarray(0, 200),
        /^could not read its EXIF: RAF header points at bytes 148–/,
      ],
      [
        'short.raf',
        fixtureBytes('DSCF0044.RAF').subarray(0, 50),
        /^could not read its EXIF: RAF header is cut off/,
      ],
      [
        'cut.cr3',
        fixtureBytes('IMG_0043.CR3').subarray(0, 100),
        /^could not read its EXIF: damaged CR3 \(box 'moov'/,
      ],
    ];
    for (const [name, bytes, reason] of cases) {
      assert.match((await fallback(name, bytes)).fallbackReason ?? '', reason, name);
    }
  });

  test('a truncated or dateless movie keeps the reason', async () => {
    const cut = await fallback('cut.mov', fixtureBytes('IMG_0001.MOV').subarray(0, 600));
    assert.match(
      cut.fallbackReason ?? '',
      /^could not read the QuickTime header: box 'moov' at offset \d+ needs \d+ bytes but its container ends at 600/,
    );
    const unset = await fallback('unset.mov', Buffer.concat([ftyp(), box('moov', mvhd({ created: 0 }))]));
    assert.equal(
      unset.fallbackReason,
      "the QuickTime header has no creation time; using the file's modification time",
    );
  });

  test('an unreadable Apple creation date falls to mvhd, saying why', async () => {
    const path = await put(
      'bad-keys.mov',
      Buffer.concat([
        ftyp(),
        box(
          'moov',
          mvhd({ created: qtSeconds('2022-02-02T10:00:00Z') }),
          meta('quicktime', hdlr('mdta'), ...keyedItems([[KEY_CREATION_DATE, 'sometime in 2022']])),
        ),
      ]),
    );
    const capture = await readCaptureDate(path, { timeZone: 'UTC' });
    assert.equal(capture.source, 'quicktime-mvhd');
    assert.equal(capture.utc?.toISOString(), '2022-02-02T10:00:00.000Z');
    assert.equal(
      capture.fallbackReason,
      `QuickTime ${KEY_CREATION_DATE} "sometime in 2022" is not a valid date`,
    );
  });

  test('an Apple creation date without a zone keeps its clock and has no instant', async () => {
    const path = await put(
      'no-zone.mov',
      Buffer.concat([
        ftyp(),
        box(
          'moov',
          mvhd({ created: qtSeconds('2022-02-02T10:00:00Z') }),
          meta('quicktime', hdlr('mdta'), ...keyedItems([[KEY_CREATION_DATE, '2022-02-02T11:00:00']])),
        ),
      ]),
    );
    const capture = await readCaptureDate(path, { timeZone: 'UTC' });
    assert.deepEqual(capture, {
      date: { year: 2022, month: 2, day: 2, hour: 11, minute: 0, second: 0 },
      utc: null,
      offsetMinutes: null,
      source: 'quicktime-keys',
      fallbackReason: null,
    });
  });

  test('empty files, text files and random bytes', async () => {
    assert.equal(
      (await fallback('empty.jpg', Buffer.alloc(0))).fallbackReason,
      "the file is empty; using the file's modification time",
    );
    const notMedia =
      "not a photo, RAW or video format that records when it was taken; using the file's modification time";
    assert.equal((await fallback('notes.txt', Buffer.from('hello, world\n'))).fallbackReason, notMedia);
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 251;
    assert.equal((await fallback('noise.jpg', noise)).fallbackReason, notMedia);
    assert.match(
      (await fallback('soi-only.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00]))).fallbackReason ?? '',
      /^could not read its EXIF: /,
    );
  });

  test('a HEIF with a size-0 box before meta, which sends exifr round in circles, is refused', async () => {
    // A hang would block the event loop, so the read runs in a child process that can be killed.
    const heicFtyp = box('ftyp', Buffer.from('heic\0\0\0\0mif1heic', 'latin1'));
    const zeroFtyp = Buffer.from(heicFtyp);
    zeroFtyp.writeUInt32BE(0);
    for (const [name, bytes] of [
      ['zero-box.heic', Buffer.concat([heicFtyp, boxToEnd('mdat', Buffer.alloc(32))])],
      ['zero-ftyp.heic', Buffer.concat([zeroFtyp, box('mdat', Buffer.alloc(32))])],
    ] as const) {
      const path = await put(name, bytes);
      const script =
        `const { readCaptureDate } = await import(${JSON.stringify(CAPTURE_MODULE)});` +
        `const c = await readCaptureDate(${JSON.stringify(path)}, { timeZone: 'UTC' });` +
        'console.log(JSON.stringify(c));';
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        timeout: 10_000,
      });
      const capture = JSON.parse(stdout) as CaptureDate;
      assert.equal(capture.source, 'mtime', name);
      assert.match(
        capture.fallbackReason ?? '',
        /^could not read its EXIF: damaged HEIF \(no 'meta' box/,
        name,
      );
    }
  });

  test('the content decides, not the name: HEIC data under a .JPG name still has its date', async () => {
    const path = await put('IMG_0001.JPG', fixtureBytes('IMG_0001.HEIC'));
    const capture = await readCaptureDate(path, { timeZone: 'UTC' });
    assert.equal(capture.source, 'exif');
    assert.equal(capture.utc?.toISOString(), '2024-07-14T16:22:01.000Z');
  });

  test('EXIF beyond the first 256 KiB (a TIFF with its directories at the end) is still found', async () => {
    const path = await put('late-exif.tif', tiffWithLateExif('2018:08:08 08:08:08', '-03:00', 300_000));
    const capture = await readCaptureDate(path, { timeZone: 'UTC' });
    assert.equal(capture.source, 'exif');
    assert.equal(capture.utc?.toISOString(), '2018-08-08T11:08:08.000Z');
  });

  test('a folder, or a file that is gone, is an error for the caller, not a fallback', async () => {
    const folder = join(dir, 'a-folder.jpg');
    await mkdir(folder);
    await assert.rejects(readCaptureDate(folder), /it is not a file/);
    await assert.rejects(readCaptureDate(join(dir, 'missing.jpg')), { code: 'ENOENT' });
  });

  test('damaged files leave no file descriptor open', async () => {
    const damaged = await put('leak.jpg', Buffer.from([0xff, 0xd8, 0xff]));
    const cut = join(dir, 'leak.mov');
    await copyFile(await put('leak-src.mov', fixtureBytes('IMG_0001.MOV').subarray(0, 600)), cut);
    const open = () => readdirSync('/dev/fd').length;
    const before = open();
    for (let i = 0; i < 50; i++) {
      await readCaptureDate(damaged, { timeZone: 'UTC' });
      await readCaptureDate(cut, { timeZone: 'UTC' });
      await assert.rejects(readCaptureDate(dir));
    }
    assert.ok(open() <= before + 2, `open descriptors went from ${before} to ${open()}`);
  });
});

describe('captureFromExif', () => {
  test('DateTimeOriginal wins over DateTimeDigitized; an invalid original is noted and passed over', () => {
    const both = {
      ...emptyExifFacts(),
      dateTimeOriginal: '2020:01:01 10:00:00',
      dateTimeDigitized: '2021:01:01 10:00:00',
    };
    const first = captureFromExif(both) as CaptureDate;
    assert.equal(first.source, 'exif');
    assert.equal(first.date.year, 2020);
    assert.equal(first.fallbackReason, null);
    const broken = { ...both, dateTimeOriginal: '2020:00:00 10:00:00', offsetTimeDigitized: '+01:00' };
    const capture = captureFromExif(broken) as CaptureDate;
    assert.equal(capture.date.year, 2021);
    assert.equal(capture.offsetMinutes, 60);
    assert.equal(capture.fallbackReason, 'EXIF DateTimeOriginal "2020:00:00 10:00:00" is not a valid date');
  });

  test('an unreadable offset leaves the clock and no instant', () => {
    const capture = captureFromExif({
      ...emptyExifFacts(),
      dateTimeOriginal: '2020:01:01 10:00:00',
      offsetTimeOriginal: '   :  ',
    }) as CaptureDate;
    assert.equal(capture.utc, null);
    assert.equal(capture.offsetMinutes, null);
  });
});

/** A little-endian TIFF whose IFD0 and EXIF IFD (DateTimeOriginal, OffsetTimeOriginal) start at `at`. */
function tiffWithLateExif(dateTime: string, offset: string, at: number): Buffer {
  const date = Buffer.from(`${dateTime}\0`, 'latin1');
  const zone = Buffer.from(`${offset}\0`, 'latin1');
  const ifd0 = at;
  const exifIfd = ifd0 + 2 + 12 + 4;
  const dateAt = exifIfd + 2 + 2 * 12 + 4;
  const zoneAt = dateAt + date.length;
  const data = Buffer.alloc(zoneAt + zone.length);
  data.write('II', 0, 'latin1');
  data.writeUInt16LE(42, 2);
  data.writeUInt32LE(ifd0, 4);
  data.writeUInt16LE(1, ifd0);
  data.writeUInt16LE(0x8769, ifd0 + 2);
  data.writeUInt16LE(4, ifd0 + 4);
  data.writeUInt32LE(1, ifd0 + 6);
  data.writeUInt32LE(exifIfd, ifd0 + 10);
  data.writeUInt16LE(2, exifIfd);
  data.writeUInt16LE(0x9003, exifIfd + 2);
  data.writeUInt16LE(2, exifIfd + 4);
  data.writeUInt32LE(date.length, exifIfd + 6);
  data.writeUInt32LE(dateAt, exifIfd + 10);
  data.writeUInt16LE(0x9011, exifIfd + 14);
  data.writeUInt16LE(2, exifIfd + 16);
  data.writeUInt32LE(zone.length, exifIfd + 18);
  data.writeUInt32LE(zoneAt, exifIfd + 22);
  date.copy(data, dateAt);
  zone.copy(data, zoneAt);
  return data;
}
