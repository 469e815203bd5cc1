// The SmugMug sign-in in the desktop app: main keeps it sealed with safeStorage in its user-data
// folder and the engine asks main for it, so no token lies in a plain file; an account.json from
// before is moved in once; and where the OS offers no keyring it is still kept, with the warning
// the window shows.
import assert from 'node:assert/strict';
import { access, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { MainAccounts } from '../../engine-process/main-accounts.ts';
import {
  type AccountReply,
  type AccountRequest,
  isAccountRequest,
  isToEngine,
} from '../../engine-process/messages.ts';
import { movingPlainAccount } from '../../engine-process/plain-account.ts';
import { type AccountKeeper, serveAccount } from '../../main/account-requests.ts';
import { allowFolder } from '../../main/folder-access.ts';
import { SealedAccount } from '../../main/sealed-account.ts';
import { describeSecretStorage, secretPlan } from '../../main/secrets.ts';
import { sandboxAccount } from '../../src/cli/login.ts';
import { writePrivateJson } from '../../src/config/files.ts';
import { type Account, saveAccount } from '../../src/config/settings.ts';
import type { AccountStore } from '../../src/host/host.ts';
import { photoBytes, writeTree } from '../helpers/sync-env.ts';
import { authorizeInBrowser } from '../host/world.ts';
import { FakeSafeStorage } from './fakes.ts';
import { type DesktopWorld, desktopWorld, waitFor } from './world.ts';

let w: DesktopWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Every file under `dirs` that holds one of `secrets` as it is, as "file: secret". */
async function filesHolding(dirs: string[], secrets: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) {
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const bytes = await readFile(path);
      for (const secret of secrets) if (bytes.includes(secret)) found.push(`${path}: ${secret}`);
    }
  }
  return found;
}

/** A sandbox ready file's fields, for tests that need no sandbox. */
const fakeInfo = {
  apiBaseUrl: 'https://api.test/v2',
  uploadUrl: 'https://up.test/',
  oauthBaseUrl: 'https://o.test',
  consumerKey: 'ck',
  consumerSecret: 'cs',
  accessToken: 'at',
  accessTokenSecret: 'ats',
  nickname: 'n',
};

const secretsOf = (a: Account) => [a.token, a.tokenSecret, a.consumerSecret];

/** Kills the running engine and waits for the next one's first snapshot. */
async function restart(world: DesktopWorld) {
  const count = world.started.length;
  world.started[count - 1]?.kill();
  await waitFor('the engine started again', () => (world.started.length === count + 1 ? true : undefined));
  return world.snapshotWhere('the restarted engine’s snapshot', () => world.supervisor.status.kind === 'up');
}

test('signing in from the window keeps only sealed bytes, a restarted engine signs in with them, and signing out forgets them', async () => {
  w = await desktopWorld({ signedIn: false, login: true, restartDelaysMs: [50] });
  const world = w;
  await world.snapshotWhere('signed out', (s) => s.account.state === 'signed-out');
  const win = await world.window();
  const { authorizeUrl } = await win.request('loginStart', {});
  const code = await authorizeInBrowser(world.sandbox, authorizeUrl);
  const info = await win.request('loginFinish', { code });
  assert.equal(info.state, 'signed-in');

  assert.equal(await exists(world.paths.account), false, 'no account.json');
  assert.equal((await stat(world.sealedFile)).mode & 0o777, 0o600);
  const account = world.sealed.load();
  assert.ok(account, 'main can open what it sealed');
  assert.equal(account.nickname, world.sandbox.nickname);
  assert.notEqual(account.token, world.sandbox.info.accessToken, 'a token issued by this sign-in');
  assert.deepEqual(await filesHolding([world.paths.home, world.userData], secretsOf(account)), []);
  const sealed = JSON.parse(await readFile(world.sealedFile, 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(sealed), ['sealed']);
  assert.equal(Buffer.from(sealed.sealed ?? '', 'base64').includes(account.token), false);

  // The restarted engine gets the account from main, and SmugMug takes its tokens.
  const photos = join(world.root, 'Photos');
  await writeTree(photos, { 'a.jpg': photoBytes('a') });
  const allowed = await allowFolder(
    photos,
    (p) => world.supervisor.grant(p),
    () => {},
  );
  assert.ok(allowed);
  await restart(world);
  const again = await world.snapshotWhere('signed in again', (s) => s.account.state === 'signed-in');
  assert.equal(again.account.nickname, world.sandbox.nickname);
  const second = await world.window();
  await second.request('addFolder', {
    path: allowed,
    mode: 'mirror',
    privacy: 'Private',
    target: '',
    watch: 'polling',
  });
  await world.snapshotWhere('the photo uploaded', (s) => s.folders[0]?.counts.uploaded === 1);
  assert.equal(world.sandbox.dump().ImageCount, 1);

  assert.equal(await second.request('logout', {}), null);
  assert.equal(await exists(world.sealedFile), false, 'signing out deletes the sealed account');
  await restart(world);
  await world.snapshotWhere('still signed out', (s) => s.account.state === 'signed-out');
  const lines = [...world.logged, ...world.started.flatMap((c) => c.stderr)].join('\n');
  for (const secret of secretsOf(account)) assert.equal(lines.includes(secret), false, 'no secret is logged');
});

test('an account.json from before is moved into sealed storage and deleted', async () => {
  w = await desktopWorld({ restartDelaysMs: [50] });
  const world = w;
  const plain = sandboxAccount(world.sandbox.info);
  await world.snapshotWhere('signed in', (s) => s.account.state === 'signed-in');
  assert.equal(await exists(world.paths.account), false, 'the plain file is gone');
  assert.deepEqual(world.sealed.load(), plain, 'the sealed copy is the same account');
  assert.deepEqual(await filesHolding([world.paths.home, world.userData], secretsOf(plain)), []);
  assert.ok(world.started[0]?.stderr.some((l) => /moved the SmugMug sign-in from .*account\.json/.test(l)));

  const after = await restart(world);
  assert.equal(after.account.state, 'signed-in');
  assert.equal(
    world.started[1]?.stderr.some((l) => /moved/.test(l)),
    false,
    'it moves only once',
  );
});

test('an account.json stays where it is when its sealed copy does not read back', async () => {
  // Seals, but the keyring then refuses to open what it sealed.
  const storage = new FakeSafeStorage();
  storage.decryptString = () => {
    throw new Error('the keyring is locked');
  };
  w = await desktopWorld({ storage });
  const world = w;
  const stuck = await world.snapshotWhere('the account', (s) => s.account.state === 'needs-attention');
  assert.match(stuck.account.problem ?? '', /cannot unlock your SmugMug sign-in/);
  assert.deepEqual(
    JSON.parse(await readFile(world.paths.account, 'utf8')),
    sandboxAccount(world.sandbox.info),
    'account.json is untouched',
  );
});

test('with no keyring the sign-in is still kept, the window’s warning is logged, and it is sealed once it can be', async () => {
  const storage = new FakeSafeStorage({ available: false });
  w = await desktopWorld({ storage, platform: 'win32', restartDelaysMs: [50] });
  const world = w;
  const plain = sandboxAccount(world.sandbox.info);
  await world.snapshotWhere('signed in', (s) => s.account.state === 'signed-in');
  const warning = describeSecretStorage('win32', storage).warning;
  assert.match(warning ?? '', /does not let Safelight encrypt/);
  assert.ok(world.logged.includes(`warn: keeping the SmugMug sign-in: ${warning}`));
  assert.equal((await stat(world.sealedFile)).mode & 0o777, 0o600);
  assert.deepEqual(
    await filesHolding([world.paths.home, world.userData], [plain.token]),
    [`${world.sealedFile}: ${plain.token}`],
    'kept as it is, owner only, in main’s file alone',
  );
  assert.equal((await restart(world)).account.state, 'signed-in', 'it works after a restart');

  storage.available = true;
  assert.equal((await restart(world)).account.state, 'signed-in');
  assert.deepEqual(await filesHolding([world.paths.home, world.userData], secretsOf(plain)), []);
  assert.deepEqual(Object.keys(JSON.parse(await readFile(world.sealedFile, 'utf8'))), ['sealed']);
});

test('what to do without a keyring: seal where safeStorage can, and say what it means', () => {
  const storage = (available: boolean, backend: string) => new FakeSafeStorage({ available, backend });
  assert.deepEqual(secretPlan('linux', storage(true, 'gnome_libsecret')), { seal: true, warning: null });
  assert.deepEqual(secretPlan('darwin', storage(true, 'unknown')), { seal: true, warning: null });
  const basic = secretPlan('linux', storage(true, 'basic_text'));
  assert.equal(basic.seal, true, 'a key every computer shares still beats plain text');
  assert.equal(basic.warning, describeSecretStorage('linux', storage(true, 'basic_text')).warning);
  const none = secretPlan('win32', storage(false, 'unknown'));
  assert.equal(none.seal, false);
  assert.equal(none.warning, describeSecretStorage('win32', storage(false, 'unknown')).warning);
});

test('main’s sealed file: basic_text seals with a warning, another keyring cannot open it, damage is named', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'safelight-sealed-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'userData', 'account.sealed.json');
  const account: Account = {
    endpoints: {
      apiBaseUrl: 'https://api.test/v2',
      uploadUrl: 'https://up.test/',
      oauthBaseUrl: 'https://o.test',
    },
    consumerKey: 'key',
    consumerSecret: 'consumer-secret-1',
    token: 'access-token-1',
    tokenSecret: 'token-secret-1',
    nickname: 'me',
  };
  const logged: string[] = [];
  const keeper = (storage: FakeSafeStorage) =>
    new SealedAccount({ file, storage, platform: 'linux', warn: (m) => logged.push(`warn: ${m}`) });

  assert.equal(keeper(new FakeSafeStorage()).load(), null, 'nothing kept yet');
  keeper(new FakeSafeStorage({ backend: 'basic_text' })).save(account);
  assert.match(logged.join('\n'), /warn: keeping the SmugMug sign-in: This computer has no keyring/);
  assert.deepEqual(await filesHolding([dir], secretsOf(account)), []);
  assert.deepEqual(keeper(new FakeSafeStorage({ backend: 'basic_text' })).load(), account);
  assert.throws(
    () => keeper(new FakeSafeStorage({ key: 'a new keyring' })).load(),
    /cannot unlock your SmugMug sign-in.*sign in to SmugMug again/,
  );
  assert.throws(() => keeper(new FakeSafeStorage({ available: false })).load(), /cannot unlock/);

  await writeFile(file, JSON.stringify({ plain: { ...account, token: '' } }));
  assert.throws(() => keeper(new FakeSafeStorage()).load(), /account\.sealed\.json is damaged/);
  keeper(new FakeSafeStorage()).remove();
  assert.equal(await exists(file), false);
  keeper(new FakeSafeStorage()).remove();
});

/** An AccountStore in memory, as main's sealed storage looks to the engine. */
function memoryStore(initial?: Account): AccountStore & { kept: Account | undefined } {
  const store = {
    kept: initial,
    load: () => store.kept,
    save: (a: Account) => {
      store.kept = structuredClone(a);
    },
    remove: () => {
      store.kept = undefined;
    },
  };
  return store;
}

test('moving account.json: an interrupted move is finished, a different account.json is left alone, signing out deletes both', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'safelight-move-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const plainFile = join(dir, 'account.json');
  const account = { ...sandboxAccount(fakeInfo), nickname: 'me' };
  const logged: string[] = [];

  saveAccount(plainFile, account);
  const interrupted = movingPlainAccount(memoryStore(account), plainFile, (l) => logged.push(l));
  assert.deepEqual(await interrupted.load(), account);
  assert.equal(await exists(plainFile), false, 'the same account in both places: the plain one goes');

  const other = { ...account, token: 'another-token' };
  saveAccount(plainFile, other);
  const sealed = memoryStore(account);
  const moving = movingPlainAccount(sealed, plainFile, (l) => logged.push(l));
  assert.deepEqual(await moving.load(), account, 'the sealed account wins');
  assert.equal(await exists(plainFile), true, 'a different account.json is not deleted');
  await moving.remove();
  assert.equal(sealed.kept, undefined);
  assert.equal(await exists(plainFile), false);
  assert.equal(await moving.load(), undefined);
  assert.deepEqual(logged, []);

  writePrivateJson(plainFile, { ...account, tokenSecret: 42 });
  await assert.rejects(async () => moving.load(), /account\.json is incomplete/);
  assert.equal(sealed.kept, undefined, 'nothing half-read is sealed');
});

test('account requests and replies: ids match, anything malformed is dropped, and every failure is answered', async () => {
  const account = sandboxAccount(fakeInfo);
  assert.equal(isAccountRequest({ kind: 'account', id: 1, op: 'load' }), true);
  assert.equal(isAccountRequest({ kind: 'account', id: 1, op: 'save', account }), true);
  for (const bad of [
    { kind: 'account', id: '1', op: 'load' },
    { kind: 'account', id: 1, op: 'drop' },
    { kind: 'account', id: 1, op: 'save', account: { ...account, token: '' } },
    { kind: 'account', id: 1, op: 'save', account: { ...account, endpoints: null } },
    { kind: 'account', id: 1, op: 'save' },
    null,
  ]) {
    assert.equal(isAccountRequest(bad), false, JSON.stringify(bad));
  }
  assert.equal(isToEngine({ kind: 'account', id: 1, ok: true, account: null }), true);
  assert.equal(isToEngine({ kind: 'account', id: 1, ok: true, account }), true);
  assert.equal(isToEngine({ kind: 'account', id: 1, ok: false, error: 'no' }), true);
  for (const bad of [
    { kind: 'account', id: 1, ok: true },
    { kind: 'account', id: 1, ok: true, account: { nickname: 'x' } },
    { kind: 'account', id: 1, ok: false },
    { kind: 'account', id: 1, op: 'load' },
  ]) {
    assert.equal(isToEngine(bad), false, JSON.stringify(bad));
  }

  // Main's side, on a child that records the replies.
  const replies: AccountReply[] = [];
  let deliver: (message: unknown) => void = () => {};
  const child = {
    postMessage: (reply: AccountReply) => replies.push(reply),
    on: (_event: 'message', listener: (message: unknown) => void) => {
      deliver = listener;
    },
  };
  const logged: string[] = [];
  let kept: Account | null = null;
  const keeper: AccountKeeper = {
    load: () => kept,
    save: (a) => {
      if (a.nickname === 'full disk') throw new Error('no space left');
      kept = a;
    },
    remove: () => {
      kept = null;
    },
  };
  serveAccount(child, keeper, (m) => logged.push(m));

  // The engine's side talks to it as it would over the parent port.
  const engine = new MainAccounts((request: AccountRequest) => deliver(structuredClone(request)));
  const answerAll = () => {
    for (const reply of replies.splice(0)) engine.answer(reply);
  };
  const loading = engine.load();
  answerAll();
  assert.equal(await loading, undefined);
  const saving = engine.save(account);
  answerAll();
  await saving;
  const loaded = engine.load();
  answerAll();
  assert.deepEqual(await loaded, account);
  const failing = engine.save({ ...account, nickname: 'full disk' });
  answerAll();
  await assert.rejects(failing, /no space left/);
  assert.deepEqual(logged, ['the SmugMug sign-in (save): no space left']);

  deliver({ kind: 'account', id: 99, op: 'save', account: { nickname: 'x' } });
  deliver('junk');
  assert.deepEqual(replies, [], 'malformed requests get no answer');
  engine.answer({ kind: 'account', id: 12_345, ok: true, account: null });
  const removing = engine.remove();
  answerAll();
  await removing;
  assert.equal(kept, null);
});
