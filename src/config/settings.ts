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
  /** Upload only between these hours. */
  schedule: ScheduleSettings;
  /** Which kinds of media every connected folder backs up. */
  fileTypes: FileTypes;
  /** Glob patterns left out of every connected folder, as with `safelight add --ignore`. */
  ignorePatterns: string[];
  /** Desktop app only: start with the computer. */
  startAtLogin: boolean;
  /** Desktop app only: no uploads while the computer runs on battery. */
  pauseOnBattery: boolean;
}

export interface ScheduleSettings {
  enabled: boolean;
  /** Local hour (0–23) uploads may start; an end before the start spans midnight; equal = all day. */
  startHour: number;
  endHour: number;
}

export interface FileTypes {
  photos: boolean;
  videos: boolean;
  raw: boolean;
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
  schedule: { enabled: false, startHour: 22, endHour: 7 },
  fileTypes: { photos: true, videos: true, raw: false },
  ignorePatterns: [],
  startAtLogin: false,
  pauseOnBattery: false,
};

const MAX_PATTERNS = 200;
const MAX_PATTERN_CHARS = 500;

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

function yesNo(file: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${file}: "${field}" must be true or false`);
  return value;
}

function section(file: string, field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${file}: "${field}" must be an object`);
  }
  return value as Record<string, unknown>;
}

function patterns(file: string, value: unknown): string[] {
  const ok =
    Array.isArray(value) &&
    value.length <= MAX_PATTERNS &&
    value.every((p) => typeof p === 'string' && p.trim() !== '' && p.length <= MAX_PATTERN_CHARS);
  if (!ok) {
    throw new Error(
      `${file}: "ignorePatterns" must be a list of at most ${MAX_PATTERNS} patterns such as "*.tmp" ` +
        `(each not empty, at most ${MAX_PATTERN_CHARS} characters)`,
    );
  }
  return [...(value as string[])];
}

export function parseSettings(file: string, raw: unknown): Settings {
  if (raw === undefined) return structuredClone(DEFAULT_SETTINGS);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error(`${file}: expected a JSON object`);
  const r = raw as Record<string, unknown>;
  const retry = section(file, 'retry', r.retry);
  const watch = section(file, 'watch', r.watch);
  const schedule = section(file, 'schedule', r.schedule);
  const types = section(file, 'fileTypes', r.fileTypes);
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
    schedule: {
      enabled: yesNo(file, 'schedule.enabled', schedule.enabled ?? d.schedule.enabled),
      startHour: wholeNumber(file, 'schedule.startHour', schedule.startHour ?? d.schedule.startHour, 0, 23),
      endHour: wholeNumber(file, 'schedule.endHour', schedule.endHour ?? d.schedule.endHour, 0, 23),
    },
    fileTypes: {
      photos: yesNo(file, 'fileTypes.photos', types.photos ?? d.fileTypes.photos),
      videos: yesNo(file, 'fileTypes.videos', types.videos ?? d.fileTypes.videos),
      raw: yesNo(file, 'fileTypes.raw', types.raw ?? d.fileTypes.raw),
    },
    ignorePatterns: patterns(file, r.ignorePatterns ?? d.ignorePatterns),
    startAtLogin: yesNo(file, 'startAtLogin', r.startAtLogin ?? d.startAtLogin),
    pauseOnBattery: yesNo(file, 'pauseOnBattery', r.pauseOnBattery ?? d.pauseOnBattery),
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
