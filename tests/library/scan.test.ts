// The scan over a real tree and a real store, one dir at a time: what changed, what is gone (files,
// nested folders that vanished, paths a watcher reported), and what must not be taken for gone
// (records below a folder that cannot be read, records already marked deleted locally).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DEFAULT_MEDIA_SETTINGS } from '../../src/library/media.ts';
import { DELETED_REASON, type ScanResult, scanFolder, scanPaths } from '../../src/library/scan.ts';
import { type FileState, type FolderRow, Store } from '../../src/store/store.ts';
import { unprivileged } from '../helpers/unprivileged.ts';

const module = (path: string) => pathToFileURL(join(import.meta.dirname, '../../src', path)).href;

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'safelight-scan-'));
});
after(() => rm(base, { recursive: true, force: true }));

async function put(path: string, content = 'photo'): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(content)]));
}

interface Library {
  root: string;
  dbFile: string;
  store: Store;
  folder: FolderRow;
  scan(paths?: string[]): Promise<ScanResult>;
  states(): Record<string, FileState>;
  /** As after an upload: the record now stands for an image on SmugMug. */
  uploaded(relPath: string): void;
}

async function library(name: string, files: string[]): Promise<Library> {
  const root = join(base, name, 'photos');
  for (const f of files) await put(join(root, f), f);
  const dbFile = join(base, name, 'state.db');
  const store = new Store(dbFile);
  const folder = store.addFolder({
    path: root,
    mode: 'mirror',
    privacy: 'Private',
    target: '',
    settings: JSON.stringify(DEFAULT_MEDIA_SETTINGS),
  });
  const lib: Library = {
    root,
    dbFile,
    store,
    folder,
    scan: (paths) =>
      paths
        ? scanPaths(lib.store, folder, DEFAULT_MEDIA_SETTINGS, paths)
        : scanFolder(lib.store, folder, DEFAULT_MEDIA_SETTINGS),
    states: () =>
      Object.fromEntries(
        lib.store
          .filesOf(folder.id)
          .map((r) => [r.rel_path, r.state] as const)
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
    uploaded: (relPath) => {
      const row = lib.store.filesOf(folder.id).find((r) => r.rel_path === relPath);
      assert.ok(row, relPath);
      lib.store.updateFile(row.id, {
        state: 'uploaded',
        md5: 'm',
        uploaded_md5: 'm',
        image_uri: `/api/v2/image/${row.id}-0`,
      });
    },
  };
  return lib;
}

const counts = (r: Partial<ScanResult>): ScanResult => ({
  files: 0,
  added: 0,
  changed: 0,
  unchanged: 0,
  problems: 0,
  deleted: 0,
  ...r,
});

describe('scan', () => {
  test('finds new, changed and deleted files; a second walk over nothing changed does nothing', async () => {
    const lib = await library('basic', ['top.jpg', 'a/1.jpg', 'a/2.jpg', 'a/b/3.jpg', 'c/4.jpg']);
    assert.deepEqual(await lib.scan(), counts({ files: 5, added: 5 }));
    assert.deepEqual(await lib.scan(), counts({ files: 5, unchanged: 5 }));

    lib.uploaded('a/1.jpg');
    // Moved away and back later: the same file, with the same modification time.
    await rename(join(lib.root, 'a/1.jpg'), join(lib.root, '..', 'away.jpg'));
    await rm(join(lib.root, 'a/2.jpg'));
    await put(join(lib.root, 'a/b/3.jpg'), 'edited, so longer than before');
    await put(join(lib.root, 'a/new.jpg'));
    assert.deepEqual(await lib.scan(), counts({ files: 4, added: 1, changed: 1, unchanged: 2, deleted: 2 }));
    assert.deepEqual(lib.states(), {
      'a/1.jpg': 'deleted',
      'a/b/3.jpg': 'pending',
      'a/new.jpg': 'pending',
      'c/4.jpg': 'pending',
      'top.jpg': 'pending',
    });
    const gone = lib.store.filesOf(lib.folder.id).find((r) => r.rel_path === 'a/1.jpg');
    assert.equal(gone?.last_error, DELETED_REASON);

    assert.deepEqual(
      await lib.scan(),
      counts({ files: 4, unchanged: 4 }),
      'a deleted record is not counted again',
    );
    await rename(join(lib.root, '..', 'away.jpg'), join(lib.root, 'a/1.jpg'));
    assert.deepEqual(await lib.scan(), counts({ files: 5, unchanged: 5 }));
    assert.equal(lib.states()['a/1.jpg'], 'uploaded', 'the same file back is the uploaded one');
    lib.store.close();
  });

  test('a folder that vanished takes the records of its nested folders along, and nothing else', async () => {
    const lib = await library('vanished', [
      'a/1.jpg',
      'a/b/2.jpg',
      'a/b/c/3.jpg',
      'a/b/c/d/4.jpg',
      'a b/5.jpg',
      'a0.jpg',
      'ab/6.jpg',
      'x/7.jpg',
    ]);
    await lib.scan();
    lib.uploaded('a/b/c/3.jpg');
    await rm(join(lib.root, 'a/b'), { recursive: true });
    assert.deepEqual(await lib.scan(), counts({ files: 5, unchanged: 5, deleted: 3 }));
    assert.deepEqual(lib.states(), {
      'a b/5.jpg': 'pending',
      'a/1.jpg': 'pending',
      'a/b/c/3.jpg': 'deleted',
      'a0.jpg': 'pending',
      'ab/6.jpg': 'pending',
      'x/7.jpg': 'pending',
    });
    assert.deepEqual(await lib.scan(), counts({ files: 5, unchanged: 5 }));
    lib.store.close();
  });

  test('reported paths: a file gone, a folder gone with its subfolders, a file in place of a folder', async () => {
    const lib = await library('paths', [
      'a/1.jpg',
      'a/b/2.jpg',
      'a b/3.jpg',
      'a0.jpg',
      'ab/4.jpg',
      'k/5.jpg',
      'x.jpg/6.jpg',
    ]);
    await lib.scan();
    await rm(join(lib.root, 'k/5.jpg'));
    assert.deepEqual(await lib.scan(['k/5.jpg']), counts({ deleted: 1 }));
    await rm(join(lib.root, 'a'), { recursive: true });
    assert.deepEqual(await lib.scan(['a']), counts({ deleted: 2 }));
    assert.deepEqual(Object.keys(lib.states()), ['a b/3.jpg', 'a0.jpg', 'ab/4.jpg', 'x.jpg/6.jpg']);

    await rm(join(lib.root, 'x.jpg'), { recursive: true });
    await put(join(lib.root, 'x.jpg'), 'now a file');
    assert.deepEqual(await lib.scan(['x.jpg']), counts({ files: 1, added: 1, deleted: 1 }));
    await rm(join(lib.root, 'x.jpg'));
    await put(join(lib.root, 'x.jpg/again.jpg'));
    assert.deepEqual(await lib.scan(['x.jpg']), counts({ files: 1, added: 1, deleted: 1 }));
    assert.deepEqual(Object.keys(lib.states()), ['a b/3.jpg', 'a0.jpg', 'ab/4.jpg', 'x.jpg/again.jpg']);
    lib.store.close();
  });

  test('records below folders that cannot be read are kept, even when reported after their parent', async () => {
    // A link to a folder is followed only after every folder reachable without links, so the
    // problem with "parent/link" arrives long after "parent" was walked.
    const lib = await library('unreadable', [
      'ok.jpg',
      'locked/1.jpg',
      'locked/deep/2.jpg',
      'parent/a/3.jpg',
      'parent/b/4.jpg',
    ]);
    const outside = join(base, 'unreadable', 'outside');
    await put(join(outside, '5.jpg'));
    await put(join(outside, 'deep', '6.jpg'));
    await symlink(outside, join(lib.root, 'parent', 'link'));
    assert.deepEqual(await lib.scan(), counts({ files: 7, added: 7 }));
    lib.uploaded('parent/link/deep/6.jpg');
    lib.store.close();

    // chmod does not stop root, so these scans run unprivileged.
    const script = `
      import { Store } from ${JSON.stringify(module('store/store.ts'))};
      import { scanFolder, scanPaths } from ${JSON.stringify(module('library/scan.ts'))};
      import { DEFAULT_MEDIA_SETTINGS } from ${JSON.stringify(module('library/media.ts'))};
      const store = new Store(process.env.STATE_DB);
      const folder = store.folders()[0];
      const result = process.env.PATHS
        ? await scanPaths(store, folder, DEFAULT_MEDIA_SETTINGS, JSON.parse(process.env.PATHS))
        : await scanFolder(store, folder, DEFAULT_MEDIA_SETTINGS);
      store.close();
      process.stdout.write(JSON.stringify(result));
    `;
    const unprivilegedScan = (paths?: string[]) =>
      new Promise<ScanResult>((resolve, reject) => {
        const env = { STATE_DB: lib.dbFile, PATH: process.env.PATH ?? '' };
        execFile(
          ...unprivileged(process.execPath, ['--input-type=module', '--eval', script]),
          { env: paths ? { ...env, PATHS: JSON.stringify(paths) } : env, timeout: 20_000 },
          (error, out, err) =>
            error ? reject(new Error(`${error.message}\n${err}`)) : resolve(JSON.parse(out) as ScanResult),
        );
      });
    const everything = {
      'locked/1.jpg': 'pending',
      'locked/deep/2.jpg': 'pending',
      'ok.jpg': 'pending',
      'parent/a/3.jpg': 'pending',
      'parent/b/4.jpg': 'pending',
      'parent/link/5.jpg': 'pending',
      'parent/link/deep/6.jpg': 'uploaded',
    };
    await chmod(join(lib.root, 'locked'), 0o000);
    await chmod(outside, 0o000);
    try {
      assert.deepEqual(await unprivilegedScan(), counts({ files: 3, unchanged: 3, problems: 2 }));
      // Again, now that the folders' own records exist: they stay, unchanged.
      assert.deepEqual(await unprivilegedScan(), counts({ files: 3, unchanged: 3, problems: 2 }));
      // A watcher reports the unreadable folder itself (its permissions changed): the same.
      assert.deepEqual(await unprivilegedScan(['locked', 'parent/link/deep']), counts({ problems: 2 }));
    } finally {
      await chmod(join(lib.root, 'locked'), 0o755);
      await chmod(outside, 0o755);
    }
    lib.store = new Store(lib.dbFile);
    assert.deepEqual(lib.states(), {
      ...everything,
      locked: 'failed',
      'parent/link': 'failed',
      'parent/link/deep': 'failed',
    });
    const reasons = lib.store
      .filesIn(lib.folder.id, ['failed'])
      .map((r) => `${r.rel_path}: ${r.last_error}`)
      .sort();
    assert.deepEqual(reasons, [
      'locked: cannot read folder: permission denied',
      'parent/link/deep: cannot read folder: permission denied',
      'parent/link: cannot read folder: permission denied',
    ]);

    // Readable again: the folders' records go, the files were never lost.
    assert.deepEqual(await lib.scan(), counts({ files: 7, unchanged: 7, deleted: 3 }));
    assert.deepEqual(lib.states(), everything);
    lib.store.close();
  });
});
