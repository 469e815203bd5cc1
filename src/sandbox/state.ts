// The sandbox's account: folders, galleries and images, kept in SQLite so that `--state DIR`
// survives restarts and the in-memory mode runs the very same code.
import { DatabaseSync } from 'node:sqlite';
import { randomDigits, randomKey, randomSecret } from './keys.ts';

export type NodeType = 'Folder' | 'Album' | 'Page';
export type Privacy = 'Public' | 'Unlisted' | 'Private';

export interface NodeRow {
  node_id: string;
  parent_id: string | null;
  type: NodeType;
  name: string;
  url_name: string;
  description: string;
  keywords: string;
  privacy: Privacy;
  sort_method: string;
  sort_direction: string;
  album_sort_method: string;
  album_sort_direction: string;
  album_key: string | null;
  sort_index: number;
  date_added: number;
  date_modified: number;
  images_last_updated: number;
  last_updated: number;
}

/** What a caller decides about a new node; keys, position, dates and album sorting are filled in. */
export type NewNode = Pick<
  NodeRow,
  | 'parent_id'
  | 'type'
  | 'name'
  | 'url_name'
  | 'description'
  | 'keywords'
  | 'privacy'
  | 'sort_method'
  | 'sort_direction'
>;

export interface ImageRow {
  image_key: string;
  album_key: string;
  serial: number;
  file_name: string;
  format: string;
  is_video: number;
  archived_md5: string;
  archived_size: number;
  original_size: number;
  uploaded_md5: string;
  blob: string;
  title: string;
  caption: string;
  keywords: string;
  hidden: number;
  latitude: string;
  longitude: string;
  altitude: number;
  upload_key: string;
  date_uploaded: number;
  last_updated: number;
  processing_until: number;
  position: number;
  /** The capture wall clock the bytes record, "YYYY-MM-DDTHH:MM:SS", or '' when they record none. */
  date_time_created: string;
}

export interface TokenRow {
  token: string;
  secret: string;
  kind: 'request' | 'access';
  consumer_key: string;
  callback: string | null;
  verifier: string | null;
  access: string;
  permissions: string;
  created: number;
  used: number;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS nodes (
     node_id TEXT PRIMARY KEY, parent_id TEXT REFERENCES nodes(node_id), type TEXT NOT NULL,
     name TEXT NOT NULL, url_name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
     keywords TEXT NOT NULL DEFAULT '', privacy TEXT NOT NULL, sort_method TEXT NOT NULL,
     sort_direction TEXT NOT NULL, album_sort_method TEXT NOT NULL DEFAULT 'Position',
     album_sort_direction TEXT NOT NULL DEFAULT 'Ascending', album_key TEXT UNIQUE,
     sort_index INTEGER NOT NULL, date_added INTEGER NOT NULL, date_modified INTEGER NOT NULL,
     images_last_updated INTEGER NOT NULL, last_updated INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS nodes_parent ON nodes(parent_id, sort_index)`,
  `CREATE TABLE IF NOT EXISTS images (
     image_key TEXT PRIMARY KEY, album_key TEXT NOT NULL, serial INTEGER NOT NULL,
     file_name TEXT NOT NULL, format TEXT NOT NULL, is_video INTEGER NOT NULL,
     archived_md5 TEXT NOT NULL, archived_size INTEGER NOT NULL, original_size INTEGER NOT NULL,
     uploaded_md5 TEXT NOT NULL, blob TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
     caption TEXT NOT NULL DEFAULT '', keywords TEXT NOT NULL DEFAULT '', hidden INTEGER NOT NULL DEFAULT 0,
     latitude TEXT NOT NULL DEFAULT '0.00000000000000', longitude TEXT NOT NULL DEFAULT '0.00000000000000',
     altitude INTEGER NOT NULL DEFAULT 0, upload_key TEXT NOT NULL, date_uploaded INTEGER NOT NULL,
     last_updated INTEGER NOT NULL, processing_until INTEGER NOT NULL, position INTEGER NOT NULL,
     date_time_created TEXT NOT NULL DEFAULT '')`,
  `CREATE INDEX IF NOT EXISTS images_album ON images(album_key, position)`,
  `CREATE TABLE IF NOT EXISTS tokens (
     token TEXT PRIMARY KEY, secret TEXT NOT NULL, kind TEXT NOT NULL, consumer_key TEXT NOT NULL,
     callback TEXT, verifier TEXT, access TEXT NOT NULL, permissions TEXT NOT NULL,
     created INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0)`,
];

/** Columns added after the first schema: state files from before them get them on opening. */
const ADDED_COLUMNS = [{ table: 'images', column: 'date_time_created', type: "TEXT NOT NULL DEFAULT ''" }];

export class AccountState {
  readonly db: DatabaseSync;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = NORMAL');
    for (const sql of SCHEMA) this.db.exec(sql);
    for (const { table, column, type } of ADDED_COLUMNS) {
      const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
      if (!columns.some((c) => c.name === column))
        this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
  }

  close(): void {
    this.db.close();
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  // --- nodes ---------------------------------------------------------------------------

  node(id: string): NodeRow | undefined {
    return this.db.prepare('SELECT * FROM nodes WHERE node_id = ?').get(id) as NodeRow | undefined;
  }

  nodeByAlbumKey(key: string): NodeRow | undefined {
    return this.db.prepare('SELECT * FROM nodes WHERE album_key = ?').get(key) as NodeRow | undefined;
  }

  root(): NodeRow {
    const row = this.db.prepare('SELECT * FROM nodes WHERE parent_id IS NULL').get() as NodeRow | undefined;
    if (!row) throw new Error('sandbox account has no root node');
    return row;
  }

  /** A page of children; `publicOnly` leaves out Private ones, as public callers see it. */
  children(
    parentId: string,
    types: readonly string[] | null,
    publicOnly: boolean,
    order: string,
    start: number,
    count: number,
  ) {
    const typeFilter =
      (types ? `AND type IN (${types.map(() => '?').join(',')})` : '') +
      (publicOnly ? " AND privacy != 'Private'" : '');
    const args = [parentId, ...(types ?? [])];
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM nodes WHERE parent_id = ? ${typeFilter}`).get(...args) as {
        n: number;
      }
    ).n;
    const rows = this.db
      .prepare(`SELECT * FROM nodes WHERE parent_id = ? ${typeFilter} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...args, count, start - 1) as unknown as NodeRow[];
    return { total, rows };
  }

  childCount(parentId: string): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM nodes WHERE parent_id = ?').get(parentId) as { n: number }
    ).n;
  }

  siblingWithUrlName(parentId: string, urlName: string, exceptId?: string): NodeRow | undefined {
    return this.db
      .prepare('SELECT * FROM nodes WHERE parent_id = ? AND url_name = ? COLLATE NOCASE AND node_id != ?')
      .get(parentId, urlName, exceptId ?? '') as NodeRow | undefined;
  }

  /** The chain from the node itself up to the root, inclusive. */
  ancestry(id: string): NodeRow[] {
    const chain: NodeRow[] = [];
    let current = this.node(id);
    while (current) {
      chain.push(current);
      current = current.parent_id ? this.node(current.parent_id) : undefined;
    }
    return chain;
  }

  /** Folder levels below the root: a folder directly under the root is at depth 1. */
  folderDepth(id: string): number {
    return this.ancestry(id).length - 1;
  }

  /** Inserts a node created now; album sorting and dates take the service's defaults. */
  insertNode(fields: NewNode, now: number): NodeRow {
    const sortIndex = fields.parent_id
      ? ((
          this.db
            .prepare('SELECT MAX(sort_index) AS m FROM nodes WHERE parent_id = ?')
            .get(fields.parent_id) as {
            m: number | null;
          }
        ).m ?? 0) + 1
      : 0;
    const row: NodeRow = {
      album_sort_method: 'Position',
      album_sort_direction: 'Ascending',
      ...fields,
      node_id: this.uniqueKey('nodes', 'node_id', 6),
      album_key: fields.type === 'Album' ? this.uniqueKey('nodes', 'album_key', 6) : null,
      sort_index: sortIndex,
      date_added: now,
      date_modified: now,
      images_last_updated: now,
      last_updated: now,
    };
    this.insert('nodes', row);
    return row;
  }

  updateNode(id: string, fields: Partial<NodeRow>): void {
    this.update('nodes', 'node_id', id, fields);
  }

  /** An album's images were added, removed or replaced: its dates and its ancestors' change. */
  imagesChanged(nodeId: string, now: number): void {
    this.updateNode(nodeId, { images_last_updated: now, last_updated: now });
    this.touchAncestry(nodeId, now);
  }

  /** DateModified is "the last time when this node, or one of its descendants, was modified". */
  touchAncestry(id: string, when: number): void {
    for (const node of this.ancestry(id)) this.updateNode(node.node_id, { date_modified: when });
  }

  /** Deletes a node and everything below it; returns the blobs that are no longer referenced. */
  deleteNodeTree(id: string): string[] {
    const blobs: string[] = [];
    const visit = (nodeId: string) => {
      const node = this.node(nodeId);
      if (!node) return;
      for (const child of this.db
        .prepare('SELECT node_id FROM nodes WHERE parent_id = ?')
        .all(nodeId) as Array<{
        node_id: string;
      }>)
        visit(child.node_id);
      if (node.album_key) {
        for (const img of this.db
          .prepare('SELECT blob FROM images WHERE album_key = ?')
          .all(node.album_key) as Array<{
          blob: string;
        }>)
          blobs.push(img.blob);
        this.db.prepare('DELETE FROM images WHERE album_key = ?').run(node.album_key);
      }
      this.db.prepare('DELETE FROM nodes WHERE node_id = ?').run(nodeId);
    };
    visit(id);
    return blobs;
  }

  // --- images --------------------------------------------------------------------------

  image(key: string): ImageRow | undefined {
    return this.db.prepare('SELECT * FROM images WHERE image_key = ?').get(key) as ImageRow | undefined;
  }

  imageCount(albumKey: string): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM images WHERE album_key = ?').get(albumKey) as {
        n: number;
      }
    ).n;
  }

  albumImages(albumKey: string, fileNames: readonly string[] | null, start: number, count: number) {
    const nameFilter = fileNames ? `AND file_name IN (${fileNames.map(() => '?').join(',')})` : '';
    const args = [albumKey, ...(fileNames ?? [])];
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM images WHERE album_key = ? ${nameFilter}`).get(...args) as {
        n: number;
      }
    ).n;
    const rows = this.db
      .prepare(`SELECT * FROM images WHERE album_key = ? ${nameFilter} ORDER BY position LIMIT ? OFFSET ?`)
      .all(...args, count, start - 1) as unknown as ImageRow[];
    return { total, rows };
  }

  nextPosition(albumKey: string): number {
    const row = this.db
      .prepare('SELECT MAX(position) AS m FROM images WHERE album_key = ?')
      .get(albumKey) as {
      m: number | null;
    };
    return (row.m ?? 0) + 1;
  }

  insertImage(row: Omit<ImageRow, 'image_key' | 'upload_key' | 'position'>): ImageRow {
    const full: ImageRow = {
      ...row,
      image_key: this.uniqueKey('images', 'image_key', 7),
      upload_key: randomDigits(10),
      position: this.nextPosition(row.album_key),
    };
    this.insert('images', full);
    return full;
  }

  updateImage(key: string, fields: Partial<ImageRow>): void {
    this.update('images', 'image_key', key, fields);
  }

  /** Bytes of the originals an album holds. */
  albumBytes(albumKey: string): number {
    return (
      this.db
        .prepare('SELECT COALESCE(SUM(archived_size), 0) AS n FROM images WHERE album_key = ?')
        .get(albumKey) as { n: number }
    ).n;
  }

  deleteImage(key: string): void {
    this.db.prepare('DELETE FROM images WHERE image_key = ?').run(key);
  }

  blobInUse(blob: string): boolean {
    return this.db.prepare('SELECT 1 FROM images WHERE blob = ? LIMIT 1').get(blob) !== undefined;
  }

  totalImages(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n;
  }

  allNodes(): NodeRow[] {
    return this.db.prepare('SELECT * FROM nodes ORDER BY sort_index').all() as unknown as NodeRow[];
  }

  allImages(): ImageRow[] {
    return this.db
      .prepare('SELECT * FROM images ORDER BY album_key, position')
      .all() as unknown as ImageRow[];
  }

  // --- OAuth tokens --------------------------------------------------------------------

  token(token: string): TokenRow | undefined {
    return this.db.prepare('SELECT * FROM tokens WHERE token = ?').get(token) as TokenRow | undefined;
  }

  /** Issues a new token with a fresh secret for the consumer. */
  issueToken(
    kind: TokenRow['kind'],
    consumerKey: string,
    fields: Pick<TokenRow, 'callback' | 'access' | 'permissions'>,
    now: number,
  ): TokenRow {
    const row: TokenRow = {
      token: randomSecret(),
      secret: randomSecret(),
      kind,
      consumer_key: consumerKey,
      verifier: null,
      created: now,
      used: 0,
      ...fields,
    };
    this.insert('tokens', row);
    return row;
  }

  updateToken(token: string, fields: Partial<TokenRow>): void {
    this.update('tokens', 'token', token, fields);
  }

  private insert(table: string, row: object): void {
    const entries = Object.entries(row) as Array<[string, string | number | null]>;
    this.db
      .prepare(
        `INSERT INTO ${table} (${entries.map(([n]) => n).join(', ')}) VALUES (${entries.map(() => '?').join(', ')})`,
      )
      .run(...entries.map(([, v]) => v));
  }

  private update(table: string, keyColumn: string, key: string, fields: object): void {
    const entries = Object.entries(fields) as Array<[string, string | number | null]>;
    if (entries.length === 0) return;
    this.db
      .prepare(`UPDATE ${table} SET ${entries.map(([n]) => `${n} = ?`).join(', ')} WHERE ${keyColumn} = ?`)
      .run(...entries.map(([, v]) => v), key);
  }

  private uniqueKey(table: string, column: string, length: number): string {
    for (;;) {
      const key = randomKey(length);
      if (!this.db.prepare(`SELECT 1 FROM ${table} WHERE ${column} = ?`).get(key)) return key;
    }
  }
}
