// Memory while uploading: a 2 GB file must stream, so the uploading process's peak RSS stays
// within 100 MB of its idle RSS. Measured in a child process (memory-child.ts) so this runner's
// own buffers do not count, against the sandbox in a third process.
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MemoryReport } from './memory-child.ts';
import { startSandboxProcess } from './sandbox-process.ts';
import { type BenchRow, MB, removeDir, run, tempDir } from './support.ts';

const SIZE = 2e9;
const ALLOWANCE = 100 * MB;
const CHILD = new URL('./memory-child.ts', import.meta.url).pathname;

export async function benchMemory(): Promise<BenchRow> {
  const dir = tempDir('memory');
  const file = join(dir, 'big.mp4');
  try {
    // Sparse: created at once and read back as zeros without touching the disk.
    await writeFile(file, '');
    await truncate(file, SIZE);
    const summed = await run('md5sum', [file], { timeoutMs: 120_000 });
    const md5 = summed.stdout.split(/\s/)[0] ?? '';
    if (summed.code !== 0 || !/^[0-9a-f]{32}$/.test(md5))
      throw new Error(`md5sum ${file} failed: ${summed.stderr}`);
    const sandbox = await startSandboxProcess('memory');
    let report: MemoryReport;
    try {
      const done = await run(process.execPath, [CHILD, sandbox.readyFile, file, String(SIZE), md5], {
        timeoutMs: 240_000,
      });
      if (done.code !== 0) throw new Error(`the memory child failed: ${done.stderr.trim()}`);
      report = JSON.parse(done.stdout.trim().split('\n').at(-1) ?? '') as MemoryReport;
    } finally {
      await sandbox.close();
    }
    // The sampled peak misses spikes shorter than 50 ms; the kernel's mark does not, but it also
    // covers startup, so the larger of the two is judged.
    const peak = Math.max(report.peakRss, report.vmHwm);
    const growth = peak - report.idleRss;
    const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
    return {
      name: `memory uploading ${SIZE / 1e9} GB`,
      safelight: `peak ${mb(peak)}`,
      baseline: `idle ${mb(report.idleRss)}`,
      ratio: null,
      ratioText: `+${mb(growth)}`,
      target: `+≤ ${mb(ALLOWANCE)}`,
      pass: growth <= ALLOWANCE,
      details: { ...report, bytes: SIZE, peakUsed: peak, growth, allowance: ALLOWANCE },
    };
  } finally {
    removeDir(dir);
  }
}
