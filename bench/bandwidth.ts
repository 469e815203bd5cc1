// Bandwidth-limit accuracy: an upload through the token bucket, as the engine sends it, for about
// four seconds at each limit; the measured rate over the whole upload against the limit.
import { md5File } from '../src/library/hash.ts';
import { grant, TokenBucket } from '../src/sync/token-bucket.ts';
import { freshAlbum, startSandboxProcess } from './sandbox-process.ts';
import { type BenchRow, MB, timed } from './support.ts';

const LIMITS_MB = [1, 5, 20];
const SECONDS = 4;
const TOLERANCE = 0.05;

/** `file` must hold at least SECONDS × the highest limit bytes; its first bytes are sent. */
export async function benchBandwidth(file: string): Promise<BenchRow[]> {
  const sandbox = await startSandboxProcess('bandwidth');
  try {
    const client = sandbox.client();
    const rows: BenchRow[] = [];
    for (const limitMB of LIMITS_MB) {
      const limit = limitMB * MB;
      const size = limit * SECONDS;
      const md5 = await md5File(file, { size });
      const albumUri = await freshAlbum(client, `bandwidth ${limitMB}`);
      const bucket = new TokenBucket(limit);
      const { ms } = await timed(() =>
        client.upload({
          albumUri,
          filePath: file,
          size,
          md5,
          fileName: `limit-${limitMB}.mp4`,
          mimeType: 'video/mp4',
          pace: (wanted) => grant(bucket, wanted),
        }),
      );
      await sandbox.clearBlobs();
      const measured = size / (ms / 1000);
      const ratio = measured / limit;
      rows.push({
        name: `bandwidth limit ${limitMB} MB/s`,
        safelight: `${(measured / MB).toFixed(3)} MB/s`,
        baseline: `${limitMB.toFixed(3)} MB/s`,
        ratio,
        target: `1 ± ${TOLERANCE.toFixed(2)}`,
        pass: Math.abs(ratio - 1) <= TOLERANCE,
        details: { limitBytesPerSecond: limit, bytes: size, ms, measuredBytesPerSecond: measured },
      });
    }
    return rows;
  } finally {
    await sandbox.close();
  }
}
