// The daemon's WebSocket: only a page served by the daemon itself, holding the token, reaches the
// engine; everything else is refused with a 403 before the engine sees it. A real server on
// 127.0.0.1, a real `ws` client, and the real protocol client on top.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { ProtocolError } from '../../src/protocol/messages.ts';
import type { SnapshotData } from '../../src/protocol/schema.ts';
import { rawRequest } from '../helpers/raw-http.ts';
import { asPage, closed, connect, type TestDaemon, testDaemon, until } from './support.ts';

function opened(c: Awaited<ReturnType<typeof connect>>): WebSocket {
  assert.ok(c.ok, c.ok ? '' : `refused: ${c.status} ${c.body}`);
  return c.ws;
}

describe('daemon WebSocket', () => {
  let d: TestDaemon;

  before(async () => {
    d = await testDaemon();
  });
  after(async () => {
    await d.close();
  });

  test('listens on 127.0.0.1 only and prints a URL with the token in its fragment', () => {
    const address = d.daemon.server.address() as AddressInfo;
    assert.equal(address.address, '127.0.0.1');
    assert.equal(d.daemon.host, '127.0.0.1');
    assert.match(
      d.daemon.url,
      new RegExp(`^http://127\\.0\\.0\\.1:${address.port}/#token=[A-Za-z0-9_-]{43}$`),
    );
  });

  const refusals: [string, (d: TestDaemon) => Parameters<typeof connect>[1], RegExp][] = [
    ['no token', (d) => ({ origin: asPage(d).origin }), /missing token/],
    ['only the protocol name', (d) => ({ ...asPage(d), protocols: ['safelight'] }), /missing token/],
    [
      'a token without the protocol name',
      (d) => ({ ...asPage(d), protocols: [`token.${d.token}`] }),
      /missing/,
    ],
    [
      'two tokens',
      (d) => ({ ...asPage(d), protocols: ['safelight', `token.${d.token}`, 'token.x'] }),
      /missing/,
    ],
    ['a wrong token', (d) => asPage(d, 'A'.repeat(43)), /wrong token/],
    ['a token one character short', (d) => asPage(d, d.token.slice(1)), /wrong token/],
    [
      'a foreign Origin',
      (d) => ({ ...asPage(d), origin: 'http://evil.example' }),
      /Origin http:\/\/evil\.example/,
    ],
    [
      'an Origin on another port',
      (d) => ({ ...asPage(d), origin: `http://127.0.0.1:${d.daemon.port + 1}` }),
      /Origin .* is not allowed/,
    ],
    ['the https Origin', (d) => ({ ...asPage(d), origin: `https://127.0.0.1:${d.daemon.port}` }), /Origin/],
    ['an opaque Origin', (d) => ({ ...asPage(d), origin: 'null' }), /Origin null/],
    ['no Origin', (d) => ({ protocols: asPage(d).protocols }), /missing Origin/],
    [
      'a foreign Host whose Origin matches it (DNS rebinding)',
      (d) => ({
        ...asPage(d),
        host: `evil.example:${d.daemon.port}`,
        origin: `http://evil.example:${d.daemon.port}`,
      }),
      /Host "evil\.example:\d+" is not this server/,
    ],
    [
      'a loopback Host with another port',
      (d) => ({ ...asPage(d), host: '127.0.0.1:1', origin: 'http://127.0.0.1:1' }),
      /Host/,
    ],
  ];
  for (const [what, options, reason] of refusals) {
    test(`refuses a connection with ${what}`, async () => {
      const c = await connect(d.wsUrl, options(d));
      assert.equal(c.ok, false);
      if (c.ok) return;
      assert.equal(c.status, 403);
      assert.match(c.body, reason);
      assert.equal(d.engine.attached.size, 0, 'the engine never saw it');
    });
  }

  test('refuses a WebSocket on another path', async () => {
    const c = await connect(`ws://127.0.0.1:${d.daemon.port}/other`, asPage(d));
    assert.ok(!c.ok && c.status === 404);
  });

  test('refuses a plain HTTP request with a foreign Host', async () => {
    const res = await rawRequest(`http://127.0.0.1:${d.daemon.port}/`, {
      headers: { Host: `evil.example:${d.daemon.port}` },
    });
    assert.equal(res.status, 403);
    assert.match(res.text, /not this server/);
    assert.doesNotMatch(res.text, /<html/);
  });

  test('each refusal is logged for the person running the daemon', () => {
    assert.ok(d.logs.some((l) => /refused a connection from 127\.0\.0\.1: wrong token/.test(l)));
    assert.ok(!d.logs.some((l) => l.includes(d.token)), 'the token is never logged');
  });

  test('accepts its own page by each loopback name', async () => {
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
      const ws = opened(
        await connect(d.wsUrl, {
          ...asPage(d),
          host: `${name}:${d.daemon.port}`,
          origin: `http://${name}:${d.daemon.port}`,
        }),
      );
      assert.equal(ws.protocol, 'safelight', 'the token is not echoed back');
      ws.close();
      await closed(ws);
    }
    await until('every connection to be detached', () => d.engine.attached.size === 0);
  });

  test('a request and its reply, and events, travel over the protocol client', async () => {
    const c = await connect(d.wsUrl, asPage(d));
    const ws = opened(c);
    assert.ok(c.ok);
    const { client, events } = c;
    await until('the first snapshot', () => events.some((e) => e.event === 'snapshot'));
    assert.equal((events[0]?.data as SnapshotData | undefined)?.overview.headline, 'No folders connected');

    const before = await client.request('getSettings', {});
    assert.equal(before.parallelUploads, 3);
    const afterSet = await client.request('setSettings', { parallelUploads: 5 });
    assert.equal(afterSet.parallelUploads, 5);
    assert.equal((await client.request('getSettings', {})).parallelUploads, 5);
    await until('the changed event', () => events.some((e) => e.event === 'changed'));
    assert.deepEqual(events.find((e) => e.event === 'changed')?.data, {
      topics: ['settings'],
      folderIds: [],
    });

    await assert.rejects(client.request('removeFolder', { folderId: 9 }), (e: unknown) => {
      assert.ok(e instanceof ProtocolError);
      assert.equal(e.code, 'failed');
      assert.equal(e.message, 'no folder 9 is connected');
      return true;
    });
    await assert.rejects(
      client.request('setSettings', { parallelUploads: 99 }),
      (e: unknown) => e instanceof ProtocolError && e.code === 'bad-request',
    );

    assert.equal(d.engine.attached.size, 1);
    client.close();
    await closed(ws);
    await until('the connection to be detached', () => d.engine.attached.size === 0);
  });

  test('a message over the size limit closes that connection (1009); others go on', async () => {
    const big = opened(await connect(d.wsUrl, asPage(d)));
    const other = opened(await connect(d.wsUrl, asPage(d)));
    const bigClosed = closed(big);
    big.send('x'.repeat(1024 * 1024 + 1));
    assert.equal((await bigClosed).code, 1009);
    const c = await connect(d.wsUrl, asPage(d));
    assert.ok(c.ok);
    assert.equal((await c.client.request('getSettings', {})).parallelUploads, 5);
    assert.equal(other.readyState, WebSocket.OPEN);
    c.client.close();
    other.close();
    await Promise.all([closed(c.ws), closed(other)]);
    assert.ok(d.logs.some((l) => /a browser connection failed: Max payload size exceeded/.test(l)));
  });
});

describe('daemon keepalive and shutdown', () => {
  test('a client that stops answering pings is dropped; one that answers stays', async () => {
    const d = await testDaemon({ pingIntervalMs: 100 });
    try {
      const silent = opened(await connect(d.wsUrl, { ...asPage(d), autoPong: false }));
      const lively = opened(await connect(d.wsUrl, asPage(d)));
      const started = Date.now();
      const { code } = await closed(silent);
      assert.equal(code, 1006, 'terminated, not closed politely');
      assert.ok(Date.now() - started < 2000, `dropped after ${Date.now() - started} ms`);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(lively.readyState, WebSocket.OPEN);
      await until('the dropped connection to be detached', () => d.engine.attached.size === 1);
      lively.close();
      await closed(lively);
    } finally {
      await d.close();
    }
  });

  test('close() says goodbye to open pages (1001) and stops listening', async () => {
    const d = await testDaemon();
    const ws = opened(await connect(d.wsUrl, asPage(d)));
    const bye = closed(ws);
    await d.close();
    assert.deepEqual(await bye, { code: 1001, reason: 'Safelight is stopping' });
    assert.equal(d.engine.attached.size, 0);
    await assert.rejects(connect(d.wsUrl, asPage(d)), /ECONNREFUSED/);
  });
});
