// Bad input gets the real service's error, never a crash: after every case a normal signed
// request still works.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { findNode, jsonOf } from '../helpers/account.ts';
import { rawExchange, rawJson } from '../helpers/raw-http.ts';
import { SignedClient } from '../helpers/signed-client.ts';

const BODY_IDLE_MS = 300;

describe('bad input', () => {
  let sandbox: Sandbox;
  let client: SignedClient;
  let rootId: string;
  let album: { nodeId: string; albumKey: string; albumUri: string };
  let apiPort: number;
  let uploadPort: number;

  before(async () => {
    sandbox = await startSandbox({ limits: { bodyIdleMs: BODY_IDLE_MS } });
    client = new SignedClient(sandbox.info);
    rootId = await client.rootNodeId();
    album = await client.createAlbum(rootId, 'Target');
    apiPort = Number(new URL(sandbox.origin).port);
    uploadPort = Number(new URL(sandbox.uploadUrl).port);
  });
  after(async () => {
    await sandbox.close();
  });
  afterEach(async () => {
    const res = await client.request(`/api/v2/node/${rootId}`);
    assert.equal(res.status, 200, `a normal signed GET still works: ${res.status} ${res.text}`);
    assert.equal(res.json().Response.Node.NodeID, rootId);
    const up = await client.upload(randomBytes(1000), {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'canary.jpg',
    });
    assert.equal(up.json().stat, 'ok', `a normal upload still works: ${up.text}`);
  });

  const images = () => findNode(sandbox.dump().Root, (n) => n.AlbumKey === album.albumKey).Images as any[];
  const nonCanary = () => images().filter((i) => i.FileName !== 'canary.jpg');

  test('malformed JSON on POST !children is a 400 envelope and creates nothing', async () => {
    const path = `/api/v2/node/${rootId}!children`;
    const res = await client.request(path, {
      method: 'POST',
      body: '{"Type":"Album","Name":"Broken"',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 400);
    const body = res.json();
    assert.equal(body.Code, 400);
    assert.equal(body.Message, 'Bad Request');
    assert.equal(body.Response.Uri, path);
    assert.equal(
      findNode(sandbox.dump().Root, (n) => n.Name === 'Broken'),
      null,
    );
  });

  test('a JSON array or scalar body is a 400 envelope', async () => {
    for (const raw of ['[{"Type":"Album","Name":"Arr"}]', '"Album"', '42', 'null']) {
      const res = await client.request(`/api/v2/node/${rootId}!children`, {
        method: 'POST',
        body: raw,
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(res.status, 400, raw);
      assert.equal(res.json().Code, 400, raw);
      assert.equal(res.json().Message, 'Bad Request', raw);
    }
    assert.equal(
      findNode(sandbox.dump().Root, (n) => n.Name === 'Arr'),
      null,
    );
  });

  test('an unsupported Content-Type is a 415 envelope', async () => {
    const res = await client.request(`/api/v2/node/${rootId}!children`, {
      method: 'POST',
      body: 'Type=Album',
      headers: { 'Content-Type': 'text/plain' },
    });
    assert.equal(res.status, 415);
    assert.equal(res.json().Code, 415);
  });

  test('an unknown endpoint is a 404 envelope', async () => {
    const res = await client.request('/api/v2/nothing');
    assert.equal(res.status, 404);
    const body = res.json();
    assert.equal(body.Code, 404);
    assert.equal(body.Message, 'Not Found');
    assert.equal(body.Response.Uri, '/api/v2/nothing');
    const outside = await client.request('/nothing/at/all');
    assert.equal(outside.status, 404);
    assert.equal(outside.json().Code, 404);
  });

  test('badly percent-encoded paths are 404 envelopes, not server errors', async () => {
    for (const path of [
      '/api/v2/user/%E9',
      '/api/v2/user/a%',
      '/api/v2/node/%E9',
      '/api/v2/image/%-0',
      '/api/v2/node/%!children',
    ]) {
      const res = await client.request(path);
      assert.equal(res.status, 404, `${path}: ${res.text}`);
      assert.equal(res.json().Code, 404, path);
    }
  });

  test('a missing Authorization header is 401', async () => {
    const res = await fetch(`${sandbox.origin}/api/v2/node/${rootId}`, {
      headers: { Accept: 'application/json' },
    });
    assert.equal(res.status, 401);
    const body = await jsonOf(res);
    assert.equal(body.Code, 401);
    assert.match(body.Message, /oauth_problem=parameter_absent/);
    const upload = await fetch(sandbox.uploadUrl, {
      method: 'POST',
      headers: { 'X-Smug-Version': 'v2', 'X-Smug-ResponseType': 'JSON', 'X-Smug-AlbumUri': album.albumUri },
      body: randomBytes(100),
    });
    assert.equal(upload.status, 401);
    assert.equal(nonCanary().length, 0);
  });

  test('a mangled Authorization header or query is 401, not a server error', async () => {
    const headers = [
      'OAuth oauth_consumer_key="%E9", oauth_token="%", oauth_signature="x"',
      'OAuth',
      'OAuth ,,,,',
      'Basic dXNlcjpwYXNz',
    ];
    for (const authorization of headers) {
      const res = await fetch(`${sandbox.origin}/api/v2/node/${rootId}`, {
        headers: { Accept: 'application/json', Authorization: authorization },
      });
      assert.equal(res.status, 401, authorization);
      assert.equal((await jsonOf(res)).Code, 401, authorization);
      const up = await fetch(sandbox.uploadUrl, {
        method: 'POST',
        headers: { Authorization: authorization, 'X-Smug-Version': 'v2', 'X-Smug-AlbumUri': album.albumUri },
        body: randomBytes(100),
      });
      assert.equal(up.status, 401, `uploader: ${authorization}`);
    }
    const badQuery = await fetch(`${sandbox.origin}/api/v2/node/${rootId}?oauth_consumer_key=%E9&x=%`);
    assert.equal(badQuery.status, 401);
    assert.equal((await jsonOf(badQuery)).Code, 401);
  });

  test('a body shorter than Content-Length on the API is 400 after the idle timeout', async () => {
    const path = `/api/v2/node/${rootId}!children`;
    const payload =
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${apiPort}\r\n` +
      `Authorization: ${client.authorization('POST', client.url(path))}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"Name":"x';
    const ex = await rawExchange(apiPort, payload);
    assert.equal(ex.status, 400, ex.text);
    assert.ok(ex.elapsedMs >= BODY_IDLE_MS - 20, `answered after ${ex.elapsedMs} ms`);
    assert.ok(ex.closed, 'the server closed the connection');
    const body = rawJson(ex.text);
    assert.equal(body.Code, 400);
    assert.equal(body.Message, 'Bad Request');
    assert.equal(
      findNode(sandbox.dump().Root, (n) => n.Name === 'x'),
      null,
    );
  });

  test('a body shorter than Content-Length on the uploader is stat fail and stores nothing', async () => {
    const url = sandbox.uploadUrl;
    const payload = Buffer.concat([
      Buffer.from(
        `POST / HTTP/1.1\r\nHost: 127.0.0.1:${uploadPort}\r\n` +
          `Authorization: ${client.authorization('POST', url)}\r\n` +
          'X-Smug-Version: v2\r\nX-Smug-ResponseType: JSON\r\n' +
          `X-Smug-AlbumUri: ${album.albumUri}\r\nX-Smug-FileName: short.jpg\r\n` +
          'Content-Type: image/jpeg\r\nContent-Length: 100\r\n\r\n',
      ),
      randomBytes(10),
    ]);
    const ex = await rawExchange(uploadPort, payload);
    assert.equal(ex.status, 200, ex.text);
    assert.ok(ex.elapsedMs >= BODY_IDLE_MS - 20, `answered after ${ex.elapsedMs} ms`);
    assert.ok(ex.closed, 'the server closed the connection');
    const body = rawJson(ex.text);
    assert.equal(body.stat, 'fail');
    assert.equal(body.code, 5);
    assert.equal(body.method, 'smugmug.images.upload');
    assert.equal(nonCanary().length, 0);
  });

  test('a garbage request line is 400 and the server keeps serving', async () => {
    for (const port of [apiPort, uploadPort]) {
      for (const garbage of [
        'HELLO THERE\r\n\r\n',
        'GET\r\n\r\n',
        Buffer.concat([randomBytes(200), Buffer.from('\r\n\r\n')]),
      ]) {
        const ex = await rawExchange(port, garbage);
        assert.equal(ex.status, 400, `port ${port}: ${JSON.stringify(ex.text.slice(0, 80))}`);
        assert.ok(ex.closed);
      }
    }
  });

  test('an oversized header is refused and the server keeps serving', async () => {
    for (const port of [apiPort, uploadPort]) {
      const payload = `GET /api/v2!authuser HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Junk: ${'a'.repeat(40_000)}\r\n\r\n`;
      const ex = await rawExchange(port, payload);
      assert.ok(ex.status === 431 || ex.status === 400, `port ${port}: ${ex.status} ${ex.text.slice(0, 80)}`);
      assert.ok(ex.closed);
    }
  });

  test('a zero-byte upload is stat fail and stores nothing', async () => {
    const res = await client.upload(new Uint8Array(0), {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'empty.jpg',
    });
    assert.equal(res.status, 200);
    const body = res.json();
    assert.equal(body.stat, 'fail');
    assert.equal(body.code, 5);
    assert.equal(nonCanary().length, 0);
  });

  test('a malformed Content-MD5 or X-Smug-ImageUri is stat fail', async () => {
    const odd: Array<Record<string, string>> = [
      { 'Content-MD5': 'not-an-md5' },
      { 'Content-MD5': '' },
      { 'X-Smug-ImageUri': '/api/v2/node/abc' },
      { 'X-Smug-ImageUri': 'garbage' },
    ];
    for (const headers of odd) {
      const res = await client.upload(randomBytes(500), {
        'X-Smug-AlbumUri': album.albumUri,
        'X-Smug-FileName': 'odd.jpg',
        ...headers,
      });
      assert.equal(res.status, 200, JSON.stringify(headers));
      assert.equal(res.json().stat, 'fail', JSON.stringify(headers));
      assert.equal(res.json().code, 5, JSON.stringify(headers));
    }
    assert.equal(nonCanary().length, 0);
  });

  test('a wrong method on the uploader is refused', async () => {
    const url = sandbox.uploadUrl;
    const res = await fetch(url, {
      method: 'DELETE',
      headers: { Authorization: client.authorization('DELETE', url), 'X-Smug-Version': 'v2' },
    });
    assert.equal(res.status, 405);
    assert.equal((await jsonOf(res)).stat, 'fail');
  });

  test('badly percent-encoded file names in the header or the path do not break the upload', async () => {
    const viaHeader = await client.upload(randomBytes(500), {
      'X-Smug-AlbumUri': album.albumUri,
      'X-Smug-FileName': 'bad %E9 name.jpg',
    });
    assert.equal(viaHeader.json().stat, 'ok', viaHeader.text);
    const viaPath = await client.upload(
      randomBytes(500),
      { 'X-Smug-AlbumUri': album.albumUri },
      { path: '/%E9%.jpg' },
    );
    assert.equal(viaPath.status, 200, viaPath.text);
    assert.equal(viaPath.json().stat, 'ok', viaPath.text);
    const names = nonCanary()
      .map((i) => i.FileName)
      .sort();
    assert.deepEqual(names, ['%E9%.jpg', 'bad %E9 name.jpg']);
  });

  test('an unknown fault injected through the control endpoint is a 400, not a crash', async () => {
    const res = await fetch(`${sandbox.origin}/__sandbox/faults`, { method: 'POST', body: '{not json' });
    assert.equal(res.status, 400);
    const unknown = await fetch(`${sandbox.origin}/__sandbox/nothing`);
    assert.equal(unknown.status, 404);
  });
});

test('a port already in use fails startup cleanly', async () => {
  const first = await startSandbox();
  try {
    const port = Number(new URL(first.uploadUrl).port);
    await assert.rejects(startSandbox({ uploadPort: port }), { code: 'EADDRINUSE' });
  } finally {
    await first.close();
  }
});
