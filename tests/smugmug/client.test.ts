import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import type { SmugMugClient } from '../../src/smugmug/client.ts';
import type { WaitInfo } from '../../src/smugmug/retry.ts';
import { SmugMugError } from '../../src/smugmug/types.ts';
import { findNode, imagesOf } from '../helpers/account.ts';
import { clientFor, TempFiles } from './support.ts';

describe('SmugMugClient: users, nodes and listings', () => {
  let sandbox: Sandbox;
  let client: SmugMugClient;
  let root: string;
  const waits: WaitInfo[] = [];
  const files = new TempFiles();

  before(async () => {
    sandbox = await startSandbox();
    client = clientFor(sandbox, { onWait: (w) => waits.push(w) });
    root = (await client.authUser()).rootNodeUri;
  });
  after(async () => {
    await sandbox.close();
    await files.cleanup();
  });

  const nodesNamed = (urlName: string) => {
    const found: unknown[] = [];
    findNode(sandbox.dump().Root, (n) => {
      if (n.UrlName === urlName) found.push(n);
      return false;
    });
    return found;
  };

  test('authUser names the account and its root folder', async () => {
    const me = await client.authUser();
    assert.equal(me.nickname, sandbox.nickname);
    assert.equal(me.name, 'Safelight Sandbox');
    assert.match(me.rootNodeUri, /^\/api\/v2\/node\/[A-Za-z0-9]+$/);
    const node = await client.getNode(me.rootNodeUri);
    assert.equal(node.type, 'Folder');
    assert.equal(node.uri, me.rootNodeUri);
  });

  test('creates a folder and an album in it', async () => {
    const folder = await client.createNode(root, {
      type: 'Folder',
      name: 'Trips & Fun',
      urlName: 'Trips',
      privacy: 'Private',
    });
    assert.equal(folder.type, 'Folder');
    assert.equal(folder.name, 'Trips & Fun');
    assert.equal(folder.privacy, 'Private');
    assert.equal(folder.albumUri, undefined);
    const album = await client.createNode(folder.uri, {
      type: 'Album',
      name: 'Été 2026 🌅',
      urlName: 'Ete-2026',
      privacy: 'Unlisted',
    });
    assert.equal(album.type, 'Album');
    assert.match(album.albumUri ?? '', /^\/api\/v2\/album\/[A-Za-z0-9]+$/);
    assert.deepEqual(await client.getNode(album.uri), album);
    const dumped = findNode(sandbox.dump().Root, (n) => n.NodeID === album.nodeId);
    assert.equal(dumped.Name, 'Été 2026 🌅');
    assert.equal(dumped.Privacy, 'Unlisted');
    assert.deepEqual(await client.children(folder.uri), [album]);
  });

  test('a UrlName already used by a sibling is a conflict, and nothing is created', async () => {
    await client.createNode(root, { type: 'Album', name: 'Taken', urlName: 'Taken', privacy: 'Private' });
    const error = await client
      .createNode(root, { type: 'Album', name: 'Another', urlName: 'Taken', privacy: 'Private' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof SmugMugError);
    assert.equal(error.kind, 'conflict');
    assert.equal(error.transient, false);
    assert.match(error.message, /UrlName "Taken"/);
    assert.equal(nodesNamed('Taken').length, 1);
  });

  test('a create applied and then answered 504 is found, not made twice', async () => {
    const before504 = sandbox.stats().byStatus['504'] ?? 0;
    sandbox.forceFault('504commit');
    const album = await client.createNode(root, {
      type: 'Album',
      name: 'Once',
      urlName: 'Once',
      privacy: 'Private',
    });
    assert.equal(album.urlName, 'Once');
    assert.equal(sandbox.stats().byStatus['504'], before504 + 1);
    assert.equal(nodesNamed('Once').length, 1);
    assert.equal(sandbox.stats().byStatus['409'] ?? 0, 1, 'only the conflict test saw a 409');
  });

  test('a create refused with 500 or 503 is retried after checking it was not applied', async () => {
    waits.length = 0;
    sandbox.forceFault('500');
    sandbox.forceFault('503');
    const folder = await client.createNode(root, {
      type: 'Folder',
      name: 'Retried',
      urlName: 'Retried',
      privacy: 'Private',
    });
    assert.equal(folder.name, 'Retried');
    assert.equal(nodesNamed('Retried').length, 1);
    assert.ok(waits.some((w) => w.reason === 'retry' && w.error.kind === 'server'));
  });

  test('children reads every page (200 a page), and can keep to one type', async () => {
    const parent = await client.createNode(root, {
      type: 'Folder',
      name: 'Many',
      urlName: 'Many',
      privacy: 'Private',
    });
    const made: string[] = [];
    for (let i = 0; i < 230; i++) {
      const type = i % 2 === 0 ? 'Album' : 'Folder';
      const node = await client.createNode(parent.uri, {
        type,
        name: `N ${i}`,
        urlName: `N-${i}`,
        privacy: 'Private',
      });
      made.push(node.uri);
    }
    const requestsBefore = sandbox.stats().requests;
    const all = await client.children(parent.uri);
    assert.equal(sandbox.stats().requests - requestsBefore, 2, 'two pages of at most 200');
    assert.deepEqual(
      all.map((n) => n.uri),
      made,
    );
    assert.equal(new Set(all.map((n) => n.uri)).size, 230);
    const albums = await client.children(parent.uri, { type: 'Album' });
    assert.equal(albums.length, 115);
    assert.ok(albums.every((n) => n.type === 'Album' && n.albumUri));
    const empty = await client.createNode(root, {
      type: 'Folder',
      name: 'Empty',
      urlName: 'Empty',
      privacy: 'Private',
    });
    assert.deepEqual(await client.children(empty.uri), []);
  });

  test('albumImages reads every page; imagesByFileName finds names with commas, emoji and spaces', async () => {
    const album = await client.createNode(root, {
      type: 'Album',
      name: 'Big',
      urlName: 'Big',
      privacy: 'Private',
    });
    const albumUri = album.albumUri as string;
    const file = await files.make('small.jpg', 64);
    const names = Array.from({ length: 205 }, (_, i) => `IMG_${String(i).padStart(4, '0')}.jpg`);
    names[3] = 'Beach, day 1 🌊.jpg';
    names[4] = '100% a&b + c.jpg';
    for (const fileName of names) {
      await client.upload({
        albumUri,
        filePath: file.path,
        size: file.size,
        md5: file.md5,
        fileName,
        mimeType: 'image/jpeg',
      });
    }
    const requestsBefore = sandbox.stats().requests;
    const images = await client.albumImages(albumUri);
    assert.equal(sandbox.stats().requests - requestsBefore, 2);
    assert.deepEqual(
      images.map((i) => i.fileName),
      names,
    );
    const first = images[0];
    assert.ok(first);
    assert.equal(first.archivedMD5, file.md5);
    assert.equal(first.archivedSize, 64);
    assert.equal(first.format, 'JPG');
    assert.equal(first.isVideo, false);
    assert.match(first.imageUri, new RegExp(`^/api/v2/image/${first.imageKey}-0$`));
    assert.equal(first.albumImageUri, `${albumUri}/image/${first.imageKey}-0`);
    assert.ok(first.dateUploaded && first.webUri);
    assert.equal(imagesOf(sandbox, albumUri.split('/').pop() as string).length, 205);

    const found = await client.imagesByFileName(albumUri, [
      'Beach, day 1 🌊.jpg',
      '100% a&b + c.jpg',
      'missing.jpg',
    ]);
    assert.deepEqual(found.map((i) => i.fileName).sort(), ['100% a&b + c.jpg', 'Beach, day 1 🌊.jpg']);
    assert.deepEqual(await client.imagesByFileName(albumUri, ['IMG_0003.jpg']), []);
    const many = await client.imagesByFileName(albumUri, names.slice(0, 150));
    assert.equal(many.length, 150, 'a long list of names is split over several requests');
  });

  test('a bare image key is redirected (301) and the redirect is signed afresh', async () => {
    const album = await client.createNode(root, {
      type: 'Album',
      name: 'Redirect',
      urlName: 'Redirect',
      privacy: 'Private',
    });
    const file = await files.make('r.jpg', 100, 3);
    const uploaded = await client.upload({
      albumUri: album.albumUri as string,
      filePath: file.path,
      size: file.size,
      md5: file.md5,
      fileName: 'r.jpg',
      mimeType: 'image/jpeg',
    });
    const key = /\/image\/([A-Za-z0-9]+)-0$/.exec(uploaded.imageUri)?.[1] as string;
    const before = sandbox.stats().byStatus;
    const image = await client.getImage(`/api/v2/image/${key}`);
    const after = sandbox.stats().byStatus;
    assert.equal(image.imageUri, uploaded.imageUri);
    assert.equal(image.albumImageUri, uploaded.albumImageUri);
    assert.equal(image.fileName, 'r.jpg');
    assert.equal((after['301'] ?? 0) - (before['301'] ?? 0), 1);
    assert.equal(
      after['401'] ?? 0,
      before['401'] ?? 0,
      'no nonce_used: the redirect carried a new signature',
    );
  });

  test('a missing node is not-found and not retried', async () => {
    const requestsBefore = sandbox.stats().requests;
    await assert.rejects(client.getNode('/api/v2/node/NoSuchNode'), { kind: 'not-found', transient: false });
    assert.equal(sandbox.stats().requests - requestsBefore, 1);
  });

  test('GETs are retried on 500 and 503, and a 429 waits as long as SmugMug asks', async () => {
    waits.length = 0;
    sandbox.forceFault('500');
    sandbox.forceFault('503');
    assert.equal((await client.getNode(root)).uri, root);
    assert.deepEqual(
      waits.map((w) => w.reason),
      ['retry', 'retry'],
    );
    waits.length = 0;
    sandbox.forceFault('429');
    const started = Date.now();
    assert.equal((await client.getNode(root)).uri, root);
    assert.equal(waits.length, 1);
    assert.equal(waits[0]?.reason, 'rate-limit');
    assert.equal(waits[0]?.ms, 1000, 'Retry-After: 1');
    assert.ok(Date.now() - started >= 950);
  });
});

describe('SmugMugClient: refused credentials', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());

  test('an unknown token is an auth error whose message has no secret in it', async () => {
    const secrets = { token: 'bogus-token-value-123', tokenSecret: 'bogus-secret-value-456' };
    const client = clientFor(sandbox, {
      credentials: { consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret, ...secrets },
    });
    const error = await client.authUser().catch((e: unknown) => e);
    assert.ok(error instanceof SmugMugError);
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.equal(error.transient, false);
    assert.match(error.message, /sign in again/);
    for (const secret of [secrets.token, secrets.tokenSecret, sandbox.consumerSecret, 'oauth_signature']) {
      assert.equal(error.message.includes(secret), false, `message leaks ${secret}`);
      assert.equal(String(error.stack).includes(secret), false);
      assert.equal(JSON.stringify(error.cause ?? null).includes(secret), false);
    }
    assert.equal(sandbox.stats().byStatus['401'], 1, 'not retried');
  });

  test('a wrong consumer secret is refused as a bad signature, without showing the secret', async () => {
    const client = clientFor(sandbox, {
      credentials: {
        consumerKey: sandbox.consumerKey,
        consumerSecret: 'not-the-secret-789',
        token: sandbox.accessToken,
        tokenSecret: sandbox.accessTokenSecret,
      },
    });
    const error = await client.authUser().catch((e: unknown) => e);
    assert.ok(error instanceof SmugMugError);
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /signature was not accepted/);
    for (const secret of ['not-the-secret-789', sandbox.accessToken, sandbox.accessTokenSecret]) {
      assert.equal(error.message.includes(secret), false);
    }
  });
});
