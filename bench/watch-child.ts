// Run by watch.ts in a process of its own, so the peak RSS and CPU time it reports are the
// watcher's alone. Prints one JSON line.
//
// `safelight FILES IDLE_MS LATENCY_FILES` (SAFELIGHT_HOME set): the whole engine as `safelight
// watch` wires it, on a store that already holds every file as uploaded. Time from start() until
// every folder is 'watching', the peak RSS then, CPU time over IDLE_MS of nothing changing, then
// LATENCY_FILES new photos written one at a time, each timed from its settle window's end to the
// engine's call to upload it.
//
// `chokidar ROOT`: chokidar with its default options until 'ready'.
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { clientFor } from '../src/cli/context.ts';
import { homePaths } from '../src/config/home.ts';
import { loadAccount, loadSettings } from '../src/config/settings.ts';
import { Store } from '../src/store/store.ts';
import { type FileEvent, type FolderSummary, type SmugMugApi, SyncEngine } from '../src/sync/engine.ts';
import { type FolderPhase, WatchService } from '../src/sync/watch-service.ts';

const LATENCY_DIR = 'incoming';
const LATENCY_FILE_BYTES = 20_000;
const STEP_TIMEOUT_MS = 30_000;
const IDLE_BUCKETS = 6;

export interface LatencySample {
  file: string;
  /** From the end of the write to the watcher's report (phase 'settling'). */
  reportedMs: number | null;
  /** From the settle window's end (last write + settleMs) to the sync of the path starting. */
  syncStartMs: number | null;
  /** From the settle window's end to the engine calling upload for the file. */
  uploadStartMs: number;
  /** From the settle window's end to the file's 'uploaded' event. */
  uploadedMs: number;
}

export interface SafelightReport {
  files: number;
  /** start() called → every folder 'watching'. */
  readyMs: number;
  /** start() called → start() resolved: the native watches are in place. */
  startResolvedMs: number;
  /** The start-up walk's sync, as the engine timed it. */
  startupSyncMs: number;
  watchMode: string;
  /** Files the store holds before start(): what the choice of how to watch is made from. */
  recordedFiles: number;
  rssBeforeStart: number;
  /** When start() resolved: the native watches are in place and the start-up walk has just begun. */
  rssAtStartResolved: number;
  /** Peak RSS when start() resolved, so the watches' share of the peak shows apart from the walk's. */
  vmHwmAtStartResolved: number;
  rssAtReady: number;
  heapUsedAtReady: number;
  vmHwmAtReady: number;
  startup: Pick<FolderSummary, 'hashed' | 'uploaded' | 'failed' | 'error' | 'scan'>;
  fileEventsBeforeReady: number;
  uploadsAcceptedAtReady: number;
  serviceErrors: string[];
  idle: { ms: number; cpuMs: number; bucketCpuMs: number[] } | null;
  latency: { settleMs: number; warmup: LatencySample; samples: LatencySample[] } | null;
}

export interface ChokidarReport {
  readyMs: number;
  vmHwm: number;
  errors: number;
  firstError: string | null;
}

function vmHwmBytes(): number {
  const kb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return kb === undefined ? Number.NaN : Number(kb) * 1024;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => T | undefined): Promise<T> {
  const deadline = performance.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${STEP_TIMEOUT_MS} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** A JPEG's first bytes, then a unique label and filler: enough for SmugMug's sandbox to take it. */
function photoBytes(label: string, size: number): Buffer {
  const bytes = Buffer.alloc(size, 0x20);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes);
  bytes.write(`${label}\n`, 4);
  return bytes;
}

/** The sandbox's own request counters (loopback only, not part of the SmugMug API). */
async function uploadsAccepted(apiBaseUrl: string): Promise<number> {
  const response = await fetch(new URL('/__sandbox/stats', apiBaseUrl));
  if (!response.ok) throw new Error(`sandbox stats: HTTP ${response.status}`);
  return ((await response.json()) as { uploadsAccepted: number }).uploadsAccepted;
}

async function safelight(files: number, idleMs: number, latencyFiles: number): Promise<SafelightReport> {
  const paths = homePaths();
  const settings = loadSettings(paths.settings);
  const account = loadAccount(paths.account);
  if (!account) throw new Error(`no account in ${paths.account}`);
  const store = new Store(paths.state);
  const real = clientFor(account, settings);
  // The engine's call to upload is the moment an upload starts; everything else passes through.
  const uploadCalls = new Map<string, number>();
  const client: SmugMugApi = {
    authUser: real.authUser.bind(real),
    children: real.children.bind(real),
    createNode: real.createNode.bind(real),
    albumImages: real.albumImages.bind(real),
    imageMetadata: real.imageMetadata.bind(real),
    moveImages: real.moveImages.bind(real),
    renameNode: real.renameNode.bind(real),
    upload: (req) => {
      uploadCalls.set(req.fileName, performance.now());
      return real.upload(req);
    },
  };
  const engine = new SyncEngine({ store, client, settings });
  const service = new WatchService({ store, engine, settings: settings.watch });

  const fileEvents: (FileEvent & { at: number })[] = [];
  engine.on('file', (e) => fileEvents.push({ ...e, at: performance.now() }));
  const synced: FolderSummary[] = [];
  service.on('synced', (s) => synced.push(s));
  const serviceErrors: string[] = [];
  service.on('error', (e) => serviceErrors.push(e instanceof Error ? e.message : String(e)));
  const phases: { phase: FolderPhase; at: number }[] = [];
  let readyAt: number | undefined;
  service.on('status', (s) => {
    const at = performance.now();
    phases.push({ phase: s.phase, at });
    if (readyAt === undefined && service.statuses().every((f) => f.phase === 'watching')) readyAt = at;
    if (s.phase === 'offline') serviceErrors.push(`${s.path} is offline: ${s.problem ?? ''}`);
  });

  const recordedFiles = store.folders().reduce((n, f) => n + store.countFiles(f.id, []), 0);
  const rssBeforeStart = process.memoryUsage().rss;
  const started = performance.now();
  await service.start();
  const startResolvedMs = performance.now() - started;
  const rssAtStartResolved = process.memoryUsage().rss;
  const vmHwmAtStartResolved = vmHwmBytes();
  const readyTime = await new Promise<number>((resolve, reject) => {
    const look = () => {
      if (readyAt !== undefined) resolve(readyAt);
      else if (serviceErrors.length > 0)
        reject(new Error(`the watch service failed: ${serviceErrors.join('; ')}`));
      else setTimeout(look, 1);
    };
    look();
  });
  const vmHwmAtReady = vmHwmBytes();
  const memory = process.memoryUsage();
  const first = synced[0];
  if (!first) throw new Error('ready without a start-up sync');
  const status = service.statuses()[0];
  const report: SafelightReport = {
    files,
    readyMs: readyTime - started,
    startResolvedMs,
    startupSyncMs: first.durationMs,
    watchMode: status ? `${status.mode}: ${status.modeReason}` : 'none',
    recordedFiles,
    rssBeforeStart,
    rssAtStartResolved,
    vmHwmAtStartResolved,
    rssAtReady: memory.rss,
    heapUsedAtReady: memory.heapUsed,
    vmHwmAtReady,
    startup: {
      hashed: first.hashed,
      uploaded: first.uploaded,
      failed: first.failed,
      error: first.error,
      scan: first.scan,
    },
    fileEventsBeforeReady: fileEvents.length,
    uploadsAcceptedAtReady: await uploadsAccepted(account.endpoints.apiBaseUrl),
    serviceErrors,
    idle: null,
    latency: null,
  };

  if (idleMs > 0) {
    const bucketMs = idleMs / IDLE_BUCKETS;
    const bucketCpuMs: number[] = [];
    const idleStart = cpuMs();
    let last = idleStart;
    const t = performance.now();
    for (let i = 0; i < IDLE_BUCKETS; i++) {
      await sleep(t + bucketMs * (i + 1) - performance.now());
      const now = cpuMs();
      bucketCpuMs.push(now - last);
      last = now;
    }
    report.idle = { ms: performance.now() - t, cpuMs: last - idleStart, bucketCpuMs };
  }

  if (latencyFiles > 0) {
    const root = store.folders()[0]?.path;
    if (!root) throw new Error('no connected folder');
    mkdirSync(join(root, LATENCY_DIR));
    const settleMs = settings.watch.settleMs;
    const one = async (i: number): Promise<LatencySample> => {
      await until('the folder to be watching again', () =>
        service.statuses().every((f) => f.phase === 'watching') ? true : undefined,
      );
      const name = `IMG_${String(i).padStart(4, '0')}.jpg`;
      const relPath = `${LATENCY_DIR}/${name}`;
      const fd = openSync(join(root, relPath), 'w');
      writeSync(fd, photoBytes(relPath, LATENCY_FILE_BYTES));
      closeSync(fd);
      const written = performance.now();
      const settled = written + settleMs;
      const done = await until(`${relPath} to be uploaded`, () =>
        fileEvents.find((e) => e.relPath === relPath && e.at >= written),
      );
      if (done.state !== 'uploaded') throw new Error(`${relPath}: ${done.state} (${done.reason ?? ''})`);
      const call = uploadCalls.get(name);
      if (call === undefined) throw new Error(`${relPath} was recorded uploaded without an upload`);
      const after = (phase: FolderPhase) => phases.find((p) => p.phase === phase && p.at >= written)?.at;
      const reported = after('settling');
      const syncing = after('syncing');
      return {
        file: relPath,
        reportedMs: reported === undefined ? null : reported - written,
        syncStartMs: syncing === undefined ? null : syncing - settled,
        uploadStartMs: call - settled,
        uploadedMs: done.at - settled,
      };
    };
    // The first file also makes the gallery and warms up the HTTP client: shown, not counted.
    const warmup = await one(0);
    const samples: LatencySample[] = [];
    for (let i = 1; i <= latencyFiles; i++) samples.push(await one(i));
    report.latency = { settleMs, warmup, samples };
  }
  await service.stop(0);
  store.close();
  return report;
}

async function chokidar(root: string): Promise<ChokidarReport> {
  const { watch } = await import('chokidar');
  const started = performance.now();
  const watcher = watch(root);
  let errors = 0;
  let firstError: string | null = null;
  watcher.on('error', (e) => {
    errors++;
    firstError ??= e instanceof Error ? e.message : String(e);
  });
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return { readyMs: performance.now() - started, vmHwm: vmHwmBytes(), errors, firstError };
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  let report: SafelightReport | ChokidarReport;
  if (mode === 'safelight' && args.length === 3) {
    report = await safelight(Number(args[0]), Number(args[1]), Number(args[2]));
  } else if (mode === 'chokidar' && args[0]) {
    report = await chokidar(args[0]);
  } else {
    throw new Error('usage: watch-child.ts safelight FILES IDLE_MS LATENCY_FILES | chokidar ROOT');
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
  // Closing a million watches takes a while and measures nothing.
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`watch-child: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
