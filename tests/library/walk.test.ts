// The walk over a real temporary tree: nested and unicode names, symbolic links (followed, looping,
// broken, already included), a FIFO, a name that is not UTF-8, unreadable folders and files,
// folders vanishing mid-walk, abort, and a root that cannot be walked.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { makeDirFilter } from '../../src/library/media.ts';
import { type WalkItem, walk } from '../../src/library/walk.ts';
import { unprivileged } from '../helpers/unprivileged.ts';

const WALK_MODULE = pathToFileURL(join(import.meta.dirname, '../../src/library/walk.ts')).href;

async function collect(root: string, options?: Parameters<typeof walk>[1]): Promise<WalkItem[]> {
  const items: WalkItem[] = [];
  for await (const item of walk(root, options)) items.push(item);
  return items;
}

const byType = <T extends WalkItem['type']>(items: WalkItem[], type: T) =>
  items.filter((i): i is Extract<WalkItem, { type: T }> => i.type === type);

async function put(path: string, content = 'x'): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, content);
}

describe('walk over a real tree', () => {
  let base: string;
  let root: string;
  let items: WalkItem[];

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'safelight-walk-'));
    root = join(base, 'library');
    await put(join(root, 'top.jpg'), 'top');
    await put(join(root, 'Été 2023', '📷 IMG_0001.JPG'), 'emoji');
    await put(join(root, 'Été 2023', 'Größe', 'nested', 'deep.mov'), 'deep video');
    await put(join(root, 'a', 'a1.jpg'));
    await put(join(root, 'a', 'b', 'b1.jpg'));
    await put(join(root, '@eaDir', 'thumb.jpg'));
    await put(join(base, 'outside', 'o1.jpg'), 'outside');
    await put(join(base, 'outside', 'inner', 'o2.jpg'));
    await symlink('..', join(root, 'a', 'b', 'up'));
    await symlink('self', join(root, 'a', 'b', 'self'));
    await symlink('.', join(root, 'back'));
    await symlink(join('a', 'b'), join(root, 'alias'));
    await symlink(join('..', 'outside'), join(root, 'linked'));
    await symlink('top.jpg', join(root, 'file-link.jpg'));
    await symlink('nothing-here.jpg', join(root, 'broken.jpg'));
    execFileSync('mkfifo', [join(root, 'pipe.mov')]);
    // A name written by a system that does not use UTF-8 (0xFF is never valid UTF-8).
    await writeFile(
      Buffer.concat([Buffer.from(join(root, 'latin1-')), Buffer.from([0xff]), Buffer.from('.jpg')]),
      'x',
    );
    items = await collect(root, { descend: makeDirFilter({ videos: true, raw: false, ignore: [] }) });
  });

  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  test('yields every reachable file once, with "/" paths, real sizes and mtimes', async () => {
    const files = byType(items, 'file');
    assert.deepEqual(files.map((f) => f.relPath).sort(), [
      'a/a1.jpg',
      'a/b/b1.jpg',
      'file-link.jpg',
      'linked/inner/o2.jpg',
      'linked/o1.jpg',
      'top.jpg',
      'Été 2023/Größe/nested/deep.mov',
      'Été 2023/📷 IMG_0001.JPG',
    ]);
    for (const file of files) {
      const real = await stat(file.absPath);
      assert.equal(file.size, real.size, file.relPath);
      assert.equal(file.mtimeMs, real.mtimeMs, file.relPath);
    }
    const content = async (rel: string) => {
      const file = files.find((f) => f.relPath === rel);
      assert.ok(file, rel);
      return readFile(file.absPath, 'utf8');
    };
    assert.equal(await content('Été 2023/📷 IMG_0001.JPG'), 'emoji');
    assert.equal(await content('file-link.jpg'), 'top');
    assert.equal(await content('linked/o1.jpg'), 'outside');
  });

  test('yields each folder entered, the root as "", and not the ones the filter refuses', () => {
    assert.deepEqual(
      byType(items, 'dir')
        .map((d) => d.relPath)
        .sort(),
      ['', 'a', 'a/b', 'linked', 'linked/inner', 'Été 2023', 'Été 2023/Größe', 'Été 2023/Größe/nested'],
    );
  });

  test('reports loops, links to folders already included, broken links and unreadable names', () => {
    const problems = byType(items, 'problem').map(({ relPath, reason, isDir }) => ({
      relPath,
      reason,
      isDir,
    }));
    assert.deepEqual(
      problems.sort((x, y) => x.relPath.localeCompare(y.relPath)),
      [
        {
          relPath: 'a/b/self',
          reason: 'symbolic link loop: the link never reaches a real file or folder',
          isDir: false,
        },
        { relPath: 'a/b/up', reason: 'symbolic link loop: points back to "a"', isDir: true },
        { relPath: 'alias', reason: 'symbolic link to a folder already included as "a/b"', isDir: true },
        { relPath: 'back', reason: 'symbolic link loop: points back to the connected folder', isDir: true },
        { relPath: 'broken.jpg', reason: 'broken symbolic link (target missing)', isDir: false },
        {
          relPath: 'latin1-\uFFFD.jpg',
          reason: 'the name is not valid UTF-8, so it cannot be read; rename it',
          isDir: false,
        },
      ],
    );
  });

  test('skips the FIFO silently without opening it', () => {
    assert.equal(
      items.some((i) => i.relPath === 'pipe.mov'),
      false,
    );
  });

  test("yields a folder's files before anything inside its subfolders", () => {
    const parentOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
    const isBelow = (rel: string, dir: string) => dir === '' || rel.startsWith(`${dir}/`);
    let checked = 0;
    items.forEach((file, at) => {
      if (file.type !== 'file') return;
      const dir = parentOf(file.relPath);
      assert.ok(
        items.findIndex((i) => i.type === 'dir' && i.relPath === dir) < at,
        `${file.relPath} after its folder`,
      );
      items.forEach((other, i) => {
        const inSubfolder =
          other.relPath !== dir && isBelow(other.relPath, dir) && parentOf(other.relPath) !== dir;
        if (inSubfolder || (other.type === 'dir' && other.relPath !== dir && isBelow(other.relPath, dir))) {
          assert.ok(i > at, `${file.relPath} before ${other.type} ${other.relPath}`);
          checked++;
        }
      });
    });
    assert.ok(checked > 20);
  });
});

describe('walk edge cases', () => {
  let base: string;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'safelight-walk-edge-'));
  });

  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  test('a folder deleted mid-walk is skipped silently and the rest still comes', async () => {
    const root = join(base, 'vanish');
    await put(join(root, 'first.jpg'));
    await put(join(root, 'gone', 'x.jpg'));
    await put(join(root, 'stays', 'y.jpg'));
    const seen: WalkItem[] = [];
    for await (const item of walk(root)) {
      seen.push(item);
      // Subfolders are entered only after the root's files, so 'gone' has not been opened yet.
      if (item.type === 'file' && item.relPath === 'first.jpg')
        await rm(join(root, 'gone'), { recursive: true });
    }
    assert.deepEqual(seen.map((i) => `${i.type}:${i.relPath}`).sort(), [
      'dir:',
      'dir:stays',
      'file:first.jpg',
      'file:stays/y.jpg',
    ]);
  });

  test('handles a folder with more entries than one read batch', async () => {
    const root = join(base, 'many');
    await mkdir(root);
    await Promise.all(Array.from({ length: 300 }, (_, i) => writeFile(join(root, `IMG_${i}.JPG`), '')));
    const files = byType(await collect(root), 'file');
    assert.equal(new Set(files.map((f) => f.relPath)).size, 300);
  });

  test('aborting stops the walk with the signal reason', async () => {
    const root = join(base, 'abort');
    await put(join(root, 'a.jpg'));
    await put(join(root, 'sub', 'b.jpg'));
    const controller = new AbortController();
    const reason = new Error('stop');
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const item of walk(root, { signal: controller.signal })) {
        seen.push(item.relPath);
        if (item.type === 'file') controller.abort(reason);
      }
    }, reason);
    assert.deepEqual(seen, ['', 'a.jpg']);
    const aborted = AbortSignal.abort(reason);
    await assert.rejects(collect(root, { signal: aborted }), reason);
  });

  test('a root that is missing or not a folder makes the walk throw with a plain reason', async () => {
    await assert.rejects(
      collect(join(base, 'no-such-folder')),
      /Cannot read the connected folder .*not found/,
    );
    await put(join(base, 'plain-file.jpg'));
    await assert.rejects(
      collect(join(base, 'plain-file.jpg')),
      /Cannot read the connected folder .*not a folder/,
    );
  });

  test('unreadable folders and files are reported and the rest is walked', async () => {
    // chmod does not stop root, so the walk runs unprivileged.
    const root = join(base, 'perm');
    await put(join(root, 'ok.jpg'));
    await put(join(root, 'locked', 'hidden.jpg'));
    await put(join(root, 'noexec', 'f.jpg'));
    await mkdir(join(root, 'noexec', 'sub'));
    await put(join(root, 'open', 'g.jpg'));
    await chmod(join(root, 'locked'), 0o000);
    // Listable but not searchable: names can be read, the entries inside cannot be stat'ed.
    await chmod(join(root, 'noexec'), 0o644);
    const script = `
      import { walk } from ${JSON.stringify(WALK_MODULE)};
      const items = [];
      for await (const item of walk(process.env.WALK_ROOT)) items.push(item);
      process.stdout.write(JSON.stringify(items));
    `;
    try {
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          ...unprivileged(process.execPath, ['--input-type=module', '--eval', script]),
          {
            cwd: root,
            env: { WALK_ROOT: root, PATH: process.env.PATH ?? '' },
            timeout: 10_000,
          },
          (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
        );
      });
      const got = (JSON.parse(stdout) as WalkItem[]).map((i) =>
        i.type === 'problem' ? `problem:${i.relPath}:${i.reason}:${i.isDir}` : `${i.type}:${i.relPath}`,
      );
      assert.deepEqual(got.sort(), [
        'dir:',
        'dir:noexec',
        'dir:open',
        'file:ok.jpg',
        'file:open/g.jpg',
        'problem:locked:cannot read folder: permission denied:true',
        'problem:noexec/f.jpg:cannot read file: permission denied:false',
        'problem:noexec/sub:cannot read folder: permission denied:true',
      ]);
    } finally {
      await chmod(join(root, 'locked'), 0o755);
      await chmod(join(root, 'noexec'), 0o755);
    }
  });
});
