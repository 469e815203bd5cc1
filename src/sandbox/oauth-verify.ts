// Server-side OAuth 1.0a (RFC 5849) verification for the sandbox. Written independently of
// the client's signing code on purpose: a bug shared by both would pass every test and fail
// every real user.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes, upper hex. */
export function rfc3986(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (const b of bytes) {
    const unreserved =
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x2e ||
      b === 0x5f ||
      b === 0x7e;
    out += unreserved ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes application/x-www-form-urlencoded text ('+' is a space) into ordered pairs. */
export function decodeForm(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (text === '') return pairs;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([formDecode(rawName), formDecode(rawValue)]);
  }
  return pairs;
}

function formDecode(s: string): string {
  return percentDecode(s.replace(/\+/g, ' '));
}

/** Percent-decodes, leaving text with a broken escape (`%`, `%E9`) as it came: bad input is a 401, never a crash. */
function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses `Authorization: OAuth k="v", …` into pairs (values percent-decoded). */
export function parseAuthorizationHeader(header: string | undefined): Array<[string, string]> | null {
  if (!header) return null;
  const m = /^\s*OAuth\s+(.*)$/is.exec(header);
  if (!m?.[1]) return null;
  const pairs: Array<[string, string]> = [];
  const re = /\s*([^=\s,]+)\s*=\s*"([^"]*)"\s*(?:,|$)/g;
  let match: RegExpExecArray | null = re.exec(m[1]);
  while (match !== null) {
    const name = percentDecode(match[1] ?? '');
    if (name !== 'realm') pairs.push([name, percentDecode(match[2] ?? '')]);
    match = re.exec(m[1]);
  }
  return pairs;
}

/** Base string URI per RFC 5849 3.4.1.2: lower-case scheme and host, default port dropped, no query. */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const host = url.hostname.toLowerCase();
  const defaultPort = (scheme === 'http' && url.port === '80') || (scheme === 'https' && url.port === '443');
  const port = url.port && !defaultPort ? `:${url.port}` : '';
  return `${scheme}://${host}${port}${url.pathname}`;
}

/** RFC 5849 3.4.1.3.2: encode each name and value, sort by name then value, join. */
export function normalizeParameters(params: Array<[string, string]>): string {
  return params
    .filter(([name]) => name !== 'oauth_signature')
    .map(([n, v]) => [rfc3986(n), rfc3986(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
}

export function signatureBaseString(method: string, url: URL, params: Array<[string, string]>): string {
  return [method.toUpperCase(), rfc3986(baseStringUri(url)), rfc3986(normalizeParameters(params))].join('&');
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`;
  return createHmac('sha1', key).update(baseString).digest('base64');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface SignedRequest {
  method: string;
  /** The URL as the client addressed it (scheme, host and port of the server it called). */
  url: URL;
  authorization: string | undefined;
  /** Parameters from an application/x-www-form-urlencoded body; empty for JSON or binary bodies. */
  formParams: Array<[string, string]>;
  /** The uploader accepts OAuth parameters only from the Authorization header. */
  headerOnly: boolean;
}

export interface CollectedOAuth {
  /** Every parameter that takes part in the signature, in the order seen. */
  all: Array<[string, string]>;
  oauth: Map<string, string>;
}

/** Gathers the signed parameters: query, form body, and oauth_* from header (or query/body). */
export function collectParameters(req: SignedRequest): CollectedOAuth | { problem: string } {
  const header = parseAuthorizationHeader(req.authorization);
  const query = decodeForm(req.url.search.replace(/^\?/, ''));
  const all: Array<[string, string]> = [...query, ...req.formParams, ...(header ?? [])];
  const oauth = new Map<string, string>();
  const sources = req.headerOnly ? (header ?? []) : all;
  for (const [name, value] of sources) {
    if (!name.startsWith('oauth_')) continue;
    if (oauth.has(name)) return { problem: 'parameter_rejected' };
    oauth.set(name, value);
  }
  return { all, oauth };
}
