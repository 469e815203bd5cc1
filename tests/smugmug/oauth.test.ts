import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authorizationHeader,
  baseStringUri,
  hmacSha1,
  percentEncode,
  signatureBaseString,
} from '../../src/smugmug/oauth.ts';
import { makeOAuth } from '../helpers/signed-client.ts';

/** The fields of an `Authorization: OAuth ...` header, decoded. */
function fieldsOf(header: string): Record<string, string> {
  assert.match(header, /^OAuth /);
  const out: Record<string, string> = {};
  for (const m of header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)) {
    out[m[1] as string] = decodeURIComponent(m[2] as string);
  }
  return out;
}

describe('RFC 5849 examples', () => {
  test('§3.4.1.1 signature base string (query, form body and header parameters)', () => {
    const url = new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
    const params: Array<[string, string]> = [
      ['b5', '=%3D'],
      ['a3', 'a'],
      ['c@', ''],
      ['a2', 'r b'],
      ['c2', ''],
      ['a3', '2 q'],
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
    ];
    assert.equal(
      signatureBaseString('POST', url, params),
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  test('§1.2 protected resource request with query parameters', () => {
    const url = 'http://photos.example.net/photos?file=vacation.jpg&size=original';
    const oauth: Array<[string, string]> = [
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_token', 'nnch734d00sl2jdk'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131202'],
      ['oauth_nonce', 'chapoH'],
    ];
    const query: Array<[string, string]> = [
      ['file', 'vacation.jpg'],
      ['size', 'original'],
    ];
    const base = signatureBaseString('GET', new URL(url), [...query, ...oauth]);
    assert.equal(hmacSha1(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00'), 'MdpQcU8iPSUjWoN/UDMsK2sui9I=');

    // The header adds oauth_version, which the RFC example leaves out; the rest is the same request.
    const fields = fieldsOf(
      authorizationHeader(
        'GET',
        url,
        {
          consumerKey: 'dpf43f3p2l4k3l03',
          consumerSecret: 'kd94hf93k423kf44',
          token: 'nnch734d00sl2jdk',
          tokenSecret: 'pfkkdhi9sl3r4s00',
        },
        { oauthParams: { oauth_timestamp: '137131202', oauth_nonce: 'chapoH' } },
      ),
    );
    assert.equal(fields.oauth_version, '1.0');
    const withVersion = signatureBaseString('GET', new URL(url), [
      ...query,
      ...oauth,
      ['oauth_version', '1.0'],
    ]);
    assert.equal(fields.oauth_signature, hmacSha1(withVersion, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00'));
  });

  test('§1.2 temporary credentials request with a callback', () => {
    const base = signatureBaseString('POST', new URL('https://photos.example.net/initiate'), [
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131200'],
      ['oauth_nonce', 'wIjqoS'],
      ['oauth_callback', 'http://printer.example.com/ready'],
    ]);
    assert.equal(hmacSha1(base, 'kd94hf93k423kf44'), '74KNZJeDHnMBp0EMJ9ZHt/XKycU=');
  });

  test('§3.4.1.2 base string URI and §3.6 percent-encoding', () => {
    assert.equal(
      baseStringUri(new URL('HTTP://EXAMPLE.COM:80/r%20v/X?id=123')),
      'http://example.com/r%20v/X',
    );
    assert.equal(
      baseStringUri(new URL('https://www.example.net:8080/?q=1')),
      'https://www.example.net:8080/',
    );
    assert.equal(
      baseStringUri(new URL('https://api.smugmug.com:443/api/v2!authuser')),
      'https://api.smugmug.com/api/v2!authuser',
    );
    assert.equal(percentEncode("Ladies + Gentlemen!*'()~._-"), 'Ladies%20%2B%20Gentlemen%21%2A%27%28%29~._-');
    assert.equal(percentEncode('Été 🌅'), '%C3%89t%C3%A9%20%F0%9F%8C%85');
  });
});

describe('cross-check with the oauth-1.0a package', () => {
  const creds = {
    consumerKey: 'sbx-key-123',
    consumerSecret: 'c0nsumer secret & more',
    token: 'tok-456',
    tokenSecret: 'token/secret=!',
  };
  const reference = makeOAuth(creds.consumerKey, creds.consumerSecret);

  const cases: Array<{
    method: string;
    base: string;
    query: Record<string, string>;
    form?: Record<string, string>;
  }> = [
    { method: 'GET', base: 'https://api.smugmug.com/api/v2!authuser', query: { _verbosity: '1' } },
    {
      method: 'GET',
      base: 'http://127.0.0.1:8123/api/v2/album/AbC123!images',
      query: {
        count: '200',
        start: '201',
        _filter: 'FileName,ImageKey,ArchivedMD5',
        FileNames: `${encodeURIComponent('Été 🌅 a&b, c.jpg')},${encodeURIComponent("it's (1)*.jpg")}`,
      },
    },
    { method: 'POST', base: 'https://upload.smugmug.com/', query: {} },
    {
      method: 'POST',
      base: 'https://api.smugmug.com/api/v2/node/zx4Fx!children',
      query: { _verbosity: '1' },
      form: { Name: 'Black & White ✓', Type: 'Album', UrlName: 'Black-White' },
    },
  ];

  for (const c of cases) {
    test(`${c.method} ${c.base} signs the same with the same nonce and timestamp`, () => {
      const url = new URL(c.base);
      for (const [k, v] of Object.entries(c.query)) url.searchParams.set(k, v);
      const header = authorizationHeader(
        c.method,
        url.toString(),
        creds,
        c.form
          ? { oauthParams: { oauth_nonce: 'n0nce-fixed', oauth_timestamp: '1700000000' }, formParams: c.form }
          : { oauthParams: { oauth_nonce: 'n0nce-fixed', oauth_timestamp: '1700000000' } },
      );
      const ours = fieldsOf(header);
      // oauth-1.0a reads query values from the URL without decoding them, so it gets them as data.
      const expected = reference.getSignature(
        { url: c.base, method: c.method, data: { ...c.query, ...(c.form ?? {}) } },
        creds.tokenSecret,
        {
          oauth_consumer_key: creds.consumerKey,
          oauth_nonce: 'n0nce-fixed',
          oauth_signature_method: 'HMAC-SHA1',
          oauth_timestamp: 1700000000,
          oauth_version: '1.0',
          oauth_token: creds.token,
        } as unknown as Parameters<typeof reference.getSignature>[2],
      );
      assert.equal(ours.oauth_signature, expected);
      assert.equal(ours.oauth_token, creds.token);
      assert.equal(ours.oauth_consumer_key, creds.consumerKey);
    });
  }

  test('every header has a fresh nonce and a current timestamp', () => {
    const a = fieldsOf(authorizationHeader('GET', 'https://api.smugmug.com/api/v2!authuser', creds));
    const b = fieldsOf(authorizationHeader('GET', 'https://api.smugmug.com/api/v2!authuser', creds));
    assert.notEqual(a.oauth_nonce, b.oauth_nonce);
    assert.ok(Math.abs(Number(a.oauth_timestamp) - Date.now() / 1000) < 5);
    assert.equal(a.oauth_signature_method, 'HMAC-SHA1');
    assert.equal('oauth_token_secret' in a, false);
  });

  test('a request without a token (request-token step) carries the callback and no oauth_token', () => {
    const fields = fieldsOf(
      authorizationHeader(
        'POST',
        'https://api.smugmug.com/services/oauth/1.0a/getRequestToken',
        { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret },
        { oauthParams: { oauth_callback: 'oob', oauth_nonce: 'n', oauth_timestamp: '1700000000' } },
      ),
    );
    assert.equal(fields.oauth_callback, 'oob');
    assert.equal('oauth_token' in fields, false);
    const expected = reference.getSignature(
      {
        url: 'https://api.smugmug.com/services/oauth/1.0a/getRequestToken',
        method: 'POST',
        data: { oauth_callback: 'oob' },
      },
      undefined,
      {
        oauth_consumer_key: creds.consumerKey,
        oauth_nonce: 'n',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: 1700000000,
        oauth_version: '1.0',
      } as unknown as Parameters<typeof reference.getSignature>[2],
    );
    assert.equal(fields.oauth_signature, expected);
  });
});
