import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  baseStringUri,
  decodeForm,
  hmacSha1Signature,
  normalizeParameters,
  parseAuthorizationHeader,
  signatureBaseString,
} from '../../src/sandbox/oauth-verify.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { SignedClient } from '../helpers/signed-client.ts';

// RFC 5849 §1.2 and §3.4.1: the specification's own example requests and signatures.
describe('OAuth signature vectors (RFC 5849)', () => {
  const consumerSecret = 'kd94hf93k423kf44';

  test('§3.4.1.1 signature base string', () => {
    const url = new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
    const header =
      'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", ' +
      'oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", ' +
      'oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"';
    const params = [
      ...decodeForm(url.search.slice(1)),
      ...decodeForm('c2&a3=2+q'),
      ...(parseAuthorizationHeader(header) ?? []),
    ];
    assert.equal(
      normalizeParameters(params),
      'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&' +
        'oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7',
    );
    assert.equal(
      signatureBaseString('POST', url, params),
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  test('§3.4.1.2 base string URI drops default ports and lower-cases the host', () => {
    assert.equal(
      baseStringUri(new URL('HTTP://EXAMPLE.COM:80/r%20v/X?id=123')),
      'http://example.com/r%20v/X',
    );
    assert.equal(
      baseStringUri(new URL('https://www.example.net:8080/?q=1')),
      'https://www.example.net:8080/',
    );
  });

  test('§1.2 temporary credentials request', () => {
    const params = parseAuthorizationHeader(
      'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature_method="HMAC-SHA1", ' +
        'oauth_timestamp="137131200", oauth_nonce="wIjqoS", oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready"',
    );
    const base = signatureBaseString('POST', new URL('https://photos.example.net/initiate'), params ?? []);
    assert.equal(hmacSha1Signature(base, consumerSecret, ''), '74KNZJeDHnMBp0EMJ9ZHt/XKycU=');
  });

  test('§1.2 token request', () => {
    const params = parseAuthorizationHeader(
      'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="hh5s93j4hdidpola", ' +
        'oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="walatlh", ' +
        'oauth_verifier="hfdp7dh39dks9884"',
    );
    const base = signatureBaseString('POST', new URL('https://photos.example.net/token'), params ?? []);
    assert.equal(hmacSha1Signature(base, consumerSecret, 'hdhd0244k9j7ao03'), 'gKgrFCywp7rO0OXSjdot/IHF7IU=');
  });

  test('§1.2 protected resource request with query parameters', () => {
    const url = new URL('http://photos.example.net/photos?file=vacation.jpg&size=original');
    const params = [
      ...decodeForm(url.search.slice(1)),
      ...(parseAuthorizationHeader(
        'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", ' +
          'oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH"',
      ) ?? []),
    ];
    const base = signatureBaseString('GET', url, params);
    assert.equal(hmacSha1Signature(base, consumerSecret, 'pfkkdhi9sl3r4s00'), 'MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });
});

describe('OAuth on the sandbox', () => {
  let sandbox: Sandbox;
  let client: SignedClient;
  before(async () => {
    sandbox = await startSandbox();
    client = new SignedClient(sandbox.info);
  });
  after(() => sandbox.close());

  const requestToken = async (callback: string) => {
    const res = await client.request('/services/oauth/1.0a/getRequestToken', {
      method: 'POST',
      token: null,
      oauthExtra: { oauth_callback: callback },
    });
    assert.equal(res.status, 200, res.text);
    const fields = new URLSearchParams(res.text);
    assert.equal(fields.get('oauth_callback_confirmed'), 'true');
    return { key: fields.get('oauth_token') as string, secret: fields.get('oauth_token_secret') as string };
  };

  /** What a browser does: open the authorize page, click Authorize. */
  const clickAuthorize = async (token: string, permissions: string) => {
    const page = await fetch(
      `${sandbox.oauthBaseUrl}/authorize?oauth_token=${encodeURIComponent(token)}&Access=Full&Permissions=${permissions}`,
    );
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /<button type="submit" id="authorize">Authorize<\/button>/);
    const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
      (m) => [m[1], m[2]] as [string, string],
    );
    return fetch(`${sandbox.oauthBaseUrl}/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  };

  const signIn = async (permissions: 'Read' | 'Add' | 'Modify') => {
    const temp = await requestToken('oob');
    const done = await clickAuthorize(temp.key, permissions);
    const verifier = /id="verifier" class="code">(\d{6})</.exec(await done.text())?.[1];
    assert.ok(verifier, 'the authorize page shows a six-digit verifier');
    const res = await client.request('/services/oauth/1.0a/getAccessToken', {
      method: 'POST',
      token: temp,
      oauthExtra: { oauth_verifier: verifier },
    });
    assert.equal(res.status, 200, res.text);
    const fields = new URLSearchParams(res.text);
    return {
      temp,
      verifier,
      access: {
        key: fields.get('oauth_token') as string,
        secret: fields.get('oauth_token_secret') as string,
      },
    };
  };

  test('request token needs oauth_callback', async () => {
    const res = await client.request('/services/oauth/1.0a/getRequestToken', { method: 'POST', token: null });
    assert.equal(res.status, 400);
    assert.match(res.text, /oauth_problem=parameter_absent/);
  });

  test('PIN (oob) flow: request token, one click, verifier, access token that works', async () => {
    const { temp, verifier, access } = await signIn('Modify');
    const me = await client.request('/api/v2!authuser', { token: access });
    assert.equal(me.status, 200);
    assert.equal(me.json().Response.User.NickName, sandbox.nickname);
    const again = await client.request('/services/oauth/1.0a/getAccessToken', {
      method: 'POST',
      token: temp,
      oauthExtra: { oauth_verifier: verifier },
    });
    assert.equal(again.status, 401, 'request tokens are single-use');
  });

  test('a wrong verifier is refused', async () => {
    const temp = await requestToken('oob');
    await clickAuthorize(temp.key, 'Read');
    const res = await client.request('/services/oauth/1.0a/getAccessToken', {
      method: 'POST',
      token: temp,
      oauthExtra: { oauth_verifier: '000000' },
    });
    assert.equal(res.status, 401);
    assert.match(res.text, /verifier_invalid/);
  });

  test('callback flow redirects with token and verifier', async () => {
    const temp = await requestToken('https://app.example/done');
    const res = await clickAuthorize(temp.key, 'Add');
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location') as string);
    assert.equal(location.origin + location.pathname, 'https://app.example/done');
    assert.equal(location.searchParams.get('oauth_token'), temp.key);
    assert.match(location.searchParams.get('oauth_verifier') ?? '', /^\d{6}$/);
  });

  test('permission levels: Read, Add, Modify', async () => {
    const root = await client.rootNodeId();
    const album = await client.createAlbum(root, 'Permissions');
    for (const [level, canUpload, canCreate] of [
      ['Read', false, false],
      ['Add', true, false],
      ['Modify', true, true],
    ] as const) {
      const { access } = await signIn(level);
      const read = await client.request(`/api/v2/node/${root}`, { token: access });
      assert.equal(read.status, 200, `${level} can read`);
      const create = await client.request(`/api/v2/node/${root}!children`, {
        method: 'POST',
        token: access,
        json: { Type: 'Folder', Name: `By ${level}` },
      });
      assert.equal(create.status, canCreate ? 201 : 401, `${level} creating a folder: ${create.text}`);
      if (!canCreate)
        assert.equal(create.json().Message, 'The user has not granted the required permissions');
      const url = sandbox.uploadUrl;
      const upload = await fetch(url, {
        method: 'POST',
        headers: {
          Authorization: client.authorization('POST', url, { token: access }),
          'Content-Type': 'image/jpeg',
          'X-Smug-AlbumUri': album.albumUri,
          'X-Smug-FileName': `${level}.jpg`,
          'X-Smug-ResponseType': 'JSON',
          'X-Smug-Version': 'v2',
        },
        body: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
      });
      assert.equal(
        upload.status === 200 && ((await upload.json()) as { stat: string }).stat === 'ok',
        canUpload,
        `${level} uploading`,
      );
    }
  });

  test('a bad signature, a stale timestamp and an unknown token are refused', async () => {
    const wrong = new SignedClient({ ...sandbox.info, consumerSecret: 'not-the-secret' });
    const bad = await wrong.request('/api/v2!authuser');
    assert.deepEqual(
      [bad.status, bad.json()],
      [401, { Code: 401, Message: 'oauth_problem=signature_invalid' }],
    );
    const stale = await client.request('/api/v2!authuser', {
      fixed: { nonce: 'stale-nonce', timestamp: Math.floor(Date.now() / 1000) - 3600 },
    });
    assert.equal(stale.json().Message, 'oauth_problem=timestamp_refused');
    const unknown = await client.request('/api/v2!authuser', { token: { key: 'nope', secret: 'nope' } });
    assert.equal(unknown.json().Message, 'oauth_problem=token_rejected');
  });

  test('a replayed nonce gets 401 oauth_problem=nonce_used', async () => {
    const fixed = { nonce: `n${Date.now()}`, timestamp: Math.floor(Date.now() / 1000) };
    const first = await client.request('/api/v2!authuser', { fixed });
    assert.equal(first.status, 200);
    const replay = await client.request('/api/v2!authuser', { fixed });
    assert.equal(replay.status, 401);
    assert.deepEqual(replay.json(), { Code: 401, Message: 'oauth_problem=nonce_used' });
  });

  test('query parameters are signed', async () => {
    const url = client.url('/api/v2!authuser');
    const res = await fetch(`${url}?_verbosity=1`, {
      headers: { Authorization: client.authorization('GET', url), Accept: 'application/json' },
    });
    assert.equal(res.status, 401);
    const ok = await client.request('/api/v2!authuser?_verbosity=1');
    assert.equal(ok.status, 200);
  });

  test('form bodies are signed; JSON bodies are not', async () => {
    const root = await client.rootNodeId();
    const path = `/api/v2/node/${root}!children`;
    const signedForm = await client.request(path, {
      method: 'POST',
      form: { Type: 'Folder', Name: 'Form signed' },
    });
    assert.equal(signedForm.status, 201, signedForm.text);
    const url = client.url(path);
    const unsignedForm = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: client.authorization('POST', url),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'Type=Folder&Name=Form+not+signed',
    });
    assert.equal(unsignedForm.status, 401);
    const json = await fetch(url, {
      method: 'POST',
      headers: { Authorization: client.authorization('POST', url), 'Content-Type': 'application/json' },
      body: JSON.stringify({ Type: 'Folder', Name: 'JSON body' }),
    });
    assert.equal(json.status, 201);
  });

  test('OAuth parameters in the query work on the API but not on the uploader', async () => {
    const url = client.url('/api/v2!authuser');
    const header = client.authorization('GET', url);
    const params = new URLSearchParams(parseAuthorizationHeader(header) ?? []);
    const viaQuery = await fetch(`${url}?${params.toString()}`);
    assert.equal(viaQuery.status, 200);

    const root = await client.rootNodeId();
    const album = await client.createAlbum(root, 'Query upload');
    const upUrl = sandbox.uploadUrl;
    const upParams = new URLSearchParams(parseAuthorizationHeader(client.authorization('POST', upUrl)) ?? []);
    const upload = await fetch(`${upUrl}?${upParams.toString()}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'image/jpeg',
        'X-Smug-AlbumUri': album.albumUri,
        'X-Smug-ResponseType': 'JSON',
        'X-Smug-Version': 'v2',
      },
      body: new Uint8Array([1, 2, 3]),
    });
    assert.equal(upload.status, 401);
  });

  test('API key alone gives public access to public nodes only', async () => {
    const root = await client.rootNodeId();
    const pub = await client.createNode(root, { Type: 'Folder', Name: 'Shown', Privacy: 'Public' });
    const priv = await client.createNode(root, { Type: 'Folder', Name: 'Hidden', Privacy: 'Private' });
    const base = client.url('/api/v2/node/');
    const shown = await fetch(`${base}${pub.json().Response.Node.NodeID}?APIKey=${sandbox.consumerKey}`);
    assert.equal(shown.status, 200);
    const node = ((await shown.json()) as any).Response.Node;
    assert.equal(node.ResponseLevel, 'Public');
    assert.equal('Privacy' in node, false);
    const hidden = await fetch(`${base}${priv.json().Response.Node.NodeID}?APIKey=${sandbox.consumerKey}`);
    assert.equal(hidden.status, 404);
    const badKey = await fetch(`${base}${pub.json().Response.Node.NodeID}?APIKey=unknown`);
    assert.equal(badKey.status, 401);

    // Paging counts only what the public may see, on every page.
    const owner = (await client.request(`/api/v2/node/${root}!children?count=100`)).json().Response.Node;
    const publicCount = owner.filter((n: { Privacy: string }) => n.Privacy !== 'Private').length;
    assert.ok(publicCount < owner.length, 'the root holds private and public children');
    const page: any = await (
      await fetch(`${base}${root}!children?count=1&APIKey=${sandbox.consumerKey}`)
    ).json();
    assert.equal(page.Response.Pages.Total, publicCount);
    assert.equal(page.Response.Node.length, 1);
    assert.notEqual(page.Response.Node[0].Name, 'Hidden');
  });
});
