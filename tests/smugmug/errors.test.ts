import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  errorFromResponse,
  mayHaveApplied,
  networkError,
  retryAfterMs,
  uploadFailure,
} from '../../src/smugmug/errors.ts';
import { toRemoteImage, toRemoteNode } from '../../src/smugmug/parse.ts';
import { type WaitInfo, withRetries } from '../../src/smugmug/retry.ts';
import { SmugMugError } from '../../src/smugmug/types.ts';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers,
  text: JSON.stringify(body),
});

describe('reading error answers', () => {
  test('429 waits: Retry-After seconds, an HTTP date, else until X-RateLimit-Reset, else unknown', () => {
    const now = 1_700_000_000_000;
    assert.equal(retryAfterMs({ status: 429, headers: { 'retry-after': '3' }, text: '' }, now), 3000);
    assert.equal(
      retryAfterMs(
        { status: 429, headers: { 'retry-after': new Date(now + 7000).toUTCString() }, text: '' },
        now,
      ),
      7000,
    );
    assert.equal(
      retryAfterMs({ status: 429, headers: { 'x-ratelimit-reset': String(now / 1000 + 12) }, text: '' }, now),
      12_000,
    );
    assert.equal(retryAfterMs({ status: 429, headers: {}, text: '' }, now), undefined);
    const e = errorFromResponse(
      json(429, { Code: 429, Message: 'Too Many Requests' }, { 'retry-after': '2' }),
      'GET /x',
    );
    assert.equal(e.kind, 'rate-limit');
    assert.equal(e.retryAfterMs, 2000);
    assert.equal(e.transient, true);
  });

  test('401 and 403 are auth errors a person can act on; a reused nonce is the one transient one', () => {
    const nonce = errorFromResponse(json(401, { Code: 401, Message: 'oauth_problem=nonce_used' }), 'GET /x');
    assert.equal(nonce.kind, 'auth');
    assert.equal(nonce.transient, true);

    const permissions = errorFromResponse(
      json(401, { Code: 401, Message: 'The user has not granted the required permissions' }),
      'creating the album "Trip" in /api/v2/node/abc',
    );
    assert.equal(permissions.kind, 'auth');
    assert.equal(permissions.transient, false);
    assert.match(permissions.message, /has not been granted Modify permission; sign in again/);
    assert.match(permissions.message, /creating the album "Trip"/);

    const revoked = errorFromResponse(
      json(401, { Code: 401, Message: 'oauth_problem=token_rejected' }),
      'GET /x',
    );
    assert.match(revoked.message, /no longer valid.*sign in again/);
    const plain = errorFromResponse(
      { status: 401, headers: {}, text: 'oauth_problem=verifier_invalid' },
      'finishing',
    );
    assert.match(plain.message, /six-digit code was wrong/);
    const forbidden = errorFromResponse(
      { status: 403, headers: {}, text: '<title>403 Forbidden</title>' },
      'GET /x',
    );
    assert.equal(forbidden.kind, 'auth');
    assert.equal(forbidden.transient, false);
  });

  test('other statuses', () => {
    const cases: Array<[number, string, boolean]> = [
      [400, 'bad-request', false],
      [404, 'not-found', false],
      [409, 'conflict', false],
      [500, 'server', true],
      [503, 'server', true],
      [504, 'server', true],
    ];
    for (const [status, kind, transient] of cases) {
      const e = errorFromResponse(json(status, { Code: status, Message: 'x' }), 'GET /x');
      assert.equal(e.kind, kind, String(status));
      assert.equal(e.transient, transient, String(status));
      assert.equal(e.status, status);
    }
    const html = errorFromResponse(
      { status: 504, headers: {}, text: '<html>504 Gateway Time-out</html>' },
      'POST /y',
    );
    assert.equal(html.kind, 'server');
    assert.doesNotMatch(html.message, /<html>/);
  });

  test('which failed writes may have been applied', () => {
    assert.equal(mayHaveApplied(errorFromResponse(json(504, {}), 'POST /y')), true);
    assert.equal(mayHaveApplied(errorFromResponse(json(500, {}), 'POST /y')), true);
    assert.equal(mayHaveApplied(networkError('ETIMEDOUT', 'POST /y', true)), true);
    assert.equal(mayHaveApplied(networkError('ECONNRESET', 'POST /y', false)), true);
    assert.equal(mayHaveApplied(networkError('ECONNREFUSED', 'POST /y', false)), false);
    assert.equal(mayHaveApplied(errorFromResponse(json(429, {}), 'POST /y')), false);
    assert.equal(mayHaveApplied(errorFromResponse(json(409, {}), 'POST /y')), false);
    assert.equal(mayHaveApplied(new Error('x')), false);
  });

  test('uploader failure codes name the file and say whether a retry helps', () => {
    const cases: Array<[number, boolean, RegExp]> = [
      [5, true, /system error.*retrying may help/],
      [6, false, /does not accept this file type: "a b.bmp"/],
      [64, false, /does not accept this file type: "a b.bmp"/],
      [72, false, /video is too small/],
      [9, false, /album \/api\/v2\/album\/K for "a b\.bmp" is invalid/],
      [63, false, /album \/api\/v2\/album\/K is full.*"a b\.bmp"/],
      [99, false, /code 99/],
    ];
    for (const [code, transient, message] of cases) {
      const e = uploadFailure(code, 'msg', 'a b.bmp', '/api/v2/album/K');
      assert.equal(e.kind, 'upload-failed');
      assert.equal(e.code, code);
      assert.equal(e.transient, transient, String(code));
      assert.match(e.message, message);
      assert.match(e.message, /"a b\.bmp"/);
    }
  });
});

describe('reading objects', () => {
  test('an AlbumImage with short Uris, and one with only key and serial', () => {
    const full = toRemoteImage(
      {
        FileName: 'a.jpg',
        ImageKey: 'K1',
        Serial: 2,
        ArchivedMD5: 'ABCDEF',
        ArchivedSize: 10,
        IsVideo: false,
        Processing: true,
        Format: 'JPG',
        DateTimeUploaded: '2026-01-01T00:00:00+00:00',
        Uri: '/api/v2/album/A/image/K1-2',
        Uris: { Image: '/api/v2/image/K1-2' },
      },
      '/api/v2/album/A',
      'test',
    );
    assert.equal(full.imageUri, '/api/v2/image/K1-2');
    assert.equal(full.albumImageUri, '/api/v2/album/A/image/K1-2');
    assert.equal(full.archivedMD5, 'abcdef');
    assert.equal(full.processing, true);
    const bare = toRemoteImage(
      { FileName: 'b.jpg', ImageKey: 'K2', Serial: 0, ArchivedMD5: '' },
      '/api/v2/album/A',
      't',
    );
    assert.equal(bare.imageUri, '/api/v2/image/K2-0');
    assert.equal(bare.albumImageUri, '/api/v2/album/A/image/K2-0');
    assert.equal(bare.archivedMD5, undefined);
  });

  test('a node with object-form Uris (default verbosity) and a body that is not a node', () => {
    const node = toRemoteNode(
      {
        Uri: '/api/v2/node/N',
        NodeID: 'N',
        Type: 'Album',
        Name: 'X',
        UrlName: 'X',
        Uris: { Album: { Uri: '/api/v2/album/A' } },
      },
      't',
    );
    assert.equal(node.albumUri, '/api/v2/album/A');
    assert.throws(() => toRemoteNode({ Uri: '/api/v2/node/N', Type: 'Weird' }, 't'), {
      kind: 'bad-response',
    });
  });
});

describe('retry policy', () => {
  const policy = { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 5, maxRateLimitWaitMs: 1000 };

  test('a 429 waits as asked without using up a retry; transient failures back off', async () => {
    const waits: WaitInfo[] = [];
    const failures = [
      new SmugMugError('rate-limit', 'slow down', { retryAfterMs: 20 }),
      new SmugMugError('rate-limit', 'slow down', { retryAfterMs: 20 }),
      new SmugMugError('server', '500'),
      new SmugMugError('server', '503'),
    ];
    let calls = 0;
    const started = Date.now();
    const result = await withRetries(
      async () => {
        const failure = failures[calls++];
        if (failure) throw failure;
        return 'done';
      },
      policy,
      { onWait: (w) => waits.push(w) },
    );
    assert.equal(result, 'done');
    assert.equal(calls, 5);
    assert.deepEqual(
      waits.map((w) => w.reason),
      ['rate-limit', 'rate-limit', 'retry', 'retry'],
    );
    assert.equal(waits[0]?.ms, 20);
    assert.ok(Date.now() - started >= 40);
  });

  test('a reused nonce is retried at once; a non-transient failure is not retried', async () => {
    let calls = 0;
    const nonce = new SmugMugError('auth', 'nonce', { status: 401, transient: true });
    assert.equal(
      await withRetries(async () => {
        if (calls++ < 2) throw nonce;
        return 'ok';
      }, policy),
      'ok',
    );
    calls = 0;
    await assert.rejects(
      withRetries(async () => {
        calls++;
        throw new SmugMugError('conflict', 'taken');
      }, policy),
      { kind: 'conflict' },
    );
    assert.equal(calls, 1);
  });

  test('a 429 that outlasts the retries, or asks for too long a wait, is handed to the caller', async () => {
    let calls = 0;
    await assert.rejects(
      withRetries(async () => {
        calls++;
        throw new SmugMugError('rate-limit', 'slow down', { retryAfterMs: 1 });
      }, policy),
      { kind: 'rate-limit' },
    );
    assert.equal(calls, 3);
    calls = 0;
    await assert.rejects(
      withRetries(async () => {
        calls++;
        throw new SmugMugError('rate-limit', 'slow down', { retryAfterMs: 3_600_000 });
      }, policy),
      { kind: 'rate-limit', retryAfterMs: 3_600_000 },
    );
    assert.equal(calls, 1);
  });
});
