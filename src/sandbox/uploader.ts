// The uploader (upload.smugmug.com): raw bodies streamed to disk, MD5 and size computed from the
// bytes received, failures answered as HTTP 200 with stat "fail" (API-NOTES §2).
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Caller, Exchange, SandboxContext } from './context.ts';
import { permissionRank } from './context.ts';
import { dateTimeCreated } from './date-time-created.ts';
import { sendJson, sendText, utf8Header } from './http-util.ts';
import { classify, failures, storedForm, type UploadFailure } from './media-rules.ts';
import type { ImageRow } from './state.ts';
import { albumImageUri, imageUri, urlPath } from './views.ts';

const METHOD = 'smugmug.images.upload';

function header(ex: Exchange, name: string): string | undefined {
  const v = ex.req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function decodeMd5(value: string): string | null {
  const v = value.trim();
  if (/^[0-9a-fA-F]{32}$/.test(v)) return v.toLowerCase();
  if (/^[A-Za-z0-9+/]{22}==$/.test(v)) return Buffer.from(v, 'base64').toString('hex');
  return null;
}

function fileNameFrom(ex: Exchange): string {
  const raw = utf8Header(ex.req, 'X-Smug-FileName');
  if (raw !== undefined && raw !== '') {
    if (/%[0-9A-Fa-f]{2}/.test(raw)) {
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
    return raw;
  }
  const path = ex.url.pathname.replace(/^\/+/, '');
  let fromPath = path;
  try {
    fromPath = decodeURIComponent(path);
  } catch {
    // A broken escape in the path names the file as sent.
  }
  return fromPath !== '' ? fromPath : 'upload';
}

export class Uploader {
  private readonly ctx: SandboxContext;

  constructor(ctx: SandboxContext) {
    this.ctx = ctx;
  }

  private fail(ex: Exchange, failure: UploadFailure, closeAfter = false): void {
    this.ctx.stats.uploadsFailed++;
    sendJson(
      ex.res,
      200,
      { stat: 'fail', method: METHOD, code: failure.code, message: failure.message },
      {
        ...ex.rateHeaders,
        ...(closeAfter ? { Connection: 'close' } : {}),
      },
    );
  }

  async handle(ex: Exchange, caller: Caller): Promise<void> {
    const { req } = ex;
    if (req.method !== 'POST' && req.method !== 'PUT') {
      sendJson(
        ex.res,
        405,
        { stat: 'fail', method: METHOD, code: 5, message: 'system error' },
        ex.rateHeaders,
      );
      return;
    }
    // A request rejected before its body is read must close the connection: the client is
    // still sending bytes nobody will read.
    const early = (failure: UploadFailure) => this.fail(ex, failure, true);
    if (permissionRank[caller.permissions] < permissionRank.Add) {
      sendJson(
        ex.res,
        401,
        { Code: 401, Message: 'The user has not granted the required permissions' },
        { ...ex.rateHeaders, Connection: 'close' },
      );
      return;
    }
    if ((header(ex, 'X-Smug-Version') ?? '').toLowerCase() !== 'v2') return early(failures.system);
    if ((header(ex, 'X-Smug-ResponseType') ?? '').toLowerCase() !== 'json') return early(failures.system);
    const albumUri = header(ex, 'X-Smug-AlbumUri') ?? '';
    const albumMatch = /^\/api\/v2\/album\/([A-Za-z0-9]+)$/.exec(albumUri.trim());
    const albumNode = albumMatch ? this.ctx.state.nodeByAlbumKey(albumMatch[1] ?? '') : undefined;
    if (!albumNode?.album_key) return early(failures.invalidAlbum);
    const albumKey = albumNode.album_key;

    let replacing: ImageRow | undefined;
    const replaceUri = header(ex, 'X-Smug-ImageUri');
    if (replaceUri !== undefined) {
      const m = /^\/api\/v2\/image\/([A-Za-z0-9]+)(?:-(\d+))?$/.exec(replaceUri.trim());
      replacing = m ? this.ctx.state.image(m[1] ?? '') : undefined;
      if (!replacing) return early(failures.system);
    }

    const fileName = fileNameFrom(ex);
    const kind = classify(fileName);
    if (kind === 'rejected-type') return early(failures.invalidType);
    if (kind === 'wrong-format') return early(failures.wrongFormat);
    if (kind === 'raw' && !this.ctx.sourcePlan) return early(failures.rawNeedsSource);

    const lengthHeader = header(ex, 'Content-Length');
    const declared = lengthHeader === undefined ? null : Number(lengthHeader);
    const limit = kind === 'video' ? this.ctx.limits.videoBytes : this.ctx.limits.photoBytes;
    if (declared !== null && declared > limit) return early(failures.system);
    if (!replacing && this.ctx.state.imageCount(albumKey) >= this.ctx.limits.albumImages)
      return early(failures.albumFull);
    if (
      !replacing &&
      this.ctx.rejectDuplicateNames &&
      this.ctx.state.albumImages(albumKey, [fileName], 1, 1).total > 0
    ) {
      sendJson(
        ex.res,
        409,
        { stat: 'fail', method: METHOD, code: 409, message: 'Conflict' },
        { ...ex.rateHeaders, Connection: 'close' },
      );
      return;
    }
    const md5Header = header(ex, 'Content-MD5');
    const expectedMd5 = md5Header === undefined ? null : decodeMd5(md5Header);
    if (md5Header !== undefined && expectedMd5 === null) return early(failures.system);

    const received = await this.receive(ex, declared, limit);
    if (received === null) return;
    const { tmp, md5, size } = received;
    const discard = () => unlink(tmp).catch(() => {});
    if (
      (declared !== null && size !== declared) ||
      (expectedMd5 !== null && expectedMd5 !== md5) ||
      size === 0
    ) {
      await discard();
      return this.fail(ex, failures.system);
    }
    if (kind === 'video' && size < this.ctx.limits.minVideoBytes) {
      await discard();
      return this.fail(ex, failures.invalidType);
    }

    const stored = storedForm(fileName, kind, md5, size, this.ctx.transforms);
    const blob = `${md5}-${randomUUID()}`;
    const blobPath = join(this.ctx.blobDir, blob);
    await rename(tmp, blobPath);
    // Read from the bytes that arrived, as the service does: a HEIC keeps its capture time
    // although it is stored as a JPEG, and a replacement gets the new file's.
    const created = await dateTimeCreated(blobPath);
    const now = this.ctx.now();
    const fields = {
      file_name: stored.fileName,
      format: stored.format,
      is_video: stored.isVideo ? 1 : 0,
      archived_md5: stored.archivedMd5,
      archived_size: stored.archivedSize,
      original_size: stored.archivedSize,
      uploaded_md5: md5,
      blob,
      last_updated: now,
      processing_until: stored.processingSeconds > 0 ? now + stored.processingSeconds : 0,
      date_time_created: created,
    };
    const optional = this.optionalFields(ex);
    const image = this.ctx.state.transaction(() => {
      let row: ImageRow;
      if (replacing) {
        const target = replacing;
        this.ctx.state.updateImage(target.image_key, { ...fields, ...optional, serial: target.serial + 1 });
        row = this.ctx.state.image(target.image_key) as ImageRow;
      } else {
        row = this.ctx.state.insertImage({
          album_key: albumKey,
          serial: 0,
          title: '',
          caption: '',
          keywords: '',
          hidden: 0,
          latitude: '0.00000000000000',
          longitude: '0.00000000000000',
          altitude: 0,
          date_uploaded: now,
          ...fields,
          ...optional,
        });
      }
      const albumOfImage = this.ctx.state.nodeByAlbumKey(row.album_key);
      if (albumOfImage) this.ctx.state.imagesChanged(albumOfImage.node_id, now);
      return { row, old: replacing?.blob };
    });
    if (image.old && !this.ctx.state.blobInUse(image.old))
      await unlink(join(this.ctx.blobDir, image.old)).catch(() => {});
    if (replacing) this.ctx.stats.uploadsReplaced++;
    else this.ctx.stats.uploadsAccepted++;

    if (this.ctx.faults.timeoutAfterCommit()) {
      sendText(
        ex.res,
        504,
        'text/html',
        '<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>',
        ex.rateHeaders,
      );
      return;
    }
    const row = image.row;
    const albumForUrl = this.ctx.state.nodeByAlbumKey(row.album_key);
    const path = albumForUrl ? urlPath(this.ctx.state.ancestry(albumForUrl.node_id)) : '';
    sendJson(
      ex.res,
      200,
      {
        stat: 'ok',
        method: METHOD,
        Image: {
          StatusImageReplaceUri: '',
          ImageUri: imageUri(row),
          AlbumImageUri: albumImageUri(row),
          URL: `${this.ctx.site.webBase}${path}/n-${albumForUrl?.node_id ?? ''}/i-${row.image_key}`,
        },
        Asset: {
          AssetComponentUri: `/api/v2/library/asset/${row.image_key}/component/i/${row.image_key}`,
          AssetUri: `/api/v2/library/asset/${row.image_key}`,
        },
      },
      ex.rateHeaders,
    );
  }

  private optionalFields(ex: Exchange): Partial<ImageRow> {
    const out: Partial<ImageRow> = {};
    const title = utf8Header(ex.req, 'X-Smug-Title');
    if (title !== undefined) out.title = title;
    const caption = utf8Header(ex.req, 'X-Smug-Caption');
    if (caption !== undefined) out.caption = caption;
    const keywords = utf8Header(ex.req, 'X-Smug-Keywords');
    if (keywords !== undefined)
      out.keywords = keywords
        .split(';')
        .map((k) => k.trim())
        .filter(Boolean)
        .join('; ');
    const hidden = header(ex, 'X-Smug-Hidden');
    if (hidden !== undefined) out.hidden = hidden.toLowerCase() === 'true' ? 1 : 0;
    const lat = header(ex, 'X-Smug-Latitude');
    if (lat !== undefined && Number.isFinite(Number(lat))) out.latitude = Number(lat).toFixed(14);
    const lon = header(ex, 'X-Smug-Longitude');
    if (lon !== undefined && Number.isFinite(Number(lon))) out.longitude = Number(lon).toFixed(14);
    const alt = header(ex, 'X-Smug-Altitude');
    if (alt !== undefined && Number.isInteger(Number(alt))) out.altitude = Number(alt);
    return out;
  }

  /**
   * Streams the body to a temporary file while hashing it. Returns null when the exchange is
   * over already: the client went away, the body stalled, or a reset fault cut it.
   */
  private async receive(
    ex: Exchange,
    declared: number | null,
    limit: number,
  ): Promise<{ tmp: string; md5: string; size: number } | null> {
    const tmp = join(this.ctx.blobDir, `.incoming-${randomUUID()}`);
    const hash = createHash('md5');
    let size = 0;
    const resetAt = this.ctx.faults.resetThisUpload() ? Math.max(1, Math.floor((declared ?? 2) / 2)) : null;
    let idle: NodeJS.Timeout | undefined;
    let stalled = false;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        // Answer first, then drop the connection: the body will never be complete.
        stalled = true;
        this.fail(ex, failures.system, true);
        ex.res.once('finish', () => meter.destroy(new Error('body stalled')));
      }, this.ctx.limits.bodyIdleMs);
    };
    let cut = false;
    const meter = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        armIdle();
        size += chunk.length;
        if (size > limit) {
          this.fail(ex, failures.system, true);
          ex.res.once('finish', () => done(new Error('too large')));
          return;
        }
        if (resetAt !== null && size >= resetAt) {
          cut = true;
          ex.req.socket.destroy();
          done(new Error('reset fault'));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    armIdle();
    try {
      await pipeline(ex.req, meter, createWriteStream(tmp));
      return { tmp, md5: hash.digest('hex'), size };
    } catch {
      await unlink(tmp).catch(() => {});
      // A client that went away mid-body gets no answer and leaves nothing behind.
      if (!stalled && !ex.res.headersSent && !cut) this.ctx.stats.uploadsFailed++;
      return null;
    } finally {
      clearTimeout(idle);
    }
  }
}
