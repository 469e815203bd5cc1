// The SmugMug account from the window: signing in with the six-digit code, a wrong code, no API
// key, an account SmugMug stops accepting, and signing out (which changes nothing on SmugMug).
import assert from 'node:assert/strict';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import type { ProtocolError } from '../../src/protocol/messages.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { authorizeInBrowser, type World, world } from './world.ts';

let w: World;
afterEach(() => w.close());

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => assert.fail('the request should have been refused'),
    (e: unknown) => e as ProtocolError,
  );

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function connect(world: World, name: string, files: string[]) {
  const dir = join(world.root, name);
  await writeTree(dir, Object.fromEntries(files.map((f) => [f, photoBytes(f)])));
  return world.client.request('addFolder', { path: dir, mode: 'mirror', privacy: 'Private', target: '' });
}

test('signing in with the code SmugMug shows starts backing up; signing out stops it', async () => {
  w = await world({ signedIn: false, login: true });
  assert.equal(w.latest().account.state, 'signed-out');
  await connect(w, 'Waiting', ['a.jpg', 'b.jpg']);
  const waiting = await w.snapshotWhere('the folder', (s) => s.folders.length === 1);
  assert.equal(waiting.overview.headline, 'Not signed in to SmugMug');
  assert.equal(waiting.overview.detail, '1 folder waiting to be backed up');

  const wrongFirst = await refusal(w.client.request('loginFinish', { code: '123456' }));
  assert.equal(wrongFirst.message, 'start signing in first: no sign-in is waiting for a code');

  const { authorizeUrl } = await w.client.request('loginStart', {});
  assert.ok(authorizeUrl.startsWith(`${w.sandbox.oauthBaseUrl}/authorize?`));
  await authorizeInBrowser(w.sandbox, authorizeUrl);
  const wrong = await refusal(w.client.request('loginFinish', { code: '000000' }));
  assert.equal(wrong.code, 'failed');
  assert.match(wrong.message, /six-digit code was wrong or has expired/);
  assert.equal(await exists(w.paths.account), false);

  const again = await w.client.request('loginStart', {});
  const code = await authorizeInBrowser(w.sandbox, again.authorizeUrl);
  const account = await w.client.request('loginFinish', { code });
  assert.deepEqual(account, {
    state: 'signed-in',
    nickname: w.sandbox.nickname,
    apiBaseUrl: w.sandbox.apiBaseUrl,
    sandbox: true,
    problem: null,
  });
  assert.equal((await stat(w.paths.account)).mode & 0o777, 0o600);
  await w.snapshotWhere(
    'the uploads',
    (s) => s.folders[0]?.state === 'up-to-date' && s.folders[0].counts.uploaded === 2,
  );
  assert.equal(w.sandbox.dump().ImageCount, 2);

  assert.equal(await w.client.request('logout', {}), null);
  const out = await w.snapshotWhere('signed out', (s) => s.account.state === 'signed-out');
  assert.equal(out.folders[0]?.state, 'signed-out');
  assert.equal(await exists(w.paths.account), false);
  await writeTree(join(w.root, 'Waiting'), { 'c.jpg': photoBytes('c') });
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(w.sandbox.dump().ImageCount, 2, 'nothing uploads, and nothing on SmugMug changes');
  const sync = await refusal(w.client.request('syncNow', {}));
  assert.equal(sync.message, 'sign in to SmugMug first');

  // Signed out, the state survives a restart as it is.
  await w.reopen();
  assert.equal(w.latest().account.state, 'signed-out');
});

test('without an API key the window cannot start signing in, and says so', async () => {
  w = await world({ signedIn: false });
  const refused = await refusal(w.client.request('loginStart', {}));
  assert.equal(refused.code, 'failed');
  assert.equal(refused.message, 'no SmugMug API key configured');
  assert.deepEqual(w.logged, []);
});

test('an account SmugMug refuses needs attention until the person signs in again', async () => {
  w = await world({ account: { tokenSecret: 'no-longer-valid' }, login: true });
  await connect(w, 'Stuck', ['a.jpg']);
  const stuck = await w.snapshotWhere(
    'the account to need attention',
    (s) => s.account.state === 'needs-attention',
  );
  assert.match(stuck.account.problem ?? '', /SmugMug refused the sign-in/);
  assert.equal(stuck.account.nickname, w.sandbox.nickname);
  assert.equal(stuck.overview.state, 'attention');
  assert.equal(stuck.overview.headline, 'Sign in to SmugMug again');
  const folder = await w.snapshotWhere('the folder to wait', (s) => s.folders[0]?.state === 'signed-out');
  assert.equal(folder.folders[0]?.stateText, 'Waiting: sign in to SmugMug again');
  assert.equal(w.sandbox.dump().ImageCount, 0);

  const { authorizeUrl } = await w.client.request('loginStart', {});
  const code = await authorizeInBrowser(w.sandbox, authorizeUrl);
  const account = await w.client.request('loginFinish', { code });
  assert.equal(account.state, 'signed-in');
  assert.equal(account.problem, null);
  await w.snapshotWhere('the upload', (s) => s.folders[0]?.state === 'up-to-date');
  assert.equal(w.sandbox.dump().ImageCount, 1);
});
