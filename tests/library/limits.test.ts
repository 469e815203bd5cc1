// What SmugMug refuses, decided before uploading: sizes, video length read from the movie
// header (committed fixtures and a sparse 21-minute, 3.5 GB movie), RAW only when turned on.
import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  checkFileLimits,
  checkLimits,
  formatDuration,
  MAX_VIDEO_SECONDS,
  RAW_OFF_REASON,
  RAW_PLAN_NOTE,
} from '../../src/library/limits.ts';
import { LIMITS } from '../../src/library/media.ts';
import { box, fixture, fixtureBytes, ftyp, mvhd } from './boxes.ts';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('checkLimits', () => {
  test('photos up to 500 MB', () => {
    assert.deepEqual(checkLimits({ media: 'photo', size: LIMITS.photoBytes, raw: false }), {
      problem: null,
      note: null,
    });
    const over = checkLimits({ media: 'photo', size: LIMITS.photoBytes + 1, raw: false });
    assert.equal(over.problem, 'too large: 524.3 MB; SmugMug accepts photos up to 500 MB');
  });

  test('videos up to 3 GB and 20 minutes', () => {
    assert.equal(
      checkLimits({ media: 'video', size: 3 * GB, durationSeconds: 1200, raw: false }).problem,
      null,
    );
    assert.equal(
      checkLimits({ media: 'video', size: 3 * GB + 1, durationSeconds: 60, raw: false }).problem,
      'too large: 3.2 GB; SmugMug accepts videos up to 3 GB',
    );
    assert.equal(
      checkLimits({ media: 'video', size: 100 * MB, durationSeconds: 1265, raw: false }).problem,
      'too long: 21 min 5 s; SmugMug accepts videos up to 20 minutes',
    );
    assert.equal(
      checkLimits({ media: 'video', size: 100 * MB, durationSeconds: null, raw: false }).problem,
      null,
    );
    assert.equal(checkLimits({ media: 'video', size: 100 * MB, raw: false }).problem, null);
    assert.equal(MAX_VIDEO_SECONDS, 1200);
  });

  test('RAW only when turned on, and then with a note about the Source plan', () => {
    assert.deepEqual(checkLimits({ media: 'raw', size: 30 * MB, raw: false }), {
      problem: RAW_OFF_REASON,
      note: null,
    });
    assert.deepEqual(checkLimits({ media: 'raw', size: 30 * MB, raw: true }), {
      problem: null,
      note: RAW_PLAN_NOTE,
    });
    const huge = checkLimits({ media: 'raw', size: 4 * GB, raw: true });
    assert.equal(huge.problem, 'too large: 4.3 GB; SmugMug accepts RAW files up to 3 GB');
    assert.equal(huge.note, RAW_PLAN_NOTE);
    assert.match(RAW_OFF_REASON, /Source plan/);
  });

  test('an empty file is refused before its length matters', () => {
    assert.equal(
      checkLimits({ media: 'video', size: 0, durationSeconds: 5000, raw: false }).problem,
      'empty file (0 bytes): nothing to back up',
    );
  });
});

describe('checkFileLimits', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'safelight-limits-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a short fixture video passes, with its length', async () => {
    const path = fixture('IMG_0001.MOV');
    const size = fixtureBytes('IMG_0001.MOV').length;
    assert.deepEqual(await checkFileLimits(path, 'video', size, { raw: false }), {
      problem: null,
      note: null,
      durationSeconds: 0.5,
    });
  });

  test('a 21-minute, 3.5 GB sparse movie is refused for both, reading only its header', async () => {
    const path = join(dir, 'long.mov');
    const moov = box('moov', mvhd({ created: 1, timescale: 600, duration: 21 * 60 * 600 }));
    const head = Buffer.concat([ftyp(), moov]);
    const handle = await open(path, 'w');
    await handle.write(head, 0, head.length, 0);
    await handle.truncate(3.5 * GB);
    await handle.close();
    const started = performance.now();
    const long = await checkFileLimits(path, 'video', 100 * MB, { raw: false });
    assert.deepEqual(long, {
      problem: 'too long: 21 min; SmugMug accepts videos up to 20 minutes',
      note: null,
      durationSeconds: 1260,
    });
    const big = await checkFileLimits(path, 'video', 3.5 * GB, { raw: false });
    assert.equal(big.problem, 'too large: 3.8 GB; SmugMug accepts videos up to 3 GB');
    assert.ok(performance.now() - started < 2000);
  });

  test('a video whose length cannot be read passes with a note saying so', async () => {
    const path = join(dir, 'clip.avi');
    await writeFile(path, Buffer.from('RIFF\x10\x00\x00\x00AVI LIST', 'latin1'));
    const check = await checkFileLimits(path, 'video', 16, { raw: false });
    assert.equal(check.problem, null);
    assert.equal(check.durationSeconds, null);
    assert.match(check.note ?? '', /^could not read the video's length \(/);
  });

  test('photos and RAW files are not opened', async () => {
    const missing = join(dir, 'not-there.NEF');
    assert.deepEqual(await checkFileLimits(missing, 'raw', 20 * MB, { raw: false }), {
      problem: RAW_OFF_REASON,
      note: null,
      durationSeconds: null,
    });
    assert.equal((await checkFileLimits(missing, 'photo', 600 * MB, { raw: false })).durationSeconds, null);
  });

  test('a missing video is an error for the caller', async () => {
    await assert.rejects(checkFileLimits(join(dir, 'gone.mov'), 'video', 10, { raw: false }), {
      code: 'ENOENT',
    });
  });
});

describe('formatDuration', () => {
  test('hours, minutes and seconds as people read them', () => {
    assert.equal(formatDuration(45), '45 s');
    assert.equal(formatDuration(1265), '21 min 5 s');
    assert.equal(formatDuration(1200), '20 min');
    assert.equal(formatDuration(3720), '1 h 2 min');
    assert.equal(formatDuration(7200.4), '2 h');
  });
});
