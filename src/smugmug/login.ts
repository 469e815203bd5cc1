// Signing in with the OAuth 1.0a PIN flow (API-NOTES §1.1): a request token, a page where the
// person allows Safelight and is shown a six-digit code, and that code exchanged for an access token.
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from './retry.ts';
import { DEFAULT_USER_AGENT, Transport } from './transport.ts';
import { type ConsumerCredentials, type Endpoints, SmugMugError } from './types.ts';

export interface LoginOptions {
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  timeoutMs?: number;
}

export interface TokenPair {
  token: string;
  tokenSecret: string;
}

/** Starts a sign-in: the token to keep, and the page the person must open to allow Safelight. */
export async function getRequestToken(
  endpoints: Endpoints,
  consumer: ConsumerCredentials,
  callback = 'oob',
  options: LoginOptions = {},
): Promise<TokenPair & { authorizeUrl: string }> {
  const pair = await tokenRequest(
    endpoints,
    consumer,
    'getRequestToken',
    { oauth_callback: callback },
    'asking SmugMug to start a sign-in',
    options,
  );
  const authorize = new URL(`${endpoints.oauthBaseUrl}/authorize`);
  authorize.searchParams.set('oauth_token', pair.token);
  // An uploader that makes folders and albums needs full access with Modify (API-NOTES §1.1).
  authorize.searchParams.set('Access', 'Full');
  authorize.searchParams.set('Permissions', 'Modify');
  return { ...pair, authorizeUrl: authorize.toString() };
}

/** Finishes a sign-in: the code the person was shown, exchanged for a lasting access token. */
export function getAccessToken(
  endpoints: Endpoints,
  consumer: ConsumerCredentials,
  requestToken: TokenPair,
  verifier: string,
  options: LoginOptions = {},
): Promise<TokenPair> {
  return tokenRequest(
    endpoints,
    consumer,
    'getAccessToken',
    { oauth_verifier: verifier.trim() },
    'finishing the SmugMug sign-in',
    options,
    requestToken,
  );
}

async function tokenRequest(
  endpoints: Endpoints,
  consumer: ConsumerCredentials,
  step: 'getRequestToken' | 'getAccessToken',
  oauthParams: Record<string, string>,
  doing: string,
  options: LoginOptions,
  token?: TokenPair,
): Promise<TokenPair> {
  const transport = new Transport({
    credentials: { ...consumer, ...(token ? { token: token.token, tokenSecret: token.tokenSecret } : {}) },
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    requestTimeoutMs: options.timeoutMs ?? 30_000,
    uploadIdleMs: options.timeoutMs ?? 30_000,
  });
  const policy = { ...DEFAULT_RETRY_POLICY, retries: 2, ...options.retry };
  return withRetries(async () => {
    const reply = await transport.send({
      method: 'POST',
      url: `${endpoints.oauthBaseUrl}/${step}`,
      doing,
      oauthParams,
    });
    if (reply.status !== 200) throw transport.failure(reply, doing);
    // Token endpoints answer with a form-encoded body, not JSON.
    const fields = new URLSearchParams(reply.text.trim());
    const value = fields.get('oauth_token');
    const secret = fields.get('oauth_token_secret');
    if (!value || !secret) {
      throw new SmugMugError('bad-response', `SmugMug's answer to ${doing} has no token in it`);
    }
    return { token: value, tokenSecret: secret };
  }, policy);
}
