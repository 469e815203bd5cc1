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

test('queries the watcher needs: files under a path, work waiting, uploads by MD5, renamed node keys', () => {
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
  const under = (p: string) =>
    store
      .filesUnder(folder.id, p)
      .map((r) => r.rel_path)
      .sort();
  assert.deepEqual(under('a'), ['a/1.jpg', 'a/b/2.jpg']);
  assert.deepEqual(under('a/1.jpg'), ['a/1.jpg']);
  assert.equal(under('').length, 5);
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
