// The built renderer's files (index.html, assets/) served read-only. A path resolves to a regular
// file inside the renderer folder, after decoding and following links, or to nothing: no `..`,
// encoded or not, and no link can reach a file outside it.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/**
 * The file a request path names under `root` (itself a real path), or undefined when there is
 * none or the path leads outside. `/` is index.html.
 */
export async function resolveFile(root: string, url: string): Promise<string | undefined> {
  const rawPath = url.split(/[?#]/, 1)[0] ?? '';
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (!path.startsWith('/') || path.includes('\0')) return undefined;
  const candidate = resolve(root, `.${path}`);
  if (!inside(root, candidate)) return undefined;
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return undefined;
  }
  if (!inside(root, real)) return undefined;
  const target = real === root ? join(root, 'index.html') : real;
  try {
    return (await stat(target)).isFile() ? target : undefined;
  } catch {
    return undefined;
  }
}

function cacheControl(root: string, file: string): string {
  // Vite names what it puts in assets/ by content hash: such a name never changes meaning.
  if (inside(join(root, 'assets'), file)) return 'public, max-age=31536000, immutable';
  return 'no-store';
}

/** Answers a GET or HEAD with the file, or 404. `headers` are added to either. */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  headers: Record<string, string>,
): Promise<void> {
  const file = await resolveFile(root, req.url ?? '/');
  if (!file) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  const { size } = await stat(file);
  res.writeHead(200, {
    ...headers,
    'Content-Type': contentType(file),
    'Content-Length': size,
    'Cache-Control': cacheControl(root, file),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(file), res);
}
