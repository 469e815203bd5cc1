// What the real uploader accepts and how it transforms files on arrival (API-NOTES §2.5, §2.7).
import { createHash } from 'node:crypto';
import { extname } from 'node:path';

export type MediaKind = 'photo' | 'video' | 'heic' | 'raw' | 'rejected-type' | 'wrong-format';

const PHOTO = new Set(['jpg', 'jpeg', 'png', 'gif']);
const HEIC = new Set(['heic', 'heif']);
const VIDEO = new Set(['mp4', 'mov', 'm4v', 'avi', 'mkv', 'mts', 'm2ts', '3gp', 'mpg', 'mpeg', 'wmv']);
const RAW = new Set(['cr2', 'cr3', 'nef', 'arw', 'raf', 'orf', 'rw2', 'dng']);
const WRONG_FORMAT = new Set(['bmp', 'tif', 'tiff', 'psd']);

export function classify(fileName: string): MediaKind {
  const ext = extname(fileName).slice(1).toLowerCase();
  if (PHOTO.has(ext)) return 'photo';
  if (HEIC.has(ext)) return 'heic';
  if (VIDEO.has(ext)) return 'video';
  if (RAW.has(ext)) return 'raw';
  if (WRONG_FORMAT.has(ext)) return 'wrong-format';
  return 'rejected-type';
}

export function formatOf(fileName: string): string {
  const ext = extname(fileName).slice(1).toUpperCase();
  return ext === 'JPEG' ? 'JPG' : ext;
}

export interface UploadFailure {
  code: number;
  message: string;
}

export const failures = {
  system: { code: 5, message: 'system error' },
  wrongFormat: { code: 6, message: 'wrong format' },
  rawNeedsSource: { code: 6, message: 'wrong format (RAW uploads require the Source add-on)' },
  invalidAlbum: { code: 9, message: 'invalid album' },
  albumFull: { code: 63, message: 'album full' },
  invalidType: { code: 64, message: 'Invalid file type' },
} satisfies Record<string, UploadFailure>;

export type HeicNaming = 'jpg' | 'legacy' | 'off';

export interface Transforms {
  /** HEIC stored as NAME.JPG (since 2022), NAME_heic.JPG (before), or kept as sent. */
  heic: HeicNaming;
  /** Videos re-encoded: a different MD5 and size, and Processing for a while. */
  video: boolean;
  processingSeconds: number;
}

export interface Stored {
  fileName: string;
  format: string;
  isVideo: boolean;
  archivedMd5: string;
  archivedSize: number;
  processingSeconds: number;
}

function derivedMd5(md5: string, salt: string): string {
  return createHash('md5').update(`${salt}:${md5}`).digest('hex');
}

/** What the service stores for an accepted upload of `fileName` with these bytes. */
export function storedForm(
  fileName: string,
  kind: MediaKind,
  md5: string,
  size: number,
  transforms: Transforms,
): Stored {
  const same = {
    fileName,
    format: formatOf(fileName),
    isVideo: false,
    archivedMd5: md5,
    archivedSize: size,
    processingSeconds: 0,
  };
  if (kind === 'heic' && transforms.heic !== 'off') {
    const ext = extname(fileName);
    const root = fileName.slice(0, fileName.length - ext.length);
    return {
      ...same,
      fileName: transforms.heic === 'jpg' ? `${root}.JPG` : `${root}_${ext.slice(1)}.JPG`,
      format: 'JPG',
      archivedMd5: derivedMd5(md5, 'heic-to-jpeg'),
      archivedSize: Math.round(size * 1.6) + 811,
    };
  }
  if (kind === 'video') {
    if (!transforms.video) return { ...same, isVideo: true };
    return {
      ...same,
      format: 'MP4',
      isVideo: true,
      archivedMd5: derivedMd5(md5, 'reencode'),
      archivedSize: Math.round(size * 0.8) + 4096,
      processingSeconds: transforms.processingSeconds,
    };
  }
  return same;
}
