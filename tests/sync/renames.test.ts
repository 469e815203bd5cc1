// Recognising renamed local folders from file records and the node mapping, with plain values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileRow, NodeRow } from '../../src/store/store.ts';
import { findRenamedDirs } from '../../src/sync/renames.ts';

let nextId = 1;
function file(relPath: string, state: 'deleted' | 'pending' | 'uploaded', size = 1000): FileRow {
  const onSmugMug = state !== 'pending';
  return {
    id: nextId++,
    folder_id: 1,
    rel_path: relPath,
    size,
    mtime_ms: 0,
    md5: null,
    state,
    attempts: 0,
    last_error: null,
    error_kind: null,
    gallery_key: null,
    album_uri: null,
    image_uri: onSmugMug ? `/api/v2/image/K${nextId}-0` : null,
    album_image_uri: null,
    web_url: null,
    uploaded_md5: null,
    uploaded_size: null,
    uploaded_at: null,
    updated_at: 0,
    capture_at: null,
    capture_offset: null,
    capture_source: null,
    capture_note: null,
    live_with: null,
    live_role: null,
  };
}

function nodes(...keys: string[]): Map<string, NodeRow> {
  return new Map(
    keys.map((key) => [
      key,
      {
        folder_id: 1,
        key,
        node_uri: `/api/v2/node/${key}`,
        album_uri: null,
        type: 'Album',
        name: key,
        url_name: 'X',
      },
    ]),
  );
}

function kept(rows: FileRow[]): Set<string> {
  return new Set(
    rows
      .filter((r) => r.state !== 'deleted')
      .map((r) => r.rel_path.slice(0, Math.max(0, r.rel_path.lastIndexOf('/')))),
  );
}

test('a gallery folder renamed in place', () => {
  const rows = [
    file('Trip/a.jpg', 'deleted'),
    file('Trip/b.jpg', 'deleted'),
    file('Trip 2024/a.jpg', 'pending'),
    file('Trip 2024/b.jpg', 'pending'),
  ];
  assert.deepEqual(findRenamedDirs(rows, kept(rows), nodes('T:', 'D:Trip')), [
    { from: 'Trip', to: 'Trip 2024' },
  ]);
});

test('a folder of galleries renamed: one rename at the level whose name changed', () => {
  const rows = [
    file('Italy/Rome/a.jpg', 'deleted'),
    file('Italy/Milan/b.jpg', 'deleted'),
    file('Italia/Rome/a.jpg', 'pending'),
    file('Italia/Milan/b.jpg', 'pending'),
  ];
  assert.deepEqual(findRenamedDirs(rows, kept(rows), nodes('F:Italy', 'D:Italy/Rome', 'D:Italy/Milan')), [
    { from: 'Italy', to: 'Italia' },
  ]);
});

test('a folder moved under another parent is not a rename', () => {
  const rows = [
    file('2023/Trip/a.jpg', 'deleted'),
    file('2024/Trip/a.jpg', 'pending'),
    file('2024/x.jpg', 'uploaded'),
  ];
  assert.deepEqual(findRenamedDirs(rows, kept(rows), nodes('D:2023/Trip', 'D:2024', 'F:2023', 'F:2024')), []);
});

test('a folder moved between parents that both stay is not their rename', () => {
  const rows = [
    file('2023/Trip/a.jpg', 'deleted'),
    file('2023/Other/b.jpg', 'uploaded'),
    file('2024/Trip/a.jpg', 'pending'),
  ];
  assert.deepEqual(findRenamedDirs(rows, kept(rows), nodes('F:2023', 'D:2023/Trip', 'D:2023/Other')), []);
});

test('too little in common, different sizes, or files that were never uploaded: no rename', () => {
  const someLeft = [
    file('Old/a.jpg', 'deleted'),
    file('Old/b.jpg', 'deleted'),
    file('Old/c.jpg', 'deleted'),
    file('New/a.jpg', 'pending'),
  ];
  assert.deepEqual(findRenamedDirs(someLeft, kept(someLeft), nodes('D:Old')), []);
  const resized = [file('Old/a.jpg', 'deleted', 1000), file('New/a.jpg', 'pending', 2000)];
  assert.deepEqual(findRenamedDirs(resized, kept(resized), nodes('D:Old')), []);
  const neverUploaded = [{ ...file('Old/a.jpg', 'deleted'), image_uri: null }, file('New/a.jpg', 'pending')];
  assert.deepEqual(findRenamedDirs(neverUploaded, kept(neverUploaded), nodes('D:Old')), []);
});

test('a folder that still holds media, or a new name that already has a gallery, is left alone', () => {
  const stillThere = [
    file('Trip/a.jpg', 'deleted'),
    file('Trip/c.jpg', 'uploaded'),
    file('Trip 2/a.jpg', 'pending'),
  ];
  assert.deepEqual(findRenamedDirs(stillThere, kept(stillThere), nodes('D:Trip')), []);
  const taken = [file('Trip/a.jpg', 'deleted'), file('Other/a.jpg', 'pending')];
  assert.deepEqual(findRenamedDirs(taken, kept(taken), nodes('D:Trip', 'D:Other')), []);
});

test('two renamed folders each find their own old name', () => {
  const rows = [
    file('A/1.jpg', 'deleted'),
    file('B/2.jpg', 'deleted'),
    file('A2/1.jpg', 'pending'),
    file('B2/2.jpg', 'pending'),
  ];
  assert.deepEqual(findRenamedDirs(rows, kept(rows), nodes('D:A', 'D:B')), [
    { from: 'A', to: 'A2' },
    { from: 'B', to: 'B2' },
  ]);
});
