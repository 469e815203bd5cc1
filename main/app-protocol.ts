// The window's page comes from app://safelight/, served from the built UI folder, never from
// file://: a file: page could read any file the person can, while this origin reaches only the
// UI's own files. Every response carries the page's Content-Security-Policy.
import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'safelight';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The same policy the page declares in its <meta> tag, so either alone is enough. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** For protocol.registerSchemesAsPrivileged, before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Whether `text` is a page of the app's own origin. */
export function isAppUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
}

/**
 * The file under `root` an app:// URL names, or null when it names none: another host, a path
 * that climbs out of `root` (directly or through a link), or a missing file.
 */
export async function resolveAppFile(root: string, urlText: string): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const realRoot = await realpath(root).catch(() => null);
  if (!realRoot) return null;
  const file = await realpath(join(realRoot, path === '/' ? 'index.html' : path)).catch(() => null);
  if (!file) return null;
  const inside = relative(realRoot, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
  return file;
}

/** The handler for protocol.handle(APP_SCHEME, …): the UI's files, and nothing else. */
export function appProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET') return new Response('Method not allowed', { status: 405 });
    const file = await resolveAppFile(root, request.url);
    if (!file) return notFound();
    const body = await readFile(file).catch(() => null);
    if (!body) return notFound();
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  };
}
