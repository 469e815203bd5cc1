// Exactly once under a bad network: server errors, 429 bursts, connections cut mid-body and
// writes applied-then-504. Then the same with the sync process SIGKILLed 20 times.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { saveSettings } from '../../src/config/settings.ts';
import {
  imageCounts,
  photoBytes,
  type SyncEnv,
  syncEnv,
  TEST_RETRY,
  writeTree,
} from '../helpers/sync-env.ts';

const FAULTS = '500=0.05,503=0.05,429=150x4@1,reset=0.02,504commit=0.02';
const BIN = fileURLToPath(new URL('../../bin/safelight.js', import.meta.url));

async function thousandFiles(dir: string, size: number): Promise<Map<string, string>> {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 1000; i++) {
    const rel = `roll ${i % 8}/IMG_${String(i).padStart(4, '0')}.jpg`;
    files[rel] = photoBytes(rel, size);
  }
  return writeTree(dir, files);
}

function assertExactlyOnce(env: SyncEnv, sums: Map<string, string>) {
  const counts = imageCounts(env.sandbox.dump());
  const want = new Map([...sums].map(([rel, md5]) => [`${rel.split('/').pop()} ${md5}`, 1]));
  assert.equal(counts.size, want.size, 'every file is on SmugMug');
  for (const [k, n] of counts) assert.equal(n, want.get(k), `${k} is there once`);
}

describe('exactly once', () => {
  const envs: SyncEnv[] = [];
  after(() => Promise.all(envs.map((e) => e.close())));

  test('1,000 files under 500/503, 429 bursts, resets mid-body and 504-after-commit', async () => {
    const env = await syncEnv({ faults: `${FAULTS},seed=11` });
    envs.push(env);
    const dir = join(env.root, 'Camera');
    const sums = await thousandFiles(dir, 2048);
    await env.add(dir);
    const [summary] = await env.syncAll();
    assert.ok(summary);
    assert.equal(summary.error, undefined);
    assert.equal(summary.failed, 0);
    assertExactlyOnce(env, sums);
    const s = env.sandbox.stats();
    assert.ok((s.byStatus['500'] ?? 0) > 10 && (s.byStatus['429'] ?? 0) > 0, JSON.stringify(s.byStatus));
    assert.ok((s.byStatus['504'] ?? 0) > 0, 'some writes were applied and answered 504');
    assert.deepEqual(env.ctx.store.counts(env.ctx.store.folders()[0]?.id as number), {
      pending: 0,
      uploading: 0,
      uploaded: 1000,
      failed: 0,
      skipped: 0,
      deleted: 0,
      ignored: 0,
    });
  });

  test('the same with the sync process killed (SIGKILL) 20 times at random moments', async () => {
    const env = await syncEnv({ faults: `${FAULTS},seed=23` });
    envs.push(env);
    const dir = join(env.root, 'Camera');
    const sums = await thousandFiles(dir, 24 * 1024);
    await env.add(dir);
    env.ctx.store.close();
    saveSettings(env.ctx.paths.settings, { ...env.settings, retry: TEST_RETRY });

    const run = (killAfterMs?: number) =>
      new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => {
        // 2 MB/s over 24 MB: long enough that every kill lands mid-sync.
        const child = spawn(process.execPath, [BIN, 'sync', '--once', '--limit', '2MB'], {
          env: env.env(),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.stderr.on('data', (d) => {
          out += d;
        });
        const timer =
          killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.on('exit', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, out });
        });
      });

    let killed = 0;
    for (let i = 0; i < 20; i++) {
      const r = await run(400 + Math.floor(Math.random() * 900));
      if (r.signal === 'SIGKILL') killed++;
      else assert.fail(`run ${i} finished before it was killed: ${r.out}`);
    }
    assert.equal(killed, 20);
    const uploadedBeforeFinal = env.sandbox.dump().ImageCount;
    assert.ok(uploadedBeforeFinal > 0, 'the killed runs made progress');
    const final = await run();
    assert.equal(final.code, 0, final.out);
    env.reopen();
    assertExactlyOnce(env, sums);
  });
});
