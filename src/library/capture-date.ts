// When a photo or video was taken, for galleries by year and month (date mode) and for pairing
// Live Photos: EXIF DateTimeOriginal with OffsetTimeOriginal for stills and RAW files, Apple's
// com.apple.quicktime.creationdate and then the mvhd creation time for movies, and the file's
// modification time when the file says nothing usable, with the reason kept for the person.

import { open } from 'node:fs/promises';
import { type ExifFacts, ExifReadError, readExifFacts } from './exif.ts';
import { BoxFormatError, type ByteSource, fileSource } from './iso-boxes.ts';
import { KEY_CREATION_DATE, type MovieFacts, readMovieFacts } from './quicktime.ts';
import { type MediaFormat, SNIFF_BYTES, sniffFormat } from './sniff.ts';
import {
  instantOf,
  localTimeZone,
  parseExifDateTime,
  parseIsoDateTime,
  parseOffset,
  type WallClock,
  wallClockIn,
} from './wall-clock.ts';

export type CaptureSource = 'exif' | 'quicktime-keys' | 'quicktime-mvhd' | 'mtime';

export interface CaptureDate {
  /**
   * The clock where it was taken. For 'quicktime-mvhd' and 'mtime', which record only an
   * instant, it is the clock in the chosen time zone (this computer's by default).
   */
  date: WallClock;
  /** The instant; null when the file gives a clock time and no zone (EXIF without an offset). */
  utc: Date | null;
  /** Minutes east of UTC where it was taken; null when the file does not say. */
  offsetMinutes: number | null;
  source: CaptureSource;
  /** Why the file's own date was not used or was passed over (damaged, missing, invalid); else null. */
  fallbackReason: string | null;
}

export interface CaptureDateOptions {
  /** IANA zone for instants that carry none (mvhd, mtime); default this computer's zone. */
  timeZone?: string;
}

/** Not a capture date: why the file's content could not give one. */
export type NoCaptureDate = { reason: string };

export async function readCaptureDate(path: string, options: CaptureDateOptions = {}): Promise<CaptureDate> {
  const timeZone = options.timeZone ?? localTimeZone();
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error(`Cannot read a capture date from "${path}": it is not a file`);
    const source = fileSource(handle, stat.size);
    const format = sniffFormat(await source.read(0, Math.min(SNIFF_BYTES, stat.size)));
    const found = await fromContent(source, format, timeZone);
    return 'date' in found ? found : captureFromMtime(stat.mtime, timeZone, found.reason);
  } finally {
    await handle.close();
  }
}

async function fromContent(
  source: ByteSource,
  format: MediaFormat,
  timeZone: string,
): Promise<CaptureDate | NoCaptureDate> {
  if (source.size === 0) return { reason: 'the file is empty' };
  try {
    switch (format) {
      case 'movie':
        return captureFromMovie(await readMovieFacts(source), timeZone);
      case 'unknown':
        return { reason: 'not a photo, RAW or video format that records when it was taken' };
      default:
        return captureFromExif(await readExifFacts(source, format));
    }
  } catch (error) {
    // Damage inside the file is a reason to fall back; a failing disk is not, and goes up.
    if (error instanceof BoxFormatError) {
      return {
        reason: `could not read the ${format === 'movie' ? 'QuickTime header' : 'file'}: ${error.message}`,
      };
    }
    if (error instanceof ExifReadError) return { reason: `could not read its EXIF: ${error.message}` };
    throw error;
  }
}

/** DateTimeOriginal (+ OffsetTimeOriginal), else DateTimeDigitized (+ OffsetTimeDigitized). */
export function captureFromExif(facts: ExifFacts): CaptureDate | NoCaptureDate {
  const notes: string[] = [];
  const candidates = [
    ['DateTimeOriginal', facts.dateTimeOriginal, facts.offsetTimeOriginal],
    ['DateTimeDigitized', facts.dateTimeDigitized, facts.offsetTimeDigitized],
  ] as const;
  for (const [name, value, offsetText] of candidates) {
    if (value === null) continue;
    const date = parseExifDateTime(value);
    if (date === null) {
      notes.push(`EXIF ${name} "${value}" is not a valid date`);
      continue;
    }
    const offsetMinutes = parseOffset(offsetText);
    return {
      date,
      utc: offsetMinutes === null ? null : instantOf(date, offsetMinutes),
      offsetMinutes,
      source: 'exif',
      fallbackReason: notes.length > 0 ? notes.join('; ') : null,
    };
  }
  return { reason: notes.length > 0 ? notes.join('; ') : 'its EXIF has no DateTimeOriginal' };
}

/** Apple's creation date (with the zone it was taken in), else the mvhd creation instant. */
export function captureFromMovie(facts: MovieFacts, timeZone: string): CaptureDate | NoCaptureDate {
  let note: string | null = null;
  const text = facts.keys.get(KEY_CREATION_DATE);
  if (text !== undefined) {
    const parsed = parseIsoDateTime(text);
    if (parsed !== null) {
      const { date, offsetMinutes } = parsed;
      return {
        date,
        utc: offsetMinutes === null ? null : instantOf(date, offsetMinutes),
        offsetMinutes,
        source: 'quicktime-keys',
        fallbackReason: null,
      };
    }
    note = `QuickTime ${KEY_CREATION_DATE} "${text}" is not a valid date`;
  }
  // mvhd is UTC by the specification; some cameras write their local time there instead, which
  // no field in the file reveals.
  if (facts.created !== null) {
    return {
      date: wallClockIn(facts.created, timeZone),
      utc: facts.created,
      offsetMinutes: null,
      source: 'quicktime-mvhd',
      fallbackReason: note,
    };
  }
  const missing = 'the QuickTime header has no creation time';
  return { reason: note === null ? missing : `${note}; ${missing}` };
}

export function captureFromMtime(mtime: Date, timeZone: string, reason: string): CaptureDate {
  return {
    date: wallClockIn(mtime, timeZone),
    utc: mtime,
    offsetMinutes: null,
    source: 'mtime',
    fallbackReason: `${reason}; using the file's modification time`,
  };
}
