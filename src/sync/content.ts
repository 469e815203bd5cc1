// What the engine reads from inside files before it sends them: when each was taken (date-mode
// galleries, and telling a HEIC or a video SmugMug has converted by its name and time), and which
// stills and movies are the two halves of a Live Photo. Read once per version of a file: the scan
// clears it when the file changes.
import { join } from 'node:path';
import { type CaptureDate, captureFromMtime, readCaptureDate } from '../library/capture-date.ts';
import { type LiveCandidate, pairLivePhotos, readContentIdentifier } from '../library/live-photos.ts';
import {
  formatWallClock,
  instantOf,
  localTimeZone,
  parseWallClock,
  wallClockMs,
} from '../library/wall-clock.ts';
import type { FileFields, FileRow, FolderRow, Store } from '../store/store.ts';
import { eachLimited } from './each-limited.ts';

const READ_PARALLEL = 4;
const STILL = /\.(heic|heif|jpe?g)$/i;
const MOVIE = /\.mov$/i;
/** SmugMug stores these as something else (API-NOTES §2.7), so their MD5 there is not theirs. */
const CONVERTED_STILL = /\.(heic|heif)$/i;

export function captureFields(capture: CaptureDate): FileFields {
  return {
    capture_at: formatWallClock(capture.date),
    capture_offset: capture.offsetMinutes,
    capture_source: capture.source,
    capture_note: capture.fallbackReason,
  };
}

/** Whether SmugMug keeps this file under another name or MD5 (HEIC → JPEG, videos re-encoded). */
export function isConverted(relPath: string, isVideo: boolean): boolean {
  return isVideo || CONVERTED_STILL.test(relPath);
}

/**
 * The names SmugMug may list a converted file under, lower-cased: IMG_1.HEIC → img_1.jpg (since
 * 2022) or img_1_heic.jpg (before); IMG_1.MOV → img_1.mov, img_1.mp4 or img_1_mov.mp4.
 */
export function convertedNames(fileName: string, isVideo: boolean): string[] {
  const lower = fileName.toLowerCase();
  const dot = lower.lastIndexOf('.');
  const stem = dot > 0 ? lower.slice(0, dot) : lower;
  const extension = dot > 0 ? lower.slice(dot + 1) : '';
  if (isVideo) return [lower, `${stem}.mp4`, `${stem}_${extension}.mp4`];
  return [lower, `${stem}.jpg`, `${stem}_${extension}.jpg`];
}

const TOLERANCE_MS = 1000;

/**
 * Whether SmugMug's DateTimeCreated (a clock time without a zone) is when this file was taken.
 * SmugMug reads the photo's own clock; for videos it may keep UTC, so the instant counts too.
 * A file that records no time of its own cannot be told apart by time, so it never matches.
 */
export function sameCapture(
  row: Pick<FileRow, 'capture_at' | 'capture_offset' | 'capture_source'>,
  remote: string | null,
): boolean {
  const local = parseWallClock(row.capture_at);
  const theirs = parseWallClock(remote);
  if (local === null || theirs === null || row.capture_source === 'mtime') return false;
  const remoteMs = wallClockMs(theirs);
  if (Math.abs(wallClockMs(local) - remoteMs) <= TOLERANCE_MS) return true;
  if (row.capture_offset === null) return false;
  return Math.abs(instantOf(local, row.capture_offset).getTime() - remoteMs) <= TOLERANCE_MS;
}

/**
 * Reads the capture date of every row that has none yet, into the store and the row itself. A
 * file that cannot be opened now keeps none: sending it fails with the reason shortly anyway.
 */
export async function readCaptures(
  store: Store,
  folder: FolderRow,
  rows: readonly FileRow[],
  signal: AbortSignal,
): Promise<void> {
  const timeZone = localTimeZone();
  await eachLimited(
    rows.filter((r) => r.capture_source === null),
    READ_PARALLEL,
    signal,
    async (row) => {
      const capture = await readCaptureDate(join(folder.path, row.rel_path), { timeZone }).catch(() =>
        captureFromMtime(new Date(row.mtime_ms), timeZone, 'the file could not be read'),
      );
      const fields = captureFields(capture);
      store.updateFile(row.id, fields);
      Object.assign(row, fields);
    },
  );
}

/**
 * Pairs the Live Photos among a dir's files: the stills and movies waiting to be sent, with the
 * files already sent that share a name with one of them (a movie copied in after its still).
 * Rows already paired stay as they are.
 */
export async function pairLive(
  store: Store,
  folder: FolderRow,
  dirRows: readonly FileRow[],
  isTodo: (row: FileRow) => boolean,
  signal: AbortSignal,
): Promise<void> {
  const stem = (relPath: string) =>
    relPath
      .slice(0, relPath.lastIndexOf('.'))
      .toLowerCase()
      .replace(/_hevc$/, '');
  const open = dirRows.filter(
    (r) => r.live_with === null && (STILL.test(r.rel_path) || MOVIE.test(r.rel_path)),
  );
  const waiting = open.filter(isTodo);
  if (waiting.length === 0 || !open.some((r) => MOVIE.test(r.rel_path))) return;
  const stems = new Set(waiting.map((r) => stem(r.rel_path)));
  const candidates = open.filter((r) => isTodo(r) || stems.has(stem(r.rel_path)));
  await readCaptures(store, folder, candidates, signal);
  const ids = new Map<string, string | null>();
  await eachLimited(candidates, READ_PARALLEL, signal, async (row) => {
    ids.set(row.rel_path, await readContentIdentifier(join(folder.path, row.rel_path)).catch(() => null));
  });
  if (signal.aborted) return;
  const byPath = new Map(candidates.map((r) => [r.rel_path, r]));
  const files: LiveCandidate[] = candidates.map((r) => {
    const date = parseWallClock(r.capture_at);
    return {
      relPath: r.rel_path,
      contentId: ids.get(r.rel_path) ?? null,
      capture:
        date === null
          ? null
          : {
              date,
              utc: r.capture_offset === null ? null : instantOf(date, r.capture_offset),
              source: r.capture_source as CaptureDate['source'],
            },
    };
  });
  store.transaction(() => {
    for (const pair of pairLivePhotos(files)) {
      const still = byPath.get(pair.still) as FileRow;
      const video = byPath.get(pair.video) as FileRow;
      const stillFields = { live_with: video.rel_path, live_role: 'still' };
      const videoFields = { live_with: still.rel_path, live_role: 'video' };
      store.updateFile(still.id, stillFields);
      store.updateFile(video.id, videoFields);
      Object.assign(still, stillFields);
      Object.assign(video, videoFields);
    }
  });
}
