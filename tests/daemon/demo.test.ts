// `npm run demo`, the README's first look at Safelight: it backs up the sample folder to the
// sandbox, says so in the terminal, serves the window with the engine behind it, and cleans up
// on Ctrl-C.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connect, until, writeRenderer } from './support.ts';

const script = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url));
let root: string | undefined;
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('the demo backs up the sample folder, serves the window, and stops on Ctrl-C', async () => {
  root = await mkdtemp(join(tmpdir(), 'safelight-demo-test-'));
  await writeRenderer(join(root, 'ui'));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, SAFELIGHT_UI_DIR: join(root, 'ui') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const url = /(http:\/\/127\.0\.0\.1:(\d+))\/#token=([A-Za-z0-9_-]{43})\n/;
    await until('the window address', () => url.test(out) || child.exitCode !== null, 120_000);
    const [, origin = '', port = '', token = ''] = url.exec(out) ?? [];
    assert.ok(token, out);

    assert.match(
      out,
      /Made a sample folder: 24 JPEG photos with EXIF, 4 PNG scans and 1 video in 9 subfolders/,
    );
    assert.match(out, /uploaded\s+Trips\/Tokyo 東京\/street\.mp4\n/);
    assert.match(
      out,
      /29 uploaded, 0 skipped, 0 failed \("Everything is backed up[^"]*"\)\. The sandbox took 29 uploads for 29 files/,
    );
    assert.match(out, /Île de Ré 🏝 {2}\(gallery: 6 photos, Private, \/Ile-de-Re\)/);
    assert.match(out, /Tokyo 東京 {2}\(gallery: 5 photos, 1 video, Private, /);
    assert.match(out, /Trips {2}\(folder, /);

    const c = await connect(`ws://127.0.0.1:${port}/ws`, {
      origin,
      protocols: ['safelight', `token.${token}`],
    });
    assert.ok(c.ok);
    const snapshot = await c.client.request('snapshot', {});
    assert.equal(snapshot.folders.length, 1);
    assert.equal(snapshot.folders[0]?.counts.uploaded, 29);
    assert.equal(snapshot.account.state, 'signed-in');
    const { authorizeUrl } = await c.client.request('loginStart', {});
    assert.match(authorizeUrl, /^http:\/\/127\.0\.0\.1:\d+\//, 'sign-in goes to the sandbox');

    const home = /Safelight's state is in (.*)\)\n/.exec(out)?.[1];
    assert.ok(home && existsSync(home));
    child.kill('SIGINT');
    assert.equal(await exit, 0, out);
    assert.match(out, /\nStopped\.\n$/);
    assert.ok(!existsSync(home), 'the demo removed its temporary folder');
  } finally {
    child.kill('SIGKILL');
  }
});
