// The engine behind the window: every command of the protocol (src/protocol/schema.ts) answered
// from the store, the settings and the sync engine, and a snapshot of the whole state pushed to
// every connected window when it changes. One host serves any number of windows (the desktop
// app's MessagePort, browsers through the daemon's WebSocket). Signed in, it runs the engine and
// watches every connected folder; signed out, the folders wait.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir } from '../config/files.ts';
import type { HomePaths } from '../config/home.ts';
import {
  type Account,
  loadAccount,
  loadSettings,
  type Settings,
  saveAccount,
  saveSettings,
} from '../config/settings.ts';
import { FolderProblem } from '../library/connectable.ts';
import { DEFAULT_MEDIA_SETTINGS } from '../library/media.ts';
import { dateFolderOptions } from '../plan/date-options.ts';
import type {
  AccountInfoData,
  AppSettingsData,
  EventOf,
  FolderInfoData,
  MappingNodeData,
  SnapshotData,
} from '../protocol/schema.ts';
import { CommandError, type Handlers, mergeChanged, Publisher, serveProtocol } from '../protocol/server.ts';
import type { Transport } from '../protocol/transport.ts';
import { SmugMugClient } from '../smugmug/client.ts';
import type { WaitInfo } from '../smugmug/retry.ts';
import { SMUGMUG_ENDPOINTS } from '../smugmug/types.ts';
import type { FolderRow, StateCounts } from '../store/store.ts';
import { noCounts, Store } from '../store/store.ts';
import {
  AccountError,
  type FileEvent,
  type FolderSummary,
  mediaSettingsOf,
  SyncEngine,
} from '../sync/engine.ts';
import { outcomeOf } from '../sync/failure.ts';
import { TARGET_KEY } from '../sync/remote-tree.ts';
import { type FolderWatchStatus, WatchService } from '../sync/watch-service.ts';
import { isVideo, RecentEvents } from './activity.ts';
import { appSettingsOf, changeSettings, folderMedia, mediaChanged } from './app-settings.ts';
import { type Conditions, nextChange, type PauseInfo, pauseInfo } from './conditions.ts';
import { dateFolderMappingNodes } from './date-mapping.ts';
import { failureGroups } from './failures.ts';
import { SnapshotFeed } from './feed.ts';
import { fileInfo } from './file-info.ts';
import { type ApiWait, folderInfo } from './folder-state.ts';
import { LoginFlow, type LoginTarget } from './login.ts';
import { folderMappingNodes, normalTarget } from './mapping.ts';
import { overviewOf } from './overview.ts';
import { type ConnectContext, checkFolder, previewFolder } from './preview.ts';
import { RemoteFactsCache } from './remote-facts.ts';
import { Thumbnailer } from './thumbnails.ts';

export type { LoginTarget } from './login.ts';

/** Where the SmugMug account is kept between runs. */
export interface AccountStore {
  load(): Account | undefined | Promise<Account | undefined>;
  save(account: Account): void | Promise<void>;
  remove(): void | Promise<void>;
}

/** account.json in the home folder (owner only), as the headless daemon and the command line keep it. */
export function accountFile(file: string): AccountStore {
  return {
    load: () => loadAccount(file),
    save: (account) => saveAccount(file, account),
    remove: () => rm(file, { force: true }),
  };
}

export interface HostOptions {
  paths: HomePaths;
  /** Where the account is kept (default: account.json in `paths.home`). */
  accounts?: AccountStore;
  /** The desktop app (start at login and the battery apply), not the headless daemon. */
  desktop: boolean;
  /** The SmugMug API key the window's "Sign in" uses; without it signing in says so. */
  login?: LoginTarget;
  /** Where unexpected errors are written (default: stderr). */
  log?: (line: string) => void;
}

interface Session {
  account: Account;
  client: SmugMugClient;
  engine: SyncEngine;
  watch: WatchService;
}

type Topic = EventOf<'changed'>['topics'][number];

interface Moment {
  now: number;
  account: AccountInfoData;
  pause: PauseInfo;
  statuses: Map<number, FolderWatchStatus>;
  /** Files being sent now, per folder. */
  sending: Map<number, number>;
  wait: ApiWait | null;
}

const GRACE_MS = 10_000;
const LOGOUT_GRACE_MS = 3000;
/** A folder whose sync did not finish (offline, SmugMug failing) is tried again after this, doubling. */
const RETRY_FIRST_MS = 60_000;
const RETRY_MAX_MS = 30 * 60_000;
/** Retried files are looked at one by one up to this many per folder; more, and the folder is walked. */
const RETRY_PATHS_MAX = 1000;
/** Waits shorter than this would only make the state flicker. */
const SHOWN_WAIT_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

const NO_COUNTS: Readonly<StateCounts> = noCounts();
const NO_PROGRESS: SnapshotData['progress'] = {
  filesDone: 0,
  filesTotal: 0,
  bytesDone: 0,
  bytesTotal: 0,
  rate: 0,
  etaSeconds: null,
};

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isAccountProblem(reason: unknown): boolean {
  return reason instanceof AccountError || outcomeOf(reason).action === 'account';
}

function waitOf(info: WaitInfo, now: number): ApiWait {
  const { kind, message } = info.error;
  return {
    kind: kind === 'rate-limit' ? 'rate-limited' : 'offline',
    reason:
      kind === 'network' || kind === 'timeout'
        ? 'cannot reach SmugMug'
        : kind === 'server'
          ? 'SmugMug is having trouble'
          : message,
    until: now + info.ms,
  };
}

export class EngineHost {
  readonly handlers: Handlers;
  private readonly options: HostOptions;
  private readonly paths: HomePaths;
  private readonly store: Store;
  private readonly publisher = new Publisher(250);
  private readonly feed: SnapshotFeed;
  private readonly thumbnails: Thumbnailer;
  private readonly login: LoginFlow;
  private readonly accounts: AccountStore;
  private readonly recent = new RecentEvents();
  private readonly attached = new Set<() => void>();
  private settings: Settings;
  private account: Account | undefined;
  private accountProblem: string | null;
  private session: Session | undefined;
  private readonly conditions: Conditions = { user: null, onBattery: false, suspended: false };
  private pauseTimer: NodeJS.Timeout | undefined;
  private wait: ApiWait | null = null;
  /** Folders whose last sync did not finish: when they are tried again, and the delay after that. */
  private readonly retries = new Map<number, { at: number; delayMs: number; timer: NodeJS.Timeout }>();
  /** Uploaded files of each folder when its current sync started, for "Uploading n of m". */
  private readonly runs = new Map<number, number>();
  private lastCounts = new Map<number, StateCounts>();
  /** Progress counted from here: the engine's totals when it was last idle. */
  private progressBase = { files: 0, bytes: 0 };
  private readonly remoteFacts = new RemoteFactsCache();
  /** Commands that change what is connected or signed in run one at a time. */
  private serialized: Promise<unknown> = Promise.resolve();
  private closing = false;

  private constructor(
    options: HostOptions,
    store: Store,
    settings: Settings,
    accounts: AccountStore,
    account: Account | undefined,
    problem: string | null,
  ) {
    this.options = options;
    this.paths = options.paths;
    this.store = store;
    this.settings = settings;
    this.account = account;
    this.accountProblem = problem;
    this.login = new LoginFlow(options.login);
    this.accounts = accounts;
    this.thumbnails = new Thumbnailer(join(options.paths.home, 'thumbnails'));
    this.feed = new SnapshotFeed({
      build: () => this.buildSnapshot(),
      send: (snapshot) => this.publisher.publish('snapshot', snapshot),
      busy: () => this.busy(),
    });
    this.handlers = this.makeHandlers();
  }

  /** Opens the state, settings and account in `paths.home`; signed in, starts backing up. */
  static async open(options: HostOptions): Promise<EngineHost> {
    ensurePrivateDir(options.paths.home);
    const settings = loadSettings(options.paths.settings);
    const store = new Store(options.paths.state);
    const accounts = options.accounts ?? accountFile(options.paths.account);
    let account: Account | undefined;
    let problem: string | null = null;
    try {
      account = await accounts.load();
    } catch (e) {
      problem = messageOf(e);
    }
    const host = new EngineHost(options, store, settings, accounts, account, problem);
    host.applyPause();
    if (account) await host.startSession(account);
    return host;
  }

  /** Serves one window on `transport` and sends it the snapshot at once; returns a function that stops. */
  attach(transport: Transport): () => void {
    const stopServing = serveProtocol(transport, this.handlers, {
      onUnexpectedError: (e, command) => this.log(`${command} failed: ${messageOf(e)}`),
    });
    const stopPublishing = this.publisher.add(transport);
    this.publisher.sendTo(transport, 'snapshot', this.feed.current());
    const detach = () => {
      stopServing();
      stopPublishing();
      this.attached.delete(detach);
    };
    this.attached.add(detach);
    return detach;
  }

  /** Stops: uploads in flight get `graceMs` to finish, the rest are safely abandoned. */
  async close(graceMs = GRACE_MS): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.pauseTimer);
    this.feed.close();
    await this.stopSession(graceMs);
    this.thumbnails.close();
    for (const detach of [...this.attached]) detach();
    this.publisher.close();
    this.store.close();
  }

  /** How long building the last snapshot took, in milliseconds (for benchmarks). */
  get snapshotBuildMs(): number {
    return this.feed.buildMs;
  }

  private log(line: string): void {
    if (this.options.log) this.options.log(line);
    else process.stderr.write(`safelight: ${line}\n`);
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.serialized.then(job);
    this.serialized = run.catch(() => undefined);
    return run;
  }

  private changed(topics: Topic[], folderIds: number[]): void {
    this.publisher.publish('changed', { topics, folderIds }, mergeChanged);
  }

  private folderOr(id: number): FolderRow {
    const folder = this.store.folder(id);
    if (!folder) throw new CommandError(`no connected folder has id ${id}`);
    return folder;
  }

  private needSession(): Session {
    if (!this.session) throw new CommandError('sign in to SmugMug first');
    return this.session;
  }

  private connectContext(): ConnectContext {
    return {
      connected: this.store.folders().map((f) => f.path),
      home: this.paths.home,
      media: { ...DEFAULT_MEDIA_SETTINGS, ...folderMedia(this.settings) },
    };
  }

  // ---- the engine, while signed in ----------------------------------------------------------

  private async startSession(account: Account): Promise<void> {
    const client = new SmugMugClient({
      endpoints: account.endpoints,
      credentials: account,
      retry: this.settings.retry,
      onWait: (info) => this.onWait(info),
    });
    const engine = new SyncEngine({ store: this.store, client, settings: this.settings });
    const watch = new WatchService({ store: this.store, engine, settings: this.settings.watch });
    const session: Session = { account, client, engine, watch };
    this.session = session;
    this.account = account;
    this.accountProblem = null;
    this.progressBase = { files: 0, bytes: 0 };
    if (pauseInfo(this.conditions, this.settings, Date.now()).paused) engine.pause();
    engine.on('file', (e) => {
      if (this.session === session) this.onFile(e);
    });
    watch.on('status', (s) => {
      if (this.session === session) this.onStatus(s.folderId, s.phase);
    });
    watch.on('synced', (summary) => {
      if (this.session === session) this.onSynced(session, summary);
    });
    watch.on('error', (e) => this.log(`watching: ${messageOf(e)}`));
    this.feed.invalidate();
    await watch.start();
  }

  private async stopSession(graceMs: number): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    for (const r of this.retries.values()) clearTimeout(r.timer);
    this.retries.clear();
    this.runs.clear();
    this.wait = null;
    this.feed.invalidate();
    await session.watch.stop(graceMs);
  }

  private onWait(info: WaitInfo): void {
    if (info.ms < SHOWN_WAIT_MS) return;
    this.wait = waitOf(info, Date.now());
    this.feed.invalidate();
  }

  private onFile(e: FileEvent): void {
    this.recent.remember(e);
    const topics: Topic[] = ['files'];
    if (e.state === 'failed') topics.push('failures');
    else if (e.state !== 'changed') topics.push('activity');
    this.changed(topics, [e.folderId]);
    this.feed.invalidate();
  }

  private onStatus(folderId: number, phase: string): void {
    if (phase === 'scanning' || phase === 'syncing') {
      if (!this.runs.has(folderId)) this.runs.set(folderId, this.store.counts(folderId).uploaded);
    } else if (phase === 'watching' || phase === 'offline') {
      this.runs.delete(folderId);
    }
    this.feed.invalidate();
  }

  private onSynced(session: Session, summary: FolderSummary): void {
    this.changed(['files', 'folders'], [summary.folderId]);
    const stopped = session.engine.stopReason;
    if (stopped !== undefined && !this.closing && isAccountProblem(stopped)) {
      void this.serial(() => this.needsAttention(messageOf(stopped)));
      return;
    }
    this.scheduleRetry(summary);
    this.feed.invalidate();
  }

  /** SmugMug refused the account: nothing more is tried until the person signs in again. */
  private async needsAttention(problem: string): Promise<void> {
    this.accountProblem = problem;
    await this.stopSession(0);
    this.changed(['folders'], []);
    this.feed.invalidate();
  }

  private scheduleRetry(summary: FolderSummary): void {
    const id = summary.folderId;
    const previous = this.retries.get(id);
    clearTimeout(previous?.timer);
    const paused = pauseInfo(this.conditions, this.settings, Date.now()).paused;
    const unfinished = summary.error !== undefined || (!paused && this.store.hasWork(id));
    if (!unfinished) {
      this.retries.delete(id);
      return;
    }
    const delayMs = previous ? Math.min(previous.delayMs * 2, RETRY_MAX_MS) : RETRY_FIRST_MS;
    const timer = setTimeout(() => this.session?.watch.syncNow(id), delayMs);
    timer.unref();
    this.retries.set(id, { at: Date.now() + delayMs, delayMs, timer });
  }

  private clearRetry(folderId: number): void {
    clearTimeout(this.retries.get(folderId)?.timer);
    this.retries.delete(folderId);
  }

  // ---- pausing -------------------------------------------------------------------------------

  /** Pauses or resumes the engine as the conditions say, and wakes up when they change by themselves. */
  private applyPause(): void {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    const now = Date.now();
    const until = this.conditions.user?.until;
    if (until != null && until <= now) this.conditions.user = null;
    const engine = this.session?.engine;
    if (engine) {
      if (pauseInfo(this.conditions, this.settings, now).paused) engine.pause();
      else engine.resume();
    }
    const next = nextChange(this.conditions, this.settings, now);
    if (next !== null && !this.closing) {
      this.pauseTimer = setTimeout(() => this.applyPause(), Math.min(next - now + 50, MAX_TIMER_MS));
      this.pauseTimer.unref();
    }
    this.feed.invalidate();
  }

  // ---- the snapshot --------------------------------------------------------------------------

  private accountInfo(): AccountInfoData {
    const a = this.account;
    const problem = this.accountProblem;
    if (!a) {
      return {
        state: problem ? 'needs-attention' : 'signed-out',
        nickname: null,
        apiBaseUrl: null,
        sandbox: false,
        problem,
      };
    }
    return {
      state: problem ? 'needs-attention' : 'signed-in',
      nickname: a.nickname,
      apiBaseUrl: a.endpoints.apiBaseUrl,
      sandbox: a.endpoints.apiBaseUrl !== SMUGMUG_ENDPOINTS.apiBaseUrl,
      problem,
    };
  }

  /** Work that moves the snapshot by itself: uploads sending, folders being walked or settling. */
  private busy(): boolean {
    const session = this.session;
    if (!session) return false;
    if (session.engine.uploads.size > 0) return true;
    if (session.engine.paused) return false;
    return session.watch.statuses().some((s) => s.phase !== 'watching' && s.phase !== 'offline');
  }

  private progress(session: Session | undefined): SnapshotData['progress'] {
    if (!session) return NO_PROGRESS;
    const p = session.engine.progress.snapshot();
    if (p.filesDone >= p.filesTotal) {
      this.progressBase = { files: p.filesTotal, bytes: p.bytesTotal };
      return NO_PROGRESS;
    }
    const base = this.progressBase;
    return {
      filesDone: p.filesDone - base.files,
      filesTotal: p.filesTotal - base.files,
      bytesDone: Math.max(0, p.bytesDone - base.bytes),
      bytesTotal: p.bytesTotal - base.bytes,
      rate: Math.round(p.rate),
      etaSeconds: p.etaSeconds === undefined ? null : Math.round(p.etaSeconds),
    };
  }

  /** Lists the windows show are refetched when a folder's counts moved (a walk, retries, uploads). */
  private noticeCountChanges(counts: Map<number, StateCounts>): void {
    const topics = new Set<Topic>();
    const folderIds: number[] = [];
    for (const id of new Set([...counts.keys(), ...this.lastCounts.keys()])) {
      const now = counts.get(id) ?? NO_COUNTS;
      const before = this.lastCounts.get(id) ?? NO_COUNTS;
      if (JSON.stringify(now) === JSON.stringify(before)) continue;
      topics.add('files');
      folderIds.push(id);
      if (now.failed !== before.failed) topics.add('failures');
      if (now.uploaded !== before.uploaded) topics.add('activity');
    }
    this.lastCounts = counts;
    if (topics.size > 0) this.changed([...topics], folderIds);
  }

  /** What every folder's state is made from, read once per snapshot. */
  private moment(): Moment {
    const now = Date.now();
    const session = this.session;
    const sending = new Map<number, number>();
    for (const u of session?.engine.uploads.values() ?? [])
      sending.set(u.folderId, (sending.get(u.folderId) ?? 0) + 1);
    return {
      now,
      account: this.accountInfo(),
      pause: pauseInfo(this.conditions, this.settings, now),
      statuses: new Map((session?.watch.statuses() ?? []).map((s) => [s.folderId, s])),
      sending,
      wait: this.wait && this.wait.until > now ? this.wait : null,
    };
  }

  private folderInfoOf(folder: FolderRow, counts: StateCounts, m: Moment): FolderInfoData {
    const run = this.runs.get(folder.id);
    return folderInfo({
      folder,
      counts,
      watch: m.statuses.get(folder.id),
      account: m.account.state,
      pause: m.pause,
      sending: m.sending.get(folder.id) ?? 0,
      doneThisRun: run === undefined ? 0 : Math.max(0, counts.uploaded - run),
      wait: m.wait,
      retryAt: this.retries.get(folder.id)?.at ?? null,
      now: m.now,
    });
  }

  private buildSnapshot(): SnapshotData {
    const m = this.moment();
    const session = this.session;
    const counts = this.store.countsByFolder();
    this.noticeCountChanges(counts);
    const folders = this.store.folders().map((f) => this.folderInfoOf(f, counts.get(f.id) ?? NO_COUNTS, m));
    const failures = folders.reduce((n, f) => n + f.counts.failed, 0);
    const progress = this.progress(session);
    const { account, pause, now } = m;
    return {
      overview: overviewOf({ account, folders, pause, progress, failures, now }),
      progress,
      uploads: [...(session?.engine.uploads.values() ?? [])].map((u) => ({ ...u })),
      pause,
      account,
      folders,
      failures,
      desktop: this.options.desktop,
    };
  }

  // ---- folders -------------------------------------------------------------------------------

  private async folderMapping(folder: FolderRow): Promise<{ nodes: MappingNodeData[] }> {
    const stored = this.store.nodesOf(folder.id);
    const remote = await this.remoteFacts.lookup(
      this.session?.client,
      [...stored.values()].filter((n) => n.key !== TARGET_KEY),
    );
    const nodes =
      folder.mode === 'date'
        ? dateFolderMappingNodes(this.store, folder, stored, remote)
        : folderMappingNodes(this.store, folder, stored, remote);
    return { nodes };
  }

  private async addFolder(choice: Parameters<Handlers['addFolder']>[0]): Promise<FolderInfoData> {
    const path = await checkFolder(choice.path, this.connectContext()).catch((e: unknown) => {
      throw e instanceof FolderProblem ? new CommandError(e.message) : e;
    });
    const row = this.store.addFolder({
      path,
      mode: choice.mode,
      privacy: choice.privacy,
      target: normalTarget(choice.target),
      settings: JSON.stringify({ ...DEFAULT_MEDIA_SETTINGS, ...folderMedia(this.settings) }),
      watch: choice.watch,
      date_options: choice.mode === 'date' ? JSON.stringify(dateFolderOptions(choice.dateOptions)) : '{}',
    });
    await this.session?.watch.addFolder(row);
    this.changed(['folders'], [row.id]);
    this.feed.invalidate();
    return this.folderInfoOf(row, this.store.counts(row.id), this.moment());
  }

  private async removeFolder(folderId: number): Promise<null> {
    this.folderOr(folderId);
    await this.session?.watch.removeFolder(folderId);
    this.store.removeFolder(folderId);
    this.clearRetry(folderId);
    this.runs.delete(folderId);
    this.changed(['folders', 'files', 'failures', 'activity'], [folderId]);
    this.feed.invalidate();
    return null;
  }

  /** Files made pending again are looked at (and uploaded) now rather than at the next walk. */
  private afterRetry(rows: { folder_id: number; rel_path: string }[]): { retried: number } {
    for (const [folderId, list] of Map.groupBy(rows, (r) => r.folder_id)) {
      this.clearRetry(folderId);
      this.session?.watch.syncNow(
        folderId,
        list.length <= RETRY_PATHS_MAX ? list.map((r) => r.rel_path) : undefined,
      );
    }
    this.changed(['failures', 'files'], [...new Set(rows.map((r) => r.folder_id))]);
    this.feed.invalidate();
    return { retried: rows.length };
  }

  // ---- settings ------------------------------------------------------------------------------

  private async setSettings(change: Partial<AppSettingsData>): Promise<AppSettingsData> {
    const given = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    let next: Settings;
    try {
      next = changeSettings(this.settings, given);
    } catch (e) {
      throw new CommandError(messageOf(e));
    }
    saveSettings(this.paths.settings, next);
    const before = this.settings;
    this.settings = next;
    const engine = this.session?.engine;
    engine?.setBandwidthLimit(next.bandwidthLimit);
    engine?.setParallelUploads(next.parallelUploads);
    if (mediaChanged(before, next)) {
      for (const f of this.store.folders()) {
        this.store.setFolderSettings(f.id, JSON.stringify({ ...mediaSettingsOf(f), ...folderMedia(next) }));
      }
      this.session?.watch.reconcile();
    }
    this.applyPause();
    this.changed(['settings'], []);
    return appSettingsOf(next);
  }

  // ---- the account ---------------------------------------------------------------------------

  private async finishLogin(code: string): Promise<AccountInfoData> {
    const account = await this.login.finish(code);
    await this.stopSession(GRACE_MS);
    await this.accounts.save(account);
    this.remoteFacts.clear();
    await this.startSession(account);
    this.changed(['folders'], []);
    return this.accountInfo();
  }

  private async logout(): Promise<null> {
    this.login.cancel();
    await this.stopSession(LOGOUT_GRACE_MS);
    await this.accounts.remove();
    this.account = undefined;
    this.accountProblem = null;
    this.remoteFacts.clear();
    this.changed(['folders'], []);
    this.feed.invalidate();
    return null;
  }

  // ---- the commands --------------------------------------------------------------------------

  private makeHandlers(): Handlers {
    return {
      snapshot: () => this.feed.current(),
      pause: ({ minutes }) => {
        this.conditions.user = { until: minutes === undefined ? null : Date.now() + minutes * 60_000 };
        this.applyPause();
        return null;
      },
      resume: () => {
        this.conditions.user = null;
        this.applyPause();
        return null;
      },
      syncNow: ({ folderId }) => {
        const session = this.needSession();
        if (folderId === undefined) session.watch.reconcile();
        else session.watch.syncNow(this.folderOr(folderId).id);
        return null;
      },
      previewFolder: (choice) => previewFolder(choice, this.connectContext()),
      addFolder: (choice) => this.serial(() => this.addFolder(choice)),
      removeFolder: ({ folderId }) => this.serial(() => this.removeFolder(folderId)),
      listFiles: ({ folderId, offset, limit, filter }) => {
        this.folderOr(folderId);
        const states = filter === 'all' ? [] : [filter];
        const uploads = this.session?.engine.uploads;
        const sent = (fileId: number) => uploads?.get(fileId)?.sent;
        return {
          total: this.store.countFiles(folderId, states, { liveAsOne: true }),
          files: this.store
            .filePage(folderId, states, offset, limit, { liveAsOne: true })
            .map((r) => fileInfo(r, sent)),
        };
      },
      folderMapping: ({ folderId }) => this.folderMapping(this.folderOr(folderId)),
      listFailures: () => failureGroups(this.store),
      retry: ({ fileIds }) => this.afterRetry(this.store.retryFiles(fileIds)),
      retryAll: () => this.afterRetry(this.store.retryFiles(undefined)),
      ignore: ({ fileIds }) => {
        const folderIds = this.store.ignoreFiles(fileIds);
        this.changed(['failures', 'files'], [...new Set(folderIds)]);
        this.feed.invalidate();
        return { ignored: folderIds.length };
      },
      recentActivity: ({ limit }) => ({ items: this.recent.items(this.store.recentUploads(limit)) }),
      thumbnail: async ({ fileId }) => {
        const row = this.store.file(fileId);
        if (!row) throw new CommandError(`no file has id ${fileId}`);
        const folder = this.store.folder(row.folder_id);
        if (!folder || isVideo(row.rel_path)) return { dataUrl: null };
        const path = join(folder.path, row.rel_path);
        return { dataUrl: await this.thumbnails.get({ ...row, path }) };
      },
      getSettings: () => appSettingsOf(this.settings),
      setSettings: (change) => this.serial(() => this.setSettings(change)),
      loginStart: async () => ({ authorizeUrl: await this.login.start() }),
      loginFinish: ({ code }) => this.serial(() => this.finishLogin(code)),
      logout: () => this.serial(() => this.logout()),
      setConditions: ({ onBattery, suspended }) => {
        const waking = this.conditions.suspended && suspended === false;
        if (onBattery !== undefined) this.conditions.onBattery = onBattery;
        if (suspended !== undefined) this.conditions.suspended = suspended;
        this.applyPause();
        if (waking) this.session?.watch.reconcile();
        return null;
      },
    };
  }
}
