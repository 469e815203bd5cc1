// Recursive walk of a connected folder. A folder is listed in one call, its files stat'ed a chunk
// at a time with the next chunk already in flight (stat dominates the cost on big libraries) and
// yielded as they are found, and its subfolders visited only after it. Memory is bounded by the
// largest single folder, never by the size of the library.
import { type BigIntStats, type Dirent, type Stats, stat as statCallback } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

export type WalkItem =
  | { type: 'file'; relPath: string; absPath: string; size: number; mtimeMs: number }
  | { type: 'dir'; relPath: string }
  | { type: 'problem'; relPath: string; reason: string; isDir: boolean };

export interface WalkOptions {
  /** Called for every subfolder (never for the root); false = do not enter it. */
  descend?: (relPath: string, name: string) => boolean;
  signal?: AbortSignal;
}

interface DirTask {
  relPath: string;
  absPath: string;
  viaLink: boolean;
}

// Enough stats at once to keep libuv's threadpool busy; the next chunk is stat'ed while the
// consumer works on the one before.
const STAT_CHUNK = 256;

// The entry disappeared (or its parent was replaced) between listing and reading: the next walk
// or the watcher will see the new state, so there is nothing to report.
const VANISHED = new Set(['ENOENT', 'ENOTDIR']);

const PLAIN_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'input/output error (the disk or network share may be failing or disconnected)',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many files open at once',
  ENFILE: 'too many files open at once',
  ETIMEDOUT: 'timed out (is the network share responding?)',
  EBUSY: 'busy (in use by another program)',
  ESTALE: 'stale network file handle (the share was remounted)',
  ENOTCONN: 'the network share is not connected',
  EHOSTDOWN: 'the network share is not reachable',
  EHOSTUNREACH: 'the network share is not reachable',
  ENOTDIR: 'not a folder',
  ENOENT: 'not found',
  ENOMEM: 'out of memory',
};

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function inPlainWords(error: unknown): string {
  const code = codeOf(error);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === undefined)
    return `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  return `${PLAIN_WORDS[code] ?? 'unexpected error'} (${code})`;
}

// Node decodes names as UTF-8; a name that is not (from an old Windows or Samba share) comes back
// with U+FFFD and cannot be opened by that name. Saying so beats silently skipping the file.
function invalidNameReason(relPath: string): string | null {
  return relPath.includes('\uFFFD') ? 'the name is not valid UTF-8, so it cannot be read; rename it' : null;
}

function sameFolderReason(relPath: string, earlier: string, viaLink: boolean): string {
  const target = earlier === '' ? 'the connected folder' : `"${earlier}"`;
  const isAncestor = earlier === '' || relPath.startsWith(`${earlier}/`);
  if (viaLink) {
    return isAncestor
      ? `symbolic link loop: points back to ${target}`
      : `symbolic link to a folder already included as ${target}`;
  }
  return isAncestor ? `folder loop: this is ${target} again` : `same folder as ${target}, already included`;
}

function idOf(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}`;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

interface Listed {
  entry: Dirent;
  relPath: string;
  absPath: string;
}

/**
 * Stats a chunk of files, all at once, with one promise for the chunk: through the callback API,
 * since a promise per file costs about as much as the stat itself on a fast disk.
 */
function statChunk(files: Listed[], start: number): Promise<Settled<Stats>[]> {
  const end = Math.min(files.length, start + STAT_CHUNK);
  const results = new Array<Settled<Stats>>(end - start);
  let left = end - start;
  return new Promise((done) => {
    if (left === 0) done(results);
    for (let i = start; i < end; i++) {
      statCallback((files[i] as Listed).absPath, (error, stats) => {
        results[i - start] = error ? { ok: false, error } : { ok: true, value: stats };
        if (--left === 0) done(results);
      });
    }
  });
}

/**
 * Walks `root`, following symbolic links to files and folders. Folders reached through a link are
 * walked after everything reachable without links, so a link to a folder inside the tree is
 * reported rather than walked twice, and a loop is reported rather than followed. Problems with
 * one entry are yielded as 'problem' items and the walk goes on; only a root that cannot be read
 * at all (missing, not a folder, no permission) makes the walk throw.
 */
export async function* walk(root: string, options: WalkOptions = {}): AsyncGenerator<WalkItem> {
  for await (const items of walkInBatches(root, options)) {
    for (const item of items) {
      options.signal?.throwIfAborted();
      yield item;
    }
  }
}

/**
 * The same walk, a batch of items at a time: a folder's 'dir' item, then its files and problems,
 * in one or more batches before anything of the next folder. Handing over items one by one costs
 * more than the work a scan does with each, so a consumer that handles a batch synchronously
 * should take them this way.
 */
export async function* walkInBatches(root: string, options: WalkOptions = {}): AsyncGenerator<WalkItem[]> {
  const { descend, signal } = options;
  signal?.throwIfAborted();
  const rootAbs = resolve(root);
  const seen = new Map<string, string>();
  const stack: DirTask[] = [];
  const links: DirTask[] = [];
  let nextLink = 0;

  let current: { task: DirTask; entries: Dirent[] } | undefined = {
    task: { relPath: '', absPath: rootAbs, viaLink: false },
    entries: await listRoot(rootAbs, root, seen),
  };

  while (current !== undefined) {
    const { task, entries } = current;
    const subdirs: DirTask[] = [];
    const files: Listed[] = [];
    // Names never hold a separator, so this is join() without its cost, which shows at 100k files.
    const absPrefix = task.absPath.endsWith(sep) ? task.absPath : `${task.absPath}${sep}`;
    for (const entry of entries) {
      const relPath = task.relPath === '' ? entry.name : `${task.relPath}/${entry.name}`;
      const absPath = `${absPrefix}${entry.name}`;
      if (entry.isDirectory()) {
        if (descend?.(relPath, entry.name) ?? true) subdirs.push({ relPath, absPath, viaLink: false });
      } else if (entry.isFile() || entry.isSymbolicLink() || isUnknown(entry)) {
        files.push({ entry, relPath, absPath });
      }
      // FIFOs, sockets and devices are never opened: reading a FIFO would block forever.
    }
    let inFlight = statChunk(files, 0);
    // Handed over before its files' stats are back, so the consumer's own work on the folder (a
    // scan reads the folder's records) runs while they are made.
    yield [{ type: 'dir', relPath: task.relPath }];
    let batch: WalkItem[] = [];
    for (let start = 0; start < files.length; start += STAT_CHUNK) {
      const results = await inFlight;
      signal?.throwIfAborted();
      if (start + STAT_CHUNK < files.length) inFlight = statChunk(files, start + STAT_CHUNK);
      for (let i = 0; i < results.length; i++) {
        const listed = files[start + i] as Listed;
        const result = results[i] as Settled<Stats>;
        if (result.ok && result.value.isFile()) {
          const { size, mtimeMs } = result.value;
          batch.push({ type: 'file', relPath: listed.relPath, absPath: listed.absPath, size, mtimeMs });
          continue;
        }
        const item = await notAFile(listed, result, descend, (found) =>
          (found.viaLink ? links : subdirs).push(found),
        );
        if (item !== null) batch.push(item);
      }
      yield batch;
      batch = [];
    }
    if (batch.length > 0) yield batch;
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as DirTask);

    current = undefined;
    const problems: WalkItem[] = [];
    while (current === undefined) {
      signal?.throwIfAborted();
      let next = stack.pop();
      if (next === undefined && nextLink < links.length) next = links[nextLink++];
      if (next === undefined) break;
      const listed = await enter(next, seen);
      if (listed === null) continue;
      if ('reason' in listed) {
        problems.push({ type: 'problem', relPath: next.relPath, reason: listed.reason, isDir: true });
        continue;
      }
      current = { task: next, entries: listed };
    }
    if (problems.length > 0) yield problems;
  }
}

function isUnknown(entry: Dirent): boolean {
  return !(
    entry.isFile() ||
    entry.isDirectory() ||
    entry.isSymbolicLink() ||
    entry.isFIFO() ||
    entry.isSocket() ||
    entry.isBlockDevice() ||
    entry.isCharacterDevice()
  );
}

async function listRoot(rootAbs: string, root: string, seen: Map<string, string>): Promise<Dirent[]> {
  try {
    const stats = await stat(rootAbs, { bigint: true });
    if (!stats.isDirectory()) {
      throw Object.assign(new Error(`"${root}" is not a folder`), { code: 'ENOTDIR' });
    }
    seen.set(idOf(stats), '');
    return await readdir(rootAbs, { withFileTypes: true });
  } catch (error) {
    const code = codeOf(error);
    const what =
      code === 'ENOENT'
        ? 'it was not found (moved, renamed, or on a drive that is not connected?)'
        : code === 'ENOTDIR'
          ? 'it is not a folder'
          : inPlainWords(error);
    throw new Error(`Cannot read the connected folder "${root}": ${what}`, { cause: error });
  }
}

/** Lists a subfolder, or says why not; null when it vanished or is a folder already walked. */
async function enter(
  task: DirTask,
  seen: Map<string, string>,
): Promise<Dirent[] | { reason: string } | null> {
  let stats: BigIntStats;
  try {
    stats = await stat(task.absPath, { bigint: true });
  } catch (error) {
    return dirFailure(task.relPath, error);
  }
  if (!stats.isDirectory()) return null;
  const id = idOf(stats);
  const earlier = seen.get(id);
  if (earlier !== undefined) return { reason: sameFolderReason(task.relPath, earlier, task.viaLink) };
  seen.set(id, task.relPath);
  try {
    return await readdir(task.absPath, { withFileTypes: true });
  } catch (error) {
    return dirFailure(task.relPath, error);
  }
}

/** Why a folder could not be listed, or null when it is simply gone (it vanished meanwhile). */
export function dirFailure(relPath: string, error: unknown): { reason: string } | null {
  const code = codeOf(error);
  const invalid = code === 'ENOENT' ? invalidNameReason(relPath) : null;
  if (invalid !== null) return { reason: invalid };
  if (code !== undefined && VANISHED.has(code)) return null;
  return { reason: `cannot read folder: ${inPlainWords(error)}` };
}

/** An entry listed as a file (or link) whose stat failed or found something else. */
async function notAFile(
  listed: Listed,
  result: Settled<Stats>,
  descend: WalkOptions['descend'],
  addDir: (task: DirTask) => void,
): Promise<WalkItem | null> {
  const { entry, relPath, absPath } = listed;
  if (!result.ok) return fileFailure(listed, result.error);
  // A listed file that is now a folder changed mid-walk; the next walk sees it properly.
  if (result.value.isDirectory() && !entry.isFile()) {
    const viaLink = entry.isSymbolicLink() || (await isLink(absPath));
    if (descend?.(relPath, entry.name) ?? true) addDir({ relPath, absPath, viaLink });
  }
  return null;
}

async function isLink(absPath: string): Promise<boolean> {
  const result = await settle(lstat(absPath));
  return result.ok && result.value.isSymbolicLink();
}

async function fileFailure(listed: Listed, error: unknown): Promise<WalkItem | null> {
  const { entry, relPath } = listed;
  const problem = (reason: string): WalkItem => ({ type: 'problem', relPath, reason, isDir: false });
  const code = codeOf(error);
  if (code === 'ELOOP') return problem('symbolic link loop: the link never reaches a real file or folder');
  if (code === 'ENOENT') {
    const invalid = invalidNameReason(relPath);
    if (invalid !== null) return problem(invalid);
    // stat follows links; whether the link itself is still there tells broken from vanished.
    if (!entry.isFile() && (await isLink(listed.absPath)))
      return problem('broken symbolic link (target missing)');
    return null;
  }
  if (code !== undefined && VANISHED.has(code)) return null;
  return problem(`cannot read file: ${inPlainWords(error)}`);
}
