// `safelight watch`: the engine as a foreground daemon. Every connected folder is watched and
// kept backed up; a line per file that reaches SmugMug (or fails), a line when a folder's state
// changes, and on a terminal a status line kept up to date at the bottom. SIGINT/SIGTERM stop
// it cleanly: uploads already sending get a few seconds to finish, the rest are abandoned safely;
// a second signal stops at once.
import type { FolderRow } from '../store/store.ts';
import { SyncEngine } from '../sync/engine.ts';
import { type FolderWatchStatus, WatchService } from '../sync/watch-service.ts';
import { type Context, clientFor, requireAccount, UserError } from './context.ts';
import { progressLine } from './format.ts';

const GRACE_MS = 10_000;

function phaseText(s: FolderWatchStatus): string {
  switch (s.phase) {
    case 'starting':
      return 'starting';
    case 'scanning':
      return 'looking for changes';
    case 'settling':
      return `waiting for ${s.settling} file(s) to settle`;
    case 'syncing':
      return 'uploading';
    case 'watching':
      return 'up to date, watching';
    case 'offline':
      return `offline: ${s.problem ?? 'folder not available'}`;
  }
}

export async function runWatch(
  ctx: Context,
  opts: { limit?: number; parallel?: number; out?: NodeJS.WritableStream },
): Promise<number> {
  const out = opts.out ?? process.stdout;
  const account = requireAccount(ctx);
  if (ctx.store.folders().length === 0) {
    throw new UserError('no folders connected yet: run "safelight add FOLDER" first');
  }
  const settings = {
    ...ctx.settings,
    ...(opts.limit !== undefined ? { bandwidthLimit: opts.limit } : {}),
    ...(opts.parallel !== undefined ? { parallelUploads: opts.parallel } : {}),
  };
  const engine = new SyncEngine({ store: ctx.store, client: clientFor(account, settings), settings });
  const service = new WatchService({ store: ctx.store, engine, settings: settings.watch });
  const folders = new Map<number, FolderRow>(ctx.store.folders().map((f) => [f.id, f]));
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  let statusShown = false;

  const write = (line: string) => {
    if (statusShown) out.write('\r\x1b[2K');
    statusShown = false;
    out.write(`${line}\n`);
  };
  const showStatus = () => {
    if (!tty) return;
    const p = engine.progress.snapshot();
    const busy = service.statuses().filter((s) => s.phase !== 'watching');
    const text =
      p.filesDone < p.filesTotal
        ? progressLine(p)
        : busy.length > 0
          ? busy.map((s) => `${s.path}: ${phaseText(s)}`).join(' | ')
          : 'all folders up to date, watching for changes';
    out.write(`\r\x1b[2K${text.slice(0, ((out as NodeJS.WriteStream).columns ?? 100) - 1)}`);
    statusShown = true;
  };

  engine.on('file', (e) => {
    const base = folders.get(e.folderId)?.path ?? '';
    write(`${e.state.padEnd(13)} ${base}/${e.relPath}${e.reason ? `: ${e.reason}` : ''}`);
  });
  const lastPhase = new Map<number, string>();
  service.on('status', (s) => {
    const text = `${phaseText(s)}${s.mode ? ` (${s.modeReason})` : ''}`;
    if (s.phase === 'settling' || lastPhase.get(s.folderId) === text) return;
    lastPhase.set(s.folderId, text);
    write(`${s.path}: ${text}`);
  });
  service.on('error', (e) => write(`error: ${e instanceof Error ? e.message : String(e)}`));

  let stopping: Promise<void> | undefined;
  let stopped: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const onSignal = () => {
    if (stopping) {
      engine.abort(new Error('stopped'));
      return;
    }
    write(`stopping: uploads in flight get up to ${GRACE_MS / 1000} s to finish (again to stop at once)`);
    stopping = service.stop(GRACE_MS).then(stopped);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tick = setInterval(showStatus, 500);
  try {
    await service.start();
    write(`watching ${folders.size} folder(s); Ctrl-C to stop`);
    await done;
    write('stopped');
    return 0;
  } finally {
    clearInterval(tick);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
