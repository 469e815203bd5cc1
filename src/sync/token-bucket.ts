// Bandwidth limit for upload bodies: one bucket shared by every concurrent upload, so the limit
// holds for the whole app, and changeable while uploads run.

const MIN_CAPACITY = 64 * 1024;
// Burst allowance as a fraction of a second: small enough that the rate measured over a few
// seconds stays within ±2% of the limit, large enough that 64 KiB pieces flow without stalls.
const BURST_SECONDS = 0.05;
const PIECE = 64 * 1024;

interface Waiter {
  n: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

function isUnlimited(rate: number): boolean {
  return rate === 0 || rate === Number.POSITIVE_INFINITY;
}

function checkRate(bytesPerSecond: number): void {
  if (!(bytesPerSecond >= 0)) {
    throw new RangeError(
      `bandwidth limit must be 0 (unlimited) or more bytes per second, got ${bytesPerSecond}`,
    );
  }
}

export class TokenBucket {
  #rate: number;
  #capacity: number;
  // Starts empty so that a new limit is exact from the first byte; after an idle moment it holds
  // at most one burst. May go negative: a take larger than the burst is let through once a full
  // burst is available and paid back before the next waiter goes.
  #tokens = 0;
  #refilledAt = performance.now();
  #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;

  /** 0 or Infinity = unlimited. */
  constructor(bytesPerSecond: number) {
    checkRate(bytesPerSecond);
    this.#rate = bytesPerSecond;
    this.#capacity = Math.max(MIN_CAPACITY, bytesPerSecond * BURST_SECONDS);
  }

  get rate(): number {
    return this.#rate;
  }

  /** Takes effect for waiting and future takes immediately. 0 or Infinity = unlimited. */
  setRate(bytesPerSecond: number): void {
    checkRate(bytesPerSecond);
    // Bytes earned so far are earned at the old rate.
    this.#refill();
    this.#rate = bytesPerSecond;
    this.#capacity = Math.max(MIN_CAPACITY, bytesPerSecond * BURST_SECONDS);
    this.#tokens = isUnlimited(bytesPerSecond) ? 0 : Math.min(this.#tokens, this.#capacity);
    this.#clearTimer();
    this.#serve();
  }

  /** Resolves when n bytes may be sent. Waiters are served in FIFO order. Rejects with the signal's reason when aborted. */
  take(n: number, signal?: AbortSignal): Promise<void> {
    if (!(Number.isFinite(n) && n >= 0)) {
      return Promise.reject(new RangeError(`take: byte count must be 0 or more, got ${n}`));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (isUnlimited(this.#rate) || n === 0) return Promise.resolve();
    if (this.#queue.length === 0) {
      this.#refill();
      if (this.#tokens >= Math.min(n, this.#capacity)) {
        this.#tokens -= n;
        return Promise.resolve();
      }
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { n, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.#abort(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      if (this.#queue.length === 1) this.#serve();
    });
  }

  #refill(): void {
    const now = performance.now();
    if (!isUnlimited(this.#rate)) {
      const earned = this.#tokens + ((now - this.#refilledAt) * this.#rate) / 1000;
      // While someone waits, what a late timer earned belongs to them: clipping it to the burst
      // size would lose ~1 ms of bandwidth per wait (1.5% at 1 MB/s with 64 KiB pieces).
      this.#tokens = this.#queue.length > 0 ? earned : Math.min(this.#capacity, earned);
    }
    this.#refilledAt = now;
  }

  /** Lets through every waiter at the head that can go now, then sleeps until the next one can. */
  #serve(): void {
    if (isUnlimited(this.#rate)) {
      for (const waiter of this.#queue.splice(0)) this.#settle(waiter).resolve();
      return;
    }
    this.#refill();
    let head = this.#queue[0];
    while (head !== undefined && this.#tokens >= Math.min(head.n, this.#capacity)) {
      this.#tokens -= head.n;
      this.#queue.shift();
      this.#settle(head).resolve();
      head = this.#queue[0];
    }
    if (head === undefined) {
      this.#tokens = Math.min(this.#tokens, this.#capacity);
      return;
    }
    if (this.#timer !== undefined) return;
    const missing = Math.min(head.n, this.#capacity) - this.#tokens;
    const ms = Math.max(1, Math.ceil((missing * 1000) / this.#rate));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#serve();
    }, ms);
  }

  #abort(waiter: Waiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index === -1) return;
    this.#queue.splice(index, 1);
    this.#settle(waiter).reject(waiter.signal?.reason);
    if (index === 0) {
      // The next waiter may need fewer tokens than the one that left.
      this.#clearTimer();
      this.#serve();
    }
  }

  #settle(waiter: Waiter): Waiter {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    return waiter;
  }

  #clearTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Paces a request body through the bucket: resolves with how many of `wanted` bytes may be sent
 * now. Without a limit that is all of them; with one, a piece of at most 64 KiB once the bucket
 * allows it, so the rate stays even. The rate is read per piece, so a limit set while a file
 * uploads applies to the rest of it.
 */
export async function grant(bucket: TokenBucket, wanted: number, signal?: AbortSignal): Promise<number> {
  if (isUnlimited(bucket.rate)) return wanted;
  const piece = Math.min(wanted, PIECE);
  await bucket.take(piece, signal);
  return piece;
}
