// Upload throughput of one large file over loopback: SmugMugClient.upload against curl streaming
// the same bytes (-T, never read into memory) to the same sandbox process. Runs alternate so a
// slow moment of the machine hits every contender alike.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { authorizationHeader } from '../src/smugmug/oauth.ts';
import { grant, TokenBucket } from '../src/sync/token-bucket.ts';
import { freshAlbum, startSandboxProcess } from './sandbox-process.ts';
import { type BenchRow, mbps, median, removeDir, run, tempDir } from './support.ts';

const RUNS = 5;
const TARGET = 0.9;
// The sandbox takes files over 500 MiB only as videos, as SmugMug does.
const MIME = 'video/mp4';

type Contender = 'curl' | 'client' | 'engine';

interface Measured {
  ms: number;
  /** CPU the sandbox spent receiving: close to `ms` means the server, not the client, set the pace. */
  serverCpuMs: number | null;
}

export async function benchUpload(file: string, md5: string): Promise<BenchRow[]> {
  const { size } = await stat(file);
  const sandbox = await startSandboxProcess('upload');
  const scratch = tempDir('curl');
  try {
    const client = sandbox.client();
    const { info } = sandbox;
    const fileName = `${basename(file)}.mp4`;
    const md5Base64 = Buffer.from(md5, 'hex').toString('base64');

    const bucket = new TokenBucket(0);
    const viaClient = async (label: string, paced: boolean): Promise<number> => {
      const albumUri = await freshAlbum(client, label);
      const started = performance.now();
      await client.upload({
        albumUri,
        filePath: file,
        size,
        md5,
        fileName,
        mimeType: MIME,
        // As the engine sends every upload: through the shared bucket, here without a limit.
        ...(paced ? { pace: (wanted) => grant(bucket, wanted) } : {}),
      });
      return performance.now() - started;
    };

    const viaCurl = async (label: string): Promise<number> => {
      const albumUri = await freshAlbum(client, label);
      // A URL with a file part: given one ending in "/", curl -T would append the file's name.
      const url = `${info.uploadUrl}${encodeURIComponent(fileName)}`;
      const headers = [
        `Content-Type: ${MIME}`,
        `X-Smug-AlbumUri: ${albumUri}`,
        'X-Smug-ResponseType: JSON',
        'X-Smug-Version: v2',
        `X-Smug-FileName: ${encodeURIComponent(fileName)}`,
        `Content-MD5: ${md5Base64}`,
        `Authorization: ${authorizationHeader('POST', url, {
          consumerKey: info.consumerKey,
          consumerSecret: info.consumerSecret,
          token: info.accessToken,
          tokenSecret: info.accessTokenSecret,
        })}`,
        // Safelight does not wait for "100 Continue" either.
        'Expect:',
      ];
      // Headers from a file keep the signed Authorization out of the process list.
      const headerFile = join(scratch, 'headers.txt');
      const bodyFile = join(scratch, 'body.json');
      await writeFile(headerFile, `${headers.join('\n')}\n`, { mode: 0o600 });
      const args = [
        '-sS',
        '-o',
        bodyFile,
        '-w',
        '%{http_code}',
        '-T',
        file,
        '-X',
        'POST',
        '-H',
        `@${headerFile}`,
      ];
      const done = await run('curl', [...args, url], { timeoutMs: 300_000 });
      const reply = await readFile(bodyFile, 'utf8').catch(() => '');
      if (done.code !== 0 || done.stdout !== '200' || statOf(reply) !== 'ok') {
        throw new Error(
          `curl upload failed: exit ${done.code}, HTTP ${done.stdout}, ${reply || done.stderr}`,
        );
      }
      return done.ms;
    };

    const contenders: Array<{ key: Contender; send: (label: string) => Promise<number> }> = [
      { key: 'curl', send: viaCurl },
      { key: 'client', send: (label) => viaClient(label, false) },
      { key: 'engine', send: (label) => viaClient(label, true) },
    ];
    const runs: Record<Contender, Measured[]> = { curl: [], client: [], engine: [] };
    for (let round = 0; round < RUNS; round++) {
      // Each round starts with the next contender, so no one always goes first after a pause.
      for (let i = 0; i < contenders.length; i++) {
        const { key, send } = contenders[(i + round) % contenders.length] as (typeof contenders)[number];
        const serverBefore = sandbox.cpuMs();
        const ms = await send(`${key} ${round + 1}`);
        const serverAfter = sandbox.cpuMs();
        runs[key].push({
          ms,
          serverCpuMs: serverBefore === null || serverAfter === null ? null : serverAfter - serverBefore,
        });
        await sandbox.clearBlobs();
      }
    }
    const curl = mbps(size, median(runs.curl.map((r) => r.ms)));
    const row = (name: string, ours: Measured[]): BenchRow => {
      const rate = mbps(size, median(ours.map((r) => r.ms)));
      return {
        name,
        safelight: `${rate.toFixed(0)} MB/s`,
        baseline: `${curl.toFixed(0)} MB/s`,
        ratio: rate / curl,
        target: `≥ ${TARGET.toFixed(2)}`,
        pass: rate / curl >= TARGET,
        details: { bytes: size, safelightMBps: rate, curlMBps: curl, safelight: ours, curl: runs.curl },
      };
    };
    const gib = (size / 2 ** 30).toFixed(0);
    return [
      row(`upload ${gib} GiB vs curl`, runs.client),
      row(`upload ${gib} GiB, engine path vs curl`, runs.engine),
    ];
  } finally {
    removeDir(scratch);
    await sandbox.close();
  }
}

function statOf(reply: string): unknown {
  try {
    return (JSON.parse(reply) as { stat?: unknown }).stat;
  } catch {
    return undefined;
  }
}
