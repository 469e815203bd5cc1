// The engine's behaviours one at a time, against the sandbox: replace in place, reuse and
// dedupe of existing galleries, overflow when SmugMug says a gallery is full, a gallery deleted
// on SmugMug, pause/resume, a bandwidth limit changed while running, local deletions.
import assert from 'node:assert/strict';
import { rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { SmugMugClient } from '../../src/smugmug/client.ts';
import { findNode } from '../helpers/account.ts';
import { SignedClient } from '../helpers/signed-client.ts';
import { md5, photoBytes, type SyncEnv, syncEnv, writeTree } from '../helpers/sync-env.ts';

let env: SyncEnv;
afterEach(() => env.close());

const clientOf = (e: SyncEnv) =>
  new SmugMugClient({ endpoints: e.account.endpoints, credentials: e.account, retry: { retries: 0 } });

test('a changed file replaces its SmugMug image in place: same ImageKey, Serial + 1', async () => {
  env = await syncEnv();
  const dir = join(env.root, 'Album');
  await writeTree(dir, { 'a.jpg': photoBytes('a'), 'b.jpg': photoBytes('b') });
  await env.add(dir);
  await env.syncAll();
  const before = findNode(env.sandbox.dump().Root, (n) => n.Name === 'Album').Images;
  const a1 = before.find((i: any) => i.FileName === 'a.jpg');

  const edited = photoBytes('a, edited', 999);
  await writeFile(join(dir, 'a.jpg'), edited);
  const [summary] = await env.syncAll();
  assert.equal(summary?.replaced, 1);
  assert.equal(summary?.uploaded, 0);
  assert.equal(summary?.hashed, 1, 'only the changed file is read');
  const images = findNode(env.sandbox.dump().Root, (n) => n.Name === 'Album').Images;
  assert.equal(images.length, 2);
  const a2 = images.find((i: any) => i.FileName === 'a.jpg');
  assert.equal(a2.ImageKey, a1.ImageKey);
  assert.equal(a2.Serial, a1.Serial + 1);
  assert.equal(a2.ArchivedMD5, md5(edited));
});

test('an existing gallery with the same Name is reused, and files already in it are not uploaded again', async () => {
  env = await syncEnv();
  const client = clientOf(env);
  const root = (await client.authUser()).rootNodeUri;
  const folder = await client.createNode(root, {
    type: 'Folder',
    name: 'Trips',
    urlName: 'Trips',
    privacy: 'Private',
  });
  const gallery = await client.createNode(folder.uri, {
    type: 'Album',
    name: 'Rome',
    urlName: 'Rome',
    privacy: 'Private',
  });
  const dir = join(env.root, 'Trips');
  const one = photoBytes('one');
  const bytes = {
    'Rome/one.jpg': one,
    'Rome/two.jpg': photoBytes('two'),
    'Rome/three.jpg': photoBytes('three'),
  };
  await writeTree(dir, bytes);
  // Uploaded earlier by another machine, under another name: the MD5 says it is the same photo.
  const other = join(env.root, 'elsewhere.jpg');
  await writeFile(other, one);
  await client.upload({
    albumUri: gallery.albumUri as string,
    filePath: other,
    size: one.length,
    md5: md5(one),
    fileName: 'one (copy).jpg',
    mimeType: 'image/jpeg',
  });
  await env.add(dir);
  const [summary] = await env.syncAll();
  assert.equal(summary?.galleriesCreated, 0);
  assert.equal(summary?.alreadyThere, 1);
  assert.equal(summary?.uploaded, 2);
  const trips: any[] = (env.sandbox.dump().Root.Children ?? []).filter((n) => n.Name === 'Trips');
  assert.equal(trips.length, 1, 'no second "Trips" folder');
  assert.equal(trips[0].Children.length, 1, 'no second "Rome" gallery');
  assert.deepEqual(trips[0].Children[0].Images.map((i: any) => i.FileName).sort(), [
    'one (copy).jpg',
    'three.jpg',
    'two.jpg',
  ]);
});

test('when SmugMug says a gallery is full, the rest go to "Name (2)"', async () => {
  env = await syncEnv({ limits: { albumImages: 3 } });
  const dir = join(env.root, 'Full');
  const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`p${i}.jpg`, photoBytes(`p${i}`)]));
  await writeTree(dir, files);
  await env.add(dir);
  const [summary] = await env.syncAll({ parallelUploads: 1 });
  assert.equal(summary?.uploaded, 5);
  assert.equal(summary?.failed, 0);
  const root = env.sandbox.dump().Root;
  assert.equal(findNode(root, (n) => n.Name === 'Full').Images.length, 3);
  assert.equal(findNode(root, (n) => n.Name === 'Full (2)').Images.length, 2);
});

test('a gallery deleted on SmugMug is made again for new files', async () => {
  env = await syncEnv();
  const dir = join(env.root, 'Gone');
  await writeTree(dir, { 'a.jpg': photoBytes('a') });
  await env.add(dir);
  await env.syncAll();
  const node = findNode(env.sandbox.dump().Root, (n) => n.Name === 'Gone');
  // The person deletes the gallery on SmugMug (Safelight itself never deletes anything there).
  const res = await new SignedClient(env.sandbox.info).request(`/api/v2/node/${node.NodeID}`, {
    method: 'DELETE',
  });
  assert.equal(res.status, 200, res.text);
  await writeTree(dir, { 'b.jpg': photoBytes('b') });
  const [summary] = await env.syncAll();
  assert.equal(summary?.failed, 0);
  assert.equal(summary?.uploaded, 1);
  const again = findNode(env.sandbox.dump().Root, (n) => n.Name === 'Gone');
  assert.notEqual(again.NodeID, node.NodeID);
  assert.deepEqual(
    again.Images.map((i: any) => i.FileName),
    ['b.jpg'],
  );
});

test('pause holds new uploads until resume', async () => {
  env = await syncEnv();
  const dir = join(env.root, 'Paused');
  await writeTree(dir, { 'a.jpg': photoBytes('a'), 'b.jpg': photoBytes('b') });
  await env.add(dir);
  const engine = env.engine();
  engine.pause();
  const done = engine.syncFolders(env.ctx.store.folders());
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(env.sandbox.dump().ImageCount, 0, 'nothing uploads while paused');
  assert.equal(engine.paused, true);
  engine.resume();
  const [summary] = await done;
  assert.equal(summary?.uploaded, 2);
});

test('the bandwidth limit holds and can be changed while uploads run', async () => {
  env = await syncEnv();
  const dir = join(env.root, 'Slow');
  await writeTree(dir, { 'big.jpg': photoBytes('big', 3_000_000) });
  await env.add(dir);
  const engine = env.engine({ bandwidthLimit: 500_000 });
  const started = performance.now();
  const done = engine.syncFolders(env.ctx.store.folders());
  await new Promise((r) => setTimeout(r, 1000));
  const sent = engine.progress.snapshot().bytesDone;
  assert.ok(sent > 300_000 && sent < 700_000, `about 500 KB in the first second, got ${sent}`);
  engine.setBandwidthLimit(0);
  const [summary] = await done;
  const seconds = (performance.now() - started) / 1000;
  assert.equal(summary?.uploaded, 1);
  assert.ok(seconds < 3, `lifting the limit finished the upload early (${seconds.toFixed(1)} s, not 6 s)`);
});

test('a file deleted locally stays on SmugMug and is recorded as deleted locally', async () => {
  env = await syncEnv();
  const dir = join(env.root, 'Keep');
  await writeTree(dir, { 'a.jpg': photoBytes('a'), 'b.jpg': photoBytes('b') });
  await env.add(dir);
  await env.syncAll();
  await unlink(join(dir, 'a.jpg'));
  const [summary] = await env.syncAll();
  assert.equal(summary?.scan?.deleted, 1);
  assert.equal(env.sandbox.dump().ImageCount, 2, 'nothing is deleted on SmugMug');
  const folder = env.ctx.store.folders()[0];
  assert.ok(folder);
  const [row] = env.ctx.store.filesIn(folder.id, ['deleted']);
  assert.equal(row?.rel_path, 'a.jpg');
  assert.equal(row?.last_error, 'deleted locally; kept on SmugMug');
});

test('an unplugged drive is reported, and its files are not marked deleted', async () => {
  env = await syncEnv();
  const dir = join(env.root, 'Drive');
  await writeTree(dir, { 'a.jpg': photoBytes('a') });
  await env.add(dir);
  await env.syncAll();
  await rm(dir, { recursive: true });
  const [summary] = await env.syncAll();
  assert.match(summary?.error ?? '', /folder not found \(is its drive connected\?\)/);
  const folder = env.ctx.store.folders()[0];
  assert.ok(folder);
  assert.equal(env.ctx.store.counts(folder.id).uploaded, 1);
});

test('one failing folder never stops the others', async () => {
  env = await syncEnv();
  const good = join(env.root, 'Good');
  const bad = join(env.root, 'Bad');
  await writeTree(good, { 'a.jpg': photoBytes('a') });
  await writeTree(bad, { 'b.jpg': photoBytes('b') });
  await env.add(good);
  await env.add(bad);
  await rm(bad, { recursive: true });
  const summaries = await env.syncAll();
  assert.equal(summaries.find((s) => s.path.endsWith('Good'))?.uploaded, 1);
  assert.match(summaries.find((s) => s.path.endsWith('Bad'))?.error ?? '', /folder not found/);
});

test('a gallery whose folder gains a subfolder keeps its photos; the subfolder becomes a gallery beside it', async () => {
  env = await syncEnv();
  const dir = join(env.root, 'Photos');
  await writeTree(dir, { 'Trips/a.jpg': photoBytes('a'), 'Kids/k.jpg': photoBytes('k') });
  await env.add(dir);
  await env.syncAll();
  await writeTree(dir, { 'Trips/Rome/r.jpg': photoBytes('r'), 'Trips/b.jpg': photoBytes('b') });
  const [summary] = await env.syncAll();
  assert.equal(summary?.failed, 0);
  assert.equal(summary?.uploaded, 2);
  const photos = findNode(env.sandbox.dump().Root, (n) => n.Name === 'Photos');
  assert.deepEqual(
    photos.Children.map((c: any) => [c.Type, c.Name, c.Images.map((i: any) => i.FileName).sort()]).sort(
      (a: string[], b: string[]) => ((a[1] as string) < (b[1] as string) ? -1 : 1),
    ),
    [
      ['Album', 'Kids', ['k.jpg']],
      ['Album', 'Trips', ['a.jpg', 'b.jpg']],
      ['Album', 'Trips - Rome', ['r.jpg']],
    ],
  );
});
