// The engine as a long-running service: every connected folder is watched (native events, or
// polling on network shares), reported paths wait out the settle window, and each settled batch
// becomes a sync of just those paths. A walk of every folder at start-up finds what happened
// while Safelight was not running; the same walk runs every hour and after the computer wakes,
// to catch anything events missed. One sync at a time per folder; reports that arrive during a
// sync are gathered for the next one.
import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import type { WatchSettings } from '../config/settings.ts';
import { Settler } from '../library/settle.ts';
import { type FolderWatcher, startWatching } from '../library/watch/backends.ts';
import { chooseWatchMode, type WatchMode, type WatchSetting } from '../library/watch/mode.ts';
import type { FolderRow, Store } from '../store/store.ts';
import type { FolderSummary, SyncEngine } from './engine.ts';

export type FolderPhase = 'starting' | 'scanning' | 'settling' | 'syncing' | 'watching' | 'offline';

export interface FolderWatchStatus {
  folderId: number;
  path: string;
  phase: FolderPhase;
  /** How the folder is watched and why, in plain words; empty while it is offline. */
  mode: WatchMode | undefined;
  modeReason: string;
  /** Paths waiting for their settle window. */
  settling: number;
  /** Why the folder cannot be synced now (drive missing), when it cannot. */
  problem: string | undefined;
}

interface WatchServiceEvents {
  status: [FolderWatchStatus];
  synced: [FolderSummary];
  error: [unknown];
}

// Hidden folders and NAS system folders never hold anything to back up; leaving them out keeps
// the number of OS watches and events down. The classifier still decides for every path.
const IGNORE_GLOBS = [
  '**/.*',
  '**/@eaDir',
  '**/#recycle',
  '**/#snapshot',
  '**/@Recycle',
  '**/$RECYCLE.BIN',
  '**/System Volume Information',
];

/** A gap this much longer than the wake check's period means the computer was asleep. */
const WAKE_CHECK_MS = 30_000;
const SLEEP_GAP_MS = 60_000;

class FolderLoop {
  readonly folderId: number;
  status: FolderWatchStatus;
  watcher: FolderWatcher | undefined;
  settler: Settler | undefined;
  /** Settled paths waiting for the next sync; 'all' = walk the whole folder. */
  queued = new Set<string>();
  walkAll = true;
  running: Promise<void> | undefined;

  constructor(folder: FolderRow) {
    this.folderId = folder.id;
    this.status = {
      folderId: folder.id,
      path: folder.path,
      phase: 'starting',
      mode: undefined,
      modeReason: '',
      settling: 0,
      problem: undefined,
    };
  }
}

export class WatchService extends EventEmitter<WatchServiceEvents> {
  private readonly store: Store;
  private readonly engine: SyncEngine;
  private readonly settings: WatchSettings;
  private readonly perFolderAbove: number | undefined;
  private readonly loops = new Map<number, FolderLoop>();
  private reconcileTimer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  /**
   * `perFolderAbove`: folders with more recorded files than this get one watch per folder instead
   * of @parcel/watcher on Linux (default PER_FOLDER_ABOVE_FILES; tests lower it).
   */
  constructor(options: {
    store: Store;
    engine: SyncEngine;
    settings: WatchSettings;
    perFolderAbove?: number;
  }) {
    super();
    this.store = options.store;
    this.engine = options.engine;
    this.settings = options.settings;
    this.perFolderAbove = options.perFolderAbove;
  }

  /** Starts watching every connected folder, then walks each one to catch up. */
  async start(): Promise<void> {
    await Promise.all(this.store.folders().map((f) => this.startFolder(f)));
    this.reconcileTimer = setInterval(() => this.reconcile(), this.settings.reconcileMs);
    let last = Date.now();
    this.wakeTimer = setInterval(() => {
      const now = Date.now();
      if (now - last > WAKE_CHECK_MS + SLEEP_GAP_MS) this.reconcile();
      last = now;
    }, WAKE_CHECK_MS);
    this.reconcileTimer.unref();
    this.wakeTimer.unref();
  }

  statuses(): FolderWatchStatus[] {
    return [...this.loops.values()].map((l) => ({ ...l.status, settling: l.settler?.waiting ?? 0 }));
  }

  /** Walks every folder (and starts watching those that came back online). */
  reconcile(): void {
    for (const id of this.loops.keys()) this.syncNow(id);
  }

  /**
   * Stops watching. Uploads already sending get `graceMs` to finish; after that they are
   * abandoned, which is safe: each is marked in the store before its first byte, and the next
   * start lists its gallery before sending it again.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.reconcileTimer);
    clearInterval(this.wakeTimer);
    const loops = [...this.loops.values()];
    for (const loop of loops) loop.settler?.close();
    await Promise.all(loops.map((l) => l.watcher?.close()));
    await this.engine.shutdown(graceMs);
    await Promise.all(loops.map((l) => l.running));
  }

  /**
   * Walks one folder now (and starts watching it if it came back online), or with `paths` looks
   * again at only those paths of it.
   */
  syncNow(folderId: number, paths?: Iterable<string>): void {
    const loop = this.loops.get(folderId);
    if (!loop) return;
    if (!loop.watcher) {
      const folder = this.folderOf(loop.folderId);
      if (folder) void this.watch(loop, folder).catch((e: unknown) => this.emit('error', e));
    }
    if (paths) for (const p of paths) loop.queued.add(p);
    else loop.walkAll = true;
    this.kick(loop);
  }

  /** Watches and walks a folder connected while the service runs. */
  async addFolder(folder: FolderRow): Promise<void> {
    if (this.stopped || this.loops.has(folder.id)) return;
    await this.startFolder(folder);
  }

  /** Stops watching a folder, before it leaves the store; a sync of it already running finishes. */
  async removeFolder(folderId: number): Promise<void> {
    const loop = this.loops.get(folderId);
    if (!loop) return;
    this.loops.delete(folderId);
    loop.walkAll = false;
    loop.queued.clear();
    loop.settler?.close();
    await loop.watcher?.close();
  }

  private folderOf(id: number): FolderRow | undefined {
    return this.store.folders().find((f) => f.id === id);
  }

  private setStatus(loop: FolderLoop, change: Partial<FolderWatchStatus>): void {
    loop.status = { ...loop.status, ...change, settling: loop.settler?.waiting ?? 0 };
    this.emit('status', loop.status);
  }

  private async startFolder(folder: FolderRow): Promise<void> {
    const loop = new FolderLoop(folder);
    this.loops.set(folder.id, loop);
    try {
      await this.watch(loop, folder);
    } catch (e) {
      this.emit('error', e);
    }
    this.kick(loop);
  }

  private async watch(loop: FolderLoop, folder: FolderRow): Promise<void> {
    const present = await stat(folder.path).then(
      (s) => s.isDirectory(),
      () => false,
    );
    // Offline (drive unplugged): the sync says so; watching starts when the folder is back.
    if (!present || this.stopped || loop.watcher) return;
    const settler = new Settler({
      root: folder.path,
      windowMs: this.settings.settleMs,
      onSettled: (paths) => {
        for (const p of paths) loop.queued.add(p);
        this.kick(loop);
      },
      onError: (e) => this.emit('error', e),
    });
    const choice = await chooseWatchMode(folder.path, folder.watch as WatchSetting, {
      dirCount: this.store.dirCount(folder.id),
      fileCount: this.store.countFiles(folder.id, []),
      pollIntervalMs: this.settings.pollIntervalMs,
      perFolderAbove: this.perFolderAbove,
    });
    const watcher = await startWatching(
      folder.path,
      choice,
      {
        onChange: (paths) => {
          settler.report(paths);
          if (loop.status.phase === 'watching') this.setStatus(loop, { phase: 'settling' });
        },
        // The watcher lost track (the folder went away, too many changes at once): walk it.
        onError: () => {
          loop.walkAll = true;
          this.kick(loop);
        },
      },
      { ignore: IGNORE_GLOBS, pollIntervalMs: this.settings.pollIntervalMs },
    );
    if (this.stopped) {
      settler.close();
      await watcher.close();
      return;
    }
    loop.watcher = watcher;
    loop.settler = settler;
    this.setStatus(loop, { mode: watcher.mode, modeReason: watcher.reason });
  }

  private kick(loop: FolderLoop): void {
    if (loop.running || this.stopped) return;
    if (!loop.walkAll && loop.queued.size === 0) {
      if ((loop.settler?.waiting ?? 0) === 0 && loop.status.phase !== 'offline') {
        this.setStatus(loop, { phase: 'watching' });
      }
      return;
    }
    loop.running = this.syncLoop(loop).finally(() => {
      loop.running = undefined;
      this.kick(loop);
    });
  }

  private async syncLoop(loop: FolderLoop): Promise<void> {
    const folder = this.folderOf(loop.folderId);
    if (!folder) return;
    const all = loop.walkAll;
    const paths = [...loop.queued];
    loop.walkAll = false;
    loop.queued.clear();
    this.setStatus(loop, { phase: all ? 'scanning' : 'syncing' });
    try {
      const summary = await this.engine.syncFolder(folder, all ? {} : { paths });
      const offline = summary.error !== undefined && summary.scan === undefined;
      this.setStatus(loop, { phase: offline ? 'offline' : 'syncing', problem: summary.error });
      this.emit('synced', summary);
      if (offline && loop.watcher) {
        await loop.watcher.close();
        loop.watcher = undefined;
        loop.settler?.close();
        loop.settler = undefined;
        this.setStatus(loop, { mode: undefined, modeReason: '' });
      }
    } catch (e) {
      this.emit('error', e);
    }
  }
}
