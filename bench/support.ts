// What every benchmark shares: the temp workspace, child processes that are always ended, timing
// and the numbers' units (MB = 10^6 bytes).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MB = 1e6;
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** One line of the table and of results.json. */
export interface BenchRow {
  name: string;
  safelight: string;
  baseline: string;
  /** Safelight over the baseline (or over the limit); null where no ratio applies. */
  ratio: number | null;
  /** Shown in the ratio column when there is no ratio. */
  ratioText?: string;
  target: string;
  pass: boolean;
  /** Raw measurements behind the row, for results.json. */
  details: Record<string, unknown>;
}

// In RAM when there is room: the runs then measure Safelight and its baselines, not this
// machine's disk writeback, which made the same 1 GiB upload take anywhere from 4 to 12 s.
// Everything written there is deleted as soon as it has been measured.
const SCRATCH_NEEDED = 6 * GiB;
const scratchRoot = (() => {
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.bavail * fs.bsize >= SCRATCH_NEEDED) return '/dev/shm';
  } catch {
    // No /dev/shm on this system: the ordinary temp dir it is.
  }
  return tmpdir();
})();

const children = new Set<ChildProcess>();
const dirs = new Set<string>();

/** Ends every child and removes every temp dir still registered; safe to call more than once. */
export function cleanupNow(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** A temp dir removed at the end of the run, or at exit when the run dies. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(scratchRoot, `safelight-bench-${prefix}-`));
  dirs.add(dir);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** A child that is killed when the run ends, however it ends. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to the end; the time counts from spawn to exit. */
export function run(command: string, args: string[], options: { timeoutMs: number }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${e.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

export function median(values: number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Bytes per second as MB/s. */
export function mbps(bytes: number, ms: number): number {
  return bytes / MB / (ms / 1000);
}

/** Random bytes, written once in 8 MiB pieces so the file never sits in memory. */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const piece = Buffer.allocUnsafe(8 * MiB);
    for (let written = 0; written < size; ) {
      const n = Math.min(piece.length, size - written);
      randomFillSync(piece, 0, n);
      written += (await handle.write(piece, 0, n)).bytesWritten;
    }
  } finally {
    await handle.close();
  }
}
