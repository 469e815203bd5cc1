// The sandbox uploader against API-NOTES §2: raw bodies, required headers, Content-MD5, success
// shape, replacement, duplicates, file names, file types, server-side transforms, album capacity
// and streaming of large bodies.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';
import { imagesOf, md5Hex } from '../helpers/account.ts';
import { latin1Bytes, rawRequest } from '../helpers/raw-http.ts';
import { SignedClient } from '../helpers/signed-client.ts';

const md5Base64 = (b: Uint8Array) => createHash('md5').update(b).digest('base64');

function jpegBytes(size = 4096): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 4)]);
}
const pngBytes = () => Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), randomBytes(3000)]);
const gifBytes = () => Buffer.concat([Buffer.from('GIF89a', 'latin1'), randomBytes(2000)]);

interface Harness {
  sandbox: Sandbox;
  client: SignedClient;
  rootId: string;
}

async function open(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox(options);
  const client = new SignedClient(sandbox.info);
  return { sandbox, client, rootId: await client.rootNodeId() };
}

interface UploadOptions {
  method?: string;
  path?: string;
  /** Replaces the standard v2 headers entirely (to leave some out). */
  bare?: boolean;
}

/** An upload through fetch, signed in the Authorization header. */
async function upload(
  h: Harness,
  bytes: Uint8Array,
  headers: Record<string, string>,
  opts: UploadOptions = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const method = opts.method ?? 'POST';
  const url = new URL(opts.path ?? '', h.sandbox.uploadUrl).toString();
  const standard = opts.bare
    ? {}
    : { 'Content-Type': 'application/octet-stream', 'X-Smug-ResponseType': 'JSON', 'X-Smug-Version': 'v2' };
  const res = await fetch(url, {
    method,
    headers: { Authorization: h.client.authorization(method, url), ...standard, ...headers },
    body: bytes,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) };
}

function keyOf(imageUri: string): string {
  const m = /^\/api\/v2\/image\/([A-Za-z0-9]+)-(\d+)$/.exec(imageUri);
  assert.ok(m, `ImageUri ${imageUri} has the form /api/v2/image/{key}-{serial}`);
  return m[1] as string;
}

function assertFail(res: { status: number; body: any }, code: number, message?: string): void {
  assert.equal(res.status, 200, 'upload failures are HTTP 200');
  assert.equal(res.body.stat, 'fail');
  assert.equal(res.body.method, 'smugmug.images.upload');
  assert.equal(res.body.code, code, `code ${code}, got ${JSON.stringify(res.body)}`);
  if (message !== undefined) assert.equal(res.body.message, message);
}

describe('uploader', () => {
  let h: Harness;
  before(async () => {
    h = await open();
  });
  after(async () => {
    await h.sandbox.close();
  });

  test('raw body POST to / stores the image and answers the documented success shape', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Shape');
    const bytes = jpegBytes();
    const res = await upload(h, bytes, { 'X-Smug-AlbumUri': album.albumUri, 'X-Smug-FileName': 'a.jpg' });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['Asset', 'Image', 'method', 'stat']);
    assert.equal(res.body.stat, 'ok');
    assert.equal(res.body.method, 'smugmug.images.upload');
    const image = res.body.Image;
    const key = keyOf(image.ImageUri);
    assert.match(key, /^[A-Za-z0-9]{7}$/);
    assert.equal(image.ImageUri, `/api/v2/image/${key}-0`);
    assert.equal(image.AlbumImageUri, `/api/v2/album/${album.albumKey}/image/${key}-0`);
    assert.equal(image.StatusImageReplaceUri, '');
    assert.equal(typeof image.URL, 'string');
    assert.ok(image.URL.endsWith(`/i-${key}`), image.URL);
    assert.deepEqual(res.body.Asset, {
      AssetComponentUri: `/api/v2/library/asset/${key}/component/i/${key}`,
      AssetUri: `/api/v2/library/asset/${key}`,
    });
    const stored = imagesOf(h.sandbox, album.albumKey);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].ImageKey, key);
    assert.equal(stored[0].FileName, 'a.jpg');
    assert.equal(stored[0].ArchivedMD5, md5Hex(bytes));
    // The main API sees it at once.
    const got = await h.client.request(image.ImageUri);
    assert.equal(got.status, 200);
    assert.equal(got.json().Response.Image.ImageKey, key);
  });

  test('PUT to /photo.jpg is accepted and names the file from the path', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Put');
    const bytes = jpegBytes();
    const res = await upload(
      h,
      bytes,
      { 'X-Smug-AlbumUri': album.albumUri },
      { method: 'PUT', path: '/photo.jpg' },
    );
    assert.equal(res.body.stat, 'ok', JSON.stringify(res.body));
    const stored = imagesOf(h.sandbox, album.albumKey);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].FileName, 'photo.jpg');
    assert.equal(stored[0].ArchivedMD5, md5Hex(bytes));
  });

  test('missing X-Smug-Version, X-Smug-ResponseType or X-Smug-AlbumUri is HTTP 200 stat fail', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Headers');
    const full: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'X-Smug-Version': 'v2',
      'X-Smug-ResponseType': 'JSON',
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'h.jpg',
    };
    const expected: Record<string, number> = {
      'X-Smug-Version': 5,
      'X-Smug-ResponseType': 5,
      'X-Smug-AlbumUri': 9,
    };
    for (const [name, code] of Object.entries(expected)) {
      const { [name]: _left, ...headers } = full;
      const res = await upload(h, jpegBytes(), headers, { bare: true });
      assertFail(res, code);
    }
    assert.equal(imagesOf(h.sandbox, album.albumKey).length, 0, 'nothing stored');
    // Lower-case `json` is fine, and with everything present the upload goes through.
    const ok = await upload(h, jpegBytes(), { ...full, 'X-Smug-ResponseType': 'json' }, { bare: true });
    assert.equal(ok.body.stat, 'ok', JSON.stringify(ok.body));
  });

  test('an album that does not exist or a node URI is code 9 invalid album', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Invalid');
    const before = h.sandbox.dump().ImageCount;
    for (const uri of [
      '/api/v2/album/NoSuchAlbum',
      `/api/v2/node/${album.nodeId}`,
      `/api/v2/node/${h.rootId}`,
    ]) {
      const res = await upload(h, jpegBytes(), { 'X-Smug-AlbumUri': uri, 'X-Smug-FileName': 'x.jpg' });
      assertFail(res, 9, 'invalid album');
    }
    assert.equal(h.sandbox.dump().ImageCount, before);
  });

  test('Content-MD5 is accepted as hex and as base64', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Md5');
    const a = jpegBytes();
    const b = jpegBytes();
    const hex = await upload(h, a, {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'hex.jpg',
      'Content-MD5': md5Hex(a),
    });
    assert.equal(hex.body.stat, 'ok', JSON.stringify(hex.body));
    const b64 = await upload(h, b, {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'b64.jpg',
      'Content-MD5': md5Base64(b),
    });
    assert.equal(b64.body.stat, 'ok', JSON.stringify(b64.body));
    const stored = imagesOf(h.sandbox, album.albumKey);
    assert.deepEqual(stored.map((i) => [i.FileName, i.ArchivedMD5]).sort(), [
      ['b64.jpg', md5Hex(b)],
      ['hex.jpg', md5Hex(a)],
    ]);
  });

  test('a wrong Content-MD5 is stat fail code 5 and stores nothing', async () => {
    const album = await h.client.createAlbum(h.rootId, 'BadMd5');
    const bytes = jpegBytes();
    const other = jpegBytes();
    for (const wrong of [md5Hex(other), md5Base64(other)]) {
      const res = await upload(h, bytes, {
        'X-Smug-AlbumUri': album.albumUri,
        'X-Smug-FileName': 'bad.jpg',
        'Content-MD5': wrong,
      });
      assertFail(res, 5, 'system error');
    }
    assert.equal(imagesOf(h.sandbox, album.albumKey).length, 0);
  });

  test('JPEG, PNG and GIF are stored byte for byte: ArchivedMD5 and ArchivedSize match', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Formats');
    const cases: Array<[string, Buffer, string]> = [
      ['p.jpg', jpegBytes(5000), 'JPG'],
      ['p.png', pngBytes(), 'PNG'],
      ['p.gif', gifBytes(), 'GIF'],
    ];
    for (const [name, bytes, format] of cases) {
      const res = await upload(h, bytes, { 'X-Smug-AlbumUri': album.albumUri, 'X-Smug-FileName': name });
      assert.equal(res.body.stat, 'ok', JSON.stringify(res.body));
      const got = await h.client.request(res.body.Image.ImageUri);
      const image = got.json().Response.Image;
      assert.equal(image.FileName, name);
      assert.equal(image.Format, format);
      assert.equal(image.ArchivedMD5, md5Hex(bytes));
      assert.equal(image.ArchivedSize, bytes.length);
      assert.equal(image.IsVideo, false);
    }
    const stored = imagesOf(h.sandbox, album.albumKey);
    assert.equal(stored.length, 3);
    for (const [name, bytes] of cases) {
      const s = stored.find((i) => i.FileName === name);
      assert.equal(s.ArchivedMD5, md5Hex(bytes));
      assert.equal(s.ArchivedSize, bytes.length);
      assert.equal(s.UploadedMD5, md5Hex(bytes));
    }
  });

  test('replacement keeps the ImageKey, bumps Serial and redirects the old URIs', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Replace');
    const first = jpegBytes();
    const created = await upload(h, first, { 'X-Smug-AlbumUri': album.albumUri, 'X-Smug-FileName': 'r.jpg' });
    const key = keyOf(created.body.Image.ImageUri);
    const second = jpegBytes(6000);
    const replaced = await upload(h, second, {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'r.jpg',
      'X-Smug-ImageUri': `/api/v2/image/${key}-0`,
      'Content-MD5': md5Base64(second),
    });
    assert.equal(replaced.body.stat, 'ok', JSON.stringify(replaced.body));
    assert.equal(replaced.body.Image.ImageUri, `/api/v2/image/${key}-1`);
    assert.ok(replaced.body.Image.ImageUri.endsWith('-1'));
    assert.equal(replaced.body.Image.AlbumImageUri, `/api/v2/album/${album.albumKey}/image/${key}-1`);

    const stored = imagesOf(h.sandbox, album.albumKey);
    assert.equal(stored.length, 1, 'replaced in place, not added');
    assert.equal(stored[0].ImageKey, key);
    assert.equal(stored[0].Serial, 1);
    assert.equal(stored[0].ArchivedMD5, md5Hex(second));
    assert.equal(stored[0].ArchivedSize, second.length);

    const current = await h.client.request(`/api/v2/image/${key}-1`);
    assert.equal(current.status, 200);
    assert.equal(current.json().Response.Image.Serial, 1);
    assert.equal(current.json().Response.Image.ArchivedMD5, md5Hex(second));

    const old = await h.client.request(`/api/v2/image/${key}-0`);
    assert.equal(old.status, 301);
    assert.ok(
      old.headers.get('location')?.endsWith(`/api/v2/image/${key}-1`),
      old.headers.get('location') ?? '',
    );
    const bare = await h.client.request(`/api/v2/image/${key}`);
    assert.equal(bare.status, 301);
    assert.ok(
      bare.headers.get('location')?.endsWith(`/api/v2/image/${key}-1`),
      bare.headers.get('location') ?? '',
    );
  });

  test('a replacement naming an image that does not exist stores nothing', async () => {
    const album = await h.client.createAlbum(h.rootId, 'ReplaceMissing');
    const res = await upload(h, jpegBytes(), {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'm.jpg',
      'X-Smug-ImageUri': '/api/v2/image/NoSuchImg-0',
    });
    assert.equal(res.body.stat, 'fail');
    assert.equal(imagesOf(h.sandbox, album.albumKey).length, 0);
  });

  test('duplicates (same bytes, same name) are accepted as two images', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Dupes');
    const bytes = jpegBytes();
    const headers = { 'X-Smug-AlbumUri': album.albumUri, 'X-Smug-FileName': 'dup.jpg' };
    const one = await upload(h, bytes, headers);
    const two = await upload(h, bytes, headers);
    assert.equal(one.body.stat, 'ok');
    assert.equal(two.body.stat, 'ok');
    assert.notEqual(keyOf(one.body.Image.ImageUri), keyOf(two.body.Image.ImageUri));
    const stored = imagesOf(h.sandbox, album.albumKey);
    assert.equal(stored.length, 2);
    assert.ok(stored.every((i) => i.FileName === 'dup.jpg' && i.ArchivedMD5 === md5Hex(bytes)));
  });

  test('non-ASCII file names arrive intact, as raw UTF-8 bytes and percent-encoded', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Names');
    const name = 'Été 🌅 & co.jpg';
    const sent = [
      ['raw', latin1Bytes(name)],
      ['percent', encodeURIComponent(name)],
    ] as const;
    for (const [how, value] of sent) {
      const url = h.sandbox.uploadUrl;
      const bytes = jpegBytes();
      const res = await rawRequest(url, {
        method: 'POST',
        headers: {
          Authorization: h.client.authorization('POST', url),
          'Content-Type': 'image/jpeg',
          'Content-Length': bytes.length,
          'X-Smug-Version': 'v2',
          'X-Smug-ResponseType': 'JSON',
          'X-Smug-AlbumUri': album.albumUri,
          'X-Smug-FileName': value,
        },
        body: bytes,
      });
      assert.equal(res.status, 200);
      assert.equal(res.json().stat, 'ok', `${how}: ${res.text}`);
      const got = await h.client.request(res.json().Image.ImageUri);
      assert.equal(got.json().Response.Image.FileName, name, how);
    }
    const stored = imagesOf(h.sandbox, album.albumKey);
    assert.deepEqual(
      stored.map((i) => i.FileName),
      [name, name],
    );
  });

  test('WebP is code 64, BMP is code 6, RAW is code 6 without the Source plan', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Types');
    const webp = await upload(h, randomBytes(3000), {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'a.webp',
    });
    assertFail(webp, 64);
    const bmp = await upload(h, randomBytes(3000), {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'a.bmp',
    });
    assertFail(bmp, 6, 'wrong format');
    const raw = await upload(h, randomBytes(3000), {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'IMG_1.CR2',
    });
    assertFail(raw, 6, 'wrong format (RAW uploads require the Source add-on)');
    assert.equal(imagesOf(h.sandbox, album.albumKey).length, 0);
  });

  test('RAW is accepted with the Source plan', async () => {
    const s = await open({ sourcePlan: true });
    try {
      const album = await s.client.createAlbum(s.rootId, 'Raw');
      const bytes = randomBytes(5000);
      const res = await upload(s, bytes, {
        'X-Smug-AlbumUri': album.albumUri,
        'X-Smug-FileName': 'IMG_1.CR2',
      });
      assert.equal(res.body.stat, 'ok', JSON.stringify(res.body));
      const stored = imagesOf(s.sandbox, album.albumKey);
      assert.equal(stored.length, 1);
      assert.equal(stored[0].FileName, 'IMG_1.CR2');
      assert.equal(stored[0].ArchivedMD5, md5Hex(bytes));
    } finally {
      await s.sandbox.close();
    }
  });

  test('HEIC is converted to JPEG and renamed as the transform setting says', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Heic');
    const cases: Array<[string, string, string]> = [
      ['jpg', 'IMG_0001.JPG', 'JPG'],
      ['legacy', 'IMG_0001_HEIC.JPG', 'JPG'],
      ['off', 'IMG_0001.HEIC', 'HEIC'],
    ];
    try {
      for (const [heic, fileName, format] of cases) {
        h.sandbox.setTransforms({ heic: heic as 'jpg' | 'legacy' | 'off' });
        const bytes = randomBytes(4000);
        const res = await upload(h, bytes, {
          'X-Smug-AlbumUri': album.albumUri,
          'X-Smug-FileName': 'IMG_0001.HEIC',
        });
        assert.equal(res.body.stat, 'ok', JSON.stringify(res.body));
        const key = keyOf(res.body.Image.ImageUri);
        const stored = imagesOf(h.sandbox, album.albumKey).find((i) => i.ImageKey === key);
        assert.equal(stored.FileName, fileName, heic);
        assert.equal(stored.Format, format, heic);
        assert.equal(stored.UploadedMD5, md5Hex(bytes), heic);
        if (heic === 'off') assert.equal(stored.ArchivedMD5, md5Hex(bytes));
        else assert.notEqual(stored.ArchivedMD5, md5Hex(bytes), heic);
        const got = (await h.client.request(res.body.Image.ImageUri)).json().Response.Image;
        assert.equal(got.FileName, fileName);
        assert.equal(got.ArchivedMD5, stored.ArchivedMD5);
      }
    } finally {
      h.sandbox.setTransforms({ heic: 'jpg' });
    }
  });

  test('video is re-encoded to MP4 and Processing until the clock passes processingSeconds', async () => {
    let offset = 0;
    const s = await open({
      now: () => Math.floor(Date.now() / 1000) + offset,
      transforms: { processingSeconds: 30 },
    });
    try {
      const album = await s.client.createAlbum(s.rootId, 'Video');
      const bytes = randomBytes(20_000);
      const res = await upload(s, bytes, {
        'X-Smug-AlbumUri': album.albumUri,
        'X-Smug-FileName': 'clip.MOV',
      });
      assert.equal(res.body.stat, 'ok', JSON.stringify(res.body));
      const [stored] = imagesOf(s.sandbox, album.albumKey);
      assert.equal(stored.FileName, 'clip.MOV');
      assert.equal(stored.Format, 'MP4');
      assert.equal(stored.IsVideo, true);
      assert.equal(stored.UploadedMD5, md5Hex(bytes));
      assert.notEqual(stored.ArchivedMD5, md5Hex(bytes));
      assert.notEqual(stored.ArchivedSize, bytes.length);
      assert.equal(stored.Processing, true);
      const early = (await s.client.request(res.body.Image.ImageUri)).json().Response.Image;
      assert.equal(early.Processing, true);
      assert.equal(early.IsVideo, true);
      assert.equal(early.Format, 'MP4');

      offset = 20; // still inside the 30 s
      assert.equal(imagesOf(s.sandbox, album.albumKey)[0].Processing, true);
      offset = 35;
      assert.equal(imagesOf(s.sandbox, album.albumKey)[0].Processing, false);
      const later = (await s.client.request(res.body.Image.ImageUri)).json().Response.Image;
      assert.equal(later.Processing, false);
      assert.equal(later.ArchivedMD5, stored.ArchivedMD5);
    } finally {
      await s.sandbox.close();
    }
  });

  test('album full: the upload past the limit is code 63, a replacement still works', async () => {
    const s = await open({ limits: { albumImages: 3 } });
    try {
      const album = await s.client.createAlbum(s.rootId, 'Full');
      const keys: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await upload(s, jpegBytes(), {
          'X-Smug-AlbumUri': album.albumUri,
          'X-Smug-FileName': `${i}.jpg`,
        });
        assert.equal(res.body.stat, 'ok', JSON.stringify(res.body));
        keys.push(keyOf(res.body.Image.ImageUri));
      }
      const fourth = await upload(s, jpegBytes(), {
        'X-Smug-AlbumUri': album.albumUri,
        'X-Smug-FileName': '3.jpg',
      });
      assertFail(fourth, 63);
      assert.equal(imagesOf(s.sandbox, album.albumKey).length, 3);

      const bytes = jpegBytes();
      const replaced = await upload(s, bytes, {
        'X-Smug-AlbumUri': album.albumUri,
        'X-Smug-FileName': '0.jpg',
        'X-Smug-ImageUri': `/api/v2/image/${keys[0]}-0`,
      });
      assert.equal(replaced.body.stat, 'ok', JSON.stringify(replaced.body));
      assert.equal(replaced.body.Image.ImageUri, `/api/v2/image/${keys[0]}-1`);
      const stored = imagesOf(s.sandbox, album.albumKey);
      assert.equal(stored.length, 3);
      assert.equal(stored.find((i) => i.ImageKey === keys[0]).ArchivedMD5, md5Hex(bytes));
      // Another album still has room.
      const other = await s.client.createAlbum(s.rootId, 'Other');
      const elsewhere = await upload(s, jpegBytes(), {
        'X-Smug-AlbumUri': other.albumUri,
        'X-Smug-FileName': 'x.jpg',
      });
      assert.equal(elsewhere.body.stat, 'ok');
    } finally {
      await s.sandbox.close();
    }
  });

  test('a body over the photo size limit is refused, with or without Content-Length', async () => {
    const s = await open({ limits: { photoBytes: 10_000 } });
    try {
      const album = await s.client.createAlbum(s.rootId, 'Limit');
      const declared = await upload(s, randomBytes(20_000), {
        'X-Smug-AlbumUri': album.albumUri,
        'X-Smug-FileName': 'big.jpg',
      });
      assertFail(declared, 5);
      // Chunked: the size is only known as the bytes arrive.
      const url = s.sandbox.uploadUrl;
      const chunked = await rawRequest(url, {
        method: 'POST',
        headers: {
          Authorization: s.client.authorization('POST', url),
          'X-Smug-Version': 'v2',
          'X-Smug-ResponseType': 'JSON',
          'X-Smug-AlbumUri': album.albumUri,
          'X-Smug-FileName': 'chunked.jpg',
        },
        body: Readable.from([randomBytes(6000), randomBytes(6000)]),
      });
      assert.equal(chunked.status, 200);
      assert.equal(chunked.json().stat, 'fail', chunked.text);
      assert.equal(chunked.json().code, 5);
      assert.equal(imagesOf(s.sandbox, album.albumKey).length, 0);
      // Under the limit, chunked is fine.
      const small = [randomBytes(3000), randomBytes(3000)];
      const ok = await rawRequest(url, {
        method: 'POST',
        headers: {
          Authorization: s.client.authorization('POST', url),
          'X-Smug-Version': 'v2',
          'X-Smug-ResponseType': 'JSON',
          'X-Smug-AlbumUri': album.albumUri,
          'X-Smug-FileName': 'small.jpg',
        },
        body: Readable.from(small),
      });
      assert.equal(ok.json().stat, 'ok', ok.text);
      const [stored] = imagesOf(s.sandbox, album.albumKey);
      assert.equal(stored.ArchivedMD5, md5Hex(Buffer.concat(small)));
      assert.equal(stored.ArchivedSize, 6000);
    } finally {
      await s.sandbox.close();
    }
  });

  test('a 64 MB upload is streamed to disk, not held in memory', async () => {
    const album = await h.client.createAlbum(h.rootId, 'Big');
    const MB = 1024 * 1024;
    // Four distinct 1 MB blocks, cycled, so the client holds 4 MB however big the body is.
    const blocks = Array.from({ length: 4 }, () => randomBytes(MB));
    const send = (megabytes: number, md5: string) => {
      const url = h.sandbox.uploadUrl;
      return rawRequest(url, {
        method: 'POST',
        headers: {
          Authorization: h.client.authorization('POST', url),
          'Content-Type': 'image/jpeg',
          'Content-Length': megabytes * MB,
          'X-Smug-Version': 'v2',
          'X-Smug-ResponseType': 'JSON',
          'X-Smug-AlbumUri': album.albumUri,
          'X-Smug-FileName': `big-${megabytes}.jpg`,
          'Content-MD5': md5,
        },
        body: Readable.from(
          (function* () {
            for (let i = 0; i < megabytes; i++) yield blocks[i % 4] as Buffer;
          })(),
        ),
      });
    };
    const md5Of = (megabytes: number) => {
      const hash = createHash('md5');
      for (let i = 0; i < megabytes; i++) hash.update(blocks[i % 4] as Buffer);
      return hash.digest('hex');
    };
    // Socket buffers are garbage as soon as they are on disk; collect it while sampling so the
    // peak shows what the server holds on to, not what the collector has not reached yet.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // A warm-up upload first, so allocator arenas that any upload needs are already there.
    const warm = await send(8, md5Of(8));
    assert.equal(warm.json().stat, 'ok', warm.text);

    const expectedMd5 = md5Of(64);
    gc();
    const start = process.memoryUsage();
    let peakRss = start.rss;
    let peakBuffers = start.arrayBuffers;
    const sample = () => {
      gc();
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
    };
    const sampler = setInterval(sample, 25);
    let res: Awaited<ReturnType<typeof rawRequest>>;
    try {
      res = await send(64, expectedMd5);
    } finally {
      clearInterval(sampler);
    }
    sample();
    assert.equal(res.status, 200);
    assert.equal(res.json().stat, 'ok', res.text);
    const rssGrowth = (peakRss - start.rss) / MB;
    const bufferGrowth = (peakBuffers - start.arrayBuffers) / MB;
    assert.ok(rssGrowth < 24, `RSS grew by ${rssGrowth.toFixed(1)} MB during a 64 MB upload`);
    assert.ok(bufferGrowth < 24, `Buffers grew by ${bufferGrowth.toFixed(1)} MB during a 64 MB upload`);
    const stored = imagesOf(h.sandbox, album.albumKey).find((i) => i.FileName === 'big-64.jpg');
    assert.ok(stored);
    assert.equal(stored.ArchivedMD5, expectedMd5);
    assert.equal(stored.ArchivedSize, 64 * MB);
  });
});
