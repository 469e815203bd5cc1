// Bad input in one folder: each bad file gets its own clear reason in `safelight status`, and
// every other file still uploads. Runs the real CLI, unprivileged so that an unreadable file is
// really unreadable.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, chmod, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { saveSettings } from '../../src/config/settings.ts';
import {
  imageCounts,
  photoBytes,
  type SyncEnv,
  syncEnv,
  TEST_RETRY,
  writeTree,
} from '../helpers/sync-env.ts';
import { unprivileged } from '../helpers/unprivileged.ts';

const BIN = fileURLToPath(new URL('../../bin/safelight.js', import.meta.url));

function cli(env: SyncEnv, args: string[]) {
  const child = spawn(...unprivileged(process.execPath, [BIN, ...args]), {
    env: env.env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out, err })),
  );
  return { child, done };
}

let env: SyncEnv;
let dir: string;
const good = ['ok 1.jpg', 'ok 2.jpg', 'ok 3.png', 'ok 4.gif', 'sub/a.jpg'];

before(async () => {
  env = await syncEnv();
  dir = join(env.root, 'Mixed');
  await writeTree(dir, {
    ...Object.fromEntries(good.map((g) => [g, photoBytes(g, 4096)])),
    'locked.jpg': photoBytes('locked'),
    'empty.jpg': new Uint8Array(0),
    'vanishing.jpg': photoBytes('vanishing', 6 * 1024 * 1024),
    'growing.jpg': photoBytes('growing', 1024 * 1024),
  });
  await chmod(join(dir, 'locked.jpg'), 0o000);
  await symlink('..', join(dir, 'sub', 'back'));
  // 3.3 GB of holes: a video over SmugMug's 3 GB limit that costs no disk.
  await writeFile(join(dir, 'huge.mov'), '');
  await truncate(join(dir, 'huge.mov'), 3_300_000_000);
  await env.add(dir);
  saveSettings(env.ctx.paths.settings, { ...env.settings, retry: TEST_RETRY });
  env.ctx.store.close();
});

after(() => env.close());

test('each bad file has its own reason in status; every other file uploads', async () => {
  const sync = cli(env, ['sync', '--once', '--limit', '1MB']);

  // The growing file keeps growing for as long as the sync runs.
  let syncing = true;
  const grower = (async () => {
    for (let i = 0; syncing && i < 600; i++) {
      await appendFile(join(dir, 'growing.jpg'), photoBytes(`more ${i}`, 32 * 1024));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  // Delete the big file once its upload is well under way.
  const db = () => new DatabaseSync(join(env.home, 'state.db'), { readOnly: true });
  let deleted = false;
  for (let i = 0; i < 300 && !deleted; i++) {
    await new Promise((r) => setTimeout(r, 50));
    let state: string | undefined;
    try {
      const d = db();
      state = (
        d.prepare("SELECT state FROM files WHERE rel_path = 'vanishing.jpg'").get() as { state: string }
      )?.state;
      d.close();
    } catch {
      continue;
    }
    if (state === 'uploading') {
      await new Promise((r) => setTimeout(r, 1500));
      await unlink(join(dir, 'vanishing.jpg'));
      deleted = true;
    }
  }
  assert.ok(deleted, 'the big file started uploading');
  const result = await sync.done;
  syncing = false;
  await grower;
  assert.equal(result.code, 1, `sync reports that some files failed\n${result.out}${result.err}`);
  assert.doesNotMatch(result.err, /TypeError|at .*\.ts:\d+/, 'no stack traces for bad input');

  const st = cli(env, ['status', '--json']);
  const { code, out } = await st.done;
  assert.equal(code, 0);
  const folder = JSON.parse(out).folders[0];
  const reason = (list: { file: string; reason: string }[], file: string) =>
    list.find((f) => f.file === file)?.reason ?? `(no entry for ${file})`;
  assert.match(reason(folder.failed, 'locked.jpg'), /^cannot read file: permission denied$/);
  // A photo with no bytes is what iCloud leaves where it has not downloaded one yet.
  assert.match(reason(folder.skipped, 'empty.jpg'), /^not on this computer yet \(iCloud\)$/);
  assert.match(reason(folder.failed, 'sub/back'), /symbolic link loop/);
  assert.match(reason(folder.failed, 'huge.mov'), /^too large: 3\.3 GB; SmugMug accepts videos up to 3/);
  assert.match(reason(folder.failed, 'growing.jpg'), /kept changing while uploading/);
  assert.match(
    reason(folder.deleted, 'vanishing.jpg'),
    /deleted locally while uploading; the copy on SmugMug is kept/,
  );
  assert.equal(folder.counts.uploaded, good.length);

  const counts = imageCounts(env.sandbox.dump());
  const names = [...counts.keys()].map((k) => k.split(' ').slice(0, -1).join(' '));
  for (const g of good) assert.ok(names.includes(g.split('/').pop() as string), `${g} is on SmugMug`);
  assert.ok(!names.includes('huge.mov'), 'the oversized video was never sent');
  assert.ok(!names.includes('empty.jpg') && !names.includes('locked.jpg'));
  for (const [, n] of counts) assert.equal(n, 1);

  const text = await cli(env, ['status']).done;
  assert.match(text.out, /locked\.jpg: cannot read file: permission denied/);
  assert.match(text.out, /vanishing\.jpg: deleted locally while uploading/);
});
