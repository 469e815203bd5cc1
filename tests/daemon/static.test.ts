// The built renderer over HTTP: its files with the right types and strict security headers, and
// nothing else: no way out of the renderer folder, however the path is spelled.
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDaemon } from '../../src/daemon/server.ts';
import { rawExchange, rawRequest } from '../helpers/raw-http.ts';
import { INDEX_HTML, type TestDaemon, testDaemon } from './support.ts';

describe('daemon static files', () => {
  let d: TestDaemon;
  let base: string;

  before(async () => {
    d = await testDaemon();
    base = `http://127.0.0.1:${d.daemon.port}`;
    // Files beside the renderer that no request may reach.
    await writeFile(join(d.root, 'package.json'), '{"secret": true}\n');
    await writeFile(join(d.root, 'secret.txt'), 'secret\n');
    await mkdir(join(d.ui, 'assets', 'deep'), { recursive: true });
    await symlink(join(d.root, 'secret.txt'), join(d.ui, 'assets', 'link.txt'));
    await symlink(d.root, join(d.ui, 'outside'));
  });
  after(async () => {
    await d.close();
  });

  test('/ is index.html with the security headers', async () => {
    const res = await rawRequest(`${base}/`);
    assert.equal(res.status, 200);
    assert.equal(res.text, INDEX_HTML);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(
      res.headers['content-security-policy'],
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        `manifest-src 'self'; connect-src 'self' ws://127.0.0.1:${d.daemon.port}; base-uri 'none'; ` +
        "form-action 'none'; frame-ancestors 'none'",
    );
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['x-frame-options'], 'DENY');
  });

  test('the CSP lets the page connect to the origin it was loaded from', async () => {
    const res = await rawRequest(`${base}/`, { headers: { Host: `localhost:${d.daemon.port}` } });
    assert.equal(res.status, 200);
    assert.match(
      String(res.headers['content-security-policy']),
      new RegExp(`connect-src 'self' ws://localhost:${d.daemon.port};`),
    );
  });

  test('assets with their content types, cached for good (hashed names)', async () => {
    const js = await rawRequest(`${base}/assets/app-1a2b.js`);
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(js.headers['content-security-policy']), /script-src 'self'/);
    const css = await rawRequest(`${base}/assets/app-1a2b.css?v=1`);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    const svg = await rawRequest(`${base}/favicon.svg`);
    assert.equal(svg.headers['content-type'], 'image/svg+xml');
    assert.equal(svg.headers['cache-control'], 'no-store');
  });

  test('HEAD gives the headers only; other methods are refused', async () => {
    const head = await rawRequest(`${base}/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(INDEX_HTML)));
    assert.equal(head.text, '');
    const post = await rawRequest(`${base}/`, { method: 'POST', body: Buffer.from('x') });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  test('a missing file is 404, with the same headers', async () => {
    const res = await rawRequest(`${base}/nope.js`);
    assert.equal(res.status, 404);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    assert.equal((await rawRequest(`${base}/assets/`)).status, 404, 'no directory listing');
  });

  const traversals = [
    '/../package.json',
    '/../../package.json',
    '/assets/../../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E/secret.txt',
    '/..%2fpackage.json',
    '/..%2Fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/.%2e/secret.txt',
    '/%252e%252e/secret.txt',
    '//../secret.txt',
    '/assets/link.txt',
    '/outside/secret.txt',
    '/index.html%00.js',
    '/%',
  ];
  for (const path of traversals) {
    test(`no way out of the renderer folder: ${path}`, async () => {
      // Raw bytes on the wire: an HTTP client would normalise the dots away before sending.
      const res = await rawExchange(
        d.daemon.port,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${d.daemon.port}\r\nConnection: close\r\n\r\n`,
      );
      assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
      assert.doesNotMatch(res.text, /secret/);
    });
  }

  test('a file inside, reached through a harmless .., is served', async () => {
    const res = await rawExchange(
      d.daemon.port,
      `GET /assets/../index.html HTTP/1.1\r\nHost: 127.0.0.1:${d.daemon.port}\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(res.status, 200);
    assert.ok(res.text.endsWith(INDEX_HTML));
  });
});

test('the daemon will not start without a built renderer, and says how to build it', async () => {
  await assert.rejects(
    startDaemon({
      attach: () => () => {},
      rendererDir: join(import.meta.dirname, 'no-such-renderer'),
      tokenFile: join(import.meta.dirname, 'no-such-home', 'daemon-token'),
    }),
    /the web UI is not built \(no index\.html in .*no-such-renderer\): run "npm run build:renderer"/,
  );
});
