// A folder with more recorded files than the threshold is watched with one watch per folder (the
// threshold lowered here so three files are "too many"), and the whole engine still works through
// it: a new photo in a folder made while watching, and a renamed folder, reach the sandbox.
import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PER_FOLDER_REASON } from '../../src/library/watch/mode.ts';
import type { FolderRow } from '../../src/store/store.ts';
import { WatchService } from '../../src/sync/watch-service.ts';
import { findNode } from '../helpers/account.ts';
import { md5, photoBytes, type SyncEnv, syncEnv, writeTree } from '../helpers/sync-env.ts';
import { waitFor } from '../helpers/watch-suite.ts';

const SETTINGS = { settleMs: 500, reconcileMs: 3_600_000, pollIntervalMs: 100 };

function gallery(env: SyncEnv, name: string): any {
  return findNode(env.sandbox.dump().Root, (n) => n.Type === 'Album' && n.Name === name);
}

describe('watching a folder with more files than the per-folder threshold', () => {
  let env: SyncEnv;
  let dir: string;
  let folder: FolderRow;
  let service: WatchService | undefined;

  const start = async (perFolderAbove?: number) => {
    service = new WatchService({
      store: env.ctx.store,
      engine: env.engine(),
      settings: SETTINGS,
      perFolderAbove,
    });
    await service.start();
    await waitFor('the start-up walk', () =>
      service?.statuses().every((s) => s.phase === 'watching' && s.settling === 0) ? true : undefined,
    );
    return service.statuses()[0];
  };
  const stop = async () => {
    await service?.stop(5000);
    service = undefined;
  };
  const uploaded = (relPath: string) =>
    env.ctx.store.filesOf(folder.id).find((r) => r.rel_path === relPath && r.state === 'uploaded');

  before(async () => {
    env = await syncEnv();
    dir = join(env.root, 'Photos');
    await writeTree(dir, {
      'Trips/Rome/r1.jpg': photoBytes('r1', 4096),
      'Trips/Paris/p1.jpg': photoBytes('p1', 4096),
      'Trips/Paris/p2.jpg': photoBytes('p2', 4096),
    });
    folder = await env.add(dir);
    // The choice is made from what the store holds, so the folder has been synced once before.
    const [first] = await env.syncAll();
    assert.equal(first?.uploaded, 3);
  });

  after(async () => {
    await stop();
    await env.close();
  });

  test('at or below the threshold it is @parcel/watcher; above it, one watch per folder', async () => {
    assert.equal((await start(3))?.modeReason, 'native file events');
    await stop();
    const status = await start(2);
    assert.equal(status?.mode, 'native');
    assert.equal(status?.modeReason, PER_FOLDER_REASON);
  });

  test('a photo in a folder made while watching is uploaded', async () => {
    const before = env.sandbox.stats();
    const content = photoBytes('v1', 5000);
    await writeTree(dir, { 'Trips/Venice/v1.jpg': content });
    await waitFor('v1.jpg uploaded', () => uploaded('Trips/Venice/v1.jpg'));
    const images = gallery(env, 'Venice').Images;
    assert.deepEqual(
      images.map((i: any) => [i.FileName, i.ArchivedMD5]),
      [['v1.jpg', md5(content)]],
    );
    assert.equal(env.sandbox.stats().uploadsAccepted, before.uploadsAccepted + 1);
  });

  test('a renamed folder keeps being watched under its new name', async () => {
    const before = env.sandbox.stats();
    await rename(join(dir, 'Trips', 'Venice'), join(dir, 'Trips', 'Venezia'));
    await waitFor('v1.jpg under its new folder', () => uploaded('Trips/Venezia/v1.jpg'));
    await writeTree(dir, { 'Trips/Venezia/v2.jpg': photoBytes('v2', 5000) });
    await waitFor('v2.jpg uploaded', () => uploaded('Trips/Venezia/v2.jpg'));
    assert.deepEqual(
      gallery(env, 'Venezia')
        .Images.map((i: any) => i.FileName)
        .sort(),
      ['v1.jpg', 'v2.jpg'],
    );
    assert.equal(env.sandbox.stats().uploadsAccepted, before.uploadsAccepted + 1, 'only v2.jpg was sent');
  });
});
