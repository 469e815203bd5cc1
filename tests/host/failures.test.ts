// Failures as the window shows them: grouped by reason with advice, retried one by one or all at
// once, and ignored (an ignored file is never uploaded, survives walks, and comes back when the
// file changes).
import assert from 'node:assert/strict';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import type { FailureGroupData } from '../../src/protocol/schema.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { type World, waitFor, world } from './world.ts';

let w: World;
afterEach(() => w.close());

const RAW = 'SmugMug takes RAW files only with its Source add-on';
const TOO_LARGE = 'Too large or too long for SmugMug';
const UNREACHABLE = 'SmugMug could not be reached, or had a problem';

test('failures are grouped with advice, retried, retried all, and ignored', async () => {
  // RAW on: the sandbox, like SmugMug without Source, refuses RAW files (a permanent failure).
  w = await world({ settings: { fileTypes: { photos: true, videos: true, raw: true } } });
  const dir = join(w.root, 'Shoot');
  await writeTree(dir, {
    'ok.jpg': photoBytes('ok'),
    'raw/a.CR2': photoBytes('a'),
    'raw/b.NEF': photoBytes('b'),
    'big1.jpg': photoBytes('big1'),
    'big2.jpg': photoBytes('big2'),
  });
  // Sparse: over SmugMug's 500 MB for photos without writing 600 MB.
  for (const name of ['big1.jpg', 'big2.jpg']) await truncate(join(dir, name), 600_000_000);
  const folder = await w.client.request('addFolder', {
    path: dir,
    mode: 'mirror',
    privacy: 'Private',
    target: '',
  });
  const settled = await w.snapshotWhere(
    'one upload and four failures',
    (s) => s.folders[0]?.state === 'failed-items' && s.folders[0].counts.failed === 4,
  );
  assert.equal(settled.folders[0]?.counts.uploaded, 1);
  assert.equal(settled.folders[0]?.stateText, '4 files could not be uploaded');
  assert.equal(settled.failures, 4);
  assert.equal(settled.overview.state, 'attention');
  assert.equal(settled.overview.headline, '4 files could not be backed up');

  const group = (groups: FailureGroupData[], reason: string) => groups.find((g) => g.reason === reason);
  let failures = await w.client.request('listFailures', {});
  assert.equal(failures.total, 4);
  assert.deepEqual(failures.groups.map((g) => [g.reason, g.count]).sort(), [
    [RAW, 2],
    [TOO_LARGE, 2],
  ]);
  const raw = group(failures.groups, RAW);
  assert.match(raw?.advice ?? '', /Add Source to your SmugMug plan and press Retry, or turn RAW files off/);
  assert.deepEqual(raw?.files.map((f) => f.relPath).sort(), ['raw/a.CR2', 'raw/b.NEF']);
  for (const f of raw?.files ?? []) {
    assert.equal(f.kind, 'permanent');
    assert.equal(f.folderPath, folder.path);
    assert.match(
      f.error,
      /^SmugMug refused this file: .*"[ab]\.(CR2|NEF)".*RAW uploads require the Source add-on/,
    );
    assert.equal(f.attempts, 1);
  }
  const big = group(failures.groups, TOO_LARGE);
  assert.match(big?.advice ?? '', /Make a smaller or shorter copy/);
  assert.equal(big?.files[0]?.error, 'too large: 600 MB; SmugMug accepts photos up to 500 MB');

  // A file that fails for a reason that may pass: the upload's connection is reset every time.
  w.sandbox.forceFault('reset', 3);
  await writeFile(join(dir, 'flaky.jpg'), photoBytes('flaky', 50_000));
  const transient = await waitForGroup(w, UNREACHABLE);
  assert.equal(transient.count, 1);
  const flaky = transient.files[0];
  assert.equal(flaky?.relPath, 'flaky.jpg');
  assert.equal(flaky?.kind, 'transient');
  assert.match(flaky?.error ?? '', /will try again on the next sync$/);
  assert.match(transient.advice, /tries again by itself/);

  // Ignored, it is never uploaded, not even by a walk of the folder.
  const accepted = w.sandbox.stats().uploadsAccepted;
  assert.deepEqual(await w.client.request('ignore', { fileIds: [flaky?.fileId as number] }), { ignored: 1 });
  failures = await w.client.request('listFailures', {});
  assert.equal(group(failures.groups, UNREACHABLE), undefined);
  assert.equal(failures.total, 4);
  await walkAndWait(w, folder.id);
  assert.equal(fileState(await listAll(w, folder.id), 'flaky.jpg'), 'ignored');
  assert.equal(w.sandbox.stats().uploadsAccepted, accepted, 'an ignored file is not uploaded');
  assert.equal(w.latest().folders[0]?.counts.ignored, 1);

  // Retried, it is uploaded.
  assert.deepEqual(await w.client.request('retry', { fileIds: [flaky?.fileId as number] }), { retried: 1 });
  await w.snapshotWhere('flaky.jpg to be uploaded', (s) => s.folders[0]?.counts.uploaded === 2);
  assert.equal(w.sandbox.stats().uploadsAccepted, accepted + 1);

  // The large files ignored: they stay ignored through walks until one of them changes.
  const bigIds = big?.files.map((f) => f.fileId) ?? [];
  assert.deepEqual(await w.client.request('ignore', { fileIds: [...bigIds, 99_999] }), { ignored: 2 });
  const afterIgnore = await w.snapshotWhere('two failures left', (s) => s.failures === 2);
  assert.equal(afterIgnore.folders[0]?.counts.ignored, 2);
  await walkAndWait(w, folder.id);
  let files = await listAll(w, folder.id);
  assert.equal(fileState(files, 'big1.jpg'), 'ignored');
  assert.equal(fileState(files, 'big2.jpg'), 'ignored');
  await writeFile(join(dir, 'big1.jpg'), photoBytes('made smaller'));
  await w.snapshotWhere('the changed file to be uploaded', (s) => s.folders[0]?.counts.uploaded === 3);
  files = await listAll(w, folder.id);
  assert.equal(fileState(files, 'big1.jpg'), 'uploaded');
  assert.equal(fileState(files, 'big2.jpg'), 'ignored');

  // Retry all: the RAW files are tried again, and SmugMug refuses them again.
  const refusedBefore = w.sandbox.stats().uploadsFailed;
  assert.deepEqual(await w.client.request('retryAll', {}), { retried: 2 });
  await waitFor('both RAW files to be refused again', () =>
    w.sandbox.stats().uploadsFailed === refusedBefore + 2 ? true : undefined,
  );
  const back = await w.snapshotWhere(
    'the RAW failures back',
    (s) => s.failures === 2 && s.folders[0]?.state === 'failed-items',
  );
  assert.equal(back.folders[0]?.counts.ignored, 1);
  failures = await w.client.request('listFailures', {});
  assert.deepEqual(
    failures.groups.map((g) => [g.reason, g.count]),
    [[RAW, 2]],
  );
  assert.deepEqual(await w.client.request('retry', { fileIds: [] }), { retried: 0 });
  assert.deepEqual(w.logged, []);
});

async function waitForGroup(world: World, reason: string): Promise<FailureGroupData> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    const { groups } = await world.client.request('listFailures', {});
    const found = groups.find((g) => g.reason === reason);
    if (found) return found;
    if (performance.now() > deadline) throw new Error(`timed out waiting for the failure group "${reason}"`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asks for a walk of the folder and waits until it has finished. */
async function walkAndWait(world: World, folderId: number): Promise<void> {
  const asked = Date.now();
  await world.client.request('syncNow', { folderId });
  await world.snapshotWhere('the walk to finish', (s) => {
    const f = s.folders.find((x) => x.id === folderId);
    return (f?.lastSyncAt ?? 0) >= asked && f?.state !== 'scanning' && f?.state !== 'uploading';
  });
}

async function listAll(world: World, folderId: number) {
  return (await world.client.request('listFiles', { folderId, offset: 0, limit: 100 })).files;
}

function fileState(files: { relPath: string; state: string }[], relPath: string): string | undefined {
  return files.find((f) => f.relPath === relPath)?.state;
}
