// Checks the OAuth 1.0a signature of every request and decides who is calling.
import type { Caller, Permission, SandboxContext } from './context.ts';
import {
  collectParameters,
  hmacSha1Signature,
  parseAuthorizationHeader,
  safeEqual,
  signatureBaseString,
} from './oauth-verify.ts';
import type { TokenRow } from './state.ts';

export interface AuthFailure {
  status: 401;
  message: string;
}

export type AuthResult =
  | { ok: true; caller: Caller; token: TokenRow | null; oauth: Map<string, string> }
  | {
      ok: false;
      failure: AuthFailure;
    };

const fail = (message: string): AuthResult => ({ ok: false, failure: { status: 401, message } });

export interface AuthInput {
  method: string;
  url: URL;
  authorization: string | undefined;
  formParams: Array<[string, string]>;
  headerOnly: boolean;
  /** 'access' for API calls; 'request' for getAccessToken; 'none' for getRequestToken. */
  tokenKind: 'access' | 'request' | 'none';
}

/** A quick key for rate limiting, read before the signature is checked. */
export function rateKeyOf(authorization: string | undefined, url: URL): string {
  const pairs = parseAuthorizationHeader(authorization);
  if (pairs) {
    const map = new Map(pairs);
    return `${map.get('oauth_consumer_key') ?? '-'}/${map.get('oauth_token') ?? '-'}`;
  }
  return `${url.searchParams.get('oauth_consumer_key') ?? url.searchParams.get('APIKey') ?? 'anonymous'}/-`;
}

export function authenticate(ctx: SandboxContext, input: AuthInput): AuthResult {
  const hasOAuth =
    input.authorization?.trim().toLowerCase().startsWith('oauth ') ||
    (!input.headerOnly &&
      (input.url.searchParams.has('oauth_consumer_key') ||
        input.formParams.some(([n]) => n === 'oauth_consumer_key')));
  if (!hasOAuth) {
    const apiKey = input.url.searchParams.get('APIKey');
    if (input.tokenKind === 'access' && !input.headerOnly && apiKey !== null) {
      if (apiKey !== ctx.consumerKey) {
        return fail(
          'API key lacks v2 access; please accept the terms of service at https://api.smugmug.com/api/developer/accept',
        );
      }
      return {
        ok: true,
        caller: { level: 'Public', permissions: 'Read', rateKey: `${apiKey}/-` },
        token: null,
        oauth: new Map(),
      };
    }
    return fail('oauth_problem=parameter_absent');
  }
  const collected = collectParameters(input);
  if ('problem' in collected) return fail(`oauth_problem=${collected.problem}`);
  const { oauth } = collected;
  for (const required of [
    'oauth_consumer_key',
    'oauth_signature_method',
    'oauth_signature',
    'oauth_timestamp',
    'oauth_nonce',
  ]) {
    if (!oauth.get(required))
      return fail(`oauth_problem=parameter_absent&oauth_parameters_absent=${required}`);
  }
  const version = oauth.get('oauth_version');
  if (version !== undefined && version !== '1.0') return fail('oauth_problem=version_rejected');
  if (oauth.get('oauth_consumer_key') !== ctx.consumerKey) return fail('oauth_problem=consumer_key_unknown');
  const method = oauth.get('oauth_signature_method');
  // PLAINTEXT is only allowed over https, and the sandbox speaks plain http on loopback.
  if (method !== 'HMAC-SHA1') return fail('oauth_problem=signature_method_rejected');
  const timestamp = Number(oauth.get('oauth_timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(ctx.now() - timestamp) > ctx.limits.timestampSkewSeconds) {
    return fail('oauth_problem=timestamp_refused');
  }

  let token: TokenRow | null = null;
  const tokenValue = oauth.get('oauth_token');
  if (input.tokenKind !== 'none') {
    if (!tokenValue) return fail('oauth_problem=parameter_absent&oauth_parameters_absent=oauth_token');
    const row = ctx.state.token(tokenValue);
    if (!row || row.kind !== input.tokenKind || row.consumer_key !== ctx.consumerKey) {
      return fail('oauth_problem=token_rejected');
    }
    token = row;
  }

  // A used nonce is refused before the signature is looked at: a client that re-sends its
  // Authorization header to a redirect target gets nonce_used (phpSmug #68), not signature_invalid.
  const nonceKey = `${ctx.consumerKey}|${tokenValue ?? ''}|${oauth.get('oauth_nonce')}`;
  if (ctx.seenNonce(nonceKey, timestamp, false)) return fail('oauth_problem=nonce_used');

  const base = signatureBaseString(input.method, input.url, collected.all);
  const expected = hmacSha1Signature(base, ctx.consumerSecret, token?.secret ?? '');
  if (!safeEqual(expected, oauth.get('oauth_signature') ?? ''))
    return fail('oauth_problem=signature_invalid');

  // A nonce counts only once the signature is good, so a forged request cannot burn one.
  if (ctx.seenNonce(nonceKey, timestamp)) return fail('oauth_problem=nonce_used');

  const permissions = (token?.permissions ?? 'Read') as Permission;
  const level = token?.access === 'Full' ? 'Full' : 'Public';
  return {
    ok: true,
    caller: { level, permissions, rateKey: `${ctx.consumerKey}/${tokenValue ?? '-'}` },
    token,
    oauth,
  };
}
