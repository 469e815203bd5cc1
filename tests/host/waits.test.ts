// Folders that wait say why and until when: SmugMug asking to slow down, SmugMug out of reach, and
// a folder whose drive went away (which is walked again when asked, once it is back).
import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { type World, world } from './world.ts';

let w: World;
afterEach(() => w.close());

const TIME = /\d\d:\d\d:\d\d$/;

async function connect(world: World, name: string, files: string[]) {
  const dir = join(world.root, name);
  await writeTree(dir, Object.fromEntries(files.map((f) => [f, photoBytes(f)])));
  const folder = await world.client.request('addFolder', {
    path: dir,
    mode: 'mirror',
    privacy: 'Private',
    target: '',
  });
  return { dir, folder };
}

test('a folder SmugMug asks to slow down says until when, then carries on', async () => {
  w = await world();
  // Forced 429s carry the Retry-After of the burst setting; the burst itself never comes.
  w.sandbox.setFaults({ burst429: { every: 1_000_000, length: 1, retryAfter: 2 } });
  w.sandbox.forceFault('429', 1);
  const asked = Date.now();
  await connect(w, 'Slow', ['a.jpg']);
  const limited = await w.snapshotWhere('the rate limit', (s) => s.folders[0]?.state === 'rate-limited');
  const folder = limited.folders[0];
  assert.match(folder?.stateText ?? '', /^SmugMug asked to slow down; trying again at /);
  assert.match(folder?.stateText ?? '', TIME);
  const retryAt = folder?.retryAt ?? 0;
  assert.ok(retryAt >= asked + 2000 && retryAt <= Date.now() + 2000, 'two seconds after the refusal');
  assert.equal(limited.overview.headline, 'Waiting for SmugMug');
  await w.snapshotWhere('the upload after the wait', (s) => s.folders[0]?.state === 'up-to-date');
  assert.equal(w.sandbox.dump().ImageCount, 1);
});

test('a folder whose sync could not reach SmugMug says when it is tried again', async () => {
  w = await world({
    account: {
      endpoints: {
        apiBaseUrl: 'http://127.0.0.1:9/api/v2',
        uploadUrl: 'http://127.0.0.1:9/',
        oauthBaseUrl: 'http://127.0.0.1:9/oauth',
      },
    },
  });
  const asked = Date.now();
  await connect(w, 'Unreachable', ['a.jpg']);
  const offline = await w.snapshotWhere('the folder to wait', (s) => s.folders[0]?.state === 'offline');
  const folder = offline.folders[0];
  assert.match(folder?.stateText ?? '', /^Not finished: .+; trying again at \d\d:\d\d/);
  assert.ok((folder?.retryAt ?? 0) >= asked + 60_000, 'a minute later');
  assert.ok(folder?.problem);
  assert.equal(offline.overview.state, 'attention');
  assert.equal(offline.overview.headline, 'Unreachable is offline');
});

test('a folder whose drive went away is offline; asked to look again once it is back, it carries on', async () => {
  w = await world();
  const { dir, folder } = await connect(w, 'Card', ['a.jpg']);
  await w.snapshotWhere('the first upload', (s) => s.folders[0]?.state === 'up-to-date');
  const away = join(w.root, 'Card-away');
  await rename(dir, away);
  await w.client.request('syncNow', { folderId: folder.id });
  const offline = await w.snapshotWhere('the folder to be offline', (s) => s.folders[0]?.state === 'offline');
  assert.match(
    offline.folders[0]?.stateText ?? '',
    /^Offline: .*folder not found \(is its drive connected\?\); trying again at /,
  );
  assert.equal(offline.folders[0]?.watch.mode, null);

  await rename(away, dir);
  await writeTree(dir, { 'b.jpg': photoBytes('b') });
  await w.client.request('syncNow', { folderId: folder.id });
  const back = await w.snapshotWhere(
    'the folder to be back',
    (s) => s.folders[0]?.state === 'up-to-date' && s.folders[0].counts.uploaded === 2,
  );
  assert.equal(back.folders[0]?.watch.mode, 'native', 'watched again');
  await writeTree(dir, { 'c.jpg': photoBytes('c') });
  await w.snapshotWhere('a new file seen by the watcher', (s) => s.folders[0]?.counts.uploaded === 3);
});
