// Safelight's state: connected folders, every local file with its upload state, and which
// SmugMug node stands for which local folder. SQLite in WAL mode; every change that matters
// is committed before the next step starts, so a crash at any instant resumes cleanly.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { migrations } from './migrations.ts';

export type FileState = 'pending' | 'uploading' | 'uploaded' | 'failed' | 'skipped' | 'deleted';
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

export type NewFolder = Pick<FolderRow, 'path' | 'mode' | 'privacy' | 'target' | 'settings'> &
  Partial<Pick<FolderRow, 'watch'>>;
export type FileFields = Partial<Omit<FileRow, 'id' | 'folder_id' | 'rel_path' | 'updated_at'>>;

export interface StateCounts {
  pending: number;
  uploading: number;
  uploaded: number;
  failed: number;
  skipped: number;
  deleted: number;
}

const OWNER_ONLY = 0o600;

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
      `INSERT INTO folders (path, mode, privacy, target, settings, watch, added_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ).get(
      folder.path,
      folder.mode,
      folder.privacy,
      folder.target,
      folder.settings,
      folder.watch ?? 'auto',
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

  /** The file at relPath and every file below it when it is a folder ('' = the whole folder). */
  filesUnder(folderId: number, relPath: string): FileRow[] {
    if (relPath === '') return this.filesOf(folderId);
    // '0' follows '/' in code order, so the range holds exactly the paths below `relPath/`.
    return this.stmt(
      'SELECT * FROM files WHERE folder_id = ? AND (rel_path = ? OR (rel_path >= ? AND rel_path < ?))',
    ).all(folderId, relPath, `${relPath}/`, `${relPath}0`) as unknown as FileRow[];
  }

  /** Whether any file of the folder waits to be uploaded (or tried again), without loading rows. */
  hasWork(folderId: number): boolean {
    const row = this.stmt(
      `SELECT EXISTS (SELECT 1 FROM files WHERE folder_id = ? AND (state IN ('pending', 'uploading')
         OR (state = 'failed' AND error_kind = 'transient'))) AS work`,
    ).get(folderId) as { work: number };
    return row.work === 1;
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
    const counts: StateCounts = { pending: 0, uploading: 0, uploaded: 0, failed: 0, skipped: 0, deleted: 0 };
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
}
