// Engine settings (settings.json) and the SmugMug account (account.json), validated on read so
// a hand-edited file gets a clear error naming the field instead of odd behaviour later.
import type { Credentials, Endpoints } from '../smugmug/types.ts';
import { readJson, writePrivateJson } from './files.ts';

export interface RetrySettings {
  retries: number;
  minTimeoutMs: number;
  maxTimeoutMs: number;
}

export interface Settings {
  /** Uploads running at once, over all folders. */
  parallelUploads: number;
  /** Bytes per second over all uploads; 0 = unlimited. */
  bandwidthLimit: number;
  retry: RetrySettings;
  watch: WatchSettings;
}

export interface WatchSettings {
  /** A new or changed file must keep its size and mtime this long before it is uploaded. */
  settleMs: number;
  /** Every connected folder is walked this often (and after the computer wakes) to catch what events missed. */
  reconcileMs: number;
  /** How often folders watched by polling (network shares) are looked at. */
  pollIntervalMs: number;
}

export const DEFAULT_SETTINGS: Settings = {
  parallelUploads: 3,
  bandwidthLimit: 0,
  retry: { retries: 5, minTimeoutMs: 1000, maxTimeoutMs: 30_000 },
  watch: { settleMs: 5000, reconcileMs: 3_600_000, pollIntervalMs: 30_000 },
};

export interface Account extends Credentials {
  endpoints: Endpoints;
  nickname: string;
}

function wholeNumber(file: string, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${file}: "${field}" must be a whole number from ${min} to ${max}`);
  }
  return value;
}

export function parseSettings(file: string, raw: unknown): Settings {
  if (raw === undefined) return structuredClone(DEFAULT_SETTINGS);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${file}: expected a JSON object`);
  const r = raw as Record<string, unknown>;
  const retry = (r.retry ?? {}) as Record<string, unknown>;
  const watch = (r.watch ?? {}) as Record<string, unknown>;
  const d = DEFAULT_SETTINGS;
  return {
    parallelUploads: wholeNumber(file, 'parallelUploads', r.parallelUploads ?? d.parallelUploads, 1, 16),
    bandwidthLimit: wholeNumber(file, 'bandwidthLimit', r.bandwidthLimit ?? d.bandwidthLimit, 0, 1e12),
    retry: {
      retries: wholeNumber(file, 'retry.retries', retry.retries ?? d.retry.retries, 0, 20),
      minTimeoutMs: wholeNumber(
        file,
        'retry.minTimeoutMs',
        retry.minTimeoutMs ?? d.retry.minTimeoutMs,
        0,
        600_000,
      ),
      maxTimeoutMs: wholeNumber(
        file,
        'retry.maxTimeoutMs',
        retry.maxTimeoutMs ?? d.retry.maxTimeoutMs,
        0,
        3_600_000,
      ),
    },
    watch: {
      settleMs: wholeNumber(file, 'watch.settleMs', watch.settleMs ?? d.watch.settleMs, 0, 3_600_000),
      reconcileMs: wholeNumber(
        file,
        'watch.reconcileMs',
        watch.reconcileMs ?? d.watch.reconcileMs,
        1000,
        7 * 86_400_000,
      ),
      pollIntervalMs: wholeNumber(
        file,
        'watch.pollIntervalMs',
        watch.pollIntervalMs ?? d.watch.pollIntervalMs,
        50,
        3_600_000,
      ),
    },
  };
}

export function loadSettings(file: string): Settings {
  return parseSettings(file, readJson(file));
}

export function saveSettings(file: string, settings: Settings): void {
  writePrivateJson(file, settings);
}

export function loadAccount(file: string): Account | undefined {
  const raw = readJson(file);
  if (raw === undefined) return undefined;
  const a = raw as Partial<Account>;
  const e = (a.endpoints ?? {}) as Partial<Endpoints>;
  const strings = [
    a.consumerKey,
    a.consumerSecret,
    a.token,
    a.tokenSecret,
    e.apiBaseUrl,
    e.uploadUrl,
    e.oauthBaseUrl,
  ];
  if (strings.some((s) => typeof s !== 'string' || s === '')) {
    throw new Error(`${file} is incomplete; sign in again with "safelight login"`);
  }
  return a as Account;
}

export function saveAccount(file: string, account: Account): void {
  writePrivateJson(file, account);
}

const UNITS: Record<string, number> = { '': 1, B: 1, K: 1e3, KB: 1e3, M: 1e6, MB: 1e6, G: 1e9, GB: 1e9 };

/** "5MB", "500 KB", "1.5M", "0" (unlimited) → bytes per second. */
export function parseRate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)(?:\/s)?\s*$/i.exec(text);
  const unit = m ? UNITS[(m[2] as string).toUpperCase()] : undefined;
  if (!m || unit === undefined) {
    throw new Error(`"${text}" is not a rate; write it like 5MB (per second), 500KB, or 0 for no limit`);
  }
  return Math.round(Number(m[1]) * unit);
}
