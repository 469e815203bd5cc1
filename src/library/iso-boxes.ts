// A reader for the box ("atom") structure shared by QuickTime .mov, MP4 and Canon CR3 files.
// Hand-written because exifr reads EXIF and XMP only, never QuickTime movie metadata (the
// Keys/ilst items Apple writes, mvhd times and durations), and the alternatives parse whole
// files. This reader walks box headers with small positioned reads, reads the bodies of the
// few boxes it is asked for, and so never pulls a multi-gigabyte mdat into memory.

import type { FileHandle } from 'node:fs/promises';

/** Bytes at fixed positions of a file or a buffer. */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes from `position`; throws BoxFormatError when the source ends first. */
  read(position: number, length: number): Promise<Buffer>;
}

export class BoxFormatError extends Error {
  override name = 'BoxFormatError';
}

export interface Box {
  /** The four-character type, read as Latin-1 ('moov', '©day'); ilst items use `code`. */
  type: string;
  /** The type as a big-endian number: an ilst item's index into its keys box. */
  code: number;
  /** Offset of the box header. */
  start: number;
  /** Offset of the first byte after the header (after the 16-byte extended type of a 'uuid' box). */
  bodyStart: number;
  /** Offset just past the box. */
  end: number;
  /** Extended type of a 'uuid' box, 32 lower-case hex digits. */
  uuid?: string;
}

/** More boxes than this side by side means a damaged file, not a real one. */
const MAX_SIBLINGS = 100_000;

export function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: async (position, length) => {
      if (position < 0 || length < 0 || position + length > buffer.length) {
        throw new BoxFormatError(
          `needs ${length} bytes at offset ${position}, but the data ends at ${buffer.length}`,
        );
      }
      return buffer.subarray(position, position + length);
    },
  };
}

export function fileSource(handle: FileHandle, size: number): ByteSource {
  return {
    size,
    read: async (position, length) => {
      if (position < 0 || length < 0 || position + length > size) {
        throw new BoxFormatError(`needs ${length} bytes at offset ${position}, but the file ends at ${size}`);
      }
      const buffer = Buffer.alloc(length);
      let filled = 0;
      // A positioned read may return fewer bytes than asked (and 0 when the file shrank since
      // its size was taken); each pass either makes progress or stops.
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
        if (bytesRead === 0) {
          throw new BoxFormatError(`the file ended at ${position + filled} while reading (it shrank?)`);
        }
        filled += bytesRead;
      }
      return buffer;
    },
  };
}

/**
 * The boxes side by side in [start, end), in file order. A size of 0 means "up to `end`", a
 * size of 1 means a 64-bit size follows the type. Fewer than 8 bytes left over at the end is
 * the zero terminator QuickTime allows after a list of atoms, not an error.
 */
export async function* childBoxes(source: ByteSource, start: number, end: number): AsyncGenerator<Box> {
  let offset = start;
  for (let count = 0; end - offset >= 8; count++) {
    if (count === MAX_SIBLINGS) {
      throw new BoxFormatError(`more than ${MAX_SIBLINGS} boxes side by side at offset ${start}`);
    }
    const box = await readBoxHeader(source, offset, end);
    yield box;
    offset = box.end;
  }
}

async function readBoxHeader(source: ByteSource, offset: number, end: number): Promise<Box> {
  const head = await source.read(offset, Math.min(16, end - offset));
  const size32 = head.readUInt32BE(0);
  const type = head.toString('latin1', 4, 8);
  const code = head.readUInt32BE(4);
  let headerSize = 8;
  let size: number;
  if (size32 === 1) {
    if (head.length < 16)
      throw new BoxFormatError(`box '${type}' at offset ${offset} has a cut-off 64-bit size`);
    const size64 = head.readBigUInt64BE(8);
    if (size64 > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new BoxFormatError(
        `box '${type}' at offset ${offset} claims an impossible size of ${size64} bytes`,
      );
    }
    size = Number(size64);
    headerSize = 16;
  } else if (size32 === 0) {
    size = end - offset;
  } else {
    size = size32;
  }
  let uuid: string | undefined;
  if (type === 'uuid') {
    if (size < headerSize + 16) throw new BoxFormatError(`'uuid' box at offset ${offset} is too small`);
    uuid = (await source.read(offset + headerSize, 16)).toString('hex');
    headerSize += 16;
  }
  if (size < headerSize) {
    throw new BoxFormatError(`box '${type}' at offset ${offset} claims an impossible size of ${size} bytes`);
  }
  if (offset + size > end) {
    throw new BoxFormatError(
      `box '${type}' at offset ${offset} needs ${size} bytes but its container ends at ${end} ` +
        '(the file is truncated or damaged)',
    );
  }
  const box: Box = { type, code, start: offset, bodyStart: offset + headerSize, end: offset + size };
  if (uuid !== undefined) box.uuid = uuid;
  return box;
}

/** The first child of `parent` (or of the whole source when null) with this type, or null. */
export async function findChild(source: ByteSource, parent: Box | null, type: string): Promise<Box | null> {
  const [start, end] = parent === null ? [0, source.size] : [parent.bodyStart, parent.end];
  for await (const box of childBoxes(source, start, end)) {
    if (box.type === type) return box;
  }
  return null;
}

/** The body of `box`, refusing bodies over `maxBytes` so a damaged size cannot exhaust memory. */
export async function readBody(source: ByteSource, box: Box, maxBytes: number): Promise<Buffer> {
  const length = box.end - box.bodyStart;
  if (length > maxBytes) {
    throw new BoxFormatError(
      `box '${box.type}' at offset ${box.start} holds ${length} bytes, more than the ${maxBytes} expected`,
    );
  }
  return source.read(box.bodyStart, length);
}

/** The first `length` bytes of the body of `box` (all of it when shorter). */
export async function readBodyStart(source: ByteSource, box: Box, length: number): Promise<Buffer> {
  return source.read(box.bodyStart, Math.min(length, box.end - box.bodyStart));
}
