import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { SmugMugClient } from '../../src/smugmug/client.ts';
import { getAccessToken, getRequestToken } from '../../src/smugmug/login.ts';
import { SmugMugError } from '../../src/smugmug/types.ts';
import { authorizeInBrowser as authorize } from '../helpers/authorize.ts';

describe('signing in with the PIN flow', () => {
  let sandbox: Sandbox;
  const consumer = () => ({ consumerKey: sandbox.consumerKey, consumerSecret: sandbox.consumerSecret });

  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.close());

  const authorizeInBrowser = (url: string) => authorize(sandbox.oauthBaseUrl, url);

  const clientWith = (token: { token: string; tokenSecret: string }) =>
    new SmugMugClient({
      endpoints: sandbox.info,
      credentials: { ...consumer(), ...token },
      retry: { retries: 1, minTimeoutMs: 5, maxTimeoutMs: 10 },
    });

  test('request token, authorize with full access and Modify, code, access token that works', async () => {
    const request = await getRequestToken(sandbox.info, consumer());
    const url = new URL(request.authorizeUrl);
    assert.equal(`${url.origin}${url.pathname}`, `${sandbox.oauthBaseUrl}/authorize`);
    assert.equal(url.searchParams.get('oauth_token'), request.token);
    assert.equal(url.searchParams.get('Access'), 'Full');
    assert.equal(url.searchParams.get('Permissions'), 'Modify');

    const verifier = await authorizeInBrowser(request.authorizeUrl);
    const access = await getAccessToken(sandbox.info, consumer(), request, ` ${verifier}\n`);
    assert.notEqual(access.token, request.token);

    const client = clientWith(access);
    const me = await client.authUser();
    assert.equal(me.nickname, sandbox.nickname);
    const folder = await client.createNode(me.rootNodeUri, {
      type: 'Folder',
      name: 'Mine',
      urlName: 'Mine',
      privacy: 'Private',
    });
    assert.equal(folder.name, 'Mine');
  });

  test('a wrong code is an auth error that says what to do and shows no secret', async () => {
    const request = await getRequestToken(sandbox.info, consumer());
    await authorizeInBrowser(request.authorizeUrl);
    const error = await getAccessToken(sandbox.info, consumer(), request, '000000').catch((e: unknown) => e);
    assert.ok(error instanceof SmugMugError);
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /six-digit code was wrong or has expired/);
    for (const secret of [request.token, request.tokenSecret, sandbox.consumerSecret]) {
      assert.equal(error.message.includes(secret), false);
    }
  });

  test('a sign-in with only Read permission cannot create folders, and says so', async () => {
    const request = await getRequestToken(sandbox.info, consumer());
    const readOnly = new URL(request.authorizeUrl);
    readOnly.searchParams.set('Permissions', 'Read');
    const verifier = await authorizeInBrowser(readOnly.toString());
    const access = await getAccessToken(sandbox.info, consumer(), request, verifier);
    const client = clientWith(access);
    const me = await client.authUser();
    const error = await client
      .createNode(me.rootNodeUri, { type: 'Album', name: 'Nope', urlName: 'Nope', privacy: 'Private' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof SmugMugError);
    assert.equal(error.kind, 'auth');
    assert.equal(error.transient, false);
    assert.match(
      error.message,
      /SmugMug refused the sign-in.*the app has not been granted Modify permission; sign in again/,
    );
  });

  test('a consumer key SmugMug does not know is refused at the first step', async () => {
    const error = await getRequestToken(sandbox.info, {
      consumerKey: 'unknown-key',
      consumerSecret: 'whatever-secret',
    }).catch((e: unknown) => e);
    assert.ok(error instanceof SmugMugError);
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /does not recognise the app key/);
    assert.equal(error.message.includes('whatever-secret'), false);
  });
});
