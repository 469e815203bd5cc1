// The shared bandwidth limit: measured rate, changing it while running, abort, unlimited, FIFO order,
// and grant, which paces request bodies with it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { grant, TokenBucket } from '../../src/sync/token-bucket.ts';

const KiB = 1024;

const PROBE_MS = 10;

/**
 * Measures wall time and, beside it, the time this process could actually run. A bucket holds at
 * most one burst, so when the OS does not run the process for longer than that (a loaded CI
 * machine), the rest of that stall is bandwidth nobody may make up later. Rates are checked
 * against wall time from above and against running time from below.
 */
function stopwatch(limit: number) {
  const burstMs = (Math.max(64 * KiB, limit * 0.05) / limit) * 1000;
  const start = performance.now();
  let last = start;
  let stalled = 0;
  const tick = () => {
    const now = performance.now();
    stalled += Math.max(0, now - last - PROBE_MS - burstMs);
    last = now;
  };
  const probe = setInterval(tick, PROBE_MS);
  return () => {
    tick();
    clearInterval(probe);
    const wall = (last - start) / 1000;
    return { wall, running: wall - stalled / 1000 };
  };
}

/** Takes `piece`-byte chunks until `ms` have passed. */
async function pump(bucket: TokenBucket, piece: number, ms: number, limit: number) {
  const stop = stopwatch(limit);
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < 10_000 && performance.now() - start < ms; i++) {
    await bucket.take(piece);
    bytes += piece;
  }
  return { bytes, ...stop() };
}

/**
 * Never more than limit × time plus one burst (the larger of 64 KiB and 50 ms worth), +`tolerance`
 * for timer granularity; never less than limit × running time, −`tolerance`.
 */
function assertRate(
  measured: { bytes: number; wall: number; running: number },
  limit: number,
  what: string,
  tolerance = 0.1,
): void {
  const { bytes, wall, running } = measured;
  const burst = Math.max(64 * KiB, limit * 0.05);
  const message = `${what}: ${bytes} bytes in ${wall.toFixed(3)} s (${running.toFixed(3)} s running) at ${limit} B/s`;
  assert.ok(bytes <= limit * wall * (1 + tolerance) + burst, message);
  assert.ok(bytes >= limit * running * (1 - tolerance), message);
}

/** Resolves to 'done' if the promise settles before any timer could have fired. */
function settlesAtOnce(promise: Promise<unknown>): Promise<string> {
  return Promise.race([
    promise.then(() => 'done'),
    new Promise<string>((r) => setImmediate(() => r('waited'))),
  ]);
}

describe('TokenBucket', () => {
  test('a body paced by grant goes at the limit (2 MB/s for 1.5 s, ±5%) in ≤ 64 KiB pieces', async () => {
    const bucket = new TokenBucket(2_000_000);
    const size = 3_000_000;
    const pieces: number[] = [];
    const stop = stopwatch(2_000_000);
    // As the client reads a body: asks for up to 1 MiB, sends what it is granted.
    for (let sent = 0; sent < size && pieces.length < 1000; ) {
      const n = await grant(bucket, Math.min(1024 * KiB, size - sent));
      pieces.push(n);
      sent += n;
    }
    const { wall, running } = stop();
    const message = `${size} bytes in ${wall.toFixed(3)} s (${running.toFixed(3)} s running)`;
    // The bucket starts empty, so no burst allowance: the whole body goes at the limit.
    assert.ok(size / wall <= 2_000_000 * 1.05, message);
    assert.ok(size / running >= 2_000_000 * 0.95, message);
    assert.equal(
      pieces.reduce((a, b) => a + b, 0),
      size,
    );
    assert.ok(pieces.every((n) => n > 0 && n <= 64 * KiB));
  });

  test('without a limit grant lets the whole request through at once', async () => {
    const bucket = new TokenBucket(0);
    assert.equal(await settlesAtOnce(grant(bucket, 1024 * KiB)), 'done');
    assert.equal(await grant(bucket, 1024 * KiB), 1024 * KiB);
    bucket.setRate(1_000_000);
    assert.equal(await grant(bucket, 1024 * KiB), 64 * KiB, 'a limit set mid-file applies to the next piece');
  });

  test('setRate changes the rate of a running transfer and releases a waiter early', async () => {
    const bucket = new TokenBucket(4_000_000);
    const fast = await pump(bucket, 16 * KiB, 400, 4_000_000);
    bucket.setRate(1_000_000);
    assert.equal(bucket.rate, 1_000_000);
    const slow = await pump(bucket, 16 * KiB, 400, 1_000_000);
    assertRate(fast, 4_000_000, 'before');
    assertRate(slow, 1_000_000, 'after');

    // At 1 KB/s this would take a minute; raising the limit lets it through at once.
    bucket.setRate(1000);
    const start = performance.now();
    const waiting = bucket.take(64 * KiB);
    await sleep(30);
    bucket.setRate(50_000_000);
    await waiting;
    assert.ok(performance.now() - start < 500);
  });

  test('aborting a waiter rejects with the reason and lets the next one go', async () => {
    const bucket = new TokenBucket(100_000);
    const reason = new Error('upload cancelled');
    await assert.rejects(bucket.take(10, AbortSignal.abort(reason)), reason);

    const controller = new AbortController();
    const big = bucket.take(64 * KiB, controller.signal);
    const small = bucket.take(1000);
    let smallDone = false;
    void small.then(() => {
      smallDone = true;
    });
    await sleep(5);
    assert.equal(smallDone, false, 'FIFO: the small take waits behind the big one');
    controller.abort(reason);
    await assert.rejects(big, reason);
    const start = performance.now();
    await small;
    // 1000 bytes at 100 KB/s is 10 ms, not the 650 ms the aborted take needed.
    assert.ok(performance.now() - start < 200);
  });

  test('unlimited (0 or Infinity) never waits, and switching to unlimited releases every waiter', async () => {
    for (const rate of [0, Number.POSITIVE_INFINITY]) {
      const bucket = new TokenBucket(rate);
      assert.equal(await settlesAtOnce(bucket.take(10 ** 12)), 'done');
    }
    const bucket = new TokenBucket(1000);
    const waiters = [bucket.take(64 * KiB), bucket.take(64 * KiB), bucket.take(5)];
    bucket.setRate(0);
    assert.equal(await settlesAtOnce(Promise.all(waiters)), 'done');
    assert.equal(await settlesAtOnce(bucket.take(10 ** 9)), 'done');
  });

  test('waiters are served in the order they asked, and concurrent takers share the rate evenly', async () => {
    const bucket = new TokenBucket(1_000_000);
    const order: string[] = [];
    await Promise.all([
      bucket.take(64 * KiB).then(() => order.push('A 64 KiB')),
      bucket.take(1).then(() => order.push('B 1 byte')),
      bucket.take(32 * KiB).then(() => order.push('C 32 KiB')),
      bucket.take(1).then(() => order.push('D 1 byte')),
    ]);
    assert.deepEqual(order, ['A 64 KiB', 'B 1 byte', 'C 32 KiB', 'D 1 byte']);

    const [one, two] = await Promise.all([
      pump(bucket, 32 * KiB, 400, 1_000_000),
      pump(bucket, 32 * KiB, 400, 1_000_000),
    ]);
    assert.ok(Math.abs(one.bytes - two.bytes) <= 32 * KiB, `${one.bytes} vs ${two.bytes}`);
    assertRate({ ...one, bytes: one.bytes + two.bytes }, 1_000_000, 'together');
  });

  test('invalid rates and byte counts are refused', async () => {
    assert.throws(() => new TokenBucket(-1), RangeError);
    assert.throws(() => new TokenBucket(Number.NaN), RangeError);
    assert.throws(() => new TokenBucket(1000).setRate(-5), RangeError);
    await assert.rejects(new TokenBucket(1000).take(-1), RangeError);
  });

  test('grant rejects with the signal reason when aborted mid-body', async () => {
    const bucket = new TokenBucket(1_000_000);
    const controller = new AbortController();
    const reason = new Error('stop uploading');
    setTimeout(() => controller.abort(reason), 150);
    let sent = 0;
    await assert.rejects(async () => {
      for (let i = 0; i < 100; i++) sent += await grant(bucket, 1_000_000 - sent, controller.signal);
    }, reason);
    assert.ok(sent > 0 && sent < 500_000, `sent ${sent}`);
  });
});
