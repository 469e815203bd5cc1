// `npm run bench [-- NAME...]`: Safelight's benchmarks, each as a ratio against a baseline
// measured in the same run. Prints a table and writes bench/results.json. A missed target is
// reported, not fatal; a benchmark that cannot run makes the exit code 1.
// NAME: md5, upload, bandwidth, memory, small-files, watch (default: all).
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { md5File } from '../src/library/hash.ts';
import { benchBandwidth } from './bandwidth.ts';
import { benchMd5 } from './md5.ts';
import { benchMemory } from './memory.ts';
import { type BenchFailure, type BenchReport, formatTable } from './report.ts';
import { benchSmallFiles } from './small-files.ts';
import { type BenchRow, cleanupNow, GiB, removeDir, tempDir, writeRandomFile } from './support.ts';
import { benchUpload } from './upload.ts';
import { benchWatch } from './watch.ts';

const NAMES = ['md5', 'upload', 'bandwidth', 'memory', 'small-files', 'watch'] as const;
type Name = (typeof NAMES)[number];
const RESULTS = new URL('./results.json', import.meta.url).pathname;

process.once('exit', cleanupNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanupNow();
    process.exit(130);
  });
}

function selected(args: string[]): Set<Name> {
  const unknown = args.filter((a) => !(NAMES as readonly string[]).includes(a));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${NAMES.join(', ')}`);
  return new Set(args.length === 0 ? NAMES : (args as Name[]));
}

async function main(): Promise<void> {
  const wanted = selected(process.argv.slice(2));
  const started = performance.now();
  const rows: BenchRow[] = [];
  const failures: BenchFailure[] = [];
  const attempt = async (name: Name, fn: () => Promise<BenchRow | BenchRow[]>) => {
    if (!wanted.has(name)) return;
    process.stderr.write(`bench: ${name}…\n`);
    const t = performance.now();
    try {
      rows.push(...[await fn()].flat());
    } catch (e) {
      failures.push({ name, error: e instanceof Error ? e.message : String(e) });
    }
    process.stderr.write(`bench: ${name} took ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  };

  const work = tempDir('data');
  try {
    const big = join(work, 'random-1GiB');
    if (wanted.has('md5') || wanted.has('upload') || wanted.has('bandwidth')) {
      await writeRandomFile(big, GiB);
    }
    // The upload needs the file's MD5; the MD5 benchmark computes it on its way.
    let md5: string | undefined;
    await attempt('md5', async () => {
      const result = await benchMd5(big);
      md5 = result.md5;
      return result.row;
    });
    await attempt('upload', async () => {
      return benchUpload(big, md5 ?? (await md5File(big)));
    });
    await attempt('bandwidth', () => benchBandwidth(big));
  } finally {
    removeDir(work);
  }
  await attempt('memory', benchMemory);
  await attempt('small-files', benchSmallFiles);
  await attempt('watch', benchWatch);

  const report: BenchReport = {
    startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
    durationMs: performance.now() - started,
    node: process.version,
    cpus: availableParallelism(),
    rows,
    failures,
  };
  process.stdout.write(`\n${formatTable(report)}\n\n`);
  await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`results: ${RESULTS} (${(report.durationMs / 1000).toFixed(0)} s)\n`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
