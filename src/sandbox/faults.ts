// Switchable faults: what the real service and the network do to a client on a bad day.
// Configured from `--faults SPEC` or at run time (tests, /__sandbox/faults).

export interface FaultConfig {
  /** Fraction of requests answered 500 before anything is applied. */
  error500: number;
  /** Fraction of requests answered 503 before anything is applied. */
  error503: number;
  /** Fraction of uploads whose connection is reset halfway through the body. */
  resetUpload: number;
  /** Fraction of writes (uploads, POST, PATCH, DELETE) applied and then answered 504. */
  timeoutAfterCommit: number;
  /** Every `every` requests, the next `length` are answered 429 with Retry-After. */
  burst429: { every: number; length: number; retryAfter: number } | null;
  /** Fraction of responses delayed by `slowMs`. */
  slowFraction: number;
  slowMs: number;
  /** Seed for the fault dice, so a run can be repeated. */
  seed: number;
}

export const noFaults: FaultConfig = {
  error500: 0,
  error503: 0,
  resetUpload: 0,
  timeoutAfterCommit: 0,
  burst429: null,
  slowFraction: 0,
  slowMs: 0,
  seed: 1,
};

export class FaultSpecError extends Error {}

function fraction(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new FaultSpecError(`fault "${name}" needs a fraction between 0 and 1, got "${text}"`);
  }
  return value;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new FaultSpecError(`fault "${name}" needs a whole number of at least 1, got "${text}"`);
  }
  return value;
}

/**
 * Parses a fault spec such as `500=0.05,503=0.05,429=50x5@1,reset=0.02,504commit=0.02,slow=0.1@2000,seed=7`.
 * `429=EVERYxLENGTH@RETRY_AFTER_SECONDS`, `slow=FRACTION@MILLISECONDS`. Empty or `none` means no faults.
 */
export function parseFaultSpec(spec: string): FaultConfig {
  const config: FaultConfig = { ...noFaults };
  const trimmed = spec.trim();
  if (trimmed === '' || trimmed === 'none') return config;
  for (const part of trimmed.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new FaultSpecError(`fault "${part}" has no "=": write NAME=VALUE`);
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    switch (name) {
      case '500':
        config.error500 = fraction(name, value);
        break;
      case '503':
        config.error503 = fraction(name, value);
        break;
      case 'reset':
        config.resetUpload = fraction(name, value);
        break;
      case '504commit':
        config.timeoutAfterCommit = fraction(name, value);
        break;
      case '429': {
        const m = /^(\d+)x(\d+)(?:@(\d+))?$/.exec(value);
        if (!m)
          throw new FaultSpecError(`fault "429" needs EVERYxLENGTH@SECONDS such as 50x5@1, got "${value}"`);
        config.burst429 = {
          every: positive('429 every', m[1] ?? ''),
          length: positive('429 length', m[2] ?? ''),
          retryAfter: m[3] ? Number(m[3]) : 1,
        };
        break;
      }
      case 'slow': {
        const m = /^([0-9.]+)@(\d+)$/.exec(value);
        if (!m)
          throw new FaultSpecError(
            `fault "slow" needs FRACTION@MILLISECONDS such as 0.1@2000, got "${value}"`,
          );
        config.slowFraction = fraction(name, m[1] ?? '');
        config.slowMs = Number(m[2]);
        break;
      }
      case 'seed':
        config.seed = positive(name, value);
        break;
      default:
        throw new FaultSpecError(
          `unknown fault "${name}": use 500, 503, 429, reset, 504commit, slow or seed`,
        );
    }
  }
  return config;
}

/** Small deterministic PRNG (mulberry32) so a seeded fault run repeats exactly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type ForcedFault = '500' | '503' | '429' | 'reset' | '504commit';

export class Faults {
  private config: FaultConfig = { ...noFaults };
  private random: () => number = mulberry32(1);
  private counter = 0;
  private burstLeft = 0;
  private readonly forced: ForcedFault[] = [];

  constructor(config?: Partial<FaultConfig>) {
    this.set(config ?? {});
  }

  set(config: Partial<FaultConfig>): void {
    this.config = { ...noFaults, ...config };
    this.random = mulberry32(this.config.seed);
    this.counter = 0;
    this.burstLeft = 0;
  }

  get current(): FaultConfig {
    return { ...this.config };
  }

  /** Makes the next matching request(s) fail this way, whatever the fractions say. */
  force(kind: ForcedFault, times = 1): void {
    for (let i = 0; i < times; i++) this.forced.push(kind);
  }

  private takeForced(kinds: readonly ForcedFault[]): boolean {
    const i = this.forced.findIndex((k) => kinds.includes(k));
    if (i < 0) return false;
    this.forced.splice(i, 1);
    return true;
  }

  /** Decided once per request, before it is handled. */
  before(): { status: 500 | 503 | 429; retryAfter?: number } | null {
    this.counter++;
    if (this.takeForced(['429'])) return { status: 429, retryAfter: this.config.burst429?.retryAfter ?? 1 };
    const burst = this.config.burst429;
    if (burst) {
      if (this.burstLeft > 0) {
        this.burstLeft--;
        return { status: 429, retryAfter: burst.retryAfter };
      }
      if (this.counter % burst.every === 0) {
        this.burstLeft = burst.length - 1;
        return { status: 429, retryAfter: burst.retryAfter };
      }
    }
    // The first forced 500 or 503 in the queue, wherever it is: a 504commit or reset queued
    // earlier waits for a write or an upload and must not hold these back.
    const i = this.forced.findIndex((k) => k === '500' || k === '503');
    if (i >= 0) return { status: this.forced.splice(i, 1)[0] === '500' ? 500 : 503 };
    if (this.random() < this.config.error500) return { status: 500 };
    if (this.random() < this.config.error503) return { status: 503 };
    return null;
  }

  resetThisUpload(): boolean {
    return this.takeForced(['reset']) || this.random() < this.config.resetUpload;
  }

  timeoutAfterCommit(): boolean {
    return this.takeForced(['504commit']) || this.random() < this.config.timeoutAfterCommit;
  }

  delayMs(): number {
    return this.config.slowMs > 0 && this.random() < this.config.slowFraction ? this.config.slowMs : 0;
  }
}
