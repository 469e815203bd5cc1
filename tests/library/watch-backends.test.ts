// Both watch backends over real temporary folders: files created, changed, renamed and deleted,
// folders created and renamed, ignored globs, close(), the folder itself going away; then
// startWatching, including the fall back to polling when native events hit the inotify limit
// (reproduced in a user namespace whose own limit is set tiny).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  type FolderWatcher,
  startWatching,
  type WatchCallbacks,
  watchNative,
  watchPolling,
} from '../../src/library/watch/backends.ts';

const BACKENDS_MODULE = pathToFileURL(join(import.meta.dirname, '../../src/library/watch/backends.ts')).href;
const IGNORE = ['**/.*', '**/@eaDir', '**/node_modules'];
const POLL_MS = 100;
const DEADLINE_MS = 4000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Recorder extends WatchCallbacks {
  batches: string[][];
  errors: Error[];
  seen(): Set<string>;
  waitFor(paths: string[]): Promise<void>;
  waitForError(pattern: RegExp): Promise<void>;
}

function recorder(): Recorder {
  const batches: string[][] = [];
  const errors: Error[] = [];
  const seen = () => new Set(batches.flat());
  return {
    batches,
    errors,
    seen,
    onChange: (relPaths) => batches.push(relPaths),
    onError: (error) => errors.push(error),
    async waitFor(paths) {
      const deadline = Date.now() + DEADLINE_MS;
      while (!paths.every((p) => seen().has(p))) {
        if (Date.now() > deadline)
          assert.fail(`expected ${paths.join(', ')}; saw ${JSON.stringify(batches)}`);
        await sleep(10);
      }
    },
    async waitForError(pattern) {
      const deadline = Date.now() + DEADLINE_MS;
      while (!errors.some((e) => pattern.test(e.message))) {
        if (Date.now() > deadline)
          assert.fail(`expected an error ${pattern}; got ${errors.map((e) => e.message)}`);
        await sleep(10);
      }
    },
  };
}

// What every batch of every backend must satisfy, whatever else the test looks at.
function assertWellFormed(rec: Recorder): void {
  for (const batch of rec.batches) {
    assert.ok(batch.length > 0, 'empty batch');
    assert.equal(new Set(batch).size, batch.length, `a path twice in one batch: ${batch}`);
    for (const p of batch) {
      assert.ok(p !== '' && !p.startsWith('/') && !p.includes('\\'), `not a relative '/' path: ${p}`);
    }
  }
}

async function put(path: string, content = 'x'): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
}

type Start = (root: string, cb: WatchCallbacks) => Promise<FolderWatcher>;

const BACKENDS: [string, Start][] = [
  ['native', (root, cb) => watchNative(root, cb, { ignore: IGNORE })],
  ['polling', (root, cb) => watchPolling(root, cb, { ignore: IGNORE, intervalMs: POLL_MS })],
];

let base: string;
let counter = 0;

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'safelight-watch-'));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

async function newRoot(): Promise<string> {
  counter += 1;
  const root = join(base, `lib ${counter}`);
  await mkdir(root);
  return root;
}

// Runs `body` with a watcher on a fresh root prepared by `setup`, always closing it.
async function withWatcher(
  start: Start,
  setup: (root: string) => Promise<void>,
  body: (root: string, rec: Recorder) => Promise<void>,
): Promise<void> {
  const root = await newRoot();
  await setup(root);
  const rec = recorder();
  const watcher = await start(root, rec);
  try {
    await body(root, rec);
    assertWellFormed(rec);
  } finally {
    await watcher.close();
  }
}

const nothing = async () => {};

for (const [name, start] of BACKENDS) {
  describe(`${name} backend`, () => {
    test('reports its mode', async () => {
      const root = await newRoot();
      const watcher = await start(root, recorder());
      try {
        assert.equal(watcher.mode, name);
        assert.equal(watcher.reason, name === 'native' ? 'native file events' : 'polling every 100 ms');
      } finally {
        await watcher.close();
      }
    });

    test('a file created, changed, renamed and deleted', async () => {
      await withWatcher(
        start,
        async (root) => {
          await put(join(root, 'old.jpg'));
          await put(join(root, 'Été', 'grows.jpg'), 'a');
          await put(join(root, 'doomed.jpg'));
        },
        async (root, rec) => {
          await writeFile(join(root, 'new.jpg'), 'new');
          await rec.waitFor(['new.jpg']);
          await appendFile(join(root, 'Été', 'grows.jpg'), 'more bytes');
          await rec.waitFor(['Été/grows.jpg']);
          await rename(join(root, 'old.jpg'), join(root, 'renamed.jpg'));
          await rec.waitFor(['old.jpg', 'renamed.jpg']);
          await unlink(join(root, 'doomed.jpg'));
          await rec.waitFor(['doomed.jpg']);
          assert.deepEqual(rec.errors, []);
        },
      );
    });

    test('a folder created with files in it, then written to', async () => {
      await withWatcher(start, nothing, async (root, rec) => {
        await put(join(root, 'Trip', 'a.jpg'));
        await put(join(root, 'Trip', 'b.jpg'));
        // Files written with the folder may come only as the folder (see WatchCallbacks).
        await rec.waitFor(['Trip']);
        await put(join(root, 'Trip', 'c.jpg'));
        await put(join(root, 'Trip', 'Day 2', 'd.jpg'));
        await rec.waitFor(['Trip/c.jpg', 'Trip/Day 2']);
      });
    });

    test('a folder renamed: both names, and the new name keeps being watched', async () => {
      await withWatcher(
        start,
        async (root) => put(join(root, 'Album', 'a.jpg')),
        async (root, rec) => {
          await rename(join(root, 'Album'), join(root, 'Album 2'));
          await rec.waitFor(['Album', 'Album 2']);
          await put(join(root, 'Album 2', 'b.jpg'));
          await rec.waitFor(['Album 2/b.jpg']);
        },
      );
    });

    test('ignored globs are not reported', async () => {
      await withWatcher(
        start,
        async (root) => put(join(root, 'Trip', 'a.jpg')),
        async (root, rec) => {
          await put(join(root, '.hidden.jpg'));
          await put(join(root, 'Trip', '.DS_Store'));
          await put(join(root, '@eaDir', 'a.jpg', 'SYNOPHOTO_THUMB_M.jpg'));
          await put(join(root, 'Trip', '@eaDir', 'thumb.jpg'));
          await put(join(root, 'node_modules', 'pkg', 'index.js'));
          await put(join(root, 'seen-1.jpg'));
          await rec.waitFor(['seen-1.jpg']);
          // Inside folders that existed before the watch and were created during it.
          await put(join(root, '@eaDir', 'b.jpg'));
          await put(join(root, 'Trip', '@eaDir', 'more.jpg'));
          await put(join(root, 'seen-2.jpg'));
          await rec.waitFor(['seen-2.jpg']);
          const leaked = [...rec.seen()].filter((p) => /(^|\/)(\.|@eaDir|node_modules)/.test(p));
          assert.deepEqual(leaked, []);
        },
      );
    });

    test('close() stops all callbacks', async () => {
      const root = await newRoot();
      const closedRec = recorder();
      const closed = await start(root, closedRec);
      // A second watcher on the same folder shows when the change has surely been noticed.
      const witness = recorder();
      const open = await start(root, witness);
      try {
        await closed.close();
        await closed.close();
        await put(join(root, 'after-close.jpg'));
        await witness.waitFor(['after-close.jpg']);
        await sleep(2 * POLL_MS);
        assert.deepEqual(closedRec.batches, []);
        assert.deepEqual(closedRec.errors, []);
      } finally {
        await closed.close();
        await open.close();
      }
    });

    test('the folder itself deleted: an error says so', async () => {
      await withWatcher(
        start,
        async (root) => put(join(root, 'a.jpg')),
        async (root, rec) => {
          await rm(root, { recursive: true });
          await rec.waitForError(/was deleted, moved or unmounted; changes inside it are no longer seen/);
          assert.ok(rec.errors[0]?.message.includes(root));
        },
      );
    });
  });
}

describe('startWatching', () => {
  const opts = { ignore: IGNORE, pollIntervalMs: POLL_MS };

  test('uses the chosen backend and keeps the reason', async () => {
    const root = await newRoot();
    const nativeRec = recorder();
    const polledRec = recorder();
    const native = await startWatching(
      root,
      { mode: 'native', reason: 'native file events' },
      nativeRec,
      opts,
    );
    const polled = await startWatching(
      root,
      { mode: 'polling', reason: 'polling every 100 ms: network share (nfs4)' },
      polledRec,
      opts,
    );
    try {
      assert.deepEqual([native.mode, native.reason], ['native', 'native file events']);
      assert.deepEqual(
        [polled.mode, polled.reason],
        ['polling', 'polling every 100 ms: network share (nfs4)'],
      );
      await put(join(root, 'a.jpg'));
      await nativeRec.waitFor(['a.jpg']);
      await polledRec.waitFor(['a.jpg']);
    } finally {
      await native.close();
      await polled.close();
    }
  });

  test('a folder that is missing or a file is an error, not a reason to poll', async () => {
    const root = await newRoot();
    await writeFile(join(root, 'file.jpg'), 'x');
    const native = { mode: 'native', reason: 'native file events' } as const;
    await assert.rejects(startWatching(join(root, 'gone'), native, recorder(), opts), (error: Error) => {
      assert.equal(
        error.message,
        `Cannot watch ${join(root, 'gone')}: it does not exist (is the drive or share connected?)`,
      );
      return true;
    });
    await assert.rejects(
      startWatching(join(root, 'file.jpg'), native, recorder(), opts),
      /it is a file, not a folder/,
    );
  });

  test('falls back to polling when native events hit the inotify watch limit', async () => {
    const root = await newRoot();
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await mkdir(join(root, name));
    // Each user namespace has its own inotify limits (/proc/sys/user), so this one can be set to
    // four watches without touching the machine's; the watcher runs inside it.
    const script = `
      import { writeFile } from 'node:fs/promises';
      import { startWatching } from ${JSON.stringify(BACKENDS_MODULE)};
      const root = process.env.WATCH_ROOT;
      const batches = [];
      const errors = [];
      const watcher = await startWatching(
        root,
        { mode: 'native', reason: 'native file events' },
        { onChange: (p) => batches.push(p), onError: (e) => errors.push(e.message) },
        { ignore: [], pollIntervalMs: ${POLL_MS} },
      );
      await writeFile(root + '/f/new.jpg', 'x');
      const deadline = Date.now() + ${DEADLINE_MS};
      while (!batches.flat().includes('f/new.jpg') && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 10));
      }
      await watcher.close();
      process.stdout.write(JSON.stringify({ mode: watcher.mode, reason: watcher.reason, batches, errors }));
    `;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        'unshare',
        [
          '--user',
          '--map-root-user',
          'sh',
          '-c',
          'echo 4 > /proc/sys/user/max_inotify_watches && exec "$0" --input-type=module --eval "$1"',
          process.execPath,
          script,
        ],
        { env: { WATCH_ROOT: root, PATH: process.env.PATH ?? '' }, timeout: 10_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const result = JSON.parse(stdout) as {
      mode: string;
      reason: string;
      batches: string[][];
      errors: string[];
    };
    assert.equal(result.mode, 'polling');
    assert.equal(
      result.reason,
      "polling every 100 ms: the system's limit of inotify watches was reached; raise the limit with: " +
        'sudo sysctl fs.inotify.max_user_watches=524288 (add it to /etc/sysctl.conf to keep it)',
    );
    assert.deepEqual(result.batches, [['f/new.jpg']]);
    assert.deepEqual(result.errors, []);
  });
});
