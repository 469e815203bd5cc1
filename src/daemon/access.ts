// Who may reach the daemon, decided from the request's headers before anything else sees it.
// - Host: bound to loopback, only the loopback names with our port are accepted, so a web page
//   whose own name was re-pointed at 127.0.0.1 (DNS rebinding) is refused.
// - Origin (WebSocket only): must be our own origin, http://<Host>, so no other site's page can
//   open a socket to us with the browser's help (cross-site WebSocket hijacking).
// - Token (WebSocket only): offered as a subprotocol, `safelight, token.<TOKEN>`, the one header a
//   browser lets a page set on a WebSocket; it never appears in a URL, so never in a log.
import { isIP } from 'node:net';
import { tokensEqual } from './token.ts';

export const PROTOCOL = 'safelight';
const TOKEN_PREFIX = 'token.';

export interface Binding {
  /** The address the server listens on, as given (127.0.0.1, ::1, 0.0.0.0, a LAN address…). */
  host: string;
  port: number;
}

/** "name" or "[v6]" then an optional port: nothing a header could be smuggled through. */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/;

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The host part of a URL for this address: IPv6 in brackets. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

interface HostHeader {
  name: string;
  port: number;
  /** Lower-cased, as it goes into our origin. */
  value: string;
}

function parseHostHeader(header: string | undefined): HostHeader | undefined {
  if (!header) return undefined;
  const value = header.toLowerCase();
  const m = HOST_HEADER.exec(value);
  if (!m?.[1]) return undefined;
  return { name: m[1], port: m[2] === undefined ? 80 : Number(m[2]), value };
}

export type HostVerdict = { ok: true; host: string } | { ok: false; reason: string };

/**
 * Checks the Host header. On loopback it must name this server by a loopback name and its port;
 * bound elsewhere (the person chose --host) any well-formed name is accepted, as the computer may
 * be reached by any of its names, and the token is what keeps strangers out.
 */
export function checkHost(header: string | undefined, binding: Binding): HostVerdict {
  const parsed = parseHostHeader(header);
  if (!parsed) return { ok: false, reason: 'missing or malformed Host header' };
  if (isLoopback(binding.host)) {
    const allowed = new Set(['127.0.0.1', 'localhost', '[::1]', urlHost(binding.host.toLowerCase())]);
    if (!allowed.has(parsed.name) || parsed.port !== binding.port) {
      return { ok: false, reason: `Host "${header}" is not this server (use 127.0.0.1:${binding.port})` };
    }
  }
  return { ok: true, host: parsed.value };
}

/** The page's Origin must be the very origin the request was sent to; returns why not, if not. */
export function originRefusal(origin: string | undefined, host: string): string | undefined {
  if (!origin) return 'missing Origin header';
  if (origin.toLowerCase() !== `http://${host}`) return `Origin ${origin} is not allowed`;
  return undefined;
}

/** The subprotocols must be `safelight` and exactly one matching `token.<TOKEN>`; returns why not. */
export function tokenRefusal(protocols: string | undefined, expected: string): string | undefined {
  const offered = (protocols ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const tokens = offered.filter((p) => p.startsWith(TOKEN_PREFIX));
  if (!offered.includes(PROTOCOL) || tokens.length !== 1 || tokens[0] === undefined) {
    return `missing token: offer the subprotocols "${PROTOCOL}, token.<TOKEN>"`;
  }
  return tokensEqual(tokens[0].slice(TOKEN_PREFIX.length), expected) ? undefined : 'wrong token';
}
