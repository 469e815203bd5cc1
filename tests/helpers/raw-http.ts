// Low-level HTTP for tests that need what fetch refuses: raw UTF-8 header bytes, streamed bodies,
// bodies shorter than Content-Length, and requests that are not HTTP at all.
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any;
}

/**
 * A request through node:http. Header values may carry raw UTF-8 bytes: pass them as latin1
 * strings (see `latin1Bytes`), which node writes to the wire byte for byte.
 */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer | Readable; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false });
    req.setTimeout(opts.timeoutMs ?? 20_000, () => req.destroy(new Error('test request timed out')));
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('error', reject);
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    const body = opts.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else pipeline(body, req).catch((e: unknown) => req.destroy(e as Error));
  });
}

/** The UTF-8 bytes of `text` as a latin1 string, so node:http sends them unchanged in a header. */
export function latin1Bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export interface RawExchange {
  /** Everything the server sent before closing (or before the wait ended). */
  text: string;
  status: number | null;
  elapsedMs: number;
  /** True when the server closed the connection. */
  closed: boolean;
}

/**
 * Writes `payload` to a fresh TCP connection and keeps it open, collecting what the server sends
 * until it closes the connection or `waitMs` passes.
 */
export function rawExchange(port: number, payload: string | Buffer, waitMs = 5000): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : null, elapsedMs: Date.now() - started, closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('end', () => finish(true));
    socket.once('close', () => finish(true));
    socket.once('error', (e) => {
      if (chunks.length > 0) finish(true);
      else if (!done) {
        done = true;
        clearTimeout(timer);
        reject(e);
      }
    });
    socket.once('connect', () => socket.write(payload));
  });
}

/** The JSON body of a raw HTTP/1.1 response (without chunked encoding). */
export function rawJson(text: string): any {
  const at = text.indexOf('\r\n\r\n');
  return JSON.parse(text.slice(at + 4));
}
