// The commands a person types: login (sandbox ready file and the PIN flow), add, sync --once,
// status, retry. Secrets never appear in what they print, and the files holding them are the
// owner's alone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.ts';
import { imageCounts, photoBytes, writeTree } from '../helpers/sync-env.ts';
import { unprivileged } from '../helpers/unprivileged.ts';

const BIN = fileURLToPath(new URL('../../bin/safelight.js', import.meta.url));

interface Run {
  code: number | null;
  out: string;
  err: string;
}

describe('safelight login / add / sync / status / retry', () => {
  let sandbox: Sandbox;
  let root: string;
  let home: string;
  const outputs: string[] = [];
  const secrets: string[] = [];

  const cli = (
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; onOut?: (text: string, write: (s: string) => void) => void } = {},
  ) =>
    new Promise<Run>((resolve) => {
      // Unprivileged, so that an unreadable file is really unreadable.
      const child = spawn(...unprivileged(process.execPath, [BIN, ...args]), {
        env: { ...process.env, SAFELIGHT_HOME: home, ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
        opts.onOut?.(out, (s) => child.stdin.write(s));
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      if (!opts.onOut) child.stdin.end();
      child.on('exit', (code) => {
        outputs.push(out, err);
        resolve({ code, out, err });
      });
    });

  before(async () => {
    sandbox = await startSandbox();
    root = await mkdtemp(join(tmpdir(), 'safelight-cli-sync-'));
    home = join(root, 'home');
    await mkdir(home);
  });

  after(async () => {
    await sandbox.close();
    await rm(root, { recursive: true, force: true });
  });

  test('commands before login say what to do', async () => {
    const r = await cli(['sync', '--once']);
    assert.equal(r.code, 1);
    assert.match(r.err, /no folders connected yet: run "safelight add FOLDER" first/);
    const s = await cli(['status']);
    assert.match(s.out, /Not signed in/);
  });

  test('login with the PIN flow stores the account, owner only', async () => {
    let answered = false;
    const r = await cli(
      ['login', '--api', sandbox.apiBaseUrl, '--upload', sandbox.uploadUrl, '--oauth', sandbox.oauthBaseUrl],
      {
        env: {
          SAFELIGHT_CONSUMER_KEY: sandbox.consumerKey,
          SAFELIGHT_CONSUMER_SECRET: sandbox.consumerSecret,
        },
        onOut: (text, write) => {
          const url = /(http:\/\/127\.0\.0\.1:\d+\/\S+authorize\?\S+)/.exec(text)?.[1];
          if (!url || answered || !text.includes('Code: ')) return;
          answered = true;
          void (async () => {
            // What a person does in the browser: open the page, click Authorize, read the code.
            const page = await (await fetch(url)).text();
            const fields = [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
              (m) => [m[1], m[2]] as [string, string],
            );
            const done = await fetch(`${sandbox.oauthBaseUrl}/authorize`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams(fields).toString(),
            });
            const code = /id="verifier" class="code">(\d{6})</.exec(await done.text())?.[1];
            write(`${code}\n`);
          })();
        },
      },
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Permissions=Modify/);
    assert.match(r.out, new RegExp(`Signed in to SmugMug as ${sandbox.nickname}\\.`));
    assert.equal((await stat(join(home, 'account.json'))).mode & 0o777, 0o600);
    assert.equal((await stat(home)).mode & 0o777, 0o700);
    const account = JSON.parse(await readFile(join(home, 'account.json'), 'utf8'));
    assert.notEqual(account.token, sandbox.accessToken, 'a new token came from the PIN flow');
    secrets.push(account.token, account.tokenSecret);
  });

  test('login --sandbox, add, sync --once, status, retry', async () => {
    const ready = join(root, 'ready.json');
    await writeFile(ready, JSON.stringify(sandbox.info), { mode: 0o600 });
    const login = await cli(['login', '--sandbox', ready]);
    assert.equal(login.code, 0, login.err);

    const photos = join(root, 'My Photos');
    await writeTree(photos, {
      'a.jpg': photoBytes('a'),
      'Holiday/b.jpg': photoBytes('b'),
      'Holiday/c.png': photoBytes('c'),
      'Holiday/d.jpg': photoBytes('d'),
    });
    const bad = await cli(['add', join(root, 'nope')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /nope does not exist/);
    const add = await cli(['add', photos, '--privacy', 'unlisted']);
    assert.equal(add.code, 0, add.err);
    assert.match(
      add.out,
      /Connected .*My Photos: it goes into the top of your SmugMug site as Unlisted galleries/,
    );
    const again = await cli(['add', join(photos, 'Holiday')]);
    assert.match(again.err, /overlaps the connected folder/);

    await chmod(join(photos, 'Holiday', 'd.jpg'), 0o000);
    const sync = await cli(['sync', '--once']);
    assert.equal(sync.code, 1, sync.err);
    assert.match(sync.out, /3 uploaded, 1 failed/);
    assert.match(sync.out, /4 files checked, 3 hashed/);

    const status = JSON.parse((await cli(['status', '--json'])).out);
    assert.equal(status.account.nickname, sandbox.nickname);
    assert.equal(status.folders[0].privacy, 'Unlisted');
    assert.equal(status.folders[0].counts.uploaded, 3);
    assert.deepEqual(status.folders[0].failed, [
      { file: 'Holiday/d.jpg', reason: 'cannot read file: permission denied', retryable: false },
    ]);
    const unchanged = await cli(['sync', '--once']);
    assert.match(unchanged.out, /0 uploaded/, 'a permanent failure waits for retry');
    await chmod(join(photos, 'Holiday', 'd.jpg'), 0o644);
    const retry = await cli(['retry']);
    assert.equal(retry.code, 0, retry.err);
    assert.match(retry.out, /1 failed file will be tried again\.[\s\S]*1 uploaded/);
    assert.equal(
      [...imageCounts(sandbox.dump()).values()].reduce((a, b) => a + b, 0),
      4,
    );
    const text = await cli(['status']);
    assert.match(text.out, /4 uploaded, 0 pending, 0 failed/);

    for (const f of await readdir(home)) {
      assert.equal((await stat(join(home, f))).mode & 0o777, 0o600, `${f} is owner-only`);
    }
  });

  test('no credential or token ever appears in what the commands print', () => {
    const all = outputs.join('\n');
    for (const secret of [
      sandbox.consumerSecret,
      sandbox.accessToken,
      sandbox.accessTokenSecret,
      ...secrets,
    ]) {
      assert.ok(!all.includes(secret), 'a secret was printed');
    }
  });
});
