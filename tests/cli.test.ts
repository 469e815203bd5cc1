import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { SandboxInfo } from '../src/sandbox/server.ts';
import { SignedClient } from './helpers/signed-client.ts';

const run = promisify(execFile);
const repo = new URL('..', import.meta.url).pathname;
const bin = join(repo, 'bin', 'safelight.js');

async function waitForFile(file: string, child: ChildProcess, timeoutMs = 10_000): Promise<SandboxInfo> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sandbox exited with ${child.exitCode}`);
    if (existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'))
      return JSON.parse(readFileSync(file, 'utf8'));
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ready file after ${timeoutMs} ms`);
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('safelight sandbox (command line)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safelight-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('prints and writes its endpoints, answers signed requests, keeps --state across restarts', async () => {
    const ready = join(dir, 'ready.json');
    const state = join(dir, 'state');
    const start = () =>
      spawn(process.execPath, [bin, 'sandbox', '--ready-file', ready, '--state', state], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const first = start();
    const info = await waitForFile(ready, first);
    assert.deepEqual(Object.keys(info).sort(), [
      'accessToken',
      'accessTokenSecret',
      'apiBaseUrl',
      'consumerKey',
      'consumerSecret',
      'nickname',
      'oauthBaseUrl',
      'uploadUrl',
    ]);
    assert.match(info.apiBaseUrl, /^http:\/\/127\.0\.0\.1:\d+\/api\/v2$/);
    assert.equal(statSync(ready).mode & 0o077, 0, 'the ready file holds secrets: owner only');
    const client = new SignedClient(info);
    const me = await client.request('/api/v2!authuser');
    assert.equal(me.status, 200);
    assert.equal(me.json().Response.User.NickName, info.nickname);
    await client.createAlbum(await client.rootNodeId(), 'Survives');
    assert.equal(await stop(first), 0);

    rmSync(ready);
    const second = start();
    try {
      const again = await waitForFile(ready, second);
      assert.equal(again.accessToken, info.accessToken);
      const dump: any = await (await fetch(`${new URL(again.apiBaseUrl).origin}/__sandbox/dump`)).json();
      assert.deepEqual(
        dump.Root.Children.map((c: { Name: string }) => c.Name),
        ['Survives'],
      );
    } finally {
      await stop(second);
    }
  });

  test('a bad --faults spec is refused with the reason', async () => {
    await assert.rejects(
      run(process.execPath, [bin, 'sandbox', '--faults', '500=2']),
      (e: { stderr: string }) => {
        assert.match(e.stderr, /fault "500" needs a fraction between 0 and 1, got "2"/);
        return true;
      },
    );
  });

  test('npx safelight works from the project folder', async () => {
    const { stdout } = await run('npx', ['--no-install', 'safelight', '--help'], { cwd: repo });
    assert.match(stdout, /Usage: safelight/);
    assert.match(stdout, /sandbox/);
  });
});
