// A local SmugMug API v2 service for tests, benchmarks and the demo: the main API and OAuth on
// one port, the uploader on another, both bound to 127.0.0.1 only.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, type ApiResult, render } from './api.ts';
import { authenticate, rateKeyOf } from './auth.ts';
import type { Caller, Exchange, Limits, SandboxContext, Stats } from './context.ts';
import { dumpAccount } from './dump.ts';
import { errorBody, type Shaping, shapingFrom, statusMessage } from './envelope.ts';
import { type FaultConfig, Faults, type ForcedFault, parseFaultSpec } from './faults.ts';
import { BodyError, isLoopback, readBody, sendJson, sendText } from './http-util.ts';
import { randomSecret } from './keys.ts';
import type { Transforms } from './media-rules.ts';
import { OAuthFlow } from './oauth-flow.ts';
import { decodeForm } from './oauth-verify.ts';
import { type RateLimitConfig, RateLimiter } from './rate-limit.ts';
import { AccountState } from './state.ts';
import { Uploader } from './uploader.ts';

export interface SandboxOptions {
  /** Port for the main API and OAuth; 0 picks a free one. */
  port?: number;
  /** Port for the uploader; 0 picks a free one. */
  uploadPort?: number;
  /** Keep the account (database and uploaded files) here across restarts; in memory without. */
  stateDir?: string;
  faults?: Partial<FaultConfig> | string;
  rateLimit?: Partial<RateLimitConfig>;
  limits?: Partial<Limits>;
  transforms?: Partial<Transforms>;
  sourcePlan?: boolean;
  rejectDuplicateNames?: boolean;
  nickname?: string;
  /** Clock in seconds since the epoch; tests move it to expire tokens and end processing. */
  now?: () => number;
}

export interface SandboxInfo {
  apiBaseUrl: string;
  uploadUrl: string;
  oauthBaseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
  nickname: string;
}

export interface Sandbox extends SandboxInfo {
  info: SandboxInfo;
  /** Origin of the main server, for /__sandbox/ routes. */
  origin: string;
  setFaults(faults: Partial<FaultConfig> | string): void;
  forceFault(kind: ForcedFault, times?: number): void;
  setRateLimit(config: Partial<RateLimitConfig>): void;
  setTransforms(transforms: Partial<Transforms>): void;
  stats(): Stats;
  dump(): ReturnType<typeof dumpAccount>;
  close(): Promise<void>;
}

const defaultLimits: Limits = {
  albumImages: 5000,
  photoBytes: 500 * 1024 * 1024,
  videoBytes: 3 * 1024 * 1024 * 1024,
  minVideoBytes: 0,
  maxPageCount: 1000,
  folderDepth: 5,
  bodyIdleMs: 30_000,
  timestampSkewSeconds: 300,
};

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Credentials of the pre-made account survive restarts with --state. */
function ensureAccount(state: AccountState, nickname: string, now: number) {
  let consumerKey = state.getMeta('consumerKey');
  if (!consumerKey) {
    consumerKey = `sbx-${randomSecret().slice(0, 20)}`;
    state.transaction(() => {
      state.setMeta('consumerKey', consumerKey as string);
      state.setMeta('consumerSecret', randomSecret());
      state.setMeta('nickname', nickname);
      const owner = state.issueToken(
        'access',
        consumerKey as string,
        { callback: null, access: 'Full', permissions: 'Modify' },
        now,
      );
      state.setMeta('accessToken', owner.token);
      state.insertNode(
        {
          parent_id: null,
          type: 'Folder',
          name: '',
          url_name: '',
          description: '',
          keywords: '',
          privacy: 'Public',
          sort_method: 'SortIndex',
          sort_direction: 'Ascending',
        },
        now,
      );
    });
  }
  const accessToken = state.getMeta('accessToken') as string;
  return {
    consumerKey,
    consumerSecret: state.getMeta('consumerSecret') as string,
    nickname: state.getMeta('nickname') as string,
    accessToken,
    accessTokenSecret: state.token(accessToken)?.secret as string,
  };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  // A bad fault spec must fail before anything is listening or written to disk.
  const faults = new Faults();
  const applyFaults = (f: Partial<FaultConfig> | string) =>
    faults.set(typeof f === 'string' ? parseFaultSpec(f) : f);
  if (options.faults) applyFaults(options.faults);
  const ephemeral = options.stateDir === undefined ? mkdtempSync(join(tmpdir(), 'safelight-sandbox-')) : null;
  const dir = options.stateDir ?? (ephemeral as string);
  const blobDir = join(dir, 'blobs');
  mkdirSync(blobDir, { recursive: true });
  const state = new AccountState(ephemeral ? ':memory:' : join(dir, 'sandbox.db'));
  const account = ensureAccount(state, options.nickname ?? 'safelight-sandbox', now());

  const apiServer = createServer();
  const uploadServer = createServer();
  let apiPort: number;
  let uploadPort: number;
  try {
    apiPort = await listen(apiServer, options.port ?? 0);
    uploadPort = await listen(uploadServer, options.uploadPort ?? 0);
  } catch (e) {
    // A port in use must not leave the other server listening and the process alive.
    await Promise.all([closeServer(apiServer), closeServer(uploadServer)]);
    state.close();
    if (ephemeral) rmSync(ephemeral, { recursive: true, force: true });
    throw e;
  }
  const origin = `http://127.0.0.1:${apiPort}`;

  const nonces = new Map<string, number>();
  const stats: Stats = {
    requests: 0,
    uploadsAccepted: 0,
    uploadsReplaced: 0,
    uploadsFailed: 0,
    byStatus: {},
  };
  const ctx: SandboxContext = {
    state,
    site: {
      nickname: account.nickname,
      displayName: 'Safelight Sandbox',
      webBase: `${origin}/site/${account.nickname}`,
      photoBase: origin,
      now,
    },
    consumerKey: account.consumerKey,
    consumerSecret: account.consumerSecret,
    faults,
    rate: new RateLimiter({ limit: 100_000, windowSeconds: 3600, ...options.rateLimit }, () => now() * 1000),
    limits: { ...defaultLimits, ...options.limits },
    transforms: { heic: 'jpg', video: true, processingSeconds: 5, ...options.transforms },
    sourcePlan: options.sourcePlan ?? false,
    rejectDuplicateNames: options.rejectDuplicateNames ?? false,
    blobDir,
    stats,
    seenNonce(key, timestamp, remember = true) {
      // Nonces only need remembering while their timestamp would still be accepted.
      if (nonces.size > 50_000) {
        const horizon = now() - ctx.limits.timestampSkewSeconds;
        for (const [k, ts] of nonces) if (ts < horizon) nonces.delete(k);
      }
      if (nonces.has(key)) return true;
      if (remember) nonces.set(key, timestamp);
      return false;
    },
    now,
  };
  const api = new Api(ctx);
  const uploader = new Uploader(ctx);
  const oauth = new OAuthFlow(ctx);

  const count = (res: ServerResponse) => {
    res.once('finish', () => {
      const key = String(res.statusCode);
      stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, role: 'api' | 'upload'): Promise<void> {
    const url = new URL(
      req.url ?? '/',
      `http://${req.headers.host ?? `127.0.0.1:${role === 'api' ? apiPort : uploadPort}`}`,
    );
    if (role === 'api' && url.pathname.startsWith('/__sandbox/')) return control(req, res, url);
    stats.requests++;
    count(res);
    const decision = ctx.rate.take(rateKeyOf(req.headers.authorization, url));
    const rateHeaders = {
      'X-RateLimit-Remaining': String(decision.remaining),
      'X-RateLimit-Reset': String(decision.reset),
    };
    const ex: Exchange = { req, res, url, rateHeaders };
    const delay = faults.delayMs();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const refuse = (status: number, extra: Record<string, string> = {}) => {
      const closing: Record<string, string> =
        req.method !== 'GET' && req.method !== 'HEAD' ? { Connection: 'close' } : {};
      sendJson(res, status, errorBody(status, null), { ...rateHeaders, ...extra, ...closing });
    };
    if (!decision.allowed) return refuse(429, { 'Retry-After': String(decision.retryAfter) });
    const injected = faults.before();
    if (injected) {
      return refuse(
        injected.status,
        injected.retryAfter ? { 'Retry-After': String(injected.retryAfter) } : {},
      );
    }

    const oauthStep = /^\/services\/oauth\/1\.0a\/(getRequestToken|authorize|getAccessToken)$/.exec(
      url.pathname,
    );
    if (oauthStep) return oauth.handle(ex, oauthStep[1] ?? '');
    if (role === 'upload') {
      const contentType = req.headers['content-type'] ?? '';
      const auth = contentType.startsWith('application/x-www-form-urlencoded')
        ? null
        : authenticate(ctx, {
            method: req.method ?? 'POST',
            url,
            authorization: req.headers.authorization,
            formParams: [],
            headerOnly: true,
            tokenKind: 'access',
          });
      if (!auth?.ok) {
        // The real uploader says little more than 401 when the signature is wrong.
        const message = auth && !auth.ok ? auth.failure.message : 'oauth_problem=signature_invalid';
        sendJson(res, 401, { Code: 401, Message: message }, { ...rateHeaders, Connection: 'close' });
        return;
      }
      return uploader.handle(ex, auth.caller);
    }
    if (
      url.pathname === '/api/v2' ||
      url.pathname.startsWith('/api/v2/') ||
      url.pathname.startsWith('/api/v2!')
    ) {
      return apiRequest(ex);
    }
    if (url.pathname.startsWith('/site/') || url.pathname.startsWith('/photos/')) {
      sendText(
        res,
        200,
        'text/html; charset=utf-8',
        '<!doctype html><title>SmugMug sandbox</title><p>This is the Safelight sandbox, not a real SmugMug site.</p>',
        rateHeaders,
      );
      return;
    }
    sendJson(res, 404, errorBody(404, { uri: url.pathname }), rateHeaders);
  }

  async function apiRequest(ex: Exchange): Promise<void> {
    const { req, res, url } = ex;
    let method = (req.method ?? 'GET').toUpperCase();
    const override = url.searchParams.get('_method')?.toUpperCase();
    if (override && method === 'POST' && (override === 'PATCH' || override === 'DELETE')) method = override;
    const shaping = shapingFrom(url.searchParams);
    const endpoint = { uri: url.pathname + url.search };
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}) =>
      sendJson(res, status, body, { ...ex.rateHeaders, ...extra }, shaping.pretty);

    let raw: Buffer = Buffer.alloc(0);
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      try {
        raw = await readBody(req, 1024 * 1024, ctx.limits.bodyIdleMs);
      } catch (e) {
        if (e instanceof BodyError && e.kind !== 'aborted') {
          reply(e.kind === 'too-large' ? 413 : 400, errorBody(e.kind === 'too-large' ? 413 : 400, endpoint), {
            Connection: 'close',
          });
          res.once('finish', () => req.destroy());
        }
        return;
      }
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    let body: Record<string, unknown> = {};
    let formParams: Array<[string, string]> = [];
    if (raw.length > 0) {
      if (contentType === 'application/x-www-form-urlencoded') {
        formParams = decodeForm(raw.toString('utf8'));
        body = Object.fromEntries(formParams);
      } else if (contentType === 'application/json' || contentType === '') {
        try {
          const parsed: unknown = JSON.parse(raw.toString('utf8'));
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
          body = parsed as Record<string, unknown>;
        } catch {
          return reply(400, errorBody(400, endpoint));
        }
      } else {
        return reply(415, errorBody(415, endpoint, 'Unsupported Media Type'));
      }
    }
    const auth = authenticate(ctx, {
      method: req.method ?? 'GET',
      url,
      authorization: req.headers.authorization,
      formParams,
      headerOnly: false,
      tokenKind: 'access',
    });
    if (!auth.ok) return reply(401, { Code: 401, Message: auth.failure.message });
    const apiQuery = new URLSearchParams(
      [...url.searchParams].filter(([k]) => !k.startsWith('oauth_') && k !== 'APIKey' && k !== '_method'),
    );
    const result = api.handle(auth.caller, { method, path: url.pathname, query: apiQuery, body });
    if (result.kind === 'redirect') {
      const location = result.location;
      const payload = errorBody(301, { uri: location }, statusMessage(301));
      return reply(301, payload, { Location: location });
    }
    const willWrite = method !== 'GET' && method !== 'OPTIONS' && result.status < 300;
    const rendered = render(result, shaping, method, (uri) => expand(auth.caller, uri, shaping));
    if (willWrite && faults.timeoutAfterCommit()) {
      sendText(
        res,
        504,
        'text/html',
        '<html><head><title>504 Gateway Time-out</title></head><body><h1>504 Gateway Time-out</h1></body></html>',
        ex.rateHeaders,
      );
      return;
    }
    reply(result.status, rendered);
  }

  function expand(caller: Caller, uri: string, outer: Shaping): Record<string, unknown> | null {
    const target = new URL(uri, origin);
    const result: ApiResult = api.handle(caller, {
      method: 'GET',
      path: target.pathname,
      query: target.searchParams,
      body: {},
    });
    if (result.kind !== 'data' || result.payload === undefined) return null;
    // Expanded objects have the Uris form of the request they came with (full objects unless
    // _verbosity=1 or _shorturis), and no Timing, as in the recorded expansions.
    const inner = render(
      result,
      { ...shapingFrom(new URLSearchParams()), verbosity: outer.verbosity, shortUris: outer.shortUris },
      'GET',
      () => null,
    );
    const { Timing: _timing, ...response } = inner.Response as Record<string, unknown>;
    return response;
  }

  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'loopback only' });
    if (url.pathname === '/__sandbox/dump' && req.method === 'GET') {
      return sendJson(res, 200, dumpAccount(ctx), {}, url.searchParams.has('_pretty'));
    }
    if (url.pathname === '/__sandbox/stats' && req.method === 'GET') return sendJson(res, 200, stats);
    if (url.pathname === '/__sandbox/faults') {
      if (req.method === 'GET') return sendJson(res, 200, faults.current);
      if (req.method === 'POST') {
        try {
          const raw = (await readBody(req, 64 * 1024, 5000)).toString('utf8');
          const parsed = JSON.parse(raw) as {
            spec?: string;
            force?: ForcedFault;
            times?: number;
          } & Partial<FaultConfig>;
          if (parsed.force) faults.force(parsed.force, parsed.times ?? 1);
          else applyFaults(typeof parsed.spec === 'string' ? parsed.spec : parsed);
          return sendJson(res, 200, faults.current);
        } catch (e) {
          return sendJson(res, 400, { error: e instanceof Error ? e.message : String(e) });
        }
      }
    }
    sendJson(res, 404, { error: `no sandbox control at ${url.pathname}` });
  }

  const serve = (role: 'api' | 'upload') => (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, role).catch((e: unknown) => {
      // Never crash on bad input: answer like the service would on an internal error.
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, errorBody(500, null));
      else res.destroy();
      if (process.env.SAFELIGHT_SANDBOX_DEBUG) console.error(e);
    });
  };
  apiServer.on('request', serve('api'));
  uploadServer.on('request', serve('upload'));
  for (const server of [apiServer, uploadServer]) {
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  const info: SandboxInfo = {
    apiBaseUrl: `${origin}/api/v2`,
    uploadUrl: `http://127.0.0.1:${uploadPort}/`,
    oauthBaseUrl: `${origin}/services/oauth/1.0a`,
    consumerKey: account.consumerKey,
    consumerSecret: account.consumerSecret,
    accessToken: account.accessToken,
    accessTokenSecret: account.accessTokenSecret,
    nickname: account.nickname,
  };
  let closed = false;
  return {
    ...info,
    info,
    origin,
    setFaults: applyFaults,
    forceFault: (kind, times) => faults.force(kind, times),
    setRateLimit: (config) => {
      ctx.rate.config = { ...ctx.rate.config, ...config };
    },
    setTransforms: (t) => {
      ctx.transforms = { ...ctx.transforms, ...t };
    },
    stats: () => structuredClone(stats),
    dump: () => dumpAccount(ctx),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([closeServer(apiServer), closeServer(uploadServer)]);
      state.close();
      if (ephemeral) rmSync(ephemeral, { recursive: true, force: true });
    },
  };
}
