// Shapes the SmugMug client hands to the rest of the engine. Only what Safelight uses.

export interface Endpoints {
  /** e.g. https://api.smugmug.com/api/v2 */
  apiBaseUrl: string;
  /** e.g. https://upload.smugmug.com/ */
  uploadUrl: string;
  /** e.g. https://api.smugmug.com/services/oauth/1.0a */
  oauthBaseUrl: string;
}

export const SMUGMUG_ENDPOINTS: Endpoints = {
  apiBaseUrl: 'https://api.smugmug.com/api/v2',
  uploadUrl: 'https://upload.smugmug.com/',
  oauthBaseUrl: 'https://api.smugmug.com/services/oauth/1.0a',
};

export interface ConsumerCredentials {
  consumerKey: string;
  consumerSecret: string;
}

export interface Credentials extends ConsumerCredentials {
  token: string;
  tokenSecret: string;
}

export type Privacy = 'Private' | 'Unlisted' | 'Public';
export type NodeType = 'Folder' | 'Album';

export interface RemoteNode {
  /** /api/v2/node/{NodeID} */
  uri: string;
  nodeId: string;
  type: NodeType | 'Page';
  name: string;
  urlName: string;
  privacy?: Privacy;
  /** /api/v2/album/{AlbumKey}, for albums only */
  albumUri?: string;
  webUri?: string;
}

export interface RemoteImage {
  fileName: string;
  imageKey: string;
  serial: number;
  /** /api/v2/image/{ImageKey}-{Serial} */
  imageUri: string;
  /** /api/v2/album/{AlbumKey}/image/{ImageKey}-{Serial} */
  albumImageUri: string;
  /** Lower-case hex; may be missing or empty (tolerate it). */
  archivedMD5?: string;
  archivedSize?: number;
  isVideo: boolean;
  processing: boolean;
  format: string;
  /** ISO date of upload */
  dateUploaded?: string;
  webUri?: string;
}

/** What SmugMug read from an image's file (its !metadata); only what Safelight uses. */
export interface RemoteImageMetadata {
  /**
   * The capture time as the camera's clock showed it, without a zone ("2019-08-04T11:28:12");
   * kept for a HEIC stored as JPEG and for a re-encoded video. Null when SmugMug found none.
   */
  dateTimeCreated: string | null;
}

/** Where a moved image is now: its Image URI and its AlbumImage URI in the target album. */
export interface MovedImage {
  imageUri: string;
  albumImageUri: string;
}

export interface UploadRequest {
  /** /api/v2/album/{AlbumKey} */
  albumUri: string;
  filePath: string;
  /** Bytes to send: exactly this many from the start of the file. */
  size: number;
  /** Lower-case hex MD5 of those bytes. */
  md5: string;
  /** Becomes FileName on SmugMug. */
  fileName: string;
  mimeType: string;
  /** Replace this image in place (same ImageKey, Serial + 1). */
  replaceImageUri?: string;
  /**
   * Called before each piece of the body is read: resolves with how many of the `wanted` bytes
   * may go now (1 or more), e.g. from a bandwidth limit. Default: all of them.
   */
  pace?: (wanted: number) => Promise<number>;
  /** Bytes of the body sent so far in the current attempt. */
  onProgress?: (bytesSent: number) => void;
  /**
   * After a write that may have been applied (timeout, 5xx, connection lost), the album is
   * listed by FileName and an image that passes this test is taken as the upload's result.
   * Default: ArchivedMD5 equals md5 (and, when replacing, it is the replaced image).
   */
  matches?: (image: RemoteImage) => boolean;
  /**
   * FileNames the stored copy may have, looked up after an ambiguous failure (HEIC is stored as
   * NAME.JPG). Default: [fileName].
   */
  lookupFileNames?: string[];
  signal?: AbortSignal;
}

export interface UploadResult {
  imageUri: string;
  albumImageUri: string;
  url?: string;
  /** True when the result was found by listing the album after an ambiguous failure. */
  verified: boolean;
}

export type SmugMugErrorKind =
  | 'auth' // 401/403: the account needs attention
  | 'rate-limit' // 429 that outlasted the retries
  | 'server' // 5xx
  | 'network' // connection refused/reset, DNS
  | 'timeout'
  | 'not-found' // 404
  | 'conflict' // 409
  | 'bad-request' // other 4xx
  | 'upload-failed' // uploader answered stat: "fail"
  | 'bad-response'; // a body that is not what SmugMug sends

export class SmugMugError extends Error {
  readonly kind: SmugMugErrorKind;
  readonly status: number | undefined;
  /** Uploader failure code (5, 6, 9, 63, 64, 72) when kind is upload-failed. */
  readonly code: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** Retrying may help. */
  readonly transient: boolean;

  constructor(
    kind: SmugMugErrorKind,
    message: string,
    extra: {
      status?: number;
      code?: number;
      retryAfterMs?: number;
      transient?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'SmugMugError';
    this.kind = kind;
    this.status = extra.status;
    this.code = extra.code;
    this.retryAfterMs = extra.retryAfterMs;
    this.transient =
      extra.transient ?? ['rate-limit', 'server', 'network', 'timeout', 'bad-response'].includes(kind);
  }
}

/** The file to upload could not be read as promised (missing, unreadable, or changed while sending). */
export class LocalFileError extends Error {
  override readonly name = 'LocalFileError';
}
