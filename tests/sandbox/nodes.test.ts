import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { imagesOf } from '../helpers/account.ts';
import { SignedClient } from '../helpers/signed-client.ts';

describe('folders and galleries', () => {
  let sandbox: Sandbox;
  let client: SignedClient;
  let root: string;
  before(async () => {
    sandbox = await startSandbox();
    client = new SignedClient(sandbox.info);
    root = await client.rootNodeId();
  });
  after(() => sandbox.close());

  const create = (parent: string, fields: Record<string, unknown>) => client.createNode(parent, fields);

  test('a new node defaults to Folder, Unlisted, and a UrlName made from its Name', async () => {
    const res = await create(root, { Name: 'black & white — 2024' });
    assert.equal(res.status, 201);
    const body = res.json();
    assert.equal(body.Code, 201);
    assert.equal(body.Message, 'Created');
    const node = body.Response.Node;
    assert.equal(node.Type, 'Folder');
    assert.equal(node.Privacy, 'Unlisted');
    assert.equal(node.UrlName, 'Black-white-2024');
    assert.equal(node.Name, 'black & white — 2024');
    assert.equal(node.FormattedValues.Name.html, 'black &amp; white — 2024');
  });

  test('UrlName must start with a capital letter or digit and use letters, digits and hyphens', async () => {
    for (const bad of ['lower', '-Dash', 'Has Space', 'Ünïcode', 'X'.repeat(61), '']) {
      const res = await create(root, { Name: 'Bad', UrlName: bad });
      assert.equal(res.status, 400, `UrlName "${bad}"`);
      assert.equal(res.json().Message, 'Bad Request');
    }
    for (const good of ['2024-07', 'Ok', 'A'.repeat(60)]) {
      const res = await create(root, { Name: 'Good', UrlName: good });
      assert.equal(res.status, 201, `UrlName "${good}": ${res.text}`);
    }
  });

  test('a sibling with the same UrlName is a 409 unless AutoRename is set', async () => {
    const parent = (await create(root, { Name: 'Siblings' })).json().Response.Node.NodeID;
    assert.equal((await create(parent, { Name: 'Trip', UrlName: 'Trip' })).status, 201);
    const clash = await create(parent, { Name: 'Trip again', UrlName: 'Trip' });
    assert.equal(clash.status, 409);
    assert.equal(clash.json().Message, 'Conflict');
    const renamed = await create(parent, { Name: 'Trip again', UrlName: 'Trip', AutoRename: true });
    assert.equal(renamed.status, 201);
    assert.equal(renamed.json().Response.Node.UrlName, 'Trip-2');
    const generated = await create(parent, { Name: 'Trip' });
    assert.equal(generated.json().Response.Node.UrlName, 'Trip-3', 'a generated UrlName is made unique');
    const sameNameOtherParent = await create(root, { Name: 'Trip', UrlName: 'Trip' });
    assert.equal(sameNameOtherParent.status, 201, 'uniqueness is among siblings only');
  });

  test('Name is required, 1 to 254 characters; Type and Privacy must be known values', async () => {
    assert.equal((await create(root, { Type: 'Album' })).status, 400);
    assert.equal((await create(root, { Name: '' })).status, 400);
    assert.equal((await create(root, { Name: 'x'.repeat(255) })).status, 400);
    assert.equal((await create(root, { Name: 'x'.repeat(254), UrlName: 'Long-name' })).status, 201);
    assert.equal((await create(root, { Name: 'T', Type: 'Gallery' })).status, 400);
    assert.equal((await create(root, { Name: 'P', Privacy: 'Secret' })).status, 400);
  });

  test('folders nest five deep below the root; albums do not count', async () => {
    let parent = root;
    for (let depth = 1; depth <= 5; depth++) {
      const res = await create(parent, { Name: `Level ${depth}` });
      assert.equal(res.status, 201, `folder at depth ${depth}`);
      parent = res.json().Response.Node.NodeID;
    }
    assert.equal((await create(parent, { Name: 'Level 6' })).status, 400);
    assert.equal((await create(parent, { Name: 'Deep album', Type: 'Album' })).status, 201);
  });

  test('nothing can be created inside an album', async () => {
    const album = await client.createAlbum(root, 'Leaf');
    const res = await create(album.nodeId, { Name: 'Inside' });
    assert.equal(res.status, 400);
    const node = (await client.request(`/api/v2/node/${album.nodeId}`)).json().Response.Node;
    assert.equal('ChildNodes' in node.Uris, false, 'album nodes have no ChildNodes link');
    assert.ok(node.Uris.Album.Uri.startsWith('/api/v2/album/'));
  });

  test('children: paging, Type filter, sorting; an empty list has no Node key', async () => {
    const parent = (await create(root, { Name: 'Paging' })).json().Response.Node.NodeID;
    const empty = (await client.request(`/api/v2/node/${parent}!children`)).json();
    assert.equal(empty.Response.Pages.Total, 0);
    assert.equal('Node' in empty.Response, false);
    for (const name of ['Cherry', 'Apple', 'Banana']) await create(parent, { Name: name });
    for (const name of ['Delta', 'Echo']) await client.createAlbum(parent, name);

    const page1 = (await client.request(`/api/v2/node/${parent}!children?count=2`)).json().Response;
    assert.deepEqual(
      page1.Node.map((n: { Name: string }) => n.Name),
      ['Cherry', 'Apple'],
    );
    assert.equal(page1.Pages.Total, 5);
    assert.equal(page1.Pages.NextPage, `/api/v2/node/${parent}!children?start=3&count=2`);
    assert.equal(page1.Pages.LastPage, `/api/v2/node/${parent}!children?start=5&count=2`);
    const last = (await client.request(page1.Pages.LastPage)).json().Response;
    assert.deepEqual(
      last.Node.map((n: { Name: string }) => n.Name),
      ['Echo'],
    );
    assert.equal('NextPage' in last.Pages, false);
    assert.equal(last.Pages.PrevPage, `/api/v2/node/${parent}!children?start=3&count=2`);

    const albums = (await client.request(`/api/v2/node/${parent}!children?Type=Album`)).json().Response;
    assert.deepEqual(
      albums.Node.map((n: { Name: string }) => n.Name),
      ['Delta', 'Echo'],
    );
    const byName = (await client.request(`/api/v2/node/${parent}!children?SortMethod=Name`)).json().Response;
    assert.deepEqual(
      byName.Node.map((n: { Name: string }) => n.Name),
      ['Apple', 'Banana', 'Cherry', 'Delta', 'Echo'],
    );
    assert.equal((await client.request(`/api/v2/node/${parent}!children?count=0`)).status, 400);
  });

  test('!parents runs from the node to the root; !parent is one step up', async () => {
    const folder = (await create(root, { Name: 'Parents' })).json().Response.Node.NodeID;
    const album = await client.createAlbum(folder, 'Child');
    const chain = (await client.request(`/api/v2/node/${album.nodeId}!parents`)).json().Response;
    assert.deepEqual(
      chain.Node.map((n: { NodeID: string }) => n.NodeID),
      [album.nodeId, folder, root],
    );
    const parent = (await client.request(`/api/v2/node/${album.nodeId}!parent`)).json().Response.Node;
    assert.equal(parent.NodeID, folder);
  });

  test('privacy is inherited: EffectivePrivacy is the strictest of the chain', async () => {
    const priv = (await create(root, { Name: 'Private folder', Privacy: 'Private' })).json().Response.Node;
    const child = (await create(priv.NodeID, { Name: 'Public inside', Privacy: 'Public' })).json().Response
      .Node;
    assert.equal(child.Privacy, 'Public');
    assert.equal(child.EffectivePrivacy, 'Private');
  });

  test('PATCH renames a node, keeps UrlName rules, and changes privacy', async () => {
    const parent = (await create(root, { Name: 'Patch' })).json().Response.Node.NodeID;
    await create(parent, { Name: 'Taken', UrlName: 'Taken' });
    const node = (await create(parent, { Name: 'Old name', Type: 'Album' })).json().Response.Node;
    const renamed = await client.request(`/api/v2/node/${node.NodeID}`, {
      method: 'PATCH',
      json: { Name: 'New name', UrlName: 'New-name', Privacy: 'Private' },
    });
    assert.equal(renamed.status, 200);
    const after = renamed.json().Response.Node;
    assert.deepEqual([after.Name, after.UrlName, after.Privacy], ['New name', 'New-name', 'Private']);
    const clash = await client.request(`/api/v2/node/${node.NodeID}`, {
      method: 'PATCH',
      json: { UrlName: 'Taken' },
    });
    assert.equal(clash.status, 409);
    const viaOverride = await client.request(`/api/v2/node/${node.NodeID}?_method=PATCH`, {
      method: 'POST',
      json: { Name: 'Overridden' },
    });
    assert.equal(viaOverride.json().Response.Node.Name, 'Overridden');
  });

  test('album PATCH normalises sort methods; DELETE removes a whole subtree', async () => {
    const folder = (await create(root, { Name: 'Doomed' })).json().Response.Node.NodeID;
    const album = await client.createAlbum(folder, 'Inside doomed');
    const patched = await client.request(album.albumUri, {
      method: 'PATCH',
      json: { SortMethod: 'FileName', SortDirection: 'Ascending' },
    });
    assert.equal(patched.json().Response.Album.SortMethod, 'Filename');
    const del = await client.request(`/api/v2/node/${folder}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.equal((await client.request(`/api/v2/node/${album.nodeId}`)).status, 404);
    assert.equal((await client.request(album.albumUri)).status, 404);
    assert.equal((await client.request(`/api/v2/node/${root}`, { method: 'DELETE' })).status, 400);
  });

  test('!images filters by FileNames, including names with commas', async () => {
    const album = await client.createAlbum(root, 'Names');
    for (const name of ['a.jpg', 'b, c.jpg', 'd.jpg']) {
      const res = await client.upload(new Uint8Array(Buffer.from(name)), {
        'X-Smug-AlbumUri': album.albumUri,
        'X-Smug-FileName': name,
      });
      assert.equal(res.json().stat, 'ok');
    }
    const names = ['b, c.jpg', 'd.jpg'].map(encodeURIComponent).join(',');
    const res = await client.request(`${album.albumUri}!images?FileNames=${encodeURIComponent(names)}`);
    const listed = res.json().Response.AlbumImage.map((i: { FileName: string }) => i.FileName);
    assert.deepEqual(listed, ['b, c.jpg', 'd.jpg']);
    assert.equal(res.json().Response.Pages.Total, 2);
  });

  test('!moveimages moves images between albums but ignores ones still processing', async () => {
    const from = await client.createAlbum(root, 'Move from');
    const to = await client.createAlbum(root, 'Move to');
    const photo = (
      await client.upload(new Uint8Array([1, 2, 3, 4]), {
        'X-Smug-AlbumUri': from.albumUri,
        'X-Smug-FileName': 'm.jpg',
      })
    ).json().Image;
    const video = (
      await client.upload(new Uint8Array(2048), {
        'X-Smug-AlbumUri': from.albumUri,
        'X-Smug-FileName': 'v.mov',
      })
    ).json().Image;
    const res = await client.request(`${to.albumUri}!moveimages`, {
      method: 'POST',
      json: { MoveUris: `${photo.AlbumImageUri},${video.AlbumImageUri}` },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      imagesOf(sandbox, to.albumKey).map((i) => i.FileName),
      ['m.jpg'],
    );
    assert.deepEqual(
      imagesOf(sandbox, from.albumKey).map((i) => i.FileName),
      ['v.mov'],
      'the processing video stays',
    );
    assert.equal((await client.request(to.albumUri)).json().Response.Album.ImageCount, 1);
  });
});

describe('state across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safelight-state-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('with a state folder, the account, credentials and uploads survive a restart', async () => {
    const first = await startSandbox({ stateDir: dir });
    const client = new SignedClient(first.info);
    const album = await client.createAlbum(await client.rootNodeId(), 'Kept');
    await client.upload(new Uint8Array([9, 9, 9]), {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'k.jpg',
    });
    const before = first.dump();
    await first.close();

    const second = await startSandbox({ stateDir: dir });
    try {
      assert.equal(second.consumerKey, first.consumerKey);
      assert.equal(second.accessTokenSecret, first.accessTokenSecret);
      assert.deepEqual(second.dump(), before);
      const again = new SignedClient(second.info);
      const listed = (await again.request(`${album.albumUri}!images`)).json().Response.AlbumImage;
      assert.equal(listed[0].FileName, 'k.jpg');
    } finally {
      await second.close();
    }
  });

  test('without a state folder, each start is a fresh account', async () => {
    const a = await startSandbox();
    const b = await startSandbox();
    try {
      assert.notEqual(a.consumerKey, b.consumerKey);
      assert.equal(a.dump().ImageCount, 0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
