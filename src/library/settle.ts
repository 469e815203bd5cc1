// The settle rule: a path a watcher reported is handed on only once its size and mtime have
// stayed the same for a whole settle window, so a file still being copied in (a 300 MB video
// over a slow share) is never picked up half written. Every report of a path starts its window
// again; a burst of 2,000 reports becomes one batch, and a path is never in a batch twice.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What a path looked like: a file's size and mtime, 'dir', or 'gone'. */
type Look = string;

interface Entry {
  dueAt: number;
  look: Look | undefined;
}

export interface SettlerOptions {
  root: string;
  windowMs: number;
  /** Paths that have settled: files, folders, or paths that are gone. */
  onSettled: (relPaths: string[]) => void;
  onError?: (error: unknown) => void;
}

async function lookAt(abs: string): Promise<Look> {
  try {
    const s = await stat(abs);
    return s.isDirectory() ? 'dir' : `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

export class Settler {
  private readonly options: SettlerOptions;
  // Insertion order is due order: every report re-inserts its path with a later due time.
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private closed = false;

  constructor(options: SettlerOptions) {
    this.options = options;
  }

  /** Paths waiting for their window to pass. */
  get waiting(): number {
    return this.entries.size;
  }

  /** Each path's window (re)starts now. */
  report(relPaths: Iterable<string>): void {
    if (this.closed) return;
    const dueAt = performance.now() + this.options.windowMs;
    for (const relPath of relPaths) {
      const entry: Entry = { dueAt, look: undefined };
      this.entries.delete(relPath);
      this.entries.set(relPath, entry);
      // What it looks like now is what it must still look like when the window ends.
      void lookAt(join(this.options.root, relPath)).then((look) => {
        entry.look ??= look;
      });
    }
    this.schedule();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.entries.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.checking || this.closed) return;
    const head = this.entries.values().next().value;
    if (!head) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.check().catch((e: unknown) => this.options.onError?.(e));
      },
      Math.max(0, head.dueAt - performance.now()),
    );
  }

  /**
   * Looks at every path whose window has passed: unchanged since it was reported (or last
   * looked at) → settled; otherwise its window starts again. Folders and paths that are gone
   * have nothing left to finish and settle at once.
   */
  private async check(): Promise<void> {
    this.checking = true;
    try {
      const now = performance.now();
      const due: [string, Entry][] = [];
      for (const [relPath, entry] of this.entries) {
        if (entry.dueAt > now) break;
        due.push([relPath, entry]);
      }
      const looks = await Promise.all(due.map(([relPath]) => lookAt(join(this.options.root, relPath))));
      if (this.closed) return;
      const settled: string[] = [];
      const again = performance.now() + this.options.windowMs;
      due.forEach(([relPath, entry], i) => {
        // Reported again while it was being looked at: its new window stands.
        if (this.entries.get(relPath) !== entry) return;
        const look = looks[i] as Look;
        this.entries.delete(relPath);
        if (look === entry.look || look === 'gone' || look === 'dir') settled.push(relPath);
        else this.entries.set(relPath, { dueAt: again, look });
      });
      if (settled.length > 0) this.options.onSettled(settled);
    } finally {
      this.checking = false;
      this.schedule();
    }
  }
}
