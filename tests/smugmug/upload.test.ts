import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { SmugMugClient } from '../../src/smugmug/client.ts';
import type { WaitInfo } from '../../src/smugmug/retry.ts';
import { LocalFileError, SmugMugError, type UploadRequest } from '../../src/smugmug/types.ts';
import { imagesOf } from '../helpers/account.ts';
import { clientFor, type MediaFile, TempFiles } from './support.ts';

const files = new TempFiles();
after(() => files.cleanup());

describe('upload request on the wire', () => {
  test('streams the bytes with every header SmugMug needs, OAuth only in the Authorization header', async () => {
    const seen: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders; body: Buffer }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            stat: 'ok',
            method: 'smugmug.images.upload',
            Image: {
              ImageUri: '/api/v2/image/K-0',
              AlbumImageUri: '/api/v2/album/A/image/K-0',
              URL: 'https://x/i-K',
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const client = new SmugMugClient({
        endpoints: {
          apiBaseUrl: 'http://127.0.0.1:1/api/v2',
          uploadUrl: `http://127.0.0.1:${port}/`,
          oauthBaseUrl: '',
        },
        credentials: { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' },
      });
      const file = await files.make('wire.jpg', 3000, 9);
      const fileName = 'Été 🌅 a&b c.jpg';
      const result = await client.upload({
        albumUri: '/api/v2/album/A',
        filePath: file.path,
        size: 2500,
        md5: md5Of(file.bytes.subarray(0, 2500)),
        fileName,
        mimeType: 'image/jpeg',
      });
      assert.deepEqual(result, {
        imageUri: '/api/v2/image/K-0',
        albumImageUri: '/api/v2/album/A/image/K-0',
        url: 'https://x/i-K',
        verified: false,
      });
      await client.upload({
        albumUri: '/api/v2/album/A',
        filePath: file.path,
        size: file.size,
        md5: file.md5,
        fileName: 'x.jpg',
        mimeType: 'application/x-www-form-urlencoded',
        replaceImageUri: '/api/v2/image/K-0',
      });

      const [first, second] = seen;
      assert.ok(first && second);
      assert.equal(first.method, 'POST');
      assert.equal(first.url, '/', 'nothing in the query string');
      assert.deepEqual(first.body, file.bytes.subarray(0, 2500), 'exactly `size` bytes from the start');
      const h = first.headers;
      assert.equal(h['content-length'], '2500');
      assert.equal(
        h['content-md5'],
        Buffer.from(md5Of(file.bytes.subarray(0, 2500)), 'hex').toString('base64'),
      );
      assert.equal(h['content-type'], 'image/jpeg');
      assert.equal(h['x-smug-albumuri'], '/api/v2/album/A');
      assert.equal(h['x-smug-filename'], encodeURIComponent(fileName));
      assert.equal(h['x-smug-responsetype'], 'JSON');
      assert.equal(h['x-smug-version'], 'v2');
      assert.equal(h['x-smug-imageuri'], undefined);
      assert.equal(h['transfer-encoding'], undefined);
      const auth = h.authorization ?? '';
      assert.match(auth, /^OAuth /);
      for (const field of [
        'oauth_consumer_key="ck"',
        'oauth_token="tk"',
        'oauth_signature=',
        'oauth_nonce=',
      ]) {
        assert.ok(auth.includes(field), field);
      }
      assert.equal(auth.includes('"ts"') || auth.includes('"cs"'), false, 'no secrets on the wire');
      assert.equal(second.headers['content-type'], 'application/octet-stream', 'never a form content type');
      assert.equal(second.headers['x-smug-imageuri'], '/api/v2/image/K-0');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('uploads to the sandbox', () => {
  let sandbox: Sandbox;
  let client: SmugMugClient;
  let root: string;
  const waits: WaitInfo[] = [];
  let albumCount = 0;

  before(async () => {
    sandbox = await startSandbox({ limits: { albumImages: 3 } });
    client = clientFor(sandbox, { onWait: (w) => waits.push(w) });
    root = (await client.authUser()).rootNodeUri;
  });
  after(() => sandbox.close());

  const newAlbum = async () => {
    albumCount++;
    const node = await client.createNode(root, {
      type: 'Album',
      name: `Album ${albumCount}`,
      urlName: `Album-${albumCount}`,
      privacy: 'Private',
    });
    const albumUri = node.albumUri as string;
    return { albumUri, key: albumUri.split('/').pop() as string };
  };
  const request = (
    albumUri: string,
    file: MediaFile,
    fileName: string,
    extra: Partial<UploadRequest> = {},
  ) => ({
    albumUri,
    filePath: file.path,
    size: file.size,
    md5: file.md5,
    fileName,
    mimeType: 'image/jpeg',
    ...extra,
  });
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => assert.fail('the upload should have failed'),
      (e: unknown) => {
        assert.ok(e instanceof SmugMugError, String(e));
        return e;
      },
    );

  test('an upload arrives byte for byte under its UTF-8 name, paced piece by piece, with progress', async () => {
    const { albumUri, key } = await newAlbum();
    const file = await files.make('pic.jpg', 300_000, 2);
    const names = ['Été à la plage.jpg', 'Sunset 🌅 & friends (1).jpg', '100% + more, yes.JPG'];
    for (const fileName of names) {
      const progress: number[] = [];
      const granted: number[] = [];
      const result = await client.upload(
        request(albumUri, file, fileName, {
          onProgress: (n) => progress.push(n),
          // Odd-sized pieces, so the body is read in many short reads at unaligned offsets.
          pace: async (wanted) => {
            const n = Math.min(wanted, 7_777);
            granted.push(n);
            return n;
          },
        }),
      );
      assert.equal(result.verified, false);
      assert.equal(
        granted.reduce((a, b) => a + b, 0),
        file.size,
      );
      assert.equal(granted.length, Math.ceil(file.size / 7_777));
      assert.equal(progress.at(-1), file.size);
      assert.ok(progress.every((n, i) => i === 0 || n >= (progress[i - 1] ?? 0)));
      const image = imagesOf(sandbox, key).find((i) => i.FileName === fileName);
      assert.ok(image, fileName);
      assert.equal(image.ArchivedMD5, file.md5);
      assert.equal(image.UploadedMD5, file.md5);
      assert.equal(image.ArchivedSize, file.size);
      assert.equal(result.imageUri, `/api/v2/image/${image.ImageKey}-0`);
      assert.equal(result.albumImageUri, `${albumUri}/image/${image.ImageKey}-0`);
    }
  });

  test('replacing keeps the ImageKey and raises the Serial', async () => {
    const { albumUri, key } = await newAlbum();
    const first = await files.make('v1.jpg', 5000, 3);
    const second = await files.make('v2.jpg', 6000, 4);
    const original = await client.upload(request(albumUri, first, 'photo.jpg'));
    const replaced = await client.upload(
      request(albumUri, second, 'photo.jpg', { replaceImageUri: original.imageUri }),
    );
    const [image, ...others] = imagesOf(sandbox, key);
    assert.equal(others.length, 0);
    assert.ok(image);
    assert.equal(original.imageUri, `/api/v2/image/${image.ImageKey}-0`);
    assert.equal(replaced.imageUri, `/api/v2/image/${image.ImageKey}-1`);
    assert.equal(image.Serial, 1);
    assert.equal(image.ArchivedMD5, second.md5);
  });

  test('stat "fail" answers become upload-failed errors with the code and whether a retry helps', async () => {
    const { albumUri } = await newAlbum();
    const file = await files.make('bad.bin', 2000, 5);

    const webp = await failureOf(
      client.upload(request(albumUri, file, 'graphic.webp', { mimeType: 'image/webp' })),
    );
    assert.equal(webp.kind, 'upload-failed');
    assert.equal(webp.code, 64);
    assert.equal(webp.transient, false);
    assert.match(webp.message, /does not accept this file type: "graphic\.webp"/);

    const bmp = await failureOf(
      client.upload(request(albumUri, file, 'scan.bmp', { mimeType: 'image/bmp' })),
    );
    assert.equal(bmp.code, 6);
    assert.equal(bmp.transient, false);

    const noAlbum = await failureOf(client.upload(request('/api/v2/album/NoSuchAlbum', file, 'a.jpg')));
    assert.equal(noAlbum.code, 9);
    assert.equal(noAlbum.transient, false);

    const failedBefore = sandbox.stats().uploadsFailed;
    const wrongMd5 = await failureOf(
      client.upload(request(albumUri, file, 'a.jpg', { md5: 'f'.repeat(32) })),
    );
    assert.equal(wrongMd5.code, 5);
    assert.equal(wrongMd5.transient, true);
    assert.equal(sandbox.stats().uploadsFailed - failedBefore, 4, 'code 5 is retried (3 retries)');

    for (let i = 0; i < 3; i++) await client.upload(request(albumUri, file, `fill-${i}.jpg`));
    const full = await failureOf(client.upload(request(albumUri, file, 'one-more.jpg')));
    assert.equal(full.code, 63);
    assert.equal(full.transient, false);
    assert.match(full.message, /is full/);
  });

  test('a 429 on an upload waits Retry-After and then succeeds', async () => {
    const { albumUri, key } = await newAlbum();
    const file = await files.make('slow.jpg', 4000, 6);
    waits.length = 0;
    sandbox.forceFault('429');
    const started = Date.now();
    const result = await client.upload(request(albumUri, file, 'slow.jpg'));
    assert.equal(result.verified, false);
    assert.ok(Date.now() - started >= 950);
    assert.deepEqual(
      waits.map((w) => [w.reason, w.ms]),
      [['rate-limit', 1000]],
    );
    assert.equal(imagesOf(sandbox, key).length, 1);
  });

  test('500 and 503 answers are retried after checking the album, leaving one image', async () => {
    const { albumUri, key } = await newAlbum();
    const file = await files.make('retry.jpg', 200_000, 7);
    const before = sandbox.stats().byStatus;
    sandbox.forceFault('500');
    const first = await client.upload(request(albumUri, file, 'retry.jpg'));
    sandbox.forceFault('503');
    const second = await client.upload(request(albumUri, file, 'retry-2.jpg'));
    const after = sandbox.stats().byStatus;
    assert.equal((after['500'] ?? 0) - (before['500'] ?? 0), 1);
    assert.equal((after['503'] ?? 0) - (before['503'] ?? 0), 1);
    assert.equal(first.verified, false);
    assert.equal(second.verified, false);
    assert.deepEqual(
      imagesOf(sandbox, key).map((i) => i.FileName),
      ['retry.jpg', 'retry-2.jpg'],
    );
  });

  test('an upload applied and then answered 504 is found by listing the album, not sent again', async () => {
    const { albumUri, key } = await newAlbum();
    const file = await files.make('commit.jpg', 50_000, 8);
    const accepted = sandbox.stats().uploadsAccepted;
    const replacedBefore = sandbox.stats().uploadsReplaced;
    sandbox.forceFault('504commit');
    const result = await client.upload(request(albumUri, file, 'commit.jpg'));
    assert.equal(result.verified, true);
    const images = imagesOf(sandbox, key);
    assert.equal(images.length, 1);
    assert.equal(result.imageUri, `/api/v2/image/${images[0].ImageKey}-0`);
    assert.equal(sandbox.stats().uploadsAccepted - accepted, 1, 'the file was sent once');

    const other = await files.make('commit-v2.jpg', 50_000, 9);
    sandbox.forceFault('504commit');
    const replaced = await client.upload(
      request(albumUri, other, 'commit.jpg', { replaceImageUri: result.imageUri }),
    );
    assert.equal(replaced.verified, true);
    assert.equal(replaced.imageUri, `/api/v2/image/${images[0].ImageKey}-1`);
    assert.equal(imagesOf(sandbox, key).length, 1);
    assert.equal(sandbox.stats().uploadsReplaced - replacedBefore, 1);
  });

  test('a connection reset halfway through the body is retried, leaving exactly one image', async () => {
    const { albumUri, key } = await newAlbum();
    const file = await files.make('reset.jpg', 400_000, 10);
    waits.length = 0;
    sandbox.forceFault('reset');
    const result = await client.upload(request(albumUri, file, 'reset.jpg'));
    assert.equal(result.verified, false);
    assert.equal(waits.length, 1);
    assert.equal(waits[0]?.error.kind, 'network');
    const images = imagesOf(sandbox, key);
    assert.equal(images.length, 1);
    assert.equal(images[0].ArchivedMD5, file.md5);
  });

  test('an abort stops the upload and is not retried', async () => {
    const { albumUri, key } = await newAlbum();
    const file = await files.make('abort.jpg', 2_000_000, 11);
    const controller = new AbortController();
    const requestsBefore = sandbox.stats().requests;
    const reason = new Error('stopped by the person');
    await assert.rejects(
      client.upload(
        request(albumUri, file, 'abort.jpg', {
          signal: controller.signal,
          onProgress: (n) => {
            if (n > 0) controller.abort(reason);
          },
        }),
      ),
      (e: unknown) => e === reason,
    );
    // The cut request may reach the server a moment later; a retry would make it two.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(sandbox.stats().requests - requestsBefore <= 1);
    assert.equal(imagesOf(sandbox, key).length, 0);
  });

  test('a file shorter than the size to send is a local error, not a SmugMug one', async () => {
    const { albumUri } = await newAlbum();
    const file = await files.make('short.jpg', 1000, 12);
    await assert.rejects(
      client.upload(request(albumUri, file, 'short.jpg', { size: 2000 })),
      (e: unknown) => {
        assert.ok(e instanceof LocalFileError);
        assert.match(e.message, /short\.jpg" is 1000 bytes, shorter than the 2000/);
        return true;
      },
    );
  });

  test('a file that shrinks while it is being sent fails as a local error, not retried', async () => {
    const { albumUri, key } = await newAlbum();
    const file = await files.make('shrinks.jpg', 16 * 1024 * 1024, 13);
    const requestsBefore = sandbox.stats().requests;
    let cut = false;
    await assert.rejects(
      client.upload(
        request(albumUri, file, 'shrinks.jpg', {
          onProgress: () => {
            if (!cut) truncateSync(file.path, 1000);
            cut = true;
          },
        }),
      ),
      (e: unknown) => {
        assert.ok(e instanceof LocalFileError, String(e));
        assert.match(e.message, /shrinks\.jpg" changed while uploading/);
        return true;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(sandbox.stats().requests - requestsBefore <= 1);
    assert.equal(imagesOf(sandbox, key).length, 0);
  });

  test('a 200 MB file is streamed, not held in memory', async () => {
    const { albumUri, key } = await newAlbum();
    const size = 200 * 1024 * 1024;
    const path = join(await files.ensureDir(), 'big.jpg');
    const handle = await open(path, 'w');
    await handle.truncate(size);
    await handle.close();
    const zeros = Buffer.alloc(1024 * 1024);
    const hash = createHash('md5');
    for (let i = 0; i < 200; i++) hash.update(zeros);
    const md5 = hash.digest('hex');

    // Garbage buffers wait for a collection, so live memory is measured right after one.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const baseline = live();
    let peak = baseline;
    let sampledAt = 0;
    await client.upload({
      albumUri,
      filePath: path,
      size,
      md5,
      fileName: 'big.jpg',
      mimeType: 'image/jpeg',
      onProgress: (sent) => {
        if (sent - sampledAt < 10 * 1024 * 1024) return;
        sampledAt = sent;
        peak = Math.max(peak, live());
      },
    });
    const growth = peak - baseline;
    assert.ok(growth < 50 * 1024 * 1024, `memory grew by ${Math.round(growth / 1024 / 1024)} MB`);
    const [image] = imagesOf(sandbox, key);
    assert.equal(image.ArchivedSize, size);
    assert.equal(image.ArchivedMD5, md5);
  });
});

function md5Of(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}
