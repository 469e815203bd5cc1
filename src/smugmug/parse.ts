// Reads SmugMug's JSON (API-NOTES §3.1, §3.8, §4, §2.3) into the shapes Safelight uses.
// Pure functions: a body that is not what SmugMug sends becomes a 'bad-response' error.
import {
  type NodeType,
  type Privacy,
  type RemoteImage,
  type RemoteNode,
  SmugMugError,
  type UploadResult,
} from './types.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(doing: string, what: string): SmugMugError {
  return new SmugMugError('bad-response', `SmugMug's answer to ${doing} is not what SmugMug sends: ${what}`);
}

export function parseJson(text: string, doing: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad(doing, 'not JSON');
  }
  if (!isObject(value)) throw bad(doing, 'not a JSON object');
  return value;
}

/** Response[Response.Locator]: one object, or a list (a missing list is empty, §3.8). */
export function responseOf(body: Json, doing: string): Json {
  const response = body.Response;
  if (!isObject(response)) throw bad(doing, 'no Response');
  return response;
}

export function objectAt(body: Json, locator: string, doing: string): Json {
  const value = responseOf(body, doing)[locator];
  if (!isObject(value)) throw bad(doing, `no ${locator}`);
  return value;
}

export function listAt(body: Json, locator: string, doing: string): Json[] {
  const value = responseOf(body, doing)[locator];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw bad(doing, `${locator} is not a list`);
  return value;
}

/** The next page's URI, or null on the last page. */
export function nextPage(body: Json, doing: string): string | null {
  const pages = responseOf(body, doing).Pages;
  if (pages === undefined) return null;
  if (!isObject(pages)) throw bad(doing, 'Pages is not an object');
  return typeof pages.NextPage === 'string' && pages.NextPage !== '' ? pages.NextPage : null;
}

function text(obj: Json, key: string, doing: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw bad(doing, `${key} is missing`);
  return value;
}

function optionalText(obj: Json, key: string): string | undefined {
  const value = obj[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A link from Uris, which is a plain string at _verbosity=1 and an object otherwise. */
export function uriOf(obj: Json, name: string): string | undefined {
  const uris = obj.Uris;
  if (!isObject(uris)) return undefined;
  const ref = uris[name];
  if (typeof ref === 'string') return ref;
  if (isObject(ref) && typeof ref.Uri === 'string') return ref.Uri;
  return undefined;
}

const NODE_TYPES = new Set(['Folder', 'Album', 'Page']);
const PRIVACY = new Set(['Private', 'Unlisted', 'Public']);

export function toRemoteNode(obj: Json, doing: string): RemoteNode {
  const type = text(obj, 'Type', doing);
  if (!NODE_TYPES.has(type)) throw bad(doing, `unknown node Type ${JSON.stringify(type)}`);
  const uri = text(obj, 'Uri', doing);
  const node: RemoteNode = {
    uri,
    nodeId: optionalText(obj, 'NodeID') ?? uri.split('/').pop() ?? '',
    type: type as NodeType | 'Page',
    name: typeof obj.Name === 'string' ? obj.Name : '',
    urlName: typeof obj.UrlName === 'string' ? obj.UrlName : '',
  };
  const privacy = obj.Privacy;
  if (typeof privacy === 'string' && PRIVACY.has(privacy)) node.privacy = privacy as Privacy;
  const albumUri = uriOf(obj, 'Album');
  if (albumUri) node.albumUri = albumUri;
  const webUri = optionalText(obj, 'WebUri');
  if (webUri) node.webUri = webUri;
  return node;
}

/**
 * An AlbumImage (from an album listing) or an Image (from /api/v2/image/...). Its own Uri is the
 * AlbumImage or Image URI; the other one comes from Uris when present, else from key and serial.
 */
export function toRemoteImage(
  obj: Json,
  albumUri: string,
  doing: string,
  from: 'AlbumImage' | 'Image' = 'AlbumImage',
): RemoteImage {
  const imageKey = text(obj, 'ImageKey', doing);
  const serial = typeof obj.Serial === 'number' ? obj.Serial : 0;
  const keyed = `${imageKey}-${serial}`;
  const own = optionalText(obj, 'Uri');
  const image: RemoteImage = {
    fileName: text(obj, 'FileName', doing),
    imageKey,
    serial,
    imageUri: (from === 'Image' ? own : uriOf(obj, 'Image')) ?? `/api/v2/image/${keyed}`,
    albumImageUri: (from === 'AlbumImage' ? own : undefined) ?? `${albumUri}/image/${keyed}`,
    isVideo: obj.IsVideo === true,
    processing: obj.Processing === true,
    format: typeof obj.Format === 'string' ? obj.Format : '',
  };
  const md5 = optionalText(obj, 'ArchivedMD5');
  if (md5) image.archivedMD5 = md5.toLowerCase();
  if (typeof obj.ArchivedSize === 'number') image.archivedSize = obj.ArchivedSize;
  const uploaded = optionalText(obj, 'DateTimeUploaded') ?? optionalText(obj, 'Date');
  if (uploaded) image.dateUploaded = uploaded;
  const webUri = optionalText(obj, 'WebUri');
  if (webUri) image.webUri = webUri;
  return image;
}

export type UploadReply = { ok: true; result: UploadResult } | { ok: false; code: number; message: string };

/** The uploader's answer (no envelope; stat "ok" or "fail", the latter with HTTP 200). */
export function parseUploadReply(body: Json, doing: string): UploadReply {
  if (body.stat === 'fail') {
    const code = typeof body.code === 'number' ? body.code : Number(body.code);
    return {
      ok: false,
      code: Number.isFinite(code) ? code : 0,
      message: typeof body.message === 'string' ? body.message : '',
    };
  }
  if (body.stat !== 'ok') throw bad(doing, 'stat is neither "ok" nor "fail"');
  const image = body.Image;
  if (!isObject(image)) throw bad(doing, 'no Image');
  const result: UploadResult = {
    imageUri: text(image, 'ImageUri', doing),
    albumImageUri: text(image, 'AlbumImageUri', doing),
    verified: false,
  };
  const url = optionalText(image, 'URL');
  if (url) result.url = url;
  return { ok: true, result };
}
