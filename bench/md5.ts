// MD5 throughput of md5File against coreutils' md5sum on the same file, page cache warm.
import { stat } from 'node:fs/promises';
import { md5File } from '../src/library/hash.ts';
import { type BenchRow, mbps, median, run, timed } from './support.ts';

const RUNS = 3;
const TARGET = 0.9;

/** Returns the row and the file's MD5 (hex), which the upload benchmark needs anyway. */
export async function benchMd5(file: string): Promise<{ row: BenchRow; md5: string }> {
  const { size } = await stat(file);
  // The first pass warms the page cache, so both tools then measure hashing, not the disk.
  const md5 = await md5File(file);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const mine = await timed(() => md5File(file));
    if (mine.value !== md5) throw new Error(`md5File gave ${mine.value} then ${md5} for ${file}`);
    ours.push(mine.ms);
    const done = await run('md5sum', [file], { timeoutMs: 120_000 });
    const sum = done.stdout.split(/\s/)[0];
    if (done.code !== 0 || sum !== md5) {
      throw new Error(
        `md5sum ${file} exited ${done.code} with "${sum}" (md5File says ${md5}): ${done.stderr}`,
      );
    }
    theirs.push(done.ms);
  }
  const safelight = mbps(size, median(ours));
  const baseline = mbps(size, median(theirs));
  const ratio = safelight / baseline;
  return {
    md5,
    row: {
      name: `md5 ${Math.round(size / 2 ** 20)} MiB vs md5sum`,
      safelight: `${safelight.toFixed(0)} MB/s`,
      baseline: `${baseline.toFixed(0)} MB/s`,
      ratio,
      target: `≥ ${TARGET.toFixed(2)}`,
      pass: ratio >= TARGET,
      details: {
        bytes: size,
        safelightMs: ours,
        md5sumMs: theirs,
        safelightMBps: safelight,
        md5sumMBps: baseline,
      },
    },
  };
}
