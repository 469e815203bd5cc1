// Which local files are media SmugMug will take, which are skipped with a reason the person sees,
// and which are noise nobody expects to be backed up (API-NOTES §2.7).
import picomatch from 'picomatch/posix.js';
import { AAE_REASON, XMP_KEPT_REASON, XMP_RAW_OFF_REASON } from './live-photos.ts';

export type MediaKind = 'photo' | 'video' | 'raw';

export interface MediaSettings {
  /** False skips photos (JPEG, PNG, GIF, HEIC); settings saved before it existed mean true. */
  photos?: boolean;
  videos: boolean;
  raw: boolean;
  /**
   * Glob patterns (picomatch, dot:true, matched against the '/'-separated path relative to the
   * connected folder, and also against the basename when the pattern has no '/').
   * Matching ignores case, because camera files are named IMG_0001.JPG and a person writing
   * `*.jpg` means those too. As in .gitignore, a leading '/' anchors a pattern to the connected
   * folder and a trailing '/' makes it match folders only.
   */
  ignore: string[];
}

export const DEFAULT_MEDIA_SETTINGS: MediaSettings = { videos: true, raw: false, ignore: [] };

export type Classification =
  | { kind: 'media'; media: MediaKind; mimeType: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'skipped'; reason: string };

// SmugMug's documented limits are "photos up to 500 MB, videos and RAW files up to 3 GB"
// (customsmug Folio docs; smugmughelp "videos under 3 GB"), read here in binary units as the
// sandbox does.
export const LIMITS = {
  photoBytes: 500 * 1024 * 1024,
  videoBytes: 3 * 1024 * 1024 * 1024,
  rawBytes: 3 * 1024 * 1024 * 1024,
} as const;

const LIMIT_TEXT: Record<MediaKind, string> = {
  photo: 'photos up to 500 MB',
  video: 'videos up to 3 GB',
  raw: 'RAW files up to 3 GB',
};

const LIMIT_BYTES: Record<MediaKind, number> = {
  photo: LIMITS.photoBytes,
  video: LIMITS.videoBytes,
  raw: LIMITS.rawBytes,
};

const PHOTO_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

const VIDEO_TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  m4v: 'video/x-m4v',
  avi: 'video/x-msvideo',
  mkv: 'video/x-matroska',
  mts: 'video/mp2t',
  m2ts: 'video/mp2t',
  '3gp': 'video/3gpp',
  mpg: 'video/mpeg',
  mpeg: 'video/mpeg',
  wmv: 'video/x-ms-wmv',
};

const RAW_TYPES: Record<string, string> = {
  cr2: 'image/x-canon-cr2',
  cr3: 'image/x-canon-cr3',
  nef: 'image/x-nikon-nef',
  arw: 'image/x-sony-arw',
  raf: 'image/x-fuji-raf',
  orf: 'image/x-olympus-orf',
  rw2: 'image/x-panasonic-rw2',
  dng: 'image/x-adobe-dng',
};

// Images a person would expect to be backed up but SmugMug rejects (§2.5: WebP/ICO code 64,
// BMP code 6; TIFF and PSD are outside the accepted JPEG/PNG/GIF/HEIC list, and so are AVIF
// and JPEG XL).
const UNSUPPORTED_IMAGES: Record<string, string> = {
  webp: 'WebP',
  bmp: 'BMP',
  tif: 'TIFF',
  tiff: 'TIFF',
  psd: 'Photoshop (PSD)',
  ico: 'icon (ICO)',
  avif: 'AVIF',
  jxl: 'JPEG XL',
};

const SIDECARS = new Set(['thm']);

// Written by copy tools and browsers while a file is still arriving; the finished file gets
// its real name, so these never need backing up.
const TEMPORARY = new Set(['tmp', 'temp', 'part', 'partial', 'crdownload']);

// Lower-cased: Windows and macOS match these names without regard to case.
const JUNK_FILES = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini', 'icon\r']);

// Folders that hold a NAS's, an OS's or a tool's own copies and bookkeeping, never the person's
// originals: walking them would upload thumbnails, recycled files or whole snapshots again.
// Names starting with '.' (.Trashes, .Trash-1000, .Spotlight-V100, .thumbnails …) are skipped
// separately.
const SKIPPED_DIRS = new Set([
  '@eadir', // Synology thumbnails
  '#recycle', // Synology recycle bin
  '#snapshot', // Synology snapshots: a full second copy of the share
  '@recycle', // QNAP recycle bin
  '@recently-snapshot', // QNAP snapshots
  '$recycle.bin',
  'system volume information',
  'lost+found',
]);

// An Apple Photos library is a folder bundle. Its originals live in `originals/` (Photos 5 and
// later) or `Masters/` (earlier); everything else is previews, thumbnails and databases that
// would put each picture on SmugMug several times. So a connected folder that contains a
// library gets the originals and nothing else from it.
const PHOTOS_LIBRARY_ORIGINALS = new Set(['originals', 'masters']);

interface IgnoreRule {
  pattern: string;
  test: (path: string) => boolean;
  /** Matched against the basename too (the pattern had no '/'). */
  basename: boolean;
  dirOnly: boolean;
}

function compileIgnore(patterns: readonly string[]): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const pattern of patterns) {
    let glob = pattern.trim();
    const dirOnly = glob.endsWith('/');
    if (dirOnly) glob = glob.replace(/\/+$/, '');
    const anchored = glob.startsWith('/');
    if (anchored) glob = glob.replace(/^\/+/, '');
    if (glob === '') continue;
    rules.push({
      pattern,
      test: picomatch(glob, { dot: true, nocase: true }),
      basename: !anchored && !glob.includes('/'),
      dirOnly,
    });
  }
  return rules;
}

function matchingRule(rules: readonly IgnoreRule[], relPath: string, name: string, isDir: boolean) {
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.test(relPath) || (rule.basename && rule.test(name))) return rule;
  }
  return undefined;
}

function baseName(relPath: string): string {
  return relPath.slice(relPath.lastIndexOf('/') + 1);
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Why the folder `name` inside `parentRel` is never walked, or null. */
function builtInDirSkip(parentRel: string, name: string): string | null {
  if (name.startsWith('.')) return 'a hidden folder';
  const lower = name.toLowerCase();
  if (SKIPPED_DIRS.has(lower)) return `a system folder ("${name}")`;
  if (baseName(parentRel).toLowerCase().endsWith('.photoslibrary') && !PHOTOS_LIBRARY_ORIGINALS.has(lower)) {
    return "an Apple Photos library's previews and databases (only its originals are backed up)";
  }
  return null;
}

function ignoredBy(rule: IgnoreRule): Classification {
  return { kind: 'ignored', reason: `matches ignore pattern "${rule.pattern}"` };
}

/**
 * Compiled once per settings so that classifying 100k paths costs a few string checks each.
 * A file inside a folder that makeDirFilter would not enter is ignored too, so paths reported
 * by a watcher get the same answer as paths found by a walk.
 */
export function makeClassifier(settings: MediaSettings): (relPath: string) => Classification {
  const rules = compileIgnore(settings.ignore);
  return (relPath) => {
    let parentRel = '';
    for (let end = relPath.indexOf('/'); end !== -1; end = relPath.indexOf('/', end + 1)) {
      const dirRel = relPath.slice(0, end);
      const dirName = dirRel.slice(parentRel === '' ? 0 : parentRel.length + 1);
      const reason = builtInDirSkip(parentRel, dirName);
      if (reason !== null) return { kind: 'ignored', reason: `inside ${reason}` };
      const rule = matchingRule(rules, dirRel, dirName, true);
      if (rule) return ignoredBy(rule);
      parentRel = dirRel;
    }

    const name = baseName(relPath);
    const lower = name.toLowerCase();
    if (JUNK_FILES.has(lower) || name.startsWith('._')) return { kind: 'ignored', reason: 'system file' };
    if (name.startsWith('.')) return { kind: 'ignored', reason: 'hidden file' };
    const ext = extensionOf(name);
    if (TEMPORARY.has(ext) || name.startsWith('~$')) {
      return { kind: 'ignored', reason: 'temporary or partly written file' };
    }
    const rule = matchingRule(rules, relPath, name, false);
    if (rule) return ignoredBy(rule);
    if (SIDECARS.has(ext)) return { kind: 'ignored', reason: 'sidecar file' };
    // Listed with their reason, so a person looking for them sees why they stay on this computer.
    if (ext === 'aae') return { kind: 'skipped', reason: AAE_REASON };
    if (ext === 'xmp') {
      return settings.raw
        ? { kind: 'skipped', reason: XMP_KEPT_REASON }
        : { kind: 'ignored', reason: XMP_RAW_OFF_REASON };
    }

    const photo = PHOTO_TYPES[ext];
    if (photo !== undefined) {
      if (settings.photos === false) return { kind: 'skipped', reason: 'photos are turned off in settings' };
      return { kind: 'media', media: 'photo', mimeType: photo };
    }
    const video = VIDEO_TYPES[ext];
    if (video !== undefined) {
      if (!settings.videos) return { kind: 'skipped', reason: 'videos are turned off in settings' };
      return { kind: 'media', media: 'video', mimeType: video };
    }
    const raw = RAW_TYPES[ext];
    if (raw !== undefined) {
      if (!settings.raw) {
        return {
          kind: 'skipped',
          reason: 'RAW files are turned off in settings (SmugMug needs the Source plan for RAW)',
        };
      }
      return { kind: 'media', media: 'raw', mimeType: raw };
    }
    const unsupported = UNSUPPORTED_IMAGES[ext];
    if (unsupported !== undefined) {
      return { kind: 'skipped', reason: `SmugMug does not accept ${unsupported} images` };
    }
    return { kind: 'ignored', reason: 'not a photo or video' };
  };
}

export function classify(relPath: string, settings: MediaSettings): Classification {
  return makeClassifier(settings)(relPath);
}

/**
 * Never descends into hidden folders (names starting with '.', which covers .Trashes,
 * .Trash-1000 and .Spotlight-V100), NAS and OS bookkeeping (@eaDir, #recycle, #snapshot,
 * @Recycle, @Recently-Snapshot, $RECYCLE.BIN, System Volume Information, lost+found), anything
 * inside an Apple Photos library other than its originals (see PHOTOS_LIBRARY_ORIGINALS), or
 * folders matching an ignore pattern.
 */
export function makeDirFilter(settings: MediaSettings): (relPath: string, name: string) => boolean {
  const rules = compileIgnore(settings.ignore);
  return (relPath, name) => {
    const parentRel = relPath.length > name.length ? relPath.slice(0, relPath.length - name.length - 1) : '';
    return builtInDirSkip(parentRel, name) === null && matchingRule(rules, relPath, name, true) === undefined;
  };
}

/** Reason a file cannot be uploaded because of its size, or null. */
export function sizeProblem(media: MediaKind, size: number): string | null {
  if (size === 0) return 'empty file (0 bytes): nothing to back up';
  if (size > LIMIT_BYTES[media]) {
    return `too large: ${formatBytes(size)}; SmugMug accepts ${LIMIT_TEXT[media]}`;
  }
  return null;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Decimal units with one decimal place, as people read sizes: '3.2 GB', '512 KB', '0 B'. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) < 1000) return `${n} B`;
  let unit = 0;
  let value = Math.abs(n);
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // 999,950 bytes rounds to "1000.0 KB"; say "1 MB" instead.
  if (Number(value.toFixed(1)) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const text = value.toFixed(1).replace(/\.0$/, '');
  return `${n < 0 ? '-' : ''}${text} ${UNITS[unit]}`;
}
