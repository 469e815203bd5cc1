// The three watch backends over real temporary folders: files created, changed, renamed and
// deleted, folders created and renamed, ignored globs, close(), the folder itself going away; then
// startWatching, including the fall back to polling when native events hit the inotify limit
// (reproduced in a user namespace whose own limit is set tiny); then what only the one-watch-per-
// folder backend does: deep trees made at once, watches closed with their folders, links, and a
// folder it cannot watch.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
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
import { type PerFolderWatcher, watchPerFolder } from '../../src/library/watch/per-folder.ts';

const BACKENDS_MODULE = pathToFileURL(join(import.meta.dirname, '../../src/library/watch/backends.ts')).href;
const PER_FOLDER_MODULE = pathToFileURL(
  join(import.meta.dirname, '../../src/library/watch/per-folder.ts'),
).href;
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

const PER_FOLDER_REASON =
  'native file events, one watch per folder (too many files to keep a copy of every name in memory)';

const BACKENDS: { name: string; mode: string; reason: string; start: Start }[] = [
  {
    name: 'native',
    mode: 'native',
    reason: 'native file events',
    start: (root, cb) => watchNative(root, cb, { ignore: IGNORE }),
  },
  {
    name: 'per-folder',
    mode: 'native',
    reason: PER_FOLDER_REASON,
    start: (root, cb) => watchPerFolder(root, cb, { ignore: IGNORE }),
  },
  {
    name: 'polling',
    mode: 'polling',
    reason: 'polling every 100 ms',
    start: (root, cb) => watchPolling(root, cb, { ignore: IGNORE, intervalMs: POLL_MS }),
  },
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

for (const { name, mode, reason, start } of BACKENDS) {
  describe(`${name} backend`, () => {
    test('reports its mode', async () => {
      const root = await newRoot();
      const watcher = await start(root, recorder());
      try {
        assert.equal(watcher.mode, mode);
        assert.equal(watcher.reason, reason);
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

  for (const choice of [
    { mode: 'native', reason: 'native file events' },
    { mode: 'native', reason: PER_FOLDER_REASON, perFolder: true },
  ] as const) {
    const which = 'perFolder' in choice ? 'one watch per folder' : '@parcel/watcher';
    test(`falls back to polling when native events (${which}) hit the inotify watch limit`, async () => {
      const root = await newRoot();
      for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await mkdir(join(root, name));
      const result = await inTinyNamespace(
        4,
        root,
        `
        const watcher = await startWatching(root, ${JSON.stringify(choice)}, recorder, {
          ignore: [],
          pollIntervalMs: ${POLL_MS},
        });
        await writeFile(root + '/f/new.jpg', 'x');
        await until(() => batches.flat().includes('f/new.jpg'));
        await watcher.close();
        return { mode: watcher.mode, reason: watcher.reason };
      `,
      );
      assert.equal(result.mode, 'polling');
      assert.equal(
        result.reason,
        "polling every 100 ms: the system's limit of inotify watches was reached; raise the limit with: " +
          'sudo sysctl fs.inotify.max_user_watches=524288 (add it to /etc/sysctl.conf to keep it)',
      );
      assert.deepEqual(result.batches, [['f/new.jpg']]);
      assert.deepEqual(result.errors, []);
    });
  }

  test('one watch per folder when chosen: it follows links to folders, as the walk does', async () => {
    const root = await newRoot();
    const outside = await newRoot();
    await symlink(outside, join(root, 'link'));
    const rec = recorder();
    const watcher = await startWatching(
      root,
      { mode: 'native', reason: PER_FOLDER_REASON, perFolder: true },
      rec,
      opts,
    );
    try {
      assert.deepEqual([watcher.mode, watcher.reason], ['native', PER_FOLDER_REASON]);
      await put(join(outside, 'x.jpg'));
      await rec.waitFor(['link/x.jpg']);
    } finally {
      await watcher.close();
    }
  });
});

interface NamespaceResult {
  mode?: string;
  reason?: string;
  watchedFolders?: number;
  batches: string[][];
  errors: string[];
}

/**
 * Runs `body` (module code; `root`, `recorder`, `batches`, `errors`, `until`, `writeFile`, `mkdir`,
 * `startWatching` and `watchPerFolder` in scope) in a child process in a user namespace of its own,
 * whose inotify limit (its own, /proc/sys/user) is set to `watches` without touching the machine's.
 */
async function inTinyNamespace(watches: number, root: string, body: string): Promise<NamespaceResult> {
  const script = `
    import { mkdir, writeFile } from 'node:fs/promises';
    import { startWatching } from ${JSON.stringify(BACKENDS_MODULE)};
    import { watchPerFolder } from ${JSON.stringify(PER_FOLDER_MODULE)};
    const root = process.env.WATCH_ROOT;
    const batches = [];
    const errors = [];
    const recorder = { onChange: (p) => batches.push(p), onError: (e) => errors.push(e.message) };
    const until = async (done) => {
      const deadline = Date.now() + ${DEADLINE_MS};
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    const result = await (async () => { ${body} })();
    process.stdout.write(JSON.stringify({ ...result, batches, errors }));
  `;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'unshare',
      [
        '--user',
        '--map-root-user',
        'sh',
        '-c',
        `echo ${watches} > /proc/sys/user/max_inotify_watches && exec "$0" --input-type=module --eval "$1"`,
        process.execPath,
        script,
      ],
      { env: { WATCH_ROOT: root, PATH: process.env.PATH ?? '' }, timeout: 10_000 },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
    );
  });
  return JSON.parse(stdout) as NamespaceResult;
}

// Bounded: a watcher that never finished starting (a link loop followed forever) would otherwise
// hang the file instead of failing it.
describe('per-folder backend: what only it does', { timeout: 30_000 }, () => {
  const start = (root: string, cb: WatchCallbacks) => watchPerFolder(root, cb, { ignore: IGNORE });

  async function waitForCount(watcher: PerFolderWatcher, expected: number): Promise<void> {
    const deadline = Date.now() + DEADLINE_MS;
    while (watcher.watchedFolders !== expected) {
      if (Date.now() > deadline)
        assert.fail(`expected ${expected} watched folders, have ${watcher.watchedFolders}`);
      await sleep(10);
    }
  }

  // Every path is reported itself or lies in a reported folder (which the consumer walks).
  function assertCovered(rec: Recorder, paths: string[]): void {
    const seen = rec.seen();
    for (const p of paths) {
      const parts = p.split('/');
      const covered = parts.some((_, i) => seen.has(parts.slice(0, i + 1).join('/')));
      assert.ok(
        covered,
        `${p} is neither reported nor inside a reported folder: ${JSON.stringify(rec.batches)}`,
      );
    }
  }

  test('a deep tree created at once is found and watched all the way down', async () => {
    const root = await newRoot();
    const rec = recorder();
    const watcher = await start(root, rec);
    try {
      // Written synchronously, as fast as a copy: most folders exist before their parent's watch.
      const files: string[] = [];
      const leaves: string[] = [];
      for (let i = 0; i < 20; i++) {
        const leaf = `Import ${i}/a/b/c/d`;
        mkdirSync(join(root, leaf), { recursive: true });
        leaves.push(leaf);
        for (const dir of [`Import ${i}`, `Import ${i}/a/b`, leaf]) {
          writeFileSync(join(root, dir, 'IMG.jpg'), 'x');
          files.push(`${dir}/IMG.jpg`);
        }
      }
      await rec.waitFor(Array.from({ length: 20 }, (_, i) => `Import ${i}`));
      await waitForCount(watcher, 1 + 20 * 5);
      assertCovered(rec, files);
      for (const leaf of leaves) await put(join(root, leaf, 'later.jpg'));
      await rec.waitFor(leaves.map((leaf) => `${leaf}/later.jpg`));
      assert.deepEqual(rec.errors, []);
      assertWellFormed(rec);
    } finally {
      await watcher.close();
    }
  });

  test('a deleted or moved-away folder, and everything below it, stops being watched', async () => {
    const root = await newRoot();
    const outside = await newRoot();
    await put(join(root, 'X', 'Y', 'Z', 'a.jpg'));
    await put(join(root, 'W', 'b.jpg'));
    const rec = recorder();
    const watcher = await start(root, rec);
    try {
      assert.equal(watcher.watchedFolders, 5);
      await rm(join(root, 'X'), { recursive: true });
      await rec.waitFor(['X']);
      await waitForCount(watcher, 2);
      await rename(join(root, 'W'), join(outside, 'W'));
      await rec.waitFor(['W']);
      await waitForCount(watcher, 1);
      // What happens in the folder now elsewhere is not this root's business.
      await put(join(outside, 'W', 'c.jpg'));
      await put(join(root, 'witness.jpg'));
      await rec.waitFor(['witness.jpg']);
      await sleep(100);
      assert.deepEqual(
        [...rec.seen()].filter((p) => p.startsWith('W/')),
        [],
      );
      // The same name made again is a new folder, watched again.
      await put(join(root, 'X', 'again.jpg'));
      await rec.waitFor(['X']);
      await waitForCount(watcher, 2);
      await put(join(root, 'X', 'more.jpg'));
      await rec.waitFor(['X/more.jpg']);
      assert.deepEqual(rec.errors, []);
    } finally {
      await watcher.close();
    }
  });

  test("a renamed folder's subfolders are watched under their new names", async () => {
    await withWatcher(
      start,
      async (root) => put(join(root, 'Trip', 'Day 1', 'a.jpg')),
      async (root, rec) => {
        await rename(join(root, 'Trip'), join(root, 'Rome'));
        await rec.waitFor(['Trip', 'Rome']);
        await put(join(root, 'Rome', 'Day 1', 'b.jpg'));
        await rec.waitFor(['Rome/Day 1/b.jpg']);
        assert.deepEqual(
          [...rec.seen()].filter((p) => p.startsWith('Trip/')),
          [],
        );
      },
    );
  });

  test('links to folders are followed as the walk follows them; each folder is watched once', async () => {
    const root = await newRoot();
    const outside = await newRoot();
    await put(join(outside, 'S', 'o.jpg'));
    await put(join(root, 'Real', 'Sub', 'r.jpg'));
    await symlink(outside, join(root, 'link'));
    // Already included through its real path, and a loop back to the root: neither watched again.
    await symlink(join(root, 'Real'), join(root, 'alias'));
    await symlink(root, join(root, 'Real', 'loop'));
    await put(join(root, '@eaDir', 'thumb.jpg'));
    await put(join(root, '.hidden', 'h.jpg'));
    const rec = recorder();
    const watcher = await start(root, rec);
    try {
      // The root, Real, Real/Sub, link and link/S; not the ignored folders either.
      assert.equal(watcher.watchedFolders, 5);
      await put(join(outside, 'S', 'new.jpg'));
      await put(join(root, 'Real', 'Sub', 'new.jpg'));
      await rec.waitFor(['link/S/new.jpg', 'Real/Sub/new.jpg']);
      await sleep(100);
      assert.deepEqual(
        [...rec.seen()].filter((p) => p.startsWith('alias/') || p.includes('loop/')),
        [],
      );
      assert.deepEqual(rec.errors, []);
    } finally {
      await watcher.close();
    }
  });

  test('a folder that cannot be watched (inotify limit reached) is reported, with an error that says why', async () => {
    const root = await newRoot();
    await mkdir(join(root, 'A'));
    // Three watches: the root, A, and B; C is one too many.
    const result = await inTinyNamespace(
      3,
      root,
      `
      const watcher = await watchPerFolder(root, recorder, { ignore: [] });
      const before = watcher.watchedFolders;
      await mkdir(root + '/B');
      await until(() => batches.flat().includes('B'));
      await mkdir(root + '/C');
      await writeFile(root + '/C/c.jpg', 'x');
      await until(() => errors.length > 0 && batches.flat().includes('C'));
      const watchedFolders = watcher.watchedFolders;
      await writeFile(root + '/B/b.jpg', 'x');
      await until(() => batches.flat().includes('B/b.jpg'));
      await watcher.close();
      return { before, watchedFolders };
    `,
    );
    assert.deepEqual(result.errors, [
      `Cannot watch ${join(root, 'C')} for changes (the system's limit of inotify watches was reached; ` +
        'raise the limit with: sudo sysctl fs.inotify.max_user_watches=524288 (add it to /etc/sysctl.conf ' +
        'to keep it)); until watching restarts, changes there are found only by walking the folder.',
    ]);
    const seen = result.batches.flat();
    for (const p of ['B', 'C', 'B/b.jpg']) assert.ok(seen.includes(p), `${p} not reported: ${seen}`);
    assert.equal(result.watchedFolders, 3);
  });
});
