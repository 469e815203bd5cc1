// Bring the store up to date with a connected folder on disk, whole (scanFolder) or only where a
// watcher saw something happen (scanPaths). Only (size, mtime) are compared: an unchanged file
// is never read, so a walk over a large unchanged library costs one stat per file. New and
// changed files become pending with no hash yet; the uploader hashes them.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileRow, FolderRow, KnownFile, Store } from '../store/store.ts';
import { liveStillOf, liveVideoOffReason } from './live-photos.ts';
import {
  type Classification,
  type MediaSettings,
  makeClassifier,
  makeDirFilter,
  sizeProblem,
} from './media.ts';
import { placeholderFor } from './placeholders.ts';
import { dirFailure, type WalkItem, walkInBatches } from './walk.ts';

export interface ScanResult {
  files: number;
  added: number;
  changed: number;
  unchanged: number;
  problems: number;
  deleted: number;
}

export class FolderUnavailableError extends Error {
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'FolderUnavailableError';
  }
}

const BATCH = 500;

/** What is read from a file's content when it is about to be sent: stale once the file changes. */
const UNREAD = {
  capture_at: null,
  capture_offset: null,
  capture_source: null,
  capture_note: null,
  live_with: null,
  live_role: null,
} as const;

/** The walk throws only when the connected folder itself cannot be read (it went away). */
async function* unavailableOnRootError<T>(items: AsyncGenerator<T>, path: string): AsyncGenerator<T> {
  try {
    yield* items;
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new FolderUnavailableError(path, (e as Error).message);
  }
}

/** Files that were already on SmugMug keep their record; the others are simply forgotten. */
export const DELETED_REASON = 'deleted locally; kept on SmugMug';

function within(relPath: string, dirs: Set<string>): boolean {
  for (let i = relPath.lastIndexOf('/'); i > 0; i = relPath.lastIndexOf('/', i - 1)) {
    if (dirs.has(relPath.slice(0, i))) return true;
  }
  return dirs.has('');
}

/** A missing root is an unplugged drive or unmounted share, never "everything was deleted". */
async function checkRoot(path: string): Promise<void> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) throw new FolderUnavailableError(path, 'is not a folder any more');
  } catch (e) {
    if (e instanceof FolderUnavailableError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new FolderUnavailableError(
      path,
      code === 'ENOENT' ? 'folder not found (is its drive connected?)' : `cannot open folder (${code})`,
    );
  }
}

function emptyResult(): ScanResult {
  return { files: 0, added: 0, changed: 0, unchanged: 0, problems: 0, deleted: 0 };
}

export async function scanFolder(
  store: Store,
  folder: FolderRow,
  media: MediaSettings,
  signal?: AbortSignal,
): Promise<ScanResult> {
  await checkRoot(folder.path);
  const result = emptyResult();
  await scanUnder(store, folder, media, '', result, signal);
  return result;
}

/**
 * Brings the store up to date at the paths a watcher reported (files or folders, created,
 * changed or gone) and below them; the rest of the folder is not looked at.
 */
export async function scanPaths(
  store: Store,
  folder: FolderRow,
  media: MediaSettings,
  relPaths: Iterable<string>,
  signal?: AbortSignal,
): Promise<ScanResult> {
  await checkRoot(folder.path);
  const unique = new Set(relPaths);
  const result = emptyResult();
  if (unique.has('')) {
    await scanUnder(store, folder, media, '', result, signal);
    return result;
  }
  for (const relPath of unique) {
    // A path inside another reported folder is covered by that folder's walk.
    if (within(relPath, unique)) continue;
    signal?.throwIfAborted();
    await scanUnder(store, folder, media, relPath, result, signal);
  }
  return result;
}

/** Whether a walk from the connected folder's root would reach `relPath`. */
function reachable(relPath: string, descend: (relPath: string, name: string) => boolean): boolean {
  for (let end = relPath.indexOf('/'); end !== -1; end = relPath.indexOf('/', end + 1)) {
    const dirRel = relPath.slice(0, end);
    if (!descend(dirRel, dirRel.slice(dirRel.lastIndexOf('/') + 1))) return false;
  }
  return true;
}

/** What is at `under` ('' = the root) now, in batches: a walk of a folder, one file, or nothing. */
async function* itemsUnder(
  folder: FolderRow,
  under: string,
  descend: (relPath: string, name: string) => boolean,
  signal?: AbortSignal,
): AsyncGenerator<WalkItem[]> {
  const options = (prefix: (rel: string) => string) => ({
    descend: (rel: string, name: string) => descend(prefix(rel), name),
    ...(signal ? { signal } : {}),
  });
  if (under === '') {
    yield* unavailableOnRootError(
      walkInBatches(
        folder.path,
        options((rel) => rel),
      ),
      folder.path,
    );
    return;
  }
  if (!reachable(under, descend)) return;
  const abs = join(folder.path, under);
  let info: Stats;
  try {
    info = await stat(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    // A folder on the way to it cannot be entered, so what is below it cannot be seen either:
    // its records are kept.
    const failure = dirFailure(under, e);
    if (failure !== null) yield [{ type: 'problem', relPath: under, reason: failure.reason, isDir: true }];
    return;
  }
  if (info.isFile()) {
    yield [{ type: 'file', relPath: under, absPath: abs, size: info.size, mtimeMs: info.mtimeMs }];
    return;
  }
  if (!info.isDirectory()) return;
  const name = under.slice(under.lastIndexOf('/') + 1);
  if (!descend(under, name)) return;
  const prefix = (rel: string) => (rel === '' ? under : `${under}/${rel}`);
  try {
    for await (const batch of walkInBatches(abs, options(prefix))) {
      yield batch.map((item) => ({ ...item, relPath: prefix(item.relPath) }));
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    // Gone while it was walked: what was found so far stands, the rest is gone. Unreadable (its
    // permissions changed): a problem with the folder, so its records are kept, as a walk of the
    // whole connected folder keeps them.
    // The walk wraps a failure of its own root (here `under`) in words about the connected folder.
    const failure = dirFailure(under, (e as Error).cause ?? e);
    if (failure !== null) yield [{ type: 'problem', relPath: under, reason: failure.reason, isDir: true }];
  }
}

/** Whether `relPath` is directly in `dir` ('' = the top level), as the store's `dir` column says. */
function isDirectlyIn(relPath: string, dir: string): boolean {
  if (dir === '') return !relPath.includes('/');
  return (
    relPath.charAt(dir.length) === '/' && relPath.startsWith(dir) && !relPath.includes('/', dir.length + 1)
  );
}

/**
 * Compares what is at `under` now with the store one dir at a time: the walk gives each dir's
 * files together, so only the records of the dir being walked are held, never the whole folder's.
 * Records of dirs the walk did not reach are of dirs that are gone, except below a dir that could
 * not be read.
 */
async function scanUnder(
  store: Store,
  folder: FolderRow,
  media: MediaSettings,
  under: string,
  result: ScanResult,
  signal?: AbortSignal,
): Promise<void> {
  const unreadableDirs = new Set<string>();
  const walked = new Set<string>();
  /** The records of the dir being walked that nothing has been found for yet. */
  let current:
    | {
        dir: string;
        rows: Map<string, KnownFile>;
        names: Set<string>;
        liveVideos: { item: WalkItem & { type: 'file' }; relPath: string }[];
      }
    | undefined;
  /** Paths found outside the dir being walked: problems with a folder, or `under` being a file. */
  const seenElsewhere = new Set<string>();
  // A folder that cannot be entered is reported after its parent was left, so a walked dir's
  // records that were not found are decided on at the end.
  const notFound: KnownFile[] = [];
  const classify = makeClassifier(media);
  const now = Date.now();
  let pendingWrites = 0;

  const write = (fn: () => void) => {
    if (pendingWrites === 0) store.db.exec('BEGIN IMMEDIATE');
    fn();
    if (++pendingWrites >= BATCH) {
      store.db.exec('COMMIT');
      pendingWrites = 0;
    }
  };

  const leaveDir = () => {
    // A Live Photo's video waits for the end of its dir: its still may be listed after it.
    const waiting = current?.liveVideos ?? [];
    const names = current?.names;
    for (const { item, relPath } of waiting) {
      const still = liveStillOf(relPath, (p) => names?.has(p) === true);
      seeFile(item, relPath, still === null ? undefined : liveVideoOffReason(still));
    }
    for (const row of current?.rows.values() ?? []) if (row.state !== 'deleted') notFound.push(row);
    current = undefined;
  };

  /** The record of a path that was found, if there is one; it is not gone. */
  const found = (relPath: string): KnownFile | undefined => {
    if (current !== undefined && isDirectlyIn(relPath, current.dir)) {
      const row = current.rows.get(relPath);
      current.rows.delete(relPath);
      return row;
    }
    seenElsewhere.add(relPath);
    return store.fileAt(folder.id, relPath);
  };

  const record = (
    row: KnownFile | undefined,
    relPath: string,
    fields: Parameters<Store['updateFile']>[1] & { size: number; mtime_ms: number },
  ) => {
    write(() => {
      if (row) store.updateFile(row.id, fields, now);
      else store.insertFile(folder.id, relPath, { state: 'pending', ...fields }, now);
    });
  };

  const gone = (row: KnownFile) => {
    if (seenElsewhere.has(row.rel_path) || within(row.rel_path, unreadableDirs)) return;
    result.deleted++;
    write(() => {
      if (store.file(row.id)?.image_uri) {
        store.updateFile(row.id, { state: 'deleted', last_error: DELETED_REASON });
      } else store.deleteFile(row.id);
    });
  };

  const see = (item: WalkItem) => {
    if (item.type === 'dir') {
      leaveDir();
      walked.add(item.relPath);
      current = {
        dir: item.relPath,
        rows: new Map(store.knownFilesInDir(folder.id, item.relPath).map((r) => [r.rel_path, r])),
        names: new Set(),
        liveVideos: [],
      };
      return;
    }
    if (item.type === 'problem') {
      result.problems++;
      if (item.isDir) unreadableDirs.add(item.relPath);
      const row = found(item.relPath);
      if (row?.state === 'failed' && row.last_error === item.reason) return;
      record(row, item.relPath, {
        size: row?.size ?? 0,
        mtime_ms: row?.mtime_ms ?? 0,
        state: 'failed',
        error_kind: 'permanent',
        last_error: item.reason,
      });
      return;
    }
    // An iCloud stand-in is listed under the name of the file it stands for.
    const relPath = placeholderFor(item.relPath, item.size)?.relPath ?? item.relPath;
    if (current !== undefined && isDirectlyIn(relPath, current.dir)) {
      current.names.add(relPath);
      if (isVideoOffMov(relPath)) {
        current.liveVideos.push({ item, relPath });
        return;
      }
    } else if (isVideoOffMov(relPath)) {
      const still = liveStillOf(relPath, (p) => store.fileAt(folder.id, p) !== undefined);
      seeFile(item, relPath, still === null ? undefined : liveVideoOffReason(still));
      return;
    }
    seeFile(item, relPath);
  };

  const isVideoOffMov = (relPath: string) => !media.videos && /\.mov$/i.test(relPath);

  /** A file found at `relPath` (the walked item itself, or what its iCloud stand-in stands for). */
  const seeFile = (item: WalkItem & { type: 'file' }, relPath: string, skipReason?: string) => {
    const c: Classification =
      skipReason === undefined ? classify(relPath) : { kind: 'skipped', reason: skipReason };
    if (c.kind === 'ignored') return;
    result.files++;
    const row = found(relPath);
    const same = row !== undefined && row.size === item.size && row.mtime_ms === item.mtimeMs;
    const placeholder = c.kind === 'media' ? placeholderFor(item.relPath, item.size) : null;
    const problem =
      c.kind === 'skipped' ? c.reason : (placeholder?.reason ?? sizeProblem(c.media, item.size));
    if (problem !== null ? same && row?.last_error === problem : same && row?.state !== 'skipped') {
      result.unchanged++;
      if (row?.state === 'deleted') {
        // Read in this same synchronous step, so it is there.
        const { md5, uploaded_md5 } = store.file(row.id) as FileRow;
        write(() =>
          store.updateFile(row.id, {
            state: md5 !== null && md5 === uploaded_md5 ? 'uploaded' : 'pending',
            last_error: null,
          }),
        );
      }
      return;
    }
    if (row) result.changed++;
    else result.added++;
    const skipped = c.kind === 'skipped' || placeholder !== null;
    record(row, relPath, {
      size: item.size,
      mtime_ms: item.mtimeMs,
      md5: null,
      attempts: 0,
      ...UNREAD,
      ...(problem === null
        ? { state: 'pending', error_kind: null, last_error: null }
        : {
            state: skipped ? 'skipped' : 'failed',
            error_kind: skipped ? null : 'permanent',
            last_error: problem,
          }),
    });
  };

  try {
    for await (const batch of itemsUnder(folder, under, makeDirFilter(media), signal)) {
      for (const item of batch) see(item);
    }
    leaveDir();
    for (const row of notFound) gone(row);
    for (const dir of store.dirsUnder(folder.id, under)) {
      if (walked.has(dir) || unreadableDirs.has(dir) || within(dir, unreadableDirs)) continue;
      for (const row of store.knownFilesInDir(folder.id, dir)) if (row.state !== 'deleted') gone(row);
    }
    // `under` itself, when it was a file: its record is in the dir above, which was not walked.
    const self = under === '' ? undefined : store.fileAt(folder.id, under);
    if (self !== undefined && self.state !== 'deleted') gone(self);
  } finally {
    if (pendingWrites > 0) store.db.exec('COMMIT');
  }
}
