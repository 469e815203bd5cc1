// Watching a large library: how soon the watch service is ready (watches in place, start-up walk
// done) and how much memory it takes, on 100k and 1M unchanged files already backed up, against
// chokidar with its default options on the same tree; then, on the 100k tree, CPU while nothing
// changes and the delay from a new file settling to its upload starting. Each contender runs in a
// process of its own (watch-child.ts) against the sandbox in a third. The child is bundled by
// esbuild exactly as the engine is for the desktop app (scripts/build-desktop.ts), so the figures
// are the engine's as it ships, not Node's TypeScript loader's (about 40 MB more).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, realpathSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ENGINE_BUNDLE } from '../scripts/build-desktop.ts';
import { sandboxAccount } from '../src/cli/login.ts';
import { homePaths } from '../src/config/home.ts';
import { DEFAULT_SETTINGS, saveAccount, saveSettings } from '../src/config/settings.ts';
import { DEFAULT_MEDIA_SETTINGS } from '../src/library/media.ts';
import { Store } from '../src/store/store.ts';
import { type SandboxProcess, startSandboxProcess } from './sandbox-process.ts';
import { type BenchRow, MB, median, removeDir, tempDir, track } from './support.ts';
import type { ChokidarReport, LatencySample, SafelightReport } from './watch-child.ts';

const CHILD_SOURCE = new URL('./watch-child.ts', import.meta.url).pathname;
const CHILD = new URL('../dist/bench/watch-child.mjs', import.meta.url).pathname;
const FILE_BYTES = 100;
const FILES_PER_DIR = 100;
const SIZES = [100_000, 1_000_000] as const;
const TARGETS: Record<number, { readyMs: number; rss: number }> = {
  100000: { readyMs: 1500, rss: 150 * MB },
  1000000: { readyMs: 15_000, rss: 400 * MB },
};
const IDLE_MS = 60_000;
const IDLE_TARGET = 0.01;
const SETTLE_MS = 1000;
const LATENCY_FILES = 10;
const LATENCY_TARGET_MS = 1000;
// chokidar keeps an object per file; a million of them needs more than V8's default heap. The cap
// leaves room for the tree itself, which lives in RAM (/dev/shm) on this machine.
const CHOKIDAR_HEAP_MB = 8192;
/** Each contender gets this long to become ready; one that does not is reported, not waited for. */
const READY_TIMEOUT_MS = 120_000;
const LATENCY_TIMEOUT_MS = 120_000;

const count = (n: number) =>
  n >= 1e6 ? `${Math.round(n / 1e5) / 10}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : `${n}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Set when the child was killed for running past its time. */
  timedOut: boolean;
  /** The child's own peak RSS when it was killed (read from /proc just before). */
  vmHwmAtKill: number | null;
}

function vmHwmOf(pid: number | undefined): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** Like support's run(), but a child past its time is measured, killed and reported, not thrown. */
function runChild(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = track(spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let vmHwmAtKill: number | null = null;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      vmHwmAtKill = vmHwmOf(child.pid);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${CHILD}: ${e.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, timedOut, vmHwmAtKill });
    });
  });
}

function lastJson<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;
}

/**
 * The library: `files` photos of FILE_BYTES in folders of FILES_PER_DIR, three levels deep
 * (year/month/day), and a store that holds each of them as uploaded with its current size and
 * mtime, as after a finished sync. Rows go in straight through SQL in one transaction; writing a
 * file and recording it is one pass, its mtime read from the open file.
 */
function writeLibrary(root: string, home: string, files: number): void {
  const paths = homePaths({ SAFELIGHT_HOME: home });
  mkdirSync(root, { recursive: true });
  saveSettings(paths.settings, {
    ...DEFAULT_SETTINGS,
    watch: { ...DEFAULT_SETTINGS.watch, settleMs: SETTLE_MS },
  });
  const store = new Store(paths.state);
  try {
    const folder = store.addFolder({
      path: realpathSync(root),
      mode: 'mirror',
      privacy: 'Private',
      target: '',
      settings: JSON.stringify(DEFAULT_MEDIA_SETTINGS),
    });
    const insertFile = store.db.prepare(
      `INSERT INTO files (folder_id, rel_path, size, mtime_ms, md5, state, attempts, gallery_key, album_uri,
         image_uri, album_image_uri, web_url, uploaded_md5, uploaded_size, uploaded_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'uploaded', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = Date.now();
    const days = files / FILES_PER_DIR / 100;
    const bytes = Buffer.alloc(FILE_BYTES, 0x20);
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes);
    let n = 0;
    let albums = 0;
    store.transaction(() => {
      for (let y = 0; y < 10; y++) {
        const year = `${2010 + y}`;
        store.saveNode(nodeRow(folder.id, year, 'Folder', `f${y}`));
        for (let m = 0; m < 10; m++) {
          const month = `${year}/${year}-${String(m + 1).padStart(2, '0')}`;
          store.saveNode(nodeRow(folder.id, month, 'Folder', `f${y}x${m}`));
          for (let d = 0; d < days; d++) {
            const day = `${month}/day-${String(d + 1).padStart(3, '0')}`;
            const albumKey = `bench${albums++}`;
            const albumUri = `/api/v2/album/${albumKey}`;
            store.saveNode(nodeRow(folder.id, day, 'Album', albumKey, albumUri));
            mkdirSync(join(root, day), { recursive: true });
            for (let i = 0; i < FILES_PER_DIR; i++, n++) {
              const relPath = `${day}/IMG_${String(n).padStart(7, '0')}.jpg`;
              bytes.write(`${relPath}\n`, 4);
              const fd = openSync(join(root, relPath), 'w');
              writeSync(fd, bytes);
              const { mtimeMs } = fstatSync(fd);
              closeSync(fd);
              const md5 = createHash('md5').update(bytes).digest('hex');
              const imageKey = `img${n}`;
              insertFile.run(
                folder.id,
                relPath,
                FILE_BYTES,
                mtimeMs,
                md5,
                `D:${day}`,
                albumUri,
                `/api/v2/image/${imageKey}-0`,
                `${albumUri}/image/${imageKey}-0`,
                `https://sandbox.invalid/${albumKey}/i-${imageKey}`,
                md5,
                FILE_BYTES,
                now,
                now,
              );
            }
          }
        }
      }
    });
  } finally {
    store.close();
  }
}

function nodeRow(
  folderId: number,
  relPath: string,
  type: string,
  key: string,
  albumUri: string | null = null,
) {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  return {
    folder_id: folderId,
    key: `D:${relPath}`,
    node_uri: `/api/v2/node/${key}`,
    album_uri: albumUri,
    type,
    name,
    url_name: `N${name.replace(/[^A-Za-z0-9]+/g, '-')}`,
  };
}

/** Uploads the sandbox has taken so far, from its own counters. */
async function uploadsAccepted(sandbox: SandboxProcess): Promise<number> {
  const response = await fetch(new URL('/__sandbox/stats', sandbox.info.apiBaseUrl));
  if (!response.ok) throw new Error(`sandbox stats: HTTP ${response.status}`);
  return ((await response.json()) as { uploadsAccepted: number }).uploadsAccepted;
}

/** A contender that became ready, or why it did not and its peak RSS until then where known. */
type Outcome<T> = { finished: true; report: T } | { finished: false; why: string; vmHwm: number | null };

async function outcomeOf<T>(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Outcome<T>> {
  const done = await runChild(args, env, timeoutMs);
  if (done.timedOut) {
    return { finished: false, why: `not ready within ${timeoutMs / 1000} s`, vmHwm: done.vmHwmAtKill };
  }
  if (done.code !== 0) {
    const why = /heap out of memory/i.test(done.stderr)
      ? `out of heap after ${seconds(done.ms)}`
      : `failed: ${done.stderr.trim().split('\n').at(-1) ?? `exit ${done.code}`}`;
    return { finished: false, why, vmHwm: null };
  }
  return { finished: true, report: lastJson<T>(done.stdout) };
}

async function runSafelight(
  sandbox: SandboxProcess,
  home: string,
  files: number,
  idleMs: number,
  latencyFiles: number,
): Promise<Outcome<SafelightReport>> {
  const uploadsBefore = await uploadsAccepted(sandbox);
  const outcome = await outcomeOf<SafelightReport>(
    [CHILD, 'safelight', String(files), String(idleMs), String(latencyFiles)],
    { ...process.env, SAFELIGHT_HOME: home },
    READY_TIMEOUT_MS + idleMs + (latencyFiles > 0 ? LATENCY_TIMEOUT_MS : 0),
  );
  if (!outcome.finished) return outcome;
  // Everything was backed up already: a start-up that reads or sends any file measures the wrong thing.
  const { report } = outcome;
  const { startup } = report;
  // The choice of how to watch is made from the store's file count, as it is for a person's library.
  if (
    report.recordedFiles !== files ||
    startup.hashed !== 0 ||
    startup.uploaded !== 0 ||
    startup.error !== undefined ||
    startup.scan?.unchanged !== files ||
    report.fileEventsBeforeReady !== 0 ||
    report.uploadsAcceptedAtReady !== uploadsBefore ||
    report.serviceErrors.length > 0
  ) {
    throw new Error(`the start-up walk over ${files} unchanged files did work: ${JSON.stringify(report)}`);
  }
  return outcome;
}

function runChokidar(root: string): Promise<Outcome<ChokidarReport>> {
  return outcomeOf<ChokidarReport>(
    [`--max-old-space-size=${CHOKIDAR_HEAP_MB}`, CHILD, 'chokidar', root],
    process.env,
    READY_TIMEOUT_MS,
  );
}

interface Ready {
  readyMs: number;
  vmHwm: number;
}

function readyOf(outcome: Outcome<SafelightReport> | Outcome<ChokidarReport>): Ready | undefined {
  if (!outcome.finished) return undefined;
  const { report } = outcome;
  return { readyMs: report.readyMs, vmHwm: 'vmHwmAtReady' in report ? report.vmHwmAtReady : report.vmHwm };
}

function readyRows(
  files: number,
  safelight: Outcome<SafelightReport>,
  chokidar: Outcome<ChokidarReport>,
): BenchRow[] {
  const target = TARGETS[files];
  if (!target) throw new Error(`no targets for ${files} files`);
  const label = count(files);
  const ours = readyOf(safelight);
  const theirs = readyOf(chokidar);
  const timeText = (o: Outcome<unknown>, r: Ready | undefined) =>
    r ? seconds(r.readyMs) : o.finished ? '' : o.why;
  // chokidar reports watches it could not add (ENOSPC past the inotify limit) and goes on: its
  // 'ready' then stands for a tree it only partly watches.
  const errors = chokidar.finished ? chokidar.report.errors : 0;
  const chokidarTime = `chokidar ${timeText(chokidar, theirs)}${errors > 0 ? `, ${count(errors)} errors` : ''}`;
  const rssText = (o: Outcome<unknown>, r: Ready | undefined) =>
    r ? mb(r.vmHwm) : !o.finished && o.vmHwm !== null ? `≥ ${mb(o.vmHwm)}, stopped` : 'unknown';
  // Where only chokidar did not finish, Safelight's time over the time chokidar was given bounds the ratio.
  const timeBound = ours && !theirs ? `< ${(ours.readyMs / READY_TIMEOUT_MS).toFixed(2)}` : '–';
  const details = { files, safelight, chokidar };
  return [
    {
      name: `watch: ready on ${label} unchanged files`,
      safelight: timeText(safelight, ours),
      baseline: chokidarTime,
      ratio: ours && theirs ? ours.readyMs / theirs.readyMs : null,
      ratioText: timeBound,
      target: `< ${seconds(target.readyMs)}`,
      pass: ours !== undefined && ours.readyMs < target.readyMs,
      details,
    },
    {
      name: `watch: peak RSS on ${label} unchanged files`,
      safelight: rssText(safelight, ours),
      baseline: `chokidar ${rssText(chokidar, theirs)}`,
      ratio: ours && theirs ? ours.vmHwm / theirs.vmHwm : null,
      ratioText: '–',
      target: `< ${mb(target.rss)}`,
      pass: ours !== undefined && ours.vmHwm < target.rss,
      details,
    },
  ];
}

function idleRow(safelight: SafelightReport): BenchRow {
  const idle = safelight.idle;
  if (!idle) throw new Error('the Safelight child measured no idle time');
  const share = idle.cpuMs / idle.ms;
  return {
    name: `watch: CPU idle ${(idle.ms / 1000).toFixed(0)} s, ${count(safelight.files)} files`,
    safelight: `${(share * 100).toFixed(3)}% of a core`,
    baseline: '–',
    ratio: share / IDLE_TARGET,
    target: `< ${IDLE_TARGET * 100}%`,
    pass: share < IDLE_TARGET,
    details: { files: safelight.files, ...idle, share },
  };
}

function latencyRow(safelight: SafelightReport): BenchRow {
  const latency = safelight.latency;
  if (!latency) throw new Error('the Safelight child measured no latency');
  const starts = latency.samples.map((s: LatencySample) => s.uploadStartMs);
  const uploaded = latency.samples.map((s: LatencySample) => s.uploadedMs);
  const worst = Math.max(...starts);
  return {
    name: `watch: settled → upload start, ${count(safelight.files)} files`,
    safelight: `${seconds(median(starts))} (max ${(worst / 1000).toFixed(2)})`,
    baseline: '–',
    ratio: worst / LATENCY_TARGET_MS,
    target: `< ${seconds(LATENCY_TARGET_MS)}`,
    pass: worst < LATENCY_TARGET_MS,
    details: {
      files: safelight.files,
      newFiles: starts.length,
      settleMs: latency.settleMs,
      uploadStartMedianMs: median(starts),
      uploadStartMaxMs: worst,
      // An upper bound of the above: up to the 'uploaded' event, the upload itself included.
      uploadedMedianMs: median(uploaded),
      uploadedMaxMs: Math.max(...uploaded),
      warmup: latency.warmup,
      samples: latency.samples,
    },
  };
}

async function benchSize(files: number, extras: boolean, sandbox: SandboxProcess): Promise<BenchRow[]> {
  const dir = tempDir(`watch-${count(files)}`);
  try {
    const root = join(dir, 'photos');
    const home = join(dir, 'home');
    const generated = performance.now();
    writeLibrary(root, home, files);
    saveAccount(homePaths({ SAFELIGHT_HOME: home }).account, sandboxAccount(sandbox.info));
    process.stderr.write(
      `bench: watch: ${count(files)} files written and recorded in ${seconds(performance.now() - generated)}\n`,
    );
    const safelight = await runSafelight(
      sandbox,
      home,
      files,
      extras ? IDLE_MS : 0,
      extras ? LATENCY_FILES : 0,
    );
    const chokidar = await runChokidar(realpathSync(root));
    const rows = readyRows(files, safelight, chokidar);
    if (!extras) return rows;
    if (!safelight.finished) throw new Error(`Safelight on ${count(files)} files: ${safelight.why}`);
    return [...rows, idleRow(safelight.report), latencyRow(safelight.report)];
  } finally {
    removeDir(dir);
  }
}

export async function benchWatch(): Promise<BenchRow[]> {
  await build({ ...ENGINE_BUNDLE, entryPoints: [CHILD_SOURCE], outfile: CHILD, logLevel: 'warning' });
  const sandbox = await startSandboxProcess('watch');
  try {
    const rows: BenchRow[] = [];
    // Idle CPU and latency need one tree only; the smaller keeps the run short.
    for (const files of SIZES) rows.push(...(await benchSize(files, files === SIZES[0], sandbox)));
    return rows;
  } finally {
    await sandbox.close();
  }
}
