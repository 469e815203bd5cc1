// The engine's commands as plain functions: they take a context and return what to print, so
// tests reach them without spawning a process.
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { sampleMedia } from '../host/preview.ts';
import { FolderProblem, overlapProblem, resolveFolder } from '../library/connectable.ts';
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from '../library/media.ts';
import { chooseWatchMode, type WatchSetting } from '../library/watch/mode.ts';
import { looksLikeCameraDump } from '../plan/camera-dump.ts';
import { type DateFolderOptions, parseDateFolderOptions } from '../plan/date-mode.ts';
import {
  type DateOptionsInput,
  dateFolderOptions,
  datePathExample,
  galleryFormatProblem,
} from '../plan/date-options.ts';
import type { Privacy } from '../smugmug/types.ts';
import type { FileState, FolderRow } from '../store/store.ts';
import { type FolderSummary, mediaSettingsOf, SyncEngine } from '../sync/engine.ts';
import { type Context, clientFor, requireAccount, UserError } from './context.ts';

export const PRIVACY_CHOICES = ['private', 'unlisted', 'public'] as const;
export const WATCH_CHOICES = ['auto', 'native', 'polling'] as const;

export interface AddOptions {
  privacy: (typeof PRIVACY_CHOICES)[number];
  /** mirror: galleries like its subfolders; date: galleries by month of capture. */
  mode: 'mirror' | 'date';
  /** Date mode's choices; what is left out takes its default. */
  date?: DateOptionsInput;
  target: string;
  videos: boolean;
  raw: boolean;
  ignore: string[];
  /** auto: native events on local disks, polling on network shares. */
  watch: (typeof WATCH_CHOICES)[number];
}

/** What `safelight add FOLDER` does with no options. */
export const DEFAULT_ADD_OPTIONS: AddOptions = {
  privacy: 'private',
  mode: 'mirror',
  target: '',
  videos: true,
  raw: false,
  ignore: [],
  watch: 'auto',
};

export async function addFolder(ctx: Context, folder: string, options: AddOptions): Promise<FolderRow> {
  const path = await resolveFolder(folder).catch((e: unknown) =>
    Promise.reject(e instanceof FolderProblem ? new UserError(e.message) : e),
  );
  const overlap = overlapProblem(
    path,
    ctx.store.folders().map((f) => f.path),
  );
  if (overlap) throw new UserError(overlap);
  const date = options.mode === 'date' ? checkedDateOptions(options.date) : null;
  const media: MediaSettings = {
    ...DEFAULT_MEDIA_SETTINGS,
    videos: options.videos,
    raw: options.raw,
    ignore: options.ignore,
  };
  const privacy = (options.privacy[0]?.toUpperCase() + options.privacy.slice(1)) as Privacy;
  return ctx.store.addFolder({
    path,
    mode: options.mode,
    privacy,
    target: options.target.split('/').filter(Boolean).join('/'),
    settings: JSON.stringify(media),
    watch: options.watch,
    date_options: date === null ? '{}' : JSON.stringify(date),
  });
}

function checkedDateOptions(input: DateOptionsInput = {}): DateFolderOptions {
  const problem = input.galleryFormat === undefined ? null : galleryFormatProblem(input.galleryFormat);
  if (problem !== null) throw new UserError(`--gallery-format: ${problem}`);
  if (typeof input.folderName === 'string' && input.folderName.trim() === '') {
    throw new UserError('--date-folder needs a name; --no-date-folder puts the years straight into --target');
  }
  return dateFolderOptions(input);
}

/** How a folder's galleries are made, in words: the SmugMug path of a July 2024 photo in date mode. */
export function modeText(folder: Pick<FolderRow, 'mode' | 'target' | 'date_options'>): string {
  if (folder.mode !== 'date') return 'galleries like its subfolders';
  const path = [folder.target, ...datePathExample(parseDateFolderOptions(folder.date_options))]
    .filter(Boolean)
    .join('/');
  return `galleries by month of capture: a photo taken in July 2024 goes to "${path}"`;
}

/**
 * For a folder connected in mirror mode without asking: when it looks like a phone or camera
 * import, what date mode would do for it and how to choose it; null otherwise.
 */
export async function dateModeHint(folder: FolderRow): Promise<string | null> {
  const { relPaths } = await sampleMedia(folder.path, mediaSettingsOf(folder));
  const dump = looksLikeCameraDump(relPaths);
  if (!dump.likely) return null;
  const quoted = JSON.stringify(folder.path);
  const example = datePathExample(dateFolderOptions())
    .map((name) => `"${name}"`)
    .join(' → ');
  return [
    `This looks like a phone or camera import: ${dump.reason}.`,
    `Galleries by month of capture usually suit it better: ${example}.`,
    `To back it up that way instead: safelight remove ${quoted} && safelight add ${quoted} --by-date`,
    'To keep mirroring its subfolders and not see this again, add --mirror.',
  ].join('\n');
}

export async function selectFolders(ctx: Context, folder: string | undefined): Promise<FolderRow[]> {
  const all = ctx.store.folders();
  if (all.length === 0) throw new UserError('no folders connected yet: run "safelight add FOLDER" first');
  if (folder === undefined) return all;
  const path = await realpath(resolve(folder)).catch(() => resolve(folder));
  const match = all.find((f) => f.path === path);
  if (!match) throw new UserError(`${folder} is not a connected folder (see "safelight status")`);
  return [match];
}

export interface SyncHooks {
  onEngine?: (engine: SyncEngine) => void;
  limit?: number;
  parallel?: number;
}

export async function syncFolders(
  ctx: Context,
  folders: FolderRow[],
  hooks: SyncHooks = {},
): Promise<FolderSummary[]> {
  const account = requireAccount(ctx);
  const settings = {
    ...ctx.settings,
    ...(hooks.limit !== undefined ? { bandwidthLimit: hooks.limit } : {}),
    ...(hooks.parallel !== undefined ? { parallelUploads: hooks.parallel } : {}),
  };
  const engine = new SyncEngine({ store: ctx.store, client: clientFor(account, settings), settings });
  hooks.onEngine?.(engine);
  return engine.syncFolders(folders);
}

export function retryFailed(ctx: Context, folders: FolderRow[]): number {
  return folders.reduce((n, f) => n + ctx.store.resetFailed(f.id), 0);
}

export interface FileReason {
  file: string;
  reason: string;
}

export interface FolderStatus {
  path: string;
  mode: string;
  /** A date-mode folder's choices; null in mirror mode. */
  dateOptions: DateFolderOptions | null;
  /** How its galleries are made, in words. */
  modeText: string;
  privacy: string;
  target: string;
  /**
   * How `safelight watch` (and the app) notice its changes, and why: what they would choose now,
   * from the folder's setting, its disk, its size and the system's inotify limit.
   */
  watching: string;
  lastSyncAt: string | null;
  lastError: string | null;
  counts: Record<FileState, number>;
  failed: (FileReason & { retryable: boolean })[];
  skipped: FileReason[];
  deleted: FileReason[];
}

export interface Status {
  account: { nickname: string; apiBaseUrl: string } | null;
  folders: FolderStatus[];
}

export async function status(ctx: Context): Promise<Status> {
  let account: Status['account'] = null;
  try {
    const a = requireAccount(ctx);
    account = { nickname: a.nickname, apiBaseUrl: a.endpoints.apiBaseUrl };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
  }
  const watching = async (f: FolderRow) => {
    const choice = await chooseWatchMode(f.path, f.watch as WatchSetting, {
      dirCount: ctx.store.dirCount(f.id),
      fileCount: ctx.store.countFiles(f.id, []),
      pollIntervalMs: ctx.settings.watch.pollIntervalMs,
    });
    return choice.reason;
  };
  const folders = ctx.store.folders();
  const watchModes = await Promise.all(folders.map(watching));
  return {
    account,
    folders: folders.map((f, i) => {
      const reasons = (state: FileState) =>
        ctx.store.filesIn(f.id, [state]).map((r) => ({
          file: r.rel_path,
          reason: r.last_error ?? '',
          retryable: r.error_kind === 'transient',
        }));
      return {
        path: f.path,
        mode: f.mode,
        dateOptions: f.mode === 'date' ? parseDateFolderOptions(f.date_options) : null,
        modeText: modeText(f),
        privacy: f.privacy,
        target: f.target,
        watching: watchModes[i] ?? '',
        lastSyncAt: f.last_sync_at === null ? null : new Date(f.last_sync_at).toISOString(),
        lastError: f.last_error,
        counts: ctx.store.counts(f.id),
        failed: reasons('failed'),
        skipped: reasons('skipped').map(({ file, reason }) => ({ file, reason })),
        deleted: reasons('deleted').map(({ file, reason }) => ({ file, reason })),
      };
    }),
  };
}

const LIST_LIMIT = 20;

export function statusText(s: Status): string {
  const lines: string[] = [];
  lines.push(
    s.account ? `Signed in to SmugMug as ${s.account.nickname} (${s.account.apiBaseUrl})` : 'Not signed in',
  );
  if (s.folders.length === 0) lines.push('No folders connected.');
  for (const f of s.folders) {
    const c = f.counts;
    const where = f.target ? `SmugMug folder "${f.target}"` : 'the top of your SmugMug site';
    lines.push('');
    lines.push(`${f.path}  →  ${where}, ${f.privacy}`);
    lines.push(`  ${f.modeText}`);
    lines.push(`  watching: ${f.watching}`);
    lines.push(
      `  ${c.uploaded} uploaded, ${c.pending + c.uploading} pending, ${c.failed} failed, ` +
        `${c.skipped} skipped, ${c.deleted} deleted locally`,
    );
    lines.push(
      `  last sync: ${f.lastSyncAt ?? 'never'}${f.lastError ? ` — not finished: ${f.lastError}` : ''}`,
    );
    const list = (title: string, items: FileReason[]) => {
      if (items.length === 0) return;
      lines.push(`  ${title}:`);
      for (const i of items.slice(0, LIST_LIMIT)) lines.push(`    ${i.file}: ${i.reason}`);
      if (items.length > LIST_LIMIT)
        lines.push(`    … and ${items.length - LIST_LIMIT} more (--json lists all)`);
    };
    list('Failed', f.failed);
    list('Skipped', f.skipped);
    list('Deleted locally', f.deleted);
  }
  return `${lines.join('\n')}\n`;
}
