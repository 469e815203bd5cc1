// Keeps the windows' snapshot current without flooding them: a change only marks it stale, and it
// is rebuilt at most once per interval however many changes arrive (100k files uploaded in a row
// cost a few rebuilds a second). While work is going on it is rebuilt every interval, so progress
// moves; when nothing is going on no timer runs. It is sent only when it differs from the last.
import type { SnapshotData } from '../protocol/schema.ts';

export class SnapshotFeed {
  private readonly build: () => SnapshotData;
  private readonly send: (snapshot: SnapshotData) => void;
  private readonly busy: () => boolean;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private lastBuilt = Number.NEGATIVE_INFINITY;
  private lastSent = '';
  private closed = false;
  /** How long the last rebuild took, in milliseconds. */
  buildMs = 0;

  constructor(options: {
    build: () => SnapshotData;
    send: (snapshot: SnapshotData) => void;
    busy: () => boolean;
    intervalMs?: number;
  }) {
    this.build = options.build;
    this.send = options.send;
    this.busy = options.busy;
    this.intervalMs = options.intervalMs ?? 250;
  }

  /** Something in the snapshot may have changed. */
  invalidate(): void {
    if (this.timer || this.closed) return;
    const wait = Math.max(0, this.lastBuilt + this.intervalMs - performance.now());
    this.timer = setTimeout(() => this.tick(), wait);
    this.timer.unref();
  }

  /** The snapshot as it is now (for a window that asks, or one that just connected). */
  current(): SnapshotData {
    const started = performance.now();
    const snapshot = this.build();
    this.buildMs = performance.now() - started;
    return snapshot;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    this.timer = undefined;
    if (this.closed) return;
    this.lastBuilt = performance.now();
    const snapshot = this.current();
    const text = JSON.stringify(snapshot);
    if (text !== this.lastSent) {
      this.lastSent = text;
      this.send(snapshot);
    }
    if (this.busy()) this.invalidate();
  }
}
