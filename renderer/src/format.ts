// Numbers as a person reads them: sizes in decimal units (as Finder and Explorer's status bar
// show them), rates, time left, and times relative to now.

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond <= 0) return '0 KB/s';
  if (bytesPerSecond < 1000) return `${(bytesPerSecond / 1000).toFixed(2)} KB/s`;
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatEta(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds)) return null;
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${plural(minutes, 'minute')} left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 24) return `about ${plural(hours, 'hour')}${rest ? ` ${plural(rest, 'minute')}` : ''} left`;
  return `about ${plural(Math.round(hours / 24), 'day')} left`;
}

export function formatAgo(timestamp: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - timestamp) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${plural(minutes, 'minute')} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${plural(hours, 'hour')} ago`;
  return new Date(timestamp).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
}

export function formatClock(timestamp: number): string {
  return new Date(timestamp).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function percent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, (done / total) * 100));
}

/** The last part of a relative path, and the folder it is in. */
export function splitPath(relPath: string): { dir: string; name: string } {
  const i = relPath.lastIndexOf('/');
  return i < 0 ? { dir: '', name: relPath } : { dir: relPath.slice(0, i), name: relPath.slice(i + 1) };
}

const wholeMonth = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const clockThere = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
});

/** A date gallery's period: '2024-07' → "July 2024", '2024' → "2024". */
export function formatTaken(taken: string): string {
  const [year = 0, month] = taken.split('-').map(Number);
  return month === undefined ? String(year) : wholeMonth.format(Date.UTC(year, month - 1, 1));
}

/**
 * When a photo was taken, as the clock showed it where it was taken ('2024-07-14T18:22:01' →
 * "14 Jul 2024, 18:22"), whatever this computer's time zone.
 */
export function formatCapture(at: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(at);
  if (!m) return at;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  return clockThere.format(Date.UTC(year, month - 1, day, hour, minute));
}
