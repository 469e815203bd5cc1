// The SmugMug API v2 client: nodes, albums, album images and uploads, with the retry rules of
// API-NOTES §6 (429 waits, backoff for transient failures, writes verified before a retry).

import { type FileHandle, open } from 'node:fs/promises';
import { mayHaveApplied, uploadFailure } from './errors.ts';
import {
  listAt,
  nextPage,
  objectAt,
  parseJson,
  parseUploadReply,
  toRemoteImage,
  toRemoteNode,
  uriOf,
} from './parse.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, type WaitInfo, withRetries } from './retry.ts';
import { DEFAULT_USER_AGENT, type Reply, Transport } from './transport.ts';
import {
  type Credentials,
  type Endpoints,
  LocalFileError,
  type MovedImage,
  type Privacy,
  type RemoteImage,
  type RemoteImageMetadata,
  type RemoteNode,
  SmugMugError,
  type UploadRequest,
  type UploadResult,
} from './types.ts';

export interface SmugMugClientOptions {
  endpoints: Endpoints;
  credentials: Credentials;
  retry?: { retries?: number; minTimeoutMs?: number; maxTimeoutMs?: number; maxRateLimitWaitMs?: number };
  timeouts?: { requestMs?: number; uploadIdleMs?: number };
  userAgent?: string;
  onWait?: (info: WaitInfo) => void;
}

export interface NodeSpec {
  type: 'Folder' | 'Album';
  name: string;
  urlName: string;
  privacy: Privacy;
}

const PAGE_SIZE = 200;
const NODE_FIELDS = 'Uri,NodeID,Type,Name,UrlName,Privacy,WebUri';
const IMAGE_FIELDS =
  'FileName,ImageKey,Serial,ArchivedMD5,ArchivedSize,IsVideo,Processing,Format,DateTimeUploaded,Date,WebUri,Uri';
/** Keeps a FileNames query well inside URL length limits of proxies and edges. */
const MAX_FILENAMES_CHARS = 1500;
const MiB = 1024 * 1024;
/**
 * AlbumImages per !moveimages request. Server time grows with the batch and a 504 (seen on a
 * 50-item move that had been applied) leaves the whole batch to re-check, so requests stay short;
 * and one URI that no longer points into its album gets the whole request refused (400).
 */
const MOVE_BATCH = 50;
const MAX_NAME_CHARS = 254;
const ALBUM_URI = /^\/api\/v2\/album\/([A-Za-z0-9]+)$/;
const ALBUM_IMAGE_URI = /^\/api\/v2\/album\/([A-Za-z0-9]+)\/image\/([A-Za-z0-9]+)-\d+$/;
const IMAGE_URI = /^\/api\/v2\/image\/[A-Za-z0-9]+(?:-\d+)?$/;

export class SmugMugClient {
  private readonly endpoints: Endpoints;
  private readonly transport: Transport;
  private readonly policy: RetryPolicy;
  private readonly onWait: ((info: WaitInfo) => void) | undefined;

  constructor(options: SmugMugClientOptions) {
    this.endpoints = options.endpoints;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...definedOnly(options.retry ?? {}) };
    this.onWait = options.onWait;
    this.transport = new Transport({
      credentials: options.credentials,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      requestTimeoutMs: options.timeouts?.requestMs ?? 60_000,
      uploadIdleMs: options.timeouts?.uploadIdleMs ?? 120_000,
    });
  }

  async authUser(): Promise<{ nickname: string; name: string; rootNodeUri: string }> {
    const doing = 'reading the signed-in SmugMug user';
    const body = await this.retrying(() => this.getOnce(`${this.endpoints.apiBaseUrl}!authuser`, {}, doing));
    const user = objectAt(body, 'User', doing);
    const rootNodeUri = uriOf(user, 'Node');
    if (typeof user.NickName !== 'string' || !rootNodeUri) {
      throw new SmugMugError('bad-response', `SmugMug's answer to ${doing} has no NickName or root node`);
    }
    return { nickname: user.NickName, name: typeof user.Name === 'string' ? user.Name : '', rootNodeUri };
  }

  async getNode(nodeUri: string): Promise<RemoteNode> {
    const doing = `reading ${nodeUri}`;
    const body = await this.retrying(() =>
      this.getOnce(nodeUri, { _filter: NODE_FIELDS, _filteruri: 'Album' }, doing),
    );
    return toRemoteNode(objectAt(body, 'Node', doing), doing);
  }

  /** Every child of a folder node, all pages. */
  children(nodeUri: string, options: { type?: 'Folder' | 'Album' } = {}): Promise<RemoteNode[]> {
    return this.childrenOf(nodeUri, options.type, true);
  }

  /**
   * Creates a folder or album. A UrlName already used by a sibling is a 'conflict' error (pick
   * another). After a failure that may have been applied, the parent is listed and a child with
   * this UrlName and type is taken as the result, so a retry never makes a second node.
   */
  createNode(parentNodeUri: string, spec: NodeSpec): Promise<RemoteNode> {
    const doing = `creating the ${spec.type.toLowerCase()} "${spec.name}" in ${parentNodeUri}`;
    let unsure = false;
    return this.retrying(async () => {
      if (unsure) {
        const found = await this.findCreated(parentNodeUri, spec, doing);
        if (found) return found;
        unsure = false;
      }
      try {
        const reply = await this.transport.send({
          method: 'POST',
          url: this.apiUrl(`${parentNodeUri}!children`, {}),
          doing,
          json: { Type: spec.type, Name: spec.name, UrlName: spec.urlName, Privacy: spec.privacy },
        });
        if (reply.status !== 200 && reply.status !== 201) throw this.createFailure(reply, spec, doing);
        return toRemoteNode(objectAt(parseJson(reply.text, doing), 'Node', doing), doing);
      } catch (e) {
        if (mayHaveApplied(e) || isBadResponse(e)) unsure = true;
        throw e;
      }
    });
  }

  /**
   * Moves AlbumImages (from any of the account's albums) into the album `toAlbumUri`, in
   * batches of MOVE_BATCH. SmugMug silently ignores images that are still processing, and a
   * 504 may have been applied, so the answer is read from the target album, never from the POST:
   * the map has, for each given URI whose image is now in the target, where it is (ImageKey is
   * kept by a move). Images not there are left out; the caller decides what to do about them.
   * After an ambiguous failure the target is listed and only images not there are sent again.
   * A batch SmugMug refuses (4xx) is thrown as it is; batches before it stay moved.
   */
  async moveImages(
    toAlbumUri: string,
    albumImageUris: string[],
    opts: { signal?: AbortSignal } = {},
  ): Promise<Map<string, MovedImage>> {
    const targetKey = ALBUM_URI.exec(toAlbumUri)?.[1];
    if (!targetKey) throw new TypeError(`moveImages: "${toAlbumUri}" is not an album URI`);
    const sources = [...new Set(albumImageUris)];
    const bad = sources.find((uri) => !ALBUM_IMAGE_URI.test(uri));
    if (bad !== undefined) throw new TypeError(`moveImages: "${bad}" is not an AlbumImage URI`);
    const moved = new Map<string, MovedImage>();
    if (sources.length === 0) return moved;
    // An image already in the target needs no move; the listing below confirms it is there.
    const toSend = sources.filter((uri) => ALBUM_IMAGE_URI.exec(uri)?.[1] !== targetKey);
    for (let i = 0; i < toSend.length; i += MOVE_BATCH) {
      await this.moveBatch(toAlbumUri, toSend.slice(i, i + MOVE_BATCH), opts.signal);
    }
    opts.signal?.throwIfAborted();
    const there = new Map((await this.albumImages(toAlbumUri)).map((image) => [image.imageKey, image]));
    for (const uri of sources) {
      const image = there.get(imageKeyOf(uri) ?? '');
      if (image) moved.set(uri, { imageUri: image.imageUri, albumImageUri: image.albumImageUri });
    }
    return moved;
  }

  /**
   * Changes a folder's or album's Name only: its UrlName, and so its links, stay. PATCH is
   * idempotent, so transient failures are simply retried.
   */
  async renameNode(nodeUri: string, name: string, opts: { signal?: AbortSignal } = {}): Promise<RemoteNode> {
    const doing = `renaming ${nodeUri} to "${name}"`;
    const length = [...name].length;
    if (length < 1 || length > MAX_NAME_CHARS) {
      throw new SmugMugError(
        'bad-request',
        `cannot rename ${nodeUri}: SmugMug names are 1 to ${MAX_NAME_CHARS} characters, "${name}" has ${length}`,
      );
    }
    const body = await this.retrying(async () => {
      const reply = await this.transport.send({
        method: 'PATCH',
        url: this.apiUrl(nodeUri, { _filter: NODE_FIELDS, _filteruri: 'Album' }),
        doing,
        json: { Name: name },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (reply.status !== 200) throw this.transport.failure(reply, doing);
      return parseJson(reply.text, doing);
    }, opts.signal);
    return toRemoteNode(objectAt(body, 'Node', doing), doing);
  }

  /** Every image in an album, all pages, with the fields dedupe and resume need. */
  albumImages(albumUri: string): Promise<RemoteImage[]> {
    return this.imagesOf(albumUri, {}, true);
  }

  /** One image by its URI; an old or missing serial is redirected by SmugMug to the current one. */
  async getImage(imageUri: string): Promise<RemoteImage> {
    const doing = `reading ${imageUri}`;
    const body = await this.retrying(() =>
      this.getOnce(imageUri, { _filter: IMAGE_FIELDS, _filteruri: 'ImageAlbum' }, doing),
    );
    const image = objectAt(body, 'Image', doing);
    const albumUri = uriOf(image, 'ImageAlbum');
    if (!albumUri)
      throw new SmugMugError('bad-response', `SmugMug's answer to ${doing} does not name the album`);
    return toRemoteImage(image, albumUri, doing, 'Image');
  }

  /**
   * When the image was taken, as SmugMug read it from the uploaded file: the way to recognise a
   * HEIC (stored as a JPEG) or a video (re-encoded) whose ArchivedMD5 is not the local file's.
   */
  async imageMetadata(imageUri: string, opts: { signal?: AbortSignal } = {}): Promise<RemoteImageMetadata> {
    if (!IMAGE_URI.test(imageUri)) throw new TypeError(`imageMetadata: "${imageUri}" is not an Image URI`);
    const doing = `reading the metadata of ${imageUri}`;
    const body = await this.retrying(
      () => this.getOnce(`${imageUri}!metadata`, { _filter: 'DateTimeCreated' }, doing, opts.signal),
      opts.signal,
    );
    const created = objectAt(body, 'ImageMetadata', doing).DateTimeCreated;
    // SmugMug writes "" for a file it found no date in.
    return { dateTimeCreated: typeof created === 'string' && created.trim() !== '' ? created.trim() : null };
  }

  /** The images of an album whose FileName is one of `fileNames`. */
  async imagesByFileName(albumUri: string, fileNames: string[]): Promise<RemoteImage[]> {
    return this.findByName(albumUri, fileNames, true);
  }

  /**
   * Uploads (or with replaceImageUri, replaces) one file, streamed from disk. After a failure
   * that may have been applied, the album is listed by FileName and a matching image is
   * returned with verified: true instead of sending the file again.
   */
  async upload(req: UploadRequest): Promise<UploadResult> {
    if (!/^[0-9a-f]{32}$/i.test(req.md5))
      throw new TypeError(`upload of "${req.fileName}": md5 must be 32 hex digits`);
    if (!Number.isSafeInteger(req.size) || req.size < 1) {
      throw new SmugMugError(
        'bad-request',
        `"${req.fileName}" is empty; SmugMug does not accept empty files`,
      );
    }
    const doing = `uploading "${req.fileName}" to ${req.albumUri}`;
    let unsure = false;
    return this.retrying(async () => {
      if (unsure) {
        const found = await this.findUploaded(req);
        if (found) return found;
        unsure = false;
      }
      let bytesSent = 0;
      try {
        return await this.sendUpload(req, doing, (sent) => {
          bytesSent = sent;
          req.onProgress?.(sent);
        });
      } catch (e) {
        if (isAmbiguousUpload(e, bytesSent)) unsure = true;
        throw e;
      }
    }, req.signal);
  }

  private retrying<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetries(attempt, this.policy, {
      ...(signal ? { signal } : {}),
      ...(this.onWait ? { onWait: this.onWait } : {}),
    });
  }

  /** An absolute URL for an API URI ("/api/v2/node/abc"), with `_verbosity=1` and these parameters. */
  private apiUrl(uri: string, params: Record<string, string>): string {
    const url = new URL(uri, this.endpoints.apiBaseUrl);
    url.searchParams.set('_verbosity', '1');
    for (const [name, value] of Object.entries(params)) {
      if (!url.searchParams.has(name)) url.searchParams.set(name, value);
    }
    return url.toString();
  }

  /** One GET, no retry; a non-200 answer is thrown as a SmugMugError. */
  private async getOnce(uri: string, params: Record<string, string>, doing: string, signal?: AbortSignal) {
    const reply = await this.transport.send({
      method: 'GET',
      url: this.apiUrl(uri, params),
      doing,
      ...(signal ? { signal } : {}),
    });
    if (reply.status !== 200) throw this.transport.failure(reply, doing);
    return parseJson(reply.text, doing);
  }

  /**
   * All items of a paged list, following Pages.NextPage. With `retry`, each page is retried on
   * its own; without, the first failure ends the listing (the caller is retrying already).
   */
  private async listAll(
    uri: string,
    params: Record<string, string>,
    locator: string,
    doing: string,
    retry: boolean,
  ) {
    const items: Array<Record<string, unknown>> = [];
    const seen = new Set<string>();
    let page: string | null = uri;
    while (page !== null && !seen.has(page)) {
      seen.add(page);
      const current: string = page;
      const fetchPage = () => this.getOnce(current, params, doing);
      const body = retry ? await this.retrying(fetchPage) : await fetchPage();
      const found = listAt(body, locator, doing);
      items.push(...found);
      page = found.length > 0 ? nextPage(body, doing) : null;
    }
    return items;
  }

  private async childrenOf(nodeUri: string, type: 'Folder' | 'Album' | undefined, retry: boolean) {
    const doing = `listing the children of ${nodeUri}`;
    const params: Record<string, string> = {
      count: String(PAGE_SIZE),
      _filter: NODE_FIELDS,
      _filteruri: 'Album',
      ...(type ? { Type: type } : {}),
    };
    const items = await this.listAll(`${nodeUri}!children`, params, 'Node', doing, retry);
    return items.map((item) => toRemoteNode(item, doing));
  }

  private async imagesOf(albumUri: string, extra: Record<string, string>, retry: boolean) {
    const doing = `listing the images of ${albumUri}`;
    const params = { count: String(PAGE_SIZE), _filter: IMAGE_FIELDS, _filteruri: 'Image', ...extra };
    const items = await this.listAll(`${albumUri}!images`, params, 'AlbumImage', doing, retry);
    return items.map((item) => toRemoteImage(item, albumUri, doing));
  }

  /** FileNames is a list of percent-encoded names joined by commas; long lists go in several requests. */
  private async findByName(albumUri: string, fileNames: string[], retry: boolean): Promise<RemoteImage[]> {
    const results: RemoteImage[] = [];
    let batch: string[] = [];
    let length = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      results.push(...(await this.imagesOf(albumUri, { FileNames: batch.join(',') }, retry)));
      batch = [];
      length = 0;
    };
    for (const name of new Set(fileNames)) {
      const encoded = encodeURIComponent(name);
      if (length + encoded.length + 1 > MAX_FILENAMES_CHARS) await flush();
      batch.push(encoded);
      length += encoded.length + 1;
    }
    await flush();
    return results;
  }

  /** One !moveimages request, retried; before a retry after an ambiguous failure, what arrived is left out. */
  private moveBatch(toAlbumUri: string, batch: string[], signal: AbortSignal | undefined): Promise<void> {
    const doing = `moving ${batch.length} image(s) into ${toAlbumUri}`;
    let pending = batch;
    let unsure = false;
    return this.retrying(async () => {
      if (unsure) {
        const there = new Set((await this.imagesOf(toAlbumUri, {}, false)).map((image) => image.imageKey));
        pending = pending.filter((uri) => !there.has(imageKeyOf(uri) ?? ''));
        if (pending.length === 0) return;
        unsure = false;
      }
      try {
        const reply = await this.transport.send({
          method: 'POST',
          url: this.apiUrl(`${toAlbumUri}!moveimages`, {}),
          doing,
          json: { MoveUris: pending.join(',') },
          ...(signal ? { signal } : {}),
        });
        if (reply.status !== 200) throw this.moveFailure(reply, doing);
        parseJson(reply.text, doing);
      } catch (e) {
        if (mayHaveApplied(e) || isBadResponse(e)) unsure = true;
        throw e;
      }
    }, signal);
  }

  private moveFailure(reply: Reply, doing: string): SmugMugError {
    const error = this.transport.failure(reply, doing);
    if (error.kind !== 'bad-request') return error;
    return new SmugMugError(
      'bad-request',
      `SmugMug refused ${doing} (${error.status ?? 400}): one of them is no longer in the album its ` +
        'URI names (moved or deleted since it was listed), or the target would hold more than 5,000 ' +
        'images; list the albums again before retrying',
      { status: error.status ?? 400 },
    );
  }

  private createFailure(reply: Reply, spec: NodeSpec, doing: string): SmugMugError {
    const error = this.transport.failure(reply, doing);
    if (error.kind !== 'conflict') return error;
    return new SmugMugError(
      'conflict',
      `SmugMug refused ${doing}: another node there already has the UrlName "${spec.urlName}"; pick another`,
      { status: error.status ?? 409 },
    );
  }

  /** The node a create that may have been applied made, if it is there. */
  private async findCreated(
    parentNodeUri: string,
    spec: NodeSpec,
    doing: string,
  ): Promise<RemoteNode | null> {
    const children = await this.childrenOf(parentNodeUri, spec.type, false);
    const same = children.find((c) => c.urlName === spec.urlName && c.type === spec.type);
    if (!same) return null;
    if (same.name !== spec.name) {
      throw new SmugMugError(
        'conflict',
        `SmugMug refused ${doing}: "${same.name}" there already has the UrlName "${spec.urlName}"; pick another`,
        { status: 409 },
      );
    }
    return same;
  }

  private async findUploaded(req: UploadRequest): Promise<UploadResult | null> {
    const replacedKey = req.replaceImageUri ? imageKeyOf(req.replaceImageUri) : null;
    const md5 = req.md5.toLowerCase();
    const matches =
      req.matches ??
      ((image: RemoteImage) =>
        image.archivedMD5 === md5 && (replacedKey === null || image.imageKey === replacedKey));
    const candidates = await this.findByName(req.albumUri, req.lookupFileNames ?? [req.fileName], false);
    const image = candidates.find(matches);
    if (!image) return null;
    return {
      imageUri: image.imageUri,
      albumImageUri: image.albumImageUri,
      ...(image.webUri ? { url: image.webUri } : {}),
      verified: true,
    };
  }

  private async sendUpload(
    req: UploadRequest,
    doing: string,
    onProgress: (bytesSent: number) => void,
  ): Promise<UploadResult> {
    const file = await open(req.filePath, 'r').catch((e: NodeJS.ErrnoException) => {
      throw new LocalFileError(`cannot read "${req.filePath}" to upload it (${e.code ?? e.message})`);
    });
    const info = await file.stat();
    if (info.size < req.size) {
      await file.close();
      throw new LocalFileError(
        `"${req.filePath}" is ${info.size} bytes, shorter than the ${req.size} to upload`,
      );
    }
    const body = bodyPieces(file, req);
    const headers: Record<string, string> = {
      'Content-Length': String(req.size),
      'Content-MD5': Buffer.from(req.md5, 'hex').toString('base64'),
      'Content-Type': uploadContentType(req.mimeType),
      'X-Smug-AlbumUri': req.albumUri,
      'X-Smug-FileName': encodeURIComponent(req.fileName),
      'X-Smug-ResponseType': 'JSON',
      'X-Smug-Version': 'v2',
      ...(req.replaceImageUri ? { 'X-Smug-ImageUri': req.replaceImageUri } : {}),
    };
    let reply: Reply;
    try {
      reply = await this.transport.stream({
        url: this.endpoints.uploadUrl,
        doing,
        headers,
        body,
        onUploadProgress: onProgress,
        ...(req.signal ? { signal: req.signal } : {}),
      });
    } finally {
      await body.return(undefined);
      await file.close();
    }
    if (reply.status !== 200) throw this.transport.failure(reply, doing);
    const parsed = parseUploadReply(parseJson(reply.text, doing), doing);
    if (!parsed.ok) throw uploadFailure(parsed.code, parsed.message, req.fileName, req.albumUri);
    return parsed.result;
  }
}

/** A form content type would make OAuth libraries (and SmugMug) treat the bytes as signed fields. */
function uploadContentType(mimeType: string): string {
  const type = mimeType.trim();
  return type === '' || type.toLowerCase().startsWith('application/x-www-form-urlencoded')
    ? 'application/octet-stream'
    : type;
}

/**
 * The first `size` bytes of the file, read into two buffers used in turn: no stream stage and no
 * fresh memory per MiB (allocating and freeing 1 MiB buffers cost a third of the client's CPU),
 * which keeps the sending path as fast as curl's. got writes an iterable body one piece at a time
 * and asks for the next only once the socket has taken the last, so a buffer is free again by the
 * time it comes round; the second buffer is a margin, and Content-MD5 would refuse a body that
 * came out wrong. Fails if the file ends early (it changed while uploading).
 */
async function* bodyPieces(file: FileHandle, req: UploadRequest): AsyncGenerator<Buffer, void> {
  const buffers = [
    Buffer.allocUnsafeSlow(Math.min(MiB, req.size)),
    Buffer.allocUnsafeSlow(Math.min(MiB, req.size)),
  ];
  for (let offset = 0, turn = 0; offset < req.size; turn ^= 1) {
    const wanted = Math.min(MiB, req.size - offset);
    const allowed = req.pace ? Math.max(1, Math.min(wanted, await req.pace(wanted))) : wanted;
    const buffer = buffers[turn] as Buffer;
    const { bytesRead } = await file.read(buffer, 0, allowed, offset);
    if (bytesRead === 0) {
      throw new LocalFileError(
        `"${req.filePath}" changed while uploading: read ${offset} of ${req.size} bytes`,
      );
    }
    offset += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

function imageKeyOf(imageUri: string): string | null {
  return /\/image\/([A-Za-z0-9]+)(?:-\d+)?$/.exec(imageUri)?.[1] ?? null;
}

function isBadResponse(error: unknown): boolean {
  return error instanceof SmugMugError && error.kind === 'bad-response';
}

/** An upload failure after which the image may exist: 5xx, timeout, odd answer, or a cut after bytes went out. */
function isAmbiguousUpload(error: unknown, bytesSent: number): boolean {
  if (!(error instanceof SmugMugError)) return false;
  if (error.kind === 'network') return bytesSent > 0;
  return error.kind === 'server' || error.kind === 'timeout' || error.kind === 'bad-response';
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
