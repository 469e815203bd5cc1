// `safelight sync --once`: one pass with a live progress bar on a terminal (a line every few
// seconds otherwise), then a summary per folder.
import { SingleBar } from 'cli-progress';
import type { FolderRow } from '../store/store.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { syncFolders } from './commands.ts';
import type { Context } from './context.ts';
import { progressLine, summaryLines } from './format.ts';

const LINE_EVERY_MS = 5000;

export async function runSync(
  ctx: Context,
  folders: FolderRow[],
  opts: { limit?: number; parallel?: number },
): Promise<number> {
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new SingleBar({
        stream: process.stderr,
        format: ' {bar} {percentage}% | {line}',
        hideCursor: true,
        clearOnComplete: true,
        barsize: 24,
      })
    : undefined;
  let engine: SyncEngine | undefined;
  let lastLine = performance.now();
  const tick = setInterval(() => {
    if (!engine) return;
    const p = engine.progress.snapshot();
    if (bar) {
      if (p.filesTotal === 0) return;
      if (!bar.isActive) bar.start(p.bytesTotal || 1, 0, { line: '' });
      bar.setTotal(p.bytesTotal || 1);
      bar.update(p.bytesDone, { line: progressLine(p) });
    } else if (p.filesTotal > 0 && performance.now() - lastLine >= LINE_EVERY_MS) {
      lastLine = performance.now();
      process.stderr.write(`${progressLine(p)}\n`);
    }
  }, 200);
  const stop = () => engine?.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const summaries = await syncFolders(ctx, folders, {
      ...opts,
      onEngine: (e) => {
        engine = e;
      },
    });
    bar?.stop();
    for (const s of summaries) process.stdout.write(`${summaryLines(s).join('\n')}\n`);
    return summaries.some((s) => s.error || s.failed > 0) ? 1 : 0;
  } finally {
    clearInterval(tick);
    bar?.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
