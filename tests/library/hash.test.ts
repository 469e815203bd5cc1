// Streaming MD5 against node:crypto over whole files, prefixes, chunk boundaries and failures.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileChangedError, md5File } from '../../src/library/hash.ts';

const MiB = 1024 * 1024;
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

describe('md5File', () => {
  let dir: string;
  let medium: Buffer;
  const path = (name: string) => join(dir, name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'safelight-hash-'));
    // Several read chunks and a ragged end.
    medium = randomBytes(3 * MiB + 12_345);
    await writeFile(path('medium.bin'), medium);
    await writeFile(path('small.jpg'), 'tiny');
    await writeFile(path('empty.jpg'), '');
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('matches node:crypto for empty, small and multi-chunk files', async () => {
    assert.equal(await md5File(path('empty.jpg')), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(await md5File(path('small.jpg')), md5(Buffer.from('tiny')));
    assert.equal(await md5File(path('medium.bin')), md5(medium));
  });

  test('hashes only the first `size` bytes, across and at chunk boundaries', async () => {
    for (const size of [0, 1, MiB - 1, MiB, MiB + 1, 2 * MiB + 7, medium.length]) {
      assert.equal(
        await md5File(path('medium.bin'), { size }),
        md5(medium.subarray(0, size)),
        `size ${size}`,
      );
    }
    assert.equal(await md5File(path('empty.jpg'), { size: 0 }), md5(Buffer.alloc(0)));
  });

  test('a file shorter than `size` changed while being read', async () => {
    const error = await md5File(path('small.jpg'), { size: 10 }).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof FileChangedError);
    assert.equal(error.expected, 10);
    assert.equal(error.actual, 4);
    assert.match(error.message, /small\.jpg" changed while it was being read: expected 10 bytes, found 4/);
  });

  test('a missing file rejects with ENOENT, even for size 0', async () => {
    await assert.rejects(md5File(path('nope.jpg')), { code: 'ENOENT' });
    await assert.rejects(md5File(path('nope.jpg'), { size: 0 }), { code: 'ENOENT' });
  });

  test('invalid sizes are refused', async () => {
    await assert.rejects(md5File(path('small.jpg'), { size: -1 }), RangeError);
    await assert.rejects(md5File(path('small.jpg'), { size: 1.5 }), RangeError);
  });

  test('aborting rejects with the signal reason, before or during the read', async () => {
    const reason = new Error('cancelled');
    await assert.rejects(md5File(path('medium.bin'), { signal: AbortSignal.abort(reason) }), reason);
    const controller = new AbortController();
    const running = md5File(path('medium.bin'), { signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(running, reason);
  });
});
