// The access token: made once, owner-only on disk, the same after a restart, and replaced when it
// could have been read by others.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { homePaths } from '../../src/config/home.ts';
import { startDaemon } from '../../src/daemon/server.ts';
import { loadOrCreateToken, tokensEqual } from '../../src/daemon/token.ts';
import { asPage, connect, testDaemon } from './support.ts';

const root = mkdtempSync(join(tmpdir(), 'safelight-token-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('the token file is 0600 in a 0700 folder and holds 32 random bytes', () => {
  const paths = homePaths({ SAFELIGHT_HOME: join(root, 'a', 'home') });
  const token = loadOrCreateToken(paths.daemonToken);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(token, 'base64url').length, 32);
  assert.equal(statSync(paths.daemonToken).mode & 0o777, 0o600);
  assert.equal(statSync(paths.home).mode & 0o777, 0o700);
  assert.equal(readFileSync(paths.daemonToken, 'utf8'), `${token}\n`);
  assert.equal(loadOrCreateToken(paths.daemonToken), token, 'reused');
  assert.notEqual(loadOrCreateToken(join(root, 'b', 'daemon-token')), token, 'each home has its own');
});

test('a token file others could read, or one that is not a token, is replaced', () => {
  const file = join(root, 'c', 'daemon-token');
  const first = loadOrCreateToken(file);
  chmodSync(file, 0o644);
  const second = loadOrCreateToken(file);
  assert.notEqual(second, first);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  writeFileSync(file, 'short\n', { mode: 0o600 });
  const third = loadOrCreateToken(file);
  assert.match(third, /^[A-Za-z0-9_-]{43}$/);
});

test('tokens compare equal only when identical, whatever their lengths', () => {
  const t = loadOrCreateToken(join(root, 'd', 'daemon-token'));
  assert.ok(tokensEqual(t, t));
  assert.ok(!tokensEqual(`${t}x`, t));
  assert.ok(!tokensEqual(t.slice(0, -1), t));
  assert.ok(!tokensEqual('', t));
});

test('a restarted daemon keeps the token, so an open page reconnects', async () => {
  const first = await testDaemon();
  const home = first.home;
  const ui = first.ui;
  await first.daemon.close();
  const again = await startDaemon({
    attach: (t) => first.engine.attach(t),
    rendererDir: ui,
    tokenFile: homePaths({ SAFELIGHT_HOME: home }).daemonToken,
  });
  try {
    assert.equal(new URL(again.url).hash, `#token=${first.token}`);
    const c = await connect(`ws://127.0.0.1:${again.port}/ws`, {
      ...asPage(first),
      origin: `http://127.0.0.1:${again.port}`,
    });
    assert.ok(c.ok);
    c.ws.close();
  } finally {
    await again.close();
    await first.close();
  }
});
