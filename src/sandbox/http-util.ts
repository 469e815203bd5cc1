import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  pretty = false,
): void {
  if (res.headersSent || res.destroyed) return;
  const text = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export class BodyError extends Error {
  readonly kind: 'too-large' | 'stalled' | 'aborted';

  constructor(message: string, kind: 'too-large' | 'stalled' | 'aborted') {
    super(message);
    this.kind = kind;
  }
}

/** Reads a small request body, giving up when it stops arriving (shorter than Content-Length). */
export function readBody(req: IncomingMessage, maxBytes: number, idleMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer = setTimeout(onIdle, idleMs);
    function onIdle() {
      cleanup();
      reject(new BodyError('request body stopped before Content-Length was reached', 'stalled'));
    }
    function cleanup() {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
    }
    function onData(chunk: Buffer) {
      clearTimeout(timer);
      timer = setTimeout(onIdle, idleMs);
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(new BodyError('request body too large', 'too-large'));
        return;
      }
      chunks.push(chunk);
    }
    function onEnd() {
      cleanup();
      resolve(Buffer.concat(chunks));
    }
    function onAborted() {
      cleanup();
      reject(new BodyError('client went away', 'aborted'));
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onAborted);
  });
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** Header values arrive as latin1; the real uploader accepts raw UTF-8 file names. */
export function utf8Header(req: IncomingMessage, name: string): string | undefined {
  const raw = req.headers[name.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  return Buffer.from(value, 'latin1').toString('utf8');
}
