// The few EXIF fields Safelight needs (capture date and zone, Apple's Live Photo identifier),
// read with exifr from JPEG, PNG, HEIC and TIFF-based RAW files, and from the EXIF that Fuji
// RAF and Canon CR3 files carry inside their own containers.
//
// exifr gets bytes we read, never a path: given a path it opens its own descriptor, and leaves
// it open when a file turns out empty or is a directory, which a scan of 100k files cannot afford.

import exifr from 'exifr';
import { BoxFormatError, type ByteSource, childBoxes, findChild, readBody } from './iso-boxes.ts';
import type { MediaFormat } from './sniff.ts';

export interface ExifFacts {
  dateTimeOriginal: string | null;
  offsetTimeOriginal: string | null;
  dateTimeDigitized: string | null;
  offsetTimeDigitized: string | null;
  /** Apple MakerNote tag 17: the content identifier a Live Photo's still shares with its video. */
  appleContentIdentifier: string | null;
}

export class ExifReadError extends Error {
  override name = 'ExifReadError';
}

const TAG_DATE_TIME_ORIGINAL = 0x9003;
const TAG_DATE_TIME_DIGITIZED = 0x9004;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;
const TAG_OFFSET_TIME_DIGITIZED = 0x9012;
const APPLE_TAG_CONTENT_IDENTIFIER = 17;

// EXIF sits in the first few kilobytes of nearly every file. When exifr finds an offset beyond
// what was read (a HEIC that stores its EXIF item after the image, a DNG with metadata at the
// end) it is given more, up to a bound that keeps one odd file from costing a whole RAW read.
const FIRST_READ = 256 * 1024;
const MAX_READ = 16 * 1024 * 1024;
const MAX_CR3_METADATA = 1024 * 1024;

// The Canon box inside a CR3's moov that holds its TIFF structures (CMT1 = IFD0, CMT2 = EXIF).
const CANON_CR3_UUID = '85c0b687820f11e08111f4ce462b6a48';

const PARSE_OPTIONS = {
  tiff: true,
  exif: true,
  gps: false,
  interop: false,
  ifd1: false,
  makerNote: true,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  // Numeric keys and raw strings: exifr would otherwise turn "2024:07:14 18:22:01" into a Date
  // in this computer's zone, losing the wall-clock time the photo was taken at.
  translateKeys: false,
  translateValues: false,
  reviveValues: false,
  mergeOutput: false,
  silentErrors: true,
} as const;

const IFD0_ONLY = { ...PARSE_OPTIONS, exif: false, makerNote: false } as const;

type Tags = Record<number, unknown>;
interface Parsed {
  ifd0?: Tags;
  exif?: Tags;
  makerNote?: Uint8Array;
  errors?: unknown[];
}

export function emptyExifFacts(): ExifFacts {
  return {
    dateTimeOriginal: null,
    offsetTimeOriginal: null,
    dateTimeDigitized: null,
    offsetTimeDigitized: null,
    appleContentIdentifier: null,
  };
}

/** EXIF facts of a file whose format sniffFormat found; throws ExifReadError when it is damaged. */
export async function readExifFacts(source: ByteSource, format: MediaFormat): Promise<ExifFacts> {
  switch (format) {
    case 'heif':
      await checkHeifLayout(source);
      return factsFrom(await parseGrowing(source, 0, source.size));
    case 'jpeg':
    case 'png':
    case 'tiff':
      return factsFrom(await parseGrowing(source, 0, source.size));
    case 'raf':
      return readRaf(source);
    case 'cr3':
      return readCr3(source);
    default:
      throw new ExifReadError(`no EXIF reader for this kind of file (${format})`);
  }
}

/**
 * exifr walks a HEIF file's top-level boxes to 'meta' trusting every size, and a box of size 0
 * (legal: "to the end of the file") sends it round the same box forever, blocking the process.
 * The box reader walks the same way first and refuses such files.
 */
async function checkHeifLayout(source: ByteSource): Promise<void> {
  try {
    for await (const box of childBoxes(source, 0, source.size)) {
      if (box.type === 'meta') return;
    }
  } catch (error) {
    if (error instanceof BoxFormatError) throw new ExifReadError(`damaged HEIF (${error.message})`);
    throw error;
  }
  throw new ExifReadError("damaged HEIF (no 'meta' box before the end of the file)");
}

async function parseGrowing(source: ByteSource, start: number, length: number): Promise<Parsed> {
  const most = Math.min(length, MAX_READ);
  let take = Math.min(length, FIRST_READ);
  for (;;) {
    const parsed = await parse(await source.read(start, take), PARSE_OPTIONS);
    if (parsed.exif?.[TAG_DATE_TIME_ORIGINAL] !== undefined || !parsed.errors?.length) return parsed;
    if (take === most) throw new ExifReadError(errorText(parsed.errors));
    take = most;
  }
}

async function parse(data: Buffer, options: object): Promise<Parsed> {
  try {
    return ((await exifr.parse(data, options)) as Parsed | undefined) ?? {};
  } catch (error) {
    throw new ExifReadError(errorText([error]));
  }
}

function errorText(errors: unknown[]): string {
  const first = errors[0];
  const text = first instanceof Error ? first.message : String(first);
  return text === 'Unknown file format'
    ? 'not a format with EXIF that can be read'
    : `damaged EXIF (${text})`;
}

async function factsFrom(parsed: Parsed): Promise<ExifFacts> {
  const exif = parsed.exif ?? {};
  return {
    dateTimeOriginal: text(exif[TAG_DATE_TIME_ORIGINAL]),
    offsetTimeOriginal: text(exif[TAG_OFFSET_TIME_ORIGINAL]),
    dateTimeDigitized: text(exif[TAG_DATE_TIME_DIGITIZED]),
    offsetTimeDigitized: text(exif[TAG_OFFSET_TIME_DIGITIZED]),
    appleContentIdentifier: await appleContentIdentifier(parsed.makerNote),
  };
}

/**
 * Tag 17 of an Apple MakerNote. The note is "Apple iOS\0", a version, a byte-order mark and a
 * TIFF-style directory whose offsets count from the start of the note. Giving its first eight
 * bytes a TIFF header that points at that directory lets exifr read it like any TIFF.
 */
export async function appleContentIdentifier(makerNote: Uint8Array | undefined): Promise<string | null> {
  if (makerNote === undefined || makerNote.length < 16) return null;
  const note = Buffer.from(makerNote);
  if (note.toString('latin1', 0, 10) !== 'Apple iOS\0') return null;
  const order = note.toString('latin1', 12, 14);
  if (order !== 'MM' && order !== 'II') return null;
  note.write(order, 0, 'latin1');
  if (order === 'MM') {
    note.writeUInt16BE(42, 2);
    note.writeUInt32BE(14, 4);
  } else {
    note.writeUInt16LE(42, 2);
    note.writeUInt32LE(14, 4);
  }
  try {
    const parsed = (await exifr.parse(note, IFD0_ONLY)) as Parsed | undefined;
    const value = text(parsed?.ifd0?.[APPLE_TAG_CONTENT_IDENTIFIER]);
    return value !== null && value.length <= 200 ? value : null;
  } catch {
    return null;
  }
}

// Fuji RAF: a fixed header whose big-endian words at 84 and 88 give the offset and length of a
// full JPEG preview, which carries the camera's EXIF.
async function readRaf(source: ByteSource): Promise<ExifFacts> {
  if (source.size < 92) throw new ExifReadError('RAF header is cut off');
  const header = await source.read(0, 92);
  const offset = header.readUInt32BE(84);
  const length = header.readUInt32BE(88);
  if (offset < 92 || length === 0 || offset + length > source.size) {
    throw new ExifReadError(`RAF header points at bytes ${offset}–${offset + length}, outside the file`);
  }
  return factsFrom(await parseGrowing(source, offset, length));
}

// Canon CR3: ISO boxes; moov holds a Canon 'uuid' box whose CMT2 child is a TIFF structure with
// the EXIF directory as its first IFD.
async function readCr3(source: ByteSource): Promise<ExifFacts> {
  try {
    const moov = await findChild(source, null, 'moov');
    if (moov === null) throw new ExifReadError("CR3 has no 'moov' box");
    for await (const box of childBoxes(source, moov.bodyStart, moov.end)) {
      if (box.type !== 'uuid' || box.uuid !== CANON_CR3_UUID) continue;
      const cmt2 = await findChild(source, box, 'CMT2');
      if (cmt2 === null) break;
      const parsed = await parse(await readBody(source, cmt2, MAX_CR3_METADATA), IFD0_ONLY);
      if (parsed.errors?.length && parsed.ifd0?.[TAG_DATE_TIME_ORIGINAL] === undefined) {
        throw new ExifReadError(errorText(parsed.errors));
      }
      return factsFrom({ exif: parsed.ifd0 ?? {} });
    }
    return emptyExifFacts();
  } catch (error) {
    if (error instanceof BoxFormatError) throw new ExifReadError(`damaged CR3 (${error.message})`);
    throw error;
  }
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: EXIF strings end in NUL padding.
  const trimmed = value.replace(/\u0000+$/u, '').trim();
  return trimmed === '' ? null : trimmed;
}
