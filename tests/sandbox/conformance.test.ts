// Conformance of the sandbox with recorded real SmugMug responses (../shared/smugmug/fixtures):
// the same keys, JSON value types, envelope and paging fields. Keys, dates and other values that
// differ from account to account are not compared, but their formats are.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { md5Hex } from '../helpers/account.ts';
import { SignedClient } from '../helpers/signed-client.ts';

const FIXTURES = new URL('../../../shared/smugmug/fixtures/', import.meta.url);

function fixture(name: string): any {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Shape comparison

type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'object' || t === 'string' || t === 'number' || t === 'boolean') return t;
  throw new Error(`not a JSON value: ${String(value)}`);
}

interface ShapeOptions {
  /** Fixture keys the sandbox leaves out by design (path globs, see `matches`). */
  ignore?: string[];
  /** Other JSON types accepted at these paths, besides the fixture's own. */
  types?: Record<string, JsonType[]>;
  /** Paths whose values must be equal in both (constants such as UriDescription). */
  same?: string[];
  /** Paths whose values must match the pattern, in the fixture as well as in the sandbox. */
  formats?: Record<string, RegExp>;
  /** Objects whose key set must be exactly the fixture's (no extra keys in the sandbox). */
  exact?: string[];
  /** Paths whose values may differ although they are compared by default (constants, URI kinds). */
  differ?: string[];
}

/**
 * Path globs: segments joined by '.', array items are the segment '[]', '*' inside a segment
 * matches any characters, and a '**' segment matches any number of segments.
 */
function matches(pattern: string, path: string[]): boolean {
  if (pattern === '') return path.length === 0;
  const parts = pattern.split('.');
  const segment = (p: string, s: string) =>
    p === s ||
    (p.includes('*') &&
      new RegExp(
        `^${p
          .split('*')
          .map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      ).test(s));
  const walk = (i: number, j: number): boolean => {
    if (i === parts.length) return j === path.length;
    const p = parts[i] as string;
    if (p === '**') {
      for (let k = j; k <= path.length; k++) if (walk(i + 1, k)) return true;
      return false;
    }
    return j < path.length && segment(p, path[j] as string) && walk(i + 1, j + 1);
  };
  return walk(0, 0);
}

const anyMatch = (patterns: string[] | undefined, path: string[]) =>
  (patterns ?? []).some((p) => matches(p, path));

/** The kind of a `/api/v2/...` URI, without its keys: segment count, collection and `!action`. */
function uriKind(uri: string): string {
  const path = uri.split('?')[0] as string;
  const segments = path.split('/');
  const action = /!([a-z]+)$/i.exec(path)?.[1] ?? '';
  return `${segments.length}:${segments[3] ?? segments[2]}!${action}`;
}

/** Constants compared by default: Uris metadata, descriptions, Code and Message. */
const DEFAULT_SAME = [
  'Code',
  'Message',
  'Response.Locator',
  'Response.LocatorType',
  'Response.EndpointType',
  '**.UriDescription',
  '**.Uris.*.Locator',
  '**.Uris.*.LocatorType',
  '**.Uris.*.EndpointType',
];

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;
const DEFAULT_FORMATS: Record<string, RegExp> = {
  '**.DateAdded': DATE,
  '**.DateModified': DATE,
  '**.Date': DATE,
  '**.DateTimeUploaded': DATE,
  '**.LastUpdated': DATE,
  '**.ImagesLastUpdated': DATE,
  '**.ImageKey': /^[A-Za-z0-9]{7}$/,
  '**.AlbumKey': /^[A-Za-z0-9]{6}$/,
  '**.NodeID': /^[A-Za-z0-9]{5,6}$/,
  '**.UploadKey': /^\d+$/,
  '**.ArchivedMD5': /^[0-9a-f]{32}$/,
  '**.Latitude': /^-?\d+\.\d+$/,
  '**.Longitude': /^-?\d+\.\d+$/,
  '**.Serial': /^\d+$/,
};

/** JSON with object keys sorted, so that key order does not count. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function shapeProblems(expected: unknown, actual: unknown, opts: ShapeOptions): string[] {
  // The same problem in many list items is reported once, with the items it was found in.
  const found = new Map<string, { first: string; items: string[] }>();
  const problems = {
    add(message: string) {
      const key = message.replace(/\[\d+\]/g, '[]');
      const entry = found.get(key) ?? { first: message, items: [] };
      entry.items.push(/\[(\d+)\]/.exec(message)?.[1] ?? '');
      found.set(key, entry);
    },
  };
  const same = [...DEFAULT_SAME, ...(opts.same ?? [])];
  const formats = { ...DEFAULT_FORMATS, ...(opts.formats ?? {}) };
  const visit = (f: unknown, a: unknown, path: string[], shown: string) => {
    const where = shown || '(top)';
    for (const [pattern, re] of Object.entries(formats)) {
      if (!matches(pattern, path) || f === null || typeof f === 'object') continue;
      if (!re.test(String(f))) problems.add(`${where}: fixture value ${JSON.stringify(f)} is not ${re}`);
      if (a !== null && typeof a !== 'object' && !re.test(String(a)))
        problems.add(`${where}: sandbox value ${JSON.stringify(a)} is not ${re}`);
    }
    const compared = !anyMatch(opts.differ, path);
    if (compared && anyMatch(same, path) && canonical(f) !== canonical(a)) {
      problems.add(`${where}: fixture has ${JSON.stringify(f)}, sandbox has ${JSON.stringify(a)}`);
    }
    if (
      compared &&
      path.at(-1) === 'Uri' &&
      typeof f === 'string' &&
      typeof a === 'string' &&
      f.startsWith('/api/')
    ) {
      if (uriKind(f) !== uriKind(a))
        problems.add(`${where}: URIs differ in kind: fixture ${uriKind(f)}, sandbox ${uriKind(a)}`);
    }
    const ft = jsonType(f);
    const at = jsonType(a);
    const allowed = [ft];
    for (const [pattern, extra] of Object.entries(opts.types ?? {})) {
      if (matches(pattern, path)) allowed.push(...extra);
    }
    if (!allowed.includes(at)) {
      problems.add(`${where}: fixture has ${ft}, sandbox has ${at}`);
      return;
    }
    if (ft !== at) return;
    if (ft === 'object') {
      const fo = f as Record<string, unknown>;
      const ao = a as Record<string, unknown>;
      for (const key of Object.keys(fo)) {
        const p = [...path, key];
        const s = shown ? `${shown}.${key}` : key;
        if (anyMatch(opts.ignore, p)) continue;
        if (!Object.hasOwn(ao, key))
          problems.add(`${s}: missing in sandbox (fixture has ${jsonType(fo[key])})`);
        else visit(fo[key], ao[key], p, s);
      }
      if (anyMatch(opts.exact, path)) {
        for (const key of Object.keys(ao)) {
          if (!Object.hasOwn(fo, key)) problems.add(`${shown ? `${shown}.` : ''}${key}: not in fixture`);
        }
      }
    } else if (ft === 'array') {
      const fa = f as unknown[];
      const aa = a as unknown[];
      // Item i is compared with the fixture's item i, or its last item when the fixture is shorter.
      if (fa.length > 0) {
        aa.forEach((item, i) => {
          visit(fa[Math.min(i, fa.length - 1)], item, [...path, '[]'], `${shown}[${i}]`);
        });
      }
    }
  };
  visit(expected, actual, [], '');
  return [...found].map(([generic, { first, items }]) =>
    items.length > 1 ? `${generic} (items ${items.join(', ')})` : first,
  );
}

/** Every missing key, type mismatch and format or constant difference, in one assertion. */
function assertSameShape(expected: unknown, actual: unknown, opts: ShapeOptions = {}, label = 'response') {
  const problems = shapeProblems(expected, actual, opts);
  assert.ok(
    problems.length === 0,
    `${label}: sandbox differs from the recorded response in ${problems.length} place(s):\n  ${problems.join('\n  ')}`,
  );
}

describe('shape comparison helper', () => {
  test('reports missing keys, type mismatches, formats and constants with their paths', () => {
    const problems = shapeProblems(
      {
        Code: 200,
        Response: { A: { B: 1, C: 'x' }, L: [{ D: true }], Date: '2014-09-13T01:09:01+00:00' },
      },
      { Code: 201, Response: { A: { B: '1' }, L: [{ D: true }, { D: 0 }], Date: '2014-09-13' } },
      { ignore: [] },
    );
    assert.deepEqual(problems.sort(), [
      'Code: fixture has 200, sandbox has 201',
      'Response.A.B: fixture has number, sandbox has string',
      'Response.A.C: missing in sandbox (fixture has string)',
      `Response.Date: sandbox value "2014-09-13" is not ${DATE}`,
      'Response.L[1].D: fixture has boolean, sandbox has number',
    ]);
  });

  test('honours ignore, accepted types and exact key sets', () => {
    const f = { A: { B: null, C: 1 }, P: { X: 1 } };
    const a = { A: { B: '' }, P: { X: 2, Y: 3 } };
    assert.deepEqual(shapeProblems(f, a, { ignore: ['A.C'], types: { '**.B': ['string'] } }), []);
    assert.deepEqual(shapeProblems(f, a, { ignore: ['A.C'], types: { '**.B': ['string'] }, exact: ['P'] }), [
      'P.Y: not in fixture',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Helpers against the sandbox

/** A few bytes that look like a JPEG to anything that only reads the name; unique per seed. */
function jpegBytes(seed: number): Uint8Array {
  const body = Buffer.from(`safelight conformance image ${seed}`);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), body, Buffer.from([0xff, 0xd9])]);
}

/** A paging link with its keys taken out and its query as a sorted list: comparable across accounts. */
function pageLink(link: string, withShaping = true): { path: string; query: string[] } {
  const [path, query = ''] = link.split('?') as [string, string?];
  return {
    path: path.replace(/\/(node|album)\/[A-Za-z0-9]+/, '/$1/{key}'),
    query: [...new URLSearchParams(query)]
      .filter(([k]) => withShaping || !k.startsWith('_'))
      .map(([k, v]) => `${k}=${v}`)
      .sort(),
  };
}

/**
 * Pages as recorded: the same fields (NextPage and PrevPage present or absent alike), the same
 * numbers, and links to the same pages. `withShaping: false` leaves _-parameters out of the links:
 * no recording shows whether the service keeps _filter and the like in them.
 */
function assertPages(fixturePages: any, pages: any, label: string, withShaping = true) {
  assertSameShape(
    fixturePages,
    pages,
    { exact: [''], same: ['Total', 'Start', 'Count', 'RequestedCount'] },
    `${label} Pages`,
  );
  assert.deepEqual(Object.keys(pages).sort(), Object.keys(fixturePages).sort(), `${label}: Pages fields`);
  for (const link of ['FirstPage', 'PrevPage', 'NextPage', 'LastPage']) {
    if (fixturePages[link] === undefined) continue;
    assert.deepEqual(
      pageLink(pages[link], withShaping),
      pageLink(fixturePages[link]),
      `${label}: Pages.${link}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

describe('sandbox conformance with recorded SmugMug responses', () => {
  let sandbox: Sandbox;
  let client: SignedClient;
  let rootId: string;
  /** The 17 folders directly under the root (the fixture's root has 17 children). */
  const rootFolders: string[] = [];
  /** One of them, where every other test creates its albums. */
  let workId: string;
  let uploadSeed = 0;

  async function createFolder(parentId: string, name: string): Promise<string> {
    const res = await client.createNode(parentId, { Type: 'Folder', Name: name, Privacy: 'Public' });
    assert.equal(res.status, 201, res.text);
    return res.json().Response.Node.NodeID;
  }

  async function upload(albumUri: string, fileName: string, bytes = jpegBytes(++uploadSeed)) {
    const res = await client.upload(bytes, {
      'X-Smug-AlbumUri': albumUri,
      'X-Smug-FileName': fileName,
      'Content-MD5': md5Hex(bytes),
    });
    assert.equal(res.status, 200, res.text);
    return { body: res.json(), md5: md5Hex(bytes) };
  }

  async function get(path: string, status = 200): Promise<any> {
    const res = await client.request(path);
    assert.equal(res.status, status, `GET ${path}: ${res.text}`);
    return res.json();
  }

  /** An album in the work folder holding `n` uploaded JPEGs. */
  async function albumWithImages(name: string, n: number) {
    const album = await client.createAlbum(workId, name);
    const uploads = [];
    for (let i = 0; i < n; i++) {
      const { body, md5 } = await upload(album.albumUri, `IMG_${String(i + 1).padStart(4, '0')}.jpg`);
      assert.equal(body.stat, 'ok', JSON.stringify(body));
      uploads.push({ md5, albumImageUri: body.Image.AlbumImageUri as string });
    }
    return { ...album, uploads };
  }

  before(async () => {
    sandbox = await startSandbox();
    client = new SignedClient(sandbox.info);
    rootId = await client.rootNodeId();
    for (let i = 1; i <= 17; i++) {
      rootFolders.push(await createFolder(rootId, `Folder ${String(i).padStart(2, '0')}`));
    }
    workId = rootFolders[0] as string;
  });

  after(async () => {
    await sandbox?.close();
  });

  test('GET /api/v2!authuser: every key of the recorded User, at owner level', async () => {
    const f = fixture('authuser_response.json');
    const body = await get('/api/v2!authuser');
    assert.equal(body.Response.Uri, '/api/v2!authuser');
    assert.equal(body.Response.User.ResponseLevel, 'Full');
    assertSameShape(f, body, {
      // The recorded user is seen at Public level; the sandbox answers its owner, so Full-level
      // values differ, but the keys the recording has must be there.
      ignore: [
        // Links to account features a backup client never uses; the sandbox leaves them out.
        'Response.User.Uris.DuplicateImageSearch',
        'Response.User.Uris.SortUserFeaturedAlbums',
        'Response.User.Uris.UserAlbumTemplates',
        'Response.User.Uris.UserAssetsAlbum',
        'Response.User.Uris.UserContacts',
        'Response.User.Uris.UserCoupons',
        'Response.User.Uris.UserDeletedAlbums',
        'Response.User.Uris.UserDeletedFolders',
        'Response.User.Uris.UserDeletedPages',
        'Response.User.Uris.UserGrants',
        'Response.User.Uris.UserGuideStates',
        'Response.User.Uris.UserHideGuides',
        'Response.User.Uris.UserLatestQuickNews',
        'Response.User.Uris.UserPrintmarks',
        'Response.User.Uris.UserTasks',
        'Response.User.Uris.UserWatermarks',
      ],
      same: ['Response.Uri', 'Response.User.UriDescription'],
    });
    assert.equal(body.Response.User.Uris.Node.Uri, `/api/v2/node/${rootId}`);
    assert.equal(body.Response.User.NickName, sandbox.nickname);
  });

  test('GET /api/v2/user/{nick}: same keys and Uris as the recorded user', async () => {
    const f = fixture('user_response.json');
    const body = await get(`/api/v2/user/${sandbox.nickname}`);
    assertSameShape(f, body, { same: ['Response.DocUri'] });
    assert.equal(body.Response.Uri, `/api/v2/user/${sandbox.nickname}`);
    assert.equal(body.Response.User.Uri, `/api/v2/user/${sandbox.nickname}`);
  });

  test('GET root node: same shape as the recorded root folder, no ParentNode link', async () => {
    const f = fixture('node_root_folder_response.json');
    const body = await get(`/api/v2/node/${rootId}`);
    assertSameShape(f, body, {
      same: ['Response.Node.IsRoot', 'Response.Node.Type', 'Response.Node.UrlPath', 'Response.Node.UrlName'],
    });
    assert.equal(body.Response.Node.Uris.ParentNode, undefined, 'the root has no ParentNode');
    assert.equal(body.Response.Node.SortIndex, undefined, 'SortIndex only appears in listings');
  });

  test('GET !children, page 1 and last page: node items and Pages as recorded', async () => {
    const page1 = fixture('node_children_page1_response.json');
    const page2 = fixture('node_children_page2_last_response.json');
    const first = await get(`/api/v2/node/${rootId}!children?count=10&start=1`);
    const last = await get(`/api/v2/node/${rootId}!children?count=10&start=11`);
    const shape: ShapeOptions = {
      ignore: [
        // Compared below: the sandbox answers the owner, who may also POST here.
        'Options.Methods',
        'Options.ParameterDescription.*',
      ],
      same: ['Options.Parameters.GET', 'Response.Node.[].Type', 'Response.Node.[].IsRoot'],
    };
    assertSameShape(page1, first, shape, 'page 1');
    assertSameShape(page2, last, shape, 'last page');
    assertPages(page1.Response.Pages, first.Response.Pages, 'page 1');
    assertPages(page2.Response.Pages, last.Response.Pages, 'last page');
    assert.equal(first.Response.Pages.PrevPage, undefined, 'no PrevPage on the first page');
    assert.equal(last.Response.Pages.NextPage, undefined, 'no NextPage on the last page');
    assert.equal(first.Response.Node.length, 10);
    assert.equal(last.Response.Node.length, 7);
    assert.ok(first.Options.Methods.includes('GET'));
    const ids = [...first.Response.Node, ...last.Response.Node].map((n: any) => n.NodeID);
    assert.deepEqual(ids, rootFolders, 'the 17 folders in creation order, each once');
    assert.deepEqual(
      [...first.Response.Node, ...last.Response.Node].map((n: any) => n.SortIndex),
      [...first.Response.Node, ...last.Response.Node].map((n: any) => n.SortIndex).sort((a, b) => a - b),
    );
  });

  test('POST !children Type=Album: 201 Created, the recorded Node and POST parameters', async () => {
    const f = fixture('node_create_album_201_response.json');
    const res = await client.createNode(workId, { Type: 'Album', Name: 'C', UrlName: 'C' });
    assert.equal(res.status, 201, res.text);
    const body = res.json();
    assertSameShape(f, body, {
      ignore: ['Options.Parameters.POST', 'Options.ParameterDescription'],
      same: [
        'Options.Methods',
        'Response.Node.Type',
        'Response.Node.ResponseLevel',
        'Response.Node.IsRoot',
        'Response.Node.HasChildren',
        // Defaults of a node created without them, as advertised in the recorded Options.
        'Response.Node.Privacy',
        'Response.Node.EffectivePrivacy',
        'Response.Node.SortMethod',
        'Response.Node.SortDirection',
        'Response.Node.SecurityType',
        'Response.Node.SmugSearchable',
        'Response.Node.WorldSearchable',
      ],
      exact: ['Response'],
    });
    assert.deepEqual(
      body.Options.Parameters.POST.map((p: any) => p.Name),
      f.Options.Parameters.POST.map((p: any) => p.Name),
    );
    assertSameShape(f.Options.Parameters.POST, body.Options.Parameters.POST, {}, 'Options.Parameters.POST');
    assert.deepEqual(
      Object.keys(body.Options.ParameterDescription).sort(),
      Object.keys(f.Options.ParameterDescription).sort(),
    );
    assert.match(body.Response.Node.Uris.Album.Uri, /^\/api\/v2\/album\/[A-Za-z0-9]{6}$/);
  });

  test('GET !parents of an album in a folder: [album, folder, root] as recorded', async () => {
    const f = fixture('node_parents_response.json');
    const album = await client.createAlbum(workId, 'Parents Leaf');
    const body = await get(`/api/v2/node/${album.nodeId}!parents?start=1&count=7`);
    assertSameShape(f, body, {
      // Options here is the OPTIONS-style description of the newer capture (MethodDetails, Path, Notes).
      ignore: ['Options.MethodDetails', 'Options.Notes', 'Options.Path'],
      same: ['Response.Node.[].Type', 'Response.Node.[].IsRoot', 'Request.Version', 'Request.Method'],
    });
    assert.deepEqual(
      body.Response.Node.map((n: any) => n.NodeID),
      [album.nodeId, workId, rootId],
    );
    assertPages(f.Response.Pages, body.Response.Pages, '!parents');
  });

  test('GET /api/v2/album/{key}: same keys and Uris as the recorded album', async () => {
    const f = fixture('album_response.json');
    const album = await client.createAlbum(workId, 'San Francisco by helicopter 2014');
    const body = await get(album.albumUri);
    assertSameShape(f, body, { same: ['Response.DocUri'] });
    assert.equal(body.Response.Album.AlbumKey, album.albumKey);
    assert.equal(body.Response.Album.NodeID, album.nodeId);
    assert.equal(body.Response.Album.ImageCount, 0);
  });

  describe('album images', () => {
    let album: Awaited<ReturnType<typeof albumWithImages>>;

    before(async () => {
      // The recorded listing has 18 images: 1 page of 100, or pages of 10 with 8 on the second.
      album = await albumWithImages('Helicopter', 18);
    });

    // Links only in the older (2014) captures of this endpoint; the 2021 capture
    // (album_images_with_album_expansion_response.json) has none of them, nor does the sandbox.
    const olderUris = ['ImageAlbum', 'ImageDownload', 'ImageOwner'].map(
      (name) => `Response.AlbumImage.[].Uris.${name}`,
    );
    const itemShape: ShapeOptions = {
      ignore: olderUris,
      formats: {
        'Response.AlbumImage.[].Uri': /^\/api\/v2\/album\/[A-Za-z0-9]{6}\/image\/[A-Za-z0-9]{7}-\d+$/,
        'Response.AlbumImage.[].Format': /^(JPG|PNG|GIF|MP4|HEIC)$/,
      },
      same: ['Response.AlbumImage.[].IsVideo', 'Response.AlbumImage.[].Format', 'Options.Parameters.GET'],
    };

    test('GET !images: AlbumImage items and Pages as recorded', async () => {
      const f = fixture('album_images_listing_response.json');
      const body = await get(`${album.albumUri}!images`);
      assertSameShape(f, body, itemShape, '!images');
      assertPages(f.Response.Pages, body.Response.Pages, '!images');
      const items = body.Response.AlbumImage;
      assert.equal(items.length, 18);
      assert.deepEqual(
        items.map((i: any) => i.ArchivedMD5),
        album.uploads.map((u) => u.md5),
        'JPEGs are stored as sent',
      );
      assert.deepEqual(
        items.map((i: any) => i.Uri),
        album.uploads.map((u) => u.albumImageUri),
      );
      assert.equal(items[0].FileName, 'IMG_0001.jpg');
    });

    test('GET !images?count=10&start=11: the recorded second and last page', async () => {
      const f = fixture('album_images_page2_response.json');
      const body = await get(`${album.albumUri}!images?count=10&start=11`);
      assertSameShape(f, body, itemShape, '!images page 2');
      assertPages(f.Response.Pages, body.Response.Pages, '!images page 2');
      assert.equal(body.Response.Pages.NextPage, undefined);
      assert.equal(body.Response.AlbumImage.length, 8);
      assert.equal(body.Response.AlbumImage[0].FileName, 'IMG_0011.jpg');
    });

    test('GET !images?_expand=Album: Expansions keyed by the album URI, as recorded', async () => {
      const f = fixture('album_images_with_album_expansion_response.json');
      const body = await get(`${album.albumUri}!images?_expand=Album`);
      assertSameShape(f, body, {
        ...itemShape,
        ignore: [
          // The OPTIONS-style description of the newer capture.
          'Options.MethodDetails',
          'Options.Notes',
          'Options.Path',
          // UTC by the account's time zone, which the sandbox does not model (and 2026 listings
          // leave it out, API-NOTES §4).
          'Response.AlbumImage.[].DateTimeOriginal',
          // Keyed by URI: compared below.
          'Expansions.*',
        ],
        // ComponentFileTypes is [] when empty and {"Image":["jpg"]} otherwise (API-NOTES §3.1).
        types: { 'Response.AlbumImage.[].ComponentFileTypes': ['object'] },
        same: [...(itemShape.same ?? []), 'Request.Method', 'Request.Version'],
      });
      const recordedKey = Object.keys(f.Expansions)[0] as string;
      assert.deepEqual(Object.keys(body.Expansions), [album.albumUri]);
      assertSameShape(
        f.Expansions[recordedKey],
        body.Expansions[album.albumUri],
        {
          // Album templates, highlight images and sample photos are not emulated.
          ignore: ['Album.TemplateUri', 'Album.HighlightAlbumImageUri', 'Album.Uris.AddSamplePhotos'],
          same: ['Locator', 'LocatorType', 'EndpointType', 'DocUri'],
          exact: [''],
        },
        'Expansions entry',
      );
      assert.equal(body.Expansions[album.albumUri].Album.AlbumKey, album.albumKey);
      // The recorded page links leave _expand out.
      for (const link of ['FirstPage', 'LastPage']) {
        assert.deepEqual(pageLink(body.Response.Pages[link]), pageLink(f.Response.Pages[link]), link);
      }
      for (const item of body.Response.AlbumImage) assert.equal(item.Uris.Album.Uri, album.albumUri);
    });

    test('_verbosity=1: no Options or Request, Uris are plain strings', async () => {
      const f = fixture('album_images_listing_response.json');
      const body = await get(`${album.albumUri}!images?_verbosity=1`);
      assert.deepEqual(Object.keys(body).sort(), ['Code', 'Message', 'Response']);
      assertSameShape(f, body, {
        ...itemShape,
        ignore: [...olderUris, 'Options'],
        types: { 'Response.AlbumImage.[].Uris.*': ['string'] },
      });
      for (const item of body.Response.AlbumImage) {
        for (const [name, uri] of Object.entries(item.Uris)) {
          assert.equal(typeof uri, 'string', `Uris.${name}`);
          assert.match(uri as string, /^\/api\/v2\//);
        }
      }
    });

    test('_shorturis: Uris are the plain URI strings of the full response', async () => {
      const full = await get(`${album.albumUri}!images`);
      const short = await get(`${album.albumUri}!images?_shorturis`);
      assert.ok(short.Options, 'Options stays at the default verbosity');
      short.Response.AlbumImage.forEach((item: any, i: number) => {
        const expected = Object.fromEntries(
          Object.entries(full.Response.AlbumImage[i].Uris).map(([k, v]: [string, any]) => [k, v.Uri]),
        );
        assert.deepEqual(item.Uris, expected);
      });
    });

    test('_filter=FileName,ArchivedMD5 and _filteruri=: only the named fields, Uris removed', async () => {
      const f = fixture('album_images_listing_response.json');
      const filtered = await get(`${album.albumUri}!images?_filter=FileName,ArchivedMD5`);
      for (const item of filtered.Response.AlbumImage) {
        assert.deepEqual(Object.keys(item).sort(), ['ArchivedMD5', 'FileName', 'Uris']);
      }
      assertSameShape(
        f.Response.AlbumImage.map((i: any) => ({ FileName: i.FileName, ArchivedMD5: i.ArchivedMD5 })),
        filtered.Response.AlbumImage,
        {},
        '_filter',
      );
      const noUris = await get(`${album.albumUri}!images?_filteruri=`);
      for (const item of noUris.Response.AlbumImage) {
        assert.equal(item.Uris, undefined);
        assert.equal(typeof item.FileName, 'string');
      }
      assertSameShape(f, noUris, { ...itemShape, ignore: ['Response.AlbumImage.[].Uris'] }, '_filteruri=');
      const both = await get(`${album.albumUri}!images?_filter=FileName,ArchivedMD5&_filteruri=`);
      assert.deepEqual(
        both.Response.AlbumImage.map((i: any) => i),
        album.uploads.map((u, i) => ({
          FileName: `IMG_${String(i + 1).padStart(4, '0')}.jpg`,
          ArchivedMD5: u.md5,
        })),
      );
      assertPages(f.Response.Pages, both.Response.Pages, '_filter', false);
    });
  });

  test('upload: success body as recorded (StatusImageReplaceUri may be "")', async () => {
    const f = fixture('upload_success_response.json');
    const album = await client.createAlbum(workId, 'Upload Body');
    const { body } = await upload(album.albumUri, 'a.jpg');
    assertSameShape(f, body, {
      types: { 'Image.StatusImageReplaceUri': ['string'] },
      same: ['stat', 'method'],
      formats: {
        'Image.ImageUri': /^\/api\/v2\/image\/[A-Za-z0-9]{7}-0$/,
        'Image.AlbumImageUri': /^\/api\/v2\/album\/[A-Za-z0-9]{6}\/image\/[A-Za-z0-9]{7}-0$/,
        'Image.URL': /^https?:\/\/[^/]+(\/[^/]+)*\/n-[A-Za-z0-9]+\/i-[A-Za-z0-9]{7}$/,
      },
    });
    assert.ok(body.Image.AlbumImageUri.startsWith(`${album.albumUri}/image/`));
    const key = body.Image.ImageUri.split('/').pop().split('-')[0];
    assert.ok(body.Image.AlbumImageUri.endsWith(`/image/${key}-0`));
    assert.ok(body.Image.URL.endsWith(`/n-${album.nodeId}/i-${key}`));
    assert.ok(body.Image.StatusImageReplaceUri === '' || body.Image.StatusImageReplaceUri === null);
  });

  test('HEIC upload: stored as NAME.JPG; GET /api/v2/image/{key}-0 has the recorded Image shape', async () => {
    const f = fixture('image_heic_converted_with_metadata_expansion_response.json');
    sandbox.setTransforms({ heic: 'jpg' });
    const album = await client.createAlbum(workId, 'Heic');
    // A real HEIC, so that the metadata has a capture time to compare.
    const bytes = readFileSync(new URL('../fixtures/media/IMG_0001.HEIC', import.meta.url));
    const { body: up, md5 } = await upload(album.albumUri, 'IMG_7058.HEIC', bytes);
    assert.equal(up.stat, 'ok', JSON.stringify(up));
    const imageUri: string = up.Image.ImageUri;
    assert.match(imageUri, /^\/api\/v2\/image\/[A-Za-z0-9]{7}-0$/);
    // As in the recorded request: the metadata and the album expanded.
    const body = await get(`${imageUri}?_expand=ImageMetadata,ImageAlbum`);
    const image = body.Response.Image;
    assert.equal(image.FileName, 'IMG_7058.JPG');
    assert.equal(image.Format, 'JPG');
    assert.notEqual(image.ArchivedMD5, md5, 'converted: not the MD5 of the bytes sent');
    assert.equal(image.Uri, imageUri);
    assertSameShape(f, body, {
      ignore: [
        // UTC by the account's time zone, which the sandbox does not model; the capture time is in
        // !metadata DateTimeCreated, compared below.
        'Response.Image.DateTimeOriginal',
        // Image editing actions are not emulated.
        'Response.Image.Uris.RotateImage',
        'Response.Image.Uris.ColorImage',
        'Response.Image.Uris.CopyImage',
        'Response.Image.Uris.CropImage',
        'Response.Image.Uris.WatermarkImage',
        // Compared on their own below.
        'Expansions',
      ],
      same: [
        'Response.DocUri',
        'Response.Image.Format',
        'Response.Image.IsVideo',
        'Response.Image.Status',
        'Response.Image.SubStatus',
        'Response.Image.PreferredDisplayFileExtension',
        'Response.Image.ComponentFileTypes',
      ],
      formats: {
        'Response.Image.FileName': /^[A-Za-z0-9_]+\.JPG$/,
        'Response.Image.Uri': /^\/api\/v2\/image\/[A-Za-z0-9]{7}-\d+$/,
      },
    });
    const metaUri = `${imageUri}!metadata`;
    const recorded = f.Expansions[Object.keys(f.Expansions).find((k) => k.endsWith('!metadata')) as string];
    const expansion = body.Expansions?.[metaUri];
    assert.ok(expansion, `Expansions has ${metaUri}: ${Object.keys(body.Expansions ?? {})}`);
    // The sandbox keeps few metadata fields; those it has are typed as recorded.
    const kept = Object.keys(expansion.ImageMetadata).filter((k) => Object.hasOwn(recorded.ImageMetadata, k));
    assertSameShape(
      { ...recorded, ImageMetadata: Object.fromEntries(kept.map((k) => [k, recorded.ImageMetadata[k]])) },
      expansion,
      {
        same: ['Locator', 'LocatorType', 'EndpointType'],
        formats: {
          'ImageMetadata.DateTimeModified': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/,
          'ImageMetadata.DateTimeCreated': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/,
        },
      },
      'ImageMetadata expansion',
    );
    assert.ok(kept.includes('DateTimeCreated') && kept.includes('DateTimeModified'), kept.join());
    assert.equal(expansion.ImageMetadata.DateTimeCreated, '2024-07-14T18:22:01', 'the HEIC capture time');
  });

  test('DELETE album image: 200 with the recorded envelope and no payload', async () => {
    const f = fixture('albumimage_delete_response.json');
    const album = await albumWithImages('Delete Me', 1);
    const uri = album.uploads[0]?.albumImageUri as string;
    const res = await client.request(uri, { method: 'DELETE' });
    assert.equal(res.status, 200, res.text);
    const body = res.json();
    assertSameShape(f, body, {
      same: ['Options.Methods', 'Options.Parameters', 'Response.UriDescription'],
    });
    assert.equal(body.Response.Uri, uri);
    assert.equal(body.Response.AlbumImage, undefined, 'no payload');
    const listing = await get(`${album.albumUri}!images`);
    assert.equal(listing.Response.AlbumImage, undefined, 'the album is empty');
    assert.equal(listing.Response.Pages.Total, 0);
  });

  describe('errors recorded in issue threads', () => {
    test('400 on a UrlName starting lower-case, with _verbosity=1', async () => {
      const f = fixture('from_issue_threads/error_400_bad_urlname_create_album_response.json');
      const res = await client.request(`/api/v2/node/${workId}!children?_verbosity=1`, {
        method: 'POST',
        json: {
          Type: 'Album',
          Name: 'wp smugmu local test 32',
          UrlName: 'wp-smugmu-local-test-32',
          Privacy: 'Public',
        },
      });
      assert.equal(res.status, 400, res.text);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), Object.keys(f).sort());
      // The recording is of the deprecated folder!albums endpoint, which lists Albums; the node
      // endpoint lists Nodes. The envelope is the same.
      assertSameShape(f, body, {
        same: ['Response.LocatorType'],
        differ: ['Response.Uri', 'Response.Locator'],
      });
      assert.equal(body.Response.Uri, `/api/v2/node/${workId}!children?_verbosity=1`);
      assert.equal(body.Response.Locator, 'Node');
    });

    test('nonce replay: exactly {"Code":401,"Message":"oauth_problem=nonce_used"}', async () => {
      const f = fixture('from_issue_threads/error_401_nonce_used_response.json');
      const fixed = { nonce: `replay${Date.now()}`, timestamp: Math.floor(Date.now() / 1000) };
      const path = `/api/v2/node/${rootId}`;
      const first = await client.request(path, { fixed });
      assert.equal(first.status, 200, first.text);
      const again = await client.request(path, { fixed });
      assert.equal(again.status, 401);
      assert.deepEqual(again.json(), f);
      assert.equal(again.text, JSON.stringify(f));
    });

    test('nonce replay on a redirect (the recorded case): nonce_used, not a signature error', async () => {
      const f = fixture('from_issue_threads/error_401_nonce_used_response.json');
      const album = await albumWithImages('Redirect', 1);
      const imageKey = /\/image\/([A-Za-z0-9]+)-0$/.exec(album.uploads[0]?.albumImageUri ?? '')?.[1];
      assert.ok(imageKey);
      const url = client.url(`/api/v2/image/${imageKey}?_verbosity=1`);
      const authorization = client.authorization('GET', url);
      const headers = { Accept: 'application/json', Authorization: authorization };
      const first = await fetch(url, { headers, redirect: 'manual' });
      assert.equal(first.status, 301, await first.text());
      const location = first.headers.get('location') as string;
      assert.equal(location, `/api/v2/image/${imageKey}-0?_verbosity=1`);
      // What the client in the issue did: follow the redirect with the same Authorization header.
      const replay = await fetch(client.url(location), { headers, redirect: 'manual' });
      assert.equal(replay.status, 401);
      assert.deepEqual(await replay.json(), f);
    });

    test('upload of a .webp: HTTP 200, stat fail, code 64, in the recorded failure shape', async () => {
      const f = fixture('from_issue_threads/upload_fail_code5_system_error_response.json');
      const album = await client.createAlbum(workId, 'Webp');
      const { body } = await upload(album.albumUri, 'a.webp');
      assert.deepEqual(Object.keys(body).sort(), Object.keys(f).sort());
      assertSameShape(f, body, { same: ['stat', 'method'], exact: [''] });
      assert.equal(body.code, 64);
      assert.equal(body.message, 'Invalid file type');
      const listing = await get(`${album.albumUri}!images`);
      assert.equal(listing.Response.Pages.Total, 0, 'nothing stored');
    });
  });
});
