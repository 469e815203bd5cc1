// The one line at the top of the window: is everything backed up, and if not, why not.
import { formatBytes } from '../library/media.ts';
import type { AccountInfoData, FolderInfoData, SnapshotData } from '../protocol/schema.ts';
import type { PauseInfo } from './conditions.ts';
import { pausedText } from './folder-state.ts';
import { count, plural, roughly } from './words.ts';

type Overview = SnapshotData['overview'];
type Progress = SnapshotData['progress'];

const WORKING = new Set(['starting', 'scanning', 'settling', 'uploading', 'rate-limited']);

function progressLine(p: Progress): string | null {
  if (p.filesTotal === 0) return null;
  const parts = [`${count(p.filesDone)} of ${count(p.filesTotal)} files`];
  if (p.rate > 0) parts.push(`${formatBytes(Math.round(p.rate))}/s`);
  if (p.etaSeconds !== null) parts.push(`${roughly(p.etaSeconds)} left`);
  return parts.join(' · ');
}

export function overviewOf(input: {
  account: AccountInfoData;
  folders: FolderInfoData[];
  pause: PauseInfo;
  progress: Progress;
  failures: number;
  now: number;
}): Overview {
  const { account, folders, pause, progress, failures, now } = input;
  if (account.state === 'signed-out') {
    return {
      state: 'signed-out',
      headline: 'Not signed in to SmugMug',
      detail:
        folders.length > 0
          ? `${plural(folders.length, 'folder')} waiting to be backed up`
          : 'Sign in, then choose folders to back up',
    };
  }
  if (account.state === 'needs-attention') {
    return { state: 'attention', headline: 'Sign in to SmugMug again', detail: account.problem };
  }
  if (folders.length === 0) {
    return {
      state: 'empty',
      headline: 'No folders connected yet',
      detail: 'Add a folder to start backing up',
    };
  }
  const left = folders.reduce((n, f) => n + f.counts.pending + f.counts.uploading, 0);
  if (pause.paused) {
    return {
      state: 'paused',
      headline:
        left > 0
          ? `Paused: ${plural(left, 'file')} not backed up yet`
          : 'Paused: everything so far is backed up',
      detail: pausedText(pause, now),
    };
  }
  const waiting = folders.find((f) => f.state === 'rate-limited');
  if (waiting) return { state: 'working', headline: 'Waiting for SmugMug', detail: waiting.stateText };
  if (folders.some((f) => WORKING.has(f.state))) {
    return {
      state: 'working',
      headline: left > 0 ? `Backing up ${plural(left, 'file')}` : 'Looking for new photos and videos',
      detail: progressLine(progress),
    };
  }
  const offline = folders.filter((f) => f.state === 'offline');
  if (offline.length > 0) {
    return {
      state: 'attention',
      headline:
        offline.length === 1
          ? `${offline[0]?.name} is offline`
          : `${plural(offline.length, 'folder')} are offline`,
      detail: offline[0]?.stateText ?? null,
    };
  }
  if (failures > 0) {
    return {
      state: 'attention',
      headline: `${plural(failures, 'file')} could not be backed up`,
      detail: 'Everything else is backed up; see Failures for what to do',
    };
  }
  const uploaded = folders.reduce((n, f) => n + f.counts.uploaded, 0);
  return {
    state: 'up-to-date',
    headline: 'Everything is backed up',
    detail: `${plural(uploaded, 'file')} in ${plural(folders.length, 'folder')}`,
  };
}
