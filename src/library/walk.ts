// Recursive walk of a connected folder. Bounded memory and at most one open directory handle:
// a folder's entries are streamed with opendir, its files yielded as they are found (stat'ed a
// batch at a time, since stat dominates the cost on big libraries), and its subfolders visited
// only after it is closed.
import { type BigIntStats, type Dir, type Dirent, type Stats, stat as statCallback } from 'node:fs';
import { lstat, opendir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

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

// Enough stats in flight to keep libuv's threadpool busy, few enough to stay cheap in memory.
const STAT_BATCH = 64;

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

// The callback API costs about half as much per call as fs/promises, which shows at 100k files.
function statSettled(path: string): Promise<Settled<Stats>> {
  return new Promise((done) => {
    statCallback(path, (error, stats) => done(error ? { ok: false, error } : { ok: true, value: stats }));
  });
}

interface Pending {
  entry: Dirent;
  relPath: string;
  absPath: string;
  stats: Promise<Settled<Stats>>;
}

/**
 * Walks `root`, following symbolic links to files and folders. Folders reached through a link are
 * walked after everything reachable without links, so a link to a folder inside the tree is
 * reported rather than walked twice, and a loop is reported rather than followed. Problems with
 * one entry are yielded as 'problem' items and the walk goes on; only a root that cannot be read
 * at all (missing, not a folder, no permission) makes the walk throw.
 */
export async function* walk(root: string, options: WalkOptions = {}): AsyncGenerator<WalkItem> {
  const { descend, signal } = options;
  signal?.throwIfAborted();
  const rootAbs = resolve(root);
  const seen = new Map<string, string>();
  const stack: DirTask[] = [];
  const links: DirTask[] = [];
  let nextLink = 0;

  const rootDir = await openRoot(rootAbs, root, seen);
  let current: { task: DirTask; dir: Dir } | undefined = {
    task: { relPath: '', absPath: rootAbs, viaLink: false },
    dir: rootDir,
  };

  while (current !== undefined) {
    const { task, dir } = current;
    const subdirs: DirTask[] = [];
    try {
      yield { type: 'dir', relPath: task.relPath };
      for (;;) {
        const batch: Pending[] = [];
        let done = false;
        while (batch.length < STAT_BATCH) {
          signal?.throwIfAborted();
          let entry: Dirent | null;
          try {
            entry = await dir.read();
          } catch (error) {
            yield { type: 'problem', relPath: task.relPath, reason: stoppedReading(error), isDir: true };
            done = true;
            break;
          }
          if (entry === null) {
            done = true;
            break;
          }
          const relPath = task.relPath === '' ? entry.name : `${task.relPath}/${entry.name}`;
          const absPath = join(task.absPath, entry.name);
          if (entry.isDirectory()) {
            if (descend?.(relPath, entry.name) ?? true) subdirs.push({ relPath, absPath, viaLink: false });
          } else if (entry.isFile() || entry.isSymbolicLink() || isUnknown(entry)) {
            batch.push({ entry, relPath, absPath, stats: statSettled(absPath) });
          }
          // FIFOs, sockets and devices are never opened: reading a FIFO would block forever.
        }
        for (const pending of batch) {
          const item = await settleEntry(pending, descend, (found) =>
            (found.viaLink ? links : subdirs).push(found),
          );
          if (item !== null) yield item;
        }
        if (done) break;
      }
    } finally {
      await dir.close().catch(() => {});
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as DirTask);

    current = undefined;
    while (current === undefined) {
      signal?.throwIfAborted();
      let next = stack.pop();
      if (next === undefined && nextLink < links.length) next = links[nextLink++];
      if (next === undefined) break;
      const opened = await enter(next, seen);
      if (opened === null) continue;
      if ('reason' in opened) {
        yield { type: 'problem', relPath: next.relPath, reason: opened.reason, isDir: true };
        continue;
      }
      current = { task: next, dir: opened };
    }
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

function stoppedReading(error: unknown): string {
  return `could not finish reading folder: ${inPlainWords(error)}`;
}

async function openRoot(rootAbs: string, root: string, seen: Map<string, string>): Promise<Dir> {
  try {
    const stats = await stat(rootAbs, { bigint: true });
    if (!stats.isDirectory()) {
      throw Object.assign(new Error(`"${root}" is not a folder`), { code: 'ENOTDIR' });
    }
    seen.set(idOf(stats), '');
    return await opendir(rootAbs, { bufferSize: 256 });
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

/** Opens a subfolder, or says why not; null when it vanished or is a folder already walked. */
async function enter(task: DirTask, seen: Map<string, string>): Promise<Dir | { reason: string } | null> {
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
    return await opendir(task.absPath, { bufferSize: 256 });
  } catch (error) {
    return dirFailure(task.relPath, error);
  }
}

function dirFailure(relPath: string, error: unknown): { reason: string } | null {
  const code = codeOf(error);
  const invalid = code === 'ENOENT' ? invalidNameReason(relPath) : null;
  if (invalid !== null) return { reason: invalid };
  if (code !== undefined && VANISHED.has(code)) return null;
  return { reason: `cannot read folder: ${inPlainWords(error)}` };
}

async function settleEntry(
  pending: Pending,
  descend: WalkOptions['descend'],
  addDir: (task: DirTask) => void,
): Promise<WalkItem | null> {
  const { entry, relPath, absPath } = pending;
  const result = await pending.stats;
  if (!result.ok) return fileFailure(pending, result.error);
  const stats = result.value;
  if (stats.isFile()) {
    return { type: 'file', relPath, absPath, size: stats.size, mtimeMs: stats.mtimeMs };
  }
  // A listed file that is now a folder changed mid-walk; the next walk sees it properly.
  if (stats.isDirectory() && !entry.isFile()) {
    const viaLink = entry.isSymbolicLink() || (await isLink(absPath));
    if (descend?.(relPath, entry.name) ?? true) addDir({ relPath, absPath, viaLink });
  }
  return null;
}

async function isLink(absPath: string): Promise<boolean> {
  const result = await settle(lstat(absPath));
  return result.ok && result.value.isSymbolicLink();
}

async function fileFailure(pending: Pending, error: unknown): Promise<WalkItem | null> {
  const { entry, relPath } = pending;
  const problem = (reason: string): WalkItem => ({ type: 'problem', relPath, reason, isDir: false });
  const code = codeOf(error);
  if (code === 'ELOOP') return problem('symbolic link loop: the link never reaches a real file or folder');
  if (code === 'ENOENT') {
    const invalid = invalidNameReason(relPath);
    if (invalid !== null) return problem(invalid);
    // stat follows links; whether the link itself is still there tells broken from vanished.
    if (!entry.isFile() && (await isLink(pending.absPath)))
      return problem('broken symbolic link (target missing)');
    return null;
  }
  if (code !== undefined && VANISHED.has(code)) return null;
  return problem(`cannot read file: ${inPlainWords(error)}`);
}
