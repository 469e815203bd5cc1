// One connected folder as the window shows it: its state in a few plain words, with the time it
// is tried again when it waits. Pure: every input is a plain value.
import { basename } from 'node:path';
import type { AccountInfoData, FolderInfoData, FolderStateName } from '../protocol/schema.ts';
import type { FolderRow, StateCounts } from '../store/store.ts';
import type { FolderWatchStatus } from '../sync/watch-service.ts';
import type { PauseInfo } from './conditions.ts';
import { clock, count, plural } from './words.ts';

/** A wait the SmugMug client is in now (a 429, or a failure it backs off from). */
export interface ApiWait {
  kind: 'rate-limited' | 'offline';
  /** What is wrong, in plain words: "cannot reach SmugMug". */
  reason: string;
  until: number;
}

export interface FolderFacts {
  folder: FolderRow;
  counts: StateCounts;
  watch: FolderWatchStatus | undefined;
  account: AccountInfoData['state'];
  pause: PauseInfo;
  /** Files of this folder being sent now. */
  sending: number;
  /** Files uploaded since the folder's current sync started. */
  doneThisRun: number;
  /** Set while the client waits and this folder is syncing. */
  wait: ApiWait | null;
  /** When the folder is tried again after a sync that did not finish. */
  retryAt: number | null;
  now: number;
}

export function pausedText(pause: PauseInfo, now: number): string {
  switch (pause.reason) {
    case 'user':
      return pause.until === null ? 'Paused' : `Paused until ${clock(pause.until, now)}`;
    case 'suspended':
      return 'Paused while the computer sleeps';
    case 'battery':
      return 'Paused while the computer runs on battery';
    case 'schedule':
      return `Paused by the upload schedule until ${clock(pause.until ?? now, now)}`;
    default:
      return 'Not paused';
  }
}

function stateOf(f: FolderFacts): { state: FolderStateName; text: string; retryAt: number | null } {
  const { counts, watch, now } = f;
  const phase = watch?.phase ?? 'starting';
  const busy = phase === 'scanning' || phase === 'syncing';
  const left = counts.pending + counts.uploading;
  const again = (at: number) => `; trying again at ${clock(at, now)}`;
  if (f.account !== 'signed-in') {
    const text =
      f.account === 'needs-attention' ? 'Waiting: sign in to SmugMug again' : 'Not signed in to SmugMug';
    return { state: 'signed-out', text, retryAt: null };
  }
  if (phase === 'offline') {
    const retry = f.retryAt !== null && f.retryAt > now ? f.retryAt : null;
    const text = `Offline: ${watch?.problem ?? 'the folder cannot be reached'}${retry ? again(retry) : ''}`;
    return { state: 'offline', text, retryAt: retry };
  }
  if (busy && f.wait) {
    return f.wait.kind === 'rate-limited'
      ? {
          state: 'rate-limited',
          text: `SmugMug asked to slow down${again(f.wait.until)}`,
          retryAt: f.wait.until,
        }
      : { state: 'offline', text: `Offline: ${f.wait.reason}${again(f.wait.until)}`, retryAt: f.wait.until };
  }
  if (!busy && f.retryAt !== null && f.retryAt > now && f.folder.last_error) {
    return {
      state: 'offline',
      text: `Not finished: ${f.folder.last_error}${again(f.retryAt)}`,
      retryAt: f.retryAt,
    };
  }
  if (f.pause.paused && (busy || left > 0))
    return { state: 'paused', text: pausedText(f.pause, now), retryAt: null };
  if (phase === 'starting') return { state: 'starting', text: 'Starting', retryAt: null };
  // How a date-mode folder's galleries are made, said where a person checks on its progress.
  const how = f.folder.mode === 'date' ? ', by month of capture' : '';
  if (f.sending > 0 || (phase === 'syncing' && left > 0)) {
    const total = f.doneThisRun + left;
    return {
      state: 'uploading',
      text: `Uploading ${count(f.doneThisRun)} of ${count(total)}${how}`,
      retryAt: null,
    };
  }
  if (busy) return { state: 'scanning', text: 'Looking for new and changed files', retryAt: null };
  const settling = watch?.settling ?? 0;
  if (phase === 'settling' || settling > 0) {
    const what = settling > 0 ? plural(settling, 'file') : 'new files';
    return { state: 'settling', text: `Waiting for ${what} to finish copying`, retryAt: null };
  }
  if (counts.failed > 0) {
    // Failures that may pass (SmugMug unreachable) are tried again by themselves.
    const retry = f.retryAt !== null && f.retryAt > now ? f.retryAt : null;
    return {
      state: 'failed-items',
      text: `${plural(counts.failed, 'file')} could not be uploaded${retry ? again(retry) : ''}`,
      retryAt: retry,
    };
  }
  if (left > 0)
    return { state: 'uploading', text: `${plural(left, 'file')} waiting to upload${how}`, retryAt: null };
  const polling = watch?.mode === 'polling' ? `, watching by ${watch.modeReason}` : '';
  return { state: 'up-to-date', text: `Up to date${how}${polling}`, retryAt: null };
}

export function folderInfo(f: FolderFacts): FolderInfoData {
  const { folder, counts, watch } = f;
  const { state, text, retryAt } = stateOf(f);
  return {
    id: folder.id,
    path: folder.path,
    name: basename(folder.path) || folder.path,
    mode: folder.mode === 'date' ? 'date' : 'mirror',
    privacy: folder.privacy as FolderInfoData['privacy'],
    target: folder.target,
    watch: {
      setting: folder.watch as FolderInfoData['watch']['setting'],
      mode: watch?.mode ?? null,
      reason: watch?.modeReason ?? '',
    },
    state,
    stateText: text,
    // Files deleted locally stay on SmugMug but are no longer part of the folder.
    counts: {
      ...counts,
      total:
        counts.pending + counts.uploading + counts.uploaded + counts.failed + counts.skipped + counts.ignored,
    },
    settling: watch?.settling ?? 0,
    retryAt,
    problem: watch?.problem ?? folder.last_error ?? null,
    lastSyncAt: folder.last_sync_at,
  };
}
