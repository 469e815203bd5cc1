// Small JPEGs of local files for the window, made with sharp one at a time (and libvips on one
// thread) so they never compete with uploads, and kept on disk: a file's thumbnail is made once
// for each version of it (its MD5, or size and mtime before it is hashed).
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

const SIZE = 256;
const QUALITY = 70;
// Bigger images (panoramas, scans) take too long and too much memory for a thumbnail.
const MAX_PIXELS = 120_000_000;
// Spreads the cache over folders so none grows to a size that makes listing it slow.
const SHARDS = 256;

sharp.concurrency(1);
sharp.cache(false);

export interface ThumbnailSource {
  id: number;
  md5: string | null;
  size: number;
  mtime_ms: number;
  /** Absolute path of the local file. */
  path: string;
}

export class Thumbnailer {
  private readonly dir: string;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Thumbnails made (not read from the cache), for tests and figures. */
  made = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** A data: URL of a small JPEG, or null when the file cannot be made into one. */
  async get(source: ThumbnailSource): Promise<string | null> {
    const shard = join(this.dir, String(source.id % SHARDS));
    const prefix = `${source.id}-`;
    const file = join(shard, `${prefix}${source.md5 ?? `${source.size}-${Math.round(source.mtime_ms)}`}.jpg`);
    const cached = await readFile(file).catch(() => null);
    if (cached) return dataUrl(cached);
    const made = this.enqueue(() => this.make(source.path, shard, file, prefix));
    const jpeg = await made;
    return jpeg ? dataUrl(jpeg) : null;
  }

  close(): void {
    this.closed = true;
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T | null> {
    const run = this.queue.then(() => (this.closed ? null : job()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async make(source: string, shard: string, file: string, prefix: string): Promise<Buffer | null> {
    let jpeg: Buffer;
    try {
      jpeg = await sharp(source, { limitInputPixels: MAX_PIXELS })
        .rotate()
        .resize(SIZE, SIZE, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: QUALITY })
        .toBuffer();
    } catch {
      // Not an image sharp can read (HEIC without its codec, RAW, a damaged file) or gone.
      return null;
    }
    this.made++;
    // A cache that cannot be written (disk full) only means making it again next time.
    await this.store(shard, file, prefix, jpeg).catch(() => {});
    return jpeg;
  }

  private async store(shard: string, file: string, prefix: string, jpeg: Buffer): Promise<void> {
    await mkdir(shard, { recursive: true, mode: 0o700 });
    // Thumbnails of earlier versions of this file are of no more use.
    for (const name of await readdir(shard)) {
      if (name.startsWith(prefix)) await unlink(join(shard, name)).catch(() => {});
    }
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, jpeg, { mode: 0o600 });
    await rename(tmp, file);
  }
}

function dataUrl(jpeg: Buffer): string {
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}
