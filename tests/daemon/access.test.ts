// The access rules as plain functions, including a daemon bound beyond loopback (--host 0.0.0.0),
// which the server tests do not open: there any name may reach it, but the Origin must still be
// the origin asked for and the token is still required.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHost, isLoopback, originRefusal, tokenRefusal } from '../../src/daemon/access.ts';

const TOKEN = 'Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm8';

test('loopback addresses', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST'])
    assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.20', 'nas.local', '128.0.0.1', '127.evil.example']) {
    assert.ok(!isLoopback(h), h);
  }
});

test('bound to loopback: only the loopback names with our port', () => {
  const b = { host: '127.0.0.1', port: 7719 };
  for (const h of ['127.0.0.1:7719', 'localhost:7719', 'LocalHost:7719', '[::1]:7719']) {
    assert.ok(checkHost(h, b).ok, h);
  }
  for (const h of [
    undefined,
    '',
    'evil.example:7719',
    '127.0.0.1',
    '127.0.0.1:80',
    '127.0.0.2:7719',
    'localhost.evil.example:7719',
    '127.0.0.1:7719@evil',
    '127.0.0.1:7719\r\nX: y',
  ]) {
    assert.ok(!checkHost(h, b).ok, String(h));
  }
  assert.deepEqual(checkHost('LOCALHOST:7719', b), { ok: true, host: 'localhost:7719' });
  assert.ok(checkHost('127.0.0.2:7719', { host: '127.0.0.2', port: 7719 }).ok, 'its own loopback address');
  assert.ok(checkHost('localhost', { host: '127.0.0.1', port: 80 }).ok, 'port 80 goes unsaid');
});

test('bound beyond loopback: any well-formed name, still with Origin and token', () => {
  const b = { host: '0.0.0.0', port: 7719 };
  for (const h of ['nas.local:7719', '192.168.1.20:7719', '127.0.0.1:7719', '[fe80::1]:7719']) {
    assert.ok(checkHost(h, b).ok, h);
  }
  assert.ok(!checkHost('nas.local:7719 evil', b).ok);
  assert.ok(!checkHost(undefined, b).ok);
  assert.equal(originRefusal('http://nas.local:7719', 'nas.local:7719'), undefined);
  assert.match(String(originRefusal('http://evil.example', 'nas.local:7719')), /not allowed/);
  assert.match(String(originRefusal(undefined, 'nas.local:7719')), /missing Origin/);
  assert.match(String(tokenRefusal('safelight', TOKEN)), /missing token/);
});

test('the token is offered as a subprotocol beside "safelight"', () => {
  assert.equal(tokenRefusal(`safelight, token.${TOKEN}`, TOKEN), undefined);
  assert.equal(tokenRefusal(`token.${TOKEN},safelight`, TOKEN), undefined);
  assert.match(String(tokenRefusal(undefined, TOKEN)), /missing token/);
  assert.match(String(tokenRefusal(`token.${TOKEN}`, TOKEN)), /missing token/);
  assert.match(String(tokenRefusal(`safelight, token.${TOKEN}, token.${TOKEN}`, TOKEN)), /missing token/);
  assert.equal(tokenRefusal(`safelight, token.${TOKEN.slice(1)}x`, TOKEN), 'wrong token');
  assert.equal(tokenRefusal('safelight, token.', TOKEN), 'wrong token');
});
