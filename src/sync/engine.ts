// The sync engine: brings SmugMug up to date with the connected folders, exactly once.
//
// Per folder: scan (size/mtime against the store) → plan the SmugMug tree → for each local
// dir with work to do, list its galleries that already exist once and claim what is there by
// MD5 → queue the rest. Uploads from every folder share one queue (the parallel-upload limit)
// and one token bucket (the bandwidth limit). A file is marked 'uploading' in the store before
// its first byte is sent, so after a crash the gallery listing tells whether it arrived.
import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import PQueue from 'p-queue';
import type { Settings } from '../config/settings.ts';
import { FileChangedError, md5File } from '../library/hash.ts';
import { checkFileLimits } from '../library/limits.ts';
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings, makeClassifier } from '../library/media.ts';
import { FolderUnavailableError, type ScanResult, scanFolder, scanPaths } from '../library/scan.ts';
import { parseWallClock } from '../library/wall-clock.ts';
import { type DatedFile, parseDateFolderOptions, planByDate } from '../plan/date-mode.ts';
import { planMirror } from '../plan/mirror.ts';
import { ALBUM_CAPACITY, assignOverflow, overflowKey } from '../plan/overflow.ts';
import type { SmugMugClient } from '../smugmug/client.ts';
import {
  LocalFileError,
  type NodeType,
  type Privacy,
  type RemoteImage,
  SmugMugError,
} from '../smugmug/types.ts';
import type { FileRow, FolderRow, Store } from '../store/store.ts';
import { convertedNames, isConverted, pairLive, readCaptures, sameCapture } from './content.ts';
import { eachLimited } from './each-limited.ts';
import { CHANGED_REASON, type Outcome, outcomeOf } from './failure.ts';
import { ProgressTracker } from './progress.ts';
import { RemoteTree, splitOverflow } from './remote-tree.ts';
import { dirOf, findRenamedDirs } from './renames.ts';
import { grant, TokenBucket } from './token-bucket.ts';

export type SmugMugApi = Pick<
  SmugMugClient,
  | 'authUser'
  | 'children'
  | 'createNode'
  | 'albumImages'
  | 'imageMetadata'
  | 'upload'
  | 'moveImages'
  | 'renameNode'
>;

export interface FolderSummary {
  folderId: number;
  path: string;
  scan: ScanResult | undefined;
  uploaded: number;
  replaced: number;
  /** Files found already on SmugMug (matched by MD5) and recorded without uploading. */
  alreadyThere: number;
  /** Files that moved or were renamed locally and were moved on SmugMug (or left where they were). */
  moved: number;
  /** Local folders renamed, and so their SmugMug folders or galleries. */
  renamed: number;
  failed: number;
  hashed: number;
  bytesSent: number;
  galleriesCreated: number;
  /** Set when the folder could not be synced at all (drive missing, account problem). */
  error: string | undefined;
  durationMs: number;
}

export interface FileEvent {
  folderId: number;
  relPath: string;
  state: 'uploaded' | 'replaced' | 'already-there' | 'moved' | 'failed' | 'changed' | 'deleted';
  reason?: string;
}

interface EngineEvents {
  file: [FileEvent];
}

/** A file being sent now, for the progress shown beside it. */
export interface Upload {
  fileId: number;
  folderId: number;
  relPath: string;
  sent: number;
  size: number;
}

/** A file that changes while it uploads is tried again this many times in one run. */
const CHANGED_RETRIES = 2;
const CHANGED_DELAY_MS = 1000;
const HASH_PARALLEL = 4;
const DELETED_WHILE_UPLOADING = 'deleted locally while uploading; the copy on SmugMug is kept';

export function mediaSettingsOf(folder: FolderRow): MediaSettings {
  const raw = JSON.parse(folder.settings || '{}') as Partial<MediaSettings>;
  return { ...DEFAULT_MEDIA_SETTINGS, ...raw };
}

function imageKeyOf(uri: string | null): string | undefined {
  return uri ? /\/image\/([^/-]+)-\d+$/.exec(uri)?.[1] : undefined;
}

function isVideoRow(run: FolderRun, row: FileRow): boolean {
  const c = run.classify(row.rel_path);
  return c.kind === 'media' && c.media === 'video';
}

function isTodo(r: FileRow): boolean {
  return (
    r.state === 'pending' || r.state === 'uploading' || (r.state === 'failed' && r.error_kind === 'transient')
  );
}

/**
 * Remote images nobody has claimed yet, by MD5 and by lower-cased file name; each can be claimed
 * by one local file only.
 */
class UnclaimedImages {
  private readonly byMd5 = new Map<string, Candidate[]>();
  private readonly byName = new Map<string, Candidate[]>();
  readonly perIndex = new Map<number, number>();
  size = 0;

  add(image: RemoteImage, index: number): void {
    this.perIndex.set(index, (this.perIndex.get(index) ?? 0) + 1);
    const candidate: Candidate = { image, index, taken: false };
    if (image.archivedMD5) push(this.byMd5, image.archivedMD5, candidate);
    push(this.byName, image.fileName.toLowerCase(), candidate);
    this.size++;
  }

  take(md5: string, fileName: string): Candidate | undefined {
    const list = (this.byMd5.get(md5) ?? []).filter((c) => !c.taken);
    const hit = list.find((c) => c.image.fileName === fileName) ?? list[0];
    if (hit) this.claim(hit);
    return hit;
  }

  /** Not yet claimed images listed under one of these (lower-cased) names. */
  named(names: readonly string[], isVideo: boolean): Candidate[] {
    return names
      .flatMap((n) => this.byName.get(n) ?? [])
      .filter((c) => !c.taken && c.image.isVideo === isVideo);
  }

  claim(hit: Candidate): void {
    hit.taken = true;
    this.perIndex.set(hit.index, (this.perIndex.get(hit.index) ?? 1) - 1);
    this.size--;
  }
}

interface Candidate {
  image: RemoteImage;
  index: number;
  taken: boolean;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** One gallery's share of a run: its files (sent or waiting) and those of them waiting. */
interface GalleryWork {
  key: string;
  rows: FileRow[];
  todo: FileRow[];
}

class FolderRun {
  readonly folder: FolderRow;
  readonly tree: RemoteTree;
  readonly classify: ReturnType<typeof makeClassifier>;
  readonly media: MediaSettings;
  /** Image keys recorded for any file of this folder: never claimed for another file. */
  readonly claimed = new Set<string>();
  readonly summary: FolderSummary;

  constructor(folder: FolderRow, tree: RemoteTree, media: MediaSettings) {
    this.folder = folder;
    this.tree = tree;
    this.classify = makeClassifier(media);
    this.media = media;
    this.summary = {
      folderId: folder.id,
      path: folder.path,
      scan: undefined,
      uploaded: 0,
      replaced: 0,
      alreadyThere: 0,
      moved: 0,
      renamed: 0,
      failed: 0,
      hashed: 0,
      bytesSent: 0,
      galleriesCreated: 0,
      error: undefined,
      durationMs: 0,
    };
  }
}

export class AccountError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AccountError';
  }
}

export class SyncEngine extends EventEmitter<EngineEvents> {
  readonly progress = new ProgressTracker();
  /** Files being sent now, by file id. */
  readonly uploads = new Map<number, Upload>();
  private readonly store: Store;
  private readonly client: SmugMugApi;
  private readonly queue: PQueue;
  private readonly bucket: TokenBucket;
  private readonly stop = new AbortController();
  /** Records being moved onto a new path right now: each can follow one new file only. */
  private readonly moving = new Set<number>();

  constructor(options: { store: Store; client: SmugMugApi; settings: Settings }) {
    super();
    this.store = options.store;
    this.client = options.client;
    this.queue = new PQueue({ concurrency: options.settings.parallelUploads });
    this.bucket = new TokenBucket(options.settings.bandwidthLimit);
  }

  get paused(): boolean {
    return this.queue.isPaused;
  }

  /** Why the engine stopped for good (an account problem, a shutdown); undefined while it runs. */
  get stopReason(): unknown {
    return this.stop.signal.aborted ? this.stop.signal.reason : undefined;
  }

  /** No new upload starts until resume(); uploads already sending finish. */
  pause(): void {
    this.queue.pause();
  }

  resume(): void {
    this.queue.start();
  }

  setBandwidthLimit(bytesPerSecond: number): void {
    this.bucket.setRate(bytesPerSecond);
  }

  setParallelUploads(n: number): void {
    this.queue.concurrency = n;
  }

  /**
   * Stops for good: no new upload starts, those sending get `graceMs` to finish, then the rest
   * are abandoned (each is marked in the store before its first byte and verified on the next
   * run, so none is lost or sent twice).
   */
  async shutdown(graceMs: number, reason: unknown = new Error('Safelight is stopping')): Promise<void> {
    this.queue.pause();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.queue.onPendingZero(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.abort(reason);
  }

  /** Stop starting uploads; in-flight ones are abandoned (they are verified on the next run). */
  abort(reason: unknown = new Error('stopped')): void {
    this.stop.abort(reason);
    this.queue.clear();
  }

  /** Sync every folder; one folder's failure never stops the others. */
  syncFolders(folders: FolderRow[]): Promise<FolderSummary[]> {
    return Promise.all(folders.map((f) => this.syncFolder(f)));
  }

  /**
   * Brings SmugMug up to date with one folder. With `paths` (from a watcher) only those paths
   * and what is below them are looked at on disk; otherwise the whole folder is walked.
   */
  async syncFolder(folder: FolderRow, options: { paths?: Iterable<string> } = {}): Promise<FolderSummary> {
    const started = performance.now();
    const media = mediaSettingsOf(folder);
    const run = new FolderRun(folder, new RemoteTree(this.client, this.store, folder), media);
    try {
      run.summary.scan = options.paths
        ? await scanPaths(this.store, folder, media, options.paths, this.stop.signal)
        : await scanFolder(this.store, folder, media, this.stop.signal);
      await this.uploadFolder(run);
      this.store.folderSynced(folder.id, Date.now(), null);
    } catch (e) {
      const reason =
        e instanceof FolderUnavailableError || e instanceof AccountError
          ? e.message
          : this.stop.signal.aborted
            ? 'stopped before it finished'
            : outcomeOf(e).reason;
      run.summary.error = reason;
      this.store.folderSynced(folder.id, Date.now(), reason);
      if (outcomeOf(e).action === 'account') this.abort(e);
    }
    run.summary.galleriesCreated = run.tree.created;
    run.summary.durationMs = performance.now() - started;
    return run.summary;
  }

  private async uploadFolder(run: FolderRun): Promise<void> {
    const { folder } = run;
    // A walk over a large unchanged library ends here without loading a single row.
    if (!this.store.hasWork(folder.id)) return;
    // Never every record of a large folder: the files to send, the kept files of the dirs with
    // something to send, and what each mode needs besides. All are read before the first await:
    // one consistent picture.
    const todo = this.store.todoFiles(folder.id);
    if (todo.length === 0) return;
    for (const uri of this.store.imageUrisOf(folder.id)) {
      const key = imageKeyOf(uri);
      if (key) run.claimed.add(key);
    }
    const keptByDir = new Map(
      [...new Set(todo.map((r) => dirOf(r.rel_path)))].map((dir) => [
        dir,
        this.store.keptFilesInDir(folder.id, dir),
      ]),
    );
    const datePlanned = folder.mode === 'date';
    const mirror = datePlanned ? undefined : this.mirrorSnapshot(folder, keptByDir);
    const waiting = [...keptByDir.values()].flat().filter(isTodo);
    await readCaptures(
      this.store,
      folder,
      datePlanned ? waiting : waiting.filter((r) => isConverted(r.rel_path, isVideoRow(run, r))),
      this.stop.signal,
    );
    if (run.media.videos) {
      for (const rows of keptByDir.values())
        await pairLive(this.store, folder, rows, isTodo, this.stop.signal);
    }
    if (this.stop.signal.aborted) throw this.stop.signal.reason;
    const galleries = datePlanned ? this.planDates(run, keptByDir) : await this.planMirrorRun(run, mirror);
    this.progress.add(
      waiting.length,
      waiting.reduce((sum, r) => sum + r.size, 0),
    );

    const assigned = new Map<FileRow, { key: string; index: number }>();
    for (const gallery of galleries) {
      if (this.stop.signal.aborted) break;
      const assignment = await this.prepareDir(run, gallery.key, gallery.rows, gallery.todo);
      for (const [row, index] of assignment) assigned.set(row, { key: gallery.key, index });
    }
    // A Live Photo's video goes right after its still, into the still's gallery: the two arrive
    // together, and a person looking at the gallery never sees one half without the other.
    const byPath = new Map([...assigned.keys()].map((r) => [r.rel_path, r]));
    const followers = new Map<FileRow, FileRow>();
    for (const row of assigned.keys()) {
      const still =
        row.live_role === 'video' && row.live_with !== null ? byPath.get(row.live_with) : undefined;
      if (still) followers.set(still, row);
    }
    const following = new Set(followers.values());
    const tasks: Promise<void>[] = [];
    for (const [row, { key, index }] of assigned) {
      if (following.has(row)) continue;
      const video = followers.get(row);
      tasks.push(
        this.queue.add(async () => {
          await this.uploadFile(run, row, key, index);
          if (video) await this.uploadFile(run, video, key, index);
        }),
      );
    }
    await Promise.all(tasks);
    if (this.stop.signal.aborted) throw this.stop.signal.reason;
  }

  /** What mirror mode reads from the store, before the first await of the run. */
  private mirrorSnapshot(folder: FolderRow, keptByDir: Map<string, FileRow[]>) {
    return {
      keptByDir,
      mediaCount: new Map(this.store.keptCounts(folder.id).map((d) => [d.dir, d.files])),
      evidence: this.store.renameEvidence(folder.id),
    };
  }

  /** Mirror mode: a gallery per local dir, after carrying renamed dirs over on SmugMug. */
  private async planMirrorRun(
    run: FolderRun,
    snapshot: ReturnType<SyncEngine['mirrorSnapshot']> | undefined,
  ): Promise<GalleryWork[]> {
    const { folder, tree } = run;
    if (!snapshot) throw new Error('mirror mode without its snapshot');
    const { keptByDir, mediaCount, evidence } = snapshot;
    const renames = findRenamedDirs(evidence, new Set(mediaCount.keys()), this.store.nodesOf(folder.id));
    for (const { from, to } of renames) this.store.renameNodeKeys(folder.id, from, to);
    if (renames.length > 0) tree.reload();
    const existing = new Map<string, NodeType>();
    for (const [key, node] of this.store.nodesOf(folder.id)) {
      if (key.startsWith('D:') && splitOverflow(key).index === 1)
        existing.set(key.slice(2), node.type as NodeType);
    }
    const plan = planMirror(
      [...mediaCount].map(([relPath, n]) => ({ relPath, mediaCount: n })),
      {
        rootName: basename(folder.path),
        privacy: folder.privacy as Privacy,
        baseDepth: tree.baseDepth,
        existing,
      },
    );
    tree.setPlan(plan);
    run.summary.renamed += await tree.applyRenames(renames.map((r) => r.to));
    return [...keptByDir].map(([dir, rows]) => {
      const key = plan.galleryFor.get(dir);
      if (!key) throw new Error(`the plan has no gallery for "${dir}"`);
      return { key, rows, todo: rows.filter(isTodo) };
    });
  }

  /**
   * Date mode: a gallery per month of capture. A file placed once stays in its gallery; a Live
   * Photo's video is placed by its still. Only the months with something to send are planned.
   */
  private planDates(run: FolderRun, keptByDir: Map<string, FileRow[]>): GalleryWork[] {
    const { folder, tree } = run;
    const options = parseDateFolderOptions(folder.date_options);
    const rows = [...keptByDir.values()].flat();
    const byPath = new Map(rows.map((r) => [r.rel_path, r]));
    const waiting = rows.filter(isTodo);
    const dated: DatedFile[] = waiting.map((row) => {
      const still =
        row.live_role === 'video' && row.live_with !== null ? byPath.get(row.live_with) : undefined;
      const source = still ?? row;
      const mtime = new Date(row.mtime_ms);
      const date = parseWallClock(source.capture_at) ?? {
        year: mtime.getFullYear(),
        month: mtime.getMonth() + 1,
      };
      const placedIn = (still ?? row).gallery_key;
      return {
        relPath: row.rel_path,
        date,
        ...(source.capture_source ? { source: source.capture_source as DatedFile['source'] } : {}),
        ...(placedIn ? { placedIn } : {}),
      };
    });
    const plan = planByDate(dated, {
      folderName: options.folderName,
      yearFolders: options.yearFolders,
      galleryFormat: options.galleryFormat,
      privacy: folder.privacy as Privacy,
      baseDepth: tree.baseDepth,
      // Overflow into "(2)" galleries is decided per gallery when it is listed, as in mirror mode.
      capacity: Number.MAX_SAFE_INTEGER,
    });
    tree.setPlan(plan);
    const todoByMonth = new Map<string, FileRow[]>();
    for (const row of waiting) {
      const key = plan.galleryFor.get(row.rel_path);
      if (!key) throw new Error(`the plan has no gallery for "${row.rel_path}"`);
      push(todoByMonth, splitOverflow(key).base, row);
    }
    return [...todoByMonth].map(([key, todoRows]) => {
      const ids = new Set(todoRows.map((r) => r.id));
      const placed = this.store.keptFilesInGallery(folder.id, key).filter((r) => !ids.has(r.id));
      return { key, rows: [...placed, ...todoRows], todo: todoRows };
    });
  }

  /**
   * Lists the dir's galleries that already exist, records local files that are already there,
   * and decides which gallery (overflow index) each remaining file goes to.
   */
  private async prepareDir(
    run: FolderRun,
    galleryKey: string,
    dirRows: FileRow[],
    dirTodo: FileRow[],
  ): Promise<Map<FileRow, number>> {
    const indexOf = (r: FileRow) => (r.gallery_key ? splitOverflow(r.gallery_key).index : undefined);
    const highest = Math.max(1, ...dirRows.map((r) => indexOf(r) ?? 1));
    const unclaimed = new UnclaimedImages();
    for (let n = 1; ; n++) {
      const node = await run.tree.find(overflowKey(galleryKey, n));
      if (!node) {
        if (n >= highest) break;
        continue;
      }
      if (!run.tree.preexisting.has(node.key) || !node.album_uri) continue;
      const images = await this.client.albumImages(node.album_uri).catch((e: unknown) => {
        // Deleted on SmugMug by the person: it is made again when a file needs it.
        if (outcomeOf(e).action !== 'gallery-missing') throw e;
        run.tree.forget(node.key);
        return [];
      });
      for (const image of images) {
        if (!run.claimed.has(image.imageKey)) unclaimed.add(image, n);
      }
    }

    let remaining = dirTodo;
    const found = new Set<number>();
    if (unclaimed.size > 0) {
      await this.hashAll(run, dirTodo);
      remaining = [];
      for (const row of dirTodo) {
        const current = this.store.file(row.id);
        if (!current || !isTodo(current)) continue;
        const hit = current.md5 ? unclaimed.take(current.md5, basename(current.rel_path)) : undefined;
        if (hit) {
          this.recordFound(run, current, overflowKey(galleryKey, hit.index), hit.image);
          found.add(current.id);
        } else remaining.push(current);
      }
      remaining = await this.findConverted(run, galleryKey, remaining, unclaimed, found);
    }
    const files = dirRows
      .filter((r) => !found.has(r.id))
      .map((r) => {
        const index = indexOf(r);
        return index === undefined ? { name: r.rel_path } : { name: r.rel_path, index };
      });
    const assigned = assignOverflow(files, ALBUM_CAPACITY, unclaimed.perIndex);
    return new Map(remaining.map((r) => [r, assigned.get(r.rel_path) ?? 1]));
  }

  /**
   * HEIC files and videos SmugMug converted on arrival keep neither their name nor their MD5
   * there, so without a record of sending them (a new computer, a lost state database) they are
   * told by the names SmugMug gives them and the time they were taken, never by MD5 alone.
   * Returns the rows still to send.
   */
  private async findConverted(
    run: FolderRun,
    galleryKey: string,
    rows: FileRow[],
    unclaimed: UnclaimedImages,
    found: Set<number>,
  ): Promise<FileRow[]> {
    const remaining: FileRow[] = [];
    for (const row of rows) {
      const isVideo = isVideoRow(run, row);
      const candidates = isConverted(row.rel_path, isVideo)
        ? unclaimed.named(convertedNames(basename(row.rel_path), isVideo), isVideo)
        : [];
      let hit: Candidate | undefined;
      for (const candidate of candidates) {
        const { dateTimeCreated } = await this.client.imageMetadata(candidate.image.imageUri, {
          signal: this.stop.signal,
        });
        if (sameCapture(row, dateTimeCreated)) {
          hit = candidate;
          break;
        }
      }
      if (!hit) {
        remaining.push(row);
        continue;
      }
      unclaimed.claim(hit);
      this.recordFound(run, row, overflowKey(galleryKey, hit.index), hit.image);
      found.add(row.id);
    }
    return remaining;
  }

  private async hashAll(run: FolderRun, rows: FileRow[]): Promise<void> {
    await eachLimited(rows, HASH_PARALLEL, this.stop.signal, async (row) => {
      if (row.md5) return;
      try {
        await this.hash(run, row);
      } catch (e) {
        this.fail(run, row, outcomeOf(e));
      }
    });
  }

  private async hash(run: FolderRun, row: FileRow): Promise<string> {
    const md5 = await md5File(join(run.folder.path, row.rel_path), {
      size: row.size,
      signal: this.stop.signal,
    });
    run.summary.hashed++;
    this.store.updateFile(row.id, { md5 });
    return md5;
  }

  private recordFound(run: FolderRun, row: FileRow, galleryKey: string, image: RemoteImage): void {
    const node = run.tree.nodeFor(galleryKey);
    this.store.updateFile(row.id, {
      state: 'uploaded',
      gallery_key: galleryKey,
      album_uri: node?.album_uri ?? null,
      image_uri: image.imageUri,
      album_image_uri: image.albumImageUri,
      web_url: image.webUri ?? null,
      uploaded_md5: row.md5,
      uploaded_size: row.size,
      uploaded_at: Date.now(),
      last_error: null,
      error_kind: null,
    });
    run.claimed.add(image.imageKey);
    run.summary.alreadyThere++;
    this.progress.finish(row.rel_path, row.size);
    this.emit('file', { folderId: run.folder.id, relPath: row.rel_path, state: 'already-there' });
  }

  private fail(run: FolderRun, row: FileRow, outcome: Outcome): void {
    const kind = outcome.action === 'permanent' ? 'permanent' : 'transient';
    // A file whose earlier version is on SmugMug keeps that record; only this attempt failed.
    this.store.updateFile(row.id, { state: 'failed', error_kind: kind, last_error: outcome.reason });
    run.summary.failed++;
    this.emit('file', {
      folderId: run.folder.id,
      relPath: row.rel_path,
      state: 'failed',
      reason: outcome.reason,
    });
  }

  private async uploadFile(run: FolderRun, row: FileRow, galleryKey: string, index: number): Promise<void> {
    if (this.stop.signal.aborted) return;
    let finished = false;
    try {
      for (let round = 0; round <= CHANGED_RETRIES && !this.stop.signal.aborted; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, CHANGED_DELAY_MS));
        const outcome = await this.uploadOnce(run, row.id, galleryKey, index);
        if (outcome !== 'changed') break;
      }
      finished = true;
    } catch (e) {
      const outcome = outcomeOf(e);
      if (this.stop.signal.aborted && outcome.action !== 'account') return;
      this.fail(run, row, outcome);
      finished = true;
      if (outcome.action === 'account') this.abort(new AccountError(outcome.reason));
    } finally {
      if (finished) this.progress.finish(row.rel_path, row.size);
    }
  }

  private changed(id: number): 'changed' {
    this.store.updateFile(id, {
      md5: null,
      state: 'failed',
      error_kind: 'transient',
      last_error: CHANGED_REASON,
    });
    return 'changed';
  }

  /** One attempt at one file; 'changed' when the file changed under it and should be tried again. */
  private async uploadOnce(
    run: FolderRun,
    id: number,
    galleryKey: string,
    startIndex: number,
  ): Promise<'done' | 'changed'> {
    const row = this.store.file(id);
    if (!row || !isTodo(row)) return 'done';
    const abs = join(run.folder.path, row.rel_path);
    const before = await stat(abs);
    if (!before.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    if (before.size !== row.size || before.mtimeMs !== row.mtime_ms) {
      // Changed since it was scanned: it may still be being written, so it waits to settle.
      this.store.updateFile(id, { size: before.size, mtime_ms: before.mtimeMs });
      return this.changed(id);
    }
    const c = run.classify(row.rel_path);
    if (c.kind !== 'media') throw new Error(`not a media file any more: ${row.rel_path}`);
    // SmugMug's limits (size, a video's length), before any byte is sent.
    const limits = await checkFileLimits(abs, c.media, row.size, { raw: run.media.raw });
    if (limits.problem) {
      this.fail(run, row, { action: 'permanent', reason: limits.problem });
      return 'done';
    }
    const md5 =
      row.md5 ??
      (await this.hash(run, row).catch((e: unknown) =>
        e instanceof FileChangedError ? null : Promise.reject(e),
      ));
    if (md5 === null) return this.changed(id);
    if (row.image_uri && row.uploaded_md5 === md5) {
      this.store.updateFile(id, { state: 'uploaded', last_error: null, error_kind: null });
      return 'done';
    }

    let index = startIndex;
    for (let hop = 0; ; hop++) {
      const key = overflowKey(galleryKey, index);
      const gallery = await run.tree.ensure(key);
      const albumUri = gallery.album_uri as string;
      const replace = row.image_uri && row.album_uri === albumUri ? row.image_uri : undefined;
      if (!row.image_uri) {
        try {
          if (await this.moveInstead(run, row, md5, key, albumUri)) return 'done';
        } catch (e) {
          if (outcomeOf(e).action !== 'gallery-missing' || hop > 0) throw e;
          run.tree.forget(key);
          continue;
        }
      }
      this.store.updateFile(id, {
        state: 'uploading',
        attempts: row.attempts + 1,
        gallery_key: key,
        album_uri: albumUri,
      });
      const relPath = row.rel_path;
      const converted = isConverted(relPath, c.media === 'video');
      const upload: Upload = { fileId: id, folderId: run.folder.id, relPath, sent: 0, size: row.size };
      this.uploads.set(id, upload);
      try {
        const result = await this.client.upload({
          albumUri,
          filePath: abs,
          size: row.size,
          md5,
          fileName: basename(relPath),
          mimeType: c.mimeType,
          ...(replace ? { replaceImageUri: replace } : {}),
          pace: (wanted) => grant(this.bucket, wanted, this.stop.signal),
          onProgress: (sent) => {
            upload.sent = sent;
            this.progress.sending(relPath, sent);
          },
          matches: (image) =>
            !run.claimed.has(image.imageKey) &&
            (image.archivedMD5 === md5 ||
              (converted &&
                convertedNames(basename(relPath), c.media === 'video').includes(
                  image.fileName.toLowerCase(),
                ))),
          signal: this.stop.signal,
        });
        const imageKey = imageKeyOf(result.imageUri);
        if (imageKey) run.claimed.add(imageKey);
        run.summary.bytesSent += row.size;
        return await this.recordUploaded(run, row, md5, key, albumUri, result, replace !== undefined, before);
      } catch (e) {
        // The file shrank or went away while it was being read: look at it again shortly.
        if (e instanceof LocalFileError) return this.changed(id);
        const outcome = outcomeOf(e);
        if (outcome.action === 'gallery-full' && hop < 50) {
          index++;
          continue;
        }
        if (outcome.action === 'gallery-missing' && hop === 0) {
          run.tree.forget(key);
          continue;
        }
        throw e;
      } finally {
        this.uploads.delete(id);
      }
    }
  }

  /**
   * A new file whose content was uploaded before from a path that is gone now is that file,
   * moved or renamed: its SmugMug image is moved into this file's gallery (or left alone when
   * it is already there) and the record follows it, so nothing is uploaded again.
   */
  private async moveInstead(
    run: FolderRun,
    row: FileRow,
    md5: string,
    galleryKey: string,
    albumUri: string,
  ): Promise<boolean> {
    for (const source of this.store.filesUploadedAs(md5)) {
      if (source.id === row.id || !source.album_image_uri || this.moving.has(source.id)) continue;
      if (source.state !== 'deleted' && !(await this.isGone(source))) continue;
      this.moving.add(source.id);
      try {
        let remote = { imageUri: source.image_uri as string, albumImageUri: source.album_image_uri };
        if (source.album_uri !== albumUri) {
          const moved = await this.client.moveImages(albumUri, [source.album_image_uri], {
            signal: this.stop.signal,
          });
          const to = moved.get(source.album_image_uri);
          if (!to) {
            throw new SmugMugError('server', `SmugMug has not moved "${basename(source.rel_path)}" yet`, {
              transient: true,
            });
          }
          remote = to;
        }
        this.store.transaction(() => {
          this.store.deleteFile(source.id);
          this.store.updateFile(row.id, {
            state: 'uploaded',
            md5,
            gallery_key: galleryKey,
            album_uri: albumUri,
            image_uri: remote.imageUri,
            album_image_uri: remote.albumImageUri,
            web_url: source.web_url,
            uploaded_md5: md5,
            uploaded_size: row.size,
            uploaded_at: source.uploaded_at,
            last_error: null,
            error_kind: null,
          });
        });
      } finally {
        this.moving.delete(source.id);
      }
      const imageKey = imageKeyOf(source.image_uri);
      if (imageKey) run.claimed.add(imageKey);
      run.summary.moved++;
      this.emit('file', { folderId: run.folder.id, relPath: row.rel_path, state: 'moved' });
      return true;
    }
    return false;
  }

  /** The file a record stands for is no longer on disk (and its drive is). */
  private async isGone(row: FileRow): Promise<boolean> {
    const folder = this.store.folders().find((f) => f.id === row.folder_id);
    if (!folder) return true;
    const [root, file] = await Promise.all([
      stat(folder.path).then(
        () => true,
        () => false,
      ),
      stat(join(folder.path, row.rel_path)).then(
        () => true,
        (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
      ),
    ]);
    return root && !file;
  }

  private async recordUploaded(
    run: FolderRun,
    row: FileRow,
    md5: string,
    galleryKey: string,
    albumUri: string,
    result: { imageUri: string; albumImageUri: string; url?: string },
    replaced: boolean,
    before: { size: number; mtimeMs: number },
  ): Promise<'done' | 'changed'> {
    const uploaded = {
      gallery_key: galleryKey,
      album_uri: albumUri,
      image_uri: result.imageUri,
      album_image_uri: result.albumImageUri,
      web_url: result.url ?? null,
      uploaded_md5: md5,
      uploaded_size: row.size,
      uploaded_at: Date.now(),
    };
    const after = await stat(join(run.folder.path, row.rel_path)).catch(() => undefined);
    const folderId = run.folder.id;
    if (!after) {
      this.store.updateFile(row.id, { ...uploaded, state: 'deleted', last_error: DELETED_WHILE_UPLOADING });
      this.emit('file', {
        folderId,
        relPath: row.rel_path,
        state: 'deleted',
        reason: DELETED_WHILE_UPLOADING,
      });
      return 'done';
    }
    if (replaced) run.summary.replaced++;
    else run.summary.uploaded++;
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      // What arrived is the file as it was when hashed; the newer version replaces it in place.
      this.store.updateFile(row.id, {
        ...uploaded,
        size: after.size,
        mtime_ms: after.mtimeMs,
        md5: null,
        state: 'failed',
        error_kind: 'transient',
        last_error: CHANGED_REASON,
      });
      this.emit('file', { folderId, relPath: row.rel_path, state: 'changed', reason: CHANGED_REASON });
      return 'changed';
    }
    this.store.updateFile(row.id, { ...uploaded, state: 'uploaded', last_error: null, error_kind: null });
    this.emit('file', { folderId, relPath: row.rel_path, state: replaced ? 'replaced' : 'uploaded' });
    return 'done';
  }
}
