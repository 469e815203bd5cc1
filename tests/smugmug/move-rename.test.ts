// SmugMugClient.moveImages and renameNode against the sandbox: moves verified by listing the
// target album (504-after-apply, processing images ignored, batches), renames that keep UrlName.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import type { SmugMugClient } from '../../src/smugmug/client.ts';
import { SmugMugError, type UploadResult } from '../../src/smugmug/types.ts';
import { imagesOf } from '../helpers/account.ts';
import { clientFor, TempFiles } from './support.ts';

describe('SmugMugClient.moveImages', () => {
  let sandbox: Sandbox;
  let client: SmugMugClient;
  let root: string;
  let seed = 0;
  const files = new TempFiles();

  before(async () => {
    sandbox = await startSandbox();
    client = clientFor(sandbox);
    root = (await client.authUser()).rootNodeUri;
  });
  after(async () => {
    await sandbox.close();
    await files.cleanup();
  });

  const album = async (name: string) => {
    const node = await client.createNode(root, { type: 'Album', name, urlName: name, privacy: 'Private' });
    return node.albumUri as string;
  };
  const keyOf = (albumUri: string) => albumUri.split('/').pop() as string;

  const upload = async (albumUri: string, fileName: string): Promise<UploadResult & { md5: string }> => {
    seed++;
    const file = await files.make(`${seed}-${fileName}`, 1000 + seed, seed);
    const result = await client.upload({
      albumUri,
      filePath: file.path,
      size: file.size,
      md5: file.md5,
      fileName,
      mimeType: fileName.endsWith('.mov') ? 'video/quicktime' : 'image/jpeg',
    });
    return { ...result, md5: file.md5 };
  };

  const imageKey = (uri: string) => /\/image\/([A-Za-z0-9]+)-\d+$/.exec(uri)?.[1];

  test('moves three images: same ImageKey and ArchivedMD5, source empty, target has them', async () => {
    const from = await album('From-Three');
    const to = await album('To-Three');
    const sent = [await upload(from, 'a.jpg'), await upload(from, 'b.jpg'), await upload(from, 'c.jpg')];

    const moved = await client.moveImages(
      to,
      sent.map((s) => s.albumImageUri),
    );

    assert.equal(moved.size, 3);
    for (const s of sent) {
      const now = moved.get(s.albumImageUri);
      assert.ok(now, `${s.albumImageUri} is reported`);
      assert.equal(imageKey(now.albumImageUri), imageKey(s.albumImageUri), 'ImageKey is kept');
      assert.match(now.albumImageUri, new RegExp(`^${to}/image/[A-Za-z0-9]+-\\d+$`));
      assert.equal(now.imageUri, s.imageUri, 'the Image itself is the same');
    }
    assert.deepEqual(await client.albumImages(from), []);
    const listed = await client.albumImages(to);
    assert.deepEqual(
      listed.map((i) => [i.albumImageUri, i.archivedMD5]).sort(),
      sent.map((s) => [moved.get(s.albumImageUri)?.albumImageUri, s.md5]).sort(),
    );
    assert.equal(imagesOf(sandbox, keyOf(to)).length, 3);
    assert.equal(imagesOf(sandbox, keyOf(from)).length, 0);
  });

  test('a move answered 504 after it was applied is verified by listing, not sent again', async () => {
    const from = await album('From-504');
    const to = await album('To-504');
    const sent = [await upload(from, 'x.jpg'), await upload(from, 'y.jpg')];
    const before504 = sandbox.stats().byStatus['504'] ?? 0;
    const requestsBefore = sandbox.stats().requests;
    sandbox.forceFault('504commit');

    const moved = await client.moveImages(
      to,
      sent.map((s) => s.albumImageUri),
    );

    assert.equal(sandbox.stats().byStatus['504'], before504 + 1);
    // The POST (504), one listing before the retry finds both there, and the final listing:
    // a second POST would have been refused with 400, as the sources are no longer in `from`.
    assert.equal(sandbox.stats().requests - requestsBefore, 3);
    assert.equal(sandbox.stats().byStatus['400'] ?? 0, 0);
    assert.deepEqual([...moved.keys()].sort(), sent.map((s) => s.albumImageUri).sort());
    for (const s of sent)
      assert.equal(imageKey(moved.get(s.albumImageUri)?.albumImageUri ?? ''), imageKey(s.imageUri));
    assert.equal(imagesOf(sandbox, keyOf(from)).length, 0);
  });

  test('after a 500 that changed nothing, the move is checked and sent again', async () => {
    const from = await album('From-500');
    const to = await album('To-500');
    const sent = await upload(from, 'z.jpg');
    const requestsBefore = sandbox.stats().requests;
    sandbox.forceFault('500');

    const moved = await client.moveImages(to, [sent.albumImageUri]);

    assert.equal(sandbox.stats().requests - requestsBefore, 4, 'POST (500), listing, POST, final listing');
    assert.equal(imageKey(moved.get(sent.albumImageUri)?.albumImageUri ?? ''), imageKey(sent.imageUri));
    assert.equal(imagesOf(sandbox, keyOf(to)).length, 1);
  });

  test('an image still processing is ignored by SmugMug and left out of the map', async () => {
    const from = await album('From-Video');
    const to = await album('To-Video');
    const photo = await upload(from, 'p.jpg');
    const video = await upload(from, 'v.mov');

    const moved = await client.moveImages(to, [photo.albumImageUri, video.albumImageUri]);

    assert.deepEqual([...moved.keys()], [photo.albumImageUri]);
    assert.deepEqual(
      imagesOf(sandbox, keyOf(from)).map((i) => i.FileName),
      ['v.mov'],
    );
  });

  test('many images go in batches of 50, and an image already in the target is only confirmed', async () => {
    const from = await album('From-Many');
    const to = await album('To-Many');
    const sent: UploadResult[] = [];
    for (let i = 0; i < 51; i++) sent.push(await upload(from, `m${i}.jpg`));
    const already = await upload(to, 'here.jpg');
    const requestsBefore = sandbox.stats().requests;

    const moved = await client.moveImages(to, [...sent.map((s) => s.albumImageUri), already.albumImageUri]);

    assert.equal(sandbox.stats().requests - requestsBefore, 3, 'two POSTs and one listing page');
    assert.equal(moved.size, 52);
    assert.equal(moved.get(already.albumImageUri)?.albumImageUri, already.albumImageUri);
    assert.equal(imagesOf(sandbox, keyOf(to)).length, 52);
  });

  test('a source no longer in its album is refused with a message saying what to do', async () => {
    const from = await album('From-Stale');
    const to = await album('To-Stale');
    const sent = await upload(from, 's.jpg');
    await client.moveImages(to, [sent.albumImageUri]);

    const error = await client.moveImages(to, [sent.albumImageUri]).catch((e: unknown) => e);

    assert.ok(error instanceof SmugMugError);
    assert.equal(error.kind, 'bad-request');
    assert.equal(error.transient, false);
    assert.match(error.message, /no longer in the album its URI names/);
    assert.match(error.message, new RegExp(to));
  });

  test('nothing to move asks nothing; bad URIs are programming errors', async () => {
    const requestsBefore = sandbox.stats().requests;
    assert.equal((await client.moveImages('/api/v2/album/Abc', [])).size, 0);
    assert.equal(sandbox.stats().requests, requestsBefore);
    await assert.rejects(client.moveImages('/api/v2/node/Abc', []), TypeError);
    await assert.rejects(client.moveImages('/api/v2/album/Abc', ['/api/v2/image/K-0']), TypeError);
  });
});

describe('SmugMugClient.renameNode', () => {
  let sandbox: Sandbox;
  let client: SmugMugClient;
  let root: string;

  before(async () => {
    sandbox = await startSandbox();
    client = clientFor(sandbox);
    root = (await client.authUser()).rootNodeUri;
  });
  after(() => sandbox.close());

  test('changes Name and keeps UrlName, NodeID, URI and album', async () => {
    const node = await client.createNode(root, {
      type: 'Album',
      name: 'Summer 2026',
      urlName: 'Summer-2026',
      privacy: 'Private',
    });

    const renamed = await client.renameNode(node.uri, 'Été 2026 & friends');

    assert.deepEqual(renamed, { ...node, name: 'Été 2026 & friends' });
    assert.deepEqual(await client.getNode(node.uri), renamed);
  });

  test('is retried after a 503 and after a 504 that was applied', async () => {
    const node = await client.createNode(root, {
      type: 'Folder',
      name: 'Old',
      urlName: 'Old',
      privacy: 'Unlisted',
    });
    sandbox.forceFault('503');
    assert.equal((await client.renameNode(node.uri, 'Newer')).name, 'Newer');
    sandbox.forceFault('504commit');
    const renamed = await client.renameNode(node.uri, 'Newest');
    assert.deepEqual([renamed.name, renamed.urlName, renamed.nodeId], ['Newest', 'Old', node.nodeId]);
  });

  test('a name SmugMug would refuse is refused before asking', async () => {
    const requestsBefore = sandbox.stats().requests;
    for (const name of ['', 'x'.repeat(255)]) {
      const error = await client.renameNode(root, name).catch((e: unknown) => e);
      assert.ok(error instanceof SmugMugError);
      assert.equal(error.kind, 'bad-request');
      assert.match(error.message, /1 to 254 characters/);
    }
    assert.equal(sandbox.stats().requests, requestsBefore);
  });

  test('a missing node is not-found', async () => {
    const error = await client.renameNode('/api/v2/node/Nope1', 'X').catch((e: unknown) => e);
    assert.ok(error instanceof SmugMugError);
    assert.equal(error.kind, 'not-found');
  });
});
