// Fault injection and rate limiting (API-NOTES §6): the spec parser, forced and fractional
// faults, 504-after-commit, connection resets, slow responses, the windowed rate limiter and the
// /__sandbox/ control endpoints.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { FaultSpecError, parseFaultSpec } from '../../src/sandbox/faults.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { findNode, imagesOf, jsonOf, md5Hex } from '../helpers/account.ts';
import { rawRequest } from '../helpers/raw-http.ts';
import { SignedClient } from '../helpers/signed-client.ts';

function uploadHeaders(albumUri: string, fileName: string): Record<string, string> {
  return { 'X-Smug-AlbumUri': albumUri, 'X-Smug-FileName': fileName };
}

describe('parseFaultSpec', () => {
  test('accepts the full spec', () => {
    assert.deepEqual(
      parseFaultSpec('500=0.05,503=0.05,429=50x5@1,reset=0.02,504commit=0.02,slow=0.1@2000,seed=7'),
      {
        error500: 0.05,
        error503: 0.05,
        burst429: { every: 50, length: 5, retryAfter: 1 },
        resetUpload: 0.02,
        timeoutAfterCommit: 0.02,
        slowFraction: 0.1,
        slowMs: 2000,
        seed: 7,
      },
    );
  });

  test('empty and none mean no faults', () => {
    for (const spec of ['', '  ', 'none']) {
      const config = parseFaultSpec(spec);
      assert.equal(config.error500, 0);
      assert.equal(config.error503, 0);
      assert.equal(config.burst429, null);
      assert.equal(config.slowMs, 0);
    }
  });

  test('rejects bad specs with a message naming the problem', () => {
    const bad: Array<[string, RegExp]> = [
      ['500', /"500".*"="/],
      ['500=2', /"500".*fraction.*"2"/],
      ['503=-0.1', /"503".*fraction/],
      ['reset=lots', /"reset".*fraction.*"lots"/],
      ['429=5', /"429".*EVERYxLENGTH.*"5"/],
      ['429=0x5@1', /429 every.*"0"/],
      ['slow=0.1', /"slow".*FRACTION@MILLISECONDS.*"0\.1"/],
      ['slow=1.5@100', /"slow".*fraction.*"1\.5"/],
      ['seed=0', /"seed".*whole number.*"0"/],
      ['teapot=1', /unknown fault "teapot"/],
      ['500=0.1,,503=0.1', /has no "="/],
    ];
    for (const [spec, message] of bad) {
      assert.throws(
        () => parseFaultSpec(spec),
        (e: unknown) => {
          assert.ok(e instanceof FaultSpecError, `${spec}: a FaultSpecError`);
          assert.match(e.message, message, `${spec}: ${e.message}`);
          return true;
        },
      );
    }
  });

  test('a sandbox started with a bad spec fails to start and leaves no server behind', async () => {
    await assert.rejects(startSandbox({ faults: 'teapot=1' }), /unknown fault "teapot"/);
  });
});

describe('faults', () => {
  let sandbox: Sandbox;
  let client: SignedClient;
  let rootId: string;
  before(async () => {
    sandbox = await startSandbox();
    client = new SignedClient(sandbox.info);
    rootId = await client.rootNodeId();
  });
  after(async () => {
    await sandbox.close();
  });

  const healthy = async () => {
    const res = await client.request('/api/v2!authuser');
    assert.equal(res.status, 200, `a normal request works again: ${res.text}`);
  };

  test('forced 500: the next request answers the JSON envelope and nothing is applied', async () => {
    sandbox.forceFault('500');
    const res = await client.createNode(rootId, { Type: 'Album', Name: 'Never', UrlName: 'Never' });
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), { Code: 500, Message: 'Internal Server Error' });
    assert.equal(
      findNode(sandbox.dump().Root, (n) => n.Name === 'Never'),
      null,
      'the album was not created',
    );
    // Only one request was hit.
    const again = await client.createNode(rootId, { Type: 'Album', Name: 'Never', UrlName: 'Never' });
    assert.equal(again.status, 201, again.text);
    assert.ok(findNode(sandbox.dump().Root, (n) => n.Name === 'Never'));
  });

  test('forced 503 answers the JSON envelope once', async () => {
    sandbox.forceFault('503', 2);
    for (let i = 0; i < 2; i++) {
      const res = await client.request('/api/v2!authuser');
      assert.equal(res.status, 503);
      assert.deepEqual(res.json(), { Code: 503, Message: 'Service Unavailable' });
    }
    await healthy();
  });

  test('forced 429 carries Retry-After', async () => {
    sandbox.forceFault('429');
    const res = await client.request('/api/v2!authuser');
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1,
      `Retry-After ${res.headers.get('retry-after')}`,
    );
    assert.deepEqual(res.json(), { Code: 429, Message: 'Too Many Requests' });
    await healthy();
  });

  test('forced faults hit uploads too, and nothing is stored', async () => {
    const album = await client.createAlbum(rootId, 'ForcedUpload');
    sandbox.forceFault('500');
    const res = await client.upload(randomBytes(2000), uploadHeaders(album.albumUri, 'f.jpg'));
    assert.equal(res.status, 500);
    assert.equal(res.json().Code, 500);
    assert.equal(imagesOf(sandbox, album.albumKey).length, 0);
  });

  test('429 bursts from the spec: 429=5x2@1 answers requests 5 and 6 with 429', async () => {
    sandbox.setFaults('429=5x2@1');
    try {
      const statuses: number[] = [];
      const retryAfters: Array<string | null> = [];
      for (let i = 0; i < 12; i++) {
        const res = await client.request('/api/v2!authuser');
        statuses.push(res.status);
        retryAfters.push(res.headers.get('retry-after'));
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429, 200, 200, 200, 429, 429, 200]);
      assert.equal(retryAfters[4], '1');
      assert.equal(retryAfters[5], '1');
      assert.equal(retryAfters[0], null);
    } finally {
      sandbox.setFaults('none');
    }
  });

  test('forced reset cuts the upload mid-body and stores nothing', async () => {
    const album = await client.createAlbum(rootId, 'Reset');
    sandbox.forceFault('reset');
    const MB = 1024 * 1024;
    const block = randomBytes(MB);
    const url = sandbox.uploadUrl;
    let received = 0;
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 16; i++) yield block;
      })(),
    );
    const outcome = await rawRequest(url, {
      method: 'POST',
      headers: {
        Authorization: client.authorization('POST', url),
        'Content-Length': 16 * MB,
        'X-Smug-Version': 'v2',
        'X-Smug-ResponseType': 'JSON',
        ...uploadHeaders(album.albumUri, 'reset.jpg'),
      },
      body,
    }).then(
      (res) => {
        received = res.status;
        return null;
      },
      (e: NodeJS.ErrnoException) => e,
    );
    assert.ok(outcome, `the client saw an error, not HTTP ${received}`);
    assert.ok(
      ['ECONNRESET', 'EPIPE'].includes(outcome.code ?? ''),
      `socket error: ${outcome.code} ${outcome.message}`,
    );
    assert.equal(imagesOf(sandbox, album.albumKey).length, 0, 'nothing stored');
    // The next upload goes through.
    const bytes = randomBytes(3000);
    const ok = await client.upload(bytes, uploadHeaders(album.albumUri, 'after.jpg'));
    assert.equal(ok.json().stat, 'ok', ok.text);
    assert.deepEqual(
      imagesOf(sandbox, album.albumKey).map((i) => [i.FileName, i.ArchivedMD5]),
      [['after.jpg', md5Hex(bytes)]],
    );
  });

  test('forced 504commit on an upload answers 504 HTML but the image is stored', async () => {
    const album = await client.createAlbum(rootId, 'Commit');
    const bytes = randomBytes(3000);
    sandbox.forceFault('504commit');
    const res = await client.upload(bytes, uploadHeaders(album.albumUri, 'late.jpg'));
    assert.equal(res.status, 504);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.text, /504 Gateway Time-out/);
    const stored = imagesOf(sandbox, album.albumKey);
    assert.equal(stored.length, 1, 'the upload was applied');
    assert.equal(stored[0].FileName, 'late.jpg');
    assert.equal(stored[0].ArchivedMD5, md5Hex(bytes));
  });

  test('forced 504commit on POST !children answers 504 but the node exists', async () => {
    sandbox.forceFault('504commit');
    const res = await client.createNode(rootId, { Type: 'Folder', Name: 'Timed Out', UrlName: 'Timed-Out' });
    assert.equal(res.status, 504);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const node = findNode(sandbox.dump().Root, (n) => n.Name === 'Timed Out');
    assert.ok(node, 'the folder was created');
    assert.equal(node.Type, 'Folder');
    // A retry without looking first would now conflict.
    const retry = await client.createNode(rootId, {
      Type: 'Folder',
      Name: 'Timed Out',
      UrlName: 'Timed-Out',
    });
    assert.equal(retry.status, 409, retry.text);
  });

  test('504commit waits for a write: reads before it are not affected', async () => {
    sandbox.forceFault('504commit');
    await healthy();
    await healthy();
    const res = await client.createNode(rootId, { Type: 'Folder', Name: 'Later', UrlName: 'Later' });
    assert.equal(res.status, 504);
    assert.ok(findNode(sandbox.dump().Root, (n) => n.Name === 'Later'));
    const next = await client.createNode(rootId, { Type: 'Folder', Name: 'Later 2', UrlName: 'Later-2' });
    assert.equal(next.status, 201);
  });

  test('forced faults of different kinds do not wait on each other', async () => {
    // A 504commit waits for a write and a reset for an upload; a 500 forced after them still
    // hits the very next request.
    sandbox.forceFault('504commit');
    sandbox.forceFault('reset');
    sandbox.forceFault('500');
    sandbox.forceFault('503');
    assert.equal((await client.request('/api/v2!authuser')).status, 500);
    assert.equal((await client.request('/api/v2!authuser')).status, 503);
    await healthy();
    const album = await client.createAlbum(rootId, 'Queued').catch((e: Error) => e);
    assert.ok(album instanceof Error && /504/.test(album.message), 'the write took the 504commit');
    const made = findNode(sandbox.dump().Root, (n) => n.Name === 'Queued');
    assert.ok(made, 'and was applied');
    const res = await client
      .upload(randomBytes(4000), uploadHeaders(`/api/v2/album/${made.AlbumKey}`, 'q.jpg'))
      .then(
        () => null,
        (e: Error) => e,
      );
    assert.ok(res instanceof Error, 'the upload took the reset');
    assert.equal(imagesOf(sandbox, made.AlbumKey).length, 0);
    const ok = await client.upload(
      randomBytes(4000),
      uploadHeaders(`/api/v2/album/${made.AlbumKey}`, 'q.jpg'),
    );
    assert.equal(ok.json().stat, 'ok', 'no faults left queued');
  });

  test('slow=1@600 delays every response by at least 600 ms', async () => {
    sandbox.setFaults('slow=1@600');
    try {
      for (let i = 0; i < 2; i++) {
        const started = performance.now();
        const res = await client.request('/api/v2!authuser');
        const took = performance.now() - started;
        assert.equal(res.status, 200);
        assert.ok(took >= 595, `took ${took.toFixed(0)} ms`);
      }
    } finally {
      sandbox.setFaults('none');
    }
    const started = performance.now();
    await healthy();
    // Well under the injected delay, with room for a loaded CI machine.
    assert.ok(performance.now() - started < 500, 'fast again without the fault');
  });

  test('fractional faults with a seed are reproducible', async () => {
    const run = async (spec: string) => {
      sandbox.setFaults(spec);
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) statuses.push((await client.request('/api/v2!authuser')).status);
      return statuses;
    };
    try {
      const first = await run('500=0.3,503=0.2,seed=7');
      const second = await run('500=0.3,503=0.2,seed=7');
      const other = await run('500=0.3,503=0.2,seed=8');
      assert.deepEqual(second, first, 'same seed, same sequence');
      assert.notDeepEqual(other, first, 'another seed, another sequence');
      for (const status of [200, 500, 503])
        assert.ok(first.includes(status), `${status} in ${first.join(',')}`);
      assert.ok(first.every((s) => [200, 500, 503].includes(s)));
    } finally {
      sandbox.setFaults('none');
    }
    await healthy();
  });
});

describe('rate limiting', () => {
  test('a window of 5: headers count down, the 6th is 429 with Retry-After', async () => {
    const sandbox = await startSandbox();
    try {
      const client = new SignedClient(sandbox.info);
      sandbox.setRateLimit({ limit: 5, windowSeconds: 60 });
      const nowSeconds = Date.now() / 1000;
      const remaining: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await client.request('/api/v2!authuser');
        assert.equal(res.status, 200);
        remaining.push(Number(res.headers.get('x-ratelimit-remaining')));
        const reset = Number(res.headers.get('x-ratelimit-reset'));
        assert.ok(Number.isInteger(reset), `X-RateLimit-Reset ${res.headers.get('x-ratelimit-reset')}`);
        assert.ok(reset > nowSeconds && reset <= nowSeconds + 62, `reset ${reset} is in the coming minute`);
      }
      assert.deepEqual(remaining, [4, 3, 2, 1, 0]);
      const limited = await client.request('/api/v2!authuser');
      assert.equal(limited.status, 429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${limited.headers.get('retry-after')}`);
      assert.deepEqual(limited.json(), { Code: 429, Message: 'Too Many Requests' });
      assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
      assert.ok(limited.headers.get('x-ratelimit-reset'));
      // Writes are refused too, and not applied.
      const rootId = sandbox.dump().Root.NodeID;
      const write = await client.createNode(rootId, { Type: 'Folder', Name: 'Over', UrlName: 'Over' });
      assert.equal(write.status, 429);
      assert.equal(
        findNode(sandbox.dump().Root, (n) => n.Name === 'Over'),
        null,
      );
    } finally {
      await sandbox.close();
    }
  });

  test('uploader responses carry the rate limit headers and obey the limit', async () => {
    const sandbox = await startSandbox();
    try {
      const client = new SignedClient(sandbox.info);
      const root = await client.rootNodeId();
      const album = await client.createAlbum(root, 'Limited');
      sandbox.setRateLimit({ limit: 5, windowSeconds: 60 });
      // Two requests so far in this window: rootNodeId and createAlbum.
      const ok = await client.upload(randomBytes(2000), uploadHeaders(album.albumUri, 'a.jpg'));
      assert.equal(ok.json().stat, 'ok');
      assert.equal(ok.headers.get('x-ratelimit-remaining'), '2');
      assert.ok(Number(ok.headers.get('x-ratelimit-reset')) > Date.now() / 1000);
      const failed = await client.upload(randomBytes(2000), uploadHeaders(album.albumUri, 'a.webp'));
      assert.equal(failed.json().stat, 'fail');
      assert.equal(failed.headers.get('x-ratelimit-remaining'), '1');
      const last = await client.upload(randomBytes(2000), uploadHeaders(album.albumUri, 'b.jpg'));
      assert.equal(last.headers.get('x-ratelimit-remaining'), '0');
      const limited = await client.upload(randomBytes(2000), uploadHeaders(album.albumUri, 'c.jpg'));
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.deepEqual(limited.json(), { Code: 429, Message: 'Too Many Requests' });
      assert.deepEqual(
        imagesOf(sandbox, album.albumKey)
          .map((i) => i.FileName)
          .sort(),
        ['a.jpg', 'b.jpg'],
      );
    } finally {
      await sandbox.close();
    }
  });

  test('a new window opens after the old one ends', async () => {
    let offset = 0;
    const sandbox = await startSandbox({ now: () => Math.floor(Date.now() / 1000) + offset });
    try {
      const client = new SignedClient(sandbox.info);
      sandbox.setRateLimit({ limit: 2, windowSeconds: 30 });
      assert.equal((await client.request('/api/v2!authuser')).status, 200);
      assert.equal((await client.request('/api/v2!authuser')).status, 200);
      assert.equal((await client.request('/api/v2!authuser')).status, 429);
      offset = 31;
      // The signature's timestamp is checked against the same clock, so sign with it.
      const res = await client.request('/api/v2!authuser', {
        fixed: { nonce: 'window-two', timestamp: Math.floor(Date.now() / 1000) + offset },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('x-ratelimit-remaining'), '1');
    } finally {
      await sandbox.close();
    }
  });
});

describe('control endpoints', () => {
  test('POST /__sandbox/faults switches faults at run time; GET /__sandbox/dump needs no auth', async () => {
    const sandbox = await startSandbox();
    try {
      const client = new SignedClient(sandbox.info);
      const post = (body: unknown) =>
        fetch(`${sandbox.origin}/__sandbox/faults`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      const on = await post({ spec: '500=1' });
      assert.equal(on.status, 200);
      assert.equal((await jsonOf(on)).error500, 1);
      const failing = await client.request('/api/v2!authuser');
      assert.equal(failing.status, 500);
      assert.deepEqual(failing.json(), { Code: 500, Message: 'Internal Server Error' });

      const current = await fetch(`${sandbox.origin}/__sandbox/faults`);
      assert.equal((await jsonOf(current)).error500, 1);

      const bad = await post({ spec: 'teapot=1' });
      assert.equal(bad.status, 400);
      assert.match((await jsonOf(bad)).error, /unknown fault "teapot"/);

      const off = await post({ spec: 'none' });
      assert.equal(off.status, 200);
      assert.equal((await client.request('/api/v2!authuser')).status, 200);

      const forced = await post({ force: '503' });
      assert.equal(forced.status, 200);
      assert.equal((await client.request('/api/v2!authuser')).status, 503);
      assert.equal((await client.request('/api/v2!authuser')).status, 200);

      const root = await client.rootNodeId();
      await client.createAlbum(root, 'Dumped');
      const dump = await fetch(`${sandbox.origin}/__sandbox/dump`);
      assert.equal(dump.status, 200);
      const tree = await jsonOf(dump);
      assert.equal(tree.NickName, sandbox.nickname);
      assert.equal(tree.Root.NodeID, root);
      assert.ok(findNode(tree.Root, (n) => n.Name === 'Dumped' && n.Type === 'Album'));
      assert.equal(tree.ImageCount, 0);
      // Control requests are neither counted nor rate limited.
      assert.equal(sandbox.stats().byStatus['500'], 1);
    } finally {
      await sandbox.close();
    }
  });
});
