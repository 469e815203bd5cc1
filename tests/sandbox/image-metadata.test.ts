// !metadata DateTimeCreated in the sandbox: read from the bytes an upload delivered (API-NOTES §2.7,
// §4), the capture wall clock without a zone, kept through the HEIC → JPEG conversion, recomputed
// on replacement, '' when the content records none, and never a reason to refuse an upload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';
import { md5Hex } from '../helpers/account.ts';
import { SignedClient } from '../helpers/signed-client.ts';

const MEDIA = join(import.meta.dirname, '../fixtures/media');
const media = (name: string) => readFileSync(join(MEDIA, name));
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

async function jpegWithExif(exif: Record<string, string>): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 30, g: 60, b: 90 } } })
    .jpeg()
    .withExif({ IFD2: exif })
    .toBuffer();
}

interface Harness {
  sandbox: Sandbox;
  client: SignedClient;
  albumUri: string;
}

async function open(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox(options);
  const client = new SignedClient(sandbox.info);
  const album = await client.createAlbum(await client.rootNodeId(), 'Metadata');
  return { sandbox, client, albumUri: album.albumUri };
}

async function upload(
  h: Harness,
  fileName: string,
  bytes: Uint8Array,
  extra: Record<string, string> = {},
): Promise<string> {
  const res = await h.client.upload(bytes, {
    'X-Smug-AlbumUri': h.albumUri,
    'X-Smug-FileName': fileName,
    'Content-MD5': md5Hex(bytes),
    ...extra,
  });
  assert.equal(res.status, 200, res.text);
  const body = res.json();
  assert.equal(body.stat, 'ok', `${fileName}: ${res.text}`);
  return body.Image.ImageUri;
}

async function metadataOf(h: Harness, imageUri: string): Promise<any> {
  const res = await h.client.request(`${imageUri}!metadata`);
  assert.equal(res.status, 200, res.text);
  return res.json().Response.ImageMetadata;
}

async function createdOf(h: Harness, imageUri: string): Promise<string> {
  const created = (await metadataOf(h, imageUri)).DateTimeCreated;
  assert.equal(typeof created, 'string');
  if (created !== '') assert.match(created, DATE_TIME);
  return created;
}

describe('sandbox: !metadata DateTimeCreated', () => {
  let h: Harness;
  before(async () => {
    h = await open();
  });
  after(async () => {
    await h.sandbox.close();
  });

  test('a JPEG: EXIF DateTimeOriginal as the camera clock showed it, its offset not applied', async () => {
    const bytes = await jpegWithExif({
      DateTimeOriginal: '2021:06:15 14:03:59',
      OffsetTimeOriginal: '+09:00',
    });
    const imageUri = await upload(h, 'tokyo.jpg', bytes);
    assert.equal(await createdOf(h, imageUri), '2021-06-15T14:03:59');
    // Half past midnight on 1 August at +02:00 stays 1 August (it was 31 July in UTC).
    assert.equal(
      await createdOf(h, await upload(h, 'abroad.jpg', media('abroad.jpg'))),
      '2024-08-01T00:30:05',
    );
  });

  test('a HEIC is stored as NAME.JPG or NAME_HEIC.JPG and keeps the HEIC capture time', async () => {
    try {
      for (const [heic, fileName] of [
        ['jpg', 'IMG_0001.JPG'],
        ['legacy', 'IMG_0001_HEIC.JPG'],
      ] as const) {
        h.sandbox.setTransforms({ heic });
        const bytes = media('IMG_0001.HEIC');
        const imageUri = await upload(h, 'IMG_0001.HEIC', bytes);
        const image = (await h.client.request(imageUri)).json().Response.Image;
        assert.equal(image.FileName, fileName, heic);
        assert.equal(image.Format, 'JPG', heic);
        assert.notEqual(image.ArchivedMD5, md5Hex(bytes), heic);
        assert.equal(await createdOf(h, imageUri), '2024-07-14T18:22:01', heic);
      }
    } finally {
      h.sandbox.setTransforms({ heic: 'jpg' });
    }
  });

  test('a video: the QuickTime creation date, or the mvhd instant as a UTC clock', async () => {
    const mov = await upload(h, 'IMG_0001.MOV', media('IMG_0001.MOV'));
    const image = (await h.client.request(mov)).json().Response.Image;
    assert.equal(image.IsVideo, true);
    assert.notEqual(image.ArchivedMD5, md5Hex(media('IMG_0001.MOV')), 're-encoded');
    assert.equal(await createdOf(h, mov), '2024-07-14T18:22:01');
    assert.equal(await createdOf(h, await upload(h, 'clip.mp4', media('clip.mp4'))), '2021-03-04T05:06:07');
  });

  test('a file whose content records no capture time has an empty DateTimeCreated', async () => {
    for (const name of ['bare.jpg', 'zero-date.jpg']) {
      assert.equal(await createdOf(h, await upload(h, name, media(name))), '', name);
    }
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#888' } })
      .png()
      .toBuffer();
    assert.equal(await createdOf(h, await upload(h, 'plain.png', png)), '');
  });

  test('damaged files upload as usual, with an empty DateTimeCreated', async () => {
    const cases: Array<[string, Buffer]> = [
      ['cut.jpg', media('abroad.jpg').subarray(0, 100)],
      ['cut.HEIC', media('IMG_0001.HEIC').subarray(0, 300)],
      ['cut.MOV', media('IMG_0001.MOV').subarray(0, 600)],
      [
        'noise.jpg',
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]), Buffer.alloc(64, 0x45)]),
      ],
      ['not-a-photo.jpg', Buffer.from('plain text where a photo should be')],
    ];
    for (const [name, bytes] of cases) {
      const imageUri = await upload(h, name, bytes);
      assert.equal(await createdOf(h, imageUri), '', name);
    }
  });

  test('a replacement (X-Smug-ImageUri) takes the new file’s date, or none', async () => {
    const imageUri = await upload(h, 'replaced.jpg', media('bare.jpg'));
    assert.equal(await createdOf(h, imageUri), '');
    const dated = await upload(h, 'replaced.jpg', media('no-offset.jpg'), { 'X-Smug-ImageUri': imageUri });
    assert.equal(dated, imageUri.replace(/-0$/, '-1'));
    assert.equal(await createdOf(h, dated), '2023-12-31T22:15:00');
    const undated = await upload(h, 'replaced.jpg', media('bare.jpg'), { 'X-Smug-ImageUri': dated });
    assert.equal(await createdOf(h, undated), '');
  });

  test('_expand=ImageMetadata on the image carries the same DateTimeCreated', async () => {
    const imageUri = await upload(h, 'expanded.jpg', media('no-offset.jpg'));
    const res = await h.client.request(`${imageUri}?_expand=ImageMetadata`);
    assert.equal(res.status, 200, res.text);
    const expansion = res.json().Expansions?.[`${imageUri}!metadata`];
    assert.ok(expansion, res.text);
    assert.equal(expansion.ImageMetadata.DateTimeCreated, '2023-12-31T22:15:00');
    assert.deepEqual(expansion.ImageMetadata, await metadataOf(h, imageUri));
  });

  test('_filter=DateTimeCreated answers that field alone', async () => {
    const imageUri = await upload(h, 'filtered.jpg', media('abroad.jpg'));
    const res = await h.client.request(`${imageUri}!metadata?_filter=DateTimeCreated`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json().Response.ImageMetadata, { DateTimeCreated: '2024-08-01T00:30:05' });
  });
});

describe('sandbox: a state file from before DateTimeCreated', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'safelight-sandbox-state-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('opens, gets the column, and its images answer an empty DateTimeCreated', async () => {
    const first = await open({ stateDir: dir });
    const oldUri = await upload(first, 'old.jpg', media('abroad.jpg'));
    await first.sandbox.close();
    // What the images table was before the column existed.
    const db = new DatabaseSync(join(dir, 'sandbox.db'));
    db.exec('ALTER TABLE images DROP COLUMN date_time_created');
    db.close();

    const second = await startSandbox({ stateDir: dir });
    try {
      const client = new SignedClient(second.info);
      const albumUri = (await client.request(`${oldUri}?_filteruri=ImageAlbum`)).json().Response.Image.Uris
        .ImageAlbum.Uri;
      const h2: Harness = { sandbox: second, client, albumUri };
      assert.equal(await createdOf(h2, oldUri), '');
      assert.equal(
        await createdOf(h2, await upload(h2, 'new.jpg', media('abroad.jpg'))),
        '2024-08-01T00:30:05',
      );
      const replaced = await upload(h2, 'old.jpg', media('no-offset.jpg'), { 'X-Smug-ImageUri': oldUri });
      assert.equal(await createdOf(h2, replaced), '2023-12-31T22:15:00');
    } finally {
      await second.close();
    }
  });
});
