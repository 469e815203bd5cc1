// What a QuickTime .mov or MP4 says about itself: the Apple metadata keys (creation date with
// its zone, Live Photo content identifier), the mvhd creation time and the duration. Only the
// headers on the way to these boxes are read (see iso-boxes.ts for why this is hand-written).

import { open } from 'node:fs/promises';
import {
  type Box,
  BoxFormatError,
  type ByteSource,
  childBoxes,
  fileSource,
  findChild,
  readBody,
  readBodyStart,
} from './iso-boxes.ts';

export const KEY_CREATION_DATE = 'com.apple.quicktime.creationdate';
export const KEY_CONTENT_IDENTIFIER = 'com.apple.quicktime.content.identifier';

export interface MovieFacts {
  /**
   * Text values of the QuickTime metadata keys ('mdta' keys/ilst), those in moov/meta (where
   * iPhones write them) winning over moov/udta/meta (where ffmpeg writes them).
   */
  keys: ReadonlyMap<string, string>;
  /** mvhd creation time; null when the field is 0, which is how encoders say "not set". */
  created: Date | null;
  /** From mvhd, else mehd (fragmented files), else the longest track; null when nothing says. */
  durationSeconds: number | null;
}

// Seconds from 1904-01-01 (the QuickTime epoch) to 1970-01-01.
const QUICKTIME_EPOCH_OFFSET = 2_082_844_800;
const MAX_KEYS_BYTES = 1024 * 1024;
const MAX_ITEM_BYTES = 64 * 1024;
const UTF8 = 1;
const UTF16 = 2;

export async function readMovieFile(path: string): Promise<MovieFacts> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return await readMovieFacts(fileSource(handle, size));
  } finally {
    await handle.close();
  }
}

export async function readMovieFacts(source: ByteSource): Promise<MovieFacts> {
  const moov = await findMoov(source);
  const keys = new Map<string, string>();
  const fallbackKeys = new Map<string, string>();
  let mvhd: { created: Date | null; timescale: number; duration: number | null } | null = null;
  let fragmentDuration: number | null = null;
  let longestTrack: number | null = null;

  for await (const box of childBoxes(source, moov.bodyStart, moov.end)) {
    if (box.type === 'mvhd') {
      mvhd = parseMvhd(await readBodyStart(source, box, 32), box);
    } else if (box.type === 'meta') {
      await readKeyedItems(source, box, keys);
    } else if (box.type === 'udta') {
      const meta = await findChild(source, box, 'meta');
      if (meta !== null) await readKeyedItems(source, meta, fallbackKeys);
    } else if (box.type === 'mvex') {
      const mehd = await findChild(source, box, 'mehd');
      if (mehd !== null) fragmentDuration = parseVersionedLength(await readBodyStart(source, mehd, 12), 4, 4);
    } else if (box.type === 'trak') {
      const tkhd = await findChild(source, box, 'tkhd');
      if (tkhd === null) continue;
      const track = parseVersionedLength(await readBodyStart(source, tkhd, 36), 20, 28);
      if (track !== null && (longestTrack === null || track > longestTrack)) longestTrack = track;
    }
  }
  if (mvhd === null) throw new BoxFormatError("the movie has no 'mvhd' header");
  for (const [key, value] of fallbackKeys) if (!keys.has(key)) keys.set(key, value);

  let duration = mvhd.duration;
  if (duration === 0 || duration === null) duration = fragmentDuration || longestTrack;
  const durationSeconds = duration !== null && mvhd.timescale > 0 ? duration / mvhd.timescale : null;
  return { keys, created: mvhd.created, durationSeconds };
}

async function findMoov(source: ByteSource): Promise<Box> {
  let first = true;
  for await (const box of childBoxes(source, 0, source.size)) {
    // A Live Photo video copied straight off a phone can start with 'wide' or 'mdat' instead of
    // 'ftyp', so any printable type is accepted; binary noise means this is no movie at all.
    if (first && !/^[\x20-\x7e]{4}$/.test(box.type)) {
      throw new BoxFormatError('not a QuickTime or MP4 file (no box structure at the start)');
    }
    first = false;
    if (box.type === 'moov') return box;
  }
  throw new BoxFormatError("no 'moov' box: not a QuickTime or MP4 movie, or the file is truncated");
}

function parseMvhd(body: Buffer, box: Box) {
  const version = body.length > 0 ? body[0] : undefined;
  const needed = version === 1 ? 32 : 20;
  if (body.length < needed) {
    throw new BoxFormatError(
      `'mvhd' at offset ${box.start} is ${body.length} bytes, too short to hold its fields`,
    );
  }
  const created = version === 1 ? safeNumber(body.readBigUInt64BE(4)) : body.readUInt32BE(4);
  const timescale = body.readUInt32BE(version === 1 ? 20 : 12);
  return {
    created: quickTimeInstant(created),
    timescale,
    duration: parseVersionedLength(body, 16, 24),
  };
}

/**
 * The duration field of a full box whose version-0 layout puts it at `at0` (32-bit) and whose
 * version-1 layout at `at1` (64-bit); null when missing or all ones ("unknown").
 */
function parseVersionedLength(body: Buffer, at0: number, at1: number): number | null {
  if (body.length < 4) return null;
  if (body[0] === 1) {
    if (body.length < at1 + 8) return null;
    const value = body.readBigUInt64BE(at1);
    return value === 0xffff_ffff_ffff_ffffn ? null : safeNumber(value);
  }
  if (body.length < at0 + 4) return null;
  const value = body.readUInt32BE(at0);
  return value === 0xffff_ffff ? null : value;
}

function safeNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/**
 * mvhd counts seconds since 1904 in UTC. 0 means unset. Some encoders wrote Unix seconds
 * instead, which read as 1904-based land before 1970 (the "1946" dates other tools show); no
 * digital video is that old, so such values are read as Unix seconds.
 */
export function quickTimeInstant(seconds: number): Date | null {
  if (seconds === 0) return null;
  const unixSeconds = seconds < QUICKTIME_EPOCH_OFFSET ? seconds : seconds - QUICKTIME_EPOCH_OFFSET;
  const date = new Date(unixSeconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Adds the text items of a 'meta' box that uses QuickTime keys ('keys' + 'ilst') to `into`.
 * QuickTime writes 'meta' as a plain atom and MP4 as a full box with 4 bytes of version and
 * flags first; which one it is shows in whether a child header starts right away.
 */
async function readKeyedItems(source: ByteSource, meta: Box, into: Map<string, string>): Promise<void> {
  const peek = await readBodyStart(source, meta, 8);
  const plainAtom = peek.length === 8 && /^[a-z]{4}$/.test(peek.toString('latin1', 4, 8));
  const inner: Box = { ...meta, bodyStart: meta.bodyStart + (plainAtom ? 0 : 4) };
  if (inner.bodyStart > inner.end) throw new BoxFormatError(`'meta' at offset ${meta.start} is cut off`);

  let names: string[] | null = null;
  let ilst: Box | null = null;
  for await (const box of childBoxes(source, inner.bodyStart, inner.end)) {
    if (box.type === 'keys') names = parseKeys(await readBody(source, box, MAX_KEYS_BYTES), box);
    else if (box.type === 'ilst') ilst = box;
  }
  // Without a keys box the items are iTunes-style four-character tags, not Apple's keys.
  if (names === null || ilst === null) return;
  for await (const item of childBoxes(source, ilst.bodyStart, ilst.end)) {
    const name = names[item.code - 1];
    if (name === undefined || into.has(name)) continue;
    const value = await readTextItem(source, item);
    if (value !== null) into.set(name, value);
  }
}

function parseKeys(body: Buffer, box: Box): string[] {
  if (body.length < 8) throw new BoxFormatError(`'keys' at offset ${box.start} is too short`);
  const count = body.readUInt32BE(4);
  const names: string[] = [];
  let offset = 8;
  for (let i = 0; i < count; i++) {
    if (offset + 8 > body.length) throw new BoxFormatError(`'keys' at offset ${box.start} is cut off`);
    const size = body.readUInt32BE(offset);
    if (size < 8 || offset + size > body.length) {
      throw new BoxFormatError(`'keys' at offset ${box.start} has an entry of impossible size ${size}`);
    }
    const namespace = body.toString('latin1', offset + 4, offset + 8);
    names.push(namespace === 'mdta' ? body.toString('utf8', offset + 8, offset + size) : '');
    offset += size;
  }
  return names;
}

/** The first text value in an ilst item's 'data' boxes, or null for other types and big items. */
async function readTextItem(source: ByteSource, item: Box): Promise<string | null> {
  for await (const data of childBoxes(source, item.bodyStart, item.end)) {
    if (data.type !== 'data' || data.end - data.bodyStart > MAX_ITEM_BYTES) continue;
    const body = await readBody(source, data, MAX_ITEM_BYTES);
    if (body.length < 8 || body[0] !== 0) continue;
    const kind = body.readUIntBE(1, 3);
    if (kind === UTF8) return body.toString('utf8', 8);
    if (kind === UTF16) {
      const even = body.subarray(8, body.length - ((body.length - 8) % 2));
      return Buffer.from(even).swap16().toString('utf16le');
    }
  }
  return null;
}
