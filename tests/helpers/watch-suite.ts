// What watching must do, run once with native events and once with the polling backend that
// network shares get: a file copied in slowly uploads once, when complete; an edit replaces the
// image in place; a moved file and a renamed folder are moved and renamed on SmugMug, never
// uploaded again; a deleted file stays on SmugMug; and what happened while Safelight was
// stopped is found when it starts.
import assert from 'node:assert/strict';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WatchSetting } from '../../src/library/watch/mode.ts';
import type { FolderRow } from '../../src/store/store.ts';
import { type FolderWatchStatus, WatchService } from '../../src/sync/watch-service.ts';
import { findNode } from './account.ts';
import { md5, photoBytes, type SyncEnv, syncEnv, writeTree } from './sync-env.ts';

const SETTLE_MS = 1000;

/** Polls `check` until it returns a value other than undefined, for at most `ms`. */
export async function waitFor<T>(what: string, check: () => T | undefined, ms = 20_000): Promise<T> {
  const deadline = performance.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function gallery(env: SyncEnv, name: string): any {
  return findNode(env.sandbox.dump().Root, (n) => n.Type === 'Album' && n.Name === name);
}

function imagesIn(env: SyncEnv, name: string): string[] {
  return (gallery(env, name)?.Images ?? []).map((i: any) => i.FileName).sort();
}

export function watchSuite(setting: WatchSetting): void {
  describe(`watching with ${setting} events`, () => {
    let env: SyncEnv;
    let dir: string;
    let folder: FolderRow;
    let service: WatchService | undefined;
    const statuses: FolderWatchStatus[] = [];

    const start = async () => {
      const engine = env.engine();
      service = new WatchService({
        store: env.ctx.store,
        engine,
        settings: { settleMs: SETTLE_MS, reconcileMs: 3_600_000, pollIntervalMs: 100 },
      });
      service.on('status', (s) => statuses.push(s));
      await service.start();
      return engine;
    };
    const stop = async () => {
      await service?.stop(5000);
      service = undefined;
    };
    const row = (relPath: string) => env.ctx.store.filesOf(folder.id).find((r) => r.rel_path === relPath);
    const uploaded = (relPath: string) => (row(relPath)?.state === 'uploaded' ? row(relPath) : undefined);
    const idle = () =>
      service?.statuses().every((s) => s.phase === 'watching' && s.settling === 0) ? true : undefined;

    before(async () => {
      env = await syncEnv();
      dir = join(env.root, 'Photos');
      await writeTree(dir, {
        'Trips/Rome/r1.jpg': photoBytes('r1', 4096),
        'Trips/Rome/r2.jpg': photoBytes('r2', 4096),
        'Trips/Paris/p1.jpg': photoBytes('p1', 4096),
      });
      folder = await env.add(dir, { watch: setting });
      await start();
      await waitFor('the first walk to upload 3 files', () =>
        env.sandbox.stats().uploadsAccepted === 3 && idle() ? true : undefined,
      );
    });

    after(async () => {
      await stop();
      await env.close();
    });

    test('the folder says how it is watched', () => {
      const s = service?.statuses()[0];
      assert.equal(s?.mode, setting);
      assert.match(
        s?.modeReason ?? '',
        setting === 'polling' ? /polling every .*set for this folder/ : /native/,
      );
    });

    test('a 300 MB file copied in over 10 s uploads once, after it is complete', async () => {
      const before = env.sandbox.stats();
      const content = photoBytes('big', 300 * 1024 * 1024);
      const handle = await open(join(dir, 'Trips', 'Paris', 'big.jpg'), 'w');
      const chunks = 40;
      const size = content.length / chunks;
      try {
        for (let i = 0; i < chunks; i++) {
          await handle.write(content, i * size, size, i * size);
          await handle.sync();
          await new Promise((r) => setTimeout(r, 250));
          assert.equal(
            env.sandbox.stats().uploadsAccepted,
            before.uploadsAccepted,
            `nothing sent at chunk ${i}`,
          );
        }
      } finally {
        await handle.close();
      }
      await waitFor('big.jpg uploaded', () => uploaded('Trips/Paris/big.jpg'), 30_000);
      const after = env.sandbox.stats();
      assert.equal(after.uploadsAccepted, before.uploadsAccepted + 1);
      assert.equal(after.uploadsReplaced, before.uploadsReplaced);
      const image = gallery(env, 'Paris').Images.find((i: any) => i.FileName === 'big.jpg');
      assert.equal(image.ArchivedMD5, md5(content));
      assert.equal(image.ArchivedSize, content.length);
    });

    test('an edited file replaces its image in place: same ImageKey, Serial + 1', async () => {
      const old = gallery(env, 'Rome').Images.find((i: any) => i.FileName === 'r2.jpg');
      const content = photoBytes('r2 edited', 5000);
      await writeFile(join(dir, 'Trips', 'Rome', 'r2.jpg'), content);
      await waitFor('r2.jpg replaced', () =>
        uploaded('Trips/Rome/r2.jpg')?.uploaded_md5 === md5(content) ? true : undefined,
      );
      const images = gallery(env, 'Rome').Images.filter((i: any) => i.FileName === 'r2.jpg');
      assert.equal(images.length, 1);
      assert.equal(images[0].ImageKey, old.ImageKey);
      assert.equal(images[0].Serial, old.Serial + 1);
      assert.equal(images[0].ArchivedMD5, md5(content));
    });

    test('a file moved to another folder is moved on SmugMug, not uploaded again', async () => {
      const before = env.sandbox.stats();
      const key = gallery(env, 'Rome').Images.find((i: any) => i.FileName === 'r1.jpg').ImageKey;
      await rename(join(dir, 'Trips', 'Rome', 'r1.jpg'), join(dir, 'Trips', 'Paris', 'r1.jpg'));
      await waitFor('r1.jpg moved', () => uploaded('Trips/Paris/r1.jpg'));
      assert.equal(row('Trips/Rome/r1.jpg'), undefined, 'the old record followed the file');
      assert.deepEqual(imagesIn(env, 'Rome'), ['r2.jpg']);
      assert.deepEqual(imagesIn(env, 'Paris'), ['big.jpg', 'p1.jpg', 'r1.jpg']);
      assert.equal(gallery(env, 'Paris').Images.find((i: any) => i.FileName === 'r1.jpg').ImageKey, key);
      assert.equal(env.sandbox.stats().uploadsAccepted, before.uploadsAccepted);
    });

    test('a renamed folder renames its gallery; its files are not uploaded again', async () => {
      const before = env.sandbox.stats();
      const rome = gallery(env, 'Rome');
      await rename(join(dir, 'Trips', 'Rome'), join(dir, 'Trips', 'Roma'));
      await waitFor('r2.jpg under its new folder', () => uploaded('Trips/Roma/r2.jpg'));
      await waitFor('idle', idle);
      assert.equal(gallery(env, 'Rome'), null, 'no gallery keeps the old name');
      const roma = gallery(env, 'Roma');
      assert.equal(roma.Uri, rome.Uri, 'the same gallery, renamed');
      assert.equal(roma.UrlName, rome.UrlName, 'its address stays, so links keep working');
      assert.deepEqual(imagesIn(env, 'Roma'), ['r2.jpg']);
      assert.equal(env.sandbox.stats().uploadsAccepted, before.uploadsAccepted);
    });

    test('a deleted file stays on SmugMug and is recorded as deleted locally', async () => {
      await rm(join(dir, 'Trips', 'Paris', 'p1.jpg'));
      await waitFor('p1.jpg recorded as deleted', () =>
        row('Trips/Paris/p1.jpg')?.state === 'deleted' ? true : undefined,
      );
      assert.match(row('Trips/Paris/p1.jpg')?.last_error ?? '', /deleted locally; kept on SmugMug/);
      assert.ok(imagesIn(env, 'Paris').includes('p1.jpg'));
    });

    test('what happens while Safelight is stopped is found when it starts', async () => {
      await stop();
      const before = env.sandbox.stats();
      await writeTree(dir, { 'Trips/Roma/new.jpg': photoBytes('new while stopped', 3000) });
      const edited = photoBytes('r2 edited while stopped', 6000);
      await writeFile(join(dir, 'Trips', 'Roma', 'r2.jpg'), edited);
      await rename(join(dir, 'Trips', 'Paris', 'r1.jpg'), join(dir, 'Trips', 'Roma', 'r1.jpg'));
      await start();
      await waitFor('everything caught up', () =>
        uploaded('Trips/Roma/new.jpg') &&
        uploaded('Trips/Roma/r1.jpg') &&
        uploaded('Trips/Roma/r2.jpg')?.uploaded_md5 === md5(edited)
          ? true
          : undefined,
      );
      const after = env.sandbox.stats();
      assert.equal(after.uploadsAccepted, before.uploadsAccepted + 1, 'only the new file was uploaded');
      assert.equal(after.uploadsReplaced, before.uploadsReplaced + 1, 'the edit replaced its image');
      assert.deepEqual(imagesIn(env, 'Roma'), ['new.jpg', 'r1.jpg', 'r2.jpg']);
      assert.deepEqual(imagesIn(env, 'Paris'), ['big.jpg', 'p1.jpg']);
    });
  });
}
