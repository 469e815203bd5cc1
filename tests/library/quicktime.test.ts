// Movie facts from the committed QuickTime/MP4 fixtures (made by ffmpeg and checked with exiftool
// and ffprobe, see fixtures/media/make.sh) and from hand-built boxes for the layouts tools
// rarely write: MP4-style full-box meta, keys in udta, version-1 headers, fragmented durations.
import assert from 'node:assert/strict';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bufferSource } from '../../src/library/iso-boxes.ts';
import {
  KEY_CONTENT_IDENTIFIER,
  KEY_CREATION_DATE,
  quickTimeInstant,
  readMovieFacts,
  readMovieFile,
} from '../../src/library/quicktime.ts';
import {
  box,
  box64,
  fixture,
  fixtureBytes,
  ftyp,
  hdlr,
  keyedItems,
  mehd,
  meta,
  mvhd,
  qtSeconds,
  tkhd,
} from './boxes.ts';

const LIVE_ID = '5B2A6C1E-8F3D-4A7B-9C0E-1F2A3B4C5D6E';
const facts = (data: Buffer) => readMovieFacts(bufferSource(data));

/** [type, size field] of each top-level box, up to a box with a size of 0 or a 64-bit size. */
function topLevel(data: Buffer): [string, number][] {
  const boxes: [string, number][] = [];
  for (let at = 0; at + 8 <= data.length; ) {
    const size = data.readUInt32BE(at);
    boxes.push([data.toString('latin1', at + 4, at + 8), size]);
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

describe('readMovieFile on the fixtures', () => {
  test('an iPhone-style MOV: creation date and content identifier in moov/meta keys, mvhd in UTC', async () => {
    const movie = await readMovieFile(fixture('IMG_0001.MOV'));
    assert.deepEqual(
      movie.keys,
      new Map([
        [KEY_CONTENT_IDENTIFIER, LIVE_ID],
        [KEY_CREATION_DATE, '2024-07-14T18:22:01+0200'],
      ]),
    );
    assert.equal(movie.created?.toISOString(), '2024-07-14T16:22:01.000Z');
    assert.equal(movie.durationSeconds, 0.5);
  });

  test('an ffmpeg MP4 with only the mvhd time; its iTunes-style udta/meta is not taken for keys', async () => {
    const movie = await readMovieFile(fixture('clip.mp4'));
    assert.deepEqual(movie.keys, new Map());
    assert.equal(movie.created?.toISOString(), '2021-03-04T05:06:07.000Z');
    assert.equal(movie.durationSeconds, 1);
  });

  test('the same MP4 with a 64-bit mdat header before moov, and with a size-0 moov at the end', async () => {
    assert.deepEqual(
      topLevel(fixtureBytes('mdat64.mp4')).at(-1),
      ['mdat', 1],
      'the fixture has a 64-bit mdat',
    );
    assert.deepEqual(
      topLevel(fixtureBytes('moov-size0.mp4')).at(-1),
      ['moov', 0],
      'the fixture has a size-0 moov',
    );
    for (const name of ['mdat64.mp4', 'moov-size0.mp4']) {
      const movie = await readMovieFile(fixture(name));
      assert.equal(movie.created?.toISOString(), '2021-03-04T05:06:07.000Z', name);
      assert.equal(movie.durationSeconds, 1, name);
    }
  });
});

describe('damaged and odd files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'safelight-quicktime-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a MOV cut off inside moov is a BoxFormatError, not a crash or a guess', async () => {
    const whole = fixtureBytes('IMG_0001.MOV');
    for (const length of [0, 7, 30, 100, 1000]) {
      await assert.rejects(facts(whole.subarray(0, length)), { name: 'BoxFormatError' }, `cut at ${length}`);
    }
  });

  test('a MOV cut off inside a 64-bit mdat that comes before moov says it is truncated', async () => {
    const whole = fixtureBytes('mdat64.mp4');
    await assert.rejects(facts(whole.subarray(0, 500)), {
      name: 'BoxFormatError',
      message: /'mdat' at offset 32 needs \d+ bytes but its container ends at 500 \(the file is truncated/,
    });
  });

  test('bytes with no box structure, and movies without moov or mvhd, are refused with a reason', async () => {
    await assert.rejects(facts(Buffer.from('\x00\x00\x00\x10\x01\x02\x03\x04garbage!')), {
      message: /not a QuickTime or MP4 file/,
    });
    await assert.rejects(facts(Buffer.concat([ftyp(), box('mdat', Buffer.alloc(4))])), {
      message: /no 'moov' box/,
    });
    await assert.rejects(facts(Buffer.concat([ftyp(), box('moov', box('trak'))])), { message: /no 'mvhd'/ });
    await assert.rejects(facts(Buffer.concat([ftyp(), box('moov', box('mvhd', Buffer.alloc(10)))])), {
      message: /'mvhd' at offset 28 is 10 bytes, too short/,
    });
  });

  test('a movie without ftyp, as Live Photo videos copied over USB start, is still read', async () => {
    const data = Buffer.concat([
      box('wide'),
      box('mdat', Buffer.alloc(32)),
      box('moov', mvhd({ created: qtSeconds('2023-05-06T07:08:09Z'), duration: 2500 })),
    ]);
    const movie = await facts(data);
    assert.equal(movie.created?.toISOString(), '2023-05-06T07:08:09.000Z');
    assert.equal(movie.durationSeconds, 2.5);
  });

  test('a 5 GB sparse video with moov after its 64-bit mdat is read from its headers alone', async () => {
    const path = join(dir, 'big.mov');
    const mdatSize = 5 * 1024 ** 3;
    const head = Buffer.concat([ftyp(), box64('mdat')]);
    head.writeBigUInt64BE(BigInt(mdatSize), head.length - 8);
    const moov = box(
      'moov',
      mvhd({ created: qtSeconds('2025-01-02T03:04:05Z'), timescale: 600, duration: 90 * 600 }),
      meta('quicktime', hdlr('mdta'), ...keyedItems([[KEY_CREATION_DATE, '2025-01-02T04:04:05+0100']])),
    );
    const handle = await open(path, 'w');
    await handle.write(head, 0, head.length, 0);
    await handle.write(moov, 0, moov.length, head.length - 16 + mdatSize);
    await handle.close();

    const started = performance.now();
    const movie = await readMovieFile(path);
    assert.equal(movie.keys.get(KEY_CREATION_DATE), '2025-01-02T04:04:05+0100');
    assert.equal(movie.created?.toISOString(), '2025-01-02T03:04:05.000Z');
    assert.equal(movie.durationSeconds, 90);
    assert.ok(performance.now() - started < 2000, 'reading did not walk the 5 GB');
  });
});

describe('layouts built by hand', () => {
  const created = qtSeconds('2022-02-02T10:00:00Z');

  test('keys in an MP4-style full-box meta are read like QuickTime-style ones', async () => {
    for (const style of ['quicktime', 'mp4'] as const) {
      const data = Buffer.concat([
        ftyp('isom'),
        box(
          'moov',
          mvhd({ created }),
          meta(style, hdlr('mdta'), ...keyedItems([[KEY_CREATION_DATE, '2022-02-02T11:00:00+0100']])),
        ),
      ]);
      assert.equal((await facts(data)).keys.get(KEY_CREATION_DATE), '2022-02-02T11:00:00+0100', style);
    }
  });

  test('moov/meta keys win over moov/udta/meta keys; udta fills in what moov/meta lacks', async () => {
    const data = Buffer.concat([
      ftyp(),
      box(
        'moov',
        box(
          'udta',
          meta(
            'mp4',
            hdlr('mdta'),
            ...keyedItems([
              [KEY_CREATION_DATE, '1999-01-01T00:00:00Z'],
              [KEY_CONTENT_IDENTIFIER, 'FROM-UDTA'],
            ]),
          ),
        ),
        mvhd({ created }),
        meta('quicktime', hdlr('mdta'), ...keyedItems([[KEY_CREATION_DATE, '2022-02-02T11:00:00+0100']])),
      ),
    ]);
    assert.deepEqual(
      (await facts(data)).keys,
      new Map([
        [KEY_CREATION_DATE, '2022-02-02T11:00:00+0100'],
        [KEY_CONTENT_IDENTIFIER, 'FROM-UDTA'],
      ]),
    );
  });

  test('UTF-16 text items are read, numbers and items without a key are left out', async () => {
    const [keys, ilst] = keyedItems([
      ['com.apple.quicktime.make', { utf16: 'Apple' }],
      ['com.apple.quicktime.live-photo.auto', { int: 1 }],
    ]);
    const orphan = Buffer.alloc(8);
    orphan.writeUInt32BE(8);
    orphan.writeUInt32BE(9, 4);
    const data = Buffer.concat([
      ftyp(),
      box(
        'moov',
        mvhd({ created }),
        meta('quicktime', keys as Buffer, box('ilst', (ilst as Buffer).subarray(8), orphan)),
      ),
    ]);
    assert.deepEqual((await facts(data)).keys, new Map([['com.apple.quicktime.make', 'Apple']]));
  });

  test('a damaged keys box is a BoxFormatError', async () => {
    const [keys, ilst] = keyedItems([[KEY_CREATION_DATE, 'x']]);
    const broken = Buffer.from(keys as Buffer);
    broken.writeUInt32BE(500, 16);
    const data = Buffer.concat([
      ftyp(),
      box('moov', mvhd({ created }), meta('quicktime', broken, ilst as Buffer)),
    ]);
    await assert.rejects(facts(data), {
      name: 'BoxFormatError',
      message: /'keys' at offset \d+ has an entry of impossible size 500/,
    });
  });

  test('version-1 mvhd with 64-bit times and durations', async () => {
    const data = Buffer.concat([
      ftyp(),
      box64(
        'moov',
        mvhd({
          version: 1,
          created: qtSeconds('2031-12-31T23:59:59Z'),
          timescale: 600,
          duration: 6000 * 600,
        }),
      ),
    ]);
    const movie = await facts(data);
    assert.equal(movie.created?.toISOString(), '2031-12-31T23:59:59.000Z');
    assert.equal(movie.durationSeconds, 6000);
  });

  test('mvhd duration 0: the fragment duration (mehd), else the longest track', async () => {
    const fragmented = Buffer.concat([
      ftyp('iso6'),
      box(
        'moov',
        mvhd({ created, timescale: 1000, duration: 0 }),
        box('trak', tkhd(4000)),
        box('mvex', mehd(1_500_000)),
      ),
    ]);
    assert.equal((await facts(fragmented)).durationSeconds, 1500);
    const tracksOnly = Buffer.concat([
      ftyp(),
      box('moov', mvhd({ created, duration: 0 }), box('trak', tkhd(4000)), box('trak', tkhd(7000, 1))),
    ]);
    assert.equal((await facts(tracksOnly)).durationSeconds, 7);
    const nothing = Buffer.concat([ftyp(), box('moov', mvhd({ created, duration: 0 }))]);
    assert.equal((await facts(nothing)).durationSeconds, null);
    const unknown = Buffer.concat([ftyp(), box('moov', mvhd({ created, duration: 0xffff_ffff }))]);
    assert.equal((await facts(unknown)).durationSeconds, null);
  });

  test('an unset creation time (0) is null', async () => {
    const data = Buffer.concat([ftyp(), box('moov', mvhd({ created: 0, duration: 1000 }))]);
    assert.equal((await facts(data)).created, null);
  });
});

describe('quickTimeInstant', () => {
  test('seconds since 1904 in UTC; 0 is unset', () => {
    assert.equal(
      quickTimeInstant(qtSeconds('2024-07-14T16:22:01Z'))?.toISOString(),
      '2024-07-14T16:22:01.000Z',
    );
    assert.equal(quickTimeInstant(0), null);
  });

  test('values before 1970 are Unix seconds some encoders wrote by mistake', () => {
    const unix = Date.parse('2012-06-01T12:00:00Z') / 1000;
    assert.equal(quickTimeInstant(unix)?.toISOString(), '2012-06-01T12:00:00.000Z');
  });
});
