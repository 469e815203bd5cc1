// `safelight serve` as a person runs it: a child process on a free port that prints the address
// to open, serves the engine to a page holding the token, and stops cleanly on SIGINT; a taken
// port and an unbuilt window are one clear line each.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { homePaths } from '../../src/config/home.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { runCli } from '../helpers/cli-process.ts';
import { rawRequest } from '../helpers/raw-http.ts';
import { connect, INDEX_HTML, until, writeRenderer } from './support.ts';

describe('safelight serve', () => {
  let root: string;
  let sandbox: Sandbox;
  let env: NodeJS.ProcessEnv;
  let readyFile: string;
  const children: ChildProcess[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'safelight-serve-'));
    await writeRenderer(join(root, 'ui'));
    sandbox = await startSandbox();
    readyFile = join(root, 'sandbox.json');
    writeFileSync(readyFile, JSON.stringify(sandbox.info), { mode: 0o600 });
    env = { ...process.env, SAFELIGHT_HOME: join(root, 'home'), SAFELIGHT_UI_DIR: join(root, 'ui') };
    delete env.SAFELIGHT_CONSUMER_KEY;
    delete env.SAFELIGHT_CONSUMER_SECRET;
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await sandbox.close();
    await rm(root, { recursive: true, force: true });
  });

  test('on port 0 it prints the address with its port and token, serves, and stops on SIGINT', async () => {
    const s = runCli(['serve', '--port', '0', '--sandbox', readyFile], env);
    children.push(s.child);
    const url = /(http:\/\/127\.0\.0\.1:(\d+))\/#token=([A-Za-z0-9_-]{43})\n/;
    await until('the address', () => url.test(s.out()), 30_000);
    const [, origin = '', port = '', token = ''] = url.exec(s.out()) ?? [];
    assert.notEqual(Number(port), 0);
    assert.match(s.out(), /Ctrl-C stops/);
    assert.equal(readFileSync(homePaths(env).daemonToken, 'utf8'), `${token}\n`);
    assert.equal(statSync(homePaths(env).daemonToken).mode & 0o777, 0o600);

    const page = await rawRequest(`${origin}/`);
    assert.equal(page.status, 200);
    assert.equal(page.text, INDEX_HTML);

    const refused = await connect(`ws://127.0.0.1:${port}/ws`, { origin, protocols: ['safelight'] });
    assert.ok(!refused.ok && refused.status === 403);

    const c = await connect(`ws://127.0.0.1:${port}/ws`, {
      origin,
      protocols: ['safelight', `token.${token}`],
    });
    assert.ok(c.ok);
    const snapshot = await c.client.request('snapshot', {});
    assert.equal(snapshot.desktop, false);
    const { authorizeUrl } = await c.client.request('loginStart', {});
    assert.ok(authorizeUrl.startsWith(sandbox.origin), `${authorizeUrl} is the sandbox's sign-in page`);
    await until('the connection to be logged', () => /a browser connected \(1 open\)/.test(s.out()));

    s.child.kill('SIGINT');
    assert.equal(await s.exit, 0, s.out());
    assert.match(s.out(), /stopping: uploads in flight get up to 10 s/);
    assert.match(s.out(), /\nstopped\n/);
    assert.doesNotMatch(s.out(), /at .*\.ts:\d+/, 'no stack trace');
  });

  test('a port in use is one clear line, and nothing is left running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const s = runCli(['serve', '--port', String(port)], env);
      children.push(s.child);
      assert.equal(await s.exit, 1, s.out());
      assert.equal(
        s.out(),
        `safelight: port ${port} on 127.0.0.1 is already in use (is Safelight already serving?): ` +
          'choose another with --port, or --port 0 for any free port\n',
      );
    } finally {
      blocker.close();
    }
  });

  test('an unbuilt window says how to build it', async () => {
    const s = runCli(['serve', '--port', '0'], { ...env, SAFELIGHT_UI_DIR: join(root, 'no-ui') });
    children.push(s.child);
    assert.equal(await s.exit, 1, s.out());
    assert.match(
      s.out(),
      /^safelight: the web UI is not built \(no index\.html in .*no-ui\): run "npm run build:renderer"\n$/,
    );
  });

  test('a sandbox ready file that cannot be read is one clear line', async () => {
    const s = runCli(['serve', '--port', '0', '--sandbox', join(root, 'missing.json')], env);
    children.push(s.child);
    assert.equal(await s.exit, 1, s.out());
    assert.match(s.out(), /^safelight: cannot read the sandbox ready file .*missing\.json: ENOENT/);
  });

  test('a bad port is refused before anything starts', async () => {
    const s = runCli(['serve', '--port', '70000'], env);
    children.push(s.child);
    assert.equal(await s.exit, 1);
    assert.match(s.out(), /a port is a whole number from 0 to 65535/);
  });
});
