// Run by memory.ts in a process of its own: idle RSS once the client is loaded and connected,
// then RSS every 50 ms while one large file uploads. Prints one JSON line of byte counts.
// Usage: node bench/memory-child.ts READY_FILE FILE SIZE MD5
import { readFileSync } from 'node:fs';
import type { SandboxInfo } from '../src/sandbox/server.ts';
import { clientFor, freshAlbum } from './sandbox-process.ts';

const SAMPLE_MS = 50;

export interface MemoryReport {
  idleRss: number;
  peakRss: number;
  /** The kernel's high-water mark for the whole life of the process, startup included. */
  vmHwm: number;
  /** Largest Buffer memory seen, to tell bytes held by streams from heap and GC slack. */
  peakArrayBuffers: number;
  peakHeapUsed: number;
  samples: number;
  uploadMs: number;
}

function vmHwmBytes(): number {
  const kb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return kb === undefined ? Number.NaN : Number(kb) * 1024;
}

async function main(): Promise<void> {
  const [readyFile, file, sizeText, md5] = process.argv.slice(2);
  if (!readyFile || !file || !sizeText || !md5)
    throw new Error('usage: memory-child.ts READY_FILE FILE SIZE MD5');
  const info = JSON.parse(readFileSync(readyFile, 'utf8')) as SandboxInfo;
  const client = clientFor(info);
  // Requests first, so got and the HTTP agent are loaded before idle is measured.
  const albumUri = await freshAlbum(client, 'memory');
  await new Promise((r) => setTimeout(r, 500));
  const idleRss = process.memoryUsage().rss;
  let peakRss = idleRss;
  let peakArrayBuffers = 0;
  let peakHeapUsed = 0;
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers);
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
    samples++;
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  const started = performance.now();
  try {
    await client.upload({
      albumUri,
      filePath: file,
      size: Number(sizeText),
      md5,
      fileName: 'memory.mp4',
      mimeType: 'video/mp4',
    });
  } finally {
    clearInterval(sampler);
  }
  sample();
  const report: MemoryReport = {
    idleRss,
    peakRss,
    peakArrayBuffers,
    peakHeapUsed,
    vmHwm: vmHwmBytes(),
    samples,
    uploadMs: performance.now() - started,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`memory-child: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
