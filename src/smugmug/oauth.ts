// OAuth 1.0a request signing (RFC 5849, HMAC-SHA1) for SmugMug.
// Hand-written on purpose: the tests sign with the oauth-1.0a package as an independent reference and the
// sandbox has its own verifier, so three implementations cross-check each other.
import { createHmac, randomBytes } from 'node:crypto';

export interface SigningCredentials {
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
}

export interface SigningExtra {
  /** Extra protocol parameters (oauth_callback, oauth_verifier); oauth_nonce/oauth_timestamp here replace the fresh ones. */
  oauthParams?: Record<string, string>;
  /** Fields of an application/x-www-form-urlencoded body, which take part in the signature. */
  formParams?: Record<string, string>;
}

/** RFC 3986 §2.3: everything but unreserved characters becomes %XX of its UTF-8 bytes, upper-case hex. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** RFC 5849 §3.4.1.3.1: a query string is read as application/x-www-form-urlencoded. */
function formPairs(query: string): Array<[string, string]> {
  const decode = (s: string) => {
    const spaced = s.replace(/\+/g, ' ');
    try {
      return decodeURIComponent(spaced);
    } catch {
      return spaced;
    }
  };
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
    });
}

/** RFC 5849 §3.4.1.2: lower-case scheme and host, default port dropped, no query or fragment. */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const defaultPort =
    url.port === '' || (scheme === 'http' && url.port === '80') || (scheme === 'https' && url.port === '443');
  return `${scheme}://${url.hostname.toLowerCase()}${defaultPort ? '' : `:${url.port}`}${url.pathname}`;
}

/** RFC 5849 §3.4.1: METHOD & encoded base URI & encoded, sorted parameter string. */
export function signatureBaseString(method: string, url: URL, params: Array<[string, string]>): string {
  const normalized = params
    .filter(([name]) => name !== 'oauth_signature')
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an === bn ? compare(av, bv) : compare(an, bn)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return `${method.toUpperCase()}&${percentEncode(baseStringUri(url))}&${percentEncode(normalized)}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function hmacSha1(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`)
    .update(baseString)
    .digest('base64');
}

/**
 * The `Authorization: OAuth ...` header for one request, with a fresh nonce and timestamp.
 * Query parameters of `url`, the oauth_* parameters and `formParams` are signed; JSON and
 * binary bodies are not (RFC 5849 §3.4.1.3.1).
 */
export function authorizationHeader(
  method: string,
  url: string,
  creds: SigningCredentials,
  extra: SigningExtra = {},
): string {
  const target = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: creds.consumerKey,
    oauth_nonce: randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
    ...(creds.token ? { oauth_token: creds.token } : {}),
    ...extra.oauthParams,
  };
  const params: Array<[string, string]> = [
    ...formPairs(target.search.slice(1)),
    ...Object.entries(extra.formParams ?? {}),
    ...Object.entries(oauth),
  ];
  const signature = hmacSha1(
    signatureBaseString(method, target, params),
    creds.consumerSecret,
    creds.tokenSecret,
  );
  const fields = Object.entries({ ...oauth, oauth_signature: signature })
    .map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`)
    .join(', ');
  return `OAuth ${fields}`;
}
