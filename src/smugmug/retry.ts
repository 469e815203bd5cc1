// When to try a SmugMug call again and how long to wait: exponential backoff with jitter for
// transient failures, the server's own wait for a 429, and an immediate retry for a reused nonce.
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { SmugMugError } from './types.ts';

export interface RetryPolicy {
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** A 429 asking for a longer wait is handed to the caller instead of waited out here. */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 5,
  minTimeoutMs: 1000,
  maxTimeoutMs: 30_000,
  maxRateLimitWaitMs: 10 * 60_000,
};

export interface WaitInfo {
  reason: 'rate-limit' | 'retry';
  ms: number;
  error: SmugMugError;
}

export interface RetryHooks {
  signal?: AbortSignal;
  onWait?: (info: WaitInfo) => void;
}

/** A reused nonce is fixed by signing again; a few in a row mean something else is wrong. */
const MAX_NONCE_RETRIES = 3;

function isRateLimit(error: unknown): error is SmugMugError {
  return error instanceof SmugMugError && error.kind === 'rate-limit';
}

function isNonceReuse(error: unknown): error is SmugMugError {
  return error instanceof SmugMugError && error.kind === 'auth' && error.transient;
}

function backoffMs(policy: RetryPolicy, attempt: number): number {
  const jitter = 1 + Math.random();
  return Math.min(Math.round(policy.minTimeoutMs * 2 ** attempt * jitter), policy.maxTimeoutMs);
}

/**
 * Runs `attempt` until it succeeds, a failure is not transient, or the retries are used up.
 * A 429 waits as long as SmugMug asked (falling back to backoff) and does not use up a retry
 * while there are rate-limit waits left (as many as retries).
 */
export function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  let rateLimitWaits = 0;
  let nonceRetries = 0;
  // Set when the failure just seen is waited out here rather than by p-retry's backoff.
  let ownWaitMs: number | null = null;
  return pRetry(attempt, {
    retries: policy.retries,
    minTimeout: policy.minTimeoutMs,
    maxTimeout: policy.maxTimeoutMs,
    factor: 2,
    randomize: true,
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    shouldConsumeRetry: ({ error, retriesLeft }) => {
      ownWaitMs = null;
      if (retriesLeft <= 0) return true;
      if (isRateLimit(error) && rateLimitWaits < policy.retries) {
        const wait = error.retryAfterMs ?? backoffMs(policy, rateLimitWaits);
        if (wait <= policy.maxRateLimitWaitMs) {
          rateLimitWaits++;
          ownWaitMs = wait;
          return false;
        }
      }
      if (isNonceReuse(error) && nonceRetries < MAX_NONCE_RETRIES) {
        nonceRetries++;
        ownWaitMs = 0;
        return false;
      }
      return true;
    },
    onFailedAttempt: async ({ error, retryDelay }) => {
      if (!(error instanceof SmugMugError)) return;
      if (ownWaitMs !== null) {
        if (ownWaitMs > 0) {
          hooks.onWait?.({ reason: 'rate-limit', ms: ownWaitMs, error });
          const signal = hooks.signal;
          await sleep(ownWaitMs, undefined, signal ? { signal } : {}).catch(() => {
            throw signal?.reason;
          });
        }
        return;
      }
      if (retryDelay > 0 && retriable(error)) hooks.onWait?.({ reason: 'retry', ms: retryDelay, error });
    },
    shouldRetry: ({ error }) => ownWaitMs !== null || retriable(error),
  });
}

/** Transient failures that backoff can help; rate limits and nonces are handled apart. */
function retriable(error: unknown): boolean {
  return (
    error instanceof SmugMugError && error.transient && error.kind !== 'rate-limit' && error.kind !== 'auth'
  );
}
