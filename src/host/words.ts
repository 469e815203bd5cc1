// Numbers, times and durations as the window shows them in its one-line states.

const grouped = new Intl.NumberFormat('en-US');

/** 12345 → "12,345" */
export function count(n: number): string {
  return grouped.format(n);
}

/** (3, 'file') → "3 files"; (1, 'file') → "1 file" */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local clock time: "14:05", with seconds ("14:05:30") when it is less than ten minutes away. */
export function clock(at: number, now = Date.now()): string {
  const d = new Date(at);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return at - now < 10 * 60_000 ? `${hm}:${pad(d.getSeconds())}` : hm;
}

/** Time left, roughly: "less than a minute", "about 5 minutes", "about 2 hours", "about 3 days". */
export function roughly(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${plural(minutes, 'minute')}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `about ${plural(hours, 'hour')}`;
  return `about ${plural(Math.round(hours / 24), 'day')}`;
}
