// The settle rule on real files: nothing is handed on while it still changes, a quiet file is
// handed on one window after it was reported, a burst becomes one batch with each path once,
// and folders and vanished paths have nothing to wait for.
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Settler } from '../../src/library/settle.ts';

const WINDOW = 300;

function collect(root: string) {
  const batches: { at: number; paths: string[] }[] = [];
  const settler = new Settler({
    root,
    windowMs: WINDOW,
    onSettled: (paths) => batches.push({ at: performance.now(), paths: [...paths].sort() }),
  });
  return { settler, batches };
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Settler', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'safelight-settle-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('a quiet file settles one window after it was reported', async () => {
    await writeFile(join(root, 'quiet.jpg'), 'x');
    const { settler, batches } = collect(root);
    const reported = performance.now();
    settler.report(['quiet.jpg']);
    assert.equal(settler.waiting, 1);
    await until('a batch', () => batches.length === 1);
    const waited = (batches[0]?.at ?? 0) - reported;
    assert.ok(waited >= WINDOW - 5 && waited < WINDOW * 2, `settled after ${waited.toFixed(0)} ms`);
    assert.deepEqual(batches[0]?.paths, ['quiet.jpg']);
    assert.equal(settler.waiting, 0);
    settler.close();
  });

  test('a file that keeps growing settles only after it stops', async () => {
    const path = join(root, 'growing.mov');
    await writeFile(path, 'start');
    const { settler, batches } = collect(root);
    settler.report(['growing.mov']);
    // Written every 100 ms for 1.2 s, without telling the settler: it must notice on its own.
    const started = performance.now();
    for (let i = 0; i < 12; i++) {
      await appendFile(path, `chunk ${i}\n`);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(batches.length, 0, `settled while still being written (${i})`);
    }
    const stopped = performance.now();
    await until('a batch', () => batches.length === 1);
    assert.ok((batches[0]?.at ?? 0) >= stopped, 'not before the writes stopped');
    assert.ok((batches[0]?.at ?? 0) - started < 1200 + WINDOW * 3);
    settler.close();
  });

  test('a burst of reports becomes one batch, each path once', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `burst/${String(i).padStart(3, '0')}.jpg`);
    await mkdir(join(root, 'burst'));
    await Promise.all(names.map((n) => writeFile(join(root, n), n)));
    const { settler, batches } = collect(root);
    for (let round = 0; round < 10; round++) settler.report(names);
    assert.equal(settler.waiting, 200);
    await until('a batch', () => batches.length >= 1);
    await new Promise((r) => setTimeout(r, WINDOW));
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0]?.paths, names);
    settler.close();
  });

  test('folders and vanished paths settle without waiting for more', async () => {
    await mkdir(join(root, 'album'));
    const { settler, batches } = collect(root);
    settler.report(['album', 'never-there.jpg']);
    await until('a batch', () => batches.length === 1);
    assert.deepEqual(batches[0]?.paths, ['album', 'never-there.jpg']);
    settler.close();
  });

  test('after close nothing is handed on', async () => {
    await writeFile(join(root, 'late.jpg'), 'x');
    const { settler, batches } = collect(root);
    settler.report(['late.jpg']);
    settler.close();
    settler.report(['late.jpg']);
    await new Promise((r) => setTimeout(r, WINDOW * 2));
    assert.equal(batches.length, 0);
    assert.equal(settler.waiting, 0);
  });
});
