// Live Photos are two files, a still (HEIC or JPEG) and a short .MOV, that Apple ties together
// with a content identifier: MakerNote tag 17 in the still, com.apple.quicktime.content.identifier
// in the movie. Copies that lost it are paired by name and time instead. Also the rules for the
// files Photos and RAW editors leave beside pictures (.AAE, .XMP) and for edited copies (IMG_E…).

import { open } from 'node:fs/promises';
import type { CaptureDate } from './capture-date.ts';
import { ExifReadError, readExifFacts } from './exif.ts';
import { BoxFormatError, fileSource } from './iso-boxes.ts';
import { KEY_CONTENT_IDENTIFIER, readMovieFacts } from './quicktime.ts';
import { SNIFF_BYTES, sniffFormat } from './sniff.ts';
import { wallClockMs } from './wall-clock.ts';

export interface LiveCandidate {
  /** Path relative to the connected folder, '/' separators. */
  relPath: string;
  /** What readContentIdentifier found; null when the file has none. */
  contentId: string | null;
  /** Capture date as readCaptureDate gives it; null when unknown. */
  capture: Pick<CaptureDate, 'date' | 'utc' | 'source'> | null;
}

export interface LivePair {
  still: string;
  video: string;
  by: 'content-identifier' | 'name-and-time';
}

export interface LivePairOptions {
  /** How far apart the still and the video may have been taken to pair by name; default 3. */
  maxSecondsApart?: number;
}

export const DEFAULT_MAX_SECONDS_APART = 3;

const STILL_EXTENSIONS = new Set(['heic', 'heif', 'jpg', 'jpeg']);
const VIDEO_EXTENSIONS = new Set(['mov']);

/**
 * The Live Photo content identifier of a still or a movie, or null when it has none or cannot
 * be read (a damaged file then pairs by name and time, and its capture date says what is wrong).
 */
export async function readContentIdentifier(path: string): Promise<string | null> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const source = fileSource(handle, size);
    const format = sniffFormat(await source.read(0, Math.min(SNIFF_BYTES, size)));
    if (format === 'movie') {
      return (await readMovieFacts(source)).keys.get(KEY_CONTENT_IDENTIFIER)?.trim() || null;
    }
    if (format === 'jpeg' || format === 'heif')
      return (await readExifFacts(source, format)).appleContentIdentifier;
    return null;
  } catch (error) {
    if (error instanceof BoxFormatError || error instanceof ExifReadError) return null;
    throw error;
  } finally {
    await handle.close();
  }
}

interface Entry {
  file: LiveCandidate;
  folder: string;
  /** Lower-cased name without extension, and for movies without the "_HEVC" some downloaders add. */
  stem: string;
  paired: boolean;
}

/**
 * Which stills and movies are the two halves of one Live Photo. A shared content identifier
 * decides first: same folder and name, then same folder, then anywhere when just one still and
 * one movie with it are left. Files left over pair when they have the same name in the same folder,
 * no identifiers that disagree, and capture dates from their metadata within a few seconds.
 * An edited copy (IMG_E1234.HEIC) shares the original's identifier but not its name, so it
 * never takes the original's movie. Pairs come sorted by the still's path.
 */
export function pairLivePhotos(files: readonly LiveCandidate[], options: LivePairOptions = {}): LivePair[] {
  const maxApart = options.maxSecondsApart ?? DEFAULT_MAX_SECONDS_APART;
  const stills: Entry[] = [];
  const videos: Entry[] = [];
  const seen = new Set<string>();
  for (const file of [...files].sort((a, b) => compare(a.relPath, b.relPath))) {
    if (seen.has(file.relPath)) throw new Error(`File "${file.relPath}" is listed twice`);
    seen.add(file.relPath);
    const { folder, stem, extension } = splitPath(file.relPath);
    if (STILL_EXTENSIONS.has(extension)) stills.push({ file, folder, stem, paired: false });
    else if (VIDEO_EXTENSIONS.has(extension)) {
      videos.push({ file, folder, stem: stem.replace(/_hevc$/, ''), paired: false });
    }
  }

  const pairs: LivePair[] = [];
  const pair = (still: Entry, video: Entry, by: LivePair['by']) => {
    still.paired = true;
    video.paired = true;
    pairs.push({ still: still.file.relPath, video: video.file.relPath, by });
  };

  const byId = new Map<string, { stills: Entry[]; videos: Entry[] }>();
  for (const [list, role] of [
    [stills, 'stills'],
    [videos, 'videos'],
  ] as const) {
    for (const entry of list) {
      const id = entry.file.contentId;
      if (id === null) continue;
      let group = byId.get(id);
      if (group === undefined) {
        group = { stills: [], videos: [] };
        byId.set(id, group);
      }
      group[role].push(entry);
    }
  }
  for (const group of byId.values()) {
    const tiers: ((still: Entry, video: Entry) => boolean)[] = [
      (s, v) => s.folder === v.folder && s.stem === v.stem,
      (s, v) => s.folder === v.folder,
    ];
    for (const fits of tiers) {
      for (const video of group.videos) {
        if (video.paired) continue;
        const still = closest(
          group.stills.filter((s) => !s.paired && fits(s, video)),
          video,
        );
        if (still !== undefined) pair(still, video, 'content-identifier');
      }
    }
    const stillsLeft = group.stills.filter((s) => !s.paired);
    const videosLeft = group.videos.filter((v) => !v.paired);
    const [lastStill] = stillsLeft;
    const [lastVideo] = videosLeft;
    if (stillsLeft.length === 1 && videosLeft.length === 1 && lastStill && lastVideo) {
      pair(lastStill, lastVideo, 'content-identifier');
    }
  }

  for (const video of videos) {
    if (video.paired) continue;
    const candidates = stills.filter(
      (still) =>
        !still.paired &&
        still.folder === video.folder &&
        still.stem === video.stem &&
        !conflictingIds(still.file, video.file) &&
        (secondsApart(still.file, video.file) ?? Number.POSITIVE_INFINITY) <= maxApart,
    );
    const still = closest(candidates, video);
    if (still !== undefined) pair(still, video, 'name-and-time');
  }

  return pairs.sort((a, b) => compare(a.still, b.still));
}

/** The candidate taken closest in time to `video` (unknown times last), then by path. */
function closest(candidates: Entry[], video: Entry): Entry | undefined {
  let best: Entry | undefined;
  let bestApart = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const apart = secondsApart(candidate.file, video.file) ?? Number.POSITIVE_INFINITY;
    if (best === undefined || apart < bestApart) {
      best = candidate;
      bestApart = apart;
    }
  }
  return best;
}

function conflictingIds(a: LiveCandidate, b: LiveCandidate): boolean {
  return a.contentId !== null && b.contentId !== null && a.contentId !== b.contentId;
}

/**
 * Seconds between two capture dates read from the files' metadata: by instant when both have
 * one, else by wall clock. Null when either is unknown or only the modification time, which
 * says when a file was copied rather than taken.
 */
function secondsApart(a: LiveCandidate, b: LiveCandidate): number | null {
  const x = a.capture;
  const y = b.capture;
  if (x === null || y === null || x.source === 'mtime' || y.source === 'mtime') return null;
  const ms =
    x.utc !== null && y.utc !== null
      ? x.utc.getTime() - y.utc.getTime()
      : wallClockMs(x.date) - wallClockMs(y.date);
  return Math.abs(ms) / 1000;
}

function splitPath(relPath: string): { folder: string; stem: string; extension: string } {
  const slash = relPath.lastIndexOf('/');
  const name = relPath.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return {
    folder: slash < 0 ? '' : relPath.slice(0, slash),
    stem: (dot <= 0 ? name : name.slice(0, dot)).toLowerCase(),
    extension: dot <= 0 ? '' : name.slice(dot + 1).toLowerCase(),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type SidecarDecision =
  | { kind: 'ignored'; reason: string }
  /** An XMP file kept with the RAW file it describes (its path relative to the connected folder). */
  | { kind: 'raw-sidecar'; raw: string };

export const AAE_REASON =
  'Apple Photos edit settings (.AAE): only Photos can apply them; an edited photo is exported as its own file (IMG_E…)';
export const XMP_RAW_OFF_REASON = 'XMP sidecar of a RAW file, and RAW files are turned off in settings';
export const XMP_KEPT_REASON =
  'XMP sidecar: SmugMug stores the RAW file itself, not the edits kept beside it';
export const XMP_NO_RAW_REASON = 'XMP sidecar with no RAW file of the same name beside it';

const RAW_EXTENSIONS = new Set(['cr2', 'cr3', 'nef', 'arw', 'raf', 'orf', 'rw2', 'dng']);

/**
 * What to do with a sidecar: .AAE files are always ignored with a reason; .XMP files are
 * ignored unless RAW upload is on and a RAW file they describe is in the same folder
 * ("DSC_0001.xmp" as Lightroom names it, or "DSC_0001.NEF.xmp" as darktable does).
 * `folderNames` are the names of the files in the same folder. Null for files that are no sidecar.
 */
export function sidecarRule(
  relPath: string,
  settings: { raw: boolean },
  folderNames: readonly string[] = [],
): SidecarDecision | null {
  const { folder, extension } = splitPath(relPath);
  if (extension === 'aae') return { kind: 'ignored', reason: AAE_REASON };
  if (extension !== 'xmp') return null;
  if (!settings.raw) return { kind: 'ignored', reason: XMP_RAW_OFF_REASON };
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  const described = name.slice(0, name.length - '.xmp'.length).toLowerCase();
  for (const candidate of [...folderNames].sort(compare)) {
    const lower = candidate.toLowerCase();
    const dot = lower.lastIndexOf('.');
    if (dot <= 0 || !RAW_EXTENSIONS.has(lower.slice(dot + 1))) continue;
    if (lower === described || lower.slice(0, dot) === described) {
      return { kind: 'raw-sidecar', raw: folder === '' ? candidate : `${folder}/${candidate}` };
    }
  }
  return { kind: 'ignored', reason: XMP_NO_RAW_REASON };
}

/**
 * For an edited copy as iPhones and Photos name it ("IMG_E1234.HEIC"), the original's name
 * ("IMG_1234.HEIC"); else null. Both are backed up: the edit is what the person sees, the
 * original is what the camera took.
 */
export function editedOriginalName(name: string): string | null {
  const match = /^(IMG_)E(\d{4}\.[^.]+)$/i.exec(name);
  return match === null ? null : `${match[1]}${match[2]}`;
}

const STILL_SPELLINGS = ['HEIC', 'heic', 'JPG', 'jpg', 'JPEG', 'jpeg', 'HEIF', 'heif'];

/**
 * The still beside a .MOV that would make it a Live Photo's video (same folder and name), found by
 * name alone with `exists`: for saying why the video stays behind when videos are off, when reading
 * either file to be sure would cost more than the answer is worth. Null when there is none.
 */
export function liveStillOf(movRelPath: string, exists: (relPath: string) => boolean): string | null {
  const dot = movRelPath.lastIndexOf('.');
  if (dot <= 0 || movRelPath.slice(dot + 1).toLowerCase() !== 'mov') return null;
  const stem = movRelPath.slice(0, dot);
  for (const extension of STILL_SPELLINGS) {
    const still = `${stem}.${extension}`;
    if (exists(still)) return still;
  }
  return null;
}

export function liveVideoOffReason(stillRelPath: string): string {
  const name = stillRelPath.slice(stillRelPath.lastIndexOf('/') + 1);
  return `the video of a Live Photo (${name}); videos are turned off in settings`;
}
