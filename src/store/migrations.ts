// The state database's schema, one migration per version. A migration is never edited once
// released: a change to the schema is a new entry at the end of the list.

export const migrations: readonly string[] = [
  // 1: connected folders, local files, and the local dir → SmugMug node mapping.
  `
  CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    mode TEXT NOT NULL DEFAULT 'mirror',
    privacy TEXT NOT NULL DEFAULT 'Private',
    -- SmugMug folder the connected folder's own node goes into: '' is the account root.
    target TEXT NOT NULL DEFAULT '',
    -- JSON: media settings of this folder (videos, raw, ignore patterns).
    settings TEXT NOT NULL DEFAULT '{}',
    added_at INTEGER NOT NULL,
    last_sync_at INTEGER,
    last_error TEXT
  );

  CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    rel_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    -- MD5 (hex) of the content at (size, mtime_ms); NULL until hashed.
    md5 TEXT,
    -- pending | uploading | uploaded | failed | skipped | deleted
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    -- permanent | transient, for failed files
    error_kind TEXT,
    -- Plan key of the gallery the file belongs to, with its overflow index ('D:a/b', 'D:a/b//2').
    gallery_key TEXT,
    album_uri TEXT,
    image_uri TEXT,
    album_image_uri TEXT,
    web_url TEXT,
    uploaded_md5 TEXT,
    uploaded_size INTEGER,
    uploaded_at INTEGER,
    updated_at INTEGER NOT NULL,
    UNIQUE (folder_id, rel_path)
  );
  CREATE INDEX files_by_state ON files(folder_id, state);

  CREATE TABLE nodes (
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    -- Plan key ('D:a/b', 'F:a', 'D:a/b//2'), or 'T:' for the target SmugMug folder.
    key TEXT NOT NULL,
    node_uri TEXT NOT NULL,
    album_uri TEXT,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    url_name TEXT NOT NULL,
    PRIMARY KEY (folder_id, key)
  );
  `,
  // 2: how each folder is watched, and files found by the MD5 of what was uploaded (moves).
  `
  ALTER TABLE folders ADD COLUMN watch TEXT NOT NULL DEFAULT 'auto';
  CREATE INDEX files_by_uploaded_md5 ON files(uploaded_md5) WHERE uploaded_md5 IS NOT NULL;
  `,
  // 3: the dir each file is in ('' = the connected folder's top level), so a walk compares one dir
  // at a time instead of holding every record of a large library. SQLite derives it from rel_path
  // (for existing rows too), so no insert can leave it out or get it wrong; same result as dirOf().
  `
  ALTER TABLE files ADD COLUMN dir TEXT NOT NULL GENERATED ALWAYS AS (
    CASE WHEN instr(rel_path, '/') = 0 THEN ''
    ELSE substr(rel_path, 1, length(rtrim(rel_path, replace(rel_path, '/', ''))) - 1) END
  ) VIRTUAL;
  CREATE INDEX files_by_dir ON files(folder_id, dir);
  `,
  // 4: camera imports. When each file was taken (the wall clock where it was taken, the zone's
  // offset when the file says, and where the date came from), the other half of a Live Photo, and
  // a date-mode folder's choices (its SmugMug folder and gallery name format, JSON).
  `
  ALTER TABLE files ADD COLUMN capture_at TEXT;
  ALTER TABLE files ADD COLUMN capture_offset INTEGER;
  ALTER TABLE files ADD COLUMN capture_source TEXT;
  ALTER TABLE files ADD COLUMN capture_note TEXT;
  ALTER TABLE files ADD COLUMN live_with TEXT;
  ALTER TABLE files ADD COLUMN live_role TEXT;
  ALTER TABLE folders ADD COLUMN date_options TEXT NOT NULL DEFAULT '{}';
  `,
];
