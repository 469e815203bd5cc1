// Text the commands print: progress lines, durations, per-folder summaries.
import { formatBytes } from '../library/media.ts';
import type { FolderSummary } from '../sync/engine.ts';
import type { Progress } from '../sync/progress.ts';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function progressLine(p: Progress): string {
  const rate = p.rate > 0 ? `${formatBytes(p.rate)}/s` : '–';
  const eta = p.etaSeconds === undefined ? '' : ` · ${formatDuration(p.etaSeconds)} left`;
  return (
    `${p.filesDone}/${p.filesTotal} files · ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} · ` +
    `${rate}${eta}`
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLines(s: FolderSummary): string[] {
  if (s.error) return [`${s.path}: not synced: ${s.error}`];
  const parts = [`${s.uploaded} uploaded`];
  if (s.replaced) parts.push(`${s.replaced} replaced in place`);
  if (s.alreadyThere) parts.push(`${s.alreadyThere} already on SmugMug`);
  if (s.failed) parts.push(`${s.failed} failed (see "safelight status")`);
  const scan = s.scan ? `${plural(s.scan.files, 'file')} checked, ${s.hashed} hashed` : '';
  return [
    `${s.path}: ${parts.join(', ')}`,
    `  ${scan}; ${formatBytes(s.bytesSent)} sent in ${formatDuration(s.durationMs / 1000)}`,
  ];
}
