// The sandbox's !moveimages and node PATCH of Name, over signed HTTP: what moves where, what is
// refused and with which envelope, the 5,000-per-album limit, and 504-after-apply.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { imagesOf } from '../helpers/account.ts';
import { SignedClient } from '../helpers/signed-client.ts';

type Album = Awaited<ReturnType<SignedClient['createAlbum']>>;

describe('!moveimages', () => {
  let sandbox: Sandbox;
  let client: SignedClient;
  let root: string;
  let n = 0;
  before(async () => {
    sandbox = await startSandbox({ limits: { albumImages: 4 } });
    client = new SignedClient(sandbox.info);
    root = await client.rootNodeId();
  });
  after(() => sandbox.close());

  const album = (name: string) => client.createAlbum(root, name);
  const upload = async (to: Album, fileName: string) => {
    n++;
    const res = await client.upload(new Uint8Array([n, n + 1, n + 2]), {
      'X-Smug-AlbumUri': to.albumUri,
      'X-Smug-FileName': fileName,
    });
    assert.equal(res.json().stat, 'ok', res.text);
    return res.json().Image as { ImageUri: string; AlbumImageUri: string };
  };
  const move = (to: Album, uris: string[]) =>
    client.request(`${to.albumUri}!moveimages`, { method: 'POST', json: { MoveUris: uris.join(',') } });
  const count = async (a: Album) => (await client.request(a.albumUri)).json().Response.Album.ImageCount;
  const keysIn = (a: Album) => imagesOf(sandbox, a.albumKey).map((i) => i.ImageKey);
  const keyOf = (uri: string) => /\/image\/([A-Za-z0-9]+)-\d+$/.exec(uri)?.[1] as string;

  const assertRefused = (res: Awaited<ReturnType<typeof move>>, to: Album) => {
    assert.equal(res.status, 400, res.text);
    const body = res.json();
    assert.equal(body.Code, 400);
    assert.equal(body.Message, 'Bad Request');
    assert.equal(body.Response.Uri, `${to.albumUri}!moveimages`);
    assert.equal(body.Response.Locator, 'AlbumImage');
    assert.equal(body.Response.LocatorType, 'Objects');
  };

  test('moves AlbumImages: same ImageKey, a new AlbumImage URI in the target, counts updated', async () => {
    const from = await album('Move src');
    const to = await album('Move dst');
    const a = await upload(from, 'a.jpg');
    const b = await upload(from, 'b.jpg');

    const res = await move(to, [a.AlbumImageUri, b.AlbumImageUri]);

    assert.equal(res.status, 200, res.text);
    assert.equal(res.json().Message, 'Ok');
    const listed = res.json().Response.AlbumImage.map((i: { Uri: string }) => i.Uri);
    const expected = [a, b].map((x) => `${to.albumUri}/image/${keyOf(x.ImageUri)}-0`);
    assert.deepEqual(listed, expected);
    assert.deepEqual(keysIn(to), [keyOf(a.ImageUri), keyOf(b.ImageUri)]);
    assert.deepEqual(keysIn(from), []);
    assert.deepEqual([await count(from), await count(to)], [0, 2]);
    assert.equal((await client.request(expected[0] as string)).status, 200);
    assert.equal((await client.request(a.AlbumImageUri)).status, 404, 'the old AlbumImage is gone');
    assert.equal((await client.request(a.ImageUri)).status, 200, 'the Image URI is unchanged');
  });

  test('a source that is not in the album it names refuses the whole request; nothing moves', async () => {
    const from = await album('Refuse src');
    const to = await album('Refuse dst');
    const ok = await upload(from, 'ok.jpg');
    const other = await upload(to, 'already.jpg');
    const wrongAlbum = other.AlbumImageUri.replace(to.albumKey, from.albumKey);
    const cases = [
      [ok.AlbumImageUri, wrongAlbum],
      [ok.AlbumImageUri, '/api/v2/album/Nobody1/image/Abcdefg-0'],
      [ok.AlbumImageUri, `/api/v2/album/${from.albumKey}/image/Missing-0`],
      [ok.AlbumImageUri, '/api/v2/image/Abcdefg-0'],
    ];
    for (const uris of cases) assertRefused(await move(to, uris), to);
    const missing = await client.request(`${to.albumUri}!moveimages`, { method: 'POST', json: {} });
    assertRefused(missing, to);
    assert.deepEqual(keysIn(from), [keyOf(ok.ImageUri)]);
    assert.deepEqual(keysIn(to), [keyOf(other.ImageUri)]);
  });

  test('repeating a move that was applied is refused (the sources left their album)', async () => {
    const from = await album('Twice src');
    const to = await album('Twice dst');
    const a = await upload(from, 'a.jpg');
    assert.equal((await move(to, [a.AlbumImageUri])).status, 200);
    assertRefused(await move(to, [a.AlbumImageUri]), to);
    assert.equal((await move(to, [`${to.albumUri}/image/${keyOf(a.ImageUri)}-0`])).status, 200, 'a no-op');
    assert.deepEqual(keysIn(to), [keyOf(a.ImageUri)]);
  });

  test('a 504 after commit: the images moved although the answer was a gateway timeout', async () => {
    const from = await album('Timeout src');
    const to = await album('Timeout dst');
    const a = await upload(from, 'a.jpg');
    sandbox.forceFault('504commit');
    const res = await move(to, [a.AlbumImageUri]);
    assert.equal(res.status, 504);
    assert.deepEqual(keysIn(to), [keyOf(a.ImageUri)]);
    assert.equal(await count(to), 1);
  });

  test('a move that would take the target past its image limit is refused whole', async () => {
    const from = await album('Full src');
    const to = await album('Full dst');
    for (const name of ['1.jpg', '2.jpg', '3.jpg']) await upload(to, name);
    const a = await upload(from, 'a.jpg');
    const b = await upload(from, 'b.jpg');
    assertRefused(await move(to, [a.AlbumImageUri, b.AlbumImageUri]), to);
    assert.equal(await count(to), 3);
    assert.equal(await count(from), 2);
    assert.equal((await move(to, [a.AlbumImageUri])).status, 200, 'up to the limit is fine');
    assert.equal(await count(to), 4);
  });
});

describe('PATCH node Name', () => {
  let sandbox: Sandbox;
  let client: SignedClient;
  let root: string;
  before(async () => {
    sandbox = await startSandbox();
    client = new SignedClient(sandbox.info);
    root = await client.rootNodeId();
  });
  after(() => sandbox.close());

  const patch = (nodeId: string, json: Record<string, unknown>) =>
    client.request(`/api/v2/node/${nodeId}`, { method: 'PATCH', json });

  test('Name alone changes Name and leaves UrlName, NodeID and links alone', async () => {
    const album = await client.createAlbum(root, 'Before', { UrlName: 'Before' });
    const was = (await client.request(`/api/v2/node/${album.nodeId}`)).json().Response.Node;

    const res = await patch(album.nodeId, { Name: 'After & more' });

    assert.equal(res.status, 200, res.text);
    const node = res.json().Response.Node;
    assert.deepEqual(
      [node.Name, node.UrlName, node.NodeID, node.WebUri, node.Uris.Album.Uri],
      ['After & more', 'Before', album.nodeId, was.WebUri, album.albumUri],
    );
    assert.equal(node.FormattedValues.Name.html, 'After &amp; more');
    const albumView = (await client.request(album.albumUri)).json().Response.Album;
    assert.deepEqual([albumView.Name, albumView.UrlName], ['After & more', 'Before']);
  });

  test('UrlName changes only when it is sent', async () => {
    const album = await client.createAlbum(root, 'Moving link', { UrlName: 'Moving-link' });
    const res = await patch(album.nodeId, { Name: 'Moved link', UrlName: 'Moved-link' });
    assert.deepEqual(
      [res.json().Response.Node.Name, res.json().Response.Node.UrlName],
      ['Moved link', 'Moved-link'],
    );
  });

  test('a Name outside 1 to 254 characters, or a rename of the root, is a 400 and changes nothing', async () => {
    const album = await client.createAlbum(root, 'Stays', { UrlName: 'Stays' });
    for (const name of ['', 'x'.repeat(255)]) {
      const res = await patch(album.nodeId, { Name: name });
      assert.equal(res.status, 400);
      assert.equal(res.json().Message, 'Bad Request');
    }
    assert.equal((await patch(album.nodeId, { Name: '🌅'.repeat(254) })).status, 200, '254 characters');
    assert.equal((await patch(root, { Name: 'Root' })).status, 400);
  });
});
