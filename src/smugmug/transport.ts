// One signed HTTP exchange with SmugMug through got: OAuth in the Authorization header, redirects
// followed by hand with a fresh signature (a re-sent nonce is refused, API-NOTES §1.2), and
// transport failures turned into SmugMugErrors. Retrying is the caller's business.
import type { IncomingHttpHeaders } from 'node:http';
import got, { type OptionsOfTextResponseBodyWrapped, type Response, TimeoutError } from 'got';
import { errorFromResponse, networkError } from './errors.ts';
import { authorizationHeader, type SigningCredentials } from './oauth.ts';
import { LocalFileError, type SmugMugError } from './types.ts';

export interface TransportOptions {
  credentials: SigningCredentials;
  userAgent: string;
  requestTimeoutMs: number;
  uploadIdleMs: number;
}

export interface SendOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  /** Says what was being done in error messages, e.g. "GET /api/v2/node/abc"; no credentials. */
  doing: string;
  json?: unknown;
  /** An application/x-www-form-urlencoded body; its fields are signed. */
  form?: Record<string, string>;
  oauthParams?: Record<string, string>;
  signal?: AbortSignal;
}

export interface StreamOptions {
  url: string;
  doing: string;
  headers: Record<string, string>;
  /** Sent piece by piece; the next piece is asked for once the socket has taken the last. */
  body: AsyncIterable<Uint8Array>;
  onUploadProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The URL that finally answered, after redirects. */
  url: string;
}

export const DEFAULT_USER_AGENT = 'Safelight/0.1 (+SmugMug backup)';

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 307, 308]);

export class Transport {
  private readonly options: TransportOptions;

  constructor(options: TransportOptions) {
    this.options = options;
  }

  /**
   * A main-API or OAuth request with a small body. A 301/302/307/308 to the same host is followed
   * (at most 5 hops) with a new signature; signed requests are never sent to another host.
   */
  async send(opts: SendOptions): Promise<Reply> {
    let url = opts.url;
    for (let hop = 0; ; hop++) {
      const reply = await this.exchange(url, opts);
      const location = reply.headers.location;
      if (!REDIRECTS.has(reply.status) || !location || hop >= MAX_REDIRECTS) return reply;
      // 301/302 may turn a write into a GET in other clients; only 307/308 keep method and body.
      if (opts.method !== 'GET' && reply.status !== 307 && reply.status !== 308) return reply;
      const target = new URL(location, url);
      if (target.hostname !== new URL(url).hostname) return reply;
      url = target.toString();
    }
  }

  /** An upload: the body is streamed once, never followed to a redirect, and may sit idle only so long. */
  async stream(opts: StreamOptions): Promise<Reply> {
    const request = got(opts.url, {
      ...common(
        'POST',
        {
          Accept: 'application/json',
          ...opts.headers,
          // Only the URL is signed: the body is binary and X-Smug-* headers are not signed (API-NOTES §1.3).
          Authorization: authorizationHeader('POST', opts.url, this.options.credentials),
          'User-Agent': this.options.userAgent,
        },
        opts.signal,
      ),
      body: opts.body,
      timeout: { socket: this.options.uploadIdleMs },
    });
    const progress = opts.onUploadProgress;
    if (progress) request.on('uploadProgress', (p) => progress(p.transferred));
    return this.settle(request, opts.url, opts.doing, opts.signal);
  }

  /** The error for a reply that is not a success, with anything secret taken out of the body. */
  failure(reply: Reply, doing: string): SmugMugError {
    return errorFromResponse(
      { status: reply.status, headers: reply.headers, text: this.scrub(reply.text) },
      doing,
    );
  }

  private async exchange(url: string, opts: SendOptions): Promise<Reply> {
    const { method } = opts;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent,
      Authorization: authorizationHeader(method, url, this.options.credentials, {
        ...(opts.oauthParams ? { oauthParams: opts.oauthParams } : {}),
        ...(opts.form ? { formParams: opts.form } : {}),
      }),
    };
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    }
    const request = got(url, {
      ...common(method, headers, opts.signal),
      ...(body === undefined ? {} : { body }),
      timeout: { request: this.options.requestTimeoutMs },
    });
    return this.settle(request, url, opts.doing, opts.signal);
  }

  private async settle(
    request: PromiseLike<Response<string>>,
    url: string,
    doing: string,
    signal: AbortSignal | undefined,
  ): Promise<Reply> {
    try {
      const response = await request;
      return {
        status: response.statusCode,
        headers: response.headers,
        text: response.body,
        url: response.url || url,
      };
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      const local = findLocal(e);
      if (local) throw local;
      const code = (e as { code?: string }).code;
      throw networkError(code, doing, e instanceof TimeoutError || code === 'ETIMEDOUT');
    }
  }

  private scrub(text: string): string {
    const { token, tokenSecret, consumerSecret } = this.options.credentials;
    let out = text;
    for (const secret of [token, tokenSecret, consumerSecret]) {
      if (secret) out = out.split(secret).join('[redacted]');
    }
    return out;
  }
}

/** got options every exchange shares: redirects, HTTP errors and retries are handled by the client. */
function common(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  headers: Record<string, string>,
  signal?: AbortSignal,
): OptionsOfTextResponseBodyWrapped {
  return {
    method,
    resolveBodyOnly: false,
    headers,
    followRedirect: false,
    throwHttpErrors: false,
    retry: { limit: 0 },
    responseType: 'text',
    ...(signal ? { signal } : {}),
  };
}

/** A LocalFileError somewhere in the cause chain of what got threw. */
function findLocal(error: unknown): LocalFileError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof LocalFileError) return current;
    current = current.cause;
  }
  return null;
}
