// The box reader over bytes: 32-bit, 64-bit and size-0 boxes, uuid boxes, QuickTime's zero
// terminator, and every way a damaged size shows up as a BoxFormatError with its offset.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Box,
  BoxFormatError,
  bufferSource,
  childBoxes,
  findChild,
  readBody,
  readBodyStart,
} from '../../src/library/iso-boxes.ts';
import { box, box64, boxToEnd } from './boxes.ts';

async function list(data: Buffer, start = 0, end = data.length): Promise<Box[]> {
  const boxes: Box[] = [];
  for await (const b of childBoxes(bufferSource(data), start, end)) boxes.push(b);
  return boxes;
}

const summary = (boxes: Box[]) => boxes.map((b) => [b.type, b.start, b.bodyStart, b.end]);

describe('childBoxes', () => {
  test('32-bit boxes side by side, with their header and body offsets', async () => {
    const data = Buffer.concat([box('ftyp', Buffer.alloc(12)), box('free'), box('mdat', Buffer.alloc(5))]);
    assert.deepEqual(summary(await list(data)), [
      ['ftyp', 0, 8, 20],
      ['free', 20, 28, 28],
      ['mdat', 28, 36, 41],
    ]);
  });

  test('a 64-bit size (size field 1) is read from the 8 bytes after the type', async () => {
    const data = Buffer.concat([box64('mdat', Buffer.alloc(100)), box('moov', Buffer.alloc(4))]);
    assert.deepEqual(summary(await list(data)), [
      ['mdat', 0, 16, 116],
      ['moov', 116, 124, 128],
    ]);
  });

  test('a 64-bit size beyond 4 GiB skips the box without reading it', async () => {
    // A header that says "8 GiB of mdat" over a source that is that big only in its size.
    const head = Buffer.alloc(16);
    head.writeUInt32BE(1);
    head.write('mdat', 4, 'latin1');
    head.writeBigUInt64BE(8n * 1024n ** 3n, 8);
    const size = 8 * 1024 ** 3 + 16;
    const reads: [number, number][] = [];
    const source = {
      size,
      read: async (position: number, length: number) => {
        reads.push([position, length]);
        return (position === 0 ? head : box('moov', Buffer.alloc(8))).subarray(0, length);
      },
    };
    const found = await findChild(source, null, 'moov');
    assert.deepEqual(found && [found.start, found.end], [8 * 1024 ** 3, size]);
    assert.ok(
      reads.every(([, length]) => length <= 16),
      'only headers were read',
    );
  });

  test('size 0 means the box runs to the end of its container', async () => {
    const data = Buffer.concat([box('ftyp', Buffer.alloc(4)), boxToEnd('mdat', Buffer.alloc(50))]);
    assert.deepEqual(summary(await list(data)), [
      ['ftyp', 0, 8, 12],
      ['mdat', 12, 20, 70],
    ]);
    const inner = box('moov', box('udta', Buffer.alloc(3)), boxToEnd('meta', Buffer.alloc(6)));
    assert.deepEqual(summary(await list(inner, 8)), [
      ['udta', 8, 16, 19],
      ['meta', 19, 27, 33],
    ]);
  });

  test('a uuid box exposes its extended type and starts its body after it', async () => {
    const id = Buffer.from('85c0b687820f11e08111f4ce462b6a48', 'hex');
    const [uuid] = await list(box('uuid', id, box('CMT1', Buffer.alloc(2))));
    assert.equal(uuid?.uuid, '85c0b687820f11e08111f4ce462b6a48');
    assert.equal(uuid?.bodyStart, 24);
    assert.equal(uuid?.end, 34);
  });

  test('fewer than 8 bytes after the last box (a QuickTime zero terminator) end the list', async () => {
    const data = Buffer.concat([box('udta'), Buffer.alloc(4)]);
    assert.deepEqual(summary(await list(data)), [['udta', 0, 8, 8]]);
  });

  test('ilst items keep their numeric type as code', async () => {
    const item = Buffer.alloc(8);
    item.writeUInt32BE(8);
    item.writeUInt32BE(3, 4);
    const [b] = await list(item);
    assert.equal(b?.code, 3);
  });

  test('damaged sizes are BoxFormatErrors that say where', async () => {
    const tooSmall = Buffer.alloc(8);
    tooSmall.writeUInt32BE(4);
    tooSmall.write('moov', 4, 'latin1');
    await assert.rejects(list(tooSmall), {
      name: 'BoxFormatError',
      message: /'moov' at offset 0 .*impossible size of 4/,
    });

    const pastEnd = box('mdat', Buffer.alloc(10)).subarray(0, 12);
    await assert.rejects(list(pastEnd), {
      name: 'BoxFormatError',
      message: /'mdat' at offset 0 needs 18 bytes but its container ends at 12 \(the file is truncated/,
    });

    const cutLarge = box64('mdat').subarray(0, 12);
    await assert.rejects(list(cutLarge), { message: /cut-off 64-bit size/ });

    const small64 = box64('mdat');
    small64.writeBigUInt64BE(8n, 8);
    await assert.rejects(list(small64), { message: /impossible size of 8/ });

    const huge64 = box64('mdat');
    huge64.writeBigUInt64BE(2n ** 60n, 8);
    await assert.rejects(list(huge64), { message: /impossible size of 1152921504606846976/ });

    const shortUuid = box('uuid', Buffer.alloc(8));
    await assert.rejects(list(shortUuid), { message: /'uuid' box at offset 0 is too small/ });

    const childPastParent = box('moov', box('trak', Buffer.alloc(4)));
    childPastParent.writeUInt32BE(40, 8);
    await assert.rejects(list(childPastParent, 8), {
      message: /'trak' at offset 8 needs 40 bytes but its container ends at 20/,
    });
  });

  test('a run of more than 100,000 empty boxes is refused, not walked forever', async () => {
    const data = Buffer.alloc(8 * 100_001);
    for (let at = 0; at < data.length; at += 8) {
      data.writeUInt32BE(8, at);
      data.write('free', at + 4, 'latin1');
    }
    await assert.rejects(list(data), { message: /more than 100000 boxes side by side/ });
  });
});

describe('bodies', () => {
  const data = box('moov', box('mvhd', Buffer.from('0123456789')), box('meta', Buffer.from('abc')));

  test('findChild finds the first child of a type, or null', async () => {
    const source = bufferSource(data);
    const moov = await findChild(source, null, 'moov');
    assert.ok(moov);
    const meta = await findChild(source, moov, 'meta');
    assert.equal(meta?.start, 26);
    assert.equal(await findChild(source, moov, 'trak'), null);
  });

  test('readBody refuses bodies over its limit; readBodyStart reads a prefix', async () => {
    const source = bufferSource(data);
    const moov = await findChild(source, null, 'moov');
    assert.ok(moov);
    const mvhd = await findChild(source, moov, 'mvhd');
    assert.ok(mvhd);
    assert.equal((await readBody(source, mvhd, 10)).toString(), '0123456789');
    await assert.rejects(readBody(source, mvhd, 9), {
      name: 'BoxFormatError',
      message: /'mvhd' at offset 8 holds 10 bytes, more than the 9 expected/,
    });
    assert.equal((await readBodyStart(source, mvhd, 4)).toString(), '0123');
    assert.equal((await readBodyStart(source, mvhd, 400)).toString(), '0123456789');
  });

  test('a buffer source refuses reads past its end', async () => {
    await assert.rejects(bufferSource(Buffer.alloc(4)).read(2, 4), BoxFormatError);
  });
});
