// MD5 of a local file, streamed: it is what SmugMug reports as ArchivedMD5 (API-NOTES §2.7).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The file had fewer bytes than expected: it changed while being read; trying again later can help. */
export class FileChangedError extends Error {
  readonly path: string;
  readonly expected: number;
  readonly actual: number;

  constructor(path: string, expected: number, actual: number) {
    super(
      `"${path}" changed while it was being read: expected ${expected} bytes, found ${actual}. ` +
        'It may still be being copied; it will be tried again.',
    );
    this.name = 'FileChangedError';
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * Streaming MD5 (lower-case hex) of the first `size` bytes, or of the whole file when `size` is
 * omitted. Reads 1 MiB at a time. When `size` is given and the file is shorter, rejects with
 * FileChangedError, so a hash is never taken of something other than the bytes the caller means.
 */
export async function md5File(
  path: string,
  options: { size?: number; signal?: AbortSignal } = {},
): Promise<string> {
  const { size, signal } = options;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new RangeError(`md5File: size must be a whole number of bytes, got ${size}`);
  }
  signal?.throwIfAborted();
  const hash = createHash('md5');
  let read = 0;
  // `end` is inclusive; for size 0 the file is still opened so a missing file is reported.
  const stream = createReadStream(path, {
    highWaterMark: 1024 * 1024,
    ...(size !== undefined && { start: 0, end: Math.max(size - 1, 0) }),
    ...(signal && { signal }),
  });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const wanted = size === undefined ? chunk.length : Math.min(chunk.length, size - read);
      hash.update(wanted === chunk.length ? chunk : chunk.subarray(0, wanted));
      read += wanted;
    }
  } catch (error) {
    // A stream destroyed by the signal reports a generic AbortError; callers expect the reason.
    signal?.throwIfAborted();
    throw error;
  }
  if (size !== undefined && read < size) throw new FileChangedError(path, size, read);
  return hash.digest('hex');
}
