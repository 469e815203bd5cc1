// Settings and rates as a person writes them: clear errors for anything else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, parseRate, parseSettings } from '../../src/config/settings.ts';
import { ProgressTracker } from '../../src/sync/progress.ts';

test('rates', () => {
  assert.equal(parseRate('5MB'), 5_000_000);
  assert.equal(parseRate('500 KB'), 500_000);
  assert.equal(parseRate('1.5M'), 1_500_000);
  assert.equal(parseRate('2mb/s'), 2_000_000);
  assert.equal(parseRate('0'), 0);
  assert.throws(() => parseRate('fast'), /"fast" is not a rate; write it like 5MB/);
  assert.throws(() => parseRate('5 TB'), /not a rate/);
});

test('settings: defaults, partial files, and errors that name the field', () => {
  assert.deepEqual(parseSettings('s.json', undefined), DEFAULT_SETTINGS);
  assert.deepEqual(parseSettings('s.json', { parallelUploads: 5 }), {
    ...DEFAULT_SETTINGS,
    parallelUploads: 5,
  });
  assert.throws(
    () => parseSettings('s.json', { parallelUploads: 0 }),
    /s\.json: "parallelUploads" must be a whole number from 1 to 16/,
  );
  assert.throws(() => parseSettings('s.json', { retry: { retries: 'x' } }), /"retry\.retries"/);
  assert.throws(() => parseSettings('s.json', [1]), /s\.json: expected a JSON object/);
});

test('progress: rate over the recent window and time left', () => {
  let now = 0;
  const p = new ProgressTracker(() => now);
  p.add(2, 10_000_000);
  p.sending('a.jpg', 0);
  now = 1000;
  p.sending('a.jpg', 2_000_000);
  now = 2000;
  p.sending('a.jpg', 4_000_000);
  const s = p.snapshot();
  assert.equal(s.bytesDone, 4_000_000);
  assert.equal(s.rate, 2_000_000);
  assert.equal(s.etaSeconds, 3);
  assert.deepEqual(s.current, ['a.jpg']);
  p.finish('a.jpg', 5_000_000);
  assert.equal(p.snapshot().filesDone, 1);
  assert.deepEqual(p.snapshot().current, []);
});
