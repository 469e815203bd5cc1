// SmugMugClient.imageMetadata: the capture time SmugMug read from an uploaded file (!metadata
// DateTimeCreated), which identifies a HEIC or a video whose stored bytes are not the local ones.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { SmugMugClient } from '../../src/smugmug/client.ts';
import type { WaitInfo } from '../../src/smugmug/retry.ts';
import { SmugMugError } from '../../src/smugmug/types.ts';
import { md5Hex } from '../helpers/account.ts';
import { SignedClient } from '../helpers/signed-client.ts';
import { clientFor } from './support.ts';

const MEDIA = join(import.meta.dirname, '../fixtures/media');
const FIXTURES = new URL('../../../shared/smugmug/fixtures/', import.meta.url);

describe('SmugMugClient.imageMetadata against the sandbox', () => {
  let sandbox: Sandbox;
  let client: SmugMugClient;
  let albumUri: string;
  const waits: WaitInfo[] = [];

  before(async () => {
    sandbox = await startSandbox();
    client = clientFor(sandbox, { onWait: (w) => waits.push(w) });
    const root = (await client.authUser()).rootNodeUri;
    const album = await client.createNode(root, {
      type: 'Album',
      name: 'Metadata',
      urlName: 'Metadata',
      privacy: 'Private',
    });
    albumUri = album.albumUri as string;
  });
  after(async () => {
    await sandbox.close();
  });

  async function upload(name: string, mimeType: string): Promise<string> {
    const filePath = join(MEDIA, name);
    const result = await client.upload({
      albumUri,
      filePath,
      size: statSync(filePath).size,
      md5: md5Hex(readFileSync(filePath)),
      fileName: name,
      mimeType,
    });
    return result.imageUri;
  }

  test('a HEIC stored as JPEG and a re-encoded video keep their capture time', async () => {
    const heic = await upload('IMG_0001.HEIC', 'image/heic');
    assert.equal((await client.getImage(heic)).fileName, 'IMG_0001.JPG');
    assert.deepEqual(await client.imageMetadata(heic), { dateTimeCreated: '2024-07-14T18:22:01' });
    const mov = await upload('IMG_0002.MOV', 'video/quicktime');
    assert.deepEqual(await client.imageMetadata(mov), { dateTimeCreated: '2024-07-14T18:25:01' });
  });

  test('a file SmugMug found no date in gives null', async () => {
    const bare = await upload('bare.jpg', 'image/jpeg');
    assert.deepEqual(await client.imageMetadata(bare), { dateTimeCreated: null });
  });

  test('a deleted image is not-found and not retried', async () => {
    const gone = await upload('no-offset.jpg', 'image/jpeg');
    const { albumImageUri } = await client.getImage(gone);
    const deleted = await new SignedClient(sandbox.info).request(albumImageUri, { method: 'DELETE' });
    assert.equal(deleted.status, 200, deleted.text);
    const requestsBefore = sandbox.stats().requests;
    await assert.rejects(client.imageMetadata(gone), { kind: 'not-found', transient: false });
    assert.equal(sandbox.stats().requests - requestsBefore, 1);
  });

  test('a 503 is retried; an abort ends the wait that a 429 asked for', async () => {
    const imageUri = await upload('abroad.jpg', 'image/jpeg');
    waits.length = 0;
    sandbox.forceFault('503');
    assert.deepEqual(await client.imageMetadata(imageUri), { dateTimeCreated: '2024-08-01T00:30:05' });
    assert.deepEqual(
      waits.map((w) => w.reason),
      ['retry'],
    );
    sandbox.forceFault('429');
    const controller = new AbortController();
    const reason = new Error('stopped by the person');
    const started = Date.now();
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(client.imageMetadata(imageUri, { signal: controller.signal }), (e) => e === reason);
    assert.ok(Date.now() - started < 900, 'did not sit out the 1 s Retry-After');
  });

  test('only Image URIs are accepted', async () => {
    await assert.rejects(client.imageMetadata(albumUri), TypeError);
    await assert.rejects(client.imageMetadata('/api/v2/image/abc-0!metadata'), TypeError);
  });
});

describe('SmugMugClient.imageMetadata on the wire', () => {
  const recorded = JSON.parse(
    readFileSync(new URL('image_heic_converted_with_metadata_expansion_response.json', FIXTURES), 'utf8'),
  );
  const metadata = recorded.Expansions['/api/v2/image/UQpV019-0!metadata'];

  async function serve(answer: (url: string) => unknown, run: (client: SmugMugClient) => Promise<void>) {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer(req.url ?? '')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      await run(
        new SmugMugClient({
          endpoints: { apiBaseUrl: `http://127.0.0.1:${port}/api/v2`, uploadUrl: '', oauthBaseUrl: '' },
          credentials: { consumerKey: 'ck', consumerSecret: 'cs', token: 'tk', tokenSecret: 'ts' },
          retry: { retries: 0 },
        }),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  test('GETs {ImageUri}!metadata for DateTimeCreated alone and reads the recorded answer', async () => {
    const urls: string[] = [];
    await serve(
      (url) => {
        urls.push(url);
        return { Response: metadata, Code: 200, Message: 'Ok' };
      },
      async (client) => {
        assert.deepEqual(await client.imageMetadata('/api/v2/image/UQpV019-0'), {
          dateTimeCreated: '2019-08-04T11:28:12',
        });
      },
    );
    assert.equal(urls.length, 1);
    const url = new URL(urls[0] as string, 'http://x');
    assert.equal(url.pathname, '/api/v2/image/UQpV019-0!metadata');
    assert.equal(url.searchParams.get('_filter'), 'DateTimeCreated');
  });

  test('an empty or missing DateTimeCreated is null; an answer without ImageMetadata is bad-response', async () => {
    const answers: unknown[] = [
      { Response: { ...metadata, ImageMetadata: { DateTimeCreated: '' } }, Code: 200 },
      { Response: { ...metadata, ImageMetadata: {} }, Code: 200 },
      { Response: { Uri: '/api/v2/image/UQpV019-0!metadata' }, Code: 200 },
    ];
    await serve(
      () => answers.shift(),
      async (client) => {
        assert.deepEqual(await client.imageMetadata('/api/v2/image/UQpV019-0'), { dateTimeCreated: null });
        assert.deepEqual(await client.imageMetadata('/api/v2/image/UQpV019-0'), { dateTimeCreated: null });
        await assert.rejects(
          client.imageMetadata('/api/v2/image/UQpV019-0'),
          (e: unknown) => e instanceof SmugMugError && e.kind === 'bad-response',
        );
      },
    );
  });
});
