// How to watch a connected folder: native file events where the system delivers them, polling
// where it does not (network shares) or cannot (too few inotify watches for the folder's size).
// The reason is shown beside the folder, so it names the cause and, where there is one, the fix.
import { readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';

export type WatchSetting = 'auto' | 'native' | 'polling';
export type WatchMode = 'native' | 'polling';

export interface WatchChoice {
  mode: WatchMode;
  reason: string;
  /** Native events through one watch per folder (per-folder.ts) instead of @parcel/watcher. */
  perFolder?: true;
}

export const NATIVE_REASON = 'native file events';
export const PER_FOLDER_REASON =
  'native file events, one watch per folder (too many files to keep a copy of every name in memory)';

// @parcel/watcher keeps the path of every file in memory, about 336 bytes each: 84 MB here, 336 MB
// at a million, more than the rest of the engine. Above this many files a folder on Linux gets one
// plain inotify watch per folder instead, which keeps nothing per file. Smaller folders keep
// parcel, which the other systems use too (their FSEvents and ReadDirectoryChangesW backends watch
// a whole tree with one handle, where a handle per folder would cost more, not less).
export const PER_FOLDER_ABOVE_FILES = 250_000;

// Changes made on the server or by another client of the share never reach this machine's
// inotify, and virtual-machine shared folders behave the same for changes made on the host.
const NETWORK_FS = new Set([
  'afpfs',
  'afs',
  'beegfs',
  'ceph',
  'cifs',
  'davfs',
  'drvfs',
  'gpfs',
  'glusterfs',
  'lustre',
  'ncpfs',
  'ocfs2',
  'orangefs',
  'prl_fs',
  'smbfs',
  'sshfs',
  'vboxsf',
  'virtiofs',
  'vmhgfs',
  '9p',
]);

const NETWORK_FUSE = new Set([
  'ceph',
  'curlftpfs',
  'davfs2',
  'gcsfuse',
  'glusterfs',
  'goofys',
  'juicefs',
  'rclone',
  's3fs',
  'smbnetfs',
  'sshfs',
  'vmhgfs-fuse',
]);

export function isNetworkFs(fsType: string): boolean {
  const type = fsType.toLowerCase();
  if (type.startsWith('nfs') || type.startsWith('smb')) return true;
  if (type.startsWith('fuse.')) return NETWORK_FUSE.has(type.slice('fuse.'.length));
  return NETWORK_FS.has(type);
}

// mountinfo escapes space, tab, newline and backslash in paths as three octal digits.
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

function isUnder(path: string, mountPoint: string): boolean {
  if (mountPoint === '/') return path.startsWith('/');
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/** The mount holding `path` (already resolved, no symbolic links) per Linux /proc/self/mountinfo text. */
export function mountOf(path: string, mountinfo: string): { mountPoint: string; fsType: string } | null {
  const target = path.length > 1 ? path.replace(/\/+$/, '') : path;
  let best: { mountPoint: string; fsType: string } | null = null;
  for (const line of mountinfo.split('\n')) {
    // id parent major:minor root mount-point options [optional fields...] - fs-type source super-options
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    const rawMountPoint = fields[4];
    const fsType = separator === -1 ? undefined : fields[separator + 1];
    if (rawMountPoint === undefined || fsType === undefined) continue;
    const mountPoint = unescapeMountPath(rawMountPoint);
    if (!isUnder(target, mountPoint)) continue;
    // Later lines are mounted on top of earlier ones at the same place, so they win ties.
    if (best === null || mountPoint.length >= best.mountPoint.length) best = { mountPoint, fsType };
  }
  return best;
}

const countFormat = new Intl.NumberFormat('en-US');

function formatInterval(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 100) / 10} s`;
}

/** The reason shown for a polled folder: "polling every 30 s: <why>". */
export function pollingReason(intervalMs: number, why?: string): string {
  const every = `polling every ${formatInterval(intervalMs)}`;
  return why === undefined ? every : `${every}: ${why}`;
}

// The limit most guides (and VS Code's) recommend; each watch in use costs about 1 KB of kernel
// memory, so even a full half million is a modest price for a library that needs it.
const RECOMMENDED_WATCHES = 524_288;

function raiseWatchesAdvice(needed: number): string {
  let limit = RECOMMENDED_WATCHES;
  while (limit < needed * 2) limit *= 2;
  return `raise the limit with: sudo sysctl fs.inotify.max_user_watches=${limit} (add it to /etc/sysctl.conf to keep it)`;
}

// Rounded up to two significant digits: "about" must never understate what the folder needs.
function roughly(n: number): number {
  const step = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / step) * step;
}

// One inotify watch per folder, all processes of the user sharing one limit. The margin covers
// folders added while watching (10%) and what desktop indexers, editors and sync clients of the
// same user hold (1,000), since what they actually hold cannot be read cheaply.
function watchesNeeded(dirCount: number): number {
  return dirCount + Math.ceil(dirCount * 0.1) + 1000;
}

async function readProcFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    // Absent on macOS and Windows, and possibly hidden in a container: nothing to learn from it.
    return null;
  }
}

export interface ChoiceFacts {
  /** Folders and files the store holds for the folder (as of its last walk). */
  dirCount: number;
  fileCount: number;
  pollIntervalMs: number;
  // For tests: where /proc is, which system this is, and the file count above which a folder
  // gets one watch per folder instead of @parcel/watcher.
  procRoot?: string;
  platform?: NodeJS.Platform;
  perFolderAbove?: number;
}

function nativeChoice(facts: ChoiceFacts, why?: string): WatchChoice {
  const perFolder =
    (facts.platform ?? process.platform) === 'linux' &&
    facts.fileCount > (facts.perFolderAbove ?? PER_FOLDER_ABOVE_FILES);
  const reason = perFolder ? PER_FOLDER_REASON : NATIVE_REASON;
  const choice: WatchChoice = { mode: 'native', reason: why === undefined ? reason : `${reason}: ${why}` };
  if (perFolder) choice.perFolder = true;
  return choice;
}

export async function chooseWatchMode(
  root: string,
  setting: WatchSetting,
  opts: ChoiceFacts,
): Promise<WatchChoice> {
  if (setting === 'native') return nativeChoice(opts, 'set for this folder');
  if (setting === 'polling') {
    return { mode: 'polling', reason: pollingReason(opts.pollIntervalMs, 'set for this folder') };
  }
  const proc = opts.procRoot ?? '/proc';
  const resolved = await realpath(root).catch(() => resolve(root));
  const mountinfo = await readProcFile(`${proc}/self/mountinfo`);
  const mount = mountinfo === null ? null : mountOf(resolved, mountinfo);
  if (mount !== null && isNetworkFs(mount.fsType)) {
    return { mode: 'polling', reason: pollingReason(opts.pollIntervalMs, `network share (${mount.fsType})`) };
  }
  const maxWatches = Number.parseInt(
    (await readProcFile(`${proc}/sys/fs/inotify/max_user_watches`)) ?? '',
    10,
  );
  const needed = watchesNeeded(opts.dirCount);
  if (Number.isFinite(maxWatches) && needed > maxWatches) {
    const why =
      `the system allows ${countFormat.format(maxWatches)} inotify watches and this folder needs about ` +
      `${countFormat.format(roughly(needed))}; ${raiseWatchesAdvice(needed)}`;
    return { mode: 'polling', reason: pollingReason(opts.pollIntervalMs, why) };
  }
  return nativeChoice(opts);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const LOAD_FAILURE_CODES = new Set(['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND', 'ERR_DLOPEN_FAILED']);

// What @parcel/watcher says when its native part is missing or built for another platform or Node.
const LOAD_FAILURE_TEXT =
  /No prebuild or local build|NODE_MODULE_VERSION|invalid ELF header|wrong ELF class|dlopen/i;

/** Plain words for why @parcel/watcher could not start (it throws bare messages, rarely codes). */
export function describeNativeFailure(error: unknown): string {
  const message = messageOf(error);
  const code = codeOf(error);
  if (code === 'ENOSPC' || /No space left on device/i.test(message)) {
    return `the system's limit of inotify watches was reached; ${raiseWatchesAdvice(0)}`;
  }
  if (/inotify/i.test(message) && (code === 'EMFILE' || /Too many open files/i.test(message))) {
    return (
      "the system's limit of inotify instances was reached; raise the limit with: " +
      'sudo sysctl fs.inotify.max_user_instances=1024 (add it to /etc/sysctl.conf to keep it)'
    );
  }
  const firstLine = message.split('\n')[0] ?? message;
  // The native crawl gives up on the whole folder when any folder inside it cannot be read.
  if (code === 'EACCES' || code === 'EPERM' || /Permission denied|Operation not permitted/i.test(message)) {
    return `native file events failed to start: a folder inside cannot be read (${firstLine})`;
  }
  if ((code !== undefined && LOAD_FAILURE_CODES.has(code)) || LOAD_FAILURE_TEXT.test(message)) {
    return `native file events unavailable (${firstLine})`;
  }
  return `native file events failed to start (${firstLine})`;
}
