// The three OAuth 1.0a endpoints and the authorize page a person completes with one click.
import { authenticate } from './auth.ts';
import type { Exchange, SandboxContext } from './context.ts';
import { readBody, sendText } from './http-util.ts';
import { randomDigits } from './keys.ts';
import { decodeForm } from './oauth-verify.ts';

const REQUEST_TOKEN_TTL_SECONDS = 5 * 60;
const ACCESS = new Set(['Full', 'Public']);
const PERMISSIONS = new Set(['Read', 'Add', 'Modify']);

function formReply(ex: Exchange, status: number, fields: Record<string, string>): void {
  const body = Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  sendText(ex.res, status, 'application/x-www-form-urlencoded', body, ex.rateHeaders);
}

function problem(ex: Exchange, status: number, text: string): void {
  sendText(ex.res, status, 'text/plain; charset=utf-8', text, ex.rateHeaders);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class OAuthFlow {
  private readonly ctx: SandboxContext;

  constructor(ctx: SandboxContext) {
    this.ctx = ctx;
  }

  async handle(ex: Exchange, step: string): Promise<void> {
    const isForm = (ex.req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const body =
      ex.req.method === 'POST'
        ? await readBody(ex.req, 64 * 1024, this.ctx.limits.bodyIdleMs)
        : Buffer.alloc(0);
    const formParams = isForm ? decodeForm(body.toString('utf8')) : [];
    if (step === 'getRequestToken') return this.requestToken(ex, formParams);
    if (step === 'getAccessToken') return this.accessToken(ex, formParams);
    if (step === 'authorize') return this.authorize(ex, formParams);
    problem(ex, 404, 'oauth_problem=unknown_endpoint');
  }

  /** The token endpoints take OAuth parameters from the header, the query or a form body. */
  private verify(ex: Exchange, formParams: Array<[string, string]>, tokenKind: 'none' | 'request') {
    return authenticate(this.ctx, {
      method: ex.req.method ?? 'GET',
      url: ex.url,
      authorization: ex.req.headers.authorization,
      formParams,
      headerOnly: false,
      tokenKind,
    });
  }

  private requestToken(ex: Exchange, formParams: Array<[string, string]>) {
    const auth = this.verify(ex, formParams, 'none');
    if (!auth.ok) return problem(ex, 401, auth.failure.message);
    const callback = auth.oauth.get('oauth_callback');
    if (!callback)
      return problem(ex, 400, 'oauth_problem=parameter_absent&oauth_parameters_absent=oauth_callback');
    if (callback !== 'oob' && !/^https?:\/\//.test(callback))
      return problem(ex, 400, 'oauth_problem=parameter_rejected');
    const issued = this.ctx.state.issueToken(
      'request',
      this.ctx.consumerKey,
      { callback, access: 'Public', permissions: 'Read' },
      this.ctx.now(),
    );
    formReply(ex, 200, {
      oauth_token: issued.token,
      oauth_token_secret: issued.secret,
      oauth_callback_confirmed: 'true',
    });
  }

  private authorize(ex: Exchange, formParams: Array<[string, string]>): void {
    const params = ex.req.method === 'POST' ? new URLSearchParams(formParams) : ex.url.searchParams;
    const tokenValue = params.get('oauth_token') ?? '';
    const row = this.ctx.state.token(tokenValue);
    const expired = row && this.ctx.now() - row.created > REQUEST_TOKEN_TTL_SECONDS;
    if (row?.kind !== 'request' || row.used || expired) {
      sendText(
        ex.res,
        400,
        'text/html; charset=utf-8',
        page('This sign-in link has expired', '<p>Start the sign-in again from your app.</p>'),
        ex.rateHeaders,
      );
      return;
    }
    const access = params.get('Access') ?? 'Public';
    const permissions = params.get('Permissions') ?? 'Read';
    if (!ACCESS.has(access) || !PERMISSIONS.has(permissions)) {
      sendText(
        ex.res,
        400,
        'text/html; charset=utf-8',
        page('Bad request', '<p>Unknown Access or Permissions value.</p>'),
        ex.rateHeaders,
      );
      return;
    }
    if (ex.req.method !== 'POST') {
      const hidden = [
        ['oauth_token', tokenValue],
        ['Access', access],
        ['Permissions', permissions],
      ]
        .map(([n, v]) => `<input type="hidden" name="${n}" value="${escapeHtml(v ?? '')}">`)
        .join('');
      const html = page(
        'Authorize Safelight',
        `<p>An application wants <b>${escapeHtml(access)}</b> access with <b>${escapeHtml(permissions)}</b> permission to the SmugMug account <b>${escapeHtml(this.ctx.site.nickname)}</b> (sandbox).</p>
         <form method="post" action="/services/oauth/1.0a/authorize">${hidden}<button type="submit" id="authorize">Authorize</button></form>`,
      );
      sendText(ex.res, 200, 'text/html; charset=utf-8', html, ex.rateHeaders);
      return;
    }
    const verifier = randomDigits(6);
    this.ctx.state.updateToken(tokenValue, { verifier, access, permissions });
    if (row.callback && row.callback !== 'oob') {
      const target = new URL(row.callback);
      target.searchParams.set('oauth_token', tokenValue);
      target.searchParams.set('oauth_verifier', verifier);
      ex.res.writeHead(302, { Location: target.toString(), ...ex.rateHeaders });
      ex.res.end();
      return;
    }
    sendText(
      ex.res,
      200,
      'text/html; charset=utf-8',
      page('Authorized', `<p>Enter this code in your app:</p><p id="verifier" class="code">${verifier}</p>`),
      ex.rateHeaders,
    );
  }

  private accessToken(ex: Exchange, formParams: Array<[string, string]>) {
    const auth = this.verify(ex, formParams, 'request');
    if (!auth.ok) return problem(ex, 401, auth.failure.message);
    const row = auth.token;
    if (!row || row.used || this.ctx.now() - row.created > REQUEST_TOKEN_TTL_SECONDS) {
      return problem(ex, 401, 'oauth_problem=token_expired');
    }
    if (!row.verifier || auth.oauth.get('oauth_verifier') !== row.verifier) {
      return problem(ex, 401, 'oauth_problem=verifier_invalid');
    }
    // Request tokens are single-use.
    this.ctx.state.updateToken(row.token, { used: 1 });
    const access = this.ctx.state.issueToken(
      'access',
      this.ctx.consumerKey,
      { callback: null, access: row.access, permissions: row.permissions },
      this.ctx.now(),
    );
    formReply(ex, 200, { oauth_token: access.token, oauth_token_secret: access.secret });
  }
}

function page(title: string, content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}
button{font:inherit;padding:.6rem 1.4rem;border-radius:.4rem;border:0;background:#6db33f;color:#fff;cursor:pointer}
.code{font:700 2rem ui-monospace,monospace;letter-spacing:.3rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${content}</body></html>`;
}
