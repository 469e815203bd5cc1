// Builds ISO/QuickTime box structures byte by byte for the cases no tool writes on purpose:
// 64-bit sizes on small boxes, version-1 headers, damaged sizes, keys in unusual places.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '../fixtures/media');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(fixture(name));
}

export function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** A box whose size is written in the 64-bit field (size 1) although it would fit in 32 bits. */
export function box64(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(16);
  head.writeUInt32BE(1);
  head.write(type, 4, 'latin1');
  head.writeBigUInt64BE(BigInt(16 + body.length), 8);
  return Buffer.concat([head, body]);
}

/** A box with size 0: it runs to the end of whatever contains it. */
export function boxToEnd(type: string, ...parts: Buffer[]): Buffer {
  const head = Buffer.alloc(8);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, ...parts]);
}

export function ftyp(brand = 'qt  '): Buffer {
  return box('ftyp', Buffer.from(`${brand}\0\0\0\0${brand}`, 'latin1'));
}

const QT_EPOCH = 2_082_844_800;

/** Seconds since 1904 for an ISO instant, as mvhd stores it. */
export function qtSeconds(iso: string): number {
  return Date.parse(iso) / 1000 + QT_EPOCH;
}

export function mvhd(options: {
  version?: 0 | 1;
  created?: number;
  timescale?: number;
  duration?: number;
}): Buffer {
  const { version = 0, created = 0, timescale = 1000, duration = 0 } = options;
  if (version === 1) {
    const body = Buffer.alloc(112);
    body[0] = 1;
    body.writeBigUInt64BE(BigInt(created), 4);
    body.writeBigUInt64BE(BigInt(created), 12);
    body.writeUInt32BE(timescale, 20);
    body.writeBigUInt64BE(BigInt(duration), 24);
    return box('mvhd', body);
  }
  const body = Buffer.alloc(100);
  body.writeUInt32BE(created, 4);
  body.writeUInt32BE(created, 8);
  body.writeUInt32BE(timescale, 12);
  body.writeUInt32BE(duration, 16);
  return box('mvhd', body);
}

export function tkhd(duration: number, version: 0 | 1 = 0): Buffer {
  if (version === 1) {
    const body = Buffer.alloc(96);
    body[0] = 1;
    body.writeBigUInt64BE(BigInt(duration), 28);
    return box('tkhd', body);
  }
  const body = Buffer.alloc(84);
  body.writeUInt32BE(duration, 20);
  return box('tkhd', body);
}

export function mehd(duration: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(duration, 4);
  return box('mehd', body);
}

/** keys + ilst for the given text items, UTF-8 unless the value is { utf16: text }. */
export function keyedItems(items: [string, string | { utf16: string } | { int: number }][]): Buffer[] {
  const entries = items.map(([name]) => {
    const value = Buffer.from(name, 'utf8');
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + value.length);
    head.write('mdta', 4, 'latin1');
    return Buffer.concat([head, value]);
  });
  const keysHead = Buffer.alloc(8);
  keysHead.writeUInt32BE(items.length, 4);
  const keys = box('keys', keysHead, ...entries);
  const ilstItems = items.map(([, value], index) => {
    const head = Buffer.alloc(8);
    let payload: Buffer;
    if (typeof value === 'string') {
      head.writeUInt32BE(1);
      payload = Buffer.from(value, 'utf8');
    } else if ('utf16' in value) {
      head.writeUInt32BE(2);
      payload = Buffer.from(value.utf16, 'utf16le').swap16();
    } else {
      head.writeUInt32BE(21);
      payload = Buffer.alloc(4);
      payload.writeInt32BE(value.int);
    }
    const item = box('data', head, payload);
    const itemHead = Buffer.alloc(8);
    itemHead.writeUInt32BE(8 + item.length);
    itemHead.writeUInt32BE(index + 1, 4);
    return Buffer.concat([itemHead, item]);
  });
  return [keys, box('ilst', ...ilstItems)];
}

export function hdlr(handler: string): Buffer {
  const body = Buffer.alloc(25);
  body.write(handler, 8, 'latin1');
  return box('hdlr', body);
}

/** A 'meta' box as QuickTime writes it (no version and flags) or as MP4 does (a full box). */
export function meta(style: 'quicktime' | 'mp4', ...children: Buffer[]): Buffer {
  return style === 'quicktime' ? box('meta', ...children) : box('meta', Buffer.alloc(4), ...children);
}
