// The engine in its own process, as main runs it: started by the supervisor, given main's control
// connection and a port per window, started again after a crash (waiting longer each time), with
// its state intact and windows reconnecting; and windows may connect only folders main allowed.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { GrantedFolders } from '../../engine-process/folder-guard.ts';
import { restartDelay } from '../../main/engine-supervisor.ts';
import { allowFolder, checkFolder } from '../../main/folder-access.ts';
import type { ProtocolError } from '../../src/protocol/messages.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { type DesktopWorld, desktopWorld, waitFor } from './world.ts';

let w: DesktopWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

// Folders are polled: a native watcher's threads do not survive a worker thread being killed,
// which is how these tests crash the engine (a real utility process dies whole).
const choice = (path: string) =>
  ({ path, mode: 'mirror', privacy: 'Private', target: '', watch: 'polling' }) as const;

async function refusal(promise: Promise<unknown>): Promise<ProtocolError> {
  return promise.then(
    () => assert.fail('the request should have been refused'),
    (e: unknown) => e as ProtocolError,
  );
}

test('restarts wait longer each time in a row, up to a ceiling', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 20].map((n) => restartDelay(n)),
    [1000, 2000, 5000, 10_000, 30_000, 60_000, 60_000, 60_000],
  );
  assert.equal(restartDelay(3, [10, 20]), 20);
});

test('a crashed engine is started again with backoff; its state survives and windows reconnect', async () => {
  w = await desktopWorld({ restartDelaysMs: [150, 700] });
  const world = w;
  await world.snapshotWhere('the first snapshot, signed in', (s) => s.account.state === 'signed-in');
  assert.equal(world.started.length, 1);

  const photos = join(world.root, 'Photos');
  await writeTree(photos, { 'a.jpg': photoBytes('a'), 'b.jpg': photoBytes('b') });
  const allowed = await allowFolder(
    photos,
    (p) => world.supervisor.grant(p),
    () => {},
  );
  assert.equal(allowed, await realpath(photos));
  const first = await world.window();
  await first.request('addFolder', choice(allowed));
  await first.request('setSettings', { pauseOnBattery: true, bandwidthLimit: 2_000_000 });
  await world.snapshotWhere('the folder backed up', (s) => s.overview.state === 'up-to-date');

  const crashedAt = performance.now();
  world.started[0]?.kill();
  await waitFor('the restart to be scheduled', () =>
    world.supervisor.status.kind === 'restarting' ? true : undefined,
  );
  assert.equal(world.control.snapshot, null, 'main forgets the dead engine’s state');
  const status = world.supervisor.status;
  assert.ok(status.kind === 'restarting' && /exit code/.test(status.reason));
  // The window's port died with the engine: its requests fail instead of hanging.
  const lost = await refusal(first.request('snapshot', {}));
  assert.equal(lost.code, 'disconnected');

  await waitFor('a second engine', () => (world.started.length === 2 ? true : undefined));
  assert.ok(performance.now() - crashedAt >= 140, 'the first restart waits its delay');
  const again = await world.snapshotWhere('the restarted engine’s snapshot', (s) => s.folders.length === 1);
  assert.equal(again.folders[0]?.path, allowed);
  assert.equal(again.folders[0]?.counts.uploaded, 2, 'what was uploaded is remembered');

  const second = await world.window();
  const settings = await second.request('getSettings', {});
  assert.equal(settings.pauseOnBattery, true);
  assert.equal(settings.bandwidthLimit, 2_000_000);
  assert.equal(world.sandbox.dump().ImageCount, 2, 'nothing was uploaded twice');

  // A second crash soon after waits the next, longer delay.
  const secondCrash = performance.now();
  world.started[1]?.kill();
  await waitFor('a third engine', () => (world.started.length === 3 ? true : undefined));
  assert.ok(performance.now() - secondCrash >= 680, 'the second restart in a row waits longer');
  await world.snapshotWhere('the third engine’s snapshot', (s) => s.folders.length === 1);
  assert.ok(world.logged.some((l) => /exited with code 1; starting it again in 700 ms/.test(l)));
});

test('quitting asks the engine to stop, and it is not started again', async () => {
  w = await desktopWorld({ signedIn: false });
  const world = w;
  await world.snapshotWhere('the first snapshot', () => true);
  await world.supervisor.stop(2000);
  assert.equal(world.started[0]?.exitCode, 0, 'the engine exited on its own, cleanly');
  assert.equal(world.supervisor.status.kind, 'stopped');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(world.started.length, 1);
  await assert.rejects(world.supervisor.connectUi(), /quitting/);
});

test('a window may preview and connect only folders the person picked or dropped', async () => {
  w = await desktopWorld({ signedIn: false });
  const world = w;
  await world.snapshotWhere('the first snapshot', () => true);
  const chosen = join(world.root, 'Chosen');
  const other = join(world.root, 'Other');
  await writeTree(chosen, { 'x.jpg': photoBytes('x') });
  await writeTree(other, { 'y.jpg': photoBytes('y') });
  const win = await world.window();

  const granted = await allowFolder(
    chosen,
    (p) => world.supervisor.grant(p),
    () => {},
  );
  assert.ok(granted);
  const preview = await win.request('previewFolder', choice(granted));
  assert.equal(preview.problem, null);
  assert.equal(preview.files, 1);

  for (const path of [other, join(granted, '..'), `${granted}/`, '/etc']) {
    const refused = await refusal(win.request('previewFolder', choice(path)));
    assert.equal(refused.code, 'failed');
    assert.match(refused.message, /Choose the folder with Add folder, or drop it on the window/);
  }
  const refusedAdd = await refusal(win.request('addFolder', choice(other)));
  assert.match(refusedAdd.message, /Choose the folder/);
  const snapshot = await win.request('snapshot', {});
  assert.equal(snapshot.folders.length, 0, 'nothing was connected');

  world.started[0]?.kill();
  await waitFor('the engine restarted', () =>
    world.supervisor.status.kind === 'up' && world.started.length === 2 ? true : undefined,
  );
  const after = await world.window();
  const stillGranted = await after.request('previewFolder', choice(granted));
  assert.equal(stillGranted.problem, null, 'a grant is told again to a restarted engine');
  await after.request('addFolder', choice(granted));
  assert.equal((await after.request('snapshot', {})).folders.length, 1);
});

test('main allows only existing folders, by their real path', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'safelight-folders-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'Real');
  await mkdir(dir);
  await writeFile(join(root, 'file.jpg'), photoBytes('f'));
  await symlink(dir, join(root, 'Link'));
  const real = await realpath(dir);

  assert.deepEqual(await checkFolder(join(root, 'Link')), { ok: true, path: real });
  assert.deepEqual(await checkFolder(join(root, 'missing')), {
    ok: false,
    problem: `${join(root, 'missing')} does not exist`,
  });
  assert.deepEqual(await checkFolder(join(root, 'file.jpg')), {
    ok: false,
    problem: `${join(root, 'file.jpg')} is not a folder`,
  });
  for (const bad of ['relative/path', '', `${dir}\0x`]) {
    assert.equal((await checkFolder(bad)).ok, false, JSON.stringify(bad));
  }

  const grants: string[] = [];
  const logged: string[] = [];
  const grant = async (p: string) => {
    grants.push(p);
  };
  assert.equal(await allowFolder(join(root, 'file.jpg'), grant, (m) => logged.push(m)), null);
  assert.equal(await allowFolder(join(root, 'Link'), grant, (m) => logged.push(m)), real);
  assert.deepEqual(grants, [real]);
  assert.match(logged[0] ?? '', /refused folder: .* is not a folder/);
});

test('a grant lasts a while, then lapses', () => {
  let now = 1000;
  const granted = new GrantedFolders(60_000, () => now);
  granted.grant('/photos');
  assert.equal(granted.has('/photos'), true);
  assert.equal(granted.has('/photos/sub'), false);
  now += 59_999;
  assert.equal(granted.has('/photos'), true);
  now += 1;
  assert.equal(granted.has('/photos'), false);
});
