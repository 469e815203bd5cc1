// The state database: schema versions, owner-only files, WAL, and the folder/file/node records.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { migrations } from '../../src/store/migrations.ts';
import { Store } from '../../src/store/store.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'safelight-store-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('a new database gets every migration, WAL mode, and owner-only files', async () => {
  const file = join(dir, 'fresh', 'state.db');
  const store = new Store(file);
  assert.equal(store.schemaVersion, migrations.length);
  assert.equal(
    (store.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode,
    'wal',
  );
  store.addFolder({ path: '/p', mode: 'mirror', privacy: 'Private', target: '', settings: '{}' });
  store.close();
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, 'fresh'))).mode & 0o777, 0o700);
  const reopened = new Store(file);
  assert.equal(reopened.folders().length, 1, 'reopening keeps the data and runs no migration twice');
  reopened.close();
});

test('a database from a newer Safelight is refused with a clear error', () => {
  const file = join(dir, 'newer.db');
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA user_version = ${migrations.length + 1}`);
  db.close();
  assert.throws(() => new Store(file), /written by a newer Safelight/);
});

test('file records: insert, update, counts, reset of failures, cascade with the folder', () => {
  const store = new Store(':memory:');
  const folder = store.addFolder({
    path: '/photos',
    mode: 'mirror',
    privacy: 'Private',
    target: '',
    settings: '{}',
  });
  const a = store.insertFile(folder.id, 'a.jpg', { size: 1, mtime_ms: 1.5, state: 'pending' });
  store.insertFile(folder.id, 'b.jpg', {
    size: 2,
    mtime_ms: 2,
    state: 'failed',
    error_kind: 'permanent',
    last_error: 'x',
  });
  store.updateFile(a.id, { state: 'uploaded', md5: 'abc' });
  assert.equal(store.file(a.id)?.md5, 'abc');
  assert.equal(store.file(a.id)?.mtime_ms, 1.5);
  assert.deepEqual(store.counts(folder.id), {
    pending: 0,
    uploading: 0,
    uploaded: 1,
    failed: 1,
    skipped: 0,
    deleted: 0,
    ignored: 0,
  });
  assert.equal(store.resetFailed(folder.id), 1);
  assert.equal(store.filesIn(folder.id, ['pending'])[0]?.last_error, null);
  assert.throws(
    () => store.insertFile(folder.id, 'a.jpg', { size: 1, mtime_ms: 1, state: 'pending' }),
    /UNIQUE/,
  );
  store.saveNode({
    folder_id: folder.id,
    key: 'D:',
    node_uri: '/api/v2/node/x',
    album_uri: null,
    type: 'Folder',
    name: 'photos',
    url_name: 'Photos',
  });
  assert.equal(store.nodesOf(folder.id).get('D:')?.url_name, 'Photos');
  store.db.prepare('DELETE FROM folders WHERE id = ?').run(folder.id);
  assert.equal(store.filesOf(folder.id).length, 0);
  assert.equal(store.nodesOf(folder.id).size, 0);
  store.close();
});

test('a transaction that throws leaves nothing behind', () => {
  const store = new Store(':memory:');
  assert.throws(() =>
    store.transaction(() => {
      store.addFolder({ path: '/x', mode: 'mirror', privacy: 'Private', target: '', settings: '{}' });
      throw new Error('boom');
    }),
  );
  assert.equal(store.folders().length, 0);
  store.close();
});

test('queries the watcher needs: dirs under a path, work waiting, uploads by MD5, renamed node keys', () => {
  const store = new Store(join(dir, 'watch.db'));
  const folder = store.addFolder({
    path: '/w',
    mode: 'mirror',
    privacy: 'Private',
    target: '',
    settings: '{}',
  });
  assert.equal(folder.watch, 'auto');
  const add = (rel: string, fields: Parameters<Store['insertFile']>[2]) =>
    store.insertFile(folder.id, rel, fields);
  const done = { size: 1, mtime_ms: 1, state: 'uploaded' as const, image_uri: '/api/v2/image/K-0' };
  add('a/1.jpg', { ...done, uploaded_md5: 'm1' });
  add('a/b/2.jpg', { ...done, uploaded_md5: 'm2' });
  add('a b/3.jpg', done);
  add('a0.jpg', done);
  add('ab.jpg', done);
  assert.deepEqual(store.dirsUnder(folder.id, 'a').sort(), ['a', 'a/b']);
  assert.deepEqual(store.dirsUnder(folder.id, 'a/b'), ['a/b']);
  assert.deepEqual(store.dirsUnder(folder.id, 'a/1.jpg'), []);
  assert.deepEqual(store.dirsUnder(folder.id, '').sort(), ['', 'a', 'a b', 'a/b']);
  assert.deepEqual(
    store
      .knownFilesInDir(folder.id, '')
      .map((r) => r.rel_path)
      .sort(),
    ['a0.jpg', 'ab.jpg'],
  );
  assert.equal(store.fileAt(folder.id, 'a/1.jpg')?.uploaded_md5, 'm1');
  assert.equal(store.fileAt(folder.id, 'a'), undefined);
  assert.deepEqual(
    store.filesUploadedAs('m2').map((r) => r.rel_path),
    ['a/b/2.jpg'],
  );

  assert.equal(store.hasWork(folder.id), false);
  const failed = add('c.jpg', { size: 1, mtime_ms: 1, state: 'failed', error_kind: 'permanent' });
  assert.equal(store.hasWork(folder.id), false, 'a permanent failure waits for the person');
  store.updateFile(failed.id, { error_kind: 'transient' });
  assert.equal(store.hasWork(folder.id), true);
  store.updateFile(failed.id, { state: 'pending' });
  assert.equal(store.hasWork(folder.id), true);

  const node = {
    folder_id: folder.id,
    node_uri: '/n',
    album_uri: null,
    type: 'Album',
    name: 'x',
    url_name: 'X',
  };
  for (const key of ['D:a', 'D:a/b', 'D:a/b//2', 'F:a', 'D:ab', 'D:a b']) store.saveNode({ ...node, key });
  store.renameNodeKeys(folder.id, 'a', 'z');
  assert.deepEqual([...store.nodesOf(folder.id).keys()].sort(), [
    'D:a b',
    'D:ab',
    'D:z',
    'D:z/b',
    'D:z/b//2',
    'F:z',
  ]);
  store.close();
});

test('migration 3 gives the records of a version 2 database their dir, and new records get theirs', () => {
  const file = join(dir, 'v2.db');
  const db = new DatabaseSync(file);
  db.exec(migrations[0] as string);
  db.exec(migrations[1] as string);
  db.exec('PRAGMA user_version = 2');
  db.exec(`INSERT INTO folders (id, path, added_at) VALUES (1, '/photos', 0), (2, '/more', 0)`);
  const insert = db.prepare(
    `INSERT INTO files (folder_id, rel_path, size, mtime_ms, state, updated_at) VALUES (?, ?, 1, 1, 'uploaded', 0)`,
  );
  const paths = [
    'top.jpg',
    'a/1.jpg',
    'a/b/2.jpg',
    'a/b/c/3.jpg',
    'a b/4.jpg',
    'Été 2023/📷 5.jpg',
    'ab/6.jpg',
  ];
  for (const p of paths) insert.run(1, p);
  insert.run(2, 'a/elsewhere.jpg');
  db.close();

  const store = new Store(file);
  assert.equal(store.schemaVersion, migrations.length);
  const dirs = store.db
    .prepare('SELECT rel_path, dir FROM files WHERE folder_id = 1 ORDER BY rel_path')
    .all();
  assert.deepEqual(
    dirs.map((r) => ({ ...r })),
    [
      { rel_path: 'a b/4.jpg', dir: 'a b' },
      { rel_path: 'a/1.jpg', dir: 'a' },
      { rel_path: 'a/b/2.jpg', dir: 'a/b' },
      { rel_path: 'a/b/c/3.jpg', dir: 'a/b/c' },
      { rel_path: 'ab/6.jpg', dir: 'ab' },
      { rel_path: 'top.jpg', dir: '' },
      { rel_path: 'Été 2023/📷 5.jpg', dir: 'Été 2023' },
    ],
  );
  const plan = store.db
    .prepare('EXPLAIN QUERY PLAN SELECT id FROM files WHERE folder_id = ? AND dir = ?')
    .all(1, 'a')
    .map((r) => (r as { detail: string }).detail)
    .join('\n');
  assert.match(plan, /files_by_dir/);

  const added = store.insertFile(1, 'a/b/new.jpg', { size: 1, mtime_ms: 1, state: 'pending' });
  store.insertFile(1, 'new-top.jpg', { size: 1, mtime_ms: 1, state: 'pending' });
  assert.throws(() => store.db.prepare("UPDATE files SET dir = 'x' WHERE id = ?").run(added.id), /generated/);
  const names = (rows: { rel_path: string }[]) => rows.map((r) => r.rel_path).sort();
  assert.deepEqual(names(store.knownFilesInDir(1, 'a/b')), ['a/b/2.jpg', 'a/b/new.jpg']);
  assert.deepEqual(names(store.knownFilesInDir(1, '')), ['new-top.jpg', 'top.jpg']);
  assert.deepEqual(names(store.knownFilesInDir(1, 'a')), ['a/1.jpg'], 'only the dir itself, not below it');
  assert.deepEqual(store.dirsUnder(1, 'a').sort(), ['a', 'a/b', 'a/b/c']);
  assert.deepEqual(store.dirsUnder(1, '').sort(), ['', 'a', 'a b', 'a/b', 'a/b/c', 'ab', 'Été 2023']);
  assert.equal(store.dirCount(1), 7);
  assert.equal(store.dirCount(2), 1);
  assert.equal(store.fileAt(1, 'a/b/c/3.jpg')?.size, 1);
  assert.equal(store.fileAt(2, 'a/b/c/3.jpg'), undefined);
  store.close();
});

test("migration 4 keeps a version 3 database's records, with nothing read yet and folders in mirror mode", () => {
  const file = join(dir, 'v3.db');
  const db = new DatabaseSync(file);
  for (const m of migrations.slice(0, 3)) db.exec(m);
  db.exec('PRAGMA user_version = 3');
  db.exec(`INSERT INTO folders (id, path, added_at) VALUES (1, '/photos', 0)`);
  db.exec(
    `INSERT INTO files (folder_id, rel_path, size, mtime_ms, state, md5, updated_at)
     VALUES (1, 'DCIM/100APPLE/IMG_0001.HEIC', 10, 1, 'uploaded', 'abc', 0)`,
  );
  db.close();

  const store = new Store(file);
  assert.equal(store.schemaVersion, 4);
  const [folder] = store.folders();
  assert.equal(folder?.mode, 'mirror');
  assert.equal(folder?.date_options, '{}');
  const row = store.fileAt(1, 'DCIM/100APPLE/IMG_0001.HEIC');
  assert.equal(row?.md5, 'abc');
  assert.equal(row?.state, 'uploaded');
  for (const column of [
    'capture_at',
    'capture_offset',
    'capture_source',
    'capture_note',
    'live_with',
    'live_role',
  ] as const) {
    assert.equal(row?.[column], null, column);
  }
  store.close();
});
