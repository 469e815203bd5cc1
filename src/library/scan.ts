// Bring the store up to date with a connected folder on disk, whole (scanFolder) or only where a
// watcher saw something happen (scanPaths). Only (size, mtime) are compared: an unchanged file
// is never read, so a walk over a large unchanged library costs one stat per file. New and
// changed files become pending with no hash yet; the uploader hashes them.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileRow, FolderRow, Store } from '../store/store.ts';
import { type MediaSettings, makeClassifier, makeDirFilter, sizeProblem } from './media.ts';
import { type WalkItem, walk } from './walk.ts';

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

/** What is at `under` ('' = the root) now: a walk of a folder, one file, or nothing. */
async function* itemsUnder(
  folder: FolderRow,
  under: string,
  descend: (relPath: string, name: string) => boolean,
  signal?: AbortSignal,
): AsyncGenerator<WalkItem> {
  const options = (prefix: (rel: string) => string) => ({
    descend: (rel: string, name: string) => descend(prefix(rel), name),
    ...(signal ? { signal } : {}),
  });
  if (under === '') {
    yield* unavailableOnRootError(
      walk(
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
    yield { type: 'problem', relPath: under, reason: `cannot read it (${code})`, isDir: false };
    return;
  }
  if (info.isFile()) {
    yield { type: 'file', relPath: under, absPath: abs, size: info.size, mtimeMs: info.mtimeMs };
    return;
  }
  if (!info.isDirectory()) return;
  const name = under.slice(under.lastIndexOf('/') + 1);
  if (!descend(under, name)) return;
  const prefix = (rel: string) => (rel === '' ? under : `${under}/${rel}`);
  try {
    for await (const item of walk(abs, options(prefix))) yield { ...item, relPath: prefix(item.relPath) };
  } catch (e) {
    // The folder went away while it was walked: what was found so far stands, the rest is gone.
    if ((e as Error).name === 'AbortError') throw e;
  }
}

async function scanUnder(
  store: Store,
  folder: FolderRow,
  media: MediaSettings,
  under: string,
  result: ScanResult,
  signal?: AbortSignal,
): Promise<void> {
  const known = new Map<string, FileRow>(store.filesUnder(folder.id, under).map((r) => [r.rel_path, r]));
  const seen = new Set<string>();
  const unreadableDirs = new Set<string>();
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

  const record = (
    relPath: string,
    fields: Parameters<Store['updateFile']>[1] & { size: number; mtime_ms: number },
  ) => {
    const row = known.get(relPath);
    write(() => {
      if (row) store.updateFile(row.id, fields, now);
      else store.insertFile(folder.id, relPath, { state: 'pending', ...fields }, now);
    });
  };

  try {
    for await (const item of itemsUnder(folder, under, makeDirFilter(media), signal)) {
      if (item.type === 'dir') continue;
      if (item.type === 'problem') {
        result.problems++;
        seen.add(item.relPath);
        if (item.isDir) unreadableDirs.add(item.relPath);
        const row = known.get(item.relPath);
        if (row?.state === 'failed' && row.last_error === item.reason) continue;
        record(item.relPath, {
          size: row?.size ?? 0,
          mtime_ms: row?.mtime_ms ?? 0,
          state: 'failed',
          error_kind: 'permanent',
          last_error: item.reason,
        });
        continue;
      }
      const c = classify(item.relPath);
      if (c.kind === 'ignored') continue;
      seen.add(item.relPath);
      result.files++;
      const row = known.get(item.relPath);
      const same = row !== undefined && row.size === item.size && row.mtime_ms === item.mtimeMs;
      const problem = c.kind === 'skipped' ? c.reason : sizeProblem(c.media, item.size);
      if (problem !== null ? same && row?.last_error === problem : same && row?.state !== 'skipped') {
        result.unchanged++;
        if (row?.state === 'deleted') {
          write(() =>
            store.updateFile(row.id, {
              state: row.md5 !== null && row.md5 === row.uploaded_md5 ? 'uploaded' : 'pending',
              last_error: null,
            }),
          );
        }
        continue;
      }
      if (row) result.changed++;
      else result.added++;
      const skipped = c.kind === 'skipped';
      record(item.relPath, {
        size: item.size,
        mtime_ms: item.mtimeMs,
        md5: null,
        attempts: 0,
        ...(problem === null
          ? { state: 'pending', error_kind: null, last_error: null }
          : {
              state: skipped ? 'skipped' : 'failed',
              error_kind: skipped ? null : 'permanent',
              last_error: problem,
            }),
      });
    }
    for (const row of known.values()) {
      if (seen.has(row.rel_path) || within(row.rel_path, unreadableDirs)) continue;
      if (row.state === 'deleted') continue;
      result.deleted++;
      write(() => {
        if (row.image_uri) store.updateFile(row.id, { state: 'deleted', last_error: DELETED_REASON });
        else store.deleteFile(row.id);
      });
    }
  } finally {
    if (pendingWrites > 0) store.db.exec('COMMIT');
  }
}
