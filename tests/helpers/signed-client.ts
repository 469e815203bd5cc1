// A signing HTTP client for tests, built on the oauth-1.0a package: a third OAuth
// implementation, independent of both the sandbox's verifier and Safelight's own client.
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { SandboxInfo } from '../../src/sandbox/server.ts';

export interface SignedResponse {
  status: number;
  headers: Headers;
  text: string;
  json: () => any;
}

export interface RequestOptions {
  method?: string;
  /** JSON body (not signed) or form fields (signed). */
  json?: unknown;
  form?: Record<string, string>;
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  token?: { key: string; secret: string } | null;
  /** Extra oauth_* parameters such as oauth_callback or oauth_verifier. */
  oauthExtra?: Record<string, string>;
  /** Reuse these exact OAuth parameters (to replay a nonce). */
  fixed?: { nonce: string; timestamp: number };
}

export function makeOAuth(consumerKey: string, consumerSecret: string): OAuth {
  return new OAuth({
    consumer: { key: consumerKey, secret: consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
}

export class SignedClient {
  readonly info: SandboxInfo;
  private readonly oauth: OAuth;

  constructor(info: SandboxInfo) {
    this.info = info;
    this.oauth = makeOAuth(info.consumerKey, info.consumerSecret);
  }

  /** Absolute URL for a path on the API origin (`/api/v2/...`). */
  url(path: string): string {
    return path.startsWith('http') ? path : `${new URL(this.info.apiBaseUrl).origin}${path}`;
  }

  authorization(method: string, url: string, opts: RequestOptions = {}): string {
    const token =
      opts.token === undefined
        ? { key: this.info.accessToken, secret: this.info.accessTokenSecret }
        : opts.token;
    const data: Record<string, string> = { ...(opts.form ?? {}), ...(opts.oauthExtra ?? {}) };
    const request = { url, method, data };
    const authorized = opts.fixed
      ? {
          ...this.oauth.authorize(request, token ?? undefined),
          oauth_nonce: opts.fixed.nonce,
          oauth_timestamp: opts.fixed.timestamp,
        }
      : this.oauth.authorize(request, token ?? undefined);
    if (opts.fixed) {
      const { oauth_signature: _ignored, ...params } = authorized as unknown as Record<string, string>;
      const signature = this.oauth.getSignature(
        request,
        token?.secret,
        params as unknown as OAuth.Authorization,
      );
      (authorized as unknown as Record<string, string>).oauth_signature = signature;
    }
    return this.oauth.toHeader(authorized).Authorization;
  }

  async request(path: string, opts: RequestOptions = {}): Promise<SignedResponse> {
    const method = opts.method ?? 'GET';
    const url = this.url(path);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: this.authorization(method, url, opts),
      ...(opts.headers ?? {}),
    };
    let body: string | Uint8Array | undefined;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.body !== undefined) {
      body = opts.body;
    }
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }

  /** Raw upload to the uploader, OAuth in the Authorization header only. */
  async upload(
    bytes: Uint8Array,
    headers: Record<string, string>,
    opts: { path?: string; method?: string } = {},
  ): Promise<SignedResponse> {
    const method = opts.method ?? 'POST';
    const url = new URL(opts.path ?? '', this.info.uploadUrl).toString();
    const res = await fetch(url, {
      method,
      headers: {
        Authorization: this.authorization(method, url),
        'Content-Type': 'application/octet-stream',
        'X-Smug-ResponseType': 'JSON',
        'X-Smug-Version': 'v2',
        ...headers,
      },
      body: bytes,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }

  async rootNodeId(): Promise<string> {
    const res = await this.request('/api/v2!authuser');
    const nodeUri: string = res.json().Response.User.Uris.Node.Uri;
    return nodeUri.split('/').pop() as string;
  }

  async createNode(parentId: string, fields: Record<string, unknown>): Promise<SignedResponse> {
    return this.request(`/api/v2/node/${parentId}!children`, { method: 'POST', json: fields });
  }

  /** Creates an album under the parent and returns its node id and album key. */
  async createAlbum(parentId: string, name: string, extra: Record<string, unknown> = {}) {
    const res = await this.createNode(parentId, { Type: 'Album', Name: name, Privacy: 'Private', ...extra });
    if (res.status !== 201) throw new Error(`album "${name}" not created: ${res.status} ${res.text}`);
    const node = res.json().Response.Node;
    const albumKey = (node.Uris.Album.Uri as string).split('/').pop() as string;
    return { nodeId: node.NodeID as string, albumKey, albumUri: `/api/v2/album/${albumKey}` };
  }
}
