// SmugMug's windowed rate limit: the first request opens a window; within it a key may make
// `limit` requests; the next request after the window opens a new one (ratelimit-doc).

export interface RateLimitConfig {
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  /** End of the current window, in seconds since the epoch. */
  reset: number;
  retryAfter: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  config: RateLimitConfig;
  private readonly nowMs: () => number;

  constructor(config: RateLimitConfig, nowMs: () => number = Date.now) {
    this.config = config;
    this.nowMs = nowMs;
  }

  take(key: string): RateDecision {
    const now = this.nowMs();
    const windowMs = this.config.windowSeconds * 1000;
    let w = this.windows.get(key);
    if (!w || now >= w.start + windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    const end = w.start + windowMs;
    const reset = Math.ceil(end / 1000);
    if (w.used >= this.config.limit) {
      return { allowed: false, remaining: 0, reset, retryAfter: Math.max(1, Math.ceil((end - now) / 1000)) };
    }
    w.used++;
    return { allowed: true, remaining: this.config.limit - w.used, reset, retryAfter: 0 };
  }
}
