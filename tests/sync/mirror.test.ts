// A real tree synced to the sandbox: the remote tree is exactly the mirror DESIGN.md describes,
// every file is there once with its MD5, and a second run or a lost database uploads nothing.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findNode } from '../helpers/account.ts';
import {
  imageCounts,
  photoBytes,
  type Shape,
  type SyncEnv,
  shapeOf,
  syncEnv,
  writeTree,
} from '../helpers/sync-env.ts';

const BIG = 5001;

function album(name: string, files: string[], sums: Map<string, string>): Shape {
  return {
    type: 'Album',
    name,
    privacy: 'Private',
    images: files.map((f) => `${f.split('/').pop()} ${sums.get(f)}`).sort(),
  };
}

function folder(name: string, children: Shape[]): Shape {
  return {
    type: 'Folder',
    name,
    privacy: 'Private',
    children: children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

describe('mirror mode over a real tree', () => {
  let env: SyncEnv;
  let photos: string;
  let sums: Map<string, string>;
  const files: Record<string, Uint8Array> = {};
  const bigNames: string[] = [];

  before(async () => {
    env = await syncEnv();
    photos = join(env.root, 'Photos');
    const add = (rel: string, size = 300) => {
      files[rel] = photoBytes(rel, size);
    };
    add('cover.jpg');
    add('Family & Friends/Mum & Dad.jpg');
    add('Family & Friends/Grand Canyon 2019.JPG');
    add('Family & Friends/party.png');
    add('Trips/overview.jpg');
    add('Trips/map.gif');
    add('Trips/Île de Ré 🏝/plage été.jpg');
    add('Trips/Île de Ré 🏝/🌅 sunset.jpeg');
    add('Trips/Tokyo 東京/渋谷.jpg');
    add('deep/1/2/3/4/5/five.jpg');
    add('deep/1/2/3/4/5/6/six a.jpg');
    add('deep/1/2/3/4/5/6/six b.jpg');
    for (let i = 0; i < BIG; i++) {
      const name = `big/IMG_${String(i).padStart(5, '0')}.jpg`;
      bigNames.push(name);
      add(name, 64);
    }
    // Junk and sidecars that must never reach SmugMug.
    files['.DS_Store'] = Buffer.from('junk');
    files['Trips/Thumbs.db'] = Buffer.from('junk');
    files['Trips/IMG_0001.AAE'] = Buffer.from('<plist/>');
    files['Family & Friends/notes.txt'] = Buffer.from('hello');
    sums = await writeTree(photos, files);
    await writeTree(join(photos, 'empty', 'nothing here'), {});
    await env.add(photos);
  });

  after(() => env.close());

  const expected = () =>
    folder('Photos', [
      album('Images from folder Photos', ['cover.jpg'], sums),
      album(
        'Family & Friends',
        [
          'Family & Friends/Mum & Dad.jpg',
          'Family & Friends/Grand Canyon 2019.JPG',
          'Family & Friends/party.png',
        ],
        sums,
      ),
      folder('Trips', [
        album('Images from folder Trips', ['Trips/overview.jpg', 'Trips/map.gif'], sums),
        album('Île de Ré 🏝', ['Trips/Île de Ré 🏝/plage été.jpg', 'Trips/Île de Ré 🏝/🌅 sunset.jpeg'], sums),
        album('Tokyo 東京', ['Trips/Tokyo 東京/渋谷.jpg'], sums),
      ]),
      folder('deep', [
        folder('1', [
          folder('2', [
            folder('3', [
              album('4 - 5', ['deep/1/2/3/4/5/five.jpg'], sums),
              album('4 - 5 - 6', ['deep/1/2/3/4/5/6/six a.jpg', 'deep/1/2/3/4/5/6/six b.jpg'], sums),
            ]),
          ]),
        ]),
      ]),
      album('big', bigNames.slice(0, 5000), sums),
      album('big (2)', bigNames.slice(5000), sums),
    ]);

  let firstMs = 0;

  test('the first sync builds exactly the mirrored tree, every file once, galleries Private', async () => {
    const [summary] = await env.syncAll();
    assert.ok(summary);
    assert.equal(summary.error, undefined);
    const media = Object.keys(files).filter((f) => sums.has(f) && !/DS_Store|Thumbs|AAE|txt$/.test(f)).length;
    assert.equal(summary.uploaded, media);
    assert.equal(summary.failed, 0);
    assert.equal(summary.hashed, media);
    firstMs = summary.durationMs;

    const dump = env.sandbox.dump();
    const root = shapeOf(dump.Root);
    assert.deepEqual(root.children, [expected()]);
    assert.equal(dump.ImageCount, media);
    for (const [, n] of imageCounts(dump)) assert.equal(n, 1);
    const deepest = findNode(dump.Root, (n) => n.Name === '4 - 5 - 6');
    assert.match(deepest.UrlName, /^[A-Z0-9][A-Za-z0-9-]*$/);
  });

  test('a second run over the unchanged tree hashes nothing, uploads nothing, and is quick', async () => {
    const requestsBefore = env.sandbox.stats().requests;
    const [summary] = await env.syncAll();
    assert.ok(summary);
    assert.equal(summary.hashed, 0);
    assert.equal(summary.uploaded + summary.replaced + summary.alreadyThere, 0);
    assert.equal(env.sandbox.stats().requests, requestsBefore, 'nothing to do means no request at all');
    assert.ok(
      summary.durationMs < firstMs * 0.1,
      `second run ${summary.durationMs.toFixed(0)} ms vs first ${firstMs.toFixed(0)} ms`,
    );
    assert.equal(env.sandbox.dump().ImageCount, Object.keys(files).length - 4);
  });

  test('with the database lost, a new sync finds everything on SmugMug and uploads nothing', async () => {
    env.ctx.store.close();
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm'])
      await rm(join(env.home, f), { force: true });
    env.reopen();
    await env.add(photos);
    const [summary] = await env.syncAll();
    assert.ok(summary);
    assert.equal(summary.error, undefined);
    assert.equal(summary.uploaded, 0);
    assert.equal(summary.galleriesCreated, 0, 'existing folders and galleries are reused by Name');
    assert.equal(summary.alreadyThere, Object.keys(files).length - 4);
    assert.deepEqual(shapeOf(env.sandbox.dump().Root).children, [expected()]);
  });
});
