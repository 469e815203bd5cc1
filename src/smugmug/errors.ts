// Turns what SmugMug answered (or what the network did) into a SmugMugError a person can act on.
// Pure functions: no I/O, so every rule here is tested with plain values.
import { SmugMugError } from './types.ts';

export interface ResponseFacts {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function header(facts: ResponseFacts, name: string): string | undefined {
  const value = facts.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The Message of a JSON error body, or the plain-text body of the OAuth endpoints. */
export function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { Message?: unknown; message?: unknown };
    const message = body.Message ?? body.message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: the OAuth endpoints answer text/plain, edges answer HTML.
  }
  return /^oauth_problem=/.test(text.trim()) ? text.trim() : '';
}

/** How long a 429 asks us to wait: Retry-After, else until X-RateLimit-Reset, else unknown. */
export function retryAfterMs(facts: ResponseFacts, nowMs: number): number | undefined {
  const retryAfter = header(facts, 'retry-after');
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  const reset = Number(header(facts, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - nowMs);
  return undefined;
}

/** What a 401/403 means for the person, from SmugMug's oauth_problem or message. */
export function authAdvice(message: string): string {
  if (/not granted the required permissions/i.test(message)) {
    return 'the app has not been granted Modify permission; sign in again';
  }
  const problem = /oauth_problem=([a-z_]+)/i.exec(message)?.[1];
  switch (problem) {
    case 'token_rejected':
    case 'token_revoked':
    case 'token_expired':
      return 'the sign-in is no longer valid (it was revoked or has expired); sign in again';
    case 'signature_invalid':
      return 'the request signature was not accepted; check the app key and secret, then sign in again';
    case 'consumer_key_unknown':
    case 'consumer_key_rejected':
      return 'SmugMug does not recognise the app key';
    case 'timestamp_refused':
      return "this computer's clock is too far off; correct the date and time";
    case 'verifier_invalid':
      return 'the six-digit code was wrong or has expired; start the sign-in again';
    case 'parameter_absent':
      return 'the request was not signed; sign in again';
    case undefined:
      break;
    default:
      return `SmugMug said ${problem}; sign in again`;
  }
  if (/API key lacks v2 access/i.test(message)) return 'the app key is not enabled for API v2';
  return 'sign in again';
}

/**
 * The error for a main-API or OAuth response that is not a success. `doing` says what was being
 * done ("GET /api/v2/node/abc"); it never contains credentials.
 */
export function errorFromResponse(facts: ResponseFacts, doing: string, nowMs = Date.now()): SmugMugError {
  const { status } = facts;
  const message = serverMessage(facts.text);
  if (status === 429) {
    const wait = retryAfterMs(facts, nowMs);
    return new SmugMugError('rate-limit', `SmugMug asked us to slow down (429) during ${doing}`, {
      status,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    });
  }
  if (status === 401 && /nonce_used/.test(message)) {
    // The service saw this nonce before (a retried or redirected request); a fresh one fixes it.
    return new SmugMugError('auth', `SmugMug refused a reused nonce during ${doing}`, {
      status,
      transient: true,
    });
  }
  if (status === 401 || status === 403) {
    return new SmugMugError('auth', `SmugMug refused the sign-in during ${doing}: ${authAdvice(message)}`, {
      status,
    });
  }
  const said = message && message !== 'Error' ? ` (${message})` : '';
  if (status === 404)
    return new SmugMugError('not-found', `SmugMug has no such object: ${doing}${said}`, { status });
  if (status === 409) {
    return new SmugMugError('conflict', `SmugMug reported a conflict during ${doing}${said}`, { status });
  }
  if (status >= 500) {
    return new SmugMugError('server', `SmugMug had a server error (${status}) during ${doing}${said}`, {
      status,
    });
  }
  if (status >= 400) {
    return new SmugMugError('bad-request', `SmugMug rejected ${doing} (${status})${said}`, { status });
  }
  return new SmugMugError('bad-response', `SmugMug answered ${doing} with an unexpected status ${status}`, {
    status,
  });
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** A network failure as a SmugMugError; `code` is the system or got error code. */
export function networkError(code: string | undefined, doing: string, timedOut: boolean): SmugMugError {
  const cause = Object.assign(new Error(code ?? 'network error'), { code });
  if (timedOut) {
    return new SmugMugError('timeout', `SmugMug did not answer in time during ${doing}`, { cause });
  }
  const why = NOT_SENT.has(code ?? '') ? 'could not reach SmugMug' : 'the connection to SmugMug was lost';
  return new SmugMugError('network', `${doing}: ${why} (${code ?? 'unknown error'})`, { cause });
}

/**
 * Whether a failed write may have been applied anyway: a 5xx (a 504 often is), a timeout, or a
 * connection lost after the request went out. Such a write is verified before it is retried.
 */
export function mayHaveApplied(error: unknown): boolean {
  if (!(error instanceof SmugMugError)) return false;
  if (error.kind === 'server' || error.kind === 'timeout') return true;
  if (error.kind !== 'network') return false;
  const code = (error.cause as { code?: string } | undefined)?.code;
  return !NOT_SENT.has(code ?? '');
}

/** The uploader's stat:"fail" codes (API-NOTES §2.5) as errors naming the file. */
export function uploadFailure(
  code: number,
  message: string,
  fileName: string,
  albumUri: string,
): SmugMugError {
  const quoted = `"${fileName}"`;
  const said = message ? ` (${message})` : '';
  const make = (text: string, transient: boolean) =>
    new SmugMugError('upload-failed', text, { status: 200, code, transient });
  switch (code) {
    case 5:
      return make(`SmugMug's uploader had a system error with ${quoted}${said}; retrying may help`, true);
    case 6:
      return make(`SmugMug does not accept this file type: ${quoted}${said}`, false);
    case 64:
      return make(`SmugMug does not accept this file type: ${quoted}${said}`, false);
    case 72:
      return make(`SmugMug does not accept ${quoted}: the video is too small${said}`, false);
    case 9:
      return make(
        `SmugMug says the album ${albumUri} for ${quoted} is invalid; it may have been deleted`,
        false,
      );
    case 63:
      return make(`The album ${albumUri} is full (5,000 images); ${quoted} needs another album`, false);
    default:
      return make(`SmugMug's uploader refused ${quoted} with code ${code}${said}`, false);
  }
}
