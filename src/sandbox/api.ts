// The main API (/api/v2/...): users, nodes, albums, album images, images.
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Caller, type Permission, permissionRank, type SandboxContext } from './context.ts';
import {
  type Endpoint,
  errorBody,
  type Pages,
  pages,
  responseBlock,
  type Shaping,
  shapeObject,
  statusMessage,
} from './envelope.ts';
import nodePostParameters from './node-post-parameters.json' with { type: 'json' };
import type { ImageRow, NodeRow, NodeType, Privacy } from './state.ts';
import { generateUrlName, URL_NAME_PATTERN, withSuffix } from './url-name.ts';
import {
  albumImageView,
  albumView,
  effectivePrivacy,
  imageMetadataView,
  imageView,
  isProcessing,
  nodeView,
  urlPath,
  userView,
} from './views.ts';

const MEDIA_TYPES = [
  'application/json',
  'application/vnd.php.serialized',
  'application/x-msgpack',
  'text/html',
  'text/csv',
];

export type ApiResult =
  | {
      kind: 'data';
      status: number;
      endpoint: Endpoint;
      payload?: Record<string, unknown> | Array<Record<string, unknown>>;
      pages?: Pages;
      methods: string[];
      parameters?: Record<string, unknown>;
    }
  | { kind: 'error'; status: number; endpoint: Endpoint | null; message?: string; methods?: string[] }
  | { kind: 'redirect'; location: string };

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

// What Response says about the endpoints answered in more than one place.
const NODE = {
  locator: 'Node',
  locatorType: 'Object',
  uriDescription: 'Node with the given id.',
  endpointType: 'Node',
} as const;
const CHILD_NODES = {
  locator: 'Node',
  locatorType: 'Objects',
  uriDescription: 'Child nodes of the given node.',
  endpointType: 'ChildNodes',
} as const;
const ALBUM = {
  locator: 'Album',
  locatorType: 'Object',
  uriDescription: 'Album by key',
  endpointType: 'Album',
} as const;

const err = (status: number, endpoint: Endpoint | null, message?: string): ApiResult => ({
  kind: 'error',
  status,
  endpoint,
  ...(message ? { message } : {}),
});

function required(method: string, path: string): Permission {
  if (method === 'GET' || method === 'OPTIONS') return 'Read';
  if (method === 'POST' && /!images$/.test(path)) return 'Add';
  return 'Modify';
}

function echoUri(path: string, query: URLSearchParams): string {
  const q = query.toString();
  return q ? `${path}?${q}` : path;
}

function pageArgs(ctx: SandboxContext, query: URLSearchParams): { start: number; count: number } | null {
  const start = query.has('start') ? Number(query.get('start')) : 1;
  const count = query.has('count') ? Number(query.get('count')) : 100;
  if (!Number.isInteger(start) || start < 1 || !Number.isInteger(count) || count < 1) return null;
  return { start, count: Math.min(count, ctx.limits.maxPageCount) };
}

/** Query parameters that are kept in paging links (everything but start/count). */
function carried(query: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams(query);
  q.delete('start');
  q.delete('count');
  // Recorded page links leave out _expand (album_images_with_album_expansion_response.json).
  q.delete('_expand');
  return q;
}

function bool(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === '0' || value === 0) return false;
  return undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

const PRIVACY = new Set(['Public', 'Unlisted', 'Private']);
const NODE_SORT = new Map([
  ['sortindex', 'SortIndex'],
  ['name', 'Name'],
  ['dateadded', 'DateAdded'],
  ['datemodified', 'DateModified'],
]);
const ALBUM_SORT = new Map([
  ['position', 'Position'],
  ['caption', 'Caption'],
  ['filename', 'Filename'],
  ['date uploaded', 'Date Uploaded'],
  ['dateuploaded', 'Date Uploaded'],
  ['date modified', 'Date Modified'],
  ['datemodified', 'Date Modified'],
  ['date taken', 'Date Taken'],
  ['datetaken', 'Date Taken'],
  ['datetimeoriginal', 'Date Taken'],
]);

/** SortMethod (synonyms normalised) and SortDirection of a PATCH body; null if either is invalid. */
function sortFields(
  body: Record<string, unknown>,
  methods: Map<string, string>,
  of: 'node' | 'album',
): Partial<NodeRow> | null {
  const out: Partial<NodeRow> = {};
  if (body.SortMethod !== undefined) {
    const method = methods.get(String(body.SortMethod).toLowerCase());
    if (!method) return null;
    out[of === 'node' ? 'sort_method' : 'album_sort_method'] = method;
  }
  if (body.SortDirection !== undefined) {
    const direction = str(body.SortDirection);
    if (direction !== 'Ascending' && direction !== 'Descending') return null;
    out[of === 'node' ? 'sort_direction' : 'album_sort_direction'] = direction;
  }
  return out;
}

export class Api {
  private readonly ctx: SandboxContext;

  constructor(ctx: SandboxContext) {
    this.ctx = ctx;
  }

  handle(caller: Caller, req: ApiRequest): ApiResult {
    const need = required(req.method, req.path);
    if (permissionRank[caller.permissions] < permissionRank[need]) {
      return err(401, null, 'The user has not granted the required permissions');
    }
    return this.route(caller, req);
  }

  private route(caller: Caller, req: ApiRequest): ApiResult {
    const { method, path, query } = req;
    const uri = echoUri(path, query);
    if (path === '/api/v2!authuser') {
      if (method !== 'GET') return err(405, { uri });
      if (caller.level !== 'Full') return err(401, null, 'oauth_problem=token_rejected');
      return this.user(uri, 'AuthUser', 'Currently authenticated user', caller);
    }
    const userMatch = /^\/api\/v2\/user\/([^/!]+)$/.exec(path);
    if (userMatch) {
      const m = userMatch;
      if (decodePart(m[1] ?? '') !== this.ctx.site.nickname) {
        return err(404, { uri, uriDescription: 'User By Nickname', endpointType: 'User' });
      }
      if (method !== 'GET') return err(405, { uri });
      return this.user(uri, 'User', 'User By Nickname', caller);
    }
    const nodeMatch = /^\/api\/v2\/node\/([A-Za-z0-9]+)(!children|!parents|!parent)?$/.exec(path);
    if (nodeMatch) {
      const m = nodeMatch;
      const node = this.visibleNode(caller, m[1] ?? '');
      const suffix = m[2] ?? '';
      if (!node) return err(404, { uri, ...NODE });
      if (suffix === '!children') {
        if (method === 'GET') return this.children(caller, node, req);
        if (method === 'POST') return this.createNode(caller, node, req);
        return err(405, { uri });
      }
      if (suffix === '!parents' && method === 'GET') return this.parents(caller, node, req);
      if (suffix === '!parent' && method === 'GET') {
        const parent = node.parent_id ? this.ctx.state.node(node.parent_id) : undefined;
        if (!parent) return err(404, { uri });
        return this.nodeResult(caller, parent, {
          uri,
          ...NODE,
          uriDescription: 'Parent node of the given node.',
          endpointType: 'ParentNode',
        });
      }
      if (suffix !== '') return err(405, { uri });
      if (method === 'GET') return this.nodeResult(caller, node, { uri, ...NODE });
      if (method === 'PATCH') return this.patchNode(caller, node, req);
      if (method === 'DELETE') return this.deleteNode(node, uri);
      return err(405, { uri });
    }
    const albumMatch = /^\/api\/v2\/album\/([A-Za-z0-9]+)(!images|!moveimages)?$/.exec(path);
    if (albumMatch) {
      const m = albumMatch;
      const node = this.ctx.state.nodeByAlbumKey(m[1] ?? '');
      const visible = node && this.visibleNode(caller, node.node_id);
      if (!visible) return err(404, { uri, ...ALBUM });
      const suffix = m[2] ?? '';
      if (suffix === '!images') {
        if (method === 'GET') return this.albumImages(visible, req);
        return err(405, { uri });
      }
      if (suffix === '!moveimages') {
        if (method === 'POST') return this.moveImages(caller, visible, req);
        return err(405, { uri });
      }
      if (method === 'GET') return this.albumResult(caller, visible, uri);
      if (method === 'PATCH') return this.patchAlbum(caller, visible, req);
      if (method === 'DELETE') return this.deleteNode(visible, uri);
      return err(405, { uri });
    }
    const albumImageMatch = /^\/api\/v2\/album\/([A-Za-z0-9]+)\/image\/([A-Za-z0-9]+)-(\d+)$/.exec(path);
    if (albumImageMatch) {
      const m = albumImageMatch;
      const img = this.ctx.state.image(m[2] ?? '');
      const endpoint = {
        uri,
        locator: 'AlbumImage',
        locatorType: 'Object' as const,
        uriDescription: 'Image from album',
        endpointType: 'AlbumImage',
      };
      if (!img || img.album_key !== m[1]) return err(404, endpoint);
      if (String(img.serial) !== m[3])
        return {
          kind: 'redirect',
          location: `/api/v2/album/${img.album_key}/image/${img.image_key}-${img.serial}`,
        };
      if (method === 'GET') {
        const node = this.ctx.state.nodeByAlbumKey(img.album_key);
        return {
          kind: 'data',
          status: 200,
          endpoint,
          payload: albumImageView(
            this.ctx.site,
            img,
            node ? urlPath(this.ctx.state.ancestry(node.node_id)) : '',
          ),
          methods: ['GET', 'DELETE'],
        };
      }
      if (method === 'DELETE') {
        this.removeImage(img.image_key, img.album_key);
        return { kind: 'data', status: 200, endpoint, methods: ['DELETE'], parameters: { DELETE: [] } };
      }
      return err(405, endpoint);
    }
    const imageMatch = /^\/api\/v2\/image\/([A-Za-z0-9]+)(?:-(\d+))?(!metadata)?$/.exec(path);
    if (imageMatch) {
      const m = imageMatch;
      const img = this.ctx.state.image(m[1] ?? '');
      const isMeta = m[3] === '!metadata';
      const endpoint: Endpoint = isMeta
        ? {
            uri,
            locator: 'ImageMetadata',
            locatorType: 'Object',
            uriDescription: 'Metadata for image',
            endpointType: 'ImageMetadata',
          }
        : {
            uri,
            locator: 'Image',
            locatorType: 'Object',
            uriDescription: 'Image by key',
            endpointType: 'Image',
            docUri: 'https://api.smugmug.com/api/v2/doc/reference/image.html',
          };
      const albumNode = img ? this.ctx.state.nodeByAlbumKey(img.album_key) : undefined;
      if (!img || !albumNode || !this.visibleNode(caller, albumNode.node_id)) return err(404, endpoint);
      if (!isMeta && m[2] !== String(img.serial)) {
        const q = query.toString();
        return {
          kind: 'redirect',
          location: `/api/v2/image/${img.image_key}-${img.serial}${q ? `?${q}` : ''}`,
        };
      }
      if (method === 'GET') {
        const payload = isMeta
          ? imageMetadataView(img)
          : this.publicImage(
              caller,
              imageView(this.ctx.site, img, urlPath(this.ctx.state.ancestry(albumNode.node_id))),
            );
        return { kind: 'data', status: 200, endpoint, payload, methods: ['GET'] };
      }
      if (method === 'DELETE' && !isMeta) {
        this.removeImage(img.image_key, img.album_key);
        return { kind: 'data', status: 200, endpoint, methods: ['DELETE'] };
      }
      return err(405, endpoint);
    }
    return err(404, { uri });
  }

  /** Callers without owner access do not see where the original is archived. */
  private publicImage(caller: Caller, view: Record<string, unknown>): Record<string, unknown> {
    if (caller.level === 'Full') return view;
    const visible = { ...view };
    for (const key of ['ArchivedUri', 'ArchivedSize', 'ArchivedMD5']) delete visible[key];
    return visible;
  }

  /** A node the caller may see: the owner sees everything, the public only what is not Private. */
  private visibleNode(caller: Caller, id: string): NodeRow | undefined {
    const node = this.ctx.state.node(id);
    if (!node || caller.level === 'Full') return node;
    return effectivePrivacy(this.ctx.state.ancestry(id)) === 'Private' ? undefined : node;
  }

  private user(uri: string, endpointType: string, description: string, caller: Caller): ApiResult {
    const root = this.ctx.state.root();
    return {
      kind: 'data',
      status: 200,
      endpoint: {
        uri,
        locator: 'User',
        locatorType: 'Object',
        uriDescription: description,
        endpointType,
        ...(endpointType === 'User'
          ? { docUri: 'https://api.smugmug.com/api/v2/doc/reference/user.html' }
          : {}),
      },
      payload: userView(
        this.ctx.site,
        root.node_id,
        caller.level,
        this.ctx.state.totalImages(),
        this.ctx.sourcePlan ? 'Source' : 'Power',
      ),
      methods: ['GET'],
    };
  }

  private nodeJson(caller: Caller, node: NodeRow, withSortIndex: boolean) {
    const chain = this.ctx.state.ancestry(node.node_id);
    const hasChildren =
      node.type === 'Album'
        ? this.ctx.state.imageCount(node.album_key ?? '') > 0
        : this.ctx.state.childCount(node.node_id) > 0;
    return nodeView(this.ctx.site, node, chain, hasChildren, caller.level, withSortIndex);
  }

  private nodeResult(caller: Caller, node: NodeRow, endpoint: Endpoint, status = 200): ApiResult {
    const payload = this.nodeJson(caller, node, false);
    // A creation answer lists the POST parameters with the new node's Value for each field it has.
    const withValues = () =>
      nodePostParameters.POST.map((p) =>
        Object.hasOwn(payload, p.Name) ? { ...p, Value: payload[p.Name] } : p,
      );
    return {
      kind: 'data',
      status,
      endpoint,
      payload,
      methods: status === 201 ? ['POST'] : node.parent_id ? ['GET', 'PATCH', 'DELETE'] : ['GET', 'PATCH'],
      ...(status === 201 ? { parameters: { POST: withValues() } } : {}),
    };
  }

  private children(caller: Caller, node: NodeRow, req: ApiRequest): ApiResult {
    const uri = echoUri(req.path, req.query);
    const endpoint: Endpoint = { uri, ...CHILD_NODES };
    if (node.type !== 'Folder') return err(404, endpoint);
    const paging = pageArgs(this.ctx, req.query);
    if (!paging) return err(400, endpoint);
    const typeParam = req.query.get('Type') ?? 'All';
    const types = typeParam === 'All' ? null : typeParam.split(/[ ,]+/).filter(Boolean);
    if (types?.some((t) => !['Folder', 'Album', 'Page', 'System Album', 'System Page'].includes(t)))
      return err(400, endpoint);
    const sortMethod = req.query.get('SortMethod') ?? 'Organizer';
    const column = {
      Organizer: 'sort_index',
      Name: 'name',
      DateAdded: 'date_added',
      DateModified: 'date_modified',
    }[sortMethod];
    const direction = req.query.get('SortDirection') ?? 'Ascending';
    if (!column || !['Ascending', 'Descending'].includes(direction)) return err(400, endpoint);
    const order = `${column} ${direction === 'Descending' ? 'DESC' : 'ASC'}, sort_index ASC`;
    const publicOnly = caller.level !== 'Full';
    const { total, rows } = this.ctx.state.children(
      node.node_id,
      types,
      publicOnly,
      order,
      paging.start,
      paging.count,
    );
    const items = rows.map((r) => this.nodeJson(caller, r, true));
    const result: ApiResult = {
      kind: 'data',
      status: 200,
      endpoint,
      pages: pages(req.path, carried(req.query), total, paging.start, paging.count, items.length),
      methods: ['GET', 'POST'],
      parameters: { GET: childrenGetParameters, POST: nodePostParameters.POST },
    };
    // An empty list comes back without its locator key, as the real service does.
    if (items.length > 0) result.payload = items;
    return result;
  }

  private parents(caller: Caller, node: NodeRow, req: ApiRequest): ApiResult {
    const uri = echoUri(req.path, req.query);
    const paging = pageArgs(this.ctx, req.query);
    const endpoint: Endpoint = {
      uri,
      locator: 'Node',
      locatorType: 'Objects',
      uriDescription: 'Hierarchy of nodes from the given node (inclusive) to the root node.',
      endpointType: 'ParentNodes',
    };
    if (!paging) return err(400, endpoint);
    const chain = this.ctx.state.ancestry(node.node_id);
    const slice = chain.slice(paging.start - 1, paging.start - 1 + paging.count);
    return {
      kind: 'data',
      status: 200,
      endpoint,
      payload: slice.map((n) => this.nodeJson(caller, n, true)),
      pages: pages(req.path, carried(req.query), chain.length, paging.start, paging.count, slice.length),
      methods: ['GET'],
    };
  }

  private createNode(caller: Caller, parent: NodeRow, req: ApiRequest): ApiResult {
    const uri = echoUri(req.path, req.query);
    const endpoint: Endpoint = { uri, ...CHILD_NODES };
    const b = req.body;
    const type = (str(b.Type) ?? 'Folder') as NodeType;
    const name = str(b.Name);
    const privacy = (str(b.Privacy) ?? 'Unlisted') as Privacy;
    if (parent.type !== 'Folder') return err(400, endpoint);
    if (!['Folder', 'Album', 'Page'].includes(type)) return err(400, endpoint);
    if (name === undefined || name.length < 1 || [...name].length > 254) return err(400, endpoint);
    if (!PRIVACY.has(privacy)) return err(400, endpoint);
    const description = str(b.Description) ?? '';
    if (description.length > 65535) return err(400, endpoint);
    const sortDirection = str(b.SortDirection) ?? 'Descending';
    if (!['Ascending', 'Descending'].includes(sortDirection)) return err(400, endpoint);
    const sortMethod = NODE_SORT.get((str(b.SortMethod) ?? 'DateModified').toLowerCase());
    if (!sortMethod) return err(400, endpoint);
    const autoRename = bool(b.AutoRename) ?? false;
    if (type === 'Folder' && this.ctx.state.folderDepth(parent.node_id) + 1 > this.ctx.limits.folderDepth) {
      return err(400, endpoint);
    }
    let urlName = str(b.UrlName);
    if (urlName !== undefined && !URL_NAME_PATTERN.test(urlName)) return err(400, endpoint);
    urlName ??= generateUrlName(name);
    if (this.ctx.state.siblingWithUrlName(parent.node_id, urlName)) {
      if (!autoRename && str(b.UrlName) !== undefined) return err(409, endpoint);
      let n = 2;
      while (this.ctx.state.siblingWithUrlName(parent.node_id, withSuffix(urlName, n))) n++;
      urlName = withSuffix(urlName, n);
    }
    const keywords = keywordsOf(b.Keywords);
    const now = this.ctx.now();
    const row = this.ctx.state.transaction(() => {
      const inserted = this.ctx.state.insertNode(
        {
          parent_id: parent.node_id,
          type,
          name,
          url_name: urlName,
          description,
          keywords,
          privacy,
          sort_method: sortMethod,
          sort_direction: sortDirection,
        },
        now,
      );
      this.ctx.state.touchAncestry(parent.node_id, now);
      return inserted;
    });
    const nodeUri = `/api/v2/node/${row.node_id}`;
    return this.nodeResult(caller, row, { uri: nodeUri, ...NODE }, 201);
  }

  private applyNameFields(
    node: NodeRow,
    b: Record<string, unknown>,
    endpoint: Endpoint,
  ): Partial<NodeRow> | ApiResult {
    const fields: Partial<NodeRow> = {};
    if (b.Name !== undefined) {
      const name = str(b.Name);
      if (name === undefined || name.length < 1 || [...name].length > 254) return err(400, endpoint);
      fields.name = name;
    }
    if (b.UrlName !== undefined) {
      const urlName = str(b.UrlName);
      if (urlName === undefined || !URL_NAME_PATTERN.test(urlName)) return err(400, endpoint);
      if (node.parent_id && this.ctx.state.siblingWithUrlName(node.parent_id, urlName, node.node_id))
        return err(409, endpoint);
      fields.url_name = urlName;
    }
    if (b.Privacy !== undefined) {
      const privacy = str(b.Privacy);
      if (!privacy || !PRIVACY.has(privacy)) return err(400, endpoint);
      fields.privacy = privacy as Privacy;
    }
    if (b.Description !== undefined) {
      const description = str(b.Description);
      if (description === undefined || description.length > 65535) return err(400, endpoint);
      fields.description = description;
    }
    if (b.Keywords !== undefined) {
      fields.keywords = keywordsOf(b.Keywords);
    }
    return fields;
  }

  private patchNode(caller: Caller, node: NodeRow, req: ApiRequest): ApiResult {
    const uri = echoUri(req.path, req.query);
    const endpoint: Endpoint = { uri, ...NODE };
    if (!node.parent_id && (req.body.Name !== undefined || req.body.UrlName !== undefined))
      return err(400, endpoint);
    const fields = this.applyNameFields(node, req.body, endpoint);
    if ('kind' in fields) return fields as ApiResult;
    const sort = sortFields(req.body, NODE_SORT, 'node');
    if (!sort) return err(400, endpoint);
    this.commitPatch(node, { ...(fields as Partial<NodeRow>), ...sort });
    const updated = this.ctx.state.node(node.node_id) as NodeRow;
    return this.nodeResult(caller, updated, endpoint);
  }

  private commitPatch(node: NodeRow, fields: Partial<NodeRow>): void {
    const now = this.ctx.now();
    this.ctx.state.transaction(() => {
      this.ctx.state.updateNode(node.node_id, { ...fields, last_updated: now });
      this.ctx.state.touchAncestry(node.node_id, now);
    });
  }

  private patchAlbum(caller: Caller, node: NodeRow, req: ApiRequest): ApiResult {
    const uri = echoUri(req.path, req.query);
    const endpoint: Endpoint = { uri, ...ALBUM };
    const fields = this.applyNameFields(node, req.body, endpoint);
    if ('kind' in fields) return fields as ApiResult;
    const sort = sortFields(req.body, ALBUM_SORT, 'album');
    if (!sort) return err(400, endpoint);
    this.commitPatch(node, { ...(fields as Partial<NodeRow>), ...sort });
    return this.albumResult(caller, this.ctx.state.node(node.node_id) as NodeRow, uri);
  }

  private deleteNode(node: NodeRow, uri: string): ApiResult {
    const endpoint: Endpoint = { uri, ...(uri.startsWith('/api/v2/album/') ? ALBUM : NODE) };
    if (!node.parent_id) return err(400, endpoint);
    const blobs = this.ctx.state.transaction(() => {
      const removed = this.ctx.state.deleteNodeTree(node.node_id);
      this.ctx.state.touchAncestry(node.parent_id as string, this.ctx.now());
      return removed;
    });
    this.dropBlobs(blobs);
    return { kind: 'data', status: 200, endpoint, methods: ['DELETE'] };
  }

  private removeImage(imageKey: string, albumKey: string): void {
    const img = this.ctx.state.image(imageKey);
    if (!img) return;
    const node = this.ctx.state.nodeByAlbumKey(albumKey);
    this.ctx.state.transaction(() => {
      this.ctx.state.deleteImage(imageKey);
      if (node) this.ctx.state.imagesChanged(node.node_id, this.ctx.now());
    });
    this.dropBlobs([img.blob]);
  }

  private dropBlobs(blobs: string[]): void {
    for (const blob of blobs) {
      if (!this.ctx.state.blobInUse(blob)) unlink(join(this.ctx.blobDir, blob)).catch(() => {});
    }
  }

  private albumResult(caller: Caller, node: NodeRow, uri: string): ApiResult {
    const count = this.ctx.state.imageCount(node.album_key ?? '');
    const bytes = this.ctx.state.albumBytes(node.album_key ?? '');
    return {
      kind: 'data',
      status: 200,
      endpoint: { uri, ...ALBUM, docUri: 'https://api.smugmug.com/api/v2/doc/reference/album.html' },
      payload: albumView(
        this.ctx.site,
        node,
        this.ctx.state.ancestry(node.node_id),
        count,
        { original: bytes, total: bytes },
        caller.level,
      ),
      methods: ['GET', 'PATCH', 'DELETE'],
    };
  }

  private albumImages(node: NodeRow, req: ApiRequest): ApiResult {
    const uri = echoUri(req.path, req.query);
    const endpoint: Endpoint = {
      uri,
      locator: 'AlbumImage',
      locatorType: 'Objects',
      uriDescription: 'Images from album',
      endpointType: 'AlbumImages',
    };
    const paging = pageArgs(this.ctx, req.query);
    if (!paging) return err(400, endpoint);
    const rawNames = req.query.get('FileNames');
    const fileNames = rawNames === null || rawNames === '' ? null : rawNames.split(',').map(decodePart);
    const { total, rows } = this.ctx.state.albumImages(
      node.album_key ?? '',
      fileNames,
      paging.start,
      paging.count,
    );
    const path = urlPath(this.ctx.state.ancestry(node.node_id));
    const items = rows.map((r) => albumImageView(this.ctx.site, r, path));
    const result: ApiResult = {
      kind: 'data',
      status: 200,
      endpoint,
      pages: pages(req.path, carried(req.query), total, paging.start, paging.count, items.length),
      methods: ['GET'],
      parameters: { GET: albumImagesGetParameters },
    };
    if (items.length > 0) result.payload = items;
    return result;
  }

  /**
   * Moves AlbumImages into `target`. A URI that does not point into the album it names (already
   * moved, deleted, or not this account's) refuses the whole request with 400 and moves nothing:
   * the real service answered 400 to a repeat of a move it had already applied (API-NOTES §6).
   */
  private moveImages(caller: Caller, target: NodeRow, req: ApiRequest): ApiResult {
    const uri = echoUri(req.path, req.query);
    const endpoint: Endpoint = {
      uri,
      locator: 'AlbumImage',
      locatorType: 'Objects',
      uriDescription: 'Move images into album',
      endpointType: 'MoveAlbumImages',
    };
    const raw = req.body.MoveUris;
    const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : null;
    if (!list || list.length === 0) return err(400, endpoint);
    const sources = new Map<string, ImageRow>();
    for (const item of list) {
      const m = /^\/api\/v2\/album\/([A-Za-z0-9]+)\/image\/([A-Za-z0-9]+)-(\d+)$/.exec(item.trim());
      const img = m ? this.ctx.state.image(m[2] ?? '') : undefined;
      if (!m || !img || img.album_key !== m[1]) return err(400, endpoint);
      const album = this.ctx.state.nodeByAlbumKey(img.album_key);
      if (!album || !this.visibleNode(caller, album.node_id)) return err(400, endpoint);
      sources.set(img.image_key, img);
    }
    const targetKey = target.album_key as string;
    const now = this.ctx.now();
    // Moves of images that are still processing are silently ignored, as on the real service.
    const moving = [...sources.values()].filter((i) => i.album_key !== targetKey && !isProcessing(i, now));
    if (this.ctx.state.imageCount(targetKey) + moving.length > this.ctx.limits.albumImages)
      return err(400, endpoint);
    if (moving.length > 0) {
      this.ctx.state.transaction(() => {
        const changed = new Set([target.node_id]);
        for (const img of moving) {
          const source = this.ctx.state.nodeByAlbumKey(img.album_key);
          if (source) changed.add(source.node_id);
          this.ctx.state.updateImage(img.image_key, {
            album_key: targetKey,
            position: this.ctx.state.nextPosition(targetKey),
            last_updated: now,
          });
        }
        for (const id of changed) this.ctx.state.imagesChanged(id, now);
      });
    }
    const path = urlPath(this.ctx.state.ancestry(target.node_id));
    const items = [...sources.keys()]
      .map((k) => this.ctx.state.image(k))
      .filter((i): i is ImageRow => i?.album_key === targetKey)
      .map((i) => albumImageView(this.ctx.site, i, path));
    return { kind: 'data', status: 200, endpoint, payload: items, methods: ['POST'] };
  }
}

/** Keywords arrive as an array or a `; `-separated string and are kept as the string. */
function keywordsOf(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join('; ') : (str(value) ?? '');
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const childrenGetParameters = [
  {
    Default: 'All',
    MAX_COUNT: 'ALL',
    MIN_COUNT: 1,
    Name: 'Type',
    OPTIONS: ['All', 'Folder', 'Album', 'Page', 'System Album'],
    ReadOnly: false,
    Required: false,
    Type: 'Select',
  },
  {
    Default: 'Organizer',
    MAX_COUNT: 1,
    MIN_COUNT: 1,
    Name: 'SortMethod',
    OPTIONS: ['DateAdded', 'DateModified', 'Name', 'Organizer'],
    ReadOnly: false,
    Required: false,
    Type: 'Select',
  },
  {
    Default: 'Ascending',
    MAX_COUNT: 1,
    MIN_COUNT: 1,
    Name: 'SortDirection',
    OPTIONS: ['Ascending', 'Descending'],
    ReadOnly: false,
    Required: false,
    Type: 'Select',
  },
];

const albumImagesGetParameters = [
  {
    Default: '',
    Description:
      'A list of filenames (percent-encoded and comma-separated); if used, an image will only be included in the result set if its file name is in the list',
    MAX_CHARS: 'INFINITY',
    MIN_CHARS: 0,
    Name: 'FileNames',
    ReadOnly: false,
    Required: false,
    Type: 'Varchar',
  },
];

/** Renders an ApiResult as the JSON envelope, applying verbosity, filters and expansions. */
export function render(
  result: Exclude<ApiResult, { kind: 'redirect' }>,
  shaping: Shaping,
  method: string,
  expand: (uri: string) => Record<string, unknown> | null,
): Record<string, unknown> {
  if (result.kind === 'error') {
    return errorBody(result.status, result.endpoint, result.message);
  }
  const body: Record<string, unknown> = {};
  // Recorded GET answers carry Request and Timing; recorded POST (201) and DELETE answers do not.
  const described = shaping.verbosity >= 2 && method === 'GET';
  if (shaping.verbosity >= 2) {
    if (described) body.Request = { Version: 'v2', Method: method, Uri: result.endpoint.uri };
    const options: Record<string, unknown> = { Methods: result.methods, MediaTypes: MEDIA_TYPES };
    if (result.parameters) {
      if (Object.values(result.parameters).some((list) => Array.isArray(list) && list.length > 0))
        options.ParameterDescription = nodePostParameters.ParameterDescription;
      options.Parameters = result.parameters;
    }
    body.Options = options;
  }
  const response = responseBlock(result.endpoint);
  if (result.pages) response.Pages = result.pages;
  const expansions: Record<string, unknown> = {};
  const shapeOne = (obj: Record<string, unknown>) => {
    let uris = obj.Uris as Record<string, { Uri: string; DocUri?: string }> | undefined;
    for (const name of shaping.expand) {
      const first = name.split('.')[0] ?? '';
      const ref = uris?.[first];
      if (!ref) continue;
      const expanded = expand(ref.Uri);
      if (!expanded) continue;
      expansions[ref.Uri] = expanded;
      // An expanded link carries the DocUri of its target, as in the recorded expansions.
      if (typeof expanded.DocUri === 'string')
        uris = { ...uris, [first]: { ...ref, DocUri: expanded.DocUri } };
    }
    return shapeObject(uris === obj.Uris ? obj : { ...obj, Uris: uris }, shaping);
  };
  if (result.payload !== undefined && result.endpoint.locator) {
    response[result.endpoint.locator] = Array.isArray(result.payload)
      ? result.payload.map(shapeOne)
      : shapeOne(result.payload);
  }
  if (described) response.Timing = { Total: { time: 0.001, cycles: 1, objects: 0 } };
  body.Response = response;
  body.Code = result.status;
  body.Message = statusMessage(result.status);
  if (Object.keys(expansions).length > 0) body.Expansions = expansions;
  return body;
}
