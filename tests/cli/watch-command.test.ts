// `safelight watch` as a person runs it: it says what it watches, uploads what appears, and
// stops cleanly on SIGINT/SIGTERM, abandoning an upload that cannot finish in time so that the
// next run sends it exactly once.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { saveSettings } from '../../src/config/settings.ts';
import { type Running, runCli } from '../helpers/cli-process.ts';
import { imageCounts, md5, photoBytes, type SyncEnv, syncEnv, writeTree } from '../helpers/sync-env.ts';
import { waitFor } from '../helpers/watch-suite.ts';

const run = (env: SyncEnv, args: string[]): Running => runCli(args, env.env());

describe('safelight watch', () => {
  let env: SyncEnv;
  let dir: string;
  const children: ChildProcess[] = [];

  before(async () => {
    env = await syncEnv();
    dir = join(env.root, 'Camera');
    await writeTree(dir, { 'a.jpg': photoBytes('a', 2048) });
    await env.add(dir);
    saveSettings(env.ctx.paths.settings, {
      ...env.settings,
      watch: { settleMs: 300, reconcileMs: 3_600_000, pollIntervalMs: 100 },
    });
    env.ctx.store.close();
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await env.close();
  });

  test('uploads what is there and what appears, then stops on SIGINT', async () => {
    const w = run(env, ['watch']);
    children.push(w.child);
    await waitFor('the start line', () => (/watching 1 folder/.test(w.out()) ? true : undefined));
    await waitFor('a.jpg uploaded', () => (/uploaded\s+\S*Camera\/a\.jpg/.test(w.out()) ? true : undefined));
    await writeTree(dir, { 'Later/b.jpg': photoBytes('b', 2048) });
    await waitFor('b.jpg uploaded', () =>
      /uploaded\s+\S*Camera\/Later\/b\.jpg/.test(w.out()) ? true : undefined,
    );
    assert.match(w.out(), /Camera: up to date, watching \(native file events\)/);
    w.child.kill('SIGINT');
    assert.equal(await w.exit, 0, w.out());
    assert.match(w.out(), /stopping: uploads in flight get up to 10 s/);
    assert.match(w.out(), /\nstopped\n/);
  });

  test('SIGTERM during a slow upload abandons it safely; the next run sends it exactly once', async () => {
    const big = photoBytes('slow', 4 * 1024 * 1024);
    await writeTree(dir, { 'slow.jpg': big });
    // 4 MB at 200 KB/s needs 20 s: more than the 10 s the upload gets to finish.
    const w = run(env, ['watch', '--limit', '200KB']);
    children.push(w.child);
    await waitFor('the upload to start', () =>
      env.sandbox.stats().requests > 0 && /watching/.test(w.out()) ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1000));
    w.child.kill('SIGTERM');
    assert.equal(await w.exit, 0, w.out());
    assert.ok(!/uploaded\s+\S*slow\.jpg/.test(w.out()), 'it could not have finished');
    const again = run(env, ['sync', '--once']);
    children.push(again.child);
    assert.equal(await again.exit, 0, again.out());
    assert.equal(imageCounts(env.sandbox.dump()).get(`slow.jpg ${md5(big)}`), 1);
  });
});
