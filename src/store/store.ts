// Safelight's state: connected folders, every local file with its upload state, and which
// SmugMug node stands for which local folder. SQLite in WAL mode; every change that matters
// is committed before the next step starts, so a crash at any instant resumes cleanly.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { migrations } from './migrations.ts';

// 'ignored': a failure the person chose to stop hearing about; never uploaded until retried, and
// kept by scans until the file changes.
export type FileState = 'pending' | 'uploading' | 'uploaded' | 'failed' | 'skipped' | 'deleted' | 'ignored';
export type ErrorKind = 'permanent' | 'transient';

export interface FolderRow {
  id: number;
  path: string;
  mode: string;
  privacy: string;
  target: string;
  settings: string;
  added_at: number;
  last_sync_at: number | null;
  last_error: string | null;
  /** auto | native | polling */
  watch: string;
  /** JSON: a date-mode folder's DateOptions (src/plan/date-mode.ts); '{}' for mirror mode. */
  date_options: string;
}

export interface FileRow {
  id: number;
  folder_id: number;
  rel_path: string;
  size: number;
  mtime_ms: number;
  md5: string | null;
  state: FileState;
  attempts: number;
  last_error: string | null;
  error_kind: ErrorKind | null;
  gallery_key: string | null;
  album_uri: string | null;
  image_uri: string | null;
  album_image_uri: string | null;
  web_url: string | null;
  uploaded_md5: string | null;
  uploaded_size: number | null;
  uploaded_at: number | null;
  updated_at: number;
  /** When it was taken: the wall clock there, 'YYYY-MM-DDTHH:MM:SS'; null until read. */
  capture_at: string | null;
  /** Minutes east of UTC where it was taken, when the file says. */
  capture_offset: number | null;
  /** exif | quicktime-keys | quicktime-mvhd | mtime (the last resort); null until read. */
  capture_source: string | null;
  /** Why the file's own date was passed over, when it was. */
  capture_note: string | null;
  /** The other half of a Live Photo (its rel_path), once paired. */
  live_with: string | null;
  /** 'still' | 'video' for the halves of a Live Photo. */
  live_role: string | null;
}

export interface NodeRow {
  folder_id: number;
  key: string;
  node_uri: string;
  album_uri: string | null;
  type: string;
  name: string;
  url_name: string;
}

/** What a walk compares a file on disk with. */
export type KnownFile = Pick<FileRow, 'id' | 'rel_path' | 'size' | 'mtime_ms' | 'state' | 'last_error'>;

export type NewFolder = Pick<FolderRow, 'path' | 'mode' | 'privacy' | 'target' | 'settings'> &
  Partial<Pick<FolderRow, 'watch' | 'date_options'>>;
export type FileFields = Partial<Omit<FileRow, 'id' | 'folder_id' | 'rel_path' | 'updated_at'>>;

export interface StateCounts {
  pending: number;
  uploading: number;
  uploaded: number;
  failed: number;
  skipped: number;
  deleted: number;
  ignored: number;
}

/** A fresh all-zero count of every state, for a folder with no files yet. */
export function noCounts(): StateCounts {
  return { pending: 0, uploading: 0, uploaded: 0, failed: 0, skipped: 0, deleted: 0, ignored: 0 };
}

const OWNER_ONLY = 0o600;

// A file waiting to be uploaded or tried again, and a file that counts toward its gallery: the
// engine's isTodo and isKept, for queries that must not load every row of a large folder. Written
// as `state IN (...)` so SQLite looks them up by the state index instead of reading every row.
// Queries that sort by path name their index: without statistics, SQLite would rather read the
// whole folder in path order than sort the few rows it needs.
const TODO = `state IN ('pending', 'uploading', 'failed') AND (state != 'failed' OR error_kind = 'transient')`;
const KEPT = `state IN ('uploaded', 'pending', 'uploading', 'failed') AND (state != 'failed' OR error_kind = 'transient')`;

// A Live Photo listed as one item (PageOptions.liveAsOne): the still `f` with its video `v`, whose
// rows name each other; a video whose still names it back is not listed apart.
const VIDEO_OF_STILL = `f.live_role = 'still' AND v.folder_id = f.folder_id AND v.rel_path = f.live_with
  AND v.live_role = 'video' AND v.live_with = f.rel_path`;
const LISTED_WITH_STILL = `f.live_role IS 'video' AND EXISTS (SELECT 1 FROM files s WHERE s.folder_id = f.folder_id
  AND s.rel_path = f.live_with AND s.live_role = 'still' AND s.live_with = f.rel_path)`;
// The item's state is the worse of the two: what the person must hear about first.
const ITEM_STATE = `CASE WHEN v.id IS NULL THEN f.state ${[
  'failed',
  'uploading',
  'pending',
  'skipped',
  'ignored',
  'uploaded',
]
  .map((s) => `WHEN '${s}' IN (f.state, v.state) THEN '${s}'`)
  .join(' ')} ELSE f.state END`;
const ITEM_COLUMNS = `f.*, v.id AS video_id, v.state AS video_state, v.size AS video_size,
  v.last_error AS video_error, ${ITEM_STATE} AS item_state`;
const IN_STATES = 'IN (SELECT value FROM json_each(?))';
// In path order, as the list shows them; with states, for states most of the folder's files are in.
const ITEMS = `SELECT ${ITEM_COLUMNS} FROM files f LEFT JOIN files v ON ${VIDEO_OF_STILL}
  WHERE f.folder_id = ? AND NOT (${LISTED_WITH_STILL})`;
const COMMON_ITEMS = `${ITEMS} AND (f.state ${IN_STATES} OR f.live_role = 'still') AND item_state ${IN_STATES}`;
// For states few files are in: from those files (by the state index) and the stills of videos in
// them, then sorted, instead of reading the whole folder in path order to find them.
const RARE_ITEMS = `SELECT ${ITEM_COLUMNS} FROM (
    SELECT id FROM files WHERE folder_id = ? AND state ${IN_STATES}
    UNION
    SELECT s.id FROM files w JOIN files s ON s.folder_id = w.folder_id AND s.rel_path = w.live_with
    WHERE w.folder_id = ? AND w.state ${IN_STATES} AND w.live_role = 'video'
  ) AS c CROSS JOIN files f ON f.id = c.id LEFT JOIN files v ON ${VIDEO_OF_STILL}
  WHERE NOT (${LISTED_WITH_STILL}) AND item_state ${IN_STATES}`;
/** Path order pays when at least this share of the folder's files is in the states asked for. */
const COMMON_SHARE = 0.25;
// Every Live Photo pair by its halves' states and the item's, for counting items without listing them.
const PAIR_STATES = `SELECT f.state AS still, v.state AS video, ${ITEM_STATE} AS item, COUNT(*) AS n
  FROM files f JOIN files v ON ${VIDEO_OF_STILL} WHERE f.folder_id = ? GROUP BY f.state, v.state`;

/** How a page of files is listed. */
export interface PageOptions {
  /**
   * A Live Photo is one item: its still, carrying its video and the worse of the two states (to
   * which the state filter applies); the video is not listed on its own.
   */
  liveAsOne?: boolean;
}

/** A listed item: a file, or a Live Photo's still with its video's facts (null otherwise). */
export interface ItemRow extends FileRow {
  item_state: FileState;
  video_id: number | null;
  video_state: FileState | null;
  video_size: number | null;
  video_error: string | null;
}

export class Store {
  readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(file: string) {
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    }
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL');
    // NORMAL is durable against a crashed process (SIGKILL); only an OS crash can lose the
    // last transactions, never corrupt the file.
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec('PRAGMA foreign_keys = ON');
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.migrate();
    if (file !== ':memory:') {
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, OWNER_ONLY);
    }
  }

  get schemaVersion(): number {
    return (this.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  }

  private migrate(): void {
    const from = this.schemaVersion;
    if (from > migrations.length) {
      throw new Error(
        `the state database was written by a newer Safelight (schema ${from}, this version knows ${migrations.length})`,
      );
    }
    for (let v = from; v < migrations.length; v++) {
      this.transaction(() => {
        this.db.exec(migrations[v] as string);
        this.db.exec(`PRAGMA user_version = ${v + 1}`);
      });
    }
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  transaction<T>(fn: () => T): T {
    if (this.db.isTransaction) return fn();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  close(): void {
    this.db.close();
  }

  // Folders

  addFolder(folder: NewFolder, now = Date.now()): FolderRow {
    return this.stmt(
      `INSERT INTO folders (path, mode, privacy, target, settings, watch, date_options, added_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      folder.path,
      folder.mode,
      folder.privacy,
      folder.target,
      folder.settings,
      folder.watch ?? 'auto',
      folder.date_options ?? '{}',
      now,
    ) as unknown as FolderRow;
  }

  folders(): FolderRow[] {
    return this.stmt('SELECT * FROM folders ORDER BY id').all() as unknown as FolderRow[];
  }

  folderByPath(path: string): FolderRow | undefined {
    return this.stmt('SELECT * FROM folders WHERE path = ?').get(path) as unknown as FolderRow | undefined;
  }

  folderSynced(id: number, at: number, error: string | null): void {
    this.stmt('UPDATE folders SET last_sync_at = ?, last_error = ? WHERE id = ?').run(at, error, id);
  }

  // Files

  filesOf(folderId: number): FileRow[] {
    return this.stmt('SELECT * FROM files WHERE folder_id = ?').all(folderId) as unknown as FileRow[];
  }

  filesIn(folderId: number, states: readonly FileState[]): FileRow[] {
    const marks = states.map(() => '?').join(',');
    return this.stmt(`SELECT * FROM files WHERE folder_id = ? AND state IN (${marks}) ORDER BY rel_path`).all(
      folderId,
      ...states,
    ) as unknown as FileRow[];
  }

  /** The file at relPath. */
  fileAt(folderId: number, relPath: string): FileRow | undefined {
    return this.stmt('SELECT * FROM files WHERE folder_id = ? AND rel_path = ?').get(
      folderId,
      relPath,
    ) as unknown as FileRow | undefined;
  }

  /**
   * The files directly in `dir` ('' = the folder's top level), not those in its subfolders, with
   * only what a walk compares: a walk reads every record, and whole rows take twice as long.
   */
  knownFilesInDir(folderId: number, dir: string): KnownFile[] {
    return this.stmt(
      'SELECT id, rel_path, size, mtime_ms, state, last_error FROM files WHERE folder_id = ? AND dir = ?',
    ).all(folderId, dir) as unknown as KnownFile[];
  }

  /** Every dir holding a file record, `under` itself and the dirs below it ('' = all of them). */
  dirsUnder(folderId: number, under: string): string[] {
    // '0' follows '/' in code order, so the range holds exactly the dirs below `under/`.
    const rows =
      under === ''
        ? this.stmt('SELECT DISTINCT dir FROM files WHERE folder_id = ?').all(folderId)
        : this.stmt(
            'SELECT DISTINCT dir FROM files WHERE folder_id = ? AND (dir = ? OR (dir >= ? AND dir < ?))',
          ).all(folderId, under, `${under}/`, `${under}0`);
    return (rows as unknown as { dir: string }[]).map((r) => r.dir);
  }

  /** How many dirs hold a file record. */
  dirCount(folderId: number): number {
    const row = this.stmt('SELECT COUNT(DISTINCT dir) AS n FROM files WHERE folder_id = ?').get(folderId) as {
      n: number;
    };
    return row.n;
  }

  /** Whether any file of the folder waits to be uploaded (or tried again), without loading rows. */
  hasWork(folderId: number): boolean {
    const row = this.stmt(`SELECT EXISTS (SELECT 1 FROM files WHERE folder_id = ? AND ${TODO}) AS work`).get(
      folderId,
    ) as { work: number };
    return row.work === 1;
  }

  /** Files waiting to be uploaded or tried again, in path order. */
  todoFiles(folderId: number): FileRow[] {
    return this.stmt(
      `SELECT * FROM files INDEXED BY files_by_state WHERE folder_id = ? AND ${TODO} ORDER BY rel_path`,
    ).all(folderId) as unknown as FileRow[];
  }

  /**
   * Per dir, how many of its files are uploaded or waiting to be, without loading them; dirs in
   * the order their first such file comes in path order.
   */
  keptCounts(folderId: number): { dir: string; files: number }[] {
    return this.stmt(
      `SELECT dir, COUNT(*) AS files FROM files WHERE folder_id = ? AND ${KEPT}
       GROUP BY dir ORDER BY MIN(rel_path)`,
    ).all(folderId) as unknown as { dir: string; files: number }[];
  }

  /** The files of `dir` that are uploaded or waiting to be, in path order. */
  keptFilesInDir(folderId: number, dir: string): FileRow[] {
    return this.stmt(
      `SELECT * FROM files INDEXED BY files_by_dir WHERE folder_id = ? AND dir = ? AND ${KEPT} ORDER BY rel_path`,
    ).all(folderId, dir) as unknown as FileRow[];
  }

  /** The files placed in a gallery ('M:2024-07') or its overflow parts ('M:2024-07//2') that are kept. */
  keptFilesInGallery(folderId: number, key: string): FileRow[] {
    return this.stmt(
      `SELECT * FROM files WHERE folder_id = ? AND (gallery_key = ? OR (gallery_key >= ? AND gallery_key < ?))
         AND ${KEPT} ORDER BY rel_path`,
    ).all(folderId, key, `${key}//`, `${key}/0`) as unknown as FileRow[];
  }

  /** Files that tell a renamed dir: deleted ones whose image is on SmugMug, new ones not sent yet. */
  renameEvidence(folderId: number): FileRow[] {
    return this.stmt(
      `SELECT * FROM files WHERE folder_id = ? AND state IN ('deleted', 'pending')
         AND ((state = 'deleted' AND image_uri IS NOT NULL) OR (state = 'pending' AND image_uri IS NULL))`,
    ).all(folderId) as unknown as FileRow[];
  }

  /** The image URI of every file that has one, skipped files aside, a row at a time. */
  *imageUrisOf(folderId: number): Generator<string> {
    const rows = this.stmt(
      `SELECT image_uri FROM files WHERE folder_id = ? AND state != 'skipped' AND image_uri IS NOT NULL`,
    ).iterate(folderId) as Iterable<{ image_uri: string }>;
    for (const row of rows) yield row.image_uri;
  }

  /** Files of any folder whose uploaded copy has this MD5. */
  filesUploadedAs(md5: string): FileRow[] {
    return this.stmt('SELECT * FROM files WHERE uploaded_md5 = ? AND image_uri IS NOT NULL').all(
      md5,
    ) as unknown as FileRow[];
  }

  file(id: number): FileRow | undefined {
    return this.stmt('SELECT * FROM files WHERE id = ?').get(id) as unknown as FileRow | undefined;
  }

  insertFile(
    folderId: number,
    relPath: string,
    fields: FileFields & Pick<FileRow, 'size' | 'mtime_ms' | 'state'>,
    now = Date.now(),
  ): FileRow {
    const names = Object.keys(fields);
    const values = Object.values(fields) as SQLInputValue[];
    return this.stmt(
      `INSERT INTO files (folder_id, rel_path, updated_at, ${names.join(', ')})
       VALUES (?, ?, ?, ${names.map(() => '?').join(', ')}) RETURNING *`,
    ).get(folderId, relPath, now, ...values) as unknown as FileRow;
  }

  updateFile(id: number, fields: FileFields, now = Date.now()): void {
    const names = Object.keys(fields);
    if (names.length === 0) return;
    const values = Object.values(fields) as SQLInputValue[];
    this.stmt(`UPDATE files SET ${names.map((n) => `${n} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(
      ...values,
      now,
      id,
    );
  }

  deleteFile(id: number): void {
    this.stmt('DELETE FROM files WHERE id = ?').run(id);
  }

  counts(folderId: number): StateCounts {
    const counts = noCounts();
    const rows = this.stmt('SELECT state, COUNT(*) AS n FROM files WHERE folder_id = ? GROUP BY state').all(
      folderId,
    ) as unknown as { state: FileState; n: number }[];
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  /** Failed files become pending again; returns how many. */
  resetFailed(folderId: number): number {
    return Number(
      this.stmt(
        `UPDATE files SET state = 'pending', attempts = 0, last_error = NULL, error_kind = NULL
         WHERE folder_id = ? AND state = 'failed'`,
      ).run(folderId).changes,
    );
  }

  // Nodes

  nodesOf(folderId: number): Map<string, NodeRow> {
    const rows = this.stmt('SELECT * FROM nodes WHERE folder_id = ?').all(folderId) as unknown as NodeRow[];
    return new Map(rows.map((r) => [r.key, r]));
  }

  saveNode(node: NodeRow): void {
    this.stmt(
      `INSERT OR REPLACE INTO nodes (folder_id, key, node_uri, album_uri, type, name, url_name)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(node.folder_id, node.key, node.node_uri, node.album_uri, node.type, node.name, node.url_name);
  }

  /**
   * A local folder was renamed: every node key for `from` or below it is rewritten to `to`.
   * Keys look like 'D:a/b', 'F:a', 'D:a/b//2'.
   */
  renameNodeKeys(folderId: number, from: string, to: string): void {
    this.transaction(() => {
      for (const [key, node] of this.nodesOf(folderId)) {
        const rel = key.slice(2);
        if (rel !== from && !rel.startsWith(`${from}/`)) continue;
        this.dropNode(folderId, key);
        this.saveNode({ ...node, key: `${key.slice(0, 2)}${to}${rel.slice(from.length)}` });
      }
    });
  }

  dropNode(folderId: number, key: string): void {
    this.stmt('DELETE FROM nodes WHERE folder_id = ? AND key = ?').run(folderId, key);
  }

  // What the UI asks for (src/host/): counts and pages, so a 100k-file folder never loads whole.

  folder(id: number): FolderRow | undefined {
    return this.stmt('SELECT * FROM folders WHERE id = ?').get(id) as unknown as FolderRow | undefined;
  }

  /** Stops tracking a folder: its files and nodes go with it (nothing on disk or SmugMug changes). */
  removeFolder(id: number): boolean {
    return Number(this.stmt('DELETE FROM folders WHERE id = ?').run(id).changes) > 0;
  }

  setFolderSettings(id: number, settings: string): void {
    this.stmt('UPDATE folders SET settings = ? WHERE id = ?').run(settings, id);
  }

  /** Files per state of every folder, in one pass over the state index. */
  countsByFolder(): Map<number, StateCounts> {
    const rows = this.stmt(
      'SELECT folder_id, state, COUNT(*) AS n FROM files GROUP BY folder_id, state',
    ).all() as unknown as { folder_id: number; state: FileState; n: number }[];
    const all = new Map<number, StateCounts>();
    for (const r of rows) {
      let counts = all.get(r.folder_id);
      if (!counts) {
        counts = noCounts();
        all.set(r.folder_id, counts);
      }
      counts[r.state] = r.n;
    }
    return all;
  }

  /** A folder's files in these states (every state when `states` is empty), by path. */
  filePage(folderId: number, states: readonly FileState[], offset: number, limit: number): FileRow[];
  filePage(
    folderId: number,
    states: readonly FileState[],
    offset: number,
    limit: number,
    options: PageOptions & { liveAsOne: true },
  ): ItemRow[];
  filePage(
    folderId: number,
    states: readonly FileState[],
    offset: number,
    limit: number,
    options: PageOptions = {},
  ): FileRow[] | ItemRow[] {
    if (options.liveAsOne) return this.itemPage(folderId, states, offset, limit);
    const where = states.length > 0 ? 'AND state IN (SELECT value FROM json_each(?))' : '';
    const args: SQLInputValue[] = states.length > 0 ? [folderId, JSON.stringify(states)] : [folderId];
    return this.stmt(
      `SELECT * FROM files WHERE folder_id = ? ${where} ORDER BY rel_path LIMIT ? OFFSET ?`,
    ).all(...args, limit, offset) as unknown as FileRow[];
  }

  countFiles(folderId: number, states: readonly FileState[], options: PageOptions = {}): number {
    const where = states.length > 0 ? 'AND state IN (SELECT value FROM json_each(?))' : '';
    const args: SQLInputValue[] = states.length > 0 ? [folderId, JSON.stringify(states)] : [folderId];
    const files = (
      this.stmt(`SELECT COUNT(*) AS n FROM files WHERE folder_id = ? ${where}`).get(...args) as { n: number }
    ).n;
    if (!options.liveAsOne) return files;
    // Each pair was counted once per half in these states; it is one item when its state is.
    const asked = (state: FileState) => states.length === 0 || states.includes(state);
    const pairs = this.stmt(PAIR_STATES).all(folderId) as unknown as {
      still: FileState;
      video: FileState;
      item: FileState;
      n: number;
    }[];
    return pairs.reduce(
      (n, p) => n + p.n * (Number(asked(p.item)) - Number(asked(p.still)) - Number(asked(p.video))),
      files,
    );
  }

  private itemPage(folderId: number, states: readonly FileState[], offset: number, limit: number): ItemRow[] {
    const page = (sql: string, ...args: SQLInputValue[]) =>
      this.stmt(`${sql} ORDER BY f.rel_path LIMIT ? OFFSET ?`).all(
        ...args,
        limit,
        offset,
      ) as unknown as ItemRow[];
    if (states.length === 0) return page(ITEMS, folderId);
    const json = JSON.stringify(states);
    const common = this.countFiles(folderId, states) >= this.countFiles(folderId, []) * COMMON_SHARE;
    return common
      ? page(COMMON_ITEMS, folderId, json, json)
      : page(RARE_ITEMS, folderId, json, folderId, json, json);
  }

  /** Each distinct reason failed files give, with how many files give it. */
  failureReasons(): { reason: string; count: number }[] {
    return this.stmt(
      `SELECT coalesce(last_error, '') AS reason, COUNT(*) AS count FROM files WHERE state = 'failed'
       GROUP BY reason ORDER BY count DESC`,
    ).all() as unknown as { reason: string; count: number }[];
  }

  /** Failed files giving one of these reasons, the most recent first. */
  failedWith(reasons: readonly string[], limit: number): FileRow[] {
    return this.stmt(
      `SELECT * FROM files WHERE state = 'failed'
         AND coalesce(last_error, '') IN (SELECT value FROM json_each(?))
       ORDER BY updated_at DESC, id LIMIT ?`,
    ).all(JSON.stringify(reasons), limit) as unknown as FileRow[];
  }

  /** Failed or ignored files (all failed ones when `ids` is undefined) become pending again. */
  retryFiles(ids: readonly number[] | undefined): { folder_id: number; rel_path: string }[] {
    const reset = `UPDATE files SET state = 'pending', attempts = 0, last_error = NULL, error_kind = NULL,
                     updated_at = ?`;
    const now = Date.now();
    return (ids === undefined
      ? this.stmt(`${reset} WHERE state = 'failed' RETURNING folder_id, rel_path`).all(now)
      : this.stmt(
          `${reset} WHERE id IN (SELECT value FROM json_each(?)) AND state IN ('failed', 'ignored')
             RETURNING folder_id, rel_path`,
        ).all(now, JSON.stringify(ids))) as unknown as { folder_id: number; rel_path: string }[];
  }

  /** Failed files become ignored (their reason is kept); returns their folders. */
  ignoreFiles(ids: readonly number[]): number[] {
    const rows = this.stmt(
      `UPDATE files SET state = 'ignored', updated_at = ?
       WHERE id IN (SELECT value FROM json_each(?)) AND state = 'failed' RETURNING folder_id`,
    ).all(Date.now(), JSON.stringify(ids)) as unknown as { folder_id: number }[];
    return rows.map((r) => r.folder_id);
  }

  /** Files most recently uploaded (or found already on SmugMug). */
  recentUploads(limit: number): FileRow[] {
    // Sorting ids rather than whole rows makes the scan of a large library about a third cheaper.
    return this.stmt(
      `SELECT * FROM files WHERE id IN (SELECT id FROM files WHERE uploaded_at IS NOT NULL
         ORDER BY uploaded_at DESC, id DESC LIMIT ?) ORDER BY uploaded_at DESC, id DESC`,
    ).all(limit) as unknown as FileRow[];
  }

  /**
   * Per gallery key ('M:2024-07//2'), the files uploaded or waiting to be; files not placed in a
   * gallery yet have a null key and count under the month they were taken ('2024-07'), by their
   * modified time until their date is read, as date mode places them.
   */
  keptCountsByGallery(folderId: number): { key: string | null; month: string | null; files: number }[] {
    return this.stmt(
      `SELECT gallery_key AS key, CASE WHEN gallery_key IS NULL THEN coalesce(substr(capture_at, 1, 7),
           strftime('%Y-%m', mtime_ms / 1000, 'unixepoch', 'localtime')) END AS month, COUNT(*) AS files
       FROM files WHERE folder_id = ? AND ${KEPT} GROUP BY key, month`,
    ).all(folderId) as unknown as { key: string | null; month: string | null; files: number }[];
  }

  /** Uploaded files per gallery key ('D:a/b', 'D:a/b//2'). */
  uploadedCountsByGallery(folderId: number): Map<string, number> {
    const rows = this.stmt(
      `SELECT gallery_key AS key, COUNT(*) AS count FROM files
       WHERE folder_id = ? AND state = 'uploaded' AND gallery_key IS NOT NULL GROUP BY gallery_key`,
    ).all(folderId) as unknown as { key: string; count: number }[];
    return new Map(rows.map((r) => [r.key, r.count]));
  }
}
