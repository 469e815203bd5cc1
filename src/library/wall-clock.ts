// Dates as the clock on the camera showed them. Galleries are named after the day a photo was
// taken where it was taken: 00:30 on 1 August in Athens is August, even though it was still
// 31 July in UTC. So capture dates keep the wall-clock parts, and the instant only beside them.

export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// EXIF writes "2024:07:14 18:22:01"; software that rewrites it often uses '-' or 'T', adds
// fractions of a second, or leaves padding behind.
const EXIF_DATE_TIME = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
// com.apple.quicktime.creationdate: "2024-07-14T18:22:01+0200" (ISO 8601, zone optional).
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

// Real zones run from -12:00 to +14:00.
const MAX_OFFSET_MINUTES = 14 * 60;

/** An EXIF date-time, or null when absent, blank ("0000:00:00 00:00:00") or not a real date. */
export function parseExifDateTime(value: unknown): WallClock | null {
  if (typeof value !== 'string') return null;
  const match = EXIF_DATE_TIME.exec(trimTag(value));
  return match === null ? null : wallClockOf(match);
}

/** An EXIF OffsetTime* value ("+02:00") or an ISO zone ("Z", "+0200") in minutes east of UTC. */
export function parseOffset(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const text = trimTag(value);
  if (text === 'Z') return 0;
  const match = OFFSET.exec(text);
  if (match === null) return null;
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  if (minutes >= 60) return null;
  const total = hours * 60 + minutes;
  if (total > MAX_OFFSET_MINUTES) return null;
  return match[1] === '-' ? -total : total;
}

/** An ISO 8601 date-time as QuickTime keys hold it, with its zone when it has one. */
export function parseIsoDateTime(value: unknown): { date: WallClock; offsetMinutes: number | null } | null {
  if (typeof value !== 'string') return null;
  const match = ISO_DATE_TIME.exec(trimTag(value));
  if (match === null) return null;
  const date = wallClockOf(match);
  if (date === null) return null;
  if (match[7] === undefined) return { date, offsetMinutes: null };
  const offsetMinutes = parseOffset(match[7]);
  return offsetMinutes === null ? null : { date, offsetMinutes };
}

/** The instant a wall-clock time denotes in a zone `offsetMinutes` east of UTC. */
export function instantOf(date: WallClock, offsetMinutes: number): Date {
  return new Date(wallClockMs(date) - offsetMinutes * 60_000);
}

/** The wall clock read as if it were UTC: a number that orders and subtracts like the clock. */
export function wallClockMs(date: WallClock): number {
  const ms = Date.UTC(date.year, date.month - 1, date.day, date.hour, date.minute, date.second);
  // Date.UTC maps years 0–99 to 1900–1999.
  return date.year < 100 ? new Date(ms).setUTCFullYear(date.year) : ms;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** What a clock in `timeZone` (an IANA name such as "Europe/Athens") showed at `instant`. */
export function wallClockIn(instant: Date, timeZone: string): WallClock {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      era: 'short',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** The zone this computer is set to, for instants that carry none of their own. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function trimTag(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: EXIF strings end in NUL padding.
  return value.replace(/[\u0000\s]+$/u, '').trim();
}

function wallClockOf(match: RegExpExecArray): WallClock | null {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return { year, month, day, hour, minute, second };
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 'YYYY-MM-DDTHH:MM:SS': how Safelight's store keeps capture times and SmugMug's DateTimeCreated reads. */
export function formatWallClock(d: WallClock): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}T${pad(d.hour)}:${pad(d.minute)}:${pad(d.second)}`;
}

/** The clock of such a text (as stored, or as SmugMug sends it); null for null or anything else. */
export function parseWallClock(text: string | null): WallClock | null {
  return parseIsoDateTime(text)?.date ?? null;
}
